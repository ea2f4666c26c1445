"""Queries behind the pyramid, churn warnings, loyal customers and the managers' evaluation.

Each is one pass over the order lines, summed per customer with CASE windows, so that a city
of 100,000 shops and 3,000,000 lines is one scan rather than a Python loop over lines.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from custcli.db.rows import dicts, where


def _scope(district: str | None, manager: str | None) -> tuple[str, list]:
    return where(
        ("c.status != 'closed'", ()),
        bool(district) and ("c.district = ?", (district,)),
        bool(manager) and ("c.account_manager = ?", (manager,)),
    )


def amounts(
    conn: sqlite3.Connection,
    windows: dict[str, tuple[str, str]],
    through: str,
    district: str | None = None,
    manager: str | None = None,
    customer_id: int | None = None,
) -> list[dict]:
    """Per customer in scope: the amount in each named window [first, before), the dates of
    the first and last order on or before `through`, and the number of order days in the
    12 months before it. Customers without orders come back with zeros and no dates."""
    clause, params = _scope(district, manager)
    if customer_id is not None:
        clause += " AND c.id = ?"
        params.append(customer_id)
    sums = ", ".join(
        f"coalesce(sum(CASE WHEN o.date >= ? AND o.date < ? THEN o.amount END), 0) AS {name}"
        for name in windows
    )
    window_params = [bound for first_before in windows.values() for bound in first_before]
    sql = (
        f"SELECT c.id, c.code, c.name, c.district, c.account_manager, {sums},"
        " min(o.date) AS first_order, max(o.date) AS last_order,"
        " min(CASE WHEN o.date > date(?, '-12 months') THEN o.date END) AS first_order_12m,"
        " count(DISTINCT CASE WHEN o.date > date(?, '-12 months') THEN o.date END)"
        " AS order_days_12m,"
        " count(DISTINCT CASE WHEN o.date > date(?, '-12 months') THEN substr(o.date, 1, 7)"
        " END) AS months_12m,"
        " count(DISTINCT CASE WHEN o.date > date(?, '-12 months') THEN o.brand END)"
        " AS brands_12m"
        " FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.date <= ?"
        f" WHERE {clause} GROUP BY c.id"
    )
    return dicts(conn.execute(sql, [*window_params, *[through] * 5, *params]))


def save_pyramid(
    conn: sqlite3.Connection, rows: Iterable[tuple[int, str, float]], as_of: str
) -> None:
    conn.execute("DELETE FROM pyramid")
    conn.executemany(
        "INSERT INTO pyramid (customer_id, tier, amount_12m, as_of) VALUES (?, ?, ?, ?)",
        ((cid, tier, amount, as_of) for cid, tier, amount in rows),
    )


def pyramid_of(conn: sqlite3.Connection, customer_id: int) -> dict | None:
    row = conn.execute(
        "SELECT tier, amount_12m, as_of FROM pyramid WHERE customer_id = ?", (customer_id,)
    ).fetchone()
    return dict(row) if row else None


def pyramid_tiers(conn: sqlite3.Connection) -> dict[int, str]:
    return dict(conn.execute("SELECT customer_id, tier FROM pyramid"))


def managers(conn: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT account_manager FROM customers WHERE account_manager IS NOT NULL"
            " AND status != 'closed' ORDER BY 1"
        )
    ]


def followups_due(conn: sqlite3.Connection, first: str, last: str, manager: str) -> dict:
    row = conn.execute(
        "SELECT count(*) AS due, coalesce(sum(f.done_on IS NOT NULL AND f.done_on <= f.due),"
        " 0) AS kept FROM followups f JOIN customers c ON c.id = f.customer_id"
        " WHERE f.due BETWEEN ? AND ? AND c.account_manager = ?",
        (first, last, manager),
    )
    return dict(row.fetchone())


def satisfaction(conn: sqlite3.Connection, first: str, last: str, manager: str) -> float | None:
    return conn.execute(
        "SELECT avg(v.satisfaction) FROM visits v JOIN customers c ON c.id = v.customer_id"
        " WHERE v.date BETWEEN ? AND ? AND c.account_manager = ?",
        (first, last, manager),
    ).fetchone()[0]


def complaint_times(conn: sqlite3.Connection, first: str, last: str, manager: str) -> dict:
    row = conn.execute(
        "SELECT count(*) AS opened, avg(julianday(p.resolved_on) - julianday(p.opened_on))"
        " AS avg_days FROM complaints p JOIN customers c ON c.id = p.customer_id"
        " WHERE p.opened_on BETWEEN ? AND ? AND c.account_manager = ?",
        (first, last, manager),
    )
    return dict(row.fetchone())
