"""Where rows go: one target per record kind, each finding what a row is about, taking it,
and undoing an import of its kind (each keeps the history its undo needs).

    target = target_of(kind)(conn, result, today)
    target.prepare(rows)              # before the write lock: match, build, key what it can
    target.stale()                    # under the lock: has what prepare read changed since?
    target.write(import_id)           # under the lock: the writes, and only those
    target_of(kind).undo(conn, import_id, counts)

An import holds the database's write lock only for `write`: the sheet is read and parsed,
and order and visit lines matched to their shops and keyed, before it, so that other
writers wait for seconds, not for the whole file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from custcli import kinds
from custcli.db import customers as customer_q
from custcli.db import imports as q
from custcli.db import rollups
from custcli.domain import customers as cards
from custcli.domain.importing.rows import Row, RowRejected
from custcli.domain.schedule import FIELD_VISIT
from custcli.domain.search import search_text
from custcli.errors import Said
from custcli.i18n import _noop
from custcli.kinds import CUSTOMERS, Kind
from custcli.kinds.fields import Shown
from custcli.trade import COMPLAINT_KINDS, OTHER_COMPLAINT, price_class_of

if TYPE_CHECKING:
    from custcli.domain.importing.result import ImportResult


def line_content(kind: Kind, values: Iterable) -> str:
    """What a line's key hashes besides its shop: its values in the order of its kind's
    columns, as stored; the columns added since the kind's lines were first keyed
    (`Kind.late`: an order's note, its requested quantity) left out at the end while
    empty, so that a file imported before they existed adds nothing again."""
    values = list(values)
    late = len(kind.columns) - len(kind.late)
    while len(values) > late and values[-1] is None:
        values.pop()
    return "|".join(map(str, values))


def line_key(customer_id: int, content: str, n: int) -> str:
    """The key of the n-th line of this content at this shop in one file. The same file
    imported again gives the same keys, so adds nothing; and a line is keyed by nothing
    outside its shop, so a merge can key it again for this database's card (`place`)."""
    return hashlib.sha1(f"{customer_id}|{content}|{n}".encode()).hexdigest()


def place(customer_id: int, content: str, key: str, most: int = 64) -> int | None:
    """Which n a line's key was made with (None when none up to `most`: the key is not one
    an import made)."""
    for n in range(1, most + 1):
        if line_key(customer_id, content, n) == key:
            return n
    return None


# A sheet's parsed rows as the targets receive them: (row number, the row as written, parsed).
Parsed = tuple[int, list, Row]


class Target:
    """Keeps the parsed rows in prepare; write takes them one at a time (take), then close()
    writes whatever was batched. The rows as written are not kept (a city's roster held
    160 MB of them only to quote the few that take() refuses): a row refused under the lock
    is rejected without them, and the run reads them back from the file (`read_back`)."""

    def __init__(self, conn: sqlite3.Connection, result: ImportResult, today: dt.date):
        self.conn, self.result, self.today = conn, result, today
        self.import_id: int | None = None
        self.rows: list[tuple[int, Row]] = []  # (row number, parsed)

    def prepare(self, rows: Iterable[Parsed]) -> None:
        """Before the lock: everything that needs no write."""
        self.rows = [(row_no, row) for row_no, _raw, row in rows]

    def stale(self) -> bool:
        """Under the lock: whether what prepare read from the database has changed since."""
        return False

    def write(self, import_id: int) -> None:
        """Under the lock: take every prepared row, then close."""
        self.import_id = import_id
        for row_no, row in self.rows:
            try:
                outcome = self.take(row)
            except RowRejected as rejected:
                self.result.reject(row_no, None, rejected)
                continue
            self.result.took(row_no, row, outcome)
        self.close()

    def take(self, row: Row) -> str | None:
        raise NotImplementedError

    def finish(self) -> None:
        return None

    def close(self) -> None:
        """After the last row: write what is batched and bring what depends on it up to date."""
        self.finish()

    def release(self) -> None:
        """After the lock, landed or rolled back: let go of what prepare kept in the database
        (nothing, but for lines)."""
        return None

    @staticmethod
    def undo(conn: sqlite3.Connection, import_id: int, counts: Counter) -> None:
        raise NotImplementedError

    def _sample(self, text: Said) -> None:
        if len(self.result.samples) < 8:
            self.result.samples.append(text)


class Customers(Target):
    """Cards, found by code (with or without its leading zeros), else by licence number.

    A roster keyed by licence alone creates cards by licence: a card needs a code, and
    takes its licence number as one until a file with the real code comes (found by licence,
    the card then takes that code). The file's keys are looked up in dictionaries loaded
    under the lock (a row's match depends on the rows before it); the pinyin of names is
    worked out before it. New cards wait and are written together, with their "(created)"
    history rows (one statement, not one a card), before any change to a card and at the
    end; a row about a card still waiting has it written first.
    """

    def prepare(self, rows: Iterable[Parsed]) -> None:
        super().prepare(rows)
        for _row_no, row in self.rows:
            values = row.values
            row.search_text = search_text(values.get("name"), values.get("owner"))

    def write(self, import_id: int) -> None:
        self.source = f"import #{import_id}"
        self.ids = customer_q.all_codes(self.conn)
        self.without_zeros: dict[str, list[str]] = {}
        for code in self.ids:
            self._known(code)
        self.licences = q.customer_ids_by_licence(self.conn)
        self.created_ids: set[int] = set()
        self.waiting: list[tuple[dict, str]] = []  # new cards, and their search text
        self.waiting_keys: set[str] = set()  # their codes, codes without zeros, licences
        super().write(import_id)

    def _known(self, code: str) -> None:
        self.without_zeros.setdefault(code.lstrip("0"), []).append(code)

    def _by_licence(self, licence: str | None) -> dict | None:
        found = self.licences.get(licence, []) if licence else []
        if len(found) > 1:
            raise RowRejected("several customers hold this licence number; add a code column")
        return customer_q.by_id(self.conn, found[0]) if found else None

    def find(self, values: dict) -> dict | None:
        code, licence = values.get("code"), values.get("license_no")
        if self.waiting_keys and (
            code in self.waiting_keys
            or (code or "").lstrip("0") in self.waiting_keys
            or licence in self.waiting_keys
        ):
            self.finish()  # the row may be about a card not written yet
        if code:
            if code in self.ids:
                return customer_q.by_id(self.conn, self.ids[code])
            near = self.without_zeros.get(code.lstrip("0"), []) if code.isdigit() else []
            if len(near) == 1:  # Excel dropped the leading zeros of a code stored as a number
                values["code"] = near[0]
                return customer_q.by_id(self.conn, self.ids[near[0]])
            return self._by_licence(licence)
        if licence:
            return self._by_licence(licence)
        raise RowRejected("no customer code and no licence number")

    def take(self, row: Row) -> str:
        values = {k: v for k, v in row.values.items() if v is not None}
        current = self.find(values)
        if current is None:
            return self._create(values, row.extra, row.search_text)
        if row.extra:
            values["extra"] = row.extra
        changes = cards.diff(current, values)
        if "name" in changes and not values.get("name"):
            del changes["name"]
        if not changes:
            return "unchanged"
        # The new cards waiting are written first: a card's "(created)" stays before its
        # changes in the history, and the code a row changes to may be one of theirs.
        self.finish()
        if "code" in changes and changes["code"][1] in self.ids:
            raise RowRejected("this code belongs to another customer already")
        cards.apply_changes(
            self.conn, current, changes, self.source, self.import_id, self.result.true_at
        )
        if current["id"] not in self.created_ids:
            self.result.changed_cards += 1
        if "code" in changes:
            self.ids[changes["code"][1]] = current["id"]
            self._known(changes["code"][1])
        for key, (old, new) in list(changes.items())[:2]:
            field = CUSTOMERS.field(key) if CUSTOMERS.has(key) else None
            self._sample(
                Said(
                    "{code} {field}: {old} → {new}",
                    code=current["code"],
                    field=Said(field.label_id) if field else key.removeprefix("extra."),
                    old=Shown(field, old) if field else old or "",
                    new=Shown(field, new) if field else new or "",
                )
            )
        return "updated"

    def _create(self, values: dict, extra: dict, text: str) -> str:
        values.setdefault("code", values.get("license_no"))
        values.setdefault("name", "")
        if not values["name"]:
            self.result.unnamed += 1
        values["extra"] = extra
        self.waiting.append((values, text))
        code, licence = values["code"], values.get("license_no")
        self._known(code)
        self.waiting_keys.update(key for key in (code, code.lstrip("0"), licence) if key)
        self._sample(Said("new card {code} {name}", code=code, name=values["name"]))
        return "new"

    def finish(self) -> None:
        """Write the new cards waiting, with their "(created)" history rows."""
        if not self.waiting:
            return
        ids = customer_q.insert_many(self.conn, self.waiting)
        created = []
        for values, _text in self.waiting:
            customer_id = ids[values["code"]]
            self.ids[values["code"]] = customer_id
            self.created_ids.add(customer_id)
            if values.get("license_no"):
                self.licences.setdefault(values["license_no"], []).append(customer_id)
            created.append(
                (customer_id, "(created)", None, values["name"], self.source, self.import_id)
            )
        customer_q.record_changes(self.conn, created)
        self.waiting, self.waiting_keys = [], set()

    @staticmethod
    def undo(conn: sqlite3.Connection, import_id: int, counts: Counter) -> None:
        """Put back the values it changed; remove the cards it created unless something
        else has been recorded on them since (those are kept, and counted "kept")."""
        for change in q.changes_of(conn, import_id):
            current = customer_q.by_id(conn, change["customer_id"])
            if current is None:
                continue
            if change["field"] == "(created)":
                if q.has_other_records(conn, current["id"], import_id):
                    counts["kept"] += 1
                else:
                    customer_q.delete(conn, current["id"])
                    counts["customers removed"] += 1
                continue
            old = _stored_value(change["field"], change["old"])
            cards.apply_changes(
                conn,
                current,
                {change["field"]: (current.get(change["field"]), old)},
                f"undo import #{import_id}",
            )
            counts["values restored"] += 1


def _stored_value(key: str, text: str | None) -> Any:
    """History keeps rendered text; parse(render(x)) == x gives the stored value back."""
    if text is None or key.startswith("extra."):
        return text
    return CUSTOMERS.field(key).parse(text)


class Lines(Target):
    """Orders and visits: lines that attach to a shop and are never imported twice.

    A line finds its shop by code (with or without leading zeros), then licence number,
    then its exact store name where one shop has it. Its key is its shop, its content and
    how many identical lines of that shop came before it in the file (line_key), so the
    same file again adds nothing while two equal lines in one file both land.

    All of that happens in prepare, before the lock, against the shops as they were then;
    under the lock, `stale` looks again, and a shop added, renamed or recoded in between
    has the file prepared again (rare, and then correct rather than fast).
    """

    def __init__(self, conn: sqlite3.Connection, result: ImportResult, today: dt.date):
        super().__init__(conn, result, today)
        self.kind = result.mapping.kind
        self.columns = self.kind.columns
        self.staged = 0  # lines prepared, waiting in the connection's staged table
        self.version: int | None = None  # the order data's, when the rollups were staged

    def _shops(self) -> tuple:
        return (
            customer_q.all_codes(self.conn),
            q.customer_ids_by_licence(self.conn),
            q.customer_ids_by_name(self.conn),
        )

    def prepare(self, rows: Iterable[Parsed]) -> None:
        self.shops = self._shops()
        self.codes, self.licences, self.names = self.shops
        self.codes_without_zeros = {c.lstrip("0"): i for c, i in self.codes.items()}
        seen: Counter = Counter()
        lines = []
        for row_no, raw, row in rows:
            try:
                customer_id = self.find(row.values)
                line = self.BUILDERS[self.kind.line](self, row)
            except RowRejected as rejected:
                self.result.reject(row_no, raw, rejected)
                continue
            self.result.took(row_no, row, None)
            values = [line.get(c) for c in self.columns]
            content = line_content(self.kind, values)
            seen[customer_id, content] += 1
            key = line_key(customer_id, content, seen[customer_id, content])
            lines.append((customer_id, *values, key))
        # In the order of the (customer, date) index: its pages are written one after another.
        lines.sort(key=lambda line: line[:2])
        q.stage_lines(self.conn, self.kind.table, self._columns(), lines)
        self.staged = len(lines)
        if self.kind.rolled_up:
            self.version = rollups.stage(self.conn)

    def stale(self) -> bool:
        return self._shops() != self.shops

    def _columns(self) -> tuple[str, ...]:
        return ("customer_id", *self.columns, "row_key")

    def write(self, import_id: int) -> None:
        self.import_id = import_id
        inserted = q.insert_staged(self.conn, self.kind.table, self._columns(), import_id)
        self.result.counts["new"] += inserted
        self.result.counts["unchanged"] += self.staged - inserted
        if self.kind.rolled_up:
            rollups.write_staged(self.conn, self.version)

    def release(self) -> None:
        # Not under the lock: dropping a million staged lines takes 0.6 s.
        q.drop_staged(self.conn)

    def find(self, values: dict) -> int:
        code, licence, name = values.get("code"), values.get("license_no"), values.get("name")
        if code:
            found = self.codes.get(code) or (
                self.codes_without_zeros.get(code.lstrip("0")) if code.isdigit() else None
            )
            if found is not None:
                return found
        if licence and len(self.licences.get(licence, [])) == 1:
            return self.licences[licence][0]
        ids = self.names.get(name or "", []) if name else []
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            codes = ", ".join(q.codes_of(self.conn, ids)[:5])
            raise RowRejected(
                "several customers have this name ({codes}); add a code column", codes=codes
            )
        if code or licence:
            raise RowRejected("no customer has this code or licence; import the roster first")
        if name:
            raise RowRejected("no customer has exactly this name")
        raise RowRejected("no customer code, licence or store name")

    @staticmethod
    def _kept_note(note: str | None, row: Row) -> str | None:
        """The line's note, with the values of its row that could not be read after it."""
        kept = [f"{header}: {row.extra[header]}" for header, _why in row.kept]
        return "；".join(filter(None, [note, *kept])) or None

    def _order(self, row: Row) -> dict:
        """An order line. What the shop bought is the quantity ordered, or the one delivered
        where only that is given; the one it asked for is kept beside it, never as it."""
        values = row.values
        qty = values.get("qty")
        if qty is None:
            qty = values.get("delivered")
        amount, price = values.get("amount"), values.get("unit_price")
        date, brand = values.get("date"), values.get("brand")
        if date is None or brand is None or qty is None:  # a line at a call: asked once
            raise RowRejected(
                [
                    Said(label)
                    for label, value in (
                        (_noop("no date"), date),
                        (_noop("no brand"), brand),
                        (_noop("no quantity"), qty),
                    )
                    if value is None
                ]
            )
        if amount is None and price is not None:
            amount = round(qty * price, 2)
        if price is None and amount is not None and qty:
            price = round(amount / qty, 2)
        return {
            "date": date,
            "brand": brand,
            "qty": qty,
            "amount": amount,
            "unit_price": price,
            "note": self._kept_note(None, row) if row.kept else None,
            "requested": values.get("requested"),
        }

    def _visit(self, row: Row) -> dict:
        values = row.values
        if not values.get("date"):
            raise RowRejected("no date")
        if values["date"] > self.today.isoformat():
            raise RowRejected("a visit dated after today has not happened yet")
        if values.get("kind_text"):
            self.result.kept["kind"] += 1
        return {
            "date": values["date"],
            "kind": values.get("kind") or FIELD_VISIT,
            "kind_text": values.get("kind_text"),
            "note": self._kept_note(values.get("note"), row),
            "found": values.get("found"),
            "satisfaction": values.get("satisfaction"),
            "manager": values.get("manager"),
        }

    def _complaint(self, row: Row) -> dict:
        """A complaint or a hotline ticket. Its type is one of the card's complaint types
        where the file's names one (价格投诉 is 价格), else 其他 with the file's word kept in
        front of its text; the caller's own phone or name is the caller's, never the shop's."""
        values = row.values
        if not values.get("opened_on"):
            raise RowRejected("no date")
        if values["opened_on"] > self.today.isoformat():
            raise RowRejected("a complaint dated after today has not been made yet")
        written = values.get("kind") or ""
        kind = next((k for k in COMPLAINT_KINDS if k != OTHER_COMPLAINT and k in written), None)
        text = values.get("text") or ""
        if kind is None and written:
            text = f"【{written}】{text}"
        if not text.strip():
            raise RowRejected("no complaint text")
        resolved = values.get("resolved_on")
        if resolved and resolved < values["opened_on"]:
            raise RowRejected("resolved before it was made")
        return {
            "kind": kind or OTHER_COMPLAINT,
            "text": self._kept_note(text, row),
            "opened_on": values["opened_on"],
            "resolved_on": resolved,
            "resolution": values.get("resolution"),
            "caller": values.get("caller"),
        }

    # How a row of each kind becomes a line (Kind.line).
    BUILDERS: ClassVar[dict] = {"order": _order, "visit": _visit, "complaint": _complaint}

    @staticmethod
    def undo(conn: sqlite3.Connection, import_id: int, counts: Counter) -> None:
        months = rollups.keys_of_import(conn, import_id)
        lines = tuple(k.table for k in kinds.KINDS if k.store == kinds.LINES)
        counts.update(q.delete_rows_of(conn, import_id, lines))
        rollups.refresh(conn, months)


class Brands(Target):
    """The brand table, found by name; every price it changes is kept for undo."""

    classes_changed = False

    def take(self, row: Row) -> str:
        values = row.values
        if not values.get("name"):
            raise RowRejected("no brand name")
        # The class follows the allocation price (调拨价); where a list gives only the
        # retailer's, that stands in for it.
        price = values.get("allocation_price") or values.get("wholesale_price")
        if values.get("price_class") is None and price:
            values["price_class"] = price_class_of(price)
        current = q.brand_by_name(self.conn, values["name"])
        if current is None:
            q.insert_brand(self.conn, values, self.import_id)
            self.classes_changed |= values.get("price_class") is not None
            return "new"
        changed = {k: v for k, v in values.items() if v is not None and current.get(k) != v}
        if not changed:
            return "unchanged"
        q.update_brand(self.conn, current, changed, self.import_id)
        self.classes_changed |= "price_class" in changed
        return "updated"

    def close(self) -> None:
        if self.classes_changed:  # the order rollups' volume per price class follows
            rollups.rebuild(self.conn)

    @staticmethod
    def undo(conn: sqlite3.Connection, import_id: int, counts: Counter) -> None:
        """Put back the prices it changed, then remove the brands it added."""
        for change in q.brand_changes_of(conn, import_id):
            q.restore_brand(conn, change["brand_id"], change["field"], change["old"])
            counts["values restored"] += 1
        counts.update(q.delete_rows_of(conn, import_id, (kinds.BRANDS.table,)))
        rollups.rebuild(conn)


class Allowances(Target):
    """The company's supply: `cust supply import` reads a sheet of either layout
    (custcli.domain.supply) and writes it; an undo removes what it wrote."""

    def take(self, row: Row) -> str:
        raise RowRejected("a supply sheet is read by `cust supply import`")

    @staticmethod
    def undo(conn: sqlite3.Connection, import_id: int, counts: Counter) -> None:
        from custcli.db import supply

        counts[kinds.SUPPLY.name] += supply.delete_of_import(conn, import_id)


# How each store writes (custcli.kinds: a kind names its store).
STORES: dict[str, type[Target]] = {
    kinds.CARDS: Customers,
    kinds.LINES: Lines,
    kinds.CATALOG: Brands,
    kinds.ALLOWANCES: Allowances,
}


def target_of(kind: Kind) -> type[Target]:
    return STORES[kind.store]
