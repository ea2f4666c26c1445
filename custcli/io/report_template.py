"""A company's own report template, filled in: its look kept (styles, merged cells, widths,
images, formulas elsewhere), its {{ placeholders }} replaced.

- `{{ 名称 }}` anywhere in a cell's text is replaced by that value (custcli.present.report_layout
  lists them: `cust report placeholders`);
- a row whose cells hold `{{ 拜访.字段 }}` is repeated once per visit of the month, and one
  holding `{{ 未访.字段 }}` once per shop due and not visited; the rows below move down, their
  merged cells, heights and images with them;
- a placeholder nobody knows is left as it is, and named in the warning the run returns.

openpyxl edits the workbook in place (xltpl and jinja2 were looked at: they fill the same
placeholders but own the layout rules; a template here is the company's, not ours).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import NamedTuple

from custcli.errors import BadInput
from custcli.io.writers import atomic_path

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
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
            _repeat_row(sheet, row_no, group, groups[group], unknown, in_formulas)
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
    pattern = {cell.column: (cell.value, copy.copy(cell._style)) for cell in sheet[row_no]}
    height = sheet.row_dimensions[row_no].height
    for offset in range(max(len(items), 1)):
        item = items[offset] if items else {}
        target_row = row_no + offset
        values = {f"{group}.{name}": text for name, text in item.items()}
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
