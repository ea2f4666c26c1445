"""The customer pyramid: active customers ranked by 12 months' amount into top (first 1%),
high (next 4%), mid (next 15%) and low (the rest); inactive and potential beside them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable

from custcli.db import insights as q
from custcli.db.engine import write_transaction
from custcli.kinds import CUSTOMERS
from custcli.months import shift_months, year_to

TIERS = ("top", "high", "mid", "low", "inactive", "potential")
# Cumulative share of the ranked active customers at which each tier ends; a tier ends
# where its share is reached, rounded up, so that even ten customers have a top one, and
# customers tied on amount share the tier of the best placed of them. Those who did not
# buy in the window are inactive if they had bought before, else potential. The ranking
# itself is done in the database (custcli.db.insights.tiered): the refresh every import
# runs under its write lock took 2.6 s for 100,000 shops ranked in Python, 1.65 s there.
BOUNDARIES = (("top", 0.01), ("high", 0.05), ("mid", 0.20), ("low", 1.0))
UNRANKED = ("inactive", "potential")


def _windows(as_of: dt.date) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """The twelve months to as_of and to a quarter before it, and the day by which a
    customer must have bought to be inactive rather than potential in each."""
    quarter_ago = shift_months(as_of, -3)
    windows = {"amount_12m": year_to(as_of), "amount_12m_before": year_to(quarter_ago)}
    return windows, {"amount_12m": as_of.isoformat(), "amount_12m_before": quarter_ago.isoformat()}


def pyramid(
    conn: sqlite3.Connection,
    as_of: dt.date,
    district: str | None = None,
    manager: str | None = None,
    store: bool = False,
    customers: bool = True,
) -> dict:
    """Counts and revenue share per tier, every customer's tier now and a quarter earlier
    (`customers`; those who moved tier always). With store (the whole file only), the
    tiers are kept for `cust show` as well."""
    windows, bought_by = _windows(as_of)
    rows = q.tiered(
        conn, windows, bought_by, BOUNDARIES, UNRANKED, as_of.isoformat(), district, manager
    )
    if store:
        _store(conn, ((cid, tier, amount) for cid, _c, _n, amount, tier, _b, _p in rows), as_of)
    total = 0.0
    counts: dict[str, int] = dict.fromkeys(TIERS, 0)
    amounts: dict[str, float] = dict.fromkeys(TIERS, 0.0)
    for _id, _code, _name, amount, tier, _before, _previous in rows:
        total += amount
        counts[tier] += 1
        amounts[tier] += amount
    tiers = {
        tier: {
            "count": counts[tier],
            "amount": round(amounts[tier], 2),
            "share": round(amounts[tier] / total * 100, 1) if total else None,
        }
        for tier in TIERS
    }
    top20 = sum(tiers[t]["amount"] for t in ("top", "high", "mid"))
    return {
        "as_of": as_of.isoformat(),
        "tiers": tiers,
        CUSTOMERS.name: _listed(rows) if customers else [],
        "top20_share": round(top20 / total * 100, 1) if total else None,
        "moved": _listed([row for row in rows if row[4] != row[6]]),  # tier now, a quarter ago
    }


def _listed(rows: list) -> list[dict]:
    """Rows of `tiered` as the customers pyramid() gives, the largest amount first, then by
    code: sorted here, so that codes compare alike on both engines, whatever the database's
    collation."""
    return [
        {
            "code": code,
            "name": name,
            "tier": tier,
            "amount_12m": round(amount, 2),
            "previous_tier": previous,
        }
        for _id, code, name, amount, tier, _before, previous in sorted(
            rows,
            key=lambda row: (-row[3], row[1]),  # amount, code
        )
    ]


def refresh(conn: sqlite3.Connection, as_of: dt.date) -> None:
    """Store every customer's tier as of a day, so that `cust show` reads it at no cost."""
    if not _may_store(conn):
        return
    windows, bought_by = _windows(as_of)
    with write_transaction(conn):
        q.store_tiers(
            conn,
            windows["amount_12m"],
            bought_by["amount_12m"],
            BOUNDARIES,
            UNRANKED,
            as_of.isoformat(),
        )


def _store(conn: sqlite3.Connection, rows: Iterable[tuple[int, str, float]], as_of: dt.date):
    if _may_store(conn):
        with write_transaction(conn):
            q.save_pyramid(conn, rows, as_of.isoformat())


def _may_store(conn: sqlite3.Connection) -> bool:
    """The tiers kept are ranked among every shop of the file. A fenced login (a manager on
    the department's database) sees only its own shops, so would rank them among themselves
    and put those tiers beside the department's: it keeps none, and the tiers stay as the
    department's last refresh ranked them."""
    from custcli.db.grants import fenced

    return not fenced(conn)
