"""Queries behind what to sell at the counter: which brands which shops ordered in a window,
and each shop's monthly volume of each brand."""

from __future__ import annotations

import sqlite3

from custcli.db.rows import dicts


def peers(conn: sqlite3.Connection, tier: int | None, district: str | None) -> list[dict]:
    """The shops in business of a tier in a district (all districts when it is None)."""
    clauses, params = ["status = 'active'"], []
    if tier is not None:
        clauses.append("tier = ?")
        params.append(tier)
    if district is not None:
        clauses.append("district = ?")
        params.append(district)
    return dicts(
        conn.execute(
            f"SELECT id, code, name, tier, district FROM customers WHERE {' AND '.join(clauses)}",
            params,
        )
    )


def brands_carried(conn: sqlite3.Connection, first: str, before: str) -> dict[int, set[str]]:
    """Each shop's brands ordered in [first, before)."""
    carried: dict[int, set[str]] = {}
    for customer_id, brand in conn.execute(
        "SELECT DISTINCT customer_id, brand FROM orders WHERE date >= ? AND date < ? AND qty > 0",
        (first, before),
    ):
        carried.setdefault(customer_id, set()).add(brand)
    return carried


def monthly_by_brand(conn: sqlite3.Connection, first: str, before: str) -> list[dict]:
    """Each shop's cartons of each brand in each month of [first, before)."""
    return dicts(
        conn.execute(
            "SELECT o.customer_id, c.code, c.name, c.tier, c.district, o.brand,"
            " substr(o.date, 1, 7) AS month, sum(o.qty) AS qty, sum(o.amount) AS amount"
            " FROM orders o JOIN customers c ON c.id = o.customer_id"
            " WHERE o.date >= ? AND o.date < ?"
            " GROUP BY o.customer_id, c.code, c.name, c.tier, c.district, o.brand,"
            " substr(o.date, 1, 7)",
            (first, before),
        )
    )
