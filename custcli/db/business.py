"""Queries behind 一口清: order lines by month and brand, brands, the plan, supply policies."""

from __future__ import annotations

import sqlite3

from custcli.db.rows import dicts, record, scope_conditions, where
from custcli.months import whole_months
from custcli.scope import ALL, OPEN, Scope

BRAND_FIELDS = "name, wholesale_price, retail_price, price_class, features, promotion"


def monthly_lines(
    conn: sqlite3.Connection, customer_id: int, first: str, before: str
) -> list[dict]:
    """One row per month and brand of a customer's orders in [first, before), with the brand's
    prices and class where the brand table knows them."""
    return dicts(
        conn.execute(
            "SELECT substr(o.date, 1, 7) AS month, o.brand, sum(o.qty) AS qty,"
            " sum(o.amount) AS amount, b.price_class, b.wholesale_price, b.retail_price"
            " FROM orders o LEFT JOIN brands b ON b.name = o.brand"
            " WHERE o.customer_id = ? AND o.date >= ? AND o.date < ?"
            " GROUP BY month, o.brand, b.price_class, b.wholesale_price, b.retail_price"
            " ORDER BY month",
            (customer_id, first, before),
        )
    )


def brands(conn: sqlite3.Connection) -> list[dict]:
    return dicts(conn.execute(f"SELECT id, {BRAND_FIELDS} FROM brands ORDER BY price_class, name"))


def customer_spread(
    conn: sqlite3.Connection, district: str | None, manager: str | None
) -> list[dict]:
    clause, params = where(*scope_conditions(Scope(district, manager, OPEN), alias=""))
    return dicts(
        conn.execute(
            f"SELECT id, tier, format, market, district FROM customers WHERE {clause}", params
        )
    )


def order_totals(
    conn: sqlite3.Connection,
    first: str,
    before: str,
    district: str | None = None,
    manager: str | None = None,
) -> dict:
    """Volume (条) and amount of the orders in [first, before), of a district or manager:
    whole months from the monthly rollups, the days of a cut month from the lines."""
    scope = scope_conditions(Scope(district, manager, ALL))
    whole, edges = whole_months(first, before)
    pieces = [("orders o", "o.date >= ? AND o.date < ?", edge) for edge in edges]
    if whole:
        pieces.insert(0, ("order_months o", "o.month >= ? AND o.month < ?", whole))
    total = {"qty": 0.0, "amount": 0.0}
    for table, between, params in pieces:
        clause, values = where((between, params), *scope)
        row = conn.execute(
            "SELECT coalesce(sum(o.qty), 0) AS qty, coalesce(sum(o.amount), 0) AS amount"
            f" FROM {table} JOIN customers c ON c.id = o.customer_id WHERE {clause}",
            values,
        ).fetchone()
        total["qty"] += row["qty"]
        total["amount"] += row["amount"]
    return total


def plan(conn: sqlite3.Connection, year: int) -> dict | None:
    row = conn.execute("SELECT * FROM plans WHERE year = ?", (year,)).fetchone()
    return record(row) if row else None


def set_plan(
    conn: sqlite3.Connection, year: int, volume: float, revenue: float, avg_price: float | None
) -> None:
    conn.execute(
        "INSERT INTO plans (year, volume_cases, revenue, avg_price) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(year) DO UPDATE SET volume_cases = excluded.volume_cases,"
        " revenue = excluded.revenue, avg_price = excluded.avg_price",
        (year, volume, revenue, avg_price),
    )


def policy(conn: sqlite3.Connection, month: str) -> dict | None:
    row = conn.execute("SELECT * FROM policies WHERE month = ?", (month,)).fetchone()
    return record(row) if row else None


def set_policy(conn: sqlite3.Connection, month: str, text: str) -> None:
    conn.execute(
        "INSERT INTO policies (month, text) VALUES (?, ?) ON CONFLICT(month) DO UPDATE"
        " SET text = excluded.text, updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now',"
        " 'localtime')",
        (month, text),
    )
