"""Each shop's churn finding, kept with the figures it was found by, until an order line changes.

`cust today`, `cust churn` and the report's attention list each ask for the first 20 of a
city's ~70,000 warnings: running churn's rules over 100,000 shops' figures (custcli.domain
.churn) and ranking them took 2 s of every ask on the same data. What one run of the rules
found is kept here per shop (`churn_findings`: its loss a month and the figures the rules
read), under a digest of what was asked (`finding_sets`: the day, the windows, the rules),
so that asking again reads the first rows of an index by loss.

A set is valid while the order data's version is the one its figures were read at: the
version is read before the figures, and a set is kept only if the version is still that one
when it is written (so a write between the two leaves nothing kept). Findings do not depend
on a card's status, name or scope: a set holds every shop that has ever ordered, and each
ask joins it to the cards it is about as they are now. Stale sets go as figures' do.

As with the figures, only a login that sees every shop keeps sets; any scope reads them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from custcli.db.engine import characterwise
from custcli.db.figures import VALID, new_set
from custcli.db.rows import dicts, insert_many, scope_conditions, where
from custcli.scope import Scope

# The figures churn's rules read, by the names churn gives them, and the column of each.
FIGURES = {
    "now": "a_now",
    "before": "a_before",
    "year_ago": "a_year_ago",
    "first_order_12m": "first_order_12m",
    "last_order": "last_order",
    "order_days_12m": "order_days_12m",
}


def digest(asked: Mapping[str, Any]) -> str:
    """A set's key: what was asked, as data (churn's day, windows and rules)."""
    import hashlib

    return hashlib.sha1(json.dumps(asked, sort_keys=True).encode()).hexdigest()


def kept(conn: sqlite3.Connection, key: str) -> int | None:
    """The valid set of a digest, if one is kept."""
    row = conn.execute(
        f"SELECT id FROM finding_sets WHERE digest = ? AND version = {VALID}", (key,)
    ).fetchone()
    return row[0] if row else None


def may_keep(conn: sqlite3.Connection) -> bool:
    """Whether this login keeps sets: one that sees every shop."""
    from custcli.db.grants import fenced

    return not fenced(conn)


def keep(
    conn: sqlite3.Connection,
    key: str,
    read_at: int,
    found: Iterable[tuple[int, float, Mapping[str, Any]]],
) -> int | None:
    """Keep what the rules found, (customer id, loss a month, the figures they read) each,
    from figures read at version `read_at`: the set's id, or None, keeping nothing, when the
    order data has changed since, the login is fenced, a writer holds the lock, or another
    process keeps the same set at the same moment."""
    if not may_keep(conn):
        return None
    made = new_set(
        conn,
        ("finding_sets", "churn_findings"),
        "INSERT INTO finding_sets (version, digest)"
        f" SELECT ?, ? WHERE {VALID} = ? ON CONFLICT DO NOTHING RETURNING id",
        (read_at, key, read_at),
    )
    with made as set_id:
        if set_id is None:
            return None
        insert_many(
            conn,
            "churn_findings",
            (
                {
                    "set_id": set_id,
                    "customer_id": customer_id,
                    "loss": loss,
                    **{column: figures[name] for name, column in FIGURES.items()},
                }
                for customer_id, loss, figures in found
            ),
        )
    return set_id


def ranked(
    conn: sqlite3.Connection, set_id: int, scope: Scope, first: int | None
) -> tuple[list[dict], int]:
    """The scope's findings in a set, the largest loss first and then by code (`first` of
    them; all with None), each with its loss, its figures by churn's names and the card's
    id, code, name, district and account manager; and how many the scope has in all."""
    clause, params = where(*scope_conditions(scope))
    joined = (
        "FROM churn_findings f JOIN customers c ON c.id = f.customer_id"
        f" WHERE f.set_id = ? AND {clause}"
    )
    figures = ", ".join(f"f.{column} AS {name}" for name, column in FIGURES.items())
    sql = (
        f"SELECT f.loss, {figures}, c.id, c.code, c.name, c.district, c.account_manager"
        f" {joined} ORDER BY f.loss DESC, {characterwise(conn, 'c.code')}"
    )
    if first:
        sql += f" LIMIT {int(first)}"
    rows = dicts(conn.execute(sql, [set_id, *params]))
    count = conn.execute(f"SELECT count(*) {joined}", [set_id, *params]).fetchone()[0]
    return rows, count
