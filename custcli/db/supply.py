"""The company's supply allowances (custcli.kinds.SUPPLY): written by an import, read for a
shop's tier and for the list."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from custcli.db.rows import dicts

COLUMNS = ("brand", "tier_low", "tier_high", "cartons", "period", "starts", "market", "format",
           "district")  # fmt: skip


def put(conn: sqlite3.Connection, values: Mapping[str, Any], import_id: int, key: str) -> str:
    """One allowance, new or changed (the same key: the same brand, tiers, period and place);
    "new", "updated" or "unchanged"."""
    current = conn.execute("SELECT cartons FROM supply WHERE row_key = ?", (key,)).fetchone()
    if current is None:
        conn.execute(
            f"INSERT INTO supply ({', '.join(COLUMNS)}, import_id, row_key)"
            f" VALUES ({', '.join('?' * (len(COLUMNS) + 2))})",
            (*(values.get(c) for c in COLUMNS), import_id, key),
        )
        return "new"
    if current[0] == values["cartons"]:
        return "unchanged"
    conn.execute(
        "UPDATE supply SET cartons = ?, import_id = ? WHERE row_key = ?",
        (values["cartons"], import_id, key),
    )
    return "updated"


def latest_start(conn: sqlite3.Connection, period: str, on_or_before: str) -> str | None:
    """The start of the latest period of a kind that has begun by a day."""
    return conn.execute(
        "SELECT max(starts) FROM supply WHERE period = ? AND starts <= ?", (period, on_or_before)
    ).fetchone()[0]


def allowances(
    conn: sqlite3.Connection, period: str, starts: str, tier: int | None = None
) -> list[dict]:
    """A period's allowances, of one tier or all, brand by brand."""
    tier_clause = " AND tier_low <= ? AND tier_high >= ?" if tier is not None else ""
    params = (period, starts, *((tier, tier) if tier is not None else ()))
    return dicts(
        conn.execute(
            "SELECT s.brand, s.tier_low, s.tier_high, s.cartons, s.period, s.starts, s.market,"
            " s.format, s.district, b.price_class FROM supply s"
            " LEFT JOIN brands b ON b.name = s.brand"
            f" WHERE s.period = ? AND s.starts = ?{tier_clause}"
            " ORDER BY coalesce(b.price_class, 9), s.cartons, s.brand, s.tier_high DESC",
            params,
        )
    )


def delete_of_import(conn: sqlite3.Connection, import_id: int) -> int:
    return conn.execute("DELETE FROM supply WHERE import_id = ?", (import_id,)).rowcount
