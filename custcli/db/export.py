"""Queries that stream rows out for exports and reports, filtered by the customer's card."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from typing import Any

from custcli.db.rows import record, where

# kind → (SELECT list, FROM and JOIN, the date column a --month filters on)
_LINES = {
    "visits": (
        "v.date, c.code, c.name, v.kind, v.note, v.found, v.satisfaction, v.manager",
        "visits v JOIN customers c ON c.id = v.customer_id",
        "v.date",
    ),
    "orders": (
        "o.date, c.code, o.brand, o.qty, o.amount, o.unit_price",
        "orders o JOIN customers c ON c.id = o.customer_id",
        "o.date",
    ),
    "complaints": (
        "p.opened_on, c.code, c.name, p.kind, p.text, p.resolved_on, p.resolution,"
        " julianday(p.resolved_on) - julianday(p.opened_on) AS days_to_resolve",
        "complaints p JOIN customers c ON c.id = p.customer_id",
        "p.opened_on",
    ),
}


def lines(
    conn: sqlite3.Connection,
    kind: str,
    card_filters: Mapping[str, Any],
    first: str | None = None,
    last: str | None = None,
) -> Iterator[dict]:
    """Visits, orders or complaints, oldest first, of customers whose card matches filters."""
    columns, source, date = _LINES[kind]
    clause, params = where(
        *((f"c.{key} = ?", (value,)) for key, value in card_filters.items()),
        first is not None and (f"{date} >= ?", (first,)),
        last is not None and (f"{date} <= ?", (last,)),
    )
    alias = date.split(".")[0]
    cursor = conn.execute(
        f"SELECT {columns} FROM {source} WHERE {clause} ORDER BY {date}, {alias}.id", params
    )
    for row in cursor:
        yield record(row)
