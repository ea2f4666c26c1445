"""A workbook as a model, written as it is: what a presenter lays out (custcli.present), io
writes without knowing what it means.

    sheets = [Sheet("汇总", cells=[Cell(0, 0, "2026年10月 客户拜访月报", TITLE, last_col=3)],
                    widths={0: 34}, page=Page(pages_tall=1)),
              Sheet("拜访明细", table=Table(["日期", …], rows, numbers=[DATE_STYLE, …]))]
    write(target, sheets)

A sheet holds placed cells (merged ranges among them), or one table written from its first
row a row at a call (its header repeated on every printed page, frozen and filtered, each
number column in its column's format, widths measured on its first rows), or both a table
and charts that read it. Every sheet prints as its Page says: A4, landscape, one page wide.
Written atomically (custcli.io.writers) by rust_xlsxwriter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from custcli.io.writers import atomic_path, cell, cells, close_book, display_width, open_book


class Style(NamedTuple):
    bold: bool = False
    size: float | None = None
    align: str | None = None  # left, center, right
    valign: str | None = None  # top, center
    color: str | None = None  # the font's, #RRGGBB
    fill: str | None = None  # the background's
    border: str | None = None  # all four sides: thin
    bottom: str | None = None  # the bottom side alone: thin
    wrap: bool = False
    number: str | None = None  # Excel's number format: #,##0.00, 0.0%, yyyy-mm-dd


class Cell(NamedTuple):
    row: int
    col: int
    value: object
    style: Style | None = None
    last_row: int | None = None  # a merged range to (last_row, last_col), when given
    last_col: int | None = None


class Table(NamedTuple):
    """Rows written from the sheet's first row: a header, then the rows as they come."""

    labels: Sequence[str]
    rows: Iterable[Sequence]
    header: Style | None = None
    numbers: Sequence[Style | None] = ()  # each column's number format, by position
    blank: dict[int, tuple[str, Style | None]] | None = None  # what an empty cell says
    floors: Sequence[int] = ()  # each column's narrowest width
    widest: int = 50
    measured: int = 500  # rows whose widths are measured (the rest are written only)
    filtered: bool = True


class Chart(NamedTuple):
    kind: str  # column, pie
    title: str
    first_row: int  # its categories in column A and values in column B, from this row
    count: int
    at: tuple[int, int]
    x_name: str | None = None
    y_name: str | None = None


class Page(NamedTuple):
    landscape: bool = True
    pages_tall: int = 0  # 0: as many as it takes
    repeat_header: bool = True  # a table's header row on every page
    margins: tuple[float, float, float, float, float, float] | None = None
    footer: str | None = None
    print_area: tuple[int, int, int, int] | None = None
    centred: bool = False  # in the middle of the page, left to right
    header: str | None = None  # the printed page's header (a title)
    pages_wide: int = 1  # pages across a wide table is printed on
    repeat_columns: int = 0  # the first columns printed again on every page across


class Sheet(NamedTuple):
    name: str
    cells: Sequence[Cell] = ()
    table: Table | None = None
    widths: dict[int, float] | None = None
    heights: dict[int, float] | None = None
    charts: Sequence[Chart] = ()
    page: Page = Page()


def write(target: Path, sheets: Iterable[Sheet]) -> Path:
    """Write the sheets to target, atomically; returns the target."""
    with atomic_path(target) as temp:
        book = open_book(temp)
        styles = _Styles(book)
        for sheet in sheets:
            _sheet(book, styles, sheet)
        close_book(book, target)
    return Path(target)


class _Styles:
    """The writer's formats, one per Style."""

    def __init__(self, book) -> None:
        self.book = book
        self.made: dict[Style, object] = {}

    def __call__(self, style: Style | None):
        if style is None:
            return None
        if style not in self.made:
            f = self.book.add_format()
            if style.bold:
                f = f.set_bold()
            if style.size:
                f = f.set_font_size(style.size)
            if style.align:
                f = f.set_align(style.align)
            if style.valign:
                f = f.set_vertical_align(style.valign)
            if style.color:
                f = f.set_font_color(style.color)
            if style.fill:
                f = f.set_background_color(style.fill)
            if style.border:
                f = f.set_border(style.border)
            if style.bottom:
                f = f.set_bottom_border(style.bottom)
            if style.wrap:
                f = f.set_text_wrap()
            if style.number:
                f = f.set_num_format(style.number)
            self.made[style] = f
        return self.made[style]


def _sheet(book, styles: _Styles, sheet: Sheet) -> None:
    ws = book.add_worksheet(sheet.name[:31], constant_memory=sheet.table is not None)
    last_row = 0
    if sheet.table is not None:
        last_row = _table(ws, styles, sheet.table, sheet.widths)
    for c in sheet.cells:
        value, style = cell(c.value), styles(c.style)
        if c.last_row is not None or c.last_col is not None:
            last = (c.last_row if c.last_row is not None else c.row,
                    c.last_col if c.last_col is not None else c.col)  # fmt: skip
            ws.merge_range(c.row, c.col, *last, "" if value is None else value, style)
        elif value is None:
            if style is not None:
                ws.set_cell_format(c.row, c.col, style)
        elif style is None:
            ws.write(c.row, c.col, value)
        else:
            ws.write(c.row, c.col, value, style)
        last_row = max(last_row, c.last_row or c.row)
    if sheet.table is None:
        for col, width in (sheet.widths or {}).items():
            ws.set_column_width(col, width)
    for row, height in (sheet.heights or {}).items():
        ws.set_row_height(row, height)
    _charts(ws, sheet)
    _page(ws, sheet, last_row)


def _table(ws, styles: _Styles, table: Table, fixed: dict[int, float] | None) -> int:
    """The table from the first row; its last row comes back."""
    labels = list(table.labels)
    ws.write_row(0, 0, labels, styles(table.header))
    widths = [display_width(label) for label in labels]
    for col, style in enumerate(table.numbers):
        if style is not None:
            ws.set_column_format(col, styles(style))
    blank = {col: (text, styles(style)) for col, (text, style) in (table.blank or {}).items()}
    write_row, write = ws.write_row, ws.write
    count = 0
    for count, values in enumerate(table.rows, 1):
        row = cells(values)
        write_row(count, 0, row)
        for col, (text, style) in blank.items():
            if row[col] is None:
                write(count, col, text, style)
        if count <= table.measured:
            for col, value in enumerate(row[: len(widths)]):
                if value is not None and value != "":
                    widths[col] = max(widths[col], display_width(_shown(value)))
    floors = list(table.floors) or [0] * len(widths)
    for col, width in enumerate(widths):
        chosen = (fixed or {}).get(col)
        floor = floors[col] if col < len(floors) else 0
        ws.set_column_width(col, chosen or min(max(width + 2, floor), table.widest))
    ws.freeze_panes(1, 0)
    if table.filtered:
        ws.autofilter(0, 0, max(count, 1), max(len(labels) - 1, 0))
    return count


def _shown(value: object) -> object:
    """A value as wide as it shows: a float to two decimals, a day as 2026-12-07."""
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _charts(ws, sheet: Sheet) -> None:
    if not sheet.charts:
        return
    from rvgsrust_xlsxwriter import Chart as XlsxChart
    from rvgsrust_xlsxwriter import ChartSeries

    quoted = "'{}'".format(sheet.name[:31].replace("'", "''"))
    for chart in sheet.charts:
        if not chart.count:
            continue
        first, last = chart.first_row + 1, chart.first_row + chart.count
        series = ChartSeries()
        series.set_name(chart.title)
        series.set_categories(f"{quoted}!$A${first}:$A${last}")
        series.set_values(f"{quoted}!$B${first}:$B${last}")
        made = XlsxChart(chart.kind)
        made.push_series(series)
        made.set_title_name(chart.title)
        if chart.x_name:
            made.set_x_axis_name(chart.x_name)
            made.set_y_axis_name(chart.y_name)
            made.set_legend_hidden()
        ws.insert_chart(*chart.at, made)


def _page(ws, sheet: Sheet, last_row: int) -> None:
    page = sheet.page
    if page.landscape:
        ws.set_landscape()
    ws.set_paper_size(9)  # A4
    ws.set_print_fit_to_pages(page.pages_wide, page.pages_tall)
    if page.repeat_columns:
        ws.set_repeat_columns(0, page.repeat_columns - 1)
    if page.header:
        ws.set_header(page.header)
    if sheet.table is not None and page.repeat_header:
        ws.set_repeat_rows(0, 0)
    if page.margins:
        left, right, top, bottom, header, footer = page.margins
        ws.set_margins(left=left, right=right, top=top, bottom=bottom, header=header,
                       footer=footer)  # fmt: skip
    if page.footer:
        ws.set_footer(page.footer)
    if page.print_area:
        ws.set_print_area(*page.print_area)
    if page.centred:
        ws.set_print_center_horizontally(True)


# A plain table's header, as an export and a rejects file head their columns.
PLAIN_HEADER = Style(bold=True, fill="#DDEBF7", border="thin")


# Columns a printed page holds side by side at a readable size: a wider table is printed
# two pages across, its first columns (the code and the name) repeated on the second.
COLUMNS_A_PAGE = 12


def write_workbook(
    target: Path,
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]],
    title: str | None = None,
    formats: Sequence[str | None] = (),
    footer: str | None = None,
) -> Path:
    """Plain tables, [(sheet name, headers, rows), …]: a bold frozen header row with a
    filter, widths that fit Chinese text, A4 landscape with the header row on every page,
    `title` at the top of each printed page and `footer` (its page numbers) at the foot;
    one page wide, or two with the first two columns repeated when it is wider than a page
    holds. `formats`: each column's Excel number format (0"天" shows a cycle of 14 as 14天
    while the cell stays the number 14)."""
    numbers = [Style(number=f) if f else None for f in formats]
    return write(
        target,
        [
            Sheet(
                name,
                table=Table(headers, rows, PLAIN_HEADER, numbers=numbers, measured=1000, widest=60),
                page=Page(
                    header=f"&C&14{title}" if title else None,
                    footer=footer,
                    pages_wide=1 if len(headers) <= COLUMNS_A_PAGE else 2,
                    repeat_columns=0 if len(headers) <= COLUMNS_A_PAGE else 2,
                ),
            )
            for name, headers, rows in sheets
        ],
    )
