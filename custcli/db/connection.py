"""Opening the one SQLite file: where it lives, its pragmas, its migrations, its backups.

`cust show` runs at a shop's door, so the usual path costs one `import sqlite3` and a pragma
read: the migrations (and sqlite-utils with them) are imported only when the file's
user_version says that something is pending.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from custcli.errors import BadInput

# The number of migrations in custcli.db.schema; a test keeps the two in step.
SCHEMA_VERSION = 11
BUSY_TIMEOUT_MS = 10_000


def default_db_path() -> Path:
    """$CUST_DB, else cust.db in the user's data folder (platformdirs)."""
    env = os.environ.get("CUST_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("cust", appauthor=False) / "cust.db"


def _create_private_file(path: Path) -> None:
    """Make an empty file readable by its owner only, before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode: writers open their own transactions."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def open_db(path: Path | None = None) -> sqlite3.Connection:
    """Open (and on first use create, 0600, WAL) the database, migrated to this version."""
    path = Path(path) if path else default_db_path()
    is_new = not path.exists()
    if is_new:
        _create_private_file(path)
    try:
        conn = connect(path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BadInput("{path} is not a cust database ({error})", path=path, error=error) from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise BadInput(
            "{path} was written by a newer cust (schema {version}, this one knows "
            "{SCHEMA_VERSION}); upgrade cust to open it",
            path=path,
            version=version,
            SCHEMA_VERSION=SCHEMA_VERSION,
        )
    if version < SCHEMA_VERSION:
        if is_new:
            conn.execute("PRAGMA journal_mode = WAL")
        else:
            from custcli.db.safety import auto_backup

            auto_backup(conn, f"before-migration-v{version}")
        from custcli.db.schema import migrate

        migrate(conn)
    return conn


def backup(conn: sqlite3.Connection, target: Path) -> Path:
    """Copy the live database to target (0600) with SQLite's online backup API."""
    target = Path(target)
    if target.exists():
        raise BadInput("{target} exists already; choose another name", target=target)
    _create_private_file(target)
    dest = sqlite3.connect(target)
    try:
        with dest:
            conn.backup(dest)
    finally:
        dest.close()
    return target


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error (Ctrl-C included).

    IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout instead
    of one failing with "database is locked" when it upgrades a read to a write.
    """
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
