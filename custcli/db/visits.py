"""Queries for visits, follow-ups, complaints, notes and key dates."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

VISIT_COLUMNS = "v.id, v.date, v.kind, v.note, v.found, v.satisfaction, v.manager"


def _rows(cursor) -> list[dict]:
    return [dict(r) for r in cursor]


def insert(conn: sqlite3.Connection, table: str, values: Mapping[str, Any]) -> int:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    return conn.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values())
    ).lastrowid


def update(conn: sqlite3.Connection, table: str, row_id: int, values: Mapping[str, Any]) -> int:
    sets = ", ".join(f"{k} = ?" for k in values)
    return conn.execute(
        f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), row_id]
    ).rowcount


def delete(conn: sqlite3.Connection, table: str, row_id: int) -> int:
    return conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,)).rowcount


def get(conn: sqlite3.Connection, table: str, row_id: int) -> dict | None:
    row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
    return dict(row) if row else None


def visits(
    conn: sqlite3.Connection,
    customer_id: int | None = None,
    first: str | None = None,
    last: str | None = None,
    manager: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    clauses, params = [], []
    for clause, value in (
        ("v.customer_id = ?", customer_id),
        ("v.date >= ?", first),
        ("v.date <= ?", last),
        ("v.manager = ?", manager),
    ):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    sql = (
        f"SELECT {VISIT_COLUMNS}, c.code, c.name FROM visits v JOIN customers c"
        f" ON c.id = v.customer_id WHERE {' AND '.join(clauses) or '1'}"
        " ORDER BY v.date DESC, v.id DESC"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    return _rows(conn.execute(sql, params))


def last_field_visits(
    conn: sqlite3.Connection, on_or_before: str, kind: str = "实地"
) -> dict[int, str]:
    return dict(
        conn.execute(
            "SELECT customer_id, max(date) FROM visits WHERE kind = ? AND date <= ?"
            " GROUP BY customer_id",
            (kind, on_or_before),
        )
    )


def active_customers(
    conn: sqlite3.Connection, district: str | None = None, manager: str | None = None
) -> list[dict]:
    clauses, params = ["status = 'active'"], []
    if district:
        clauses.append("district = ?")
        params.append(district)
    if manager:
        clauses.append("account_manager = ?")
        params.append(manager)
    return _rows(
        conn.execute(
            "SELECT id, code, name, owner, tier, district, account_manager, visit_cycle_days,"
            f" order_cycle, birthday FROM customers WHERE {' AND '.join(clauses)}",
            params,
        )
    )


def followups(
    conn: sqlite3.Connection,
    customer_id: int | None = None,
    open_only: bool = False,
    due_by: str | None = None,
) -> list[dict]:
    clauses, params = [], []
    if customer_id is not None:
        clauses.append("f.customer_id = ?")
        params.append(customer_id)
    if open_only:
        clauses.append("f.done_on IS NULL")
    if due_by:
        clauses.append("f.due <= ?")
        params.append(due_by)
    return _rows(
        conn.execute(
            "SELECT f.id, f.text, f.due, f.done_on, f.visit_id, c.code, c.name FROM followups f"
            f" JOIN customers c ON c.id = f.customer_id WHERE {' AND '.join(clauses) or '1'}"
            " ORDER BY f.done_on IS NOT NULL, f.due IS NULL, f.due, f.id",
            params,
        )
    )


def complaints(
    conn: sqlite3.Connection,
    customer_id: int | None = None,
    open_only: bool = False,
    opened_by: str | None = None,
) -> list[dict]:
    clauses, params = [], []
    if customer_id is not None:
        clauses.append("p.customer_id = ?")
        params.append(customer_id)
    if open_only:
        clauses.append("p.resolved_on IS NULL")
    if opened_by:
        clauses.append("p.opened_on <= ?")
        params.append(opened_by)
    return _rows(
        conn.execute(
            "SELECT p.id, p.kind, p.text, p.opened_on, p.resolved_on, p.resolution,"
            " julianday(p.resolved_on) - julianday(p.opened_on) AS days_to_resolve,"
            " c.code, c.name FROM complaints p JOIN customers c ON c.id = p.customer_id"
            f" WHERE {' AND '.join(clauses) or '1'} ORDER BY p.opened_on, p.id",
            params,
        )
    )


def notes(conn: sqlite3.Connection, customer_id: int) -> list[dict]:
    return _rows(
        conn.execute(
            "SELECT id, noted_on, text FROM notes WHERE customer_id = ?"
            " ORDER BY noted_on DESC, id DESC",
            (customer_id,),
        )
    )


def key_dates(conn: sqlite3.Connection, customer_id: int | None = None) -> list[dict]:
    where = "WHERE k.customer_id = ?" if customer_id is not None else ""
    params = (customer_id,) if customer_id is not None else ()
    return _rows(
        conn.execute(
            "SELECT k.id, k.label, k.day, k.customer_id, c.code, c.name FROM key_dates k"
            f" JOIN customers c ON c.id = k.customer_id {where} ORDER BY k.id",
            params,
        )
    )


def last_satisfaction(conn: sqlite3.Connection, customer_id: int) -> dict | None:
    row = conn.execute(
        "SELECT date, satisfaction FROM visits WHERE customer_id = ? AND"
        " satisfaction IS NOT NULL ORDER BY date DESC, id DESC LIMIT 1",
        (customer_id,),
    ).fetchone()
    return dict(row) if row else None
