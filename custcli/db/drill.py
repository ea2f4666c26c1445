"""Queries for the 一口清 drill: which shops to ask, and what was missed."""

from __future__ import annotations

import sqlite3

from custcli.db.rows import dicts, scope_conditions, where
from custcli.scope import Scope


def candidates(conn: sqlite3.Connection, district: str | None, limit: int) -> list[dict]:
    """Shops whose facts were missed last time first, then those asked least, then at random."""
    clause, params = where(*scope_conditions(Scope(district)))
    return dicts(
        conn.execute(
            "SELECT c.id, c.code, c.name, c.owner, c.phone, c.tier, c.settlement, c.order_day"
            " FROM customers c LEFT JOIN drill_misses d ON d.customer_id = c.id"
            f" WHERE {clause} ORDER BY coalesce(d.missed, 0) DESC, coalesce(d.asked, 0), random()"
            " LIMIT ?",
            [*params, limit],
        )
    )


def shared_names(conn: sqlite3.Connection, names: list[str]) -> set[str]:
    """Those of the names that more than one customer has."""
    if not names:
        return set()
    marks = ", ".join("?" for _ in names)
    return {
        name
        for (name,) in conn.execute(
            f"SELECT name FROM customers WHERE name IN ({marks}) GROUP BY name HAVING count(*) > 1",
            names,
        )
    }


def month_volume(conn: sqlite3.Connection, customer_id: int, first: str, before: str) -> float:
    return conn.execute(
        "SELECT coalesce(sum(qty), 0) FROM orders WHERE customer_id = ? AND date >= ? AND date < ?",
        (customer_id, first, before),
    ).fetchone()[0]


def record(conn: sqlite3.Connection, customer_id: int, missed: int) -> None:
    conn.execute(
        "INSERT INTO drill_misses (customer_id, missed, asked) VALUES (?, ?, 1)"
        " ON CONFLICT(customer_id) DO UPDATE SET missed = excluded.missed, asked = asked + 1,"
        " last_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')",
        (customer_id, missed),
    )
