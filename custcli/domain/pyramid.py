"""The customer pyramid: active customers ranked by 12 months' amount into top (first 1%),
high (next 4%), mid (next 15%) and low (the rest); inactive and potential beside them."""

from __future__ import annotations

import datetime as dt
import math
import sqlite3

from custcli.db import insights as q
from custcli.db.connection import write_transaction
from custcli.domain.months import shift_months, year_to

TIERS = ("top", "high", "mid", "low", "inactive", "potential")
# Cumulative share of the ranked active customers at which each tier ends.
BOUNDARIES = (("top", 0.01), ("high", 0.05), ("mid", 0.20), ("low", 1.0))


def rank(amounts: dict[int, float]) -> dict[int, str]:
    """Tiers of active customers by rank. A tier ends where its cumulative share is reached,
    rounded up, so that even ten customers have a top one; customers tied on amount share
    the tier of the best placed of them."""
    ranked = sorted(amounts.items(), key=lambda item: (-item[1], item[0]))
    ends = [(tier, math.ceil(len(ranked) * share)) for tier, share in BOUNDARIES]
    tiers: dict[int, str] = {}
    tier_of_amount: dict[float, str] = {}
    boundary = 0
    for position, (customer_id, amount) in enumerate(ranked, 1):
        while position > ends[boundary][1]:
            boundary += 1
        tiers[customer_id] = tier_of_amount.setdefault(amount, ends[boundary][0])
    return tiers


def classify(rows: list[dict], amount_key: str, bought_by: str) -> dict[int, str]:
    """Every customer's tier: ranked if it bought in the window, else inactive if it had
    bought by `bought_by` (an ISO date), else potential."""
    tiers = rank({r["id"]: r[amount_key] for r in rows if r[amount_key] > 0})
    for row in rows:
        if row["id"] not in tiers:
            ever = row["first_order"] is not None and row["first_order"] <= bought_by
            tiers[row["id"]] = "inactive" if ever else "potential"
    return tiers


def _tiers(
    conn: sqlite3.Connection, as_of: dt.date, district: str | None, manager: str | None
) -> tuple[list[dict], dict[int, str], dict[int, str]]:
    quarter_ago = shift_months(as_of, -3)
    windows = {"amount_12m": year_to(as_of), "amount_12m_before": year_to(quarter_ago)}
    rows = q.amounts(conn, windows, as_of.isoformat(), district, manager)
    return (
        rows,
        classify(rows, "amount_12m", as_of.isoformat()),
        classify(rows, "amount_12m_before", quarter_ago.isoformat()),
    )


def pyramid(
    conn: sqlite3.Connection,
    as_of: dt.date,
    district: str | None = None,
    manager: str | None = None,
    store: bool = False,
) -> dict:
    """Counts and revenue share per tier, every customer's tier now and a quarter earlier.
    With store (the whole file only), the tiers are kept for `cust show` as well."""
    rows, now, before = _tiers(conn, as_of, district, manager)
    if store:
        _store(conn, rows, now, as_of)
    total = sum(r["amount_12m"] for r in rows)
    counts: dict[str, int] = dict.fromkeys(TIERS, 0)
    amounts: dict[str, float] = dict.fromkeys(TIERS, 0.0)
    for row in rows:
        counts[now[row["id"]]] += 1
        amounts[now[row["id"]]] += row["amount_12m"]
    tiers = {
        tier: {
            "count": counts[tier],
            "amount": round(amounts[tier], 2),
            "share": round(amounts[tier] / total * 100, 1) if total else None,
        }
        for tier in TIERS
    }
    customers = [
        {
            "code": r["code"],
            "name": r["name"],
            "tier": now[r["id"]],
            "amount_12m": round(r["amount_12m"], 2),
            "previous_tier": before[r["id"]],
        }
        for r in sorted(rows, key=lambda r: (-r["amount_12m"], r["code"]))
    ]
    top20 = sum(tiers[t]["amount"] for t in ("top", "high", "mid"))
    return {
        "as_of": as_of.isoformat(),
        "tiers": tiers,
        "customers": customers,
        "top20_share": round(top20 / total * 100, 1) if total else None,
        "moved": [c for c in customers if c["tier"] != c["previous_tier"]],
    }


def refresh(conn: sqlite3.Connection, as_of: dt.date) -> None:
    """Store every customer's tier as of a day, so that `cust show` reads it at no cost."""
    rows, now, _before = _tiers(conn, as_of, None, None)
    _store(conn, rows, now, as_of)


def _store(conn: sqlite3.Connection, rows: list[dict], now: dict[int, str], as_of: dt.date) -> None:
    """Keep the tiers, ranked among every shop of the file. A fenced login (a manager on the
    department's database) sees only its own shops, so would rank them among themselves and
    put those tiers beside the department's: it keeps none, and the tiers stay as the
    department's last refresh ranked them."""
    from custcli.db.grants import fenced

    if fenced(conn):
        return
    with write_transaction(conn):
        q.save_pyramid(
            conn, ((r["id"], now[r["id"]], r["amount_12m"]) for r in rows), as_of.isoformat()
        )
