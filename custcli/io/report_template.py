"""A company's own report template, filled in: its look kept (styles, merged cells, widths,
images, formulas elsewhere), its {{ placeholders }} replaced.

- `{{ 名称 }}` anywhere in a cell's text is replaced by that value (custcli.present.report_layout
  lists them: `cust report placeholders`);
- a row whose cells hold `{{ 拜访.字段 }}` is repeated once per visit of the month, and one
  holding `{{ 未访.字段 }}` once per shop due and not visited; the rows below move down, their
  merged cells, heights and images with them;
- a value fills a cell that is one placeholder as what it is (a number, a date), so that
  the template cell's own number format shows it (120户, ¥1,234.00, 2026年11月1日), and a
  cell left in the General format gets the figure's own; inside a sentence it is its text;
- formulas, the print area and defined names that reach the repeated row are extended over
  the rows it became (=SUM(B10:B10) → =SUM(B10:B273)), and those below it moved down with
  their rows, on this sheet and on the others that point at it; the repeated row's merged
  cells and height are copied to every row; several repeated tables on one sheet are each
  filled; `{{ 序号 }}` numbers a table's rows;
- a placeholder nobody knows is left as it is, and named in the warning the run returns.

openpyxl edits the workbook in place and its formula tokenizer reads the references (xltpl
and jinja2 were looked at: they fill the same placeholders but own the layout rules — xltpl
rebuilds the sheet from its own template model — while a template here is the company's,
whose formulas, print setup and names must come through as the company made them).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import NamedTuple

from custcli.errors import BadInput
from custcli.io.writers import atomic_path

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
# A reference a formula holds: an optional sheet ('报 表'!, Sheet2!), then a cell, a range of
# cells, or whole rows (10:12) or columns (B:B).
_REFERENCE = re.compile(
    r"^(?P<sheet>(?:'(?:[^']|'')+'|[^'!:]+)!)?"
    r"(?P<first>\$?[A-Za-z]{0,3}\$?\d*)(?::(?P<last>\$?[A-Za-z]{0,3}\$?\d*))?$"
)
_CELL = re.compile(r"^(\$?[A-Za-z]{0,3})(\$?)(\d*)$")


class Value(NamedTuple):
    """A value to fill a placeholder with: itself (a number, a date, a text), its text when
    it is part of a sentence, and the number format it shows in where the cell has none."""

    typed: object
    text: str
    number_format: str | None = None


# A template is a page the company laid out; beyond these it is refused, not filled slowly.
MAX_ROW_TEMPLATES = 50  # rows that repeat, over the whole workbook
MAX_REPEATED = 50_000  # rows one repeated table may grow to


class Filled(NamedTuple):
    """What a filled template left as it was: placeholders nobody knows, and placeholders
    inside a formula (a value is never spliced into a formula's text)."""

    unknown: list[str]
    in_formulas: list[str]


def fill(
    template: Path,
    target: Path,
    values: dict[str, object],
    groups: dict[str, list[dict[str, object]]],
) -> Filled:
    """Write the filled template to target; say what was left unfilled.

    The template passes the same guards as a file to import (zip and entity bombs, extents)
    with a template's smaller limits, before openpyxl reads it. Every value goes into its
    cell as a value of its own, a text as text even when it starts with "=": nothing a shop
    or a note is named becomes a formula."""
    import openpyxl

    from custcli.io.readers import TEMPLATE_LIMITS, check_package

    template, target = Path(template), Path(target)
    if not template.is_file():
        raise BadInput("{file}: no such file", file=template)
    if target.exists() and target.samefile(template):
        raise BadInput(
            "-o {file} is the template itself; write the report to another file", file=target
        )
    check_package(template, TEMPLATE_LIMITS)
    try:
        book = openpyxl.load_workbook(template)
    except Exception:  # openpyxl's many errors for a file that is not an xlsx
        raise BadInput(
            "{file} is not an .xlsx template openpyxl can open; save it as .xlsx", file=template
        ) from None
    unknown: set[str] = set()
    in_formulas: set[str] = set()
    found = [(sheet, _row_templates(sheet, groups)) for sheet in book.worksheets]
    if sum(len(rows) for _sheet, rows in found) > MAX_ROW_TEMPLATES:
        raise BadInput(
            "{file} has more than {most} rows that repeat; a template repeats a row per table",
            file=template.name,
            most=MAX_ROW_TEMPLATES,
        )
    for name, items in groups.items():
        if len(items) > MAX_REPEATED:
            raise BadInput(
                "{count} rows are too many for a template ({name}); narrow it with --manager"
                " or --district, or write the built-in report",
                count=len(items),
                name=name,
            )
    for sheet, rows in found:
        for row_no, group in reversed(rows):
            _repeat_row(book, sheet, row_no, group, groups[group], unknown, in_formulas)
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "{{" in cell.value:
                    _fill_cell(cell, cell.value, values, unknown, in_formulas)
    with atomic_path(target) as temp:
        book.save(temp)
    return Filled(sorted(unknown), sorted(in_formulas))


def _fill_cell(cell, text: str, values: dict, unknown: set[str], in_formulas: set[str]) -> None:
    """A cell's placeholders filled. A formula's are left as they are (and named); a cell
    that is one placeholder takes the value itself; text is always written as text."""
    if text.startswith("="):
        in_formulas.update(m.group(1) for m in PLACEHOLDER.finditer(text))
        return
    whole = PLACEHOLDER.fullmatch(text.strip())
    if whole and whole.group(1) in values:
        value = values[whole.group(1)]
        if isinstance(value, Value):
            if value.number_format and cell.number_format == "General":
                cell.number_format = value.number_format
            value = value.typed
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # "=…" from a shop's name stays text, never a formula
        return
    cell.value = _replace(text, values, unknown)
    cell.data_type = "s"


def _replace(text: str, values: dict[str, object], unknown: set[str]) -> str:
    def one(match: re.Match) -> str:
        name = match.group(1)
        if name in values:
            value = values[name]
            if isinstance(value, Value):
                return value.text
            return "" if value is None else str(value)
        unknown.add(name)
        return match.group(0)

    return PLACEHOLDER.sub(one, text)


def _row_templates(sheet, groups: dict) -> list[tuple[int, str]]:
    """(row number, group) of each row that holds a group's placeholders, top to bottom."""
    found = []
    for row in sheet.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            names = [m.group(1) for m in PLACEHOLDER.finditer(cell.value)]
            group = next((n.split(".", 1)[0] for n in names if n.split(".", 1)[0] in groups), None)
            if group:
                found.append((cell.row, group))
                break
    return found


def _repeat_row(
    book,
    sheet,
    row_no: int,
    group: str,
    items: list[dict],
    unknown: set[str],
    in_formulas: set[str],
) -> None:
    """Make `row_no` one row per item, pushing what is below it down."""
    extra = max(len(items), 1) - 1
    if extra:
        _make_room(sheet, row_no, extra)
        _extend_references(book, sheet, row_no, extra)
    pattern = {cell.column: (cell.value, copy.copy(cell._style)) for cell in sheet[row_no]}
    merged_in_row = [
        (m.min_col, m.max_col)
        for m in sheet.merged_cells.ranges
        if m.min_row == m.max_row == row_no
    ]
    height = sheet.row_dimensions[row_no].height
    for offset in range(max(len(items), 1)):
        item = items[offset] if items else {}
        target_row = row_no + offset
        values = {f"{group}.{name}": text for name, text in item.items()}
        if "序号" in item:  # the row's number in its table: {{ 序号 }} as well as {{ 拜访.序号 }}
            values["序号"] = item["序号"]
        for column, (text, style) in pattern.items():
            cell = sheet.cell(target_row, column)
            if offset:
                cell._style = copy.copy(style)
            if isinstance(text, str) and "{{" in text:
                if items:
                    _fill_cell(cell, text, values, unknown, in_formulas)
                else:
                    cell.value = None
            elif offset:
                cell.value = text
        if offset and height is not None:
            sheet.row_dimensions[target_row].height = height
        if offset:
            for first_col, last_col in merged_in_row:
                sheet.merge_cells(
                    start_row=target_row,
                    start_column=first_col,
                    end_row=target_row,
                    end_column=last_col,
                )


def _make_room(sheet, row_no: int, extra: int) -> None:
    """Insert `extra` rows under `row_no`; merged cells, row heights and images below move
    down with their rows (openpyxl moves only the cells)."""
    heights = {
        r: dim.height for r, dim in sheet.row_dimensions.items() if r > row_no and dim.height
    }
    below = [m for m in sheet.merged_cells.ranges if m.min_row > row_no]
    for merged in below:
        sheet.merged_cells.remove(merged)
    sheet.insert_rows(row_no + 1, extra)
    for merged in below:
        merged.shift(row_shift=extra)
        sheet.merged_cells.add(merged)
    for r in sorted(heights, reverse=True):
        sheet.row_dimensions[r + extra].height = heights[r]
        sheet.row_dimensions[r].height = None
    for image in getattr(sheet, "_images", []):
        anchor = getattr(image.anchor, "_from", None)
        if anchor is not None and anchor.row >= row_no:  # 0-based: rows below the template
            anchor.row += extra
            to = getattr(image.anchor, "to", None)
            if to is not None:
                to.row += extra


def _extend_references(book, sheet, row_no: int, extra: int) -> None:
    """After `extra` rows were inserted under `row_no`: every reference to a row below moves
    down with it, and a range that ends on the repeated row grows over the new rows — in the
    formulas of every sheet (those of other sheets when they name this one), the print area
    and the defined names."""
    for other in book.worksheets:
        here = other is sheet
        for row in other.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    cell.value = shift_formula(cell.value, sheet.title, here, row_no, extra)
    area = sheet.print_area
    if area:
        sheet.print_area = [
            shift_reference(part, sheet.title, True, row_no, extra) for part in area.split(",")
        ]
    names = list(book.defined_names.values()) + list(sheet.defined_names.values())
    for name in names:
        if name.attr_text:
            name.attr_text = ",".join(
                shift_reference(part, sheet.title, False, row_no, extra)
                for part in name.attr_text.split(",")
            )


def shift_formula(formula: str, sheet_name: str, on_sheet: bool, row_no: int, extra: int) -> str:
    """A formula after `extra` rows were inserted under `row_no` of `sheet_name`; `on_sheet`
    says whether the formula is on that sheet (where a reference without a sheet is to it)."""
    from openpyxl.formula.tokenizer import Token, Tokenizer

    try:
        tokens = Tokenizer(formula)
    except Exception:  # a formula openpyxl cannot read is left as the company wrote it
        return formula
    changed = False
    for token in tokens.items:
        if token.type == Token.OPERAND and token.subtype == Token.RANGE:
            moved = shift_reference(token.value, sheet_name, on_sheet, row_no, extra)
            if moved != token.value:
                token.value, changed = moved, True
    return tokens.render() if changed else formula


def shift_reference(ref: str, sheet_name: str, on_sheet: bool, row_no: int, extra: int) -> str:
    """One reference (B10, $B$10:$B$10, '报表'!A1:H30, 10:12) moved for the rows inserted."""
    match = _REFERENCE.match(ref.strip())
    if not match or not (match.group("first") or match.group("last")):
        return ref  # a name, a number, an error: not a reference
    prefix = match.group("sheet")
    if prefix:
        named = prefix[:-1]
        if named.startswith("'"):
            named = named[1:-1].replace("''", "'")
        if named != sheet_name:
            return ref
    elif not on_sheet:
        return ref
    first, last = match.group("first"), match.group("last")
    first_row, last_row = _row_of(first), _row_of(last) if last else None
    if first_row is None and last is None:
        return ref  # a name that looks like letters only
    new_first = _moved(first, first_row, first_row is not None and first_row > row_no, extra)
    if last is None:
        return (prefix or "") + new_first
    grows = last_row is not None and (
        last_row > row_no or (last_row == row_no and (first_row or 0) <= row_no)
    )
    new_last = _moved(last, last_row, grows, extra)
    return f"{prefix or ''}{new_first}:{new_last}"


def _row_of(part: str | None) -> int | None:
    match = _CELL.match(part or "")
    return int(match.group(3)) if match and match.group(3) else None


def _moved(part: str, row: int | None, moves: bool, extra: int) -> str:
    if not moves or row is None:
        return part
    match = _CELL.match(part)
    return f"{match.group(1)}{match.group(2)}{row + extra}"
