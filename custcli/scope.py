"""Which shops count: the one name for the customer scope every --district/--manager means."""

from __future__ import annotations

from typing import NamedTuple

# Which shops a question is about, by their status (在营 active, 暂停 suspended, 关闭 closed):
ACTIVE = "active"  # in business: visits fall due at them, the drill asks about them
OPEN = "open"  # not closed, suspended too: their orders, churn, pyramid and spread count
ALL = "all"  # closed too: a month's history (the report) and finding a card


class Scope(NamedTuple):
    """Shops of one status set (ACTIVE unless said), narrowed to a district (片区) and/or an
    account manager."""

    district: str | None = None
    manager: str | None = None
    shops: str = ACTIVE

    @classmethod
    def of(cls, district: str | None, manager: str | None) -> Scope | None:
        """The scope options name, or None when they name none (every shop, closed included,
        for the listings that show those too)."""
        return cls(district, manager) if district or manager else None
