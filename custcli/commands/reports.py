"""Excel out: `cust export`, `cust report monthly` and `cust report weekly`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from custcli import render
from custcli.commands.options import District, Manager, Status, Tier, card_filters
from custcli.errors import BadInput
from custcli.i18n import _noop, tr
from custcli.session import Session

report_app = typer.Typer(
    add_completion=False, help="Reports for the department.", no_args_is_help=True
)


def export(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="customers, visits, orders or complaints.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The file to write.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="xlsx or csv (default: from the file's suffix).")
    ] = None,
    district: District = None,
    tier: Tier = None,
    format_: Annotated[
        str | None,
        typer.Option("--shop-format", help="Only this format (convenience store, grocery…)."),
    ] = None,
    status: Status = None,
    manager: Manager = None,
    month: Annotated[
        str | None,
        typer.Option(help="Only this month's visits, orders or complaints: 2026-10, 10月, 上月…"),
    ] = None,
    redact: Annotated[
        bool, typer.Option("--redact", help="Mask phones (138****5678) and licence numbers.")
    ] = False,
) -> None:
    """Write customers, visits, orders or complaints to a workbook or CSV (mode 0600).

    Headers are the field labels (Chinese by default, --lang en), so an exported roster
    imports back unchanged."""
    from custcli.domain.export import export as write

    session: Session = ctx.obj
    filters = card_filters(district, tier, format_, status, manager)
    count = write(
        session.conn, kind, output, fmt, filters, session.month(month), redact, session.lang
    )
    render.line(tr("wrote {count} rows to {file}", count=count, file=output))


Output = Annotated[
    Path | None,
    typer.Option("-o", "--output", help="The workbook to write (without it the summary prints)."),
]
Template = Annotated[
    Path | None,
    typer.Option(
        "--template",
        help="Fill this company template (.xlsx with {{ placeholders }}) instead; "
        "`cust report placeholders` lists them.",
    ),
]
Company = Annotated[
    str | None, typer.Option(help="The company or department the title block names.")
]
SummaryJson = Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]


@report_app.command("monthly")
def monthly(
    ctx: typer.Context,
    month: Annotated[str, typer.Option(help="A month: 2026-10, 10月, 2026年10月, 本月 or 上月.")],
    manager: Manager = None,
    district: District = None,
    output: Output = None,
    template: Template = None,
    company: Company = None,
    as_json: SummaryJson = False,
) -> None:
    """The monthly visit report: summary, visit details, not visited, customers and charts."""
    from custcli.domain import report

    session: Session = ctx.obj
    month = session.month(month)
    if template is not None and output is None:
        raise BadInput("--template needs -o, the workbook to write")
    data = report.monthly(session.conn, month, session.today, district, manager)
    _hand_in(session, data, output, template, company, as_json, weekly=False)


@report_app.command("weekly")
def weekly(
    ctx: typer.Context,
    week: Annotated[
        str | None,
        typer.Option(help="A week: 本周 (the default), 上周, 2026-W48, or a day in it."),
    ] = None,
    manager: Manager = None,
    district: District = None,
    output: Output = None,
    template: Template = None,
    company: Company = None,
    as_json: SummaryJson = False,
) -> None:
    """The week for the 周例会: its visits and what they found, shops due and not visited,
    promises falling due the week after, complaints open."""
    from custcli.domain import report
    from custcli.domain.dates import week_typed

    session: Session = ctx.obj
    if template is not None and output is None:
        raise BadInput("--template needs -o, the workbook to write")
    monday = week_typed(week, session.today)
    data = report.weekly(session.conn, monday, session.today, district, manager)
    _hand_in(session, data, output, template, company, as_json, weekly=True)


def _hand_in(session: Session, data: dict, output, template, company, as_json, weekly) -> None:
    """A report written (the built-in workbook, or the company's template filled), or its
    summary printed."""
    from custcli.present import report_book as shown

    title = shown.layout.report_title(data["summary"])
    if template is not None:
        filled = shown.fill_template(template, output, data, company, session.today)
        shown.filled(title, output, filled)
    elif output is not None:
        write = shown.write_weekly if weekly else shown.write_report
        write(output, data, company, session.today)
        render.line(tr("wrote {title} to {file}", title=title, file=output))
    elif as_json:
        render.emit_json(data["summary"])
    else:
        shown.summary(data)


@report_app.command("placeholders")
def placeholders(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False):
    """The placeholders a company template may hold, and what each is filled with."""
    from custcli.present import report_layout as layout

    render.rows(
        layout.placeholder_catalogue(),
        [
            ("placeholder", _noop("placeholder")),
            ("english", _noop("in English")),
            ("holds", _noop("holds")),
        ],
        as_json,
    )
