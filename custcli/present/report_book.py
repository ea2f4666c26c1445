"""The monthly report as a workbook a manager hands in, laid out as sheets for io to write:
a first sheet a boss reads in ten seconds (title block, headline figures with 环比/同比, what
needs attention), a sheet per account manager when there are several, the detail sheets,
and charts that say what they show. Every sheet prints on A4 landscape, one page wide, its
header repeated, "第 N 页 / 共 M 页" and the period in the footer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from custcli import render
from custcli.i18n import _, _noop, tr
from custcli.io.book import Cell, Chart, Page, Sheet, Style, Table, write
from custcli.io.writers import display_width
from custcli.kinds import CUSTOMERS, VISITS
from custcli.present import report_layout as layout

NUMBER_FORMATS = layout.NUMBER_FORMATS
TITLE = Style(bold=True, size=16, align="center")
LABEL = Style(bold=True, color="#595959")
HEADER = Style(bold=True, fill="#DDEBF7", border="thin", wrap=True)
SECTION = Style(bold=True, size=12, bottom="thin")
NO_DATA = Style(align="right", color="#808080", border="thin")
BOXED = Style(border="thin")
WRAPPED = Style(wrap=True, valign="top")
# Columns where a missing figure says so: no data is not 0.
_NO_DATA_KINDS = (layout.RATE, layout.CHANGE, layout.DAYS)


def number(kind: str, boxed: bool = False) -> Style | None:
    if kind in NUMBER_FORMATS:
        return Style(number=NUMBER_FORMATS[kind], border="thin" if boxed else None)
    return BOXED if boxed else None


def write_report(target: Path, report: dict, company: str | None, made_on: dt.date) -> Path:
    return write(target, sheets(report, company, made_on))


def fill_template(template: Path, target: Path, report: dict, company: str | None, made_on):
    """A company's own workbook filled with the report (custcli.io.report_template)."""
    from custcli.io.report_template import fill

    return fill(
        template,
        target,
        layout.placeholders(report, company, made_on),
        layout.row_placeholders(report),
    )


def sheets(report: dict, company: str | None, made_on: dt.date) -> list[Sheet]:
    summary = report["summary"]
    made = [_summary_sheet(report, company, made_on)]
    if report["managers"]:
        made.append(_table(summary, "managers", layout.MANAGER_COLUMNS, report["managers"]))
        taken = {layout.sheet(name) for name in layout.SHEETS}
        for summary in report["managers"]:
            name = layout.manager_sheet(summary["manager"], taken)
            made.append(_manager_sheet(name, report, summary, company, made_on))
    made += [
        _table(summary, VISITS.name, layout.visit_columns(), report[VISITS.name]),
        _table(summary, "not_visited", layout.NOT_VISITED_COLUMNS, report["not_visited"]),
        _table(summary, CUSTOMERS.name, layout.customer_columns(), report[CUSTOMERS.name]),
    ]
    charts = _charts(report)
    return made + ([charts] if charts else [])


def weekly_sheets(report: dict, company: str | None, made_on: dt.date) -> list[Sheet]:
    """The week's report for the 周例会: the same first page (figures, what needs attention,
    说明, signatures), then the week's visits, the shops not visited, the promises due the
    week after and the complaints open."""
    summary = report["summary"]
    return [
        _summary_sheet(report, company, made_on),
        _table(summary, VISITS.name, layout.visit_columns(), report[VISITS.name]),
        _table(summary, "not_visited", layout.NOT_VISITED_COLUMNS, report["not_visited"]),
        _table(summary, "followups_due", layout.FOLLOWUP_COLUMNS, report["followups_due"]),
        _table(summary, "complaints_open", layout.COMPLAINT_COLUMNS, report["complaints_open"]),
    ]


def write_weekly(target: Path, report: dict, company: str | None, made_on: dt.date) -> Path:
    return write(target, weekly_sheets(report, company, made_on))


def _page(summary: dict, pages_tall: int = 0, print_area=None, centred: bool = False) -> Page:
    """Every sheet's print setup, with the report's margins and its footer."""
    return Page(
        pages_tall=pages_tall,
        margins=(0.5, 0.5, 0.6, 0.7, 0.3, 0.3),
        footer=layout.footer(summary),
        print_area=print_area,
        centred=centred,
    )


def _figure(row: int, col: int, value, kind: str) -> Cell:
    """A headline figure in its box: no data says so ("—", which is not 0)."""
    if value is None:
        return Cell(row, col, layout.NO_DATA, NO_DATA)
    if isinstance(value, str):
        return Cell(row, col, value, BOXED)
    return Cell(row, col, value, number(kind, boxed=True))  # a number or a day, its format


def _headlines(report: dict, company, made_on: dt.date) -> tuple[list[Cell], int]:
    """The title block and the headline figures from the top, and the last row written."""
    cells = [Cell(0, 0, layout.report_title(report["summary"]), TITLE, last_col=3)]
    row = 2
    for label, value in layout.scope_lines(report, company, made_on):
        cells += [Cell(row, 0, str(label), LABEL), Cell(row, 1, str(value))]
        row += 1
    row += 1
    cells.append(Cell(row, 0, _("Headline figures"), SECTION))
    row += 1
    cells += [Cell(row, 0, _("item"), HEADER), Cell(row, 1, _("figure"), HEADER)]
    for label, value, kind in layout.summary_rows(report):
        row += 1
        cells += [Cell(row, 0, str(label), BOXED), _figure(row, 1, value, kind)]
    return cells, row


def _definitions(row: int) -> tuple[list[Cell], dict[int, float], int]:
    """The 说明 block: what each figure counts, a line each (two where it is long)."""
    cells = [Cell(row, 0, _("What the figures count"), SECTION)]
    heights = {}
    for label, meaning in layout.definitions():
        row += 1
        text = tr("{figure}: {meaning}", figure=label, meaning=meaning)
        cells.append(Cell(row, 0, text, WRAPPED, last_col=3))
        if display_width(text) > 84:
            heights[row] = 15 * (display_width(text) // 84 + 1)
    return cells, heights, row


def _signatures(row: int) -> list[Cell]:
    """制表人、审核人、日期, with room to sign."""
    return [
        Cell(row, col, tr("{who}: ________", who=_(who)), LABEL)
        for col, who in enumerate(layout.SIGNATURES)
    ]


def _summary_sheet(report: dict, company, made_on: dt.date) -> Sheet:
    summary = report["summary"]
    cells, row = _headlines(report, company, made_on)
    row += 2
    cells.append(Cell(row, 0, _("Needs attention"), SECTION))
    heights = {0: 28}
    for text in layout.attention_lines(report) or [_("nothing overdue, slipping or open")]:
        row += 1
        cells.append(Cell(row, 0, text, WRAPPED, last_col=3))
        if display_width(text) > 84:  # two lines in the width of the four columns
            heights[row] = 30
    notes, note_heights, row = _definitions(row + 2)
    cells += notes
    heights.update(note_heights)
    row += 2
    cells += _signatures(row)
    return Sheet(
        layout.sheet("summary"),
        cells=cells,
        widths={0: 34, 1: 22, 2: 22, 3: 12},
        heights=heights,
        # the page a boss reads and signs: all of it on one, in the middle of the page
        page=_page(summary, pages_tall=1, print_area=(0, 0, row, 3), centred=True),
    )


def _manager_sheet(name: str, report: dict, summary: dict, company, made_on) -> Sheet:
    """One account manager's page of the department's report: their own headline figures,
    with 环比/同比, as their own report would give them, under the same title block."""
    cells, row = _headlines({**report, "summary": summary}, company, made_on)
    row += 2
    cells += _signatures(row)
    return Sheet(
        name,
        cells=cells,
        widths={0: 34, 1: 22, 2: 22},
        heights={0: 28},
        page=_page(report["summary"], pages_tall=1, print_area=(0, 0, row, 3), centred=True),
    )


def _table(summary: dict, name: str, columns, rows: list[dict]) -> Sheet:
    """A detail sheet, a row at a call: each number column's format is the column's, so a
    cell carries one only where there is no figure (NO_DATA, which is not 0)."""
    table = Table(
        [_(c.label) for c in columns],
        layout.detail_rows(rows, columns),
        header=HEADER,
        numbers=[number(c.kind) for c in columns],
        blank={
            col: (layout.NO_DATA, NO_DATA)
            for col, c in enumerate(columns)
            if c.kind in _NO_DATA_KINDS
        },
        floors=[12 if c.kind in (layout.MONEY, layout.DATE) else 6 for c in columns],
    )
    return Sheet(layout.sheet(name), table=table, page=_page(summary))


def _charts(report: dict) -> Sheet | None:
    """The charts and the table they draw from; None when there is nothing to draw (no
    visit and no order: no empty page)."""
    summary = report["summary"]
    weeks, classes = len(report["visits_by_week"]), len(report["volume_by_class"])
    if not weeks and not classes:
        return None
    cells = [
        Cell(0, 0, _("week or price class"), HEADER),
        Cell(0, 1, _("visits or cartons"), HEADER),
    ]
    for row, values in enumerate(layout.chart_rows(report), 1):
        cells += [Cell(row, col, value) for col, value in enumerate(values)]
    charts = []
    if weeks:
        charts.append(
            Chart("column", _("visits a week"), 1, weeks, (1, 3), _("week"), _(VISITS.noun_id))
        )  # at D2
    if classes:
        charts.append(Chart("pie", _("cartons by price class"), 1 + weeks, classes, (19, 3)))
    return Sheet(
        layout.sheet("charts"),
        cells=cells,
        widths={0: 16, 1: 16},
        charts=charts,
        page=_page(summary),
    )


def filled(title: str, target: Path, outcome) -> None:
    """What filling a company's template says: where it went, and what it left unfilled."""
    render.line(tr("wrote {title} to {file}", title=title, file=target))
    if outcome.unknown:
        render.error(
            tr(
                "placeholders nobody knows were left as they are: {names}",
                names=", ".join(outcome.unknown),
            )
        )
    if outcome.in_formulas:
        render.error(
            tr(
                "placeholders inside a formula were left as they are (a value is never"
                " written into a formula): {names}; put each in a cell of its own and"
                " point the formula at that cell",
                names=", ".join(outcome.in_formulas),
            )
        )


def summary(report: dict) -> None:
    """The report's figures on a screen, and what needs attention."""
    rows = [
        {"k": label, "v": layout.shown(value, kind)}
        for label, value, kind in layout.summary_rows(report)
    ]
    title = layout.report_title(report["summary"])
    render.table(rows, [("k", _noop("item")), ("v", _noop("figure"))], title=title)
    for text in layout.attention_lines(report):
        render.line(f"! {text}")
