"""The day's work: visit log, due list, morning briefing, follow-ups, complaints, dates, notes."""

from __future__ import annotations

from typing import Annotated

import typer

from custcli import render
from custcli.commands.options import DateOption, District, JsonOption, Manager, Ref
from custcli.domain import visits as domain
from custcli.domain.fields import VISIT_KIND
from custcli.domain.schedule import DUE_RULE
from custcli.domain.scope import Scope
from custcli.session import Session

KIND_HELP = "实地 (field), 电话 (phone) or 线上 (online, 微信); a field visit when not given."

visit_app = typer.Typer(
    add_completion=False, help="Log, list, edit and remove visits.", no_args_is_help=True
)
followup_app = typer.Typer(
    add_completion=False, help="Promises made on visits.", no_args_is_help=True
)
complaint_app = typer.Typer(
    add_completion=False, help="Complaints (投诉) and how they were settled.", no_args_is_help=True
)
date_app = typer.Typer(
    add_completion=False,
    help="Dates that matter: anniversaries, lunar birthdays.",
    no_args_is_help=True,
)


@visit_app.command("log")
def visit_log(
    ctx: typer.Context,
    ref: Ref,
    date: DateOption = None,
    kind: Annotated[str | None, typer.Option(help=KIND_HELP)] = None,
    note: Annotated[str | None, typer.Option(help="What was done.")] = None,
    found: Annotated[str | None, typer.Option(help="Problems found.")] = None,
    follow_up: Annotated[str | None, typer.Option("--follow-up", help="A promise made.")] = None,
    due: Annotated[str | None, typer.Option(help="When the promise is due.")] = None,
    satisfaction: Annotated[int | None, typer.Option(help="1 (poor) to 5 (very good).")] = None,
    manager: Annotated[
        str | None, typer.Option(help="Who visited (default: the card's account manager).")
    ] = None,
) -> None:
    """Log a visit to a customer."""
    session: Session = ctx.obj
    visit = domain.log_visit(
        session.conn,
        ref,
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
    extra = f"; follow-up #{visit['followup_id']}" if visit["followup_id"] else ""
    kind = VISIT_KIND.render(visit["kind"], session.lang)
    render.line(
        f"visit #{visit['id']}: {visit['code']} {visit['name']} {visit['date']} {kind}{extra}"
    )


def _kind_words(rows: list[dict], lang: str) -> list[dict]:
    """Visits for a table: the kind in words, an unknown one with the text it was written as."""
    return [
        {
            **row,
            "kind": VISIT_KIND.render(row["kind"], lang)
            + (f"（{row['kind_text']}）" if row.get("kind_text") else ""),
        }
        for row in rows
    ]


VISIT_COLUMNS = [
    ("id", "#"),
    ("date", "date"),
    ("code", "code"),
    ("name", "store"),
    ("kind", "kind"),
    ("note", "note"),
    ("found", "found"),
    ("satisfaction", "sat."),
    ("manager", "manager"),
]


@visit_app.command("list")
def visit_list(
    ctx: typer.Context,
    ref: Annotated[str | None, typer.Argument(help="Only this customer.")] = None,
    month: Annotated[str | None, typer.Option(help="Only this month, YYYY-MM.")] = None,
    manager: Annotated[str | None, typer.Option(help="Only this manager's visits.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List visits, newest first."""
    session: Session = ctx.obj
    rows = domain.list_visits(session.conn, ref, month, manager)
    render.rows(rows if as_json else _kind_words(rows, session.lang), VISIT_COLUMNS, as_json)


@visit_app.command("edit")
def visit_edit(
    ctx: typer.Context,
    visit_id: Annotated[int, typer.Argument(help="The visit's number.")],
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
    render.line(f"visit #{visit['id']} changed")


@visit_app.command("rm")
def visit_rm(
    ctx: typer.Context, visit_id: Annotated[int, typer.Argument(help="The visit's number.")]
) -> None:
    """Remove a logged visit."""
    session: Session = ctx.obj
    domain.remove_visit(session.conn, visit_id)
    render.line(f"visit #{visit_id} removed")


DUE_COLUMNS = [
    ("code", "code"),
    ("name", "store"),
    ("tier", "tier"),
    ("district", "district"),
    ("last_visit", "last visit"),
    ("due", "due"),
    ("days_overdue", "overdue"),
]


SHOWN_BY_DEFAULT = 20  # rows of each section on a screen; --limit changes it, 0 shows all

Limit = Annotated[
    int | None,
    typer.Option(
        "--limit",
        min=0,
        help=f"At most N rows of each section (0: all; default {SHOWN_BY_DEFAULT}, all in --json).",
    ),
]


def _shown(rows: list[dict], limit: int | None, as_json: bool) -> tuple[list[dict], int]:
    """The rows to show and how many are left out."""
    if limit is None:
        limit = 0 if as_json else SHOWN_BY_DEFAULT
    kept = rows[:limit] if limit else rows
    return kept, len(rows) - len(kept)


def _more(left_out: int) -> None:
    if left_out:
        render.line(f"… and {left_out} more (--limit 0 shows all)")


def due(
    ctx: typer.Context,
    date: DateOption = None,
    district: District = None,
    manager: Manager = None,
    limit: Limit = None,
    as_json: JsonOption = False,
) -> None:
    session: Session = ctx.obj
    rows = domain.due(session.conn, session.day(date), Scope(district, manager))
    shown, left_out = _shown(rows, limit, as_json)
    render.rows(shown, DUE_COLUMNS, as_json)
    if not as_json:
        _more(left_out)


due.__doc__ = (
    "Shops due or overdue for a field visit, most overdue first, then larger tiers.\n\n" + DUE_RULE
)


TODAY_TITLES = {
    "overdue": "overdue visits",
    "due": "visits due today",
    "followups": "follow-ups due",
    "complaints": f"complaints open over {domain.COMPLAINT_STALE_DAYS} days",
    "dates": f"dates in the next {domain.UPCOMING_DAYS} days",
    "churn": "slipping away",
}


def today(
    ctx: typer.Context,
    date: DateOption = None,
    district: District = None,
    manager: Manager = None,
    limit: Limit = None,
    as_json: JsonOption = False,
) -> None:
    """Everything to do today, most urgent first: overdue visits, visits due, follow-ups due,
    complaints waiting, dates coming, shops slipping away."""
    session: Session = ctx.obj
    brief = domain.today_briefing(session.conn, session.day(date), Scope(district, manager))
    counts = {name: len(brief[name]) for name in domain.TODAY_SECTIONS}
    sections = {name: _shown(brief[name], limit, as_json) for name in domain.TODAY_SECTIONS}
    if as_json:
        render.emit_json(
            {"date": brief["date"], "counts": counts, **{k: v[0] for k, v in sections.items()}}
        )
        return
    render.line(
        f"{brief['date']}: "
        + ", ".join(f"{counts[name]} {TODAY_TITLES[name]}" for name in domain.TODAY_SECTIONS)
    )
    join = "；" if session.lang == "zh" else "; "
    columns = {
        "overdue": DUE_COLUMNS,
        "due": DUE_COLUMNS,
        "followups": FOLLOWUP_COLUMNS,
        "complaints": COMPLAINT_COLUMNS,
        "dates": DATE_COLUMNS,
        "churn": [("code", "code"), ("name", "store"), ("why", "why")],
    }
    for name in domain.TODAY_SECTIONS:
        rows, left_out = sections[name]
        if not rows:
            continue
        if name == "churn":
            rows = [
                {**w, "why": join.join(render.said(r, session.lang) for r in w["reasons"])}
                for w in rows
            ]
        render.table(rows, columns[name], title=TODAY_TITLES[name])
        _more(left_out)


DATE_COLUMNS = [
    ("date", "date"),
    ("code", "code"),
    ("name", "store"),
    ("label", "what"),
    ("day", "day"),
]
FOLLOWUP_COLUMNS = [
    ("id", "#"),
    ("due", "due"),
    ("code", "code"),
    ("name", "store"),
    ("text", "promise"),
    ("done_on", "done"),
]


@followup_app.command("list")
def followup_list(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Done ones too.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Open follow-ups, soonest due first."""
    session: Session = ctx.obj
    rows = domain.followups(session.conn, open_only=not all_)
    render.rows(rows, FOLLOWUP_COLUMNS, as_json)


@followup_app.command("done")
def followup_done(
    ctx: typer.Context,
    followup_id: Annotated[int, typer.Argument(help="The follow-up's number.")],
    date: DateOption = None,
) -> None:
    """Mark a follow-up as kept."""
    session: Session = ctx.obj
    done = domain.followup_done(session.conn, followup_id, session.day(date))
    render.line(f"follow-up #{followup_id} done on {done['done_on']}")


COMPLAINT_COLUMNS = [
    ("id", "#"),
    ("opened_on", "opened"),
    ("code", "code"),
    ("name", "store"),
    ("kind", "kind"),
    ("text", "complaint"),
    ("resolved_on", "resolved"),
    ("resolution", "how"),
]


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
    render.line(f"complaint #{added['id']}: {added['code']} {added['name']}")


@complaint_app.command("list")
def complaint_list(
    ctx: typer.Context,
    open_: Annotated[bool, typer.Option("--open", help="Unresolved only.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Complaints, oldest first, with the days each took to resolve."""
    session: Session = ctx.obj
    rows = domain.complaints(session.conn, open_only=open_)
    render.rows(rows, COMPLAINT_COLUMNS, as_json)


@complaint_app.command("resolve")
def complaint_resolve(
    ctx: typer.Context,
    complaint_id: Annotated[int, typer.Argument(help="The complaint's number.")],
    how: Annotated[str, typer.Option(help="How it was settled.")],
    date: DateOption = None,
) -> None:
    """Mark a complaint resolved; the time it took is kept."""
    session: Session = ctx.obj
    done = domain.complaint_resolve(session.conn, complaint_id, how, session.day(date))
    render.line(f"complaint #{complaint_id} resolved in {done['days_to_resolve']:.0f} days")


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
    render.line(f"date #{added['id']}: {added['code']} {label} {added['day']}")


@date_app.command("list")
def date_list(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(help="How far ahead to look.")] = 30,
    date: DateOption = None,
    as_json: JsonOption = False,
) -> None:
    """Birthdays and other dates coming round in the next days."""
    session: Session = ctx.obj
    rows = domain.upcoming(session.conn, session.day(date), days)
    render.rows(rows, DATE_COLUMNS, as_json)


def note(
    ctx: typer.Context,
    ref: Ref,
    text: Annotated[str, typer.Argument(help="The note: preferences, family, what they like.")],
    date: DateOption = None,
) -> None:
    """Add a dated note to a customer's card."""
    session: Session = ctx.obj
    added = domain.add_note(session.conn, ref, text, session.day(date))
    render.line(f"note #{added['id']} on {added['code']} {added['name']}")
