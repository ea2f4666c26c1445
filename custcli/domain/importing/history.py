"""The imports done so far: listing them, and taking one back (an import of any kind, or a
merged manager's file)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter

from custcli import kinds
from custcli.db import imports as q
from custcli.db.engine import write_transaction
from custcli.domain import merge, pyramid
from custcli.domain.importing.targets import target_of
from custcli.errors import BadInput, NotFound


def listing(conn: sqlite3.Connection) -> list[dict]:
    return q.listing(conn)


def undo(conn: sqlite3.Connection, import_id: int, today: dt.date) -> dict[str, int]:
    """Reverse an import: its kind's store removes what it added and puts back what it
    changed (card values, brand prices); a merge, what the merge brought."""
    with write_transaction(conn):
        record = q.get(conn, import_id)
        if record is None:
            raise NotFound("no import #{import_id}; `cust imports` lists them", import_id=import_id)
        if q.made_by_another(conn, record):
            raise BadInput(
                "import #{import_id} was made by {login}; a manager's login undoes only its"
                " own imports and merges (the department's owner may undo any)",
                import_id=import_id,
                login=record["made_by"],
            )
        if record["undone_at"]:
            raise BadInput(
                "import #{import_id} was undone already on {undone_at}",
                import_id=import_id,
                undone_at=record["undone_at"],
            )
        counts: Counter = Counter()
        if record["kind"] == merge.MERGE:
            merge.undo(conn, import_id, counts)
        else:
            target_of(kinds.BY_NAME[record["kind"]]).undo(conn, import_id, counts)
        q.mark_undone(conn, import_id)
        if record["kind"] == merge.MERGE or kinds.BY_NAME[record["kind"]].rolled_up:
            pyramid.refresh(conn, today)
    return {k: v for k, v in counts.items() if v}
