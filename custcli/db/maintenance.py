"""Questions about the database as a whole: where it is, its version and what it holds."""

from __future__ import annotations

import os
import sqlite3
import stat

from custcli.db.connection import db_file, is_postgres, schema_version


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
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name"
            )
        ]
        place = {
            "path": str(path),
            "size_bytes": path.stat().st_size,
            "mode": oct(stat.S_IMODE(os.stat(path).st_mode)),
            "schema_version": schema_version(conn),
            "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
        }
    counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    return {**place, "tables": counts}
