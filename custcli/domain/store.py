"""The database as `cust db` speaks of it: where it is, what it holds, its health, copies of
it, and (on a department's PostgreSQL) who sees whose shops. The commands ask here; the
store below (custcli.db) does the work."""

from __future__ import annotations

from pathlib import Path

from custcli.db import backups, files, grants, maintenance, postgres
from custcli.errors import BadInput


def is_url(named: str | Path | None) -> bool:
    """Whether the database named is a URL (a department's PostgreSQL, or one cust refuses)
    rather than a file."""
    return "://" in str(named or "")


def where(named: str | Path | None) -> str:
    """Where the database named is, fit to print: a file's path, a URL without its
    password."""
    if is_url(named):
        return postgres.masked(str(named))
    return str(Path(named) if named else files.default_db_path())


def sqlite_only(named: str | Path | None, command: str) -> None:
    if postgres.is_url(str(named or "")):
        raise BadInput(
            "`cust db {command}` copies a SQLite file; a PostgreSQL database is backed up"
            " with pg_dump and put back with pg_restore (see the README)",
            command=command,
        )


def status(conn) -> dict:
    return maintenance.status(conn)


def check(conn, repair: bool = False) -> dict:
    if repair:
        maintenance.repair(conn)
    return maintenance.check(conn)


def backup(conn, target: Path) -> Path:
    return files.copy_database(conn, target)


def restore(conn, source: Path) -> dict:
    return backups.restore(conn, source)


def grant(conn, manager: str, role: str, new_manager: bool = False) -> dict:
    return grants.grant(conn, manager, role, new_manager)


def revoke(conn, manager: str, role: str) -> bool:
    return grants.revoke(conn, manager, role)


def granted(conn) -> list[dict]:
    return grants.grants(conn)
