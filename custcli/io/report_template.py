"""A company's own report template, filled in: its look kept (styles, merged cells, widths,
images, formulas elsewhere), its {{ placeholders }} replaced.

- `{{ 名称 }}` anywhere in a cell's text is replaced by that value (custcli.report_layout
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

from custcli.errors import BadInput
from custcli.io.writers import atomic_path

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")


def fill(
    template: Path,
    target: Path,
    values: dict[str, str],
    groups: dict[str, list[dict[str, str]]],
) -> list[str]:
    """Write the filled template to target; return the placeholders nobody knew."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(template)
    except FileNotFoundError:
        raise BadInput("{file}: no such file", file=template) from None
    except Exception:  # openpyxl's many errors for a file that is not an xlsx
        raise BadInput(
            "{file} is not an .xlsx template openpyxl can open; save it as .xlsx", file=template
        ) from None
    unknown: set[str] = set()
    for sheet in book.worksheets:
        for row_no, group in reversed(_row_templates(sheet, groups)):
            _repeat_row(sheet, row_no, group, groups[group], unknown)
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "{{" in cell.value:
                    cell.value = _replace(cell.value, values, unknown)
    with atomic_path(target) as temp:
        book.save(temp)
    return sorted(unknown)


def _replace(text: str, values: dict[str, str], unknown: set[str]) -> str:
    def one(match: re.Match) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
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


def _repeat_row(sheet, row_no: int, group: str, items: list[dict], unknown: set[str]) -> None:
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
                cell.value = _replace(text, values, unknown) if items else None
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
