"""Opening a database: a SQLite file (created private, in WAL mode, refused when it is not
cust's or is newer) or a PostgreSQL URL, migrated on open to the schema this cust writes
(custcli.db.schema), a copy of the file made first.

`cust show` runs at a shop's door, so the usual path costs one `import sqlite3` and a pragma
read: the schema's steps are imported only when the file's user_version says that
something is pending.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path

from custcli import notices
from custcli.db import schema
from custcli.db.engine import connect, db_file, is_postgres
from custcli.db.files import (
    create_private_file,
    default_db_path,
    full_disk,
    sweep_beside,
    tighten,
)
from custcli.errors import BadInput, DiskFull, NotFound
from custcli.i18n import _noop
from custcli.kinds import CUSTOMERS


def open_db(
    path: str | Path | None = None, upto: int | None = None, create: bool = True
) -> sqlite3.Connection:
    """Open (and on first use create, 0600, WAL) the database, migrated to this version.
    With `create` false a file that is not there is not made: NotFound says so.

    A PostgreSQL URL (postgresql://…) opens that database instead (custcli.db.postgres).
    A SQLite file that is not cust's is refused and left untouched; a file others can read
    is tightened to 0600 (said once on stderr). Several cust processes opening a new or an
    older file at once migrate it once: the others wait for the first, then find it done.
    `upto` stops at an earlier version: the upgrade tests make the database an earlier cust
    left, then open it with this one.
    """
    if path is None:
        path = os.environ.get("CUST_DB") or None
    # (a Path folds "//" into "/"; a drive letter C:/ is one letter)
    if path is not None and re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:/", str(path)):
        from custcli.db import postgres  # a file name, the usual case, imports none of it

        if postgres.is_url(path):
            conn = postgres.connect(str(path))
            _migrate_postgresql(conn, upto)
            return conn
        # A URL is not a file name: never a folder named "mysql:" in the current one.
        raise BadInput(
            "{url} is a database URL cust does not speak: give a SQLite file name or a"
            " postgresql:// URL",
            url=postgres.masked(str(path)),  # never echo a password
        )
    path = Path(path) if path else default_db_path()
    if path.exists() and not path.is_file():
        raise BadInput("{path} is not a file", path=path)
    if not path.exists():
        if not create:
            raise NotFound(
                "there is no database at {path}; `cust import FILE` or `cust add` starts one,"
                " or give the right one with --db (or $CUST_DB)",
                path=path,
            )
        create_private_file(path)
    for wait in (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, None):
        try:
            return _open_sqlite(path, upto)
        except _LockedWhileOpening:
            if wait is None:
                raise BadInput(
                    "{path} stayed locked by another cust while opening; try again",
                    path=path,
                ) from None
            time.sleep(wait)
    raise AssertionError("unreachable")


class _LockedWhileOpening(Exception):
    """SQLite answered "locked" without waiting (another process was turning the new file to
    WAL, or recovering its journal): opening is tried again shortly."""


def _open_sqlite(path: Path, upto: int | None) -> sqlite3.Connection:
    conn = None
    try:
        conn = connect(path)
        version = _version(conn, path)
        if tighten(path):  # cust's own file, then: nobody else should read it
            notices.tell(_noop("{path} was readable by others; it is now yours only (0600)"),
                         path=path)  # fmt: skip
        for name in sweep_beside(path):
            notices.tell(_noop("removed {name}: a cust stopped half-way left it unfinished"),
                         name=name)  # fmt: skip
        if version < (schema.VERSION if upto is None else upto):
            _migrate_sqlite(conn, upto)
        elif conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            if conn is not None:
                conn.close()
            raise _LockedWhileOpening from None
        if full_disk(path):
            raise DiskFull(path) from None
        raise _damaged(path, error) from None
    except sqlite3.DatabaseError as error:
        if full_disk(path):  # WAL's shared memory, or the migration's writes, found no room
            raise DiskFull(path) from None
        raise _damaged(path, error) from None
    return conn


def _damaged(path: Path, error: Exception) -> BadInput:
    return BadInput(
        "{path} is not a cust database, or it is damaged ({error}); `cust db check` says"
        " more, `cust db restore BACKUP` puts a backup back",
        path=path,
        error=error,
    )


def _version(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, after making sure it is cust's (or empty) and not newer."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > schema.VERSION:
        conn.close()
        raise BadInput(
            "{path} was written by a newer cust (schema {version}, this one knows"
            " {SCHEMA_VERSION}); upgrade cust to open it",
            path=path,
            version=version,
            SCHEMA_VERSION=schema.VERSION,
        )
    if (version == 0 and _foreign(conn)) or (version > 0 and not _cust_tables(conn)):
        conn.close()
        raise BadInput(
            "{path} is a SQLite file but not a cust database; nothing was changed", path=path
        )
    return version


def _foreign(conn: sqlite3.Connection) -> bool:
    """Whether a file of schema 0 holds tables, and not cust's."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return bool(tables - {"_migrations"}) and CUSTOMERS.name not in tables


def _cust_tables(conn: sqlite3.Connection) -> bool:
    """Whether a file that says it is of some schema holds the tables every cust file has
    had since the first (another program's file may set user_version too)."""
    types = dict(conn.execute("SELECT name, type FROM sqlite_master"))
    return all(types.get(t) == "table" for t in (CUSTOMERS.name, "imports", "changes"))


# How long a cust opening a file waits for another migrating it (a city's file takes time).
MIGRATION_WAIT_MS = 600_000


def _migrate_sqlite(conn: sqlite3.Connection, upto: int | None) -> None:
    """Bring the file to this version in one transaction, one process at a time: the write
    lock is taken up front, and a cust that finds it taken waits for the migration under way,
    then finds the file done. A copy of the file is kept first (when it holds cards); a
    migration killed half-way leaves the file as it was."""
    from custcli.db import schema, views
    from custcli.db.files import keep_copy, worth_a_copy

    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.execute("PRAGMA journal_mode = WAL")
    if version and worth_a_copy(conn):
        keep_copy(conn, db_file(conn), f"before-migration-v{version}")
    timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {MIGRATION_WAIT_MS}")
    try:
        conn.execute("BEGIN IMMEDIATE")
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]  # done meanwhile?
        for number, step in schema.steps_after(version, upto):
            schema.apply(conn, step, schema.SQLITE, postgres=False)
            conn.execute(f"PRAGMA user_version = {number}")
        if upto is None or upto >= schema.VIEWS_SINCE:
            views.put(conn)  # as this cust writes them, over the tables as they now are
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _migrate_postgresql(conn, upto: int | None) -> None:
    """Create the schema in an empty database, or apply what is pending; one process at a
    time (a transaction-scoped advisory lock), all in one transaction with the version."""
    from custcli.db import grants, schema

    upto = schema.VERSION if upto is None else upto
    current = _postgresql_version(conn)
    if current > schema.VERSION:
        raise BadInput(
            "the database was written by a newer cust (schema {version}, this one knows"
            " {SCHEMA_VERSION}); upgrade cust to open it",
            version=current,
            SCHEMA_VERSION=schema.VERSION,
        )
    if current >= upto:
        return
    conn.execute("BEGIN")
    try:
        conn.raw.execute("SELECT pg_advisory_xact_lock(hashtext('cust schema'))")
        current = _postgresql_version(conn)  # another cust may have done it meanwhile
        if current == 0:
            if conn.raw.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
            ).fetchone()[0]:
                raise BadInput(
                    "the database holds tables but is not a cust database; give an empty one"
                )
            conn.raw.execute(schema.POSTGRESQL_FIRST)
        for number, step in schema.steps_after(current, upto):
            schema.apply(conn, step, schema.POSTGRESQL, postgres=True)
            conn.raw.execute(
                "INSERT INTO cust_meta (key, value) VALUES ('schema_version', %s)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(number),),
            )
        if upto >= grants.SINCE:
            grants.put_functions(conn)
            grants.refresh_privileges(conn)  # a fenced database: its new tables fenced too
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _postgresql_version(conn) -> int:
    exists = conn.execute("SELECT to_regclass('cust_meta') IS NOT NULL").fetchone()[0]
    if not exists:
        return 0
    row = conn.execute("SELECT value FROM cust_meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def schema_version(conn) -> int:
    """The schema version the database is at: SQLite's user_version, PostgreSQL's cust_meta."""
    if is_postgres(conn):
        return _postgresql_version(conn)
    return conn.execute("PRAGMA user_version").fetchone()[0]
