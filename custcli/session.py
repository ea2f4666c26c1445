"""What every command of one invocation shares: the database path, the language, the connection."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path


class Session:
    # A plain class, as the records on `cust show`'s path are NamedTuples: a dataclass costs
    # about a millisecond to create at import, in code generated and compiled then.
    __slots__ = ("_conn", "creates", "db_path", "lang")

    def __init__(self, db_path: str | Path | None, lang: str, creates: bool = True) -> None:
        self.db_path = db_path  # a SQLite file, or a postgresql:// URL
        self.lang = lang
        # Whether the command may start a database that is not there yet: the ones that put
        # something in it may; one that only reads says there is none and leaves no file.
        self.creates = creates
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        """The database, opened (and migrated, or created if this command creates) on first
        use."""
        if self._conn is None:
            from custcli.db.opening import open_db

            self._conn = open_db(self.db_path, create=self.creates)
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
