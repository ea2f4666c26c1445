"""Keeping the file safe: automatic backups, restore, and a health check."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

from custcli.db import figures, insights, rollups
from custcli.db.connection import (
    SCHEMA_VERSION,
    backup,
    db_file,
    is_postgres,
    private_folder,
    schema_version,
    write_transaction,
)
from custcli.errors import BadInput
from custcli.i18n import _noop

KEEP_BACKUPS = 10
DAMAGED = _noop(
    "the database is damaged, so nothing was changed; `cust db check` says more, and"
    " `cust db restore BACKUP` puts a backup back"
)


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def auto_backup(conn: sqlite3.Connection, reason: str) -> Path | None:
    """Copy the database before a change that cannot be taken back by hand (an import, a
    migration, a restore); keep the last ten of this database's. An empty file has nothing
    to lose: no copy. The copy is written under a temporary name, checked (integrity, a
    customers table), and only then named as a backup, so a killed copy never counts.
    A PostgreSQL database is backed up by its own tools (pg_dump): no copy here."""
    if not _worth_a_copy(conn):
        return None
    return _copy(conn, db_file(conn), reason)


@contextlib.contextmanager
def backed_up_meanwhile(conn: sqlite3.Connection, reason: str) -> Iterator[None]:
    """auto_backup(conn, reason), made by a thread of its own while the block runs: the
    block must write nothing (an import reads and parses its file there), so that the copy
    is of the database as it was. SQLite copies and checks pages without holding Python's
    lock, so on two cores the copy of a city's 900 MB file (~4.9 s) is made while the file
    is parsed instead of after it. When the block ends the copy is complete and checked; its
    failure is raised then, as auto_backup's is. A block that fails still waits for the copy
    (a backup made before an import that then failed is one more in the ten kept)."""
    if not _worth_a_copy(conn):
        yield
        return
    from concurrent.futures import ThreadPoolExecutor

    path = db_file(conn)
    with ThreadPoolExecutor(1, thread_name_prefix="cust-backup") as pool:
        copied = pool.submit(_copy_from_file, path, reason)
        yield
        copied.result()


def _worth_a_copy(conn: sqlite3.Connection) -> bool:
    """A SQLite file with cards in it."""
    if is_postgres(conn):
        return False
    has_data = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'customers'").fetchone()
    return bool(has_data and conn.execute("SELECT 1 FROM customers LIMIT 1").fetchone())


def _copy_from_file(path: Path, reason: str) -> Path:
    """_copy through a connection of this thread's own (a sqlite3 connection stays in the
    thread that made it)."""
    source = sqlite3.connect(path, timeout=30)
    try:
        return _copy(source, path, reason)
    finally:
        source.close()


def _copy(conn: sqlite3.Connection, path: Path, reason: str) -> Path:
    folder = backups_dir(path)
    private_folder(folder)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}-{stamp}-{reason}.db"
    partial = backup(conn, target.with_name(target.name + ".part"))
    try:
        _check_candidate(partial, thorough=False)
    except BadInput:
        partial.unlink()
        raise BadInput(DAMAGED) from None
    partial.rename(target)
    for old in list_backups(path)[:-KEEP_BACKUPS]:
        old.unlink()
    for stale in folder.glob(f"{path.stem}-*.db.part"):  # what a killed copy left
        if stale.stat().st_mtime < target.stat().st_mtime - 3600:
            stale.unlink()
    return target


def list_backups(db_path: Path) -> list[Path]:
    """This database's complete backups, oldest first: cust-20261123-091500-…-reason.db for
    cust.db, never those of a neighbour (cust-2025.db's are cust-2025-2026…)."""
    pattern = re.compile(rf"{re.escape(db_path.stem)}-\d{{8}}-\d{{6}}-\d{{6}}-[a-z0-9-]+\.db")
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name))


def _check_candidate(source: Path, thorough: bool = True) -> int:
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
    if version > SCHEMA_VERSION:
        raise BadInput(
            "{source} was written by a newer cust (schema {version}); upgrade cust",
            source=source,
            version=version,
        )
    return version


def restore(conn: sqlite3.Connection, source: Path) -> dict:
    """Replace the database's content with a checked copy, after backing up the current one."""
    version = _check_candidate(Path(source))
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


def _mode(path: Path) -> str | None:
    return oct(stat.S_IMODE(os.stat(path).st_mode)) if path.exists() else None


def repair(conn: sqlite3.Connection) -> None:
    """What can be rebuilt from the data itself: the monthly order rollups (and, with them,
    the figures kept per shop, forgotten: the next query computes them again)."""
    with write_transaction(conn):
        rollups.rebuild(conn)


def check(conn: sqlite3.Connection) -> dict:
    """Integrity, foreign keys (orphan rows), the order rollups against their lines, the
    figures kept per shop against their queries, schema version and file permissions.
    PostgreSQL keeps its own integrity and foreign keys and has no file: there, the rollups,
    the kept figures and the schema version."""
    version = schema_version(conn)
    integrity, orphans, files, backups = ["ok"], [], {}, []
    if not is_postgres(conn):
        path = db_file(conn)
        try:
            integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
        except sqlite3.DatabaseError as error:  # too damaged to check: that is the verdict
            integrity, orphans = [str(error)], []
        files = {
            str(p): _mode(p) for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
        }
        backups = list_backups(path)
    problems = []
    if integrity != ["ok"]:
        problems.append({"problem": "integrity", "detail": integrity[:3]})
    if orphans:
        tables = sorted({row[0] for row in orphans})
        problems.append({"problem": "orphans", "count": len(orphans), "tables": tables})
    current = version == SCHEMA_VERSION and integrity == ["ok"]
    differing = rollups.mismatches(conn) if current else 0
    if differing:
        problems.append({"problem": "rollups", "count": differing})
    kept = figures.mismatches(conn, insights.kept_figures_query) if current else 0
    if kept:
        problems.append({"problem": "figures", "count": kept})
    if version != SCHEMA_VERSION:
        problems.append({"problem": "schema", "version": version, "expected": SCHEMA_VERSION})
    for name, mode in files.items():
        if mode is not None and int(mode, 8) & 0o077:
            problems.append({"problem": "permissions", "file": name, "mode": mode})
    return {
        "ok": not problems,
        "problems": problems,
        "integrity": integrity[0],
        "orphan_rows": len(orphans),
        "rollup_mismatches": differing,
        "figure_mismatches": kept,
        "schema_version": version,
        "expected_schema_version": SCHEMA_VERSION,
        "files": files,
        "backups": len(backups),
        "latest_backup": str(backups[-1]) if backups else None,
    }
