"""The monthly report as a workbook a manager hands in: a first sheet a boss reads in ten
seconds (title block, headline figures with 环比/同比, what needs attention), a sheet per
account manager when there are several, the detail sheets, and charts that say what they
show. Every sheet prints on A4 landscape, one page wide, its header repeated, "第 N 页 /
共 M 页" and the period in the footer. Written with xlsxwriter, atomically (writers)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from custcli import report_layout as layout
from custcli.i18n import _
from custcli.io.writers import _width, atomic_path, private_temp

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
    import xlsxwriter

    month = report["summary"]["month"]
    with atomic_path(target) as temp:
        book = xlsxwriter.Workbook(
            str(temp),
            {
                # Rows go to disk as they are finished: every sheet is written top to
                # bottom, and the charts carry their own data (xlsxwriter cannot read back
                # a streamed sheet to cache it).
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "tmpdir": str(private_temp(temp)),
            },
        )
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
        book.close()
    return Path(target)


class _Formats:
    def __init__(self, book) -> None:
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
        self.label = book.add_format({"bold": True, "font_color": "#595959"})
        self.header = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
        )
        self.section = book.add_format({"bold": True, "font_size": 12, "bottom": 1})
        self.no_data = book.add_format({"align": "right", "font_color": "#808080"})
        self.wrapped = book.add_format({"text_wrap": True, "valign": "top"})
        self._numbers: dict[str, object] = {}

    def number(self, kind: str):
        if kind not in self._numbers:
            spec = {"num_format": NUMBER_FORMATS[kind]} if kind in NUMBER_FORMATS else {}
            self._numbers[kind] = self.book.add_format(spec)
        return self._numbers[kind]


def _print_setup(sheet, month: str, header_row: int | None) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages long as it takes
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    sheet.set_footer(layout.footer(month))
    if header_row is not None:
        sheet.repeat_rows(header_row)


def _write(sheet, formats: _Formats, row: int, col: int, value, kind: str) -> None:
    if value is None or value == "":
        if kind in (layout.RATE, layout.CHANGE, layout.DAYS):
            sheet.write_string(row, col, layout.NO_DATA, formats.no_data)  # no data is not 0
        return
    if isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), formats.number(kind))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, col, value, formats.number(kind))
    else:
        sheet.write_string(row, col, str(value))


def _summary_sheet(book, formats: _Formats, report: dict, company, made_on: dt.date) -> None:
    month = report["summary"]["month"]
    sheet = book.add_worksheet(layout.sheet("summary"))
    row = _headlines(sheet, formats, report, company, made_on)
    row += 2
    sheet.write_string(row, 0, _("Needs attention"), formats.section)
    lines = layout.attention_lines(report) or [_("nothing overdue, slipping or open")]
    for text in lines:
        row += 1
        sheet.merge_range(row, 0, row, 3, text, formats.wrapped)
        if _width(text) > 84:  # two lines in the width of the four columns
            sheet.set_row(row, 30)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 3, 12)
    _print_setup(sheet, month, None)
    sheet.fit_to_pages(1, 1)  # the page a boss reads: all of it on one
    sheet.print_area(0, 0, row, 3)


def _headlines(sheet, formats: _Formats, report: dict, company, made_on: dt.date) -> int:
    """The title block and the headline figures from the top; returns the last row written."""
    sheet.merge_range(0, 0, 0, 3, layout.title(report["summary"]["month"]), formats.title)
    sheet.set_row(0, 28)
    row = 2
    for label, value in layout.scope_lines(report, company, made_on):
        sheet.write_string(row, 0, label, formats.label)
        sheet.write_string(row, 1, value)
        row += 1
    row += 1
    sheet.write_string(row, 0, _("Headline figures"), formats.section)
    row += 1
    sheet.write_row(row, 0, [_("item"), _("figure")], formats.header)
    for label, value, kind in layout.summary_rows(report):
        row += 1
        sheet.write_string(row, 0, label)
        _write(sheet, formats, row, 1, value, kind)
    return row


def _manager_sheet(sheet, formats: _Formats, report: dict, summary: dict, made_on) -> None:
    """One account manager's page of the department's report: their own headline figures,
    with 环比/同比, as their own report would give them."""
    month = report["summary"]["month"]
    row = _headlines(sheet, formats, {**report, "summary": summary}, None, made_on)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 22)
    _print_setup(sheet, month, None)
    sheet.fit_to_pages(1, 1)
    sheet.print_area(0, 0, row, 3)


def _table(book, formats, month: str, name: str, columns, rows: list[dict]) -> None:
    sheet = book.add_worksheet(layout.sheet(name))
    labels = [_(c.label) for c in columns]
    sheet.write_row(0, 0, labels, formats.header)
    widths = [_width(label) for label in labels]
    writers = [_column_writer(sheet, formats, column.kind) for column in columns]
    count = 0
    for count, values in enumerate(layout.detail_rows(rows, columns), 1):
        for col, value in enumerate(values):
            writers[col](count, col, value)
        if count <= 500:  # widths from the first rows: the rest are written, not measured
            for col, (column, value) in enumerate(zip(columns, values, strict=True)):
                if value is not None:
                    shown = (
                        value if not isinstance(value, float) else layout.shown(value, column.kind)
                    )
                    widths[col] = max(widths[col], _width(shown))
    for col, (column, width) in enumerate(zip(columns, widths, strict=True)):
        floor = 12 if column.kind in (layout.MONEY, layout.DATE) else 6
        sheet.set_column(col, col, min(max(width + 2, floor), 50))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    _print_setup(sheet, month, 0)


def _column_writer(sheet, formats: _Formats, kind: str):
    """The one function that writes a column's cells, its format chosen once: a detail
    sheet's million cells pay for a call, not for a lookup and a dispatch each."""
    number_format = formats.number(kind)
    blank = kind in (layout.RATE, layout.CHANGE, layout.DAYS)
    write_number, write_string = sheet.write_number, sheet.write_string

    def write(row: int, col: int, value) -> None:
        if value is None or value == "":
            if blank:
                write_string(row, col, layout.NO_DATA, formats.no_data)  # no data is not 0
        elif value.__class__ is float or value.__class__ is int:
            write_number(row, col, value, number_format)
        elif value.__class__ is str:
            write_string(row, col, value)
        else:
            _write(sheet, formats, row, col, value, kind)

    return write


def _charts(book, formats: _Formats, report: dict) -> None:
    month = report["summary"]["month"]
    name = layout.sheet("charts")
    sheet = book.add_worksheet(name)
    sheet.write_row(0, 0, [_("week / price class"), _("visits / cartons")], formats.header)
    rows = layout.chart_rows(report)
    for row, values in enumerate(rows, 1):
        sheet.write_row(row, 0, values)
    sheet.set_column(0, 1, 16)
    weeks, classes = len(report["visits_by_week"]), len(report["volume_by_class"])
    specs = [
        ("column", _("visits a week"), 1, weeks, "D2", _("week"), _("visits")),
        ("pie", _("cartons by price class"), 1 + weeks, classes, "D20", None, None),
    ]
    for kind, title, first, count, at, x_name, y_name in specs:
        if not count:
            continue
        chart = book.add_chart({"type": kind})
        shown = rows[first - 1 : first - 1 + count]
        chart.add_series(
            {
                "name": title,
                "categories": [name, first, 0, first + count - 1, 0],
                "values": [name, first, 1, first + count - 1, 1],
                "categories_data": [label for label, _value in shown],
                "values_data": [value for _label, value in shown],
            }
        )
        chart.set_title({"name": title})
        if x_name:
            chart.set_x_axis({"name": x_name})
            chart.set_y_axis({"name": y_name})
            chart.set_legend({"none": True})
        sheet.insert_chart(at, chart)
    _print_setup(sheet, month, None)
