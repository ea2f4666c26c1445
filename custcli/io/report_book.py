"""The monthly report as a workbook a manager hands in: a first sheet a boss reads in ten
seconds (title block, headline figures with 环比/同比, what needs attention), a sheet per
account manager when there are several, the detail sheets, and charts that say what they
show. Every sheet prints on A4 landscape, one page wide, its header repeated, "第 N 页 /
共 M 页" and the period in the footer. Written as every workbook is (custcli.io.writers):
atomically, its detail sheets streamed a row at a call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from custcli.i18n import _
from custcli.io.writers import (
    _width,
    atomic_path,
    cell,
    cells,
    close_book,
    open_book,
    print_setup,
)
from custcli.present import report_layout as layout

NUMBER_FORMATS = {
    layout.COUNT: "#,##0",
    layout.CARTONS: "#,##0",
    layout.MONEY: "#,##0.00",
    layout.DAYS: "0.0",
    layout.RATE: "0.0%",
    layout.CHANGE: "+0.0%;-0.0%;0.0%",
    layout.DATE: "yyyy-mm-dd",
}


def write(target: Path, report: dict, company: str | None, made_on: dt.date) -> Path:
    month = report["summary"]["month"]
    with atomic_path(target) as temp:
        # The detail sheets go to disk as their rows are finished, top to bottom; the
        # summary, managers' and chart sheets are small and kept whole (a chart's data is
        # read from its sheet when the book is closed).
        book = open_book(temp)
        formats = _Formats(book)
        _summary_sheet(book, formats, report, company, made_on)
        if report["managers"]:
            _table(book, formats, month, "managers", layout.MANAGERS, report["managers"])
            taken = {layout.sheet(name) for name in layout.SHEETS}
            for summary in report["managers"]:
                name = layout.manager_sheet(summary["manager"], taken)
                _manager_sheet(book.add_worksheet(name), formats, report, summary, made_on)
        _table(book, formats, month, "visits", layout.visit_columns(), report["visits"])
        _table(book, formats, month, "not_visited", layout.NOT_VISITED, report["not_visited"])
        _table(book, formats, month, "customers", layout.CUSTOMERS, report["customers"])
        _charts(book, formats, report)
        close_book(book, target)
    return Path(target)


class _Formats:
    def __init__(self, book) -> None:
        self.book = book
        self.title = book.add_format().set_bold().set_font_size(16).set_align("center")
        self.label = book.add_format().set_bold().set_font_color("#595959")
        self.header = (
            book.add_format()
            .set_bold()
            .set_background_color("#DDEBF7")
            .set_border("thin")
            .set_text_wrap()
        )
        self.section = book.add_format().set_bold().set_font_size(12).set_bottom_border("thin")
        self.no_data = book.add_format().set_align("right").set_font_color("#808080")
        self.wrapped = book.add_format().set_text_wrap().set_vertical_align("top")
        self._numbers: dict[str, object] = {}

    def number(self, kind: str):
        if kind not in self._numbers:
            number = self.book.add_format()
            if kind in NUMBER_FORMATS:
                number.set_num_format(NUMBER_FORMATS[kind])
            self._numbers[kind] = number
        return self._numbers[kind]


def _print_setup(sheet, month: str, header_row: int | None, pages_tall: int = 0) -> None:
    """Every workbook's print setup, with the report's margins and its footer."""
    print_setup(sheet, pages_tall, header_row)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    sheet.set_footer(layout.footer(month))


# Columns where a missing figure says so: no data is not 0.
_NO_DATA_KINDS = (layout.RATE, layout.CHANGE, layout.DAYS)


def _write(sheet, formats: _Formats, row: int, col: int, value, kind: str) -> None:
    value = cell(value)
    if value is None:
        if kind in _NO_DATA_KINDS:
            sheet.write(row, col, layout.NO_DATA, formats.no_data)  # no data is not 0
    elif value.__class__ is str:
        sheet.write(row, col, value)
    else:  # a number or a day, in the column's format
        sheet.write(row, col, value, formats.number(kind))


def _summary_sheet(book, formats: _Formats, report: dict, company, made_on: dt.date) -> None:
    month = report["summary"]["month"]
    sheet = book.add_worksheet(layout.sheet("summary"))
    row = _headlines(sheet, formats, report, company, made_on)
    row += 2
    sheet.write(row, 0, _("Needs attention"), formats.section)
    lines = layout.attention_lines(report) or [_("nothing overdue, slipping or open")]
    for text in lines:
        row += 1
        sheet.merge_range(row, 0, row, 3, text, formats.wrapped)
        if _width(text) > 84:  # two lines in the width of the four columns
            sheet.set_row_height(row, 30)
    for col, width in enumerate((34, 22, 12, 12)):
        sheet.set_column_width(col, width)
    _print_setup(sheet, month, None, pages_tall=1)  # the page a boss reads: all of it on one
    sheet.set_print_area(0, 0, row, 3)


def _headlines(sheet, formats: _Formats, report: dict, company, made_on: dt.date) -> int:
    """The title block and the headline figures from the top; returns the last row written."""
    sheet.merge_range(0, 0, 0, 3, layout.title(report["summary"]["month"]), formats.title)
    sheet.set_row_height(0, 28)
    row = 2
    for label, value in layout.scope_lines(report, company, made_on):
        sheet.write(row, 0, str(label), formats.label)
        sheet.write(row, 1, str(value))
        row += 1
    row += 1
    sheet.write(row, 0, _("Headline figures"), formats.section)
    row += 1
    sheet.write_row(row, 0, [_("item"), _("figure")], formats.header)
    for label, value, kind in layout.summary_rows(report):
        row += 1
        sheet.write(row, 0, str(label))
        _write(sheet, formats, row, 1, value, kind)
    return row


def _manager_sheet(sheet, formats: _Formats, report: dict, summary: dict, made_on) -> None:
    """One account manager's page of the department's report: their own headline figures,
    with 环比/同比, as their own report would give them."""
    month = report["summary"]["month"]
    row = _headlines(sheet, formats, {**report, "summary": summary}, None, made_on)
    sheet.set_column_width(0, 34)
    sheet.set_column_width(1, 22)
    _print_setup(sheet, month, None, pages_tall=1)
    sheet.set_print_area(0, 0, row, 3)


def _table(book, formats, month: str, name: str, columns, rows: list[dict]) -> None:
    """A detail sheet, a row at a call: each number column's format is the column's, so a
    cell carries one only where there is no figure (NO_DATA, which is not 0)."""
    sheet = book.add_worksheet(layout.sheet(name), constant_memory=True)
    labels = [_(c.label) for c in columns]
    sheet.write_row(0, 0, labels, formats.header)
    widths = [_width(label) for label in labels]
    for col, column in enumerate(columns):
        if column.kind in NUMBER_FORMATS:
            sheet.set_column_format(col, formats.number(column.kind))
    blanks = [col for col, c in enumerate(columns) if c.kind in _NO_DATA_KINDS]
    write_row, write = sheet.write_row, sheet.write
    count = 0
    for count, values in enumerate(layout.detail_rows(rows, columns), 1):
        row = cells(values)
        write_row(count, 0, row)
        for col in blanks:
            if row[col] is None:
                write(count, col, layout.NO_DATA, formats.no_data)
        if count <= 500:  # widths from the first rows: the rest are written, not measured
            for col, (column, value) in enumerate(zip(columns, values, strict=True)):
                if value is not None:
                    shown = (
                        value if not isinstance(value, float) else layout.shown(value, column.kind)
                    )
                    widths[col] = max(widths[col], _width(shown))
    for col, (column, width) in enumerate(zip(columns, widths, strict=True)):
        floor = 12 if column.kind in (layout.MONEY, layout.DATE) else 6
        sheet.set_column_width(col, min(max(width + 2, floor), 50))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    _print_setup(sheet, month, 0)


def _charts(book, formats: _Formats, report: dict) -> None:
    month = report["summary"]["month"]
    name = layout.sheet("charts")
    sheet = book.add_worksheet(name)
    sheet.write_row(0, 0, [_("week / price class"), _("visits / cartons")], formats.header)
    rows = layout.chart_rows(report)
    for row, values in enumerate(rows, 1):
        sheet.write_row(row, 0, cells(values))
    sheet.set_column_width(0, 16)
    sheet.set_column_width(1, 16)
    weeks, classes = len(report["visits_by_week"]), len(report["volume_by_class"])
    specs = [
        ("column", _("visits a week"), 1, weeks, (1, 3), _("week"), _("visits")),  # at D2
        ("pie", _("cartons by price class"), 1 + weeks, classes, (19, 3), None, None),  # D20
    ]
    from rvgsrust_xlsxwriter import Chart, ChartSeries

    quoted = "'{}'".format(name.replace("'", "''"))
    for kind, title, first, count, (at_row, at_col), x_name, y_name in specs:
        if not count:
            continue
        series = ChartSeries()
        series.set_name(title)
        series.set_categories(f"{quoted}!$A${first + 1}:$A${first + count}")
        series.set_values(f"{quoted}!$B${first + 1}:$B${first + count}")
        chart = Chart(kind)
        chart.push_series(series)
        chart.set_title_name(title)
        if x_name:
            chart.set_x_axis_name(x_name)
            chart.set_y_axis_name(y_name)
            chart.set_legend_hidden()
        sheet.insert_chart(at_row, at_col, chart)
    _print_setup(sheet, month, None)
