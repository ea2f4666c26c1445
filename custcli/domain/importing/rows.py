"""A sheet's rows: which are not data (blank, totals, the header again), and what one row
says, field by field.

No row is lost over one value: a value that cannot be read is kept as it was written (the
targets put it in the card's extra, or in a line's note) with a warning naming the column.
A row is refused only when what it must have (its shop, a line's date, brand or quantity)
cannot be read, and then with every problem of the row, not the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
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
    """Why a row is not data (blank, a totals row, the header again), or None. Called for
    every row: it looks at as few cells as it can."""
    # A cell is filled unless it is empty or only spaces (a city roster has 2,000,000).
    filled = [
        cell for cell in row if cell is not None and (cell.__class__ is not str or cell.strip())
    ]
    if not filled:
        return "blank"
    for cell in filled[:3]:
        if isinstance(cell, str) and cell.replace(" ", "").lower().startswith(TOTAL_WORDS):
            return "totals"
    same = sum(
        1
        for cell, header in zip(row, header_cells, strict=False)
        if cell.__class__ is str and header and cell.strip() == header
    )
    if same >= max(2, len(filled) // 2):
        return "repeated header"
    return None


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
        for col, key, header, factor in self.checks:
            self._check(parsed, row[col] if col < width else None, key, header, factor)
        for col, header in self.extra:
            value = extra_value(cell(row, col, header))
            if is_masked(value):
                parsed.masked += 1
            elif value is not None:
                parsed.extra[header] = value
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


def parse_row(row: Sequence, mapping: Mapping) -> Row:
    """One row parsed (a sheet's rows go through one RowParser)."""
    return RowParser(mapping).parse(row)
