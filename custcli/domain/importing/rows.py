"""A sheet's rows: which are not data (blank, totals, the header again), and what one row
says, field by field. The import reads them a block of rows at a time, a column at a time
(read_rows: Skips, RowParser.parse_block): a million order lines hold a few hundred distinct dates,
brands and quantities, each weighed and parsed once, and a row is read whole, cell by cell,
only when one of its cells asks for more than its value (skip_reason, RowParser.parse).

No row is lost over one value: a value that cannot be read is kept as it was written (the
targets put it in the card's extra, or in a line's note) with a warning naming the column.
A row is refused only when what it must have (its shop, a line's date, brand or quantity)
cannot be read, and then with every problem of the row, not the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice, repeat, zip_longest
from typing import Any

from custcli.domain.importing.mapping import Mapping
from custcli.errors import BadInput, Said
from custcli.i18n import _
from custcli.kinds.normalize import clean_text, parse_number
from custcli.kinds.privacy import is_masked
from custcli.kinds.units import in_cell

TOTAL_WORDS = ("合计", "总计", "小计", "总合计", "累计", "total")
MAX_CELL_CHARS = 32_767  # what one Excel cell can hold
HOSTILE_CELL_CHARS = 1_000_000  # no roster has such a cell: the file is refused whole
_UNPLAIN = object()  # a cell parse() does more with than read its value


class RowRejected(Exception):
    """A row the import cannot take, with every reason (none quotes the row's values);
    str() is the English, said() the language in use."""

    def __init__(self, message: str | list[Said], **params: Any):
        self.reasons = message if isinstance(message, list) else [Said(message, **params)]
        super().__init__("; ".join(map(str, self.reasons)))

    def said(self) -> str:
        return _("; ").join(reason.said() for reason in self.reasons)


class CellTooLarge(BadInput):
    """A cell no spreadsheet made by hand could hold."""


@dataclass(slots=True)
class Row:
    """What one row says: parsed values, the roster's extra columns, and the columns whose
    values could not be read (kept as written, each with its reason)."""

    values: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)
    kept: list[tuple[str, Exception]] = field(default_factory=list)  # (header, reason)
    search_text: str = ""  # a roster row's pinyin keys, worked out before the write lock
    masked: int = 0  # masked cells (138****5678) left out: the card keeps what it has


def skip_reason(row: Sequence, header_cells: Sequence[str]) -> str | None:
    """Why a row is not data (blank, a totals row, the header again), or None. The import
    asks Skips, which looks at each column's distinct cells once and asks this only of the
    rows whose cells could make them one of those."""
    filled = [cell for cell in row if _filled(cell)]
    if not filled:
        return "blank"
    if any(_total(cell) for cell in filled[:3]):
        return "totals"
    same = sum(_header(cell, header) for cell, header in zip(row, header_cells, strict=False))
    if same >= max(2, len(filled) // 2):
        return "repeated header"
    return None


# What skip_reason weighs in a cell. A cell is filled unless it is empty or only spaces (a
# city roster has 2,000,000 of those).
def _filled(cell: object) -> bool:
    return cell is not None and (cell.__class__ is not str or bool(cell.strip()))


def _total(cell: object) -> bool:
    return isinstance(cell, str) and cell.replace(" ", "").lower().startswith(TOTAL_WORDS)


def _header(cell: object, header: str | None) -> bool:
    return cell.__class__ is str and bool(header) and cell.strip() == header


# A cell's say in skip_reason, as a number a row's cells are summed by: filled counts one, a
# cell that may make its row a totals row or the header again counts SPECIAL. A row summing
# to 0 is blank; from 1 to below SPECIAL it is data; from SPECIAL up skip_reason decides.
SPECIAL = 1 << 20  # more than any row's cells


class Skips:
    """skip_reason of each row of a sheet, worked out a column at a time: each column's
    distinct cells are weighed once (see SPECIAL), and only the rows with a cell that could
    be a total or the header again are looked at whole. A test holds it to skip_reason."""

    CACHE_LIMIT = 50_000  # distinct cells remembered a column (a unique column forgets)

    def __init__(self, header_cells: Sequence[str]):
        self.headers = header_cells
        self.known: list[dict] = []

    def reasons(self, rows: Sequence[Sequence]) -> list[str | None]:
        if not rows:
            return []
        says = self._says(rows)  # none when every row is empty
        sums = list(map(sum, zip(*says, strict=True))) if says else [0] * len(rows)
        return [
            ("blank" if said == 0 else None) if said < SPECIAL else skip_reason(row, self.headers)
            for said, row in zip(sums, rows, strict=True)
        ]

    def _says(self, rows: Sequence[Sequence]) -> list[list[int]]:
        said = []
        for index, column in enumerate(zip_longest(*rows)):
            if index == len(self.known):
                self.known.append({})
            known = self.known[index]
            if len(known) > self.CACHE_LIMIT:
                known.clear()
            header = self.headers[index] if index < len(self.headers) else None
            says = []
            for cell in column:
                key = (cell.__class__, cell)
                say = known.get(key)
                if say is None:
                    say = known[key] = _say(cell, header)
                says.append(say)
            said.append(says)
        return said


def _say(cell: object, header: str | None) -> int:
    if not _filled(cell):
        return 0
    a_kind_of_str = cell.__class__ is not str and isinstance(cell, str)  # looked at whole
    if _total(cell) or _header(cell, header) or a_kind_of_str:
        return SPECIAL
    return 1


def extra_value(value: Any) -> Any:
    """A cell as the card's extra keeps it: dates as ISO text, numbers and text as read."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_text(value)


def cell(row: Sequence, col: int, header: str) -> Any:
    raw = row[col] if col < len(row) else None
    if isinstance(raw, str) and len(raw) > MAX_CELL_CHARS:
        if len(raw) > HOSTILE_CELL_CHARS:
            raise CellTooLarge(
                "column {header} holds {count:,} characters in one cell; refusing the file",
                header=header,
                count=len(raw),
            )
        raise RowRejected(
            "{header}: longer than the {MAX_CELL_CHARS:,} characters a cell can hold",
            header=header,
            MAX_CELL_CHARS=MAX_CELL_CHARS,
        )
    return raw


class RowParser:
    """Parses the rows of one mapped sheet: the columns' fields looked up once, and each
    column's distinct values parsed once (a million order lines hold a few hundred dates,
    brands and quantities; a unique column stops being remembered past CACHE_LIMIT). A
    quantity or an amount is kept in the field's unit (条, 元): its column's, from the header,
    or its cell's own ("2件"); a second column measuring it in another unit is checked
    against it, and a disagreement kept as a warning."""

    CACHE_LIMIT = 50_000

    def __init__(self, mapping: Mapping):
        essential = mapping.kind.essential  # an unreadable one refuses the row
        self.mapped = set(mapping.columns.values())
        self.columns = [
            (col, key, mapping.headers[col], mapping.field_of(key), key in essential, {},
             mapping.units.get(col, 1.0))
            for col, key in mapping.columns.items()
        ]  # fmt: skip
        self.extra = list(mapping.extra.items())
        self._plain: dict[int, dict] = {col: {} for col in mapping.columns}
        self.checks = [
            (col, key, mapping.headers[col] or f"({col + 1})", factor)
            for col, (key, factor) in mapping.checks.items()
            if key in self.mapped
        ]

    def _parsed(self, target, cache: dict, raw: object, factor: float) -> tuple:
        """(value, derived values, None), or (None, None, the ValueError): remembered per
        distinct cell (by its type too: 1, 1.0 and True are equal keys, not the same cell)."""
        key = (raw.__class__, raw)
        found = cache.get(key)
        if found is None:
            try:
                carried = in_cell(raw, target.unit)
                if carried is not None:
                    found = (carried, None, None)
                else:
                    value = target.parse(raw)
                    if factor != 1.0 and isinstance(value, float):
                        value = round(value * factor, 3)
                    found = (value, target.derived(raw), None)
            except ValueError as error:
                found = (None, None, error)
            if len(cache) < self.CACHE_LIMIT:
                cache[key] = found
        return found

    def parse_block(self, rows: Sequence[Sequence]) -> list[Row | RowRejected | CellTooLarge]:
        """parse() of each row, worked out a column at a time: a cell whose value was read
        before, plainly (no warning, no value derived, not masked, not too long), is looked
        up in its column's list; a row with any other cell is parsed whole, by parse(). What
        it cannot take is returned, not raised: a RowRejected, or the CellTooLarge that
        refuses the file. A test holds it to parse(), row by row."""
        if not rows:
            return []
        columns = list(zip_longest(*rows))  # a row that stops short has None past its end
        plain_columns = []
        whole: set[int] = set()  # the rows parse() reads
        for col, _key, _header, target, _essential, cache, factor in self.columns:
            plain = self._plain[col]
            column = columns[col] if col < len(columns) else (None,) * len(rows)
            cells = [(raw.__class__, raw) for raw in column]
            values = list(map(plain.get, cells, repeat(_UNPLAIN)))
            # cells not read before, and those parse() does more with
            for at in [at for at, value in enumerate(values) if value is _UNPLAIN]:
                value = self._plain_value(target, cache, plain, column[at], cells[at], factor)
                if value is _UNPLAIN:
                    whole.add(at)
                values[at] = value
            plain_columns.append(values)
        keys = [key for _col, key, *_rest in self.columns]
        parsed: list[Row | RowRejected | CellTooLarge] = []
        by_row = zip(*plain_columns, strict=True) if plain_columns else repeat((), len(rows))
        for at, (row, values) in enumerate(zip(rows, by_row, strict=True)):
            try:
                if at in whole:
                    parsed.append(self.parse(row))
                    continue
                plainly = Row(dict(zip(keys, values, strict=True)))
                self._rest(plainly, row)
                parsed.append(plainly)
            except (RowRejected, CellTooLarge) as refused:
                parsed.append(refused)
        return parsed

    def _plain_value(self, target, cache: dict, plain: dict, raw: object, key, factor: float):
        """The value of a cell parse() reads plainly, remembered; _UNPLAIN for any other."""
        if raw.__class__ is str and (len(raw) > MAX_CELL_CHARS or is_masked(raw)):
            return _UNPLAIN
        if raw.__class__ is not str and isinstance(raw, str):
            return _UNPLAIN
        value, derived, error = self._parsed(target, cache, raw, factor)
        if error is not None or derived:
            return _UNPLAIN
        if len(plain) < self.CACHE_LIMIT:
            plain[key] = value
        return value

    def _rest(self, parsed: Row, row: Sequence) -> None:
        """The second-unit checks and the extra columns of a row parsed plainly (as parse())."""
        width = len(row)
        for col, key, header, factor in self.checks:
            self._check(parsed, row[col] if col < width else None, key, header, factor)
        for col, header in self.extra:
            value = extra_value(cell(row, col, header))
            if is_masked(value):
                parsed.masked += 1
            elif value is not None:
                parsed.extra[header] = value

    def parse(self, row: Sequence) -> Row:
        """Every mapped value parsed by its field; see the module's doc for what is kept."""
        parsed = Row({})
        values = parsed.values
        problems = []
        width = len(row)
        for col, key, header, target, essential, cache, factor in self.columns:
            # cell() and _parsed() inlined for a cell seen before (most cells, at a call each)
            raw = row[col] if col < width else None
            if raw.__class__ is str:
                if len(raw) > MAX_CELL_CHARS:
                    cell(row, col, header)  # refuses the row, or the file
                if is_masked(raw):
                    parsed.masked += 1
                    raw = None
            found = cache.get((raw.__class__, raw))
            value, derived, error = found or self._parsed(target, cache, raw, factor)
            if error is None:
                values[key] = value
                for other, also in derived.items() if derived else ():
                    if other not in self.mapped:
                        values[other] = also
            elif target.other is not None:
                values[key], values[f"{key}_text"] = target.other, clean_text(raw)
            elif essential:
                problems.append(Said("{header}: {error}", header=header, error=error))
            else:
                parsed.kept.append((header, error))
                parsed.extra[header] = extra_value(raw)
        if problems:
            raise RowRejected(problems)
        self._rest(parsed, row)
        return parsed

    @staticmethod
    def _check(parsed: Row, raw: object, key: str, header: str, factor: float) -> None:
        """A second column of the same quantity in another unit: it must agree."""
        try:
            other = parse_number(raw)
        except ValueError:
            return
        value = parsed.values.get(key)
        if other is None or value is None:
            return
        if abs(other * factor - value) > max(0.01 * abs(value), 0.5):
            parsed.extra[header] = extra_value(raw)
            parsed.kept.append(
                (
                    header,
                    Said(
                        "says {other} (that is {converted} cartons) where the other column"
                        " says {value}; the carton column is kept",
                        other=f"{other:g}",
                        converted=f"{other * factor:g}",
                        value=f"{value:g}",
                    ),
                )
            )


BLOCK = 4096  # rows read a column at a time


def read_rows(
    numbered: Iterable[tuple[int, Sequence]], mapping: Mapping, block: int = BLOCK
) -> Iterator[tuple[int, Sequence, str | Row | RowRejected | CellTooLarge]]:
    """Each (row number, row) of a sheet's data with what it says: why it is not data (a
    skip reason), its parsed Row, or what refuses it (a RowRejected; the CellTooLarge that
    refuses the file). Read `block` rows at a time, a column at a time (Skips, parse_block)."""
    parser, skips = RowParser(mapping), Skips(mapping.headers)
    numbered = iter(numbered)
    while chunk := list(islice(numbered, block)):
        reasons = skips.reasons([row for _row_no, row in chunk])
        data = [row for (_row_no, row), reason in zip(chunk, reasons, strict=True) if not reason]
        parsed = iter(parser.parse_block(data))
        for (row_no, row), reason in zip(chunk, reasons, strict=True):
            yield row_no, row, reason or next(parsed)


def parse_row(row: Sequence, mapping: Mapping) -> Row:
    """One row parsed (a sheet's rows go through one RowParser)."""
    return RowParser(mapping).parse(row)
