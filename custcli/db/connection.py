"""Opening the one SQLite file: where it lives, its pragmas, its migrations, its backups.

`cust show` runs at a shop's door, so the usual path costs one `import sqlite3` and a pragma
read: the migrations (and sqlite-utils with them) are imported only when the file's
user_version says that something is pending.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from custcli.errors import BadInput, DiskFull
from custcli.i18n import _noop

# The number of migrations in custcli.db.schema; a test keeps the two in step.
SCHEMA_VERSION = 17
BUSY_TIMEOUT_MS = 10_000


def default_db_path() -> Path:
    """$CUST_DB, else cust.db in the user's data folder (platformdirs)."""
    env = os.environ.get("CUST_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("cust", appauthor=False) / "cust.db"


def private_folder(folder: Path) -> None:
    """Create a folder and any missing parents readable by their owner only (0700), whatever
    the umask; folders that exist are left as they are."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for part in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another cust made it meanwhile
            part.mkdir(mode=0o700)
        os.chmod(part, 0o700)


def _create_private_file(path: Path) -> bool:
    """Make an empty file readable by its owner only, before SQLite opens it; False when
    another process made it first."""
    private_folder(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def tighten(path: Path) -> bool:
    """A database or backup others can read becomes the owner's only (0600); True if it was."""
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        return False
    if mode & 0o077:
        os.chmod(path, 0o600)
        return True
    return False


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


def open_db(path: str | Path | None = None) -> sqlite3.Connection:
    """Open (and on first use create, 0600, WAL) the database, migrated to this version.

    A PostgreSQL URL (postgresql://…) opens that database instead (custcli.db.postgres).
    A SQLite file that is not cust's is refused and left untouched; a file others can read
    is tightened to 0600 (said once on stderr). Several cust processes opening a new or an
    older file at once migrate it once: the others wait for the first, then find it done.
    """
    if path is None:
        path = os.environ.get("CUST_DB") or None
    # (a Path folds "//" into "/"; a drive letter C:/ is one letter)
    if path is not None and re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:/", str(path)):
        from custcli.db import postgres  # a file name, the usual case, imports none of it

        if postgres.is_url(path):
            return postgres.connect(str(path))
        # A URL is not a file name: never a folder named "mysql:" in the current one.
        raise BadInput(
            "{url} is a database URL cust does not speak: give a SQLite file name or a"
            " postgresql:// URL",
            url=postgres.masked(str(path)),  # never echo a password
        )
    path = Path(path) if path else default_db_path()
    if path.exists() and not path.is_file():
        raise BadInput("{path} is not a file", path=path)
    created = _create_private_file(path) if not path.exists() else False
    try:
        conn = connect(path)
        version = _version(conn, path)
        if tighten(path):  # cust's own file, then: nobody else should read it
            from custcli.render import error

            error(
                _say(_noop("{path} was readable by others; it is now yours only (0600)"), path=path)
            )
        if version < SCHEMA_VERSION:
            conn = _migrated(conn, path, created)
        elif conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
    except sqlite3.DatabaseError as error:
        if full_disk(path):  # WAL's shared memory, or the migration's writes, found no room
            raise DiskFull(path) from None
        raise BadInput(
            "{path} is not a cust database, or it is damaged ({error}); `cust db check` says"
            " more, `cust db restore BACKUP` puts a backup back",
            path=path,
            error=error,
        ) from None
    return conn


# Free space under which a failed write is taken for a full disk.
NEARLY_FULL = 1 << 20


def full_disk(path: Path) -> bool:
    """Whether the disk holding `path` (or its folder) has next to no room left."""
    import shutil

    folder = path if path.is_dir() else path.parent
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL
    except OSError:
        return False


def _say(template: str, **params: object) -> str:
    from custcli.errors import say

    return say(template, params)


def _version(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, after making sure it is cust's (or empty) and not newer."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        conn.close()
        raise BadInput(
            "{path} was written by a newer cust (schema {version}, this one knows"
            " {SCHEMA_VERSION}); upgrade cust to open it",
            path=path,
            version=version,
            SCHEMA_VERSION=SCHEMA_VERSION,
        )
    if version == 0 and _foreign(conn) and _lock_path(path).exists():
        # Another cust may be making this file: wait for its migration, then look again.
        with _migration_lock(path):
            version = conn.execute("PRAGMA user_version").fetchone()[0]
    if (version == 0 and _foreign(conn)) or (version > 0 and not _cust_tables(conn)):
        conn.close()
        raise BadInput(
            "{path} is a SQLite file but not a cust database; nothing was changed", path=path
        )
    return version


def _foreign(conn: sqlite3.Connection) -> bool:
    """Whether a file of schema 0 holds tables, and not cust's."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return bool(tables - {"_migrations"}) and "customers" not in tables


def _cust_tables(conn: sqlite3.Connection) -> bool:
    """Whether a file that says it is of some schema holds the tables every cust file has
    had since the first (another program's file may set user_version too)."""
    kinds = dict(conn.execute("SELECT name, type FROM sqlite_master"))
    return all(kinds.get(t) == "table" for t in ("customers", "imports", "changes"))


def _migrated(conn: sqlite3.Connection, path: Path, created: bool) -> sqlite3.Connection:
    """Bring the file to this version, one process at a time: a lock file beside it, held in
    an exclusive SQLite transaction (portable, and released if the process dies)."""
    _create_private_file(_lock_path(path))
    with _migration_lock(path):
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:  # nobody did it while we waited
            conn.execute("PRAGMA journal_mode = WAL")
            if version:
                from custcli.db.safety import auto_backup

                auto_backup(conn, f"before-migration-v{version}")
            from custcli.db.schema import migrate

            migrate(conn)
    return conn


def _lock_path(path: Path) -> Path:
    """The migration's lock file: kept, like -wal and -shm (unlinking it would race)."""
    return Path(f"{path}-migrating")


@contextlib.contextmanager
def _migration_lock(path: Path) -> Iterator[None]:
    """Held while a file is migrated, by one process at a time; waiting for it is waiting
    for the migration under way to end."""
    lock = connect(_lock_path(path))
    try:
        lock.execute("PRAGMA busy_timeout = 600000")  # a migration of a city's file takes time
        lock.execute("BEGIN EXCLUSIVE")
        yield
        lock.execute("ROLLBACK")
    finally:
        lock.close()


def backup(conn: sqlite3.Connection, target: Path) -> Path:
    """Copy the live database to target (0600) with SQLite's online backup API: written
    under a temporary name beside it and renamed only when complete, so that a full disk
    or a kill never leaves a partial file under the name asked for."""
    target = Path(target)
    if target.exists() or target.is_symlink():
        raise BadInput("{target} exists already; choose another name", target=target)
    private_folder(target.parent)
    import tempfile

    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    partial = Path(name)
    os.chmod(partial, 0o600)
    try:
        dest = sqlite3.connect(partial)
        try:
            with dest:
                conn.backup(dest)
            # The copy is a file of its own: in WAL mode, as the live one is, every read-only
            # opening of it (its check, a restore) left a -wal and a -shm file beside it.
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        if not _create_private_file(target):  # made meanwhile: never replaced
            raise BadInput("{target} exists already; choose another name", target=target)
        os.replace(partial, target)
    except BaseException as error:
        for leftover in (partial, Path(f"{partial}-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        if isinstance(error, sqlite3.OperationalError) and full_disk(target):
            raise DiskFull(target) from None
        raise
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
    _begin(conn)
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


def db_file(conn: sqlite3.Connection) -> Path:
    """The file behind a SQLite connection (its main database)."""
    return Path(next(row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"))


def schema_version(conn) -> int:
    """The schema version the database is at: SQLite's user_version, PostgreSQL's cust_meta."""
    if is_postgres(conn):
        from custcli.db import schema_pg

        return schema_pg.version(conn)
    return conn.execute("PRAGMA user_version").fetchone()[0]


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
                from custcli.errors import say
                from custcli.i18n import _noop
                from custcli.render import error as tell

                tell(
                    say(
                        _noop("waiting for the import of {file} (running since {since})…"),
                        running,
                    )
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
