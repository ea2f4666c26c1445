"""The monthly visit report: what was due, what was done, what is still open, and orders."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator

from custcli import kinds
from custcli.db import business as order_q
from custcli.db import export as line_q
from custcli.db import report as q
from custcli.db import visits as visit_q
from custcli.domain import schedule
from custcli.domain.business import line_class
from custcli.kinds import COMPLAINTS, CUSTOMERS, VISITS
from custcli.months import add_months, parse_month
from custcli.scope import Scope
from custcli.trade import PRICE_CLASS_CODES, UNKNOWN_CLASS


def _pct(part: float, whole: float) -> float | None:
    return round(part / whole * 100, 1) if whole else None


def _month_totals(conn, first: dt.date, district, manager) -> dict:
    following = add_months(first, 1)
    return order_q.order_totals(conn, first.isoformat(), following.isoformat(), district, manager)


def monthly(
    conn: sqlite3.Connection,
    month: str,
    district: str | None = None,
    manager: str | None = None,
) -> dict:
    """Every figure and row of the report, as plain data (the workbook and --json share it);
    covering several account managers, each one's figures too (from the same rows, split by
    manager: the visit history is read once)."""
    first, last = parse_month(month)
    part = _part(conn, first, last, district, manager)
    visits, at_end = part.visits, part.at_end
    report = {
        "summary": _summary(conn, month, part, district, manager),
        "period": {"first": first.isoformat(), "last": last.isoformat()},
        VISITS.name: visits,
        "not_visited": part.not_visited,
        CUSTOMERS.name: list(_customer_rows(conn, part.customers, first, last)),
        "visits_by_week": _by_week(visits),
        "volume_by_class": _by_class(conn, first, last, district, manager),
        "attention": _attention(conn, at_end, last, district, manager),
        "managers": [],
    }
    if manager is None:
        names = sorted({c["account_manager"] for c in part.customers if c.get("account_manager")})
        if len(names) > 1:
            report["managers"] = [
                {"manager": name, **_summary(conn, month, part.of(name), district, name)}
                for name in names
            ]
    return report


def _filters(district: str | None, manager: str | None) -> dict[str, str]:
    """The card fields the report's scope names: what its visit lines are filtered by and
    what its summary says it covers."""
    return {k: v for k, v in (("district", district), ("account_manager", manager)) if v}


def _part(conn, first: dt.date, last: dt.date, district, manager) -> _Part:
    """The rows a report of this scope reads, each once."""
    customers = visit_q.active_customers(conn, Scope(district, manager), report_fields())
    return _Part(
        customers,
        visit_q.last_field_visits(conn, (first - dt.timedelta(days=1)).isoformat()),
        list(
            line_q.lines(
                conn,
                kinds.VISITS,
                _filters(district, manager),
                first.isoformat(),
                last.isoformat(),
            )
        ),
        schedule.due_list(customers, visit_q.last_field_visits(conn, last.isoformat()), last),
        first,
        last,
        q.managers_by_code(conn),
    )


class _Part:
    """The customers of a report's scope (or of one manager in it) with their visits of the
    month, what was due and who was not visited."""

    def __init__(
        self, customers, last_visits, visits, at_end, first: dt.date, last: dt.date, managers
    ):
        self.customers, self.visits, self.at_end = customers, visits, at_end
        self.last_visits, self.first, self.last = last_visits, first, last
        self.managers = managers  # {code: account manager} of every card, closed ones too
        self.due_in_month = [
            c
            for c in customers
            if schedule.next_due(c, _date(last_visits.get(c["id"])), first) <= last
        ]
        self.field_visited = {v["code"] for v in visits if v["kind"] == schedule.FIELD_VISIT}
        self.visited_due = [c for c in self.due_in_month if c["code"] in self.field_visited]
        due_codes = {c["code"] for c in self.due_in_month}
        self.not_visited = [
            row
            for row in at_end
            if row["code"] in due_codes and row["code"] not in self.field_visited
        ]

    def of(self, manager: str) -> _Part:
        """The part of one account manager: a visit is theirs when its card is, whatever
        the card's status since (as the manager's own report reads it)."""
        customers = [c for c in self.customers if c.get("account_manager") == manager]
        codes = {c["code"] for c in customers}
        return _Part(
            customers,
            self.last_visits,
            [v for v in self.visits if self.managers.get(v["code"]) == manager],
            [row for row in self.at_end if row["code"] in codes],
            self.first,
            self.last,
            self.managers,
        )


def _summary(conn, month: str, part: _Part, district, manager) -> dict:
    first, last = part.first, part.last
    opened = q.complaints_in(
        conn, "opened_on", first.isoformat(), last.isoformat(), district, manager
    )
    resolved = q.complaints_in(
        conn, "resolved_on", first.isoformat(), last.isoformat(), district, manager
    )
    now = _month_totals(conn, first, district, manager)
    previous = _month_totals(conn, add_months(first, -1), district, manager)
    year_ago = _month_totals(conn, add_months(first, -12), district, manager)
    return {
        "month": month,
        "scope": _filters(district, manager),
        CUSTOMERS.name: len(part.customers),
        "due": len(part.due_in_month),
        "visited": len(part.visited_due),
        "coverage_pct": _pct(len(part.visited_due), len(part.due_in_month)),
        VISITS.name: len(part.visits),
        "visits_by_kind": dict(Counter(v["kind"] for v in part.visits)),
        "overdue_at_month_end": sum(1 for row in part.at_end if row["days_overdue"] > 0),
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
        "order_amount_change_pct": _change(now["amount"], previous["amount"]),
        "order_amount_yoy_pct": _change(now["amount"], year_ago["amount"]),
    }


ATTENTION_ROWS = 5  # shops of each kind the first sheet lists: page one holds them all


def _attention(conn, at_end: list[dict], last: dt.date, district, manager) -> dict:
    """What needs attention at the month's end: the most overdue shops, the largest churn
    warnings (as of the month's end), and the complaints still open."""
    from custcli.domain.churn import warnings

    overdue = [r for r in at_end if r["days_overdue"] > 0][:ATTENTION_ROWS]
    slipping, _count = warnings(
        conn, last, district=district, manager=manager, first=ATTENTION_ROWS
    )
    open_complaints = [
        c
        for c in visit_q.complaints(conn, open_only=True, scope=Scope(district, manager))
        if c["opened_on"] <= last.isoformat()
    ][:ATTENTION_ROWS]
    return {
        "overdue": [
            {k: r[k] for k in ("code", "name", "days_overdue", "last_visit")} for r in overdue
        ],
        "churn": [
            {"code": w["code"], "name": w["name"], "reasons": w["reasons"]} for w in slipping
        ],
        COMPLAINTS.name: [
            {k: c[k] for k in ("code", "name", "opened_on", "kind", "text")}
            for c in open_complaints
        ],
    }


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _change(now: float, before: float) -> float | None:
    return round((now - before) / before * 100, 1) if before else None


def _customer_rows(conn, customers: list[dict], first: dt.date, last: dt.date) -> Iterator[dict]:
    from custcli.db.insights import pyramid_tiers

    orders = q.orders_by_customer(conn, first.isoformat()[:7])
    tiers = pyramid_tiers(conn)
    visits = q.visit_counts(conn, first.isoformat(), last.isoformat())
    for customer in sorted(customers, key=lambda c: c["code"]):
        bought = orders.get(customer["id"], {"qty": 0, "amount": 0})
        seen = visits.get(customer["id"], {VISITS.name: 0, "last_visit": None})
        yield {
            **{key: customer.get(key) for key in report_fields()},
            VISITS.name: seen[VISITS.name],
            "last_visit": seen["last_visit"],
            "qty": bought["qty"],
            "amount": bought["amount"],
            "avg_price": round(bought["amount"] / bought["qty"], 2) if bought["qty"] else None,
            "pyramid": tiers.get(customer["id"]),
        }


def report_fields() -> tuple[str, ...]:
    """The card fields the report's customer sheet shows (the registry says which)."""
    return tuple(f.key for f in CUSTOMERS.fields if f.in_report)


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


def managers(conn: sqlite3.Connection, month: str) -> list[dict]:
    """Per account manager, from the data alone: customers, visit coverage, follow-ups kept
    on time, complaints and time to resolve, customers' volume change, satisfaction."""
    from custcli.db import insights

    first_day, last_day = parse_month(month)
    first, last = first_day.isoformat(), last_day.isoformat()
    everyone = _part(conn, first_day, last_day, None, None)  # read once, split per manager
    evaluation = []
    for manager in insights.managers(conn):
        summary = _summary(conn, month, everyone.of(manager), None, manager)
        followups = insights.followups_due(conn, first, last, manager)
        complaints = insights.complaint_times(conn, first, last, manager)
        satisfaction = insights.satisfaction(conn, first, last, manager)
        evaluation.append(
            {
                "manager": manager,
                CUSTOMERS.name: summary[CUSTOMERS.name],
                "due": summary["due"],
                "visited": summary["visited"],
                "coverage_pct": summary["coverage_pct"],
                VISITS.name: summary[VISITS.name],
                "followups_due": followups["due"],
                "followups_on_time_pct": _pct(followups["kept"], followups["due"]),
                COMPLAINTS.name: complaints["opened"],
                "avg_days_to_resolve": round(complaints["avg_days"], 1)
                if complaints["avg_days"] is not None
                else None,
                "volume_change_pct": summary["order_qty_change_pct"],
                "avg_satisfaction": round(satisfaction, 2) if satisfaction is not None else None,
            }
        )
    return evaluation
