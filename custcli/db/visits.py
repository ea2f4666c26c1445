"""Queries for visits, follow-ups, complaints, notes and key dates."""

from __future__ import annotations

import sqlite3

from custcli.db.rows import dicts, scope_conditions, where
from custcli.domain.scope import Scope

VISIT_COLUMNS = "v.id, v.date, v.kind, v.kind_text, v.note, v.found, v.satisfaction, v.manager"


def visits(
    conn: sqlite3.Connection,
    customer_id: int | None = None,
    first: str | None = None,
    last: str | None = None,
    manager: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    clause, params = where(
        customer_id is not None and ("v.customer_id = ?", (customer_id,)),
        first is not None and ("v.date >= ?", (first,)),
        last is not None and ("v.date <= ?", (last,)),
        manager is not None and ("v.manager = ?", (manager,)),
    )
    sql = (
        f"SELECT {VISIT_COLUMNS}, c.code, c.name FROM visits v JOIN customers c"
        f" ON c.id = v.customer_id WHERE {clause}"
        " ORDER BY v.date DESC, v.id DESC"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    return dicts(conn.execute(sql, params))


def last_field_visits(
    conn: sqlite3.Connection, on_or_before: str, kind: str = "field"
) -> dict[int, str]:
    """Each customer's last visit of a kind, by id (those with one). One index seek a card
    (kind, customer, date), not a walk over every visit of the kind: a city's 100,000 cards
    and 1,000,000 visits take 0.28 s warm and 0.54 s cold, against 0.38 s and 1.35 s."""
    return {
        cid: last
        for cid, last in conn.execute(
            "SELECT id, (SELECT max(date) FROM visits WHERE kind = ? AND customer_id = c.id"
            " AND date <= ?) FROM customers c",
            (kind, on_or_before),
        )
        if last is not None
    }


def last_field_visit(
    conn: sqlite3.Connection, customer_id: int, on_or_before: str, kind: str = "field"
) -> str | None:
    """One customer's last field visit: an index seek, where last_field_visits scans all."""
    return conn.execute(
        "SELECT max(date) FROM visits WHERE customer_id = ? AND kind = ? AND date <= ?",
        (customer_id, kind, on_or_before),
    ).fetchone()[0]


def active_customers(conn: sqlite3.Connection, scope: Scope = Scope()) -> list[dict]:
    clause, params = where(*scope_conditions(scope, alias=""))
    return dicts(
        conn.execute(
            "SELECT id, code, name, owner, tier, district, account_manager, visit_cycle_days,"
            f" order_day, birthday FROM customers WHERE {clause}",
            params,
        )
    )


def followups(
    conn: sqlite3.Connection,
    customer_id: int | None = None,
    open_only: bool = False,
    due_by: str | None = None,
    scope: Scope | None = None,
) -> list[dict]:
    clause, params = where(
        *(scope_conditions(scope) if scope else ()),
        customer_id is not None and ("f.customer_id = ?", (customer_id,)),
        open_only and ("f.done_on IS NULL", ()),
        bool(due_by) and ("f.due <= ?", (due_by,)),
    )
    return dicts(
        conn.execute(
            "SELECT f.id, f.text, f.due, f.done_on, f.visit_id, c.code, c.name, c.tier"
            " FROM followups f"
            f" JOIN customers c ON c.id = f.customer_id WHERE {clause}"
            " ORDER BY f.done_on IS NOT NULL, f.due IS NULL, f.due, f.id",
            params,
        )
    )


def complaints(
    conn: sqlite3.Connection,
    customer_id: int | None = None,
    open_only: bool = False,
    opened_by: str | None = None,
    scope: Scope | None = None,
) -> list[dict]:
    clause, params = where(
        *(scope_conditions(scope) if scope else ()),
        customer_id is not None and ("p.customer_id = ?", (customer_id,)),
        open_only and ("p.resolved_on IS NULL", ()),
        bool(opened_by) and ("p.opened_on <= ?", (opened_by,)),
    )
    return dicts(
        conn.execute(
            "SELECT p.id, p.kind, p.text, p.opened_on, p.resolved_on, p.resolution,"
            " julianday(p.resolved_on) - julianday(p.opened_on) AS days_to_resolve,"
            " c.code, c.name, c.tier FROM complaints p JOIN customers c ON c.id = p.customer_id"
            f" WHERE {clause} ORDER BY p.opened_on, p.id",
            params,
        )
    )


def notes(conn: sqlite3.Connection, customer_id: int) -> list[dict]:
    return dicts(
        conn.execute(
            "SELECT id, noted_on, text FROM notes WHERE customer_id = ?"
            " ORDER BY noted_on DESC, id DESC",
            (customer_id,),
        )
    )


def key_dates(conn: sqlite3.Connection, customer_id: int | None = None) -> list[dict]:
    clause, params = where(customer_id is not None and ("k.customer_id = ?", (customer_id,)))
    return dicts(
        conn.execute(
            "SELECT k.id, k.label, k.day, k.customer_id, c.code, c.name FROM key_dates k"
            f" JOIN customers c ON c.id = k.customer_id WHERE {clause} ORDER BY k.id",
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
