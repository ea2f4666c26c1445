"""The field day: `cust route` plans and keeps the day's visits, `cust route close` records
the day in one line, `cust pack` puts the route on the phone (HTML, A4, calendar)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from custcli import render
from custcli.commands.options import DateOption, District, JsonOption, Manager, Ref
from custcli.domain import route as domain
from custcli.errors import BadInput, NotFound
from custcli.i18n import _noop, tr
from custcli.present import route as shown
from custcli.scope import Scope
from custcli.session import Session

route_app = typer.Typer(
    add_completion=False,
    help="The day's visit route: plan it (cust route --date 明天), show, add, drop, close.",
    invoke_without_command=True,
)


def _day(session: Session, date: str | None, default: str = "今天"):
    return session.day(date or default)


@route_app.callback()
def route(
    ctx: typer.Context,
    date: DateOption = None,
    most: Annotated[
        int, typer.Option("--max", min=1, max=200, help="At most this many stops.")
    ] = domain.MOST,
    week: Annotated[
        bool,
        typer.Option("--week", help="A route for each working day to Saturday, no shop twice."),
    ] = False,
    district: District = None,
    manager: Manager = None,
    as_json: JsonOption = False,
) -> None:
    """Plan the day's route and keep it: the shops overdue and due, those ordering the next
    day, promises and complaints falling due, the day's birthdays, each with why; grouped by
    配送线路 (or 片区) and ordered as a walk (by 经纬度 where the cards have them, else by street
    and house number). Planning a day again replaces its open plan."""
    if ctx.invoked_subcommand is not None:
        return
    session: Session = ctx.obj
    scope = Scope(district, manager)
    if week:
        shown.week(domain.plan_week(session.conn, _day(session, date), scope, most), as_json)
        return
    stops = domain.plan(session.conn, _day(session, date), scope, most)
    shown.route(stops, _day(session, date), as_json)


@route_app.command("show")
def route_show(ctx: typer.Context, date: DateOption = None, as_json: JsonOption = False) -> None:
    """The day's kept route (today's unless --date)."""
    session: Session = ctx.obj
    day = _day(session, date)
    stops = domain.shown(session.conn, day)
    if not stops and not as_json:
        raise NotFound("there is no route for {day}; `cust route` plans one", day=day.isoformat())
    shown.route(stops, day, as_json)


@route_app.command("add")
def route_add(ctx: typer.Context, ref: Ref, date: DateOption = None) -> None:
    """Put a shop at the end of the day's route."""
    _change(ctx.obj, date, ref, domain.add, _noop("{code} {name} is on the route of {day}"))


@route_app.command("drop")
def route_drop(ctx: typer.Context, ref: Ref, date: DateOption = None) -> None:
    """Take a shop off the day's route (the stops after it move up a number)."""
    _change(ctx.obj, date, ref, domain.drop, _noop("{code} {name} is off the route of {day}"))


def _change(session: Session, date: str | None, ref: str, change, said: str) -> None:
    day = _day(session, date)
    customer = change(session.conn, day, ref)
    render.line(tr(said, day=day.isoformat(), **_shop(customer)))


@route_app.command("close")
def route_close(
    ctx: typer.Context,
    outcomes: Annotated[
        list[str],
        typer.Argument(help="The stops by number: 1-9,11 visited; 10=关门 12=电话 …"),
    ],
    date: DateOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record the day in one line from the route's numbers: the stops named alone were
    visited (field visits on the route's day); 10=关门, 10=拒访 or 10=未见到人 is an abnormal
    visit (异常拜访), kept with its reason, which leaves the shop due; 12=电话 a phone call.
    `cust imports undo ID` takes it all back."""
    session: Session = ctx.obj
    result = domain.close(session.conn, _day(session, date), session.today, outcomes)
    shown.closed(result, as_json)


def _shop(customer: dict) -> dict:
    return {"code": customer["code"], "name": customer["name"]}


def pack(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="The file to write.")],
    date: DateOption = None,
    print_: Annotated[
        bool,
        typer.Option("--print", help="An A4 sheet to tick instead (到访/关门/电话/问题/备注)."),
    ] = False,
    ics: Annotated[
        bool, typer.Option("--ics", help="The stops as calendar events instead.")
    ] = False,
) -> None:
    """The day's route as one file to carry: an HTML page for the phone (opened from the
    file, no network, no app: each stop's number, its one-breath card, a tap to call, a map
    link where the card has coordinates); --print an A4 sheet; --ics the phone's calendar."""
    session: Session = ctx.obj
    if print_ and ics:
        raise BadInput("--print or --ics, not both")
    day = _day(session, date, "明天")
    stops = domain.route_cards(session.conn, day, session.today)
    if not stops:
        raise NotFound("there is no route for {day}; `cust route --date {day}` plans one",
                       day=day.isoformat())  # fmt: skip
    written = shown.pack(output, day, stops, "ics" if ics else "print" if print_ else "phone")
    render.line(tr("wrote the route of {day} ({count} stops) to {file}", day=day.isoformat(),
                   count=len(stops), file=written))  # fmt: skip
