"""`cust merge FILE.db`: bring a manager's own file (kept on a laptop in the field) into this
database, SQLite or PostgreSQL.

Records are matched by their stable ids (uid), cards also by code, so that merging the same
file twice adds and changes nothing the second time. A card's field that differs takes the
value changed last, by each file's history (or the card's last update where a field has
none); every change is kept in the card's history with the merge as its source. Visits,
orders, notes, follow-ups, complaints and dates that this database does not hold are added.
A merge is listed by `cust imports` and undone like an import; a dry run is the same merge,
rolled back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from custcli.db import customers as customer_q
from custcli.db import imports as import_q
from custcli.db import merge as q
from custcli.db import rollups
from custcli.db.connection import open_db, write_transaction
from custcli.domain import customers as cards
from custcli.domain import pyramid
from custcli.domain.fields import CUSTOMER_KEYS
from custcli.domain.search import search_text
from custcli.errors import BadInput, NotFound


class _RollBack(Exception):
    """A dry run: everything was done, and is undone."""


def merge(conn, source: Path, today: dt.date, dry_run: bool = False) -> dict:
    """Merge the SQLite file `source` into the database `conn` holds; returns what it did:
    {"import_id", "file", "dry_run", "counts"}."""
    source = Path(source)
    if not source.is_file():
        raise NotFound("{file} is not there; give a manager's cust file (.db)", file=source)
    other = open_db(source)  # an older file is upgraded, and its records get their uids
    try:
        if _same_file(conn, other):
            raise BadInput("{file} is this database itself; nothing to merge", file=source)
        from custcli.domain.importing.run import sha256_of

        counts: Counter = Counter()
        result = {"import_id": None, "file": source.name, "dry_run": dry_run, "counts": counts}
        try:
            with write_transaction(conn):
                import_id = import_q.create(conn, source.name, sha256_of(source), "merge", None)
                label = f"merge #{import_id} ({source.name})"
                ids = _cards(conn, other, import_id, label, counts)
                months = _records(conn, other, ids, import_id, counts)
                rollups.refresh(conn, months)
                if months:
                    pyramid.refresh(conn, today)
                import_q.finish(conn, import_id, dict(counts))
                result["import_id"] = import_id
                if dry_run:
                    raise _RollBack
        except _RollBack:
            result["import_id"] = None
        return {**result, "counts": {k: v for k, v in counts.items() if v}}
    finally:
        other.close()


def _same_file(conn, other) -> bool:
    from custcli.db.connection import db_file, is_postgres

    return not is_postgres(conn) and db_file(conn).resolve() == db_file(other).resolve()


def _card_values(row: dict) -> dict[str, Any]:
    values = {k: row.get(k) for k in CUSTOMER_KEYS}
    values["extra"] = json.loads(row.get("extra") or "{}")
    return values


def _cards(conn, other, import_id: int, label: str, counts: Counter) -> dict[int, int]:
    """Each of the other file's cards found here (by uid, else by code) or added; the
    fields it changed last taken. Returns {its id: this database's id}."""
    theirs = q.customers(other)
    their_changes, our_changes = q.last_changes(other), q.last_changes(conn)
    ours_by_uid = q.by_uid(conn, "customers", [c["uid"] for c in theirs if c["uid"]])
    ids: dict[int, int] = {}
    created = []
    for card in theirs:
        values = _card_values(card)
        found = ours_by_uid.get(card["uid"])
        if found is None:  # made in both files apart: the same shop by its code
            same_code = customer_q.by_code(conn, card["code"])
            found = same_code["id"] if same_code else None
        if found is None:
            keys = search_text(values.get("name"), values.get("owner"))
            new_id = customer_q.insert(conn, values, keys, uid=card["uid"])
            created.append((new_id, "(created)", None, values["name"], label, import_id))
            ids[card["id"]] = new_id
            counts["cards new"] += 1
            continue
        ids[card["id"]] = found
        current = customer_q.by_id(conn, found)
        taken = {}
        for key, (_old, new) in cards.diff(current, values).items():
            if key.startswith("extra.") and new is None:
                continue  # a key the other file never had is not a removal
            theirs_at = their_changes.get((card["id"], key)) or card["updated_at"]
            ours_at = our_changes.get((found, key)) or current["updated_at"]
            if theirs_at > ours_at:
                taken[key] = (_old, new)
        if taken:
            cards.apply_changes(conn, current, taken, label, import_id)
            counts["cards updated"] += 1
            counts["values changed"] += len(taken)
    customer_q.record_changes(conn, created)
    return ids


def _records(conn, other, ids: dict[int, int], import_id: int, counts: Counter) -> set:
    """Add the other file's records this database does not hold; the order rollups' keys
    they touch come back."""
    months: set[tuple[int, str]] = set()
    visit_ids: dict[int, int] = {}  # their visit id -> ours, for follow-ups
    for table in q.RECORDS:
        rows = [r for r in q.records(other, table) if r["customer_id"] in ids]
        known = q.by_uid(conn, table, [r["uid"] for r in rows])
        new = []
        for row in rows:
            if row["uid"] in known:
                continue
            record = {k: row[k] for k in q.RECORDS[table]}
            record.update(customer_id=ids[row["customer_id"]], uid=row["uid"], import_id=import_id)
            if table in q.KEYED:
                record["row_key"] = _key_here(table, row, record["customer_id"])
            if table == "followups" and record["visit_id"] is not None:
                record["visit_id"] = visit_ids.get(record["visit_id"])
            if table == "orders":
                months.add((record["customer_id"], record["date"][:7]))
            new.append(record)
        if new:  # uid is unique: a record already here is skipped, not doubled
            values = [tuple(record.values()) for record in new]
            counts[table] += import_q.insert_lines(conn, table, tuple(new[0]), values)
        if table == "visits":
            ours = q.by_uid(conn, "visits", [r["uid"] for r in rows])
            visit_ids = {r["id"]: ours[r["uid"]] for r in rows if r["uid"] in ours}
    return months


def _key_here(table: str, row: dict, customer_id: int) -> str | None:
    """An imported line's key as this database's import of the same file would make it (for
    this database's card), so that the file imported here too does not add it again."""
    from custcli.domain.importing.targets import line_content, line_key, place

    if not row["row_key"]:
        return None  # logged by hand: its uid is its only identity
    content = line_content(table, (row[c] for c in q.RECORDS[table]))
    n = place(row["customer_id"], content, row["row_key"])
    return line_key(customer_id, content, n) if n else None


def undo(conn, import_id: int, counts: Counter) -> None:
    """Take a merge back: the records it added, then the values it changed and the cards it
    created (in the caller's transaction)."""
    from custcli.domain.importing.targets import Customers, Lines

    counts.update(q.delete_of(conn, import_id))
    Lines.undo(conn, import_id, counts)
    Customers.undo(conn, import_id, counts)
