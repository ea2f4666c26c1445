"""Queries for imports and for the orders, visits and brands they bring."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from custcli import kinds
from custcli.db import rows, schema
from custcli.db.engine import is_postgres, temporary_transaction
from custcli.db.rows import new_uids, record
from custcli.kinds import BRANDS
from custcli.text import readable


def create(conn: sqlite3.Connection, file_name: str, sha256: str, kind: str, sheet: str) -> int:
    """A new import's row; its file's name as a person reads it (a GBK name decoded), and on
    a department's database the login that made it."""

    made_by = "session_user" if is_postgres(conn) else "NULL"
    return conn.execute(
        "INSERT INTO imports (file_name, sha256, kind, sheet, imported_at, made_by)"
        " VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'),"
        f" {made_by}) RETURNING id",
        (readable(file_name), sha256, kind, readable(sheet) if sheet else sheet),
    ).fetchone()[0]


def finish(conn: sqlite3.Connection, import_id: int, counts: Mapping[str, Any]) -> None:
    """An import's counts, and whose shops it touched (what a manager's login may read of
    it): in the import's own transaction, before it commits."""
    conn.execute(
        "UPDATE imports SET counts = ? WHERE id = ?",
        (json.dumps(counts, ensure_ascii=False), import_id),
    )
    touched = " UNION ALL ".join(
        f"SELECT customer_id FROM {table} WHERE import_id = ?" for table in TOUCHING
    )
    conn.execute(
        "INSERT INTO import_managers (import_id, manager, records)"
        " SELECT ?, coalesce(c.account_manager, ''), count(*)"
        f" FROM ({touched}) AS t JOIN customers c ON c.id = t.customer_id"
        " GROUP BY coalesce(c.account_manager, '')",
        (import_id, *[import_id] * len(TOUCHING)),
    )


# The tables whose rows an import or a merge brings, each naming its shop.
TOUCHING = ("changes", *(k.table for k in kinds.ON_A_SHOP))


def made_by_another(conn: sqlite3.Connection, record: Mapping[str, Any]) -> bool:
    """Whether an import was made by a login other than this session's (PostgreSQL; a
    SQLite file has one user)."""

    if not is_postgres(conn) or record.get("made_by") is None:
        return False
    return conn.execute("SELECT session_user").fetchone()[0] != record["made_by"]


def get(conn: sqlite3.Connection, import_id: int) -> dict | None:
    row = conn.execute("SELECT * FROM imports WHERE id = ?", (import_id,)).fetchone()
    return _to_dict(row) if row else None


def listing(conn: sqlite3.Connection) -> list[dict]:
    return [_to_dict(r) for r in conn.execute("SELECT * FROM imports ORDER BY id")]


def _to_dict(row: sqlite3.Row) -> dict:
    entry = record(row)
    try:
        counts = json.loads(entry["counts"] or "{}")
    except ValueError:
        counts = None
    entry["counts"] = counts if isinstance(counts, dict) else {}  # never what a login forged
    return entry


def mark_undone(conn: sqlite3.Connection, import_id: int) -> None:
    conn.execute(
        "UPDATE imports SET undone_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', "
        "'localtime') WHERE id = ?",
        (import_id,),
    )


def changes_of(conn: sqlite3.Connection, import_id: int) -> list[dict]:
    """The import's changes to cards, newest first (the order to undo them in)."""
    rows = conn.execute(
        "SELECT id, customer_id, field, old, new FROM changes WHERE import_id = ? ORDER BY id DESC",
        (import_id,),
    )
    return [record(r) for r in rows]


# The tables an import or a merge adds rows to, each row carrying its import_id.
ADDED_TO = frozenset(k.table for k in (*kinds.ON_A_SHOP, kinds.BRANDS))


def delete_rows_of(
    conn: sqlite3.Connection, import_id: int, tables: Sequence[str]
) -> dict[str, int]:
    """Delete the rows an import added to these tables; returns counts per table."""
    return {
        table: conn.execute(f"DELETE FROM {table} WHERE import_id = ?", (import_id,)).rowcount
        for table in tables
        if table in ADDED_TO
    }


def has_other_records(conn: sqlite3.Connection, customer_id: int, import_id: int) -> bool:
    """Whether anything not brought by this import hangs on the customer."""
    for kind in kinds.ON_A_SHOP:
        if conn.execute(
            f"SELECT 1 FROM {kind.table} WHERE customer_id = ? AND"
            " (import_id IS NULL OR import_id != ?) LIMIT 1",
            (customer_id, import_id),
        ).fetchone():
            return True
    return False


def insert_lines(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence]
) -> int:
    """Insert a merge's records, tuples in the order of `columns`, skipping those whose
    row_key or uid is there already; returns how many were new. A record without a uid of
    its own (no "uid" column) is given a new one. (An import's lines go through stage_lines
    and insert_staged.)"""
    if "uid" not in columns:
        uids = new_uids(len(rows))
        columns, rows = (
            (*columns, "uid"),
            [(*row, uid) for row, uid in zip(rows, uids, strict=True)],
        )
    marks = ", ".join("?" for _ in columns)
    # Both engines sum an executemany's changed rows; a line already there changes none.
    return conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT DO NOTHING",
        rows,
    ).rowcount


# An import's prepared lines wait in a temporary table of its connection (schema.STAGED_LINES):
# written before the write lock, since a temporary table is the connection's own and takes no
# lock of the database's, they are inserted under it by one statement, and the order rollups
# of their keys are worked out from them meanwhile (custcli.db.rollups.stage). Python holds
# no million tuples the while.
_STAGE_CHUNK = 50_000


def stage_lines(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence]
) -> None:
    """Before the lock: lines (tuples in the order of `columns`), each given a new uid, into
    the staged table, made again with these columns and the table's own types; the rows'
    order is kept (the writer inserts them in it)."""
    names = ", ".join((*columns, "uid", "n"))
    marks = ", ".join("?" for _ in (*columns, "uid", "n"))
    with temporary_transaction(conn):
        conn.execute(schema.DROP_STAGED[0])
        conn.execute(schema.staged_lines(table, ", ".join(columns)))
        for start in range(0, len(rows), _STAGE_CHUNK):
            chunk = rows[start : start + _STAGE_CHUNK]
            uids = new_uids(len(chunk))
            conn.executemany(
                f"INSERT INTO {schema.STAGED_LINES} ({names}) VALUES ({marks})",
                [
                    (*row, uid, start + n)
                    for n, (row, uid) in enumerate(zip(chunk, uids, strict=True))
                ],
            )


def insert_staged(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], import_id: int
) -> int:
    """Under the lock: the staged lines into their table, as this import's, those whose
    row_key or uid is there already skipped; returns how many were new."""
    names = ", ".join((*columns, "uid"))
    # In the order staged, which gives the lines their ids: PostgreSQL's heap may hand a
    # table's rows back in another (SQLite's rowid is that order, read without a sort).
    # WHERE true: SQLite would read ON CONFLICT as the SELECT's join constraint without it.
    order = "n" if is_postgres(conn) else "rowid"
    return conn.execute(
        f"INSERT INTO {table} ({names}, import_id)"
        f" SELECT {names}, CAST(? AS INTEGER) FROM {schema.STAGED_LINES} WHERE true"
        f" ORDER BY {order} ON CONFLICT DO NOTHING",
        (import_id,),
    ).rowcount


def drop_staged(conn: sqlite3.Connection) -> None:
    """The staged lines and what was worked out from them, once the import is over."""
    with temporary_transaction(conn):
        for statement in schema.DROP_STAGED:
            conn.execute(statement)


def brand_columns() -> tuple[str, ...]:
    """The brands table's columns: its kind's fields, asked each time (fields can grow)."""
    return tuple(f.key for f in BRANDS.fields)


def brand_by_name(conn: sqlite3.Connection, name: str) -> dict | None:
    row = conn.execute(
        f"SELECT id, {', '.join(brand_columns())} FROM brands WHERE name = ?", (name,)
    ).fetchone()
    return record(row) if row else None


def insert_brand(conn: sqlite3.Connection, values: Mapping[str, Any], import_id: int | None) -> int:
    return rows.insert(
        conn, BRANDS.table, {**{k: values.get(k) for k in brand_columns()}, "import_id": import_id}
    )


def update_brand(
    conn: sqlite3.Connection,
    current: Mapping[str, Any],
    values: Mapping[str, Any],
    import_id: int | None,
) -> None:
    """Change a brand's values, keeping each change (its old value) for undo."""
    rows.update(conn, BRANDS.table, current["id"], values, stamp="updated_at")
    conn.executemany(
        "INSERT INTO brand_changes (brand_id, field, old, new, import_id) VALUES (?, ?, ?, ?, ?)",
        [(current["id"], k, _text(current.get(k)), _text(v), import_id) for k, v in values.items()],
    )


def _text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def brand_changes_of(conn: sqlite3.Connection, import_id: int) -> list[dict]:
    """An import's changes to brands, newest first, old values as they were stored."""
    found = conn.execute(
        "SELECT brand_id, field, old FROM brand_changes WHERE import_id = ? ORDER BY id DESC",
        (import_id,),
    )
    return [
        {"brand_id": b, "field": f, "old": None if old is None else json.loads(old)}
        for b, f, old in found
    ]


def restore_brand(conn: sqlite3.Connection, brand_id: int, key: str, value: Any) -> None:
    if key not in brand_columns():
        raise ValueError(f"not a brand column: {key}")
    rows.update(conn, BRANDS.table, brand_id, {key: value}, stamp="updated_at")


def customer_ids_by_licence(conn: sqlite3.Connection) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for cid, licence in conn.execute(
        "SELECT id, license_no FROM customers WHERE license_no IS NOT NULL"
    ):
        found.setdefault(licence, []).append(cid)
    return found


def codes_of(conn: sqlite3.Connection, customer_ids: list[int]) -> list[str]:
    marks = ", ".join("?" for _ in customer_ids)
    return [
        code
        for (code,) in conn.execute(
            f"SELECT code FROM customers WHERE id IN ({marks}) ORDER BY code", customer_ids
        )
    ]


def customer_ids_by_name(conn: sqlite3.Connection) -> dict[str, list[int]]:
    names: dict[str, list[int]] = {}
    for cid, name in conn.execute("SELECT id, name FROM customers"):
        names.setdefault(name, []).append(cid)
    return names
