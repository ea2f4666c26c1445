"""Importing spreadsheets: find the header row and the sheet, map headers to fields, take rows.

An import runs in one transaction: it all lands or none of it does (Ctrl-C and kill -9
included). A dry run is the same import rolled back, so its counts are exactly what a real
run would do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from custcli.db import customers as customer_q
from custcli.db import imports as q
from custcli.db.connection import write_transaction
from custcli.db.safety import auto_backup
from custcli.domain import customers as cards
from custcli.domain import pyramid
from custcli.domain.fields import FIELDS_BY_KEY, KINDS, alias_index, normalize_header
from custcli.domain.normalize import clean_text
from custcli.domain.schedule import FIELD_VISIT
from custcli.domain.search import search_text
from custcli.domain.trade import price_class_of
from custcli.errors import BadInput, NotFound

HEADER_SCAN_ROWS = 30
TOTAL_WORDS = ("合计", "总计", "小计", "总合计", "累计", "total")
KIND_ORDER = ("customers", "orders", "visits", "brands")
IGNORE = "ignore"
EXTRA = "extra"


class RowRejected(Exception):
    """A row the import cannot take; str() is the reason, without the row's values."""


@dataclass
class Mapping:
    kind: str
    sheet: str
    header_row: int  # as the spreadsheet shows it (1-based)
    headers: list[str]  # the header cells as written
    columns: dict[int, str]  # column index → field key
    extra: dict[int, str] = field(default_factory=dict)  # column index → header kept as extra
    ignored: list[str] = field(default_factory=list)

    def describe(self) -> list[dict]:
        described = []
        for index, header in enumerate(self.headers):
            if index in self.columns:
                target = self.columns[index]
            elif index in self.extra:
                target = f"extra.{self.extra[index]}"
            elif header:
                target = None
            else:
                continue
            described.append({"column": header, "field": target})
        return described


@dataclass
class ImportResult:
    file: str
    mapping: Mapping
    dry_run: bool
    import_id: int | None = None
    counts: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    rejects: list[tuple[int, list, str]] = field(default_factory=list)  # (row, values, reason)
    kept: Counter = field(default_factory=Counter)  # field → values kept as written ("other")
    samples: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        counts = {k: self.counts.get(k, 0) for k in ("new", "updated", "unchanged")}
        counts["rejected"] = len(self.rejects)
        counts["skipped"] = sum(self.skipped.values())
        return counts


def parse_overrides(items: Iterable[str]) -> dict[str, str]:
    """--map "表头=key" (key may be extra or ignore) → {normalised header: key}."""
    overrides = {}
    for item in items:
        header, sep, key = item.rpartition("=")
        if not sep or not header.strip() or not key.strip():
            raise BadInput(f'--map takes "表头=key", got {item!r}')
        overrides[normalize_header(header)] = key.strip()
    return overrides


MAX_HEADER_CHARS = 100  # longer text is data, not a column name


def _header_text(cell: object) -> str:
    if isinstance(cell, str) and len(cell) > MAX_HEADER_CHARS:
        return ""
    return clean_text(cell) or ""


def _map_headers(cells: Sequence, kind: str, overrides: dict[str, str]) -> Mapping:
    index = alias_index(kind)
    known = {f.key for f in KINDS[kind]}
    headers = [_header_text(c) for c in cells]
    mapping = Mapping(kind, "", 0, headers, {})
    for col, header in enumerate(headers):
        if not header:
            continue
        key = overrides.get(normalize_header(header)) or index.key_for(header)
        if key == IGNORE:
            mapping.ignored.append(header)
        elif key in known and key not in mapping.columns.values():
            mapping.columns[col] = key
        elif kind == "customers":
            mapping.extra[col] = header
        else:
            mapping.ignored.append(header)
    return mapping


def _meets_needs(kind: str, keys: set[str]) -> bool:
    if kind == "customers":
        return bool(keys & {"code", "license_no"}) and len(keys) >= 2
    if kind == "orders":
        return {"date", "code", "brand", "qty"} <= keys
    if kind == "visits":
        return "date" in keys and bool(keys & {"code", "name"}) and len(keys) >= 3
    return "name" in keys and bool(keys & {"wholesale_price", "retail_price", "price_class"})


def _validate_overrides(overrides: dict[str, str], kind: str | None) -> None:
    valid = {IGNORE, EXTRA} | {f.key for k in ([kind] if kind else KINDS) for f in KINDS[k]}
    for key in overrides.values():
        if key not in valid:
            raise BadInput(f"--map: unknown field {key!r}; fields are: {', '.join(sorted(valid))}")


MIN_MAPPED_SHARE = 0.4  # a guessed kind must explain this share of the named headers


def plan(
    book, kind: str | None = None, sheet: str | None = None, overrides: dict[str, str] | None = None
) -> Mapping:
    """Find the sheet, the header row and the kind; map every column.

    With --kind the best header row for that kind wins. Without it, a kind must also map at
    least 40% of the row's named headers, so that a product list that happens to have a 规格
    and a 进货价 column is not taken for the brand table.
    """
    overrides = overrides or {}
    _validate_overrides(overrides, kind)
    if sheet is not None and sheet not in book.sheets + book.hidden_sheets:
        raise BadInput(f"no sheet named {sheet!r}; sheets are: {', '.join(book.sheets)}")
    kinds = [kind] if kind else list(KIND_ORDER)
    best: tuple | None = None
    nearest: tuple | None = None  # the most promising row that fell short, to explain why
    for name in [sheet] if sheet else book.sheets:
        for row_index, cells in enumerate(_head(book.rows(name))):
            named = sum(1 for c in cells if _header_text(c))
            for kind_name in kinds:
                mapping = _map_headers(cells, kind_name, overrides)
                keys = set(mapping.columns.values())
                share_ok = kind is not None or len(keys) >= MIN_MAPPED_SHARE * named
                if not (_meets_needs(kind_name, keys) and share_ok):
                    if keys and (nearest is None or len(keys) > nearest[0]):
                        why = (
                            f"lacks {NEEDS[kind_name]}"
                            if not _meets_needs(kind_name, keys)
                            else f"only {len(keys)} of its {named} columns are ones cust knows"
                        )
                        nearest = (len(keys), kind_name, mapping, why)
                    continue
                score = (len(keys), -KIND_ORDER.index(kind_name))
                if best is None or score > best[0]:
                    mapping.sheet, mapping.header_row = name, row_index + 1
                    best = (score, mapping)
    if best is None:
        raise BadInput(_no_header_message(book, sheet, kind, nearest))
    return best[1]


NEEDS = {
    "customers": "a customer code or licence number column",
    "orders": "date, customer code, brand and quantity columns",
    "visits": "date and customer code (or store name) columns",
    "brands": "brand name and price columns",
}


def _no_header_message(book, sheet: str | None, kind: str | None, nearest: tuple | None) -> str:
    where = f"sheet {sheet!r}" if sheet else f"sheets {', '.join(book.sheets[:6]) or '(none)'}"
    hint = 'name columns with --map "表头=key"'
    if nearest is not None and nearest[0] >= 2:
        _count, kind_name, mapping, why = nearest
        known = ", ".join(h for i, h in enumerate(mapping.headers) if i in mapping.columns)
        return (
            f"{book.path.name} looks like {kind_name} ({known}) but {why}; {hint}, or give --kind"
        )
    what = f"{kind} headers" if kind else "header row cust knows"
    return f"found no {what} in {where} of {book.path.name}; {hint}, or give --kind"


def _head(rows: Iterable[list]) -> list[list]:
    head = []
    for row in rows:
        head.append(row)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    return head


def _text(cell: object) -> str | None:
    if isinstance(cell, str):
        return cell.strip() or None
    return None if cell is None else str(cell)


def skip_reason(row: Sequence, header_cells: Sequence[str]) -> str | None:
    """Why a row is not data (blank, a totals row, the header again), or None. Called for
    every row: it looks at as few cells as it can."""
    filled = [cell for cell in row if cell is not None and _text(cell)]
    if not filled:
        return "blank"
    for cell in filled[:3]:
        if isinstance(cell, str) and cell.replace(" ", "").lower().startswith(TOTAL_WORDS):
            return "totals"
    same = sum(
        1
        for cell, header in zip(row, header_cells, strict=False)
        if header and isinstance(cell, str) and cell.strip() == header
    )
    if same >= max(2, len(filled) // 2):
        return "repeated header"
    return None


def _extra_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_text(value)


MAX_CELL_CHARS = 32_767  # what one Excel cell can hold
HOSTILE_CELL_CHARS = 1_000_000  # no roster has such a cell: the file is refused whole


class CellTooLarge(BadInput):
    """A cell no spreadsheet made by hand could hold."""


def _cell(row: Sequence, col: int, header: str) -> Any:
    raw = row[col] if col < len(row) else None
    if isinstance(raw, str) and len(raw) > MAX_CELL_CHARS:
        if len(raw) > HOSTILE_CELL_CHARS:
            raise CellTooLarge(
                f"column {header} holds {len(raw):,} characters in one cell; refusing the file"
            )
        raise RowRejected(
            f"{header}: longer than the {MAX_CELL_CHARS:,} characters a cell can hold"
        )
    return raw


def parse_row(row: Sequence, mapping: Mapping) -> tuple[dict[str, Any], dict[str, Any]]:
    fields = {f.key: f for f in KINDS[mapping.kind]}
    values: dict[str, Any] = {}
    for col, key in mapping.columns.items():
        header = mapping.headers[col]
        raw = _cell(row, col, header)
        try:
            values[key] = fields[key].parse(raw)
        except ValueError as error:
            if fields[key].other is None:
                raise RowRejected(f"{header}: {error}") from None
            values[key], values[f"{key}_text"] = fields[key].other, clean_text(raw)
    extra = {}
    for col, header in mapping.extra.items():
        value = _extra_value(_cell(row, col, header))
        if value is not None:
            extra[header] = value
    return values, extra


class _Importer:
    """Takes parsed rows one at a time; finish() writes whatever it batched."""

    def finish(self) -> None:
        return None


class _CustomerImporter(_Importer):
    """Upserts cards by code (or licence number where the file has none).

    The file's codes are looked up in a dictionary loaded once, so a new card costs an insert
    and no query; their "(created)" history rows are written in one batch at the end.
    """

    def __init__(
        self, conn: sqlite3.Connection, import_id: int, result: ImportResult, today: dt.date
    ):
        self.conn, self.import_id, self.result = conn, import_id, result
        self.source = f"import #{import_id}"
        self.ids = customer_q.all_codes(conn)
        self.without_zeros: dict[str, list[str]] = {}
        for code in self.ids:
            self.without_zeros.setdefault(code.lstrip("0"), []).append(code)
        self.created: list[tuple] = []

    def _known(self, code: str) -> None:
        self.without_zeros.setdefault(code.lstrip("0"), []).append(code)

    def _existing(self, values: dict) -> dict | None:
        code, license_no = values.get("code"), values.get("license_no")
        if code:
            if code in self.ids:
                return customer_q.by_id(self.conn, self.ids[code])
            near = self.without_zeros.get(code.lstrip("0"), []) if code.isdigit() else []
            if len(near) == 1:  # Excel dropped the leading zeros of a code stored as a number
                values["code"] = near[0]
                return customer_q.by_id(self.conn, self.ids[near[0]])
            return None
        if license_no:
            found = customer_q.by_license(self.conn, license_no)
            if len(found) > 1:
                raise RowRejected("several customers hold this licence number; add a code column")
            return found[0] if found else None
        raise RowRejected("no customer code and no licence number")

    def take(self, values: dict, extra: dict) -> str:
        values = {k: v for k, v in values.items() if v is not None}
        current = self._existing(values)
        if current is None:
            if not values.get("name"):
                raise RowRejected("a new customer needs a store name (店名)")
            if not values.get("code"):
                raise RowRejected("a new customer needs a customer code (客户编码)")
            values["extra"] = extra
            customer_id = customer_q.insert(
                self.conn, values, search_text(values.get("name"), values.get("owner"))
            )
            self.ids[values["code"]] = customer_id
            self._known(values["code"])
            self.created.append(
                (customer_id, "(created)", None, values["name"], self.source, self.import_id)
            )
            self._sample(f"new {values['code']} {values['name']}")
            return "new"
        if extra:
            values["extra"] = extra
        changes = cards.diff(current, values)
        if not changes:
            return "unchanged"
        self.finish()  # a card's "(created)" stays before its changes in the history
        cards.apply_changes(self.conn, current, changes, self.source, self.import_id)
        for key, (old, new) in list(changes.items())[:2]:
            self._sample(f"{current['code']} {key}: {old if old is not None else ''} → {new}")
        return "updated"

    def finish(self) -> None:
        customer_q.record_changes(self.conn, self.created)
        self.created = []

    def _sample(self, text: str) -> None:
        if len(self.result.samples) < 8:
            self.result.samples.append(text)


class _LineImporter(_Importer):
    """Orders and visits: lines that attach to a customer and are never imported twice.

    A line's key is its content plus how many identical lines came before it in the file, so
    the same file again adds nothing while two equal lines in one file both land.
    """

    def __init__(
        self, conn: sqlite3.Connection, import_id: int, result: ImportResult, today: dt.date
    ):
        self.conn, self.import_id, self.result = conn, import_id, result
        self.today = today.isoformat()
        self.kind = result.mapping.kind
        self.codes = customer_q.all_codes(conn)
        self.codes_without_zeros = {c.lstrip("0"): i for c, i in self.codes.items()}
        self.names = q.customer_ids_by_name(conn) if self.kind == "visits" else {}
        self.seen: Counter = Counter()
        self.pending: list[dict] = []

    BATCH = 2000

    def _customer_id(self, values: dict) -> int:
        code = values.get("code")
        if code:
            customer_id = self.codes.get(code) or (
                self.codes_without_zeros.get(code.lstrip("0")) if code.isdigit() else None
            )
            if customer_id is None:
                raise RowRejected("no customer has this code; import the roster first")
            return customer_id
        ids = self.names.get(values.get("name") or "", [])
        if len(ids) != 1:
            raise RowRejected(
                "no customer has exactly this name"
                if not ids
                else "several customers have this name; add a code column"
            )
        return ids[0]

    def take(self, values: dict, _extra: dict) -> str:
        customer_id = self._customer_id(values)
        row = self._order(values) if self.kind == "orders" else self._visit(values)
        content = "|".join(map(str, row.values()))
        self.seen[content] += 1
        row.update(
            customer_id=customer_id,
            import_id=self.import_id,
            row_key=hashlib.sha1(
                f"{customer_id}|{content}|{self.seen[content]}".encode()
            ).hexdigest(),
        )
        self.pending.append(row)
        if len(self.pending) >= self.BATCH:
            self.finish()
        return None  # counted when the batch is written

    def finish(self) -> None:
        """Write the lines waiting in the batch and count the new and the known ones."""
        if self.pending:
            inserted = q.insert_lines(self.conn, self.kind, self.pending)
            self.result.counts["new"] += inserted
            self.result.counts["unchanged"] += len(self.pending) - inserted
            self.pending = []

    @staticmethod
    def _order(values: dict) -> dict:
        qty, amount, price = values.get("qty"), values.get("amount"), values.get("unit_price")
        if qty is None:
            raise RowRejected("no quantity")
        if amount is None and price is not None:
            amount = round(qty * price, 2)
        if price is None and amount is not None and qty:
            price = round(amount / qty, 2)
        if not values.get("brand"):
            raise RowRejected("no brand")
        if not values.get("date"):
            raise RowRejected("no date")
        return {
            "date": values["date"],
            "brand": values["brand"],
            "qty": qty,
            "amount": amount,
            "unit_price": price,
        }

    def _visit(self, values: dict) -> dict:
        if not values.get("date"):
            raise RowRejected("no date")
        if values["date"] > self.today:
            raise RowRejected("a visit dated after today has not happened yet")
        if values.get("kind_text"):
            self.result.kept["kind"] += 1
        return {
            "date": values["date"],
            "kind": values.get("kind") or FIELD_VISIT,
            "kind_text": values.get("kind_text"),
            "note": values.get("note"),
            "found": values.get("found"),
            "satisfaction": values.get("satisfaction"),
            "manager": values.get("manager"),
        }


class _BrandImporter(_Importer):
    def __init__(
        self, conn: sqlite3.Connection, import_id: int, result: ImportResult, today: dt.date
    ):
        self.conn, self.import_id = conn, import_id

    def take(self, values: dict, _extra: dict) -> str:
        if not values.get("name"):
            raise RowRejected("no brand name")
        if values.get("price_class") is None and values.get("wholesale_price"):
            values["price_class"] = price_class_of(values["wholesale_price"])
        current = q.brand_by_name(self.conn, values["name"])
        if current is None:
            q.insert_brand(self.conn, values, self.import_id)
            return "new"
        changed = {k: v for k, v in values.items() if v is not None and current.get(k) != v}
        if not changed:
            return "unchanged"
        q.update_brand(self.conn, current["id"], changed)
        return "updated"


IMPORTERS = {
    "customers": _CustomerImporter,
    "orders": _LineImporter,
    "visits": _LineImporter,
    "brands": _BrandImporter,
}


class _RollBack(Exception):
    """Raised inside the transaction to undo a dry run or a --strict import with rejects."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run(
    conn: sqlite3.Connection,
    book,
    mapping: Mapping,
    *,
    dry_run: bool = False,
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
    today: dt.date,
) -> ImportResult:
    """Import the mapped sheet in one transaction; a dry run or a strict failure rolls back.

    `today` dates the pyramid tiers that an orders import refreshes.
    """
    result = ImportResult(file=book.path.name, mapping=mapping, dry_run=dry_run)
    header_cells = mapping.headers
    if not dry_run:
        auto_backup(conn, "before-import")
    try:
        with write_transaction(conn):
            import_id = q.create(
                conn, book.path.name, sha256_of(book.path), mapping.kind, mapping.sheet
            )
            result.import_id = import_id
            importer = IMPORTERS[mapping.kind](conn, import_id, result, today)
            for row_no, row in enumerate(book.rows(mapping.sheet), 1):
                if progress and row_no % 1000 == 0:
                    progress(row_no)
                if row_no <= mapping.header_row:
                    continue
                reason = skip_reason(row, header_cells)
                if reason:
                    result.skipped[reason] += 1
                    continue
                try:
                    values, extra = parse_row(row, mapping)
                    outcome = importer.take(values, extra)
                    if outcome:
                        result.counts[outcome] += 1
                except RowRejected as rejected:
                    result.rejects.append((row_no, list(row), str(rejected)))
                except CellTooLarge as error:
                    raise CellTooLarge(f"{book.path.name}, row {row_no}: {error}") from None
            importer.finish()
            _refuse_hopeless(result)
            if mapping.kind == "orders" and not dry_run:
                pyramid.refresh(conn, today)
            q.finish(conn, import_id, {**result.summary(), "skipped_why": dict(result.skipped)})
            if strict and result.rejects:
                row_no, _values, reason = result.rejects[0]
                raise BadInput(
                    f"--strict: {len(result.rejects)} rows rejected (first: row "
                    f"{row_no}, {reason}); nothing was imported"
                )
            if dry_run:
                raise _RollBack
    except _RollBack:
        result.import_id = None
    return result


def _refuse_hopeless(result: ImportResult) -> None:
    """A customers file without a name column whose codes are all unknown can only fail."""
    mapping = result.mapping
    if (
        mapping.kind == "customers"
        and result.rejects
        and not sum(result.counts.values())
        and "name" not in mapping.columns.values()
    ):
        raise BadInput(
            f"no column of {result.file} maps to the store name (店名) and none of its"
            f' {len(result.rejects)} customers is known; add --map "表头=name"'
        )


# --- listing and undoing imports -----------------------------------------------------------


def listing(conn: sqlite3.Connection) -> list[dict]:
    return q.listing(conn)


def undo(conn: sqlite3.Connection, import_id: int, today: dt.date) -> dict[str, int]:
    """Reverse an import: remove what it added, put back the values it changed.

    Customers it created are removed unless something else has been recorded on them since;
    those are kept and counted as "kept".
    """
    with write_transaction(conn):
        record = q.get(conn, import_id)
        if record is None:
            raise NotFound(f"no import #{import_id}; `cust imports` lists them")
        if record["undone_at"]:
            raise BadInput(f"import #{import_id} was undone already on {record['undone_at']}")
        counts = Counter(q.delete_rows_of(conn, import_id))
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
        q.mark_undone(conn, import_id)
        if record["kind"] == "orders":
            pyramid.refresh(conn, today)
    return dict(counts)


def _stored_value(key: str, text: str | None) -> Any:
    """History keeps rendered text; parse(render(x)) == x gives the stored value back."""
    if text is None or key.startswith("extra."):
        return text
    return FIELDS_BY_KEY[key].parse(text)
