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
fenced manager's query sees its own shops' lines only, and may not write these tables); any
scope reads them, joined to its shops. A set is keyed by its recipe, what was asked (the
windows, the days), never by the text of its query: `mismatches` builds each valid set's
query again from its recipe, checked word by word, for `cust db check`, so that nothing a
table holds is ever run as SQL.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from custcli.db.engine import is_postgres, spare_write

# The windows' amounts a set holds, by position; the other figures by their own names.
WINDOW_COLUMNS = ("a0", "a1", "a2", "a3")
OTHER_COLUMNS = ("first_order", "last_order", "first_order_12m", "order_days_12m", "months_12m")
# The valid sets kept at a time, of figures and of findings (custcli.db.findings) alike:
# each query of a day (the pyramid's, churn's, today's…) one.
KEEP_SETS = 8
_VERSION = "SELECT version FROM data_versions WHERE name = 'orders'"
VALID = f"({_VERSION})"


def _columns(names: Sequence[str], windows: int) -> list[str] | None:
    """The stored column of each figure name, the first `windows` by position; None when a
    set cannot hold them."""
    if windows > len(WINDOW_COLUMNS) or any(n not in OTHER_COLUMNS for n in names[windows:]):
        return None
    return [*WINDOW_COLUMNS[:windows], *names[windows:]]


# Raised when the queries a recipe makes change meaning: sets kept by an older cust are then
# not found by this one.
RECIPE_VERSION = 2
_NAME = re.compile(r"[a-z][a-z0-9_]{0,40}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
COUNTS = ("months_12m", "brands_12m", "order_days_12m")


def recipe(
    windows: dict[str, tuple[str, str]], through: str, year_from: str | None, counts: Sequence
) -> dict[str, Any]:
    """What a set of figures answers, as data: its windows in order, each [name, first,
    before), the day it runs to, the day its year starts and the counts asked for (a set's
    columns hold the windows by position: the order is part of what was asked)."""
    return {
        "windows": [[name, *bounds] for name, bounds in windows.items()],
        "through": through,
        "year_from": year_from,
        "counts": sorted(counts),
    }


def checked(text: str) -> dict[str, Any] | None:
    """A stored recipe, if every word of it is what `recipe` writes: window names are
    lower-case words, days are ISO days, counts are known; None for anything else."""
    try:
        found = json.loads(text)
        windows = found["windows"]
        ok = (
            isinstance(windows, list)
            and 0 < len(windows) <= len(WINDOW_COLUMNS)
            and all(
                isinstance(w, list)
                and len(w) == 3
                and all(isinstance(word, str) for word in w)
                and _NAME.fullmatch(w[0])
                and all(_DAY.fullmatch(day) for day in w[1:])
                for w in windows
            )
            and isinstance(found["through"], str)
            and _DAY.fullmatch(found["through"])
            and (found["year_from"] is None or _DAY.fullmatch(str(found["year_from"])))
            and isinstance(found["counts"], list)
            and all(c in COUNTS for c in found["counts"])
        )
    except (ValueError, KeyError, TypeError):
        return None
    return found if ok else None


def _digest(asked: dict[str, Any]) -> str:
    import hashlib  # here: `cust show` loads this module (a card's removal forgets sets)

    text = json.dumps([RECIPE_VERSION, asked])
    return hashlib.sha1(text.encode()).hexdigest()


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
    conn: sqlite3.Connection, asked: dict[str, Any], names: Sequence[str], windows: int
) -> tuple[str, list, list[str]] | None:
    """The kept figures of a recipe (rows of customer_id and `names`, the first `windows`
    of them amounts), as a query reading them with its parameters and names; None if no
    valid set holds them."""
    columns = _columns(names, windows)
    if columns is None:
        return None
    row = conn.execute(
        f"SELECT id FROM figure_sets WHERE digest = ? AND version = {VALID}",
        (_digest(asked),),
    ).fetchone()
    return _reading(row[0], names, columns) if row else None


def keep(
    conn: sqlite3.Connection,
    asked: dict[str, Any],
    sql: str,
    params: Sequence,
    names: Sequence[str],
    windows: int,
) -> tuple[str, list, list[str]] | None:
    """Compute a recipe's figures (by its query `sql`) into a set and return them as `kept`
    does; None, keeping nothing, when they cannot be kept (more windows than a set holds, a
    fenced login, a writer holding the lock, another process keeping the same set at the
    same moment)."""
    from custcli.db.grants import fenced

    columns = _columns(names, windows)
    if columns is None or fenced(conn):
        return None
    made = new_set(
        conn,
        ("figure_sets", "shop_figures"),
        "INSERT INTO figure_sets (version, digest, recipe, columns)"
        f" SELECT {VALID}, ?, ?, ? WHERE true ON CONFLICT DO NOTHING RETURNING id",
        (_digest(asked), json.dumps(asked), json.dumps(list(names))),
    )
    with made as set_id:
        if set_id is None:
            return None
        conn.execute(
            f"INSERT INTO shop_figures (set_id, customer_id, {', '.join(columns)})"
            f" SELECT ?, customer_id, {', '.join(names)} FROM ({sql}) AS figures",
            [set_id, *params],
        )
    return _reading(set_id, names, columns)


@contextmanager
def new_set(
    conn: sqlite3.Connection, tables: tuple[str, str], insert: str, params: Sequence
) -> Iterator[int | None]:
    """A new set's id, made by `insert` (… RETURNING id) in a spare write transaction for
    its rows to be written in, the stale sets of `tables` (sets, rows) removed first; None,
    with nothing written, when a writer holds the lock or `insert` returns no row."""
    with spare_write(conn) as writing:
        if not writing:
            yield None
            return
        drop_stale(conn, *tables)
        row = conn.execute(insert, params).fetchone()
        yield row[0] if row else None


def drop_stale(conn: sqlite3.Connection, sets: str, rows: str) -> None:
    """Remove from a table of kept sets (`sets`, of version and id, with their rows by set_id
    in `rows`) the sets of old versions, and the oldest valid ones beyond KEEP_SETS - 1."""
    stale = (
        f"SELECT id FROM {sets} WHERE version <> {VALID} OR id NOT IN"
        f" (SELECT id FROM {sets} WHERE version = {VALID} ORDER BY id DESC LIMIT ?)"
    )
    conn.execute(f"DELETE FROM {rows} WHERE set_id IN ({stale})", (KEEP_SETS - 1,))
    conn.execute(f"DELETE FROM {sets} WHERE id IN ({stale})", (KEEP_SETS - 1,))


def version(conn: sqlite3.Connection) -> int:
    """The order data's version now: raised by every write that `forget`s."""
    return conn.execute(_VERSION).fetchone()[0]


def forget(conn: sqlite3.Connection) -> None:
    """Every set kept so far no longer valid: called, in the writer's transaction, by every
    write that changes what an order figure could be (order lines, a card removed). On
    PostgreSQL through a function of the owner's: a manager's login may not write the
    version itself."""
    if is_postgres(conn):
        conn.execute("SELECT cust_orders_changed()")
    else:
        conn.execute("UPDATE data_versions SET version = version + 1 WHERE name = 'orders'")


Build = Callable[[dict[str, Any]], tuple[str, list, list[str]]]


def mismatches(conn: sqlite3.Connection, build: Build) -> int:
    """How many shops' kept figures, over the valid sets, differ from what their recipe's
    query (`build(recipe)`: its SQL, parameters and names) gives now: missing, extra or
    other. A set whose recipe is not one cust writes counts every shop it holds."""
    differing = 0
    sets = conn.execute(f"SELECT id, recipe FROM figure_sets WHERE version = {VALID}").fetchall()
    for set_id, text in sets:
        asked = checked(text)
        if asked is None:
            differing += conn.execute(
                "SELECT count(*) FROM shop_figures WHERE set_id = ?", (set_id,)
            ).fetchone()[0]
            continue
        sql, params, names = build(asked)
        stored, stored_params, _ = _reading(set_id, names, _columns(names, len(asked["windows"])))
        computed = f"SELECT customer_id, {', '.join(names)} FROM ({sql}) AS figures"
        differing += conn.execute(
            f"SELECT count(*) FROM (SELECT customer_id FROM ({computed} EXCEPT {stored}) AS m"
            f" UNION SELECT customer_id FROM ({stored} EXCEPT {computed}) AS e) AS differing",
            [*params, *stored_params, *stored_params, *params],
        ).fetchone()[0]
    return differing
