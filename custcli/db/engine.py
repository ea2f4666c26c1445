"""The engine under every query: SQLite's connection and pragmas, which engine a connection
is, and transactions (a writer takes the lock up front and waits for an import it finds
running). PostgreSQL's connection speaks like sqlite3's (custcli.db.postgres)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from custcli import notices
from custcli.i18n import _noop

BUSY_TIMEOUT_MS = 10_000


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode: writers open their own transactions."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def is_postgres(conn) -> bool:
    """Whether a connection is to PostgreSQL (custcli.db.postgres) rather than a SQLite file."""
    return getattr(conn, "engine", "sqlite") == "postgresql"


def characterwise(conn, column: str) -> str:
    """A text column to ORDER BY in the order of its characters, as Python sorts strings and
    SQLite's own collation does: a department's PostgreSQL may have been made with a
    language's collation, which ignores case and dashes (b-1 before B2), so that a ranking
    broken by code would differ between the engines, and from Python's."""
    return f'{column} COLLATE "C"' if is_postgres(conn) else column


def db_file(conn: sqlite3.Connection) -> Path:
    """The file behind a SQLite connection (its main database)."""
    return Path(next(row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"))


def write_transaction(conn: sqlite3.Connection) -> contextlib.AbstractContextManager:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error (Ctrl-C included).

    IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout instead
    of one failing with "database is locked" when it upgrades a read to a write.
    """
    return _transaction(conn, _begin)


def temporary_transaction(conn: sqlite3.Connection) -> contextlib.AbstractContextManager:
    """BEGIN … COMMIT around writes to the connection's own temporary tables only (an
    import's staged lines): it takes no write lock of the database's, so it may run while
    another writer holds one."""
    return _transaction(conn, lambda c: c.execute("BEGIN"))


@contextlib.contextmanager
def _transaction(
    conn: sqlite3.Connection, begin: Callable[[sqlite3.Connection], object]
) -> Iterator[sqlite3.Connection]:
    """begin(conn) … COMMIT, or ROLLBACK on any error; inside a transaction already, it is
    that one's."""
    if conn.in_transaction:
        yield conn
        return
    begin(conn)
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # a COMMIT that failed (a full disk) leaves it open
            conn.execute("ROLLBACK")
        raise


@contextlib.contextmanager
def spare_write(conn: sqlite3.Connection) -> Iterator[bool]:
    """A write transaction for what is kept only to save time later, if one can be had at
    once: True inside it (committed at the end, rolled back on any error); False, with
    nothing begun, while another writer (an import) holds SQLite's lock. PostgreSQL's
    writers lock rows, not the database: there it is always True."""
    if conn.in_transaction or is_postgres(conn):
        with write_transaction(conn):
            yield True
        return
    timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
        begun = True
    except sqlite3.OperationalError as error:
        if "locked" not in str(error) and "busy" not in str(error):
            raise
        begun = False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    if not begun:
        yield False
        return
    try:
        yield True
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def importing_marker(conn: sqlite3.Connection) -> Path:
    """The file an import writes beside the database while it holds the write lock: which
    file, since when, which process, so that another writer can say what it waits for."""
    return Path(f"{db_file(conn)}-importing")


def _begin(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting as long as a running import holds the lock (saying so once
    on stderr), and the busy timeout otherwise."""
    told = False
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            running = _running_import(conn)
            if running is None:
                raise
            if not told:
                notices.tell(
                    _noop("waiting for the import of {file} (running since {since})…"), **running
                )
                told = True


def _running_import(conn: sqlite3.Connection) -> dict | None:
    """What the marker says of a running import, if its process is still alive."""
    import json

    try:
        marker = json.loads(importing_marker(conn).read_text(encoding="utf-8"))
        os.kill(int(marker["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {"file": marker.get("file", "?"), "since": marker.get("since", "?")}


IMPORT_CACHE_KIB = 256 * 1024


@contextlib.contextmanager
def import_running(conn: sqlite3.Connection, file_name: str) -> Iterator[None]:
    """Mark the database as being imported into, for as long as the block runs (a SQLite
    file: PostgreSQL's writers do not wait for an import's whole transaction), and let the
    import's connection keep IMPORT_CACHE_KIB of pages: a million lines go into indexes of
    millions, and the default 2 MB cache reads their pages again and again (measured at city
    scale: 19 s of inserts became 12 s)."""
    import datetime as dt
    import json

    if is_postgres(conn):
        yield
        return

    since = dt.datetime.now().strftime("%H:%M:%S")
    marker = importing_marker(conn)
    marker.write_text(
        json.dumps({"file": file_name, "since": since, "pid": os.getpid()}), encoding="utf-8"
    )
    os.chmod(marker, 0o600)
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
        with contextlib.suppress(FileNotFoundError):
            marker.unlink()


def pause_for_tests() -> None:
    """The reliability tests hold an import (or a merge) inside its transaction for
    CUST_TEST_PAUSE seconds, so that their kills and rival writers land inside the work,
    not after it."""
    import time

    seconds = os.environ.get("CUST_TEST_PAUSE")
    if seconds:
        time.sleep(float(seconds))
