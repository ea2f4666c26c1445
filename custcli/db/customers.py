"""Queries on customers and their change history."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from custcli.db import figures, rows, schema
from custcli.db.engine import is_postgres
from custcli.db.rows import record, scope_conditions
from custcli.kinds import CUSTOMERS
from custcli.scope import Scope


def _columns() -> str:
    """A card's columns: the registry's fields (as they are when asked), and its own."""
    return ", ".join(("id", *CUSTOMERS.keys, "extra", "created_at", "updated_at"))


def _select() -> str:
    return f"SELECT {_columns()} FROM customers"


def sortable() -> frozenset[str]:
    return frozenset(CUSTOMERS.keys) | {"id", "created_at", "updated_at"}


def _to_dict(row: sqlite3.Row | None) -> dict[str, Any] | None:
    if row is None:
        return None
    card = record(row)
    card["extra"] = json.loads(card["extra"] or "{}")
    return card


def by_code(conn: sqlite3.Connection, code: str) -> dict | None:
    return _to_dict(conn.execute(f"{_select()} WHERE code = ?", (code,)).fetchone())


def by_id(conn: sqlite3.Connection, customer_id: int) -> dict | None:
    return _to_dict(conn.execute(f"{_select()} WHERE id = ?", (customer_id,)).fetchone())


def by_license(conn: sqlite3.Connection, license_no: str) -> list[dict]:
    rows = conn.execute(f"{_select()} WHERE license_no = ?", (license_no,)).fetchall()
    return [_to_dict(r) for r in rows]


def last_visits(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    """The day each of these shops was last visited (shops never visited are left out)."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    return dict(
        conn.execute(
            f"SELECT customer_id, max(date) FROM visits WHERE customer_id IN ({marks})"
            " GROUP BY customer_id",
            ids,
        ).fetchall()
    )


def all_codes(conn: sqlite3.Connection) -> dict[str, int]:
    return {code: cid for cid, code in conn.execute("SELECT id, code FROM customers")}


def _record(values: Mapping[str, Any], search_text: str) -> dict[str, Any]:
    """A card's row as stored: its set values (a column left out takes its default), its
    extra as JSON and its search text."""
    record = {k: values[k] for k in CUSTOMERS.keys if values.get(k) is not None}
    extra = values.get("extra")
    record["extra"] = json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else "{}"
    record["search_text"] = search_text
    return record


def insert(
    conn: sqlite3.Connection,
    values: Mapping[str, Any],
    search_text: str,
    uid: str | None = None,
) -> int:
    """A new card; `uid` keeps the id the card has in another file (a merge), else a new one."""
    record = _record(values, search_text)
    if uid:
        record["uid"] = uid
    return rows.insert(conn, CUSTOMERS.table, record)


def insert_many(
    conn: sqlite3.Connection, cards: Sequence[tuple[Mapping[str, Any], str]]
) -> dict[str, int]:
    """New cards, each (values, search text), written in batches of the same columns (one
    statement for a roster's 100,000, not one each); their ids by code."""
    rows.insert_many(conn, CUSTOMERS.table, (_record(values, text) for values, text in cards))
    codes = [values["code"] for values, _text in cards]
    return ids_of_codes(conn, codes)


def ids_of_codes(conn: sqlite3.Connection, codes: Sequence[str]) -> dict[str, int]:
    """The ids of the cards with these codes (those that exist)."""
    found: dict[str, int] = {}
    for chunk, marks in rows.in_chunks(codes):
        sql = f"SELECT code, id FROM customers WHERE code IN ({marks})"
        found.update((code, cid) for code, cid in conn.execute(sql, chunk))
    return found


def update(
    conn: sqlite3.Connection,
    customer_id: int,
    values: Mapping[str, Any],
    search_text: str | None = None,
) -> None:
    record = dict(values)
    if "extra" in record:
        record["extra"] = json.dumps(record["extra"] or {}, ensure_ascii=False, sort_keys=True)
    if search_text is not None:
        record["search_text"] = search_text
    if record:
        rows.update(conn, CUSTOMERS.table, customer_id, record, stamp="updated_at")


def delete(conn: sqlite3.Connection, customer_id: int) -> None:
    conn.execute("DELETE FROM customers WHERE id = ?", (customer_id,))
    # Its order lines and rollups go with it, and SQLite may give its id to the next card.
    figures.forget(conn)


def record_changes(
    conn: sqlite3.Connection, rows: Iterable[tuple], true_at: str | None = None
) -> None:
    """rows: (customer_id, field, old, new, source, import_id); `true_at` when their source
    says the values were true (a file's date), if not now."""
    conn.executemany(
        "INSERT INTO changes (customer_id, field, old, new, source, import_id, true_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(*row, true_at) for row in rows],
    )


def history(conn: sqlite3.Connection, customer_id: int) -> list[dict]:
    rows = conn.execute(
        "SELECT id, field, old, new, changed_at, source, import_id FROM changes"
        " WHERE customer_id = ? ORDER BY id",
        (customer_id,),
    )
    return [record(r) for r in rows]


def listing(
    conn: sqlite3.Connection,
    filters: Mapping[str, Any],
    sort: str = "code",
    limit: int | None = None,
    include_closed: bool = True,
) -> list[dict]:
    """Customers matching every filter (key = value), sorted by a registry key."""
    if sort.lstrip("-") not in sortable():
        raise ValueError(f"cannot sort by {sort!r}; sort keys are: {', '.join(sorted(sortable()))}")
    where, params = rows.where(
        *((f"{k} = ?", (v,)) for k, v in filters.items()),
        not include_closed and ("status != 'closed'", ()),
    )
    order = f"{sort.lstrip('-')} {'DESC' if sort.startswith('-') else 'ASC'}, code"
    sql = f"{_select()} WHERE {where} ORDER BY {order}"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [_to_dict(r) for r in conn.execute(sql, params)]


# A phone column holds one number or several joined by "/", landlines with a dash: compared
# as "/digits/digits/" so that equality and tails are plain string tests.
_PHONES = "'/' || replace(coalesce(phone, ''), '-', '') || '/'"


def by_number(conn: sqlite3.Connection, digits: str) -> list[tuple[int, dict]]:
    """Customers a string of digits may mean, each with how surely (lower is surer):

    0 its code or licence number exactly; 1 its code or licence without their leading zeros,
    or one of its phones; 2 the tail of one of its phones (4 digits or more).
    """
    exact = conn.execute(
        f"{_select()} WHERE code = ? UNION SELECT {_columns()} FROM customers WHERE license_no = ?",
        (digits, digits),
    ).fetchall()
    if exact:
        return [(0, _to_dict(r)) for r in exact]
    bare = digits.lstrip("0")
    rows = conn.execute(
        f"SELECT {_columns()}, CASE WHEN (? != '' AND (ltrim(code, '0') = ?"
        f" OR ltrim(coalesce(license_no, ''), '0') = ?)) OR instr({_PHONES}, ?) > 0 THEN 1"
        f" ELSE 2 END AS sureness FROM customers WHERE (? != '' AND (ltrim(code, '0') = ?"
        f" OR ltrim(coalesce(license_no, ''), '0') = ?)) OR instr({_PHONES}, ?) > 0"
        f" OR (? AND {_PHONES} LIKE ?)",
        (
            *(bare, bare, bare, f"/{digits}/"),
            *(bare, bare, bare, f"/{digits}/"),
            len(digits) >= 4,
            f"%{digits}/%",
        ),
    ).fetchall()
    found = []
    for row in rows:
        record = _to_dict(row)
        found.append((record.pop("sureness"), record))
    return found


def search_candidates(
    conn: sqlite3.Connection,
    text: str,
    digits: str | None,
    limit: int = 500,
    scope: Scope | None = None,
    pinyin: bool = True,
) -> list[dict]:
    """Customers whose identifying fields or pinyin hold text, or whose phone ends in digits,
    within a scope; the pinyin (search_text) is looked in only if `pinyin`.

    Each result keeps its search_text so that the caller can rank pinyin matches.
    """
    # instr, not LIKE: what ranking accepts is a plain, case-sensitive substring (search_text
    # is lower case, and so is the text looked for in it), and instr is a third cheaper per
    # card than LIKE's case folding (a city's 100,000 cards are all read).
    clauses = [
        "code = ?",
        "license_no = ?",
        "instr(name, ?) > 0",
        "instr(owner, ?) > 0",
        "instr(address, ?) > 0",
        "instr(phone, ?) > 0",
    ]
    params: list[Any] = [text, text, text, text, text, text]
    if pinyin:
        clauses.append("instr(search_text, ?) > 0")
        params.append(text.lower())
    if text.isdigit():  # a code that lost its leading zeros
        clauses.append("ltrim(code, '0') = ltrim(?, '0')")
        params.append(text)
    if digits:  # digits across a landline's dash; only a phone with a dash is rebuilt
        clauses.append(f"(instr(phone, '-') > 0 AND instr({_PHONES}, ?) > 0)")
        params.append(digits)
    conditions = [*(scope_conditions(scope, alias="") if scope else ()), *_by_pieces(conn, text)]
    within, within_params = rows.where(*conditions)
    sql = (
        f"{_select().replace(' FROM', ', search_text FROM')} WHERE ({' OR '.join(clauses)})"
        f" AND {within} LIMIT ?"
    )
    return [_to_dict(r) for r in conn.execute(sql, [*params, *within_params, limit])]


def _by_pieces(conn: sqlite3.Connection, text: str) -> list[tuple[str, tuple]]:
    """The cards a text can be found in, by the index of their three-character pieces
    (schema step 23), as a condition: a card any clause of search_candidates accepts holds
    every piece of `text` in an indexed column (of a code's digits, those after its leading
    zeros, which is what a code without them is matched on). None for a text of fewer than
    three characters: the conditions read every card. On PostgreSQL, its trigram index
    (`_by_trigrams`)."""
    key = text.lstrip("0") if text.isdigit() else text
    if len(key) < 3:
        return []
    if is_postgres(conn):
        return _by_trigrams(conn, key)
    pieces = " AND ".join(
        '"' + key[i : i + 3].replace('"', '""') + '"' for i in range(len(key) - 2)
    )
    return [("id IN (SELECT rowid FROM customer_grams WHERE customer_grams MATCH ?)", (pieces,))]


def _by_trigrams(conn, key: str) -> list[tuple[str, tuple]]:
    """On PostgreSQL (schema step 26): the cards whose columns, side by side, hold `key`, by
    their trigram index, where the database has one; none, and the scan, where it has not.
    Every clause of search_candidates accepts a card only if one of its columns holds the
    key (case aside), so the side-by-side text does too."""
    indexed = conn.execute(
        "SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?",
        (schema.PG_GRAMS_INDEX,),
    ).fetchone()
    if not indexed:
        return []
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return [(f"({schema.PG_GRAMS}) ILIKE ?", (f"%{escaped}%",))]
