"""The day's work: visit log, due list, morning briefing, follow-ups, complaints, dates, notes."""

from __future__ import annotations

from typing import Annotated

import typer

from custcli import render
from custcli.commands.options import (
    DateOption,
    District,
    JsonOption,
    Limit,
    Manager,
    Ref,
    SectionLimit,
)
from custcli.domain import visits as domain
from custcli.domain.schedule import DUE_RULE
from custcli.i18n import tr
from custcli.kinds.fields import VISIT_KIND
from custcli.kinds.normalize import render_yearday
from custcli.present import day as shown_day
from custcli.present.lists import more, rows_to_show, shown
from custcli.scope import Scope
from custcli.session import Session

KIND_HELP = "实地 (field), 电话 (phone) or 线上 (online, 微信); a field visit when not given."

visit_app = typer.Typer(
    add_completion=False, help="Log, list, edit and remove visits.", no_args_is_help=True
)
followup_app = typer.Typer(
    add_completion=False, help="Promises made on visits.", no_args_is_help=True
)
complaint_app = typer.Typer(
    add_completion=False, help="Complaints and how they were settled.", no_args_is_help=True
)
date_app = typer.Typer(
    add_completion=False,
    help="Dates that matter: anniversaries, lunar birthdays.",
    no_args_is_help=True,
)


@visit_app.command("log")
def visit_log(
    ctx: typer.Context,
    refs: Annotated[
        list[str],
        typer.Argument(
            help="The shop(s): a code, #id or text that finds one; several log the"
            " same visit at each."
        ),
    ],
    date: DateOption = None,
    kind: Annotated[str | None, typer.Option(help=KIND_HELP)] = None,
    note: Annotated[str | None, typer.Option(help="What was done.")] = None,
    found: Annotated[str | None, typer.Option(help="Problems found.")] = None,
    follow_up: Annotated[str | None, typer.Option("--follow-up", help="A promise made.")] = None,
    due: Annotated[str | None, typer.Option(help="When the promise is due.")] = None,
    satisfaction: Annotated[
        int | None, typer.Option(min=1, max=5, help="1 (poor) to 5 (very good).")
    ] = None,
    manager: Annotated[
        str | None, typer.Option(help="Who visited (default: the card's account manager).")
    ] = None,
) -> None:
    """Log a visit to a customer, or the same visit at several (cust visit log A B C)."""
    session: Session = ctx.obj
    visits = domain.log_visits(
        session.conn,
        refs,
        date=session.day(date),
        today=session.today,
        kind=kind,
        note=note,
        found=found,
        follow_up=follow_up,
        due=session.day(due) if due else None,
        satisfaction=satisfaction,
        manager=manager,
    )
    for visit in visits:
        extra = tr("; follow-up #{id}", id=visit["followup_id"]) if visit["followup_id"] else ""
        kind_said = VISIT_KIND.render(visit["kind"], session.lang)
        render.line(
            tr("visit #{id}: ", id=visit["id"])
            + f"{visit['code']} {visit['name']} {visit['date']} {kind_said}{extra}"
        )


@visit_app.command("list")
def visit_list(
    ctx: typer.Context,
    ref: Annotated[str | None, typer.Argument(help="Only this customer.")] = None,
    month: Annotated[
        str | None, typer.Option(help="Only this month: 2026-10, 10月, 本月, 上月…")
    ] = None,
    manager: Annotated[str | None, typer.Option(help="Only this manager's visits.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List visits, newest first."""
    session: Session = ctx.obj
    rows = domain.list_visits(session.conn, ref, session.month(month), manager)
    render.rows(
        rows if as_json else shown_day.kind_words(rows, session.lang),
        shown_day.VISIT_COLUMNS,
        as_json,
    )


@visit_app.command("edit")
def visit_edit(
    ctx: typer.Context,
    visit_id: Annotated[int, typer.Argument(min=1, max=2**62, help="The visit's number.")],
    date: DateOption = None,
    kind: Annotated[str | None, typer.Option(help=KIND_HELP)] = None,
    note: Annotated[str | None, typer.Option()] = None,
    found: Annotated[str | None, typer.Option()] = None,
    satisfaction: Annotated[int | None, typer.Option()] = None,
    manager: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Change a logged visit."""
    session: Session = ctx.obj
    values = {
        "kind": kind,
        "note": note,
        "found": found,
        "satisfaction": satisfaction,
        "manager": manager,
        "date": session.day(date) if date else None,
    }
    visit = domain.edit_visit(
        session.conn, visit_id, {k: v for k, v in values.items() if v is not None}, session.today
    )
    render.line(tr("visit #{id} changed", id=visit["id"]))


@visit_app.command("rm")
def visit_rm(
    ctx: typer.Context,
    visit_id: Annotated[int, typer.Argument(min=1, max=2**62, help="The visit's number.")],
) -> None:
    """Remove a logged visit."""
    session: Session = ctx.obj
    domain.remove_visit(session.conn, visit_id)
    render.line(tr("visit #{id} removed", id=visit_id))


def due(
    ctx: typer.Context,
    date: DateOption = None,
    district: District = None,
    manager: Manager = None,
    limit: Limit = None,
    as_json: JsonOption = False,
) -> None:
    session: Session = ctx.obj
    day = session.day(date)
    ranked = domain.due_ranked(session.conn, day, Scope(district, manager))
    kept, left_out = shown(ranked, limit, as_json)
    render.rows(domain.due_rows(session.conn, kept, day), shown_day.DUE_COLUMNS, as_json)
    if not as_json:
        more(left_out, shops=True)


due.__doc__ = (
    "Shops due or overdue for a field visit, most overdue first, then larger tiers.\n\n" + DUE_RULE
)


def today(
    ctx: typer.Context,
    date: DateOption = None,
    district: District = None,
    manager: Manager = None,
    limit: SectionLimit = None,
    as_json: JsonOption = False,
) -> None:
    """Everything to do today, most urgent first: overdue visits, visits due, follow-ups due,
    complaints waiting, dates coming, shops slipping away."""
    session: Session = ctx.obj
    brief = domain.today_briefing(
        session.conn, session.day(date), Scope(district, manager), rows_to_show(limit, as_json)
    )
    shown_day.today(brief, as_json)


@followup_app.command("list")
def followup_list(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Done ones too.")] = False,
    district: District = None,
    manager: Manager = None,
    as_json: JsonOption = False,
) -> None:
    """Open follow-ups, soonest due first."""
    session: Session = ctx.obj
    rows = domain.followups(session.conn, open_only=not all_, scope=Scope.of(district, manager))
    render.rows(rows, shown_day.FOLLOWUP_COLUMNS, as_json)


@followup_app.command("done")
def followup_done(
    ctx: typer.Context,
    followup_id: Annotated[int, typer.Argument(min=1, max=2**62, help="The follow-up's number.")],
    date: DateOption = None,
) -> None:
    """Mark a follow-up as kept."""
    session: Session = ctx.obj
    done = domain.followup_done(session.conn, followup_id, session.day(date))
    render.line(tr("follow-up #{id} done on {day}", id=followup_id, day=done["done_on"]))


@complaint_app.command("add")
def complaint_add(
    ctx: typer.Context,
    ref: Ref,
    text: Annotated[str, typer.Option(help="What the customer complained about.")],
    kind: Annotated[str, typer.Option(help="货源, 送货, 价格, 服务 or 其他.")] = "其他",
    date: DateOption = None,
) -> None:
    """Record a complaint."""
    session: Session = ctx.obj
    added = domain.complaint_add(session.conn, ref, text, kind, session.day(date))
    render.line(tr("complaint #{id}: ", id=added["id"]) + f"{added['code']} {added['name']}")


@complaint_app.command("list")
def complaint_list(
    ctx: typer.Context,
    open_: Annotated[bool, typer.Option("--open", help="Unresolved only.")] = False,
    district: District = None,
    manager: Manager = None,
    as_json: JsonOption = False,
) -> None:
    """Complaints, oldest first, with the days each took to resolve."""
    session: Session = ctx.obj
    rows = domain.complaints(session.conn, open_only=open_, scope=Scope.of(district, manager))
    render.rows(rows, shown_day.COMPLAINT_COLUMNS, as_json)


@complaint_app.command("resolve")
def complaint_resolve(
    ctx: typer.Context,
    complaint_id: Annotated[int, typer.Argument(min=1, max=2**62, help="The complaint's number.")],
    how: Annotated[str, typer.Option(help="How it was settled.")],
    date: DateOption = None,
) -> None:
    """Mark a complaint resolved; the time it took is kept."""
    session: Session = ctx.obj
    done = domain.complaint_resolve(session.conn, complaint_id, how, session.day(date))
    render.line(
        tr(
            "complaint #{id} resolved in {days} days",
            id=complaint_id,
            days=f"{done['days_to_resolve']:.0f}",
        )
    )


@date_app.command("add")
def date_add(
    ctx: typer.Context,
    ref: Ref,
    label: Annotated[str, typer.Argument(help="What the date is, e.g. 开业纪念日.")],
    day: Annotated[str, typer.Argument(help="2015-06-18, 06-18, or 三月初八 with --lunar.")],
    lunar: Annotated[
        bool, typer.Option("--lunar", help="The day is in the lunar calendar.")
    ] = False,
) -> None:
    """Add a date that matters to a customer; lunar days come round on their solar day."""
    session: Session = ctx.obj
    added = domain.add_key_date(session.conn, ref, label, day, lunar)
    day_said = render_yearday(added["day"], session.lang)
    render.line(tr("date #{id}: ", id=added["id"]) + f"{added['code']} {label} {day_said}")


@date_app.command("list")
def date_list(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=0, max=366, help="How far ahead to look.")] = 30,
    date: DateOption = None,
    district: District = None,
    manager: Manager = None,
    as_json: JsonOption = False,
) -> None:
    """Birthdays and other dates coming round in the next days."""
    session: Session = ctx.obj
    scope = Scope.of(district, manager) or Scope()
    rows = domain.upcoming(session.conn, session.day(date), days, scope=scope)
    render.rows(rows if as_json else shown_day.date_words(rows), shown_day.DATE_COLUMNS, as_json)


def note(
    ctx: typer.Context,
    ref: Ref,
    text: Annotated[str, typer.Argument(help="The note: preferences, family, what they like.")],
    date: DateOption = None,
) -> None:
    """Add a dated note to a customer's card."""
    session: Session = ctx.obj
    added = domain.add_note(session.conn, ref, text, session.day(date))
    render.line(tr("note #{id} on ", id=added["id"]) + f"{added['code']} {added['name']}")
