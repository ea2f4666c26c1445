"""The day's work on a screen: visits, what falls due, today's list, follow-ups, complaints
and the dates that matter."""

from __future__ import annotations

from custcli import i18n, render
from custcli.domain.visits import TODAY_SECTIONS
from custcli.i18n import _, _noop, tr
from custcli.kinds import COMPLAINTS, CUSTOMERS, FOLLOWUPS
from custcli.kinds.fields import VISIT_KIND
from custcli.kinds.normalize import render_yearday
from custcli.present import words
from custcli.present.lists import more


def kind_words(rows: list[dict], lang: str) -> list[dict]:
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
    ("id", _noop("#")),
    ("date", _noop("date")),
    ("code", _noop("code")),
    ("name", _noop("store")),
    ("kind", _noop("kind")),
    ("note", _noop("note")),
    ("found", _noop("found")),
    ("satisfaction", _noop("sat.")),
    ("manager", _noop("manager")),
]

DUE_COLUMNS = [
    ("code", _noop("code")),
    ("name", _noop("store")),
    ("tier", _noop("tier")),
    ("district", _noop("district")),
    ("last_visit", _noop("last visit")),
    ("due", _noop("due")),
    ("days_overdue", _noop("overdue")),
]

TODAY_TITLES = {
    "overdue": _noop("overdue visits"),
    "due": _noop("visits due today"),
    FOLLOWUPS.name: _noop("follow-ups due"),
    COMPLAINTS.name: _noop("complaints open over 3 days"),  # domain.COMPLAINT_STALE_DAYS
    "dates": _noop("dates in the next 7 days"),  # domain.UPCOMING_DAYS
    "churn": _noop("slipping away"),
}

# The head line's counts, each with its measure word (家 for shops, 件 for follow-ups and
# complaints, 个 for dates).
TODAY_COUNTS = {
    "overdue": _noop("{count} shops overdue"),
    "due": _noop("{count} shops due today"),
    FOLLOWUPS.name: _noop("{count} follow-ups due"),
    COMPLAINTS.name: _noop("{count} complaints open over 3 days"),
    "dates": _noop("{count} dates in the next 7 days"),
    "churn": _noop("{count} shops slipping away"),
}
SHOP_LISTS = frozenset({"overdue", "due", "churn"})

ROUTE_COLUMNS = [
    ("n", _noop("#")),
    ("code", _noop("code")),
    ("name", _noop("store")),
    ("why", _noop("why")),
]
DATE_COLUMNS = [
    ("date", _noop("date")),
    ("code", _noop("code")),
    ("name", _noop("store")),
    ("label", _noop("what")),
    ("day", _noop("day")),
]

FOLLOWUP_COLUMNS = [
    ("id", _noop("#")),
    ("due", _noop("deadline")),
    ("code", _noop("code")),
    ("name", _noop("store")),
    ("text", _noop("promise")),
    ("done_on", _noop("done")),
]

COMPLAINT_COLUMNS = [
    ("id", _noop("#")),
    ("opened_on", _noop("opened")),
    ("code", _noop("code")),
    ("name", _noop("store")),
    ("kind", _noop("Complaint type")),
    ("text", _noop("complaint")),
    ("resolved_on", _noop("resolved")),
    ("resolution", _noop("Resolution")),
]


def date_words(rows: list[dict]) -> list[dict]:
    """Dates for a table: the birthday named by the registry, the day as written (农历三月初八)."""
    return [
        {
            **row,
            "label": row["label"] or CUSTOMERS.field(row["field"]).label(),
            "day": render_yearday(row["day"], i18n.lang()),
        }
        for row in rows
    ]


def today(brief: dict, as_json: bool) -> None:
    """Today's list: a line of counts, then each section that has rows."""
    counts = brief["counts"]
    sections = {name: (brief[name], counts[name] - len(brief[name])) for name in TODAY_SECTIONS}
    if as_json:
        render.emit_json(brief)
        return
    render.line(
        f"{brief['date']}: "
        + _(", ").join(tr(TODAY_COUNTS[name], count=counts[name]) for name in TODAY_SECTIONS)
    )
    if brief.get("route"):
        from custcli.present.route import reasons

        stops = [{**s, "why": reasons(s["reasons"])} for s in brief["route"]]
        render.table(stops, ROUTE_COLUMNS, title=_("today's route (cust route show)"))
    columns = {
        "overdue": DUE_COLUMNS,
        "due": DUE_COLUMNS,
        FOLLOWUPS.name: FOLLOWUP_COLUMNS,
        COMPLAINTS.name: COMPLAINT_COLUMNS,
        "dates": DATE_COLUMNS,
        "churn": [("code", _noop("code")), ("name", _noop("store")), ("why", _noop("why"))],
    }
    for name in TODAY_SECTIONS:
        rows, left_out = sections[name]
        if not rows:
            continue
        if name == "churn":
            rows = [{**w, "why": words.reasons(w["reasons"])} for w in rows]
        if name == "dates":
            rows = date_words(rows)
        render.table(rows, columns[name], title=TODAY_TITLES[name])
        more(left_out, shops=name in SHOP_LISTS)
