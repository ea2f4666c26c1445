"""Which shops count: the one name for the customer scope every --district/--manager means."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """The active shops, narrowed to a district (片区) and/or an account manager."""

    district: str | None = None
    manager: str | None = None
