"""What every command of one invocation shares: the database path, the language, the connection."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Session:
    db_path: str | Path | None  # a SQLite file, or a postgresql:// URL
    lang: str
    _conn: sqlite3.Connection | None = field(default=None, repr=False)

    @property
    def conn(self) -> sqlite3.Connection:
        """The database, opened (and created or migrated) on first use."""
        if self._conn is None:
            from custcli.db.connection import open_db

            self._conn = open_db(self.db_path)
        return self._conn

    @property
    def today(self) -> dt.date:
        """The day the command runs on: the one place cust reads the wall clock."""
        return dt.date.today()

    def day(self, text: str | None) -> dt.date:
        """A day as the user typed it (today, -3d, 2026-11-20…); today when not given."""
        from custcli.domain.dates import parse_when

        return parse_when(text, self.today)

    def month(self, text: str | None) -> str | None:
        """A month as the user typed it (本月, 上月, 10月, 2026年10月, 2026-10) as YYYY-MM."""
        from custcli.domain.dates import month_typed

        return month_typed(text, self.today)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
