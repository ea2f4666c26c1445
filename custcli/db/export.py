"""Queries that stream rows out for exports and reports, filtered by the customer's card."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from typing import Any

from custcli.db.rows import record, where
from custcli.kinds import Kind

# What an export shows that no column holds: worked out in the query.
COMPUTED = {"days_to_resolve": "julianday(r.resolved_on) - julianday(r.opened_on)"}
_SHOP = ("code", "name")


def lines(
    conn: sqlite3.Connection,
    kind: Kind,
    card_filters: Mapping[str, Any],
    first: str | None = None,
    last: str | None = None,
) -> Iterator[dict]:
    """A kind's records (visits, orders, complaints), oldest first, of customers whose card
    matches filters, with the columns its export shows (the first is the day a --month
    filters on)."""
    columns = ", ".join(
        f"c.{key}" if key in _SHOP else f"{COMPUTED[key]} AS {key}" if key in COMPUTED
        else f"r.{key}"
        for key in kind.export
    )  # fmt: skip
    date = f"r.{kind.export[0]}"
    clause, params = where(
        *((f"c.{key} = ?", (value,)) for key, value in card_filters.items()),
        first is not None and (f"{date} >= ?", (first,)),
        last is not None and (f"{date} <= ?", (last,)),
    )
    cursor = conn.execute(
        f"SELECT {columns} FROM {kind.table} r JOIN customers c ON c.id = r.customer_id"
        f" WHERE {clause} ORDER BY {date}, r.id",
        params,
    )
    for row in cursor:
        yield record(row)
