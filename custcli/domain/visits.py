"""The day's work: visits, follow-ups, complaints, notes and the dates that matter."""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from typing import Any

from custcli.db import rows
from custcli.db import visits as q
from custcli.db.engine import write_transaction
from custcli.domain import schedule
from custcli.domain.churn import orders_day, warnings
from custcli.domain.customers import resolve
from custcli.domain.dates import next_occurrence, year_less
from custcli.errors import BadInput, NotFound
from custcli.i18n import _noop
from custcli.kinds import COMPLAINTS, FOLLOWUPS, KEY_DATES, NOTES, VISITS
from custcli.kinds.fields import VISIT_KIND
from custcli.kinds.normalize import parse_satisfaction, parse_yearday
from custcli.months import parse_month
from custcli.scope import Scope
from custcli.trade import COMPLAINT_KINDS

UPCOMING_DAYS = 7
COMPLAINT_STALE_DAYS = 3


def _check_choice(value: str, choices: tuple[str, ...], option: str) -> str:
    if value not in choices:
        raise BadInput("{option} is one of {value}", option=option, value=", ".join(choices))
    return value


def _visit_kind(value: str | None) -> str:
    """A kind as typed (实地, 电话, 微信, field…) to its code; a field visit when not given."""
    try:
        return VISIT_KIND.parse(value) or schedule.FIELD_VISIT
    except ValueError as error:
        raise BadInput("--kind: {error}", error=error) from None


def _visit_date(date: dt.date, today: dt.date) -> str:
    if date > today:
        raise BadInput(
            "a visit cannot be dated after today; a promise for later is --follow-up TEXT --due DAY"
        )
    return date.isoformat()


def _satisfaction(value: int | str | None) -> int | None:
    try:
        return parse_satisfaction(value)
    except ValueError as error:
        raise BadInput("--satisfaction: {error}", error=error) from None


# The longest free text a visit, a note, a promise or a complaint holds, in characters.
MAX_TEXT = 2000


def _bounded(values: dict[str, Any]) -> None:
    """Refuse a text longer than anyone writes on a card (a pasted file, a runaway script)."""
    for value in values.values():
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise BadInput("a text is at most {most} characters", most=MAX_TEXT)


def _attach(conn: sqlite3.Connection, ref: str, table: str, values: dict[str, Any]) -> dict:
    """Add a row about the customer REF finds: {"id", "code", "name"} of what was added."""
    _bounded(values)
    with write_transaction(conn):
        customer = resolve(conn, ref)
        row_id = rows.insert(conn, table, {"customer_id": customer["id"], **values})
    return {"id": row_id, "code": customer["code"], "name": customer["name"]}


def log_visit(conn: sqlite3.Connection, ref: str, **given: Any) -> dict:
    """Log a visit to one shop (see log_visits)."""
    return log_visits(conn, [ref], **given)[0]


def log_visits(
    conn: sqlite3.Connection,
    refs: list[str],
    *,
    date: dt.date,
    today: dt.date,
    kind: str | None = None,
    note: str | None = None,
    found: str | None = None,
    follow_up: str | None = None,
    due: dt.date | None = None,
    satisfaction: int | str | None = None,
    manager: str | None = None,
) -> list[dict]:
    """The same visit logged at each shop named, in one transaction: every name is found
    first, so that one that finds none (or several) writes nothing at all."""
    kind = _visit_kind(kind)
    day = _visit_date(date, today)
    _bounded({"note": note, "found": found, "follow_up": follow_up, "manager": manager})
    if due is not None and not follow_up:
        raise BadInput("--due goes with --follow-up TEXT")
    score = _satisfaction(satisfaction)
    logged = []
    with write_transaction(conn):
        customers = [resolve(conn, ref) for ref in refs]
        codes = [c["code"] for c in customers]
        if len(set(codes)) < len(codes):
            raise BadInput("a shop is named twice: {codes}", codes=", ".join(codes))
        for customer in customers:
            visit_id = rows.insert(
                conn,
                VISITS.table,
                {
                    "customer_id": customer["id"],
                    "date": day,
                    "kind": kind,
                    "note": note,
                    "found": found,
                    "satisfaction": score,
                    "manager": manager or customer.get("account_manager"),
                },
            )
            followup_id = None
            if follow_up:
                followup_id = rows.insert(
                    conn,
                    FOLLOWUPS.table,
                    {
                        "customer_id": customer["id"],
                        "visit_id": visit_id,
                        "text": follow_up,
                        "due": due.isoformat() if due else None,
                    },
                )
            logged.append(
                {
                    "id": visit_id,
                    "code": customer["code"],
                    "name": customer["name"],
                    "date": day,
                    "kind": kind,
                    "followup_id": followup_id,
                }
            )
    return logged


def list_visits(
    conn: sqlite3.Connection,
    ref: str | None = None,
    month: str | None = None,
    manager: str | None = None,
) -> list[dict]:
    customer_id = resolve(conn, ref)["id"] if ref else None
    first, last = parse_month(month) if month else (None, None)
    return q.visits(
        conn, customer_id, first and first.isoformat(), last and last.isoformat(), manager
    )


def edit_visit(
    conn: sqlite3.Connection, visit_id: int, values: dict[str, Any], today: dt.date
) -> dict:
    """Change a visit; `values` as typed (kind in any of its words, date as a date)."""
    if "kind" in values:
        values["kind"] = _visit_kind(values["kind"])
        values["kind_text"] = None
    if "date" in values:
        values["date"] = _visit_date(values["date"], today)
    if "satisfaction" in values:
        values["satisfaction"] = _satisfaction(values["satisfaction"])
    _bounded(values)
    if not values:
        raise BadInput(
            "nothing to change; give --date, --kind, --note, --found, --satisfaction or --manager"
        )
    with write_transaction(conn):
        if not rows.update(conn, VISITS.table, visit_id, values):
            raise NotFound(NO_ROW["visit"], row_id=visit_id)
    return rows.get(conn, VISITS.table, visit_id)


NO_ROW = {
    "visit": _noop("no visit #{row_id}; `cust visit list` shows them"),
    "follow-up": _noop("no follow-up #{row_id}; `cust followup list` shows them"),
    "complaint": _noop("no complaint #{row_id}; `cust complaint list` shows them"),
}


def _must(changed: int, what: str, row_id: int) -> None:
    """A visit, follow-up or complaint named by its number must be there."""
    if not changed:
        raise NotFound(NO_ROW[what], row_id=row_id)


def remove_visit(conn: sqlite3.Connection, visit_id: int) -> None:
    with write_transaction(conn):
        _must(rows.delete(conn, VISITS.table, visit_id), "visit", visit_id)


def due_ranked(
    conn: sqlite3.Connection, today: dt.date, scope: Scope = Scope()
) -> list[tuple[int, int]]:
    """(id, days overdue) of the shops due or overdue for a field visit on a day
    (schedule.DUE_RULE), most urgent first: ranked by the database, so that a list of
    100,000 shops costs two numbers each until its rows are shown (`due_rows`)."""
    return q.due_ranked(
        conn,
        today.isoformat(),
        scope,
        schedule.FIELD_VISIT,
        schedule.DEFAULT_CYCLE_BY_TIER,
        schedule.DEFAULT_CYCLE_NO_TIER,
        schedule.order_day_shifts(q.order_days(conn, scope)),
    )


def due_rows(conn: sqlite3.Connection, ranked: list[tuple[int, int]], today: dt.date) -> list[dict]:
    """The rows of ranked due shops (`due_ranked`), in their order."""
    cards = q.due_cards(
        conn, (cid for cid, _days in ranked), today.isoformat(), schedule.FIELD_VISIT
    )

    def row(card: dict, overdue: int) -> dict:
        return {
            "code": card["code"],
            "name": card["name"],
            "tier": card["tier"],
            "district": card["district"],
            "account_manager": card["account_manager"],
            "last_visit": card["last_visit"],
            "cycle_days": schedule.cycle_days(card),
            "due": (today - dt.timedelta(days=overdue)).isoformat(),
            "days_overdue": overdue,
        }

    return [row(cards[cid], overdue) for cid, overdue in ranked]


def followups(
    conn: sqlite3.Connection, open_only: bool = True, scope: Scope | None = None
) -> list[dict]:
    return q.followups(conn, open_only=open_only, scope=scope)


def followup_done(conn: sqlite3.Connection, followup_id: int, today: dt.date) -> dict:
    with write_transaction(conn):
        current = rows.get(conn, FOLLOWUPS.table, followup_id)
        _must(current is not None, "follow-up", followup_id)
        if current["done_on"]:
            raise BadInput(
                "follow-up #{followup_id} was done on {done_on}",
                followup_id=followup_id,
                done_on=current["done_on"],
            )
        rows.update(conn, FOLLOWUPS.table, followup_id, {"done_on": today.isoformat()})
    return rows.get(conn, FOLLOWUPS.table, followup_id)


def complaint_add(
    conn: sqlite3.Connection, ref: str, text: str, kind: str, opened_on: dt.date
) -> dict:
    _check_choice(kind, COMPLAINT_KINDS, "--kind")
    if not text.strip():
        raise BadInput("--text says what the complaint is")
    return _attach(
        conn,
        ref,
        COMPLAINTS.table,
        {"kind": kind, "text": text.strip(), "opened_on": opened_on.isoformat()},
    )


def complaint_resolve(
    conn: sqlite3.Connection, complaint_id: int, how: str, resolved_on: dt.date
) -> dict:
    _bounded({"how": how})
    with write_transaction(conn):
        current = rows.get(conn, COMPLAINTS.table, complaint_id)
        _must(current is not None, "complaint", complaint_id)
        if current["resolved_on"]:
            raise BadInput(
                "complaint #{complaint_id} was resolved on {resolved_on}",
                complaint_id=complaint_id,
                resolved_on=current["resolved_on"],
            )
        if resolved_on.isoformat() < current["opened_on"]:
            raise BadInput("a complaint cannot be resolved before it was opened")
        rows.update(
            conn,
            COMPLAINTS.table,
            complaint_id,
            {"resolved_on": resolved_on.isoformat(), "resolution": how},
        )
    return next(c for c in q.complaints(conn) if c["id"] == complaint_id)


def complaints(
    conn: sqlite3.Connection, open_only: bool = False, scope: Scope | None = None
) -> list[dict]:
    return q.complaints(conn, open_only=open_only, scope=scope)


def add_key_date(
    conn: sqlite3.Connection, ref: str, label: str, day: str, lunar: bool = False
) -> dict:
    text = f"农历{day.removeprefix('农历')}" if lunar else day
    try:
        stored = parse_yearday(text)
    except ValueError as error:
        raise BadInput("{day!r}: {error}", day=day, error=error) from None
    if not stored:
        raise BadInput("give the date, e.g. 2015-06-18, 06-18 or 农历三月初八")
    return {
        **_attach(conn, ref, KEY_DATES.table, {"label": label, "day": stored}),
        "label": label,
        "day": stored,
    }


def add_note(conn: sqlite3.Connection, ref: str, text: str, today: dt.date) -> dict:
    if not text.strip():
        raise BadInput("the note is empty")
    return _attach(conn, ref, NOTES.table, {"text": text.strip(), "noted_on": today.isoformat()})


def _dates_of(customer: dict, key_dates: list[dict]) -> list[tuple[str | None, str, str | None]]:
    """(label, stored day, card field) of a customer's dates: the card's birthday (labelled by
    the registry at the edge, so label None), then the dates added with their own labels."""
    dates = [(None, customer["birthday"], "birthday")] if customer.get("birthday") else []
    return dates + [(k["label"], k["day"], None) for k in key_dates]


# Year-days a query may name (twice each: 800 parameters, under the 999 SQLite binds where
# it keeps its old default); more, and every dated card is read.
_FEW_DAYS = 400


def _within(day: dt.date | None, horizon: dt.date) -> bool:
    return day is not None and day <= horizon


def upcoming(
    conn: sqlite3.Connection,
    today: dt.date,
    days: int = UPCOMING_DAYS,
    customer: dict | None = None,
    scope: Scope = Scope(),
) -> list[dict]:
    """Birthdays and other dates that come round within `days` days, soonest first (of one
    customer, or of the scope's active shops)."""
    horizon = today + dt.timedelta(days=days)
    # A city's 100,000 birthdays are some 12,000 dates, and 366 days of the year: each
    # day's next coming is worked out once.
    coming = functools.cache(lambda day: next_occurrence(day, today))

    def when(stored: str) -> dt.date | None:
        return coming(year_less(stored))

    if customer is not None:
        people = [(customer, q.key_dates(conn, customer["id"]))]
    else:
        by_customer: dict[int, list[dict]] = {}
        for key_date in q.key_dates(conn):
            by_customer.setdefault(key_date["customer_id"], []).append(key_date)
        # A city's 100,000 birthdays are a few thousand days, a week's a few dozen: only the
        # cards with one of those are read (all of them when the days are many).
        soon = [stored for stored in q.year_days(conn, scope) if _within(when(stored), horizon)]
        dated = q.dated_cards(conn, scope, soon if len(soon) <= _FEW_DAYS else None)
        people = [(c, by_customer.get(c["id"], [])) for c in dated]
    found = []
    for person, key_dates in people:
        for label, stored, field in _dates_of(person, key_dates):
            if _within(day := when(stored), horizon):
                found.append(
                    {
                        "code": person["code"],
                        "name": person["name"],
                        "label": label,
                        "field": field,
                        "day": stored,
                        "date": day.isoformat(),
                        "in_days": (day - today).days,
                    }
                )
    return sorted(found, key=lambda d: (d["date"], d["code"]))


# The sections of the morning's list, most urgent first: what `cust today` shows in order.
TODAY_SECTIONS = ("overdue", "due", FOLLOWUPS.name, COMPLAINTS.name, "dates", "churn")


def today_briefing(
    conn: sqlite3.Connection, today: dt.date, scope: Scope = Scope(), shown: int = 0
) -> dict:
    """Everything that needs doing on a day, in sections, each most urgent first:

    overdue field visits (most days over, then larger tiers), visits due today, follow-ups
    due (oldest promise first), complaints open over COMPLAINT_STALE_DAYS days (oldest
    first), dates coming within UPCOMING_DAYS (soonest first), and the shops slipping away
    (largest monthly loss first, measured from the day the order data runs to).

    Each section holds its first `shown` rows (0: all of them); "counts" says how many
    each has in all.
    """
    stale_before = (today - dt.timedelta(days=COMPLAINT_STALE_DAYS)).isoformat()
    ranked = due_ranked(conn, today, scope)
    visits = {
        "overdue": [r for r in ranked if r[1] > 0],
        "due": [r for r in ranked if r[1] == 0],
    }
    sections = {
        FOLLOWUPS.name: q.followups(conn, open_only=True, due_by=today.isoformat(), scope=scope),
        COMPLAINTS.name: [
            dict(c, days_open=(today - dt.date.fromisoformat(c["opened_on"])).days)
            for c in q.complaints(conn, open_only=True, scope=scope)
            if c["opened_on"] < stale_before
        ],
        "dates": upcoming(conn, today, scope=scope),
    }
    sections["churn"], slipping = warnings(
        conn,
        orders_day(conn, None, today),
        district=scope.district,
        manager=scope.manager,
        first=shown or None,
    )
    counts = {name: len(found) for name, found in (visits | sections).items()}
    counts["churn"] = slipping
    for name, found in visits.items():
        sections[name] = due_rows(conn, found[:shown] if shown else found, today)
    from custcli.db import routes

    return {
        "date": today.isoformat(),
        "counts": {name: counts[name] for name in TODAY_SECTIONS},
        **{name: sections[name][:shown] if shown else sections[name] for name in TODAY_SECTIONS},
        # the day's kept route (cust route), stop by stop: the day's work in walking order
        "route": [
            {k: s[k] for k in ("n", "code", "name", "reasons")}
            for s in routes.stops(conn, today.isoformat())
        ],
    }


def customer_sections(conn: sqlite3.Connection, customer: dict, today: dt.date) -> dict:
    """The visits and relationship sections of a customer's card."""
    last_field = q.last_field_visit(conn, customer["id"], today.isoformat())
    next_due = schedule.next_due(
        customer, dt.date.fromisoformat(last_field) if last_field else None, today
    )
    return {
        VISITS.name: {
            "last": q.visits(conn, customer["id"], limit=3),
            "last_field_visit": last_field,
            "cycle_days": schedule.cycle_days(customer),
            "next_due": next_due.isoformat(),
            "days_overdue": max(0, (today - next_due).days),
            "open_followups": q.followups(conn, customer["id"], open_only=True),
        },
        "relationship": {
            "preferences": customer.get("preferences"),
            NOTES.name: q.notes(conn, customer["id"]),
            "dates": [
                {
                    "label": label,
                    "field": field,
                    "day": day,
                    "next": (next_occurrence(day, today) or today).isoformat(),
                }
                for label, day, field in _dates_of(customer, q.key_dates(conn, customer["id"]))
            ],
            "open_complaints": q.complaints(conn, customer["id"], open_only=True),
            "last_satisfaction": q.last_satisfaction(conn, customer["id"]),
        },
    }
