"""The monthly visit report: what was due, what was done, what is still open, and orders."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator

from custcli.db import business as order_q
from custcli.db import export as line_q
from custcli.db import report as q
from custcli.db import visits as visit_q
from custcli.domain import schedule
from custcli.domain.business import line_class
from custcli.domain.fields import VISIT_FIELDS, VISIT_KIND
from custcli.domain.months import add_months, parse_month
from custcli.domain.scope import Scope
from custcli.domain.trade import PRICE_CLASS_CODES, UNKNOWN_CLASS
from custcli.i18n import _, _noop, tr
from custcli.words import price_class, pyramid_tier


def _pct(part: float, whole: float) -> float | None:
    return round(part / whole * 100, 1) if whole else None


def _month_totals(conn, first: dt.date, district, manager) -> dict:
    following = add_months(first, 1)
    return order_q.order_totals(conn, first.isoformat(), following.isoformat(), district, manager)


def monthly(
    conn: sqlite3.Connection, month: str, district: str | None = None, manager: str | None = None
) -> dict:
    """Every figure and row of the report, as plain data (the workbook and --json share it)."""
    first, last = parse_month(month)
    customers = visit_q.active_customers(conn, Scope(district, manager))
    before = visit_q.last_field_visits(conn, (first - dt.timedelta(days=1)).isoformat())
    due = {c["id"]: schedule.next_due(c, _date(before.get(c["id"])), first) for c in customers}
    due_in_month = [c for c in customers if due[c["id"]] <= last]
    scope = {k: v for k, v in (("district", district), ("account_manager", manager)) if v}
    visits = list(line_q.lines(conn, "visits", scope, first.isoformat(), last.isoformat()))
    field_visited = {v["code"] for v in visits if v["kind"] == schedule.FIELD_VISIT}
    visited_due = [c for c in due_in_month if c["code"] in field_visited]
    at_end = schedule.due_list(customers, visit_q.last_field_visits(conn, last.isoformat()), last)
    due_codes = {c["code"] for c in due_in_month}
    not_visited = [
        row for row in at_end if row["code"] in due_codes and row["code"] not in field_visited
    ]
    opened = q.complaints_in(
        conn, "opened_on", first.isoformat(), last.isoformat(), district, manager
    )
    resolved = q.complaints_in(
        conn, "resolved_on", first.isoformat(), last.isoformat(), district, manager
    )
    now = _month_totals(conn, first, district, manager)
    previous = _month_totals(conn, add_months(first, -1), district, manager)
    year_ago = _month_totals(conn, add_months(first, -12), district, manager)
    summary = {
        "month": month,
        "scope": scope,
        "customers": len(customers),
        "due": len(due_in_month),
        "visited": len(visited_due),
        "coverage_pct": _pct(len(visited_due), len(due_in_month)),
        "visits": len(visits),
        "visits_by_kind": dict(Counter(v["kind"] for v in visits)),
        "overdue_at_month_end": sum(1 for row in at_end if row["days_overdue"] > 0),
        "followups_made": q.followups_made(
            conn, first.isoformat(), last.isoformat(), district, manager
        ),
        "followups_closed": q.followups_closed(
            conn, first.isoformat(), last.isoformat(), district, manager
        ),
        "complaints_opened": len(opened),
        "complaints_resolved": len(resolved),
        "avg_days_to_resolve": round(sum(c["days_to_resolve"] for c in resolved) / len(resolved), 1)
        if resolved
        else None,
        "order_qty": now["qty"],
        "order_amount": now["amount"],
        "order_qty_prev_month": previous["qty"],
        "order_amount_prev_month": previous["amount"],
        "order_qty_year_ago": year_ago["qty"],
        "order_amount_year_ago": year_ago["amount"],
        "order_qty_change_pct": _change(now["qty"], previous["qty"]),
        "order_qty_yoy_pct": _change(now["qty"], year_ago["qty"]),
    }
    return {
        "summary": summary,
        "visits": visits,
        "not_visited": not_visited,
        "customers": list(_customer_rows(conn, customers, first, last)),
        "visits_by_week": _by_week(visits),
        "volume_by_class": _by_class(conn, first, last, district, manager),
    }


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _change(now: float, before: float) -> float | None:
    return round((now - before) / before * 100, 1) if before else None


def _customer_rows(conn, customers: list[dict], first: dt.date, last: dt.date) -> Iterator[dict]:
    from custcli.db.insights import pyramid_tiers

    orders = q.orders_by_customer(conn, first.isoformat(), last.isoformat())
    tiers = pyramid_tiers(conn)
    visits = q.visit_counts(conn, first.isoformat(), last.isoformat())
    for customer in sorted(customers, key=lambda c: c["code"]):
        bought = orders.get(customer["id"], {"qty": 0, "amount": 0})
        seen = visits.get(customer["id"], {"visits": 0, "last_visit": None})
        yield {
            "code": customer["code"],
            "name": customer["name"],
            "district": customer["district"],
            "tier": customer["tier"],
            "visits": seen["visits"],
            "last_visit": seen["last_visit"],
            "qty": bought["qty"],
            "amount": bought["amount"],
            "avg_price": round(bought["amount"] / bought["qty"], 2) if bought["qty"] else None,
            "pyramid": pyramid_tier(tiers.get(customer["id"])),
        }


def _by_week(visits: list[dict]) -> dict[str, int]:
    weeks = Counter((int(v["date"][8:]) - 1) // 7 + 1 for v in visits)
    return dict(sorted(weeks.items()))


def _by_class(conn, first, last, district, manager) -> dict[str, float]:
    volume: dict[str, float] = defaultdict(float)
    for line in q.orders_by_brand(conn, first.isoformat(), last.isoformat(), district, manager):
        line.setdefault("retail_price", None)
        volume[PRICE_CLASS_CODES.get(line_class(line), UNKNOWN_CLASS)] += line["qty"]
    order = [*PRICE_CLASS_CODES.values(), UNKNOWN_CLASS]
    return {name: volume[name] for name in order if volume.get(name)}


SUMMARY_LABELS = {
    "customers": _noop("customers served"),
    "due": _noop("due this month"),
    "visited": _noop("due and visited"),
    "coverage_pct": _noop("coverage %"),
    "visits": _noop("visits"),
    "overdue_at_month_end": _noop("overdue at month end"),
    "followups_made": _noop("follow-ups made"),
    "followups_closed": _noop("follow-ups kept"),
    "complaints_opened": _noop("complaints opened"),
    "complaints_resolved": _noop("complaints resolved"),
    "avg_days_to_resolve": _noop("average days to resolve"),
    "order_qty": _noop("cartons this month"),
    "order_amount": _noop("amount this month (yuan)"),
    "order_qty_prev_month": _noop("cartons last month"),
    "order_amount_prev_month": _noop("amount last month (yuan)"),
    "order_qty_year_ago": _noop("cartons a year before"),
    "order_amount_year_ago": _noop("amount a year before (yuan)"),
    "order_qty_change_pct": _noop("vs last month %"),
    "order_qty_yoy_pct": _noop("vs a year before %"),
}
NOT_VISITED_COLUMNS = [
    ("code", _noop("code")),
    ("name", _noop("store")),
    ("district", _noop("district")),
    ("tier", _noop("tier")),
    ("last_visit", _noop("last visit")),
    ("due", _noop("due")),
    ("days_overdue", _noop("days overdue at month end")),
]
CUSTOMER_COLUMNS = [
    ("code", _noop("code")),
    ("name", _noop("store")),
    ("district", _noop("district")),
    ("tier", _noop("tier")),
    ("visits", _noop("visits this month")),
    ("last_visit", _noop("last visit")),
    ("qty", _noop("cartons")),
    ("amount", _noop("amount (yuan)")),
    ("avg_price", _noop("yuan per carton")),
    ("pyramid", _noop("pyramid tier")),
]
VISIT_KEYS = ("date", "code", "name", "kind", "note", "found", "satisfaction", "manager")


def _visit_columns() -> list[tuple[str, str]]:
    fields = {f.key: f for f in VISIT_FIELDS}
    return [(key, fields[key].label()) for key in VISIT_KEYS]


def _visit_rows(visits: list[dict]) -> list[dict]:
    return [{**v, "kind": VISIT_KIND.render(v["kind"])} for v in visits]


def summary_rows(summary: dict) -> list[list]:
    rows = [[_("month"), summary["month"]]]
    rows += [[_(SCOPE_WORDS[k]), v] for k, v in summary["scope"].items()]
    rows += [[_(label), summary[key]] for key, label in SUMMARY_LABELS.items()]
    rows += [
        [tr("visits · {kind}", kind=VISIT_KIND.render(kind)), n]
        for kind, n in summary["visits_by_kind"].items()
    ]
    return rows


SCOPE_WORDS = {"district": _noop("district"), "account_manager": _noop("manager")}


def workbook_sheets(report: dict) -> list[tuple[str, list[str], Iterator[list]]]:
    def table(rows: list[dict], columns: list[tuple[str, str]]):
        return (
            [_(label) for _k, label in columns],
            ([_value(key, row.get(key)) for key, _l in columns] for row in rows),
        )

    return [
        (_("Summary"), [_("item"), _("figure")], iter(summary_rows(report["summary"]))),
        (_("Visit details"), *table(_visit_rows(report["visits"]), _visit_columns())),
        (_("Not visited"), *table(report["not_visited"], NOT_VISITED_COLUMNS)),
        (_("Customers"), *table(report["customers"], CUSTOMER_COLUMNS)),
        (
            _("Charts"),
            [_("week / price class"), _("visits / cartons")],
            iter(
                [
                    *([tr("week {n}", n=k), v] for k, v in report["visits_by_week"].items()),
                    *([price_class(k), v] for k, v in report["volume_by_class"].items()),
                ]
            ),
        ),
    ]


DATE_KEYS = frozenset({"date", "last_visit", "due"})


def _value(key: str, value):
    """Dates go into the workbook as date cells, so that they sort and filter as dates."""
    return dt.date.fromisoformat(value) if key in DATE_KEYS and value else value


def charts(report: dict) -> list[dict]:
    """Two charts on the charts sheet, over the rows workbook_sheets put there."""
    weeks, classes = len(report["visits_by_week"]), len(report["volume_by_class"])
    return [
        {
            "sheet": _("Charts"),
            "type": "column",
            "title": _("visits a week"),
            "first_row": 1,
            "rows": weeks,
            "at": "D2",
        },
        {
            "sheet": _("Charts"),
            "type": "pie",
            "title": _("cartons by price class"),
            "first_row": 1 + weeks,
            "rows": classes,
            "at": "D20",
        },
    ]


def managers(conn: sqlite3.Connection, month: str) -> list[dict]:
    """Per account manager, from the data alone: customers, visit coverage, follow-ups kept
    on time, complaints and time to resolve, customers' volume change, satisfaction."""
    from custcli.db import insights

    first, last = (d.isoformat() for d in parse_month(month))
    evaluation = []
    for manager in insights.managers(conn):
        summary = monthly(conn, month, manager=manager)["summary"]
        followups = insights.followups_due(conn, first, last, manager)
        complaints = insights.complaint_times(conn, first, last, manager)
        satisfaction = insights.satisfaction(conn, first, last, manager)
        evaluation.append(
            {
                "manager": manager,
                "customers": summary["customers"],
                "due": summary["due"],
                "visited": summary["visited"],
                "coverage_pct": summary["coverage_pct"],
                "visits": summary["visits"],
                "followups_due": followups["due"],
                "followups_on_time_pct": _pct(followups["kept"], followups["due"]),
                "complaints": complaints["opened"],
                "avg_days_to_resolve": round(complaints["avg_days"], 1)
                if complaints["avg_days"] is not None
                else None,
                "volume_change_pct": summary["order_qty_change_pct"],
                "avg_satisfaction": round(satisfaction, 2) if satisfaction is not None else None,
            }
        )
    return evaluation
