"""Which shops count: the one name for the customer scope every --district/--manager means."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """The active shops, narrowed to a district (片区) and/or an account manager."""

    district: str | None = None
    manager: str | None = None

    @classmethod
    def of(cls, district: str | None, manager: str | None) -> Scope | None:
        """The scope options name, or None when they name none (every shop, closed included,
        for the listings that show those too)."""
        return cls(district, manager) if district or manager else None
