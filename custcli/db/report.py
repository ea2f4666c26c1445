"""Queries behind the monthly visit report, scoped by district and account manager."""

from __future__ import annotations

import sqlite3

from custcli.db.rows import dicts, record, scope_conditions, where
from custcli.scope import ALL, Scope


def _scope(district: str | None, manager: str | None) -> tuple:
    """A month's history counts at every shop of the district or manager, closed since too."""
    return scope_conditions(Scope(district, manager, ALL))


def followups_made(
    conn: sqlite3.Connection, first: str, last: str, district: str | None, manager: str | None
) -> int:
    clause, params = where(("v.date BETWEEN ? AND ?", (first, last)), *_scope(district, manager))
    return conn.execute(
        "SELECT count(*) FROM followups f JOIN visits v ON v.id = f.visit_id"
        f" JOIN customers c ON c.id = f.customer_id WHERE {clause}",
        params,
    ).fetchone()[0]


def followups_closed(
    conn: sqlite3.Connection, first: str, last: str, district: str | None, manager: str | None
) -> int:
    clause, params = where(("f.done_on BETWEEN ? AND ?", (first, last)), *_scope(district, manager))
    return conn.execute(
        f"SELECT count(*) FROM followups f JOIN customers c ON c.id = f.customer_id WHERE {clause}",
        params,
    ).fetchone()[0]


def complaints_in(
    conn: sqlite3.Connection,
    column: str,
    first: str,
    last: str,
    district: str | None,
    manager: str | None,
) -> list[dict]:
    """Complaints opened (column opened_on) or resolved (resolved_on) in [first, last]."""
    clause, params = where(
        (f"p.{column} BETWEEN ? AND ?", (first, last)), *_scope(district, manager)
    )
    return dicts(
        conn.execute(
            "SELECT p.id, julianday(p.resolved_on) - julianday(p.opened_on) AS days_to_resolve"
            f" FROM complaints p JOIN customers c ON c.id = p.customer_id WHERE {clause}",
            params,
        )
    )


def orders_by_customer(conn: sqlite3.Connection, month: str) -> dict[int, dict]:
    """Volume and amount per customer in a month ('YYYY-MM'), from the monthly rollups."""
    rows = conn.execute(
        "SELECT customer_id, qty, amount FROM order_months WHERE month = ?", (month,)
    )
    return {r["customer_id"]: record(r) for r in rows}


def orders_by_brand(
    conn: sqlite3.Connection, first: str, last: str, district: str | None, manager: str | None
) -> list[dict]:
    clause, params = where(("o.date BETWEEN ? AND ?", (first, last)), *_scope(district, manager))
    return dicts(
        conn.execute(
            "SELECT o.brand, sum(o.qty) AS qty, sum(o.amount) AS amount, b.price_class,"
            " b.wholesale_price FROM orders o JOIN customers c ON c.id = o.customer_id"
            f" LEFT JOIN brands b ON b.name = o.brand WHERE {clause}"
            " GROUP BY o.brand, b.price_class, b.wholesale_price",
            params,
        )
    )


def visit_counts(conn: sqlite3.Connection, first: str, last: str) -> dict[int, dict]:
    """Per customer: visits in [first, last] and the latest visit on or before last."""
    rows = conn.execute(
        "SELECT customer_id, sum(date >= ?) AS visits, max(date) AS last_visit FROM visits"
        " WHERE date <= ? GROUP BY customer_id",
        (first, last),
    )
    return {r["customer_id"]: record(r) for r in rows}


def managers_by_code(conn: sqlite3.Connection) -> dict[str, str | None]:
    """Every card's account manager, closed cards included: whose a visit line is."""
    return dict(conn.execute("SELECT code, account_manager FROM customers").fetchall())
