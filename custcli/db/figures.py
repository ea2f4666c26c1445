"""Every shop's order figures, as one query gave them, kept until an order line changes.

The pyramid, churn and `cust today` ask for every shop's amounts over a few windows, its first
and last order and its order days: a query over 1.6 million monthly rollup rows at city scale
(custcli.db.insights), ~1.5 s, asked again and again for the same day. The rows such a query
gives are kept here per shop (`shop_figures`), under the query's digest (`figure_sets`), so
that asking again reads 100,000 rows by key.

A set is valid while the order data's version (`data_versions`) is the one it was kept at:
every write of order lines raises it (`forget`, called by custcli.db.rollups in the writer's
own transaction), so that a set made before the write is never read after it. The version is
read in the statement that keeps the set, before its figures are computed: on PostgreSQL,
where a set can be computed while another session imports, a set computed across a write
carries the version the write replaced. Sets of old versions are removed by the next `keep`,
not by the write, which holds the import's lock and so does no more than it must.

Sets are kept only for the whole file's figures and only by a login that sees every shop (a
fenced manager's query sees its own shops' lines only); any scope reads them, joined to its
shops. `mismatches` recomputes the valid sets for `cust db check`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from custcli.db.connection import spare_write

# The windows' amounts a set holds, by position; the other figures by their own names.
WINDOW_COLUMNS = ("a0", "a1", "a2", "a3")
OTHER_COLUMNS = ("first_order", "last_order", "first_order_12m", "order_days_12m", "months_12m")
# The valid sets kept at a time: each query of a day (the pyramid's, churn's, today's…) one.
KEEP_SETS = 8
_VALID = "(SELECT version FROM data_versions WHERE name = 'orders')"


def _columns(names: Sequence[str], windows: int) -> list[str] | None:
    """The stored column of each figure name, the first `windows` by position; None when a
    set cannot hold them."""
    if windows > len(WINDOW_COLUMNS) or any(n not in OTHER_COLUMNS for n in names[windows:]):
        return None
    return [*WINDOW_COLUMNS[:windows], *names[windows:]]


def _digest(sql: str, params: Sequence) -> str:
    import hashlib  # here: `cust show` loads this module (a card's removal forgets sets)

    return hashlib.sha1(json.dumps([sql, list(params)]).encode()).hexdigest()


def _reading(
    set_id: int, names: Sequence[str], columns: Sequence[str]
) -> tuple[str, list, list[str]]:
    selected = ", ".join(f"{c} AS {n}" for c, n in zip(columns, names, strict=True))
    return (
        f"SELECT customer_id, {selected} FROM shop_figures WHERE set_id = ?",
        [set_id],
        list(names),
    )


def kept(
    conn: sqlite3.Connection, sql: str, params: Sequence, names: Sequence[str], windows: int
) -> tuple[str, list, list[str]] | None:
    """The kept figures of a query (its rows: customer_id and `names`, the first `windows`
    of them amounts), as a query reading them with its parameters and names; None if no
    valid set holds them."""
    columns = _columns(names, windows)
    if columns is None:
        return None
    row = conn.execute(
        f"SELECT id FROM figure_sets WHERE digest = ? AND version = {_VALID}",
        (_digest(sql, params),),
    ).fetchone()
    return _reading(row[0], names, columns) if row else None


def keep(
    conn: sqlite3.Connection, sql: str, params: Sequence, names: Sequence[str], windows: int
) -> tuple[str, list, list[str]] | None:
    """Compute a query's figures into a set and return them as `kept` does; None, keeping
    nothing, when they cannot be kept (more windows than a set holds, a fenced login, a
    writer holding the lock, another process keeping the same set at the same moment)."""
    from custcli.db.grants import fenced

    columns = _columns(names, windows)
    if columns is None or fenced(conn):
        return None
    digest = _digest(sql, params)
    with spare_write(conn) as writing:
        if not writing:
            return None
        _drop_stale(conn)
        row = conn.execute(
            "INSERT INTO figure_sets (version, digest, query, params, columns)"
            f" SELECT {_VALID}, ?, ?, ?, ? WHERE true ON CONFLICT DO NOTHING RETURNING id",
            (digest, sql, json.dumps(list(params)), json.dumps(list(names))),
        ).fetchone()
        if row is None:
            return None
        set_id = row[0]
        conn.execute(
            f"INSERT INTO shop_figures (set_id, customer_id, {', '.join(columns)})"
            f" SELECT ?, customer_id, {', '.join(names)} FROM ({sql}) AS figures",
            [set_id, *params],
        )
    return _reading(set_id, names, columns)


def _drop_stale(conn: sqlite3.Connection) -> None:
    """Remove the sets of old versions, and the oldest valid ones beyond KEEP_SETS - 1."""
    stale = (
        f"SELECT id FROM figure_sets WHERE version <> {_VALID} OR id NOT IN"
        f" (SELECT id FROM figure_sets WHERE version = {_VALID} ORDER BY id DESC LIMIT ?)"
    )
    conn.execute(f"DELETE FROM shop_figures WHERE set_id IN ({stale})", (KEEP_SETS - 1,))
    conn.execute(f"DELETE FROM figure_sets WHERE id IN ({stale})", (KEEP_SETS - 1,))


def forget(conn: sqlite3.Connection) -> None:
    """Every set kept so far no longer valid: called, in the writer's transaction, by every
    write that changes what an order figure could be (order lines, a card removed)."""
    conn.execute("UPDATE data_versions SET version = version + 1 WHERE name = 'orders'")


def mismatches(conn: sqlite3.Connection) -> int:
    """How many shops' kept figures, over the valid sets, differ from what their query
    gives now: missing, extra or other."""
    differing = 0
    sets = conn.execute(
        f"SELECT id, query, params, columns FROM figure_sets WHERE version = {_VALID}"
    ).fetchall()
    for set_id, sql, params, names in sets:
        names = json.loads(names)
        windows = sum(1 for n in names if n not in OTHER_COLUMNS)
        stored, stored_params, _ = _reading(set_id, names, _columns(names, windows))
        computed = f"SELECT customer_id, {', '.join(names)} FROM ({sql}) AS figures"
        differing += conn.execute(
            f"SELECT count(*) FROM (SELECT customer_id FROM ({computed} EXCEPT {stored}) AS m"
            f" UNION SELECT customer_id FROM ({stored} EXCEPT {computed}) AS e) AS differing",
            [*json.loads(params), *stored_params, *stored_params, *json.loads(params)],
        ).fetchone()[0]
    return differing
