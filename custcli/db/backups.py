"""Backups: a copy before every import (made while the file is read), restoring one, and
the checks a file passes before it is put back."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from custcli.db.engine import db_file
from custcli.db.files import check_candidate, keep_copy, worth_a_copy


def auto_backup(conn: sqlite3.Connection, reason: str) -> Path | None:
    """Copy the database before a change that cannot be taken back by hand (an import, a
    migration, a restore); keep the last ten of this database's. An empty file has nothing
    to lose: no copy. The copy is written under a temporary name, checked (integrity, a
    customers table), and only then named as a backup, so a killed copy never counts.
    A PostgreSQL database is backed up by its own tools (pg_dump): no copy here."""
    if not worth_a_copy(conn):
        return None
    return keep_copy(conn, db_file(conn), reason)


@contextlib.contextmanager
def backed_up_meanwhile(conn: sqlite3.Connection, reason: str) -> Iterator[None]:
    """auto_backup(conn, reason), made by a thread of its own while the block runs: the
    block must write nothing (an import reads and parses its file there), so that the copy
    is of the database as it was. SQLite copies and checks pages without holding Python's
    lock, so on two cores the copy of a city's 900 MB file (~4.9 s) is made while the file
    is parsed instead of after it. When the block ends the copy is complete and checked; its
    failure is raised then, as auto_backup's is. A block that fails still waits for the copy
    (a backup made before an import that then failed is one more in the ten kept)."""
    if not worth_a_copy(conn):
        yield
        return
    from concurrent.futures import ThreadPoolExecutor

    path = db_file(conn)
    with ThreadPoolExecutor(1, thread_name_prefix="cust-backup") as pool:
        copied = pool.submit(_copy_from_file, path, reason)
        yield
        copied.result()


def _copy_from_file(path: Path, reason: str) -> Path:
    """_copy through a connection of this thread's own (a sqlite3 connection stays in the
    thread that made it)."""
    source = sqlite3.connect(path, timeout=30)
    try:
        return keep_copy(source, path, reason)
    finally:
        source.close()


def restore(conn: sqlite3.Connection, source: Path) -> dict:
    """Replace the database's content with a checked copy, after backing up the current one."""
    version = check_candidate(Path(source))
    kept = auto_backup(conn, "before-restore")
    donor = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        donor.backup(conn)
    finally:
        donor.close()
    return {
        "restored": str(source),
        "schema_version": version,
        "previous_copy": str(kept) if kept else None,
    }
