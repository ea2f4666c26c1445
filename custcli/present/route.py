"""The field day as a person reads it: the route with why each shop is on it, what closing
the day recorded, and the pack to carry (an HTML page for a 360–414 px phone, an A4 sheet
to tick, calendar events)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from custcli import render
from custcli.i18n import _, _noop, tr
from custcli.present.words import day as said_day

REASON_WORDS = {
    "overdue": _noop("{detail} days overdue"),
    "due": _noop("due today"),
    "orders_tomorrow": _noop("orders tomorrow ({detail})"),
    "promise": _noop("promise due: {detail}"),
    "complaint": _noop("complaint open: {detail}"),
    "date": _noop("date: {detail}"),
    "added": _noop("added by hand"),
}
ROUTE_COLUMNS = [
    ("n", _noop("#")),
    ("code", _noop("code")),
    ("name", _noop("store")),
    ("where", _noop("route or district")),
    ("why", _noop("why")),
]
# Outcomes of a closed day, by the visit kind they were recorded as.
CLOSED_WORDS = {
    "field": _noop("{count} visited"),
    "phone": _noop("{count} called"),
    "abnormal": _noop("{count} abnormal (closed, refused or nobody there)"),
}


def reasons(stored: str) -> str:
    """A stop's reasons as words: 逾期12天、明天（周三）订货."""
    said = []
    for reason in filter(None, (stored or "").split(",")):
        code, _sep, detail = reason.partition(":")
        said.append(tr(REASON_WORDS.get(code, code), detail=detail))
    return _(", ").join(said)


def _rows(stops: list[dict], as_json: bool) -> list[dict]:
    return [
        {
            "n": s["n"],
            "code": s["code"],
            "name": s["name"],
            "where": s.get("delivery_route") or s.get("district") or "",
            "why": reasons(s["reasons"]) if not as_json else s["reasons"].split(","),
        }
        for s in stops
    ]


def route(stops: list[dict], day: dt.date, as_json: bool) -> None:
    rows = _rows(stops, as_json)
    if as_json:
        render.emit_json({"day": day.isoformat(), "stops": rows})
        return
    render.rows(
        rows, ROUTE_COLUMNS, False, title=tr("route of {day}", day=said_day(day.isoformat()))
    )


def week(days: list, as_json: bool) -> None:
    """Each day's route of a week."""
    if as_json:
        render.emit_json(
            [{"day": day.isoformat(), "stops": _rows(stops, True)} for day, stops in days]
        )
        return
    for day, stops in days:
        route(stops, day, False)


def closed(result: dict, as_json: bool) -> None:
    if as_json:
        render.emit_json(result)
        return
    done = _(", ").join(tr(CLOSED_WORDS[k], count=v) for k, v in result["counts"].items() if v)
    render.line(
        tr("{day}: {done}; {left} stops not recorded; `cust imports undo {id}` takes it back",
           day=result["day"], done=done, left=result["left"], id=result["import_id"])
    )  # fmt: skip


def pack(target: Path, day: dt.date, stops: list[dict], mode: str) -> Path:
    """Write the pack: "phone" (HTML), "print" (an A4 HTML sheet) or "ics"."""
    from custcli.io.writers import atomic_path

    data = calendar(day, stops) if mode == "ics" else page(day, stops, mode).encode("utf-8")
    with atomic_path(Path(target)) as temp:
        Path(temp).write_bytes(data)
    return Path(target)


def page(day: dt.date, stops: list[dict], mode: str) -> str:
    """The route as one self-contained page: every style inline, no script, no link that
    leaves the file but tel: and geo: (the phone's dialler and map app)."""
    import jinja2

    from custcli.present import card

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("custcli.present", "templates"),
        autoescape=True,  # a shop named <script> is text
        undefined=jinja2.StrictUndefined,
    )
    shown = [
        {
            "n": s["n"],
            "code": s["code"],
            "name": s["name"],
            "owner": s.get("owner") or "",
            "phone": (s.get("phone") or "").split("/")[0],
            "address": s.get("address") or "",
            "why": reasons(s["reasons"]),
            "say": card.said(s["customer"], s["profile"]),
            "sections": card.sections(s["customer"], s["profile"]),
            "geo": f"geo:{s['latitude']},{s['longitude']}"
            if s.get("latitude") is not None and s.get("longitude") is not None
            else None,
        }
        for s in stops
    ]
    template = environment.get_template("print.html" if mode == "print" else "pack.html")
    return template.render(
        title=tr("route of {day}", day=said_day(day.isoformat())),
        day=day.isoformat(),
        stops=shown,
        words={
            "call": _("call"),
            "map": _("map"),
            "why": _("why"),
            "ticks": [_(w) for w in TICKS],
            "store": _("store"),
            "n": "#",
            "count": tr("{count} stops", count=len(shown)),
        },
    )


TICKS = (_noop("visited"), _noop("closed"), _noop("phoned"), _noop("problem"), _noop("remarks"))


def calendar(day: dt.date, stops: list[dict]) -> bytes:
    """One event a stop, from 9:00 in route order, 30 minutes each (a calendar needs a time;
    the order is what matters)."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//yikouqing//cust route//ZH")
    cal.add("version", "2.0")
    start = dt.datetime.combine(day, dt.time(9, 0))
    for s in stops:
        event = icalendar.Event()
        event.add("uid", f"{day.isoformat()}-{s['code']}@cust")
        event.add("dtstamp", start)
        event.add("dtstart", start + dt.timedelta(minutes=30 * (s["n"] - 1)))
        event.add("dtend", start + dt.timedelta(minutes=30 * s["n"]))
        event.add("summary", f"{s['n']}. {s['name']}")
        if s.get("address"):
            event.add("location", s["address"])
        event.add("description", reasons(s["reasons"]))
        if s.get("latitude") is not None and s.get("longitude") is not None:
            event.add("geo", (s["latitude"], s["longitude"]))
        cal.add_component(event)
    return cal.to_ical()
