"""Queries behind `cust merge`: reading a manager's file, finding its records in this one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from custcli import kinds
from custcli.db.rows import in_chunks, record

# What a merge brings, in the order their references need (a visit before the follow-ups
# that name it), each table with the columns copied (customer_id and uid handled apart).
RECORDS = {kind.table: kind.columns for kind in kinds.MERGED}


def customers(conn: sqlite3.Connection) -> list[dict]:
    return [record(r) for r in conn.execute("SELECT * FROM customers ORDER BY id")]


def last_changes(conn: sqlite3.Connection) -> dict[tuple[int, str], str]:
    """When each (customer, field)'s value was true, by its last change in the card's
    history: the time its source gave (a file's date), else when it was made."""
    rows = conn.execute(
        "SELECT customer_id, field, coalesce(true_at, changed_at) FROM changes WHERE id IN"
        " (SELECT max(id) FROM changes GROUP BY customer_id, field)"
    )
    return {(customer_id, field): when for customer_id, field, when in rows}


def by_uid(conn: sqlite3.Connection, table: str, uids: list[str]) -> dict[str, int]:
    """{uid: id} of the records of `table` that have one of these uids."""
    found: dict[str, int] = {}
    for chunk, marks in in_chunks(uids):
        rows = conn.execute(f"SELECT uid, id FROM {table} WHERE uid IN ({marks})", chunk)
        found.update({uid: record_id for uid, record_id in rows})
    return found


# Records an import brought carry the key that keeps a file from being imported twice.
KEYED = tuple(kind.table for kind in kinds.MERGED if kind.store == kinds.LINES)


def records(conn: sqlite3.Connection, table: str) -> Iterator[dict]:
    keyed = ("row_key",) if table in KEYED else ()
    columns = ", ".join(("id", "customer_id", "uid", *RECORDS[table], *keyed))
    for row in conn.execute(f"SELECT {columns} FROM {table} ORDER BY id"):
        yield record(row)


def delete_of(conn: sqlite3.Connection, import_id: int) -> dict[str, int]:
    """Remove the notes, follow-ups, complaints and dates a merge brought."""
    return {
        table: conn.execute(f"DELETE FROM {table} WHERE import_id = ?", (import_id,)).rowcount
        for table in RECORDS
        if table not in KEYED
    }
