"""Questions about the file as a whole: its version and what it holds."""

from __future__ import annotations

import sqlite3


def status(conn: sqlite3.Connection) -> dict:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    return {"schema_version": version, "journal_mode": journal, "tables": counts}
