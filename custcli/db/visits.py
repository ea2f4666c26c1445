"""Queries for visits, follow-ups, complaints, notes and key dates."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable

from custcli.db import schema
from custcli.db.engine import characterwise
from custcli.db.rows import dicts, in_chunks, record, scope_conditions, where
from custcli.kinds import CUSTOMERS
from custcli.scope import Scope

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


# A card c's last visit of a kind (?) on or before a day (?): one index seek a card on
# (kind, customer, date), not a walk over every visit of the kind.
_LAST_VISIT = (
    "(SELECT max(v.date) FROM visits v WHERE v.kind = ? AND v.customer_id = c.id AND v.date <= ?)"
)


def last_field_visits(
    conn: sqlite3.Connection, on_or_before: str, kind: str = "field"
) -> dict[int, str]:
    """Each customer's last visit of a kind, by id (those with one): a city's 100,000 cards
    and 1,000,000 visits take 0.28 s warm and 0.54 s cold, against 0.38 s and 1.35 s for a
    walk grouped by card."""
    return {
        cid: last
        for cid, last in conn.execute(
            f"SELECT c.id, {_LAST_VISIT} FROM customers c", (kind, on_or_before)
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


# A day as the proleptic ordinal Python's date.toordinal() gives, from julianday(): both
# engines compute with whole days, and Monday is weekday (ordinal - 1) % 7 = 0.
_ORDINAL = "CAST(julianday({}) - 1721424.5 AS INTEGER)"


def due_ranked(
    conn: sqlite3.Connection,
    on: str,
    scope: Scope,
    kind: str,
    cycle: tuple[tuple[int, int], ...],
    no_tier_cycle: int,
    shifts: Iterable[tuple[str, str]],
) -> list[tuple[int, int]]:
    """(id, days overdue) of the scope's shops due on or before a day, most overdue first,
    then larger tiers, then by code: the database ranks a city's 100,000 shops, so Python
    reads two numbers a shop, not its card.

    The rule is the caller's: a card's own cycle, else the first (lowest tier, days) its tier
    reaches in `cycle` (`no_tier_cycle` without a tier); `shifts` are (order day text, the
    days to move the cycle's day forward from each weekday, Monday first, as seven digits).
    Never visited: due on the day itself."""
    clause, params = where(*scope_conditions(scope))
    tiers = " ".join(f"WHEN c.tier >= {int(lowest)} THEN {int(days)}" for lowest, days in cycle)
    # The order days' shifts in a keyed table: a CASE of one WHEN a text cost a parameter
    # each (a roster of free-text order days could name more than SQLite binds), and a
    # join against a table without a key took 0.5 s more for a city's 100,000 shops.
    conn.execute(schema.ORDER_SHIFTS)
    conn.execute("DELETE FROM order_shifts")
    conn.executemany("INSERT INTO order_shifts (order_day, shifts) VALUES (?, ?)", shifts)
    shift = (
        "coalesce(CAST(substr((SELECT s.shifts FROM order_shifts s"
        " WHERE s.order_day = d.order_day), (d.cycle_day - 1) % 7 + 1, 1) AS INTEGER), 0)"
    )
    # The last visit's day number worked out once a shop, in the materialized CTE: the CTEs
    # after it are inlined into the filter and the sort key, where each use of the visit's
    # date read it again (2.4 s of PostgreSQL's 3.5 s for a city, its text parsed ~8 times a
    # shop). The day asked for is a number Python gives, as julianday() would.
    sql = f"""
        WITH shops AS MATERIALIZED (
            SELECT c.id, c.code, c.tier, c.order_day,
                coalesce(c.visit_cycle_days,
                    CASE WHEN c.tier IS NULL THEN {int(no_tier_cycle)} {tiers} END) AS cycle_days,
                {_ORDINAL.format(_LAST_VISIT)} AS last_day
            FROM customers c WHERE {clause}
        ),
        cycled AS (
            SELECT id, code, tier, order_day, last_day, last_day + cycle_days AS cycle_day
            FROM shops
        ),
        due AS (
            SELECT d.id, d.code, d.tier,
                CASE WHEN d.last_day IS NULL THEN CAST(? AS INTEGER)
                     ELSE d.cycle_day + {shift} END AS due_day
            FROM cycled d
        )
        SELECT id, CAST(? AS INTEGER) - due_day AS days_overdue FROM due
        WHERE due_day <= CAST(? AS INTEGER)
        ORDER BY days_overdue DESC, coalesce(tier, 0) DESC, {characterwise(conn, "code")}
    """
    day = dt.date.fromisoformat(on).toordinal()
    ranked = [tuple(row) for row in conn.execute(sql, [kind, on, *params, day, day, day])]
    conn.execute("DELETE FROM order_shifts")
    return ranked


def order_days(conn: sqlite3.Connection, scope: Scope) -> list[str]:
    """The order day texts the scope's cards hold, each once."""
    clause, params = where(*scope_conditions(scope), ("c.order_day IS NOT NULL", ()))
    sql = f"SELECT DISTINCT c.order_day FROM customers c WHERE {clause}"
    return [text for (text,) in conn.execute(sql, params)]


def due_cards(conn: sqlite3.Connection, ids: Iterable[int], on: str, kind: str) -> dict[int, dict]:
    """What a due list shows of some cards, with their last visit of a kind on or before a
    day, by id."""
    found = {}
    for chunk, marks in in_chunks(list(ids)):
        for row in conn.execute(
            "SELECT c.id, code, name, tier, district, account_manager, visit_cycle_days,"
            f" {_LAST_VISIT} AS last_visit FROM customers c WHERE c.id IN ({marks})",
            [kind, on, *chunk],
        ):
            found[row["id"]] = record(row)
    return found


_ACTIVE = ("id", "code", "name", "owner", "tier", "district", "account_manager",
           "visit_cycle_days", "order_day", "birthday")  # fmt: skip


def active_customers(
    conn: sqlite3.Connection, scope: Scope = Scope(), also: tuple[str, ...] = ()
) -> list[dict]:
    """The cards in scope that visits fall due at, with the fields the due rule and the day
    read, and `also` these (card fields of the registry's)."""
    clause, params = where(*scope_conditions(scope, alias=""))
    columns = (*_ACTIVE, *(key for key in also if key in CUSTOMERS.keys and key not in _ACTIVE))
    return dicts(conn.execute(f"SELECT {', '.join(columns)} FROM customers WHERE {clause}", params))


def year_days(conn: sqlite3.Connection, scope: Scope) -> list[str]:
    """The birthdays the scope's cards hold and the key dates' days, each once."""
    clause, params = where(*scope_conditions(scope), ("c.birthday IS NOT NULL", ()))
    return [
        day
        for (day,) in conn.execute(
            f"SELECT DISTINCT c.birthday FROM customers c WHERE {clause}"
            " UNION SELECT DISTINCT day FROM key_dates",
            params,
        )
    ]


def dated_cards(
    conn: sqlite3.Connection, scope: Scope, days: list[str] | None = None
) -> list[dict]:
    """The scope's cards with a birthday or a key date (on one of `days`, when given)."""
    if days is None:
        dated = (
            "c.birthday IS NOT NULL"
            " OR EXISTS (SELECT 1 FROM key_dates k WHERE k.customer_id = c.id)"
        )
        day_params: list = []
    else:
        marks = ", ".join("?" * len(days)) or "NULL"
        dated = (
            f"c.birthday IN ({marks}) OR EXISTS (SELECT 1 FROM key_dates k"
            f" WHERE k.customer_id = c.id AND k.day IN ({marks}))"
        )
        day_params = [*days, *days]
    clause, params = where(*scope_conditions(scope), (f"({dated})", tuple(day_params)))
    sql = f"SELECT c.id, c.code, c.name, c.birthday FROM customers c WHERE {clause}"
    return dicts(conn.execute(sql, params))


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
    return record(row) if row else None
