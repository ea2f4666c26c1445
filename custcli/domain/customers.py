"""Customer cards: add, edit, close, purge, find, and resolve a REF to one customer."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from custcli.db import customers as q
from custcli.db.engine import write_transaction
from custcli.domain.search import may_be_in_search_text, rank, search_text
from custcli.errors import Ambiguous, BadInput, NotFound
from custcli.kinds import CUSTOMERS, customer_field
from custcli.kinds.normalize import halfwidth, typed_digits
from custcli.scope import ALL, Scope


def parse_values(raw: Mapping[str, object]) -> dict[str, Any]:
    """Parse user-given values by the registry; BadInput names the field and its valid form."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key.startswith("extra."):
            values.setdefault("extra", {})[key[6:]] = value
            continue
        try:
            field = customer_field(key)
        except ValueError as error:
            raise BadInput("{error}", error=error.args[0]) from None
        try:
            values[field.key] = field.parse_typed(value)
        except ValueError as error:
            raise BadInput("{key}: {error}", key=field.label(), error=error) from None
        for other, derived in field.derived(value).items():
            if other not in raw:
                values[other] = derived
    return values


def parse_assignments(assignments: Iterable[str]) -> dict[str, object]:
    """["phone=138…", "extra.冰柜=有"] → {"phone": "138…", "extra.冰柜": "有"}."""
    raw: dict[str, object] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadInput("--set takes key=value, got {item!r}", item=item)
        raw[key.strip()] = value
    return raw


def add(conn: sqlite3.Connection, raw: Mapping[str, object], source: str = "add") -> dict:
    values = parse_values({k: v for k, v in raw.items() if v is not None})
    if not values.get("account_manager"):
        from custcli.db.grants import own_managers

        mine = own_managers(conn)  # a manager's login: the card is theirs
        if len(mine) == 1:
            values["account_manager"] = mine[0]
    for field in CUSTOMERS.fields:
        if field.required and not values.get(field.key):
            raise BadInput("--{value} is required", value=field.key.replace("_", "-"))
    with write_transaction(conn):
        if q.by_code(conn, values["code"]):
            raise BadInput("customer {code} exists already; use `cust edit`", code=values["code"])
        customer_id = q.insert(conn, values, search_text(values.get("name"), values.get("owner")))
        q.record_changes(conn, [(customer_id, "(created)", None, values["name"], source, None)])
    return q.by_id(conn, customer_id)


def diff(current: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """{key: (old, new)} for every value that differs; extra merges key by key."""
    changes: dict[str, tuple[Any, Any]] = {}
    for key, new in values.items():
        if key == "extra":
            old_extra = current.get("extra") or {}
            for extra_key, extra_value in new.items():
                if old_extra.get(extra_key) != extra_value:
                    changes[f"extra.{extra_key}"] = (old_extra.get(extra_key), extra_value)
        elif current.get(key) != new:
            changes[key] = (current.get(key), new)
    return changes


def apply_changes(
    conn: sqlite3.Connection,
    current: dict,
    changes: Mapping[str, tuple],
    source: str,
    import_id: int | None = None,
    true_at: str | None = None,
) -> None:
    """Write changes to one customer and keep each in its history (`true_at`: when the
    source says the values were true, if not now). Caller holds the transaction."""
    columns: dict[str, Any] = {}
    extra = dict(current.get("extra") or {})
    for key, (_old, new) in changes.items():
        if key.startswith("extra."):
            if new is None:
                extra.pop(key[6:], None)
            else:
                extra[key[6:]] = new
            columns["extra"] = extra
        else:
            columns[key] = new
    if "code" in columns and columns["code"] is None:
        raise BadInput("code cannot be emptied")
    if "name" in columns and columns["name"] is None:
        raise BadInput("name cannot be emptied")
    renamed = "name" in columns or "owner" in columns
    merged = {**current, **columns}
    q.update(
        conn,
        current["id"],
        columns,
        search_text(merged.get("name"), merged.get("owner")) if renamed else None,
    )
    q.record_changes(
        conn,
        [
            (
                current["id"],
                key,
                _history_value(key, old),
                _history_value(key, new),
                source,
                import_id,
            )
            for key, (old, new) in changes.items()
        ],
        true_at,
    )


def _history_value(key: str, value: Any) -> str | None:
    if value is None:
        return None
    return CUSTOMERS.field(key).render(value) if CUSTOMERS.has(key) else str(value)


def edit(conn: sqlite3.Connection, ref: str, raw: Mapping[str, object]) -> tuple[dict, dict]:
    """Apply --set values; returns the card after and the changes made."""
    values = parse_values(raw)
    with write_transaction(conn):
        current = resolve(conn, ref)
        if (
            "code" in values
            and values["code"] != current["code"]
            and q.by_code(conn, values["code"])
        ):
            raise BadInput("customer {code} exists already", code=values["code"])
        changes = diff(current, values)
        if changes:
            apply_changes(conn, current, changes, "edit")
    return q.by_id(conn, current["id"]), changes


def close(conn: sqlite3.Connection, ref: str) -> dict:
    with write_transaction(conn):
        current = resolve(conn, ref)
        if current["status"] != "closed":
            apply_changes(conn, current, {"status": (current["status"], "closed")}, "rm")
    return q.by_id(conn, current["id"])


def purge(conn: sqlite3.Connection, ref: str) -> dict:
    """Delete a customer and everything that hangs on it (visits, orders, history…)."""
    with write_transaction(conn):
        current = resolve(conn, ref)
        q.delete(conn, current["id"])
    return current


def find(
    conn: sqlite3.Connection, text: str, limit: int | None = 20, scope: Scope | None = None
) -> list[dict]:
    """Customers matching text by code, licence, name, owner, address, phone (or its tail), pinyin.

    Digits typed with spaces, dashes or in full width are folded first. Best matches first;
    each result carries its rank under "match". A scope keeps to a district or a manager
    (closed shops too: find shows them, after the others).
    """
    scope = scope._replace(shops=ALL) if scope else None
    text = halfwidth(text).strip()
    if not text:
        raise BadInput("give some text to find: a code, name, pinyin, phone or its last 4 digits")
    digits = typed_digits(text)
    text = digits or text
    ranked = []
    for customer in q.search_candidates(
        conn,
        text,
        digits if digits and len(digits) >= 4 else None,
        scope=scope,
        pinyin=may_be_in_search_text(text),
    ):
        score = rank(customer, text)
        if score is not None:
            customer.pop("search_text", None)
            ranked.append((score, customer["status"] == "closed", customer["code"], customer))
    ranked.sort(key=lambda item: item[:3])
    return [{**c, "match": score} for score, _closed, _code, c in ranked[:limit]]  # None: all


CANDIDATE_KEYS = ("code", "name", "owner", "phone", "address")


def _ambiguous(conn: sqlite3.Connection, ref: str, matches: list[dict]) -> Ambiguous:
    """The namesakes to choose from: the best matches first, and among equally good ones the
    shops visited most recently (a manager's login sees only their own shops)."""
    visited = q.last_visits(conn, [m["id"] for m in matches])
    matches = sorted(
        matches, key=lambda m: (m.get("match", 0), _days_ago(visited.get(m["id"])), m["code"])
    )
    candidates = [{k: m.get(k) for k in ("id", *CANDIDATE_KEYS)} for m in matches]
    return Ambiguous(
        "{count} customers match that; give the code of one (see the list above)",
        candidates,
        ref=ref,
        count=len(matches),
    )


def resolve(conn: sqlite3.Connection, ref: str) -> dict:
    """The one customer a reference names, as every command that names a shop reads it.

    - `#12` is the internal id, and only that form is;
    - digits (typed in full width, or with spaces and dashes, as you like) are a customer code
      with or without its leading zeros, a licence number, or a phone number or its tail;
    - anything else is text that must find exactly one customer (name, owner, pinyin…).

    Several customers that match equally well raise Ambiguous with the candidates (exit 1).
    """
    ref = halfwidth(str(ref)).strip()
    if not ref:
        raise BadInput("name a customer: its code, phone, name or #id")
    if ref.startswith("#"):
        id_text = ref[1:].strip()
        if not id_text.isdigit() or len(id_text) > 18:
            raise BadInput("#id takes the customer's number, e.g. #12")
        found = q.by_id(conn, int(id_text))
        if found is None:
            raise NotFound(
                "no customer #{id_text}; try `cust find` or `cust list`", id_text=id_text
            )
        return found
    found = q.by_code(conn, ref)
    if found:
        return found
    digits = typed_digits(ref)
    if digits:
        matches = q.by_number(conn, digits)
        if not matches:
            raise NotFound(
                "no customer has that code, licence or phone; try `cust find` or `cust list`"
            )
        surest = min(sureness for sureness, _ in matches)
        best = [customer for sureness, customer in matches if sureness == surest]
        if len(best) == 1:
            return best[0]
        raise _ambiguous(conn, ref, best)
    matches = find(conn, ref)
    if not matches:
        raise NotFound("no customer matches that; try `cust find` or `cust list`")
    best = [m for m in matches if m["match"] == matches[0]["match"]]
    if len(matches) == 1 or (len(best) == 1 and best[0]["match"] <= 3):
        return q.by_id(conn, best[0]["id"])
    raise _ambiguous(conn, ref, matches)


def _days_ago(day: str | None) -> int:
    """A sort key putting the latest day first and never-visited shops last."""
    return -dt.date.fromisoformat(day[:10]).toordinal() if day else 0


def history(conn: sqlite3.Connection, ref: str) -> tuple[dict, list[dict]]:
    customer = resolve(conn, ref)
    return customer, q.history(conn, customer["id"])


def listing(
    conn: sqlite3.Connection, filters: Mapping[str, object], sort: str, limit: int | None
) -> list[dict]:
    parsed = parse_values({k: v for k, v in filters.items() if v is not None})
    descending = sort.strip().startswith("-")
    name = sort.strip().lstrip("-")
    try:
        key = name if name in ("id", "created_at", "updated_at") else customer_field(name).key
    except ValueError as error:
        raise BadInput("{error}", error=error.args[0]) from None
    return q.listing(
        conn, parsed, ("-" if descending else "") + key, limit, include_closed="status" in parsed
    )
