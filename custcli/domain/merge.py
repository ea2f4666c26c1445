"""`cust merge FILE.db`: bring a manager's own file (kept on a laptop in the field) into this
database, SQLite or PostgreSQL.

Records are matched by their stable ids (uid), cards also by code, so that merging the same
file twice adds and changes nothing the second time. A card's field that differs takes the
value changed last, by each file's history (or the card's last update where a field has
none); a value the laptop does not have is "not known there", never an erasure; and a shop
the laptop made a card of apart (found here by its code, not its uid) only fills the fields
this card lacks. Every change is kept in the card's history with the merge as its source.
Visits, orders, notes, follow-ups, complaints and dates that this database does not hold
are added. A merge is listed by `cust imports` and undone like an import; a dry run is the
same merge, rolled back.

The laptop's file is never written: it is copied to a private folder, the copy checked (a
cust file, every table a table) and upgraded, and read whole before the write lock is
taken, so that other writers wait only for the writes, as they do for an import.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from custcli import kinds
from custcli.db import customers as customer_q
from custcli.db import imports as import_q
from custcli.db import merge as q
from custcli.db import rollups
from custcli.db.engine import import_running, pause_for_tests, write_transaction
from custcli.db.opening import open_db
from custcli.domain import customers as cards
from custcli.domain import pyramid
from custcli.domain.search import search_text
from custcli.errors import BadInput, NotFound
from custcli.kinds import CUSTOMERS, Kind

MERGE = "merge"  # what imports.kind says of a merged file

# How long reading a laptop's file may take before it is given up: a city's worth of lines
# reads in seconds; a file built to make a query run forever is stopped.
READ_SECONDS = 600


class _RollBack(Exception):
    """A dry run: everything was done, and is undone."""


def merge(conn, source: Path, today: dt.date, dry_run: bool = False) -> dict:
    """Merge the SQLite file `source` into the database `conn` holds; returns what it did:
    {"import_id", "file", "dry_run", "counts", "warnings"}."""
    source = Path(source)
    if not source.is_file():
        raise NotFound("{file} is not there; give a manager's cust file (.db)", file=source)
    if _same_file(conn, source):
        raise BadInput("{file} is this database itself; nothing to merge", file=source)
    with _laptop(source) as other:
        laptop = _read(other)
    counts: Counter = Counter()
    not_yours: list[dict] = []
    stale: list[dict] = []
    result = {"import_id": None, "file": source.name, "dry_run": dry_run, "counts": counts}
    try:
        with import_running(conn, source.name), write_transaction(conn):
            import_id = import_q.create(conn, source.name, laptop.digest, MERGE, None)
            label = f"merge #{import_id} ({source.name})"
            ids = _cards(conn, laptop, import_id, label, counts, not_yours, stale)
            months = _records(conn, laptop, ids, import_id, counts)
            pause_for_tests()
            rollups.refresh(conn, months)
            if months:
                pyramid.refresh(conn, today)
            import_q.finish(conn, import_id, dict(counts))
            result["import_id"] = import_id
            if dry_run:
                raise _RollBack
    except _RollBack:
        result["import_id"] = None
    return {
        **result,
        "counts": {k: v for k, v in counts.items() if v},
        "warnings": laptop.warnings,
        # cards of another manager's, left out with all on them: a manager's login merges
        # what it may write and names the rest
        "not_merged": not_yours,
        # laptop values older than the department's: kept out, each with the newer one's day
        "not_applied": stale,
    }


def _same_file(conn, source: Path) -> bool:
    from custcli.db.engine import db_file, is_postgres

    return not is_postgres(conn) and db_file(conn).resolve() == source.resolve()


@contextlib.contextmanager
def _laptop(source: Path) -> Iterator[sqlite3.Connection]:
    """The laptop's file as a connection to a private copy of it, checked and upgraded; the
    file itself is only read."""
    folder = Path(tempfile.mkdtemp(prefix="cust-merge-"))  # 0700
    copy = folder / "laptop.db"
    os.close(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        try:
            original = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            try:
                target = sqlite3.connect(copy)
                with target:
                    original.backup(target)
                target.close()
            finally:
                original.close()
        except sqlite3.DatabaseError:
            raise BadInput(
                "{file} is not a cust file (not a SQLite database, or a damaged one)",
                file=source.name,
            ) from None
        other = open_db(copy)  # refused if not cust's; an older one upgraded (the copy)
        try:
            _check_tables(other, source)
            deadline = time.monotonic() + READ_SECONDS
            other.set_progress_handler(lambda: time.monotonic() > deadline, 100_000)
            yield other
        except sqlite3.OperationalError as error:
            if "interrupted" not in str(error):
                raise
            raise BadInput(
                "reading {file} took over {seconds} seconds; it is not a laptop's cust file",
                file=source.name,
                seconds=READ_SECONDS,
            ) from None
        finally:
            other.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _check_tables(other: sqlite3.Connection, source: Path) -> None:
    """Every table a merge reads is there, and a table (a view could be anything)."""
    types = dict(other.execute("SELECT name, type FROM sqlite_master"))
    for table in (kinds.CUSTOMERS.table, "changes", *q.RECORDS):
        if types.get(table) != "table":
            raise BadInput(
                "{file} is not a complete cust file (its {table} is missing or not a table);"
                " nothing was merged",
                file=source.name,
                table=table,
            )


class _Laptop:
    """Everything a merge takes from the laptop's file, read before the write lock."""

    def __init__(self) -> None:
        self.cards: list[dict] = []
        self.changed_at: dict[tuple[int, str], str] = {}
        self.records: dict[str, list[dict]] = {}
        self.warnings: list[dict] = []
        self.digest = ""


def _read(other: sqlite3.Connection) -> _Laptop:
    laptop = _Laptop()
    digest = hashlib.sha256()
    for card in q.customers(other):
        values, dropped = _card_values(card)
        if dropped:
            laptop.warnings.append({"code": card.get("code"), "not_taken": dropped})
        if not values.get("code"):
            continue
        laptop.cards.append({**card, "values": values})
        digest.update(json.dumps([card.get("uid"), values], default=str).encode())
    laptop.changed_at = q.last_changes(other)
    for table in q.RECORDS:
        rows = list(q.records(other, table))
        for row in rows:
            if not row.get("uid"):
                row["uid"] = _uid_of(table, row)
        laptop.records[table] = rows
        digest.update(f"{table}:{len(rows)}".encode())
    laptop.digest = digest.hexdigest()
    return laptop


def _uid_of(table: str, row: dict) -> str:
    """An id for a laptop's record that has none: made of what it holds, so that the same
    file merged twice gives it the same id (and it is not added again)."""
    content = json.dumps(
        [table, row["customer_id"], *(row.get(c) for c in q.RECORDS[table])], default=str
    )
    return hashlib.sha1(content.encode()).hexdigest()


def _card_values(row: dict) -> tuple[dict[str, Any], list[str]]:
    """A laptop card's values as this cust would store them, each read again by its field:
    a value no field would take (a tier of "abc", a name of 20,000 characters, an extra that
    is not a JSON object) is left out and named."""
    values: dict[str, Any] = {}
    dropped = []
    for field in CUSTOMERS.fields:
        value = row.get(field.key)
        if value is None or value == "":
            continue
        try:
            values[field.key] = field.parse(field.render(value, "zh"))
        except (ValueError, TypeError):
            dropped.append(field.key)
    try:
        extra = json.loads(row.get("extra") or "{}")
    except (ValueError, TypeError):
        extra = None
    if isinstance(extra, dict):
        values["extra"] = {str(k): v for k, v in extra.items() if v not in (None, "")}
    else:
        dropped.append("extra")
    return values, dropped


def _cards(
    conn,
    laptop: _Laptop,
    import_id: int,
    label: str,
    counts: Counter,
    not_yours: list[dict],
    stale: list[dict],
) -> dict[int, int]:
    """Each of the laptop's cards found here (by uid, else by code) or added; the fields it
    changed last taken, never one it lacks. Returns {its id: this database's id}. On a
    manager's login a card of another manager's is left out (with its records) and named in
    `not_yours`; one with no manager becomes the login's. A laptop value older than this
    database's (by when each was true: a file's date, else when it was set) is not applied
    and is named in `stale`."""
    from custcli.db.grants import own_managers

    mine = own_managers(conn)
    our_changes = q.last_changes(conn)
    ours_by_uid = q.by_uid(conn, CUSTOMERS.table, [c["uid"] for c in laptop.cards if c["uid"]])
    ids: dict[int, int] = {}
    created = []
    for card in laptop.cards:
        values = card["values"]
        if mine:
            if not values.get("account_manager") and len(mine) == 1:
                values["account_manager"] = mine[0]
            if values.get("account_manager") not in mine:
                not_yours.append({"code": values.get("code"), "name": values.get("name")})
                counts["cards not yours"] += 1
                continue
        found = ours_by_uid.get(card["uid"])
        same_card = found is not None
        if found is None:  # made in both files apart: the same shop by its code
            same_code = customer_q.by_code(conn, values["code"])
            found = same_code["id"] if same_code else None
        if found is None:
            values.setdefault("name", "")
            keys = search_text(values.get("name"), values.get("owner"))
            values.setdefault("extra", {})
            new_id = customer_q.insert(conn, values, keys, uid=card["uid"])
            created.append((new_id, "(created)", None, values["name"], label, import_id))
            ids[card["id"]] = new_id
            counts["cards new"] += 1
            continue
        ids[card["id"]] = found
        current = customer_q.by_id(conn, found)
        taken = {}
        for key, (old, new) in cards.diff(current, values).items():
            if new is None or new == "":
                continue  # not known on the laptop: never an erasure
            if not same_card:
                if old is None or old == "":  # a quick card of a shop: fills what is empty
                    taken[key] = (old, new)
                continue
            # when each side's value was true: its last change of the field (a file's date
            # where it gave one), else the card's making
            theirs_changed = laptop.changed_at.get((card["id"], key))
            ours_changed = our_changes.get((found, key))
            theirs_at = (theirs_changed or laptop.changed_at.get((card["id"], "(created)"))
                         or card["updated_at"])  # fmt: skip
            ours_at = (ours_changed or our_changes.get((found, "(created)"))
                       or current["updated_at"])  # fmt: skip
            if theirs_at > ours_at or (
                theirs_at == ours_at and theirs_changed and not ours_changed
            ):
                taken[key] = (old, new)
            elif theirs_changed:  # changed on the laptop, but to what was true before ours
                stale.append({"code": current["code"], "field": key, "theirs": new,
                              "ours": old, "ours_at": ours_at[:10]})  # fmt: skip
        if taken:
            cards.apply_changes(conn, current, taken, label, import_id)
            counts["cards updated"] += 1
            counts["values changed"] += len(taken)
    customer_q.record_changes(conn, created)
    return ids


def _records(conn, laptop: _Laptop, ids: dict[int, int], import_id: int, counts: Counter) -> set:
    """Add the laptop's records this database does not hold; the order rollups' keys they
    touch come back."""
    months: set[tuple[int, str]] = set()
    visit_ids: dict[int, int] = {}  # their visit id -> ours, for the follow-ups naming them
    for kind in kinds.MERGED:
        rows = [r for r in laptop.records[kind.table] if r["customer_id"] in ids]
        known = q.by_uid(conn, kind.table, [r["uid"] for r in rows])
        new = []
        for row in rows:
            if row["uid"] in known:
                continue
            record = {k: row[k] for k in kind.columns}
            record.update(customer_id=ids[row["customer_id"]], uid=row["uid"], import_id=import_id)
            if kind.store == kinds.LINES:
                record["row_key"] = _key_here(kind, row, record["customer_id"])
            if record.get("visit_id") is not None:
                record["visit_id"] = visit_ids.get(record["visit_id"])
            if kind.rolled_up:
                months.add((record["customer_id"], str(record["date"])[:7]))
            new.append(record)
        if new:  # uid is unique: a record already here is skipped, not doubled
            values = [tuple(record.values()) for record in new]
            counts[kind.name] += import_q.insert_lines(conn, kind.table, tuple(new[0]), values)
        if kind is kinds.VISITS:
            ours = q.by_uid(conn, kind.table, [r["uid"] for r in rows])
            visit_ids = {r["id"]: ours[r["uid"]] for r in rows if r["uid"] in ours}
    return months


def _key_here(kind: Kind, row: dict, customer_id: int) -> str | None:
    """An imported line's key as this database's import of the same file would make it (for
    this database's card), so that the file imported here too does not add it again."""
    from custcli.domain.importing.targets import line_content, line_key, place

    if not row.get("row_key"):
        return None  # logged by hand: its uid is its only identity
    content = line_content(kind, (row[c] for c in kind.columns))
    n = place(row["customer_id"], content, row["row_key"])
    return line_key(customer_id, content, n) if n else None


def undo(conn, import_id: int, counts: Counter) -> None:
    """Take a merge back: the records it added, then the values it changed and the cards it
    created (in the caller's transaction)."""
    from custcli.domain.importing.targets import Customers, Lines

    counts.update(q.delete_of(conn, import_id))
    Lines.undo(conn, import_id, counts)
    Customers.undo(conn, import_id, counts)
