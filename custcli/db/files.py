"""The files a database is: where it lives, private folders and files, whether the disk has
room, and copies of it (written under a temporary name, checked, then named; the backups
folder beside it, its last ten kept)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

from custcli.db import schema
from custcli.db.engine import is_postgres
from custcli.errors import BadInput, DiskFull
from custcli.i18n import _noop

KEEP_BACKUPS = 10

DAMAGED = _noop(
    "the database is damaged, so nothing was changed; `cust db check` says more, and"
    " `cust db restore BACKUP` puts a backup back"
)


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


def create_private_file(path: Path) -> bool:
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


def copy_database(
    conn: sqlite3.Connection, target: Path, check: Callable[[Path], object] | None = None
) -> Path:
    """Copy the live database to target (0600) with SQLite's online backup API: written
    under a hidden temporary name beside it (which names this process, so that what a
    killed copy left is known for one), checked with `check` if given, and renamed only
    when complete, so that a full disk or a kill never leaves a partial file under the
    name asked for."""
    import tempfile

    target = Path(target)
    if target.exists() or target.is_symlink():
        raise BadInput("{target} exists already; choose another name", target=target)
    private_folder(target.parent)
    sweep(target.parent)
    fd, name = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=PART, dir=target.parent
    )
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
        if check is not None:
            check(partial)
        if not create_private_file(target):  # made meanwhile: never replaced
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


PART = ".part"
_PART_RE = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.part")


def leftovers(folder: Path) -> list[Path]:
    """The partial files in a folder that a cust killed while writing them left behind: named
    by a process that is no longer running."""
    found = []
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            match = _PART_RE.fullmatch(path.name)
            if match and not _alive(int(match["pid"])):
                found.append(path)
    return found


def sweep(folder: Path) -> list[str]:
    """Remove what a killed cust left half-written in a folder; the names removed."""
    removed = []
    for path in leftovers(folder):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path.name)
    return removed


def sweep_beside(path: Path) -> list[str]:
    """What a cust stopped half-way left beside a database file: its partial copies, beside
    it and in its backups folder, named by a process no longer running; a partial backup
    and the `-migrating` lock file of cust 0.1 (this cust makes neither). The names removed."""
    removed = sweep(path.parent) + sweep(backups_dir(path))
    stale = [Path(f"{path}-migrating")]
    with contextlib.suppress(OSError):
        stale += backups_dir(path).glob(f"{path.stem}-*.db.part")
    for leftover in stale:
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
            removed.append(leftover.name)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def worth_a_copy(conn: sqlite3.Connection) -> bool:
    """A SQLite file with cards in it."""
    if is_postgres(conn):
        return False
    has_data = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'customers'").fetchone()
    return bool(has_data and conn.execute("SELECT 1 FROM customers LIMIT 1").fetchone())


def keep_copy(conn: sqlite3.Connection, path: Path, reason: str) -> Path:
    """A checked copy of the database in the backups folder beside it (cust-…-reason.db),
    the last KEEP_BACKUPS kept."""
    folder = backups_dir(path)
    private_folder(folder)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}-{stamp}-{reason}.db"
    copy_database(conn, target, check=_quick_check)
    for old in list_backups(path)[:-KEEP_BACKUPS]:
        old.unlink()
    return target


def _quick_check(copy: Path) -> None:
    try:
        check_candidate(copy, thorough=False)
    except BadInput:
        raise BadInput(DAMAGED) from None


def list_backups(db_path: Path) -> list[Path]:
    """This database's complete backups, oldest first: cust-20261123-091500-…-reason.db for
    cust.db, never those of a neighbour (cust-2025.db's are cust-2025-2026…)."""
    pattern = re.compile(rf"{re.escape(db_path.stem)}-\d{{8}}-\d{{6}}-\d{{6}}-[a-z0-9-]+\.db")
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name))


def check_candidate(source: Path, thorough: bool = True) -> int:
    """The schema version of a file that is safe to restore; BadInput says why one is not.

    A file given to restore gets SQLite's full integrity check; a copy cust has just made
    with the backup API the quick check (every page readable and well formed, without
    cross-checking each index against its table: 26 s against about 5 on a city's file)."""
    if not source.is_file():
        raise BadInput("{source}: no such file", source=source)
    try:
        candidate = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            check = "integrity_check" if thorough else "quick_check"
            verdict = candidate.execute(f"PRAGMA {check}").fetchone()[0]
            has_customers = candidate.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'customers'"
            ).fetchone()
            version = candidate.execute("PRAGMA user_version").fetchone()[0]
        finally:
            candidate.close()
    except sqlite3.DatabaseError as error:
        raise BadInput(
            "{source} is not a database cust can restore ({error})", source=source, error=error
        ) from None
    if verdict != "ok":
        raise BadInput(
            "{source} is damaged (integrity check: {verdict}); not restored",
            source=source,
            verdict=verdict,
        )
    if not has_customers:
        raise BadInput("{source} is not a cust database (it has no customers table)", source=source)
    if version > schema.VERSION:
        raise BadInput(
            "{source} was written by a newer cust (schema {version}); upgrade cust",
            source=source,
            version=version,
        )
    return version


def file_mode(path: Path) -> str | None:
    return oct(stat.S_IMODE(os.stat(path).st_mode)) if path.exists() else None
