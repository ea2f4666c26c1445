"""Questions about the database as a whole: where it is, its version and what it holds, and
its health (integrity, orphans, the rollups and kept figures against what the lines give,
the schema, the files' permissions), with what can be rebuilt from the data itself."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from custcli.db import figures, insights, rollups, schema
from custcli.db.engine import db_file, is_postgres, write_transaction
from custcli.db.files import file_mode, list_backups
from custcli.db.opening import schema_version


def status(conn: sqlite3.Connection) -> dict:
    """Where the database is, its size, schema version and the rows of each table."""
    if is_postgres(conn):
        from custcli.db.postgres import masked

        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                " AND tablename NOT LIKE 'cust\\_%' ORDER BY tablename"
            )
        ]
        place = {
            "path": masked(conn.url),
            "size_bytes": conn.execute("SELECT pg_database_size(current_database())").fetchone()[0],
            "mode": None,
            "schema_version": schema_version(conn),
            "journal_mode": None,
        }
    else:
        path = db_file(conn)
        # Tables of rows: not find's index of pieces (a virtual table, and the tables that
        # hold it, named after it).
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master t WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\'"
                " AND NOT EXISTS (SELECT 1 FROM sqlite_master v"
                " WHERE v.sql LIKE 'CREATE VIRTUAL TABLE%'"
                " AND (t.name = v.name OR t.name LIKE v.name || '\\_%' ESCAPE '\\'))"
                " ORDER BY name"
            )
        ]
        place = {
            "path": str(path),
            "size_bytes": path.stat().st_size,
            "mode": f"{stat.S_IMODE(os.stat(path).st_mode):04o}",  # 0600, as chmod writes it
            "schema_version": schema_version(conn),
            "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
        }
    counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    return {**place, "tables": counts}


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
            str(p): file_mode(p)
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
            if p.exists()
        }
        backups = list_backups(path)
    problems = []
    if integrity != ["ok"]:
        problems.append({"problem": "integrity", "detail": integrity[:3]})
    if orphans:
        tables = sorted({row[0] for row in orphans})
        problems.append({"problem": "orphans", "count": len(orphans), "tables": tables})
    current = version == schema.VERSION and integrity == ["ok"]
    differing = rollups.mismatches(conn) if current else 0
    if differing:
        problems.append({"problem": "rollups", "count": differing})
    kept = figures.mismatches(conn, insights.kept_figures_query) if current else 0
    if kept:
        problems.append({"problem": "figures", "count": kept})
    if version != schema.VERSION:
        problems.append({"problem": "schema", "version": version, "expected": schema.VERSION})
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
        "expected_schema_version": schema.VERSION,
        "files": files,
        "backups": len(backups),
        "latest_backup": str(backups[-1]) if backups else None,
    }
