"""`cust supply`: the company's supply allowances — imported from its sheet, listed for a
period and a tier."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from custcli.commands.options import AsOf, JsonOption
from custcli.domain import supply as domain
from custcli.errors import BadInput
from custcli.present import supply as shown
from custcli.session import Session

app = typer.Typer(
    add_completion=False,
    help="The company's supply: what a shop of each tier may order this week or month.",
    invoke_without_command=True,
)


@app.callback()
def supply(
    ctx: typer.Context,
    week: Annotated[bool, typer.Option("--week", help="This week's allowances.")] = False,
    month: Annotated[bool, typer.Option("--month", help="This month's allowances.")] = False,
    tier: Annotated[int | None, typer.Option(min=1, max=30, help="Only this tier.")] = None,
    as_of: AsOf = None,
    as_json: JsonOption = False,
) -> None:
    """The allowances of the period under way (the week's if a week's sheet was imported,
    else the month's), scarce brands first."""
    if ctx.invoked_subcommand is not None:
        return
    if week and month:
        raise BadInput("--week or --month, not both")
    session: Session = ctx.obj
    period = "week" if week else "month" if month else None
    found = domain.current(session.conn, session.day(as_of), period, tier)
    shown.listing(found, as_json)


@app.command("import")
def supply_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The supply sheet (货源投放表), long or wide.")],
    period: Annotated[
        str | None,
        typer.Option(help="week or month (default: the sheet's 周期 column, title or name)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and count; write nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import the company's supply sheet: brands down and tiers across (30档, D30, 26-30档…),
    or a row a brand and tier range. `cust imports undo ID` takes it back."""
    from custcli.kinds.fields import PERIOD

    session: Session = ctx.obj
    try:
        said = PERIOD.parse(period) if period else None
    except ValueError:
        raise BadInput("--period is week or month (周 or 月)") from None
    result = domain.load(session.conn, file, session.today, said, dry_run)
    shown.loaded(result, as_json)
