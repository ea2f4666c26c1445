"""The monthly visit report: what was due, what was done, what is still open, and orders."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator

from custcli import kinds
from custcli.db import export as line_q
from custcli.db import insights as insight_q
from custcli.db import report as q
from custcli.db import visits as visit_q
from custcli.domain import schedule
from custcli.domain.business import line_class
from custcli.errors import BadInput
from custcli.kinds import COMPLAINTS, CUSTOMERS, VISITS
from custcli.months import add_months, month_end, parse_month
from custcli.scope import ACTIVE, ALL, Scope
from custcli.trade import PRICE_CLASS_CODES, UNKNOWN_CLASS


def _pct(part: float, whole: float) -> float | None:
    return round(part / whole * 100, 1) if whole else None


def monthly(
    conn: sqlite3.Connection,
    month: str,
    today: dt.date,
    district: str | None = None,
    manager: str | None = None,
) -> dict:
    """Every figure and row of the report, as plain data (the workbook and --json share it);
    covering several account managers, each one's figures too (from the same rows, split by
    manager: the visit history is read once).

    The month is taken as it was: the shops that traded in it, with the district and the
    account manager they had at its end (cards changed, closed or made since are put back).
    The month under way runs to today (截至), and its orders are compared with the same days
    of the month before and of the year before; a month not yet begun is refused."""
    first, last = parse_month(month)
    if first > today:
        raise BadInput(
            "{month} has not begun; a report is of this month or one before it", month=month
        )
    through = min(last, today)
    # a month is over once its last day has passed; on that day it is still under way
    part = _part(conn, first, through, district, manager, under_way=today <= last)
    visits, at_end = part.visits, part.at_end
    report = {
        "summary": _summary(conn, month, part, district, manager),
        "period": {"first": first.isoformat(), "last": through.isoformat()},
        VISITS.name: visits,
        "not_visited": part.not_visited,
        CUSTOMERS.name: list(_customer_rows(conn, part.customers, first, through)),
        "visits_by_week": _by_week(visits),
        "volume_by_class": _by_class(conn, first, through, part.ids),
        "attention": _attention(conn, at_end, through, part.codes, district, manager),
        "managers": [],
    }
    if manager is None:
        parts = part.by_manager()
        if len(parts) > 1:
            report["managers"] = [
                {"manager": name, **_summary(conn, month, theirs, district, name)}
                for name, theirs in parts.items()
            ]
    return report


def _filters(district: str | None, manager: str | None) -> dict[str, str]:
    """The card fields the report's scope names: what its summary says it covers."""
    return {k: v for k, v in (("district", district), ("account_manager", manager)) if v}


def _part(
    conn,
    first: dt.date,
    through: dt.date,
    district,
    manager,
    orders: bool = True,
    under_way: bool = False,
) -> _Part:
    """The rows a report of this scope reads, each once: the cards as they were, the month's
    visits, and where each shop stood on the due rule at the end."""
    after = (through + dt.timedelta(days=1)).isoformat()
    cards = q.cards_then(conn, _ACTIVE_FIELDS + report_fields(), first.isoformat(), after)
    managers = {c["code"]: c.get("account_manager") for c in cards}
    customers = [
        c
        for c in cards
        if (c["made"] or c["traded"])
        and (c["status"] == ACTIVE or c["left_active"])
        and (district is None or c.get("district") == district)
        and (manager is None or c.get("account_manager") == manager)
    ]
    codes = {c["code"] for c in customers}
    visits = [
        v
        for v in line_q.lines(conn, kinds.VISITS, {}, first.isoformat(), through.isoformat())
        if v["code"] in codes
    ]
    return _Part(
        customers,
        visit_q.last_field_visits(conn, (first - dt.timedelta(days=1)).isoformat()),
        visits,
        schedule.due_list(customers, visit_q.last_field_visits(conn, through.isoformat()), through),
        first,
        through,
        managers,
        _month_rows(conn, first, through, orders, under_way),
    )


# What the due rule and the report's sheets read of a card.
_ACTIVE_FIELDS = ("name", "owner", "tier", "visit_cycle_days", "order_day", "birthday")


class _Part:
    """The customers of a report's scope (or of one manager in it) with their visits of the
    month, what was due and who was not visited. `last` is the month's last day, or today in
    the month under way."""

    def __init__(
        self, customers, last_visits, visits, at_end, first: dt.date, last: dt.date, managers,
        rows, due_ids: set[int] | None = None,
    ):  # fmt: skip
        self.customers, self.visits, self.at_end = customers, visits, at_end
        self.rows = rows  # the month's follow-ups, complaints and orders of every shop
        self.last_visits, self.first, self.last = last_visits, first, last
        self.managers = managers  # {code: account manager at the month's end}, of every card
        self.ids = {c["id"] for c in customers}
        self.codes = {c["code"] for c in customers}
        # due in the month: by the due rule, or as the part this one is split from found
        self.due_in_month = [
            c
            for c in customers
            if (c["id"] in due_ids if due_ids is not None
                else schedule.next_due(c, _date(last_visits.get(c["id"])), first) <= last)
        ]  # fmt: skip
        self.due_ids = {c["id"] for c in self.due_in_month}
        self.field_visited = {v["code"] for v in visits if v["kind"] == schedule.FIELD_VISIT}
        self.visited_due = [c for c in self.due_in_month if c["code"] in self.field_visited]
        # Not visited: due in the month and no field visit in it, so that 应访 − 实访 is
        # exactly the shops this sheet lists; each with where it stood at the end.
        standing = {row["code"]: row for row in at_end}
        self.not_visited = [
            standing.get(c["code"]) or _not_due_at_end(c, last_visits.get(c["id"]))
            for c in sorted(self.due_in_month, key=lambda c: c["code"])
            if c["code"] not in self.field_visited
        ]
        self.not_visited.sort(key=lambda r: (-r["days_overdue"], -(r["tier"] or 0), r["code"]))

    def by_manager(self) -> dict[str, _Part]:
        """The part of each account manager, in one pass over the part: a visit is theirs
        when its card was at the month's end, whatever the card's status since (as the
        manager's own report reads)."""
        whose = self.managers.get  # a card's manager at the month's end, by its code
        customers = _grouped(self.customers, lambda c: c.get("account_manager"))
        visits = _grouped(self.visits, lambda v: whose(v["code"]))
        at_end = _grouped(self.at_end, lambda row: whose(row["code"]))
        return {manager: self.sub(mine, visits[manager], at_end[manager])
                for manager, mine in sorted(customers.items())}  # fmt: skip

    def sub(self, customers: list, visits: list, at_end: list) -> _Part:
        """A part of this one's month and rows: these customers, visits and standings."""
        return _Part(customers, self.last_visits, visits, at_end, self.first, self.last,
                     self.managers, self.rows, self.due_ids)  # fmt: skip


def _grouped(rows: list[dict], manager_of: Callable[[dict], str | None]) -> dict[str, list]:
    """Rows by their account manager (those of none left out)."""
    grouped: dict[str, list] = defaultdict(list)
    for row in rows:
        manager = manager_of(row)
        if manager:
            grouped[manager].append(row)
    return grouped


def _not_due_at_end(customer: dict, last_visit: str | None) -> dict:
    """A shop due in the month, not visited, that the due rule no longer counts at its end
    (its order day moved it): listed all the same, 0 days over."""
    return {
        "code": customer["code"],
        "name": customer["name"],
        "tier": customer.get("tier"),
        "district": customer.get("district"),
        "account_manager": customer.get("account_manager"),
        "last_visit": last_visit,
        "cycle_days": schedule.cycle_days(customer),
        "due": None,
        "days_overdue": 0,
    }


def _month_rows(
    conn, first: dt.date, through: dt.date, orders: bool = True, under_way: bool = False
) -> dict:
    """What the month holds of every shop, read once and split by scope and manager: its
    follow-ups, complaints and orders (this month's, and like for like the month's before
    and the year's before)."""
    span = (first.isoformat(), through.isoformat())
    windows = _order_windows(conn, first, through, under_way) if orders else None
    return {
        "under_way": under_way,
        "followups_made": q.followups_made(conn, *span),
        "followups_closed": q.followups_closed(conn, *span),
        "complaints_opened": q.complaints_in(conn, "opened_on", *span),
        "complaints_resolved": q.complaints_in(conn, "resolved_on", *span),
        "orders_through": windows["now"][1] if windows else None,
        "orders": {
            name: q.orders_by_customer_between(conn, start, before)
            for name, (start, before) in (windows or {}).items()
        },
    }


def _order_windows(
    conn, first: dt.date, through: dt.date, under_way: bool
) -> dict[str, tuple[str, str]] | None:
    """[start, before) of the month's orders, of the month before and of the year before,
    like with like: a month that is over is compared whole; the month under way as far as
    its order data runs (to today at most) with the same days of the other two. None when
    the month under way has no order data yet (nothing to compare: not −100%)."""
    if not under_way:
        cut = None
    else:
        data_to = insight_q.last_order_day(conn, through.isoformat())
        if data_to is None or data_to < first.isoformat():
            return None
        cut = dt.date.fromisoformat(data_to).day

    def window(start: dt.date) -> tuple[str, str]:
        end = month_end(start)
        last_day = end if cut is None else start.replace(day=min(cut, end.day))
        return start.isoformat(), (last_day + dt.timedelta(days=1)).isoformat()

    return {
        "now": window(first),
        "previous": window(add_months(first, -1)),
        "year_ago": window(add_months(first, -12)),
    }


def _summary(conn, month: str, part: _Part, district, manager) -> dict:
    rows, ids = part.rows, part.ids
    opened = [c for c in rows["complaints_opened"] if c["customer_id"] in ids]
    resolved = [c for c in rows["complaints_resolved"] if c["customer_id"] in ids]
    orders = {name: _sum_of(by_customer, ids) for name, by_customer in rows["orders"].items()} or {
        key: {"qty": None, "amount": None} for key in ("now", "previous", "year_ago")
    }
    now, previous, year_ago = orders["now"], orders["previous"], orders["year_ago"]
    through = rows["orders_through"]
    return {
        "month": month,
        "scope": _filters(district, manager),
        "through": part.last.isoformat(),
        "complete": not part.rows["under_way"],
        # the last day the order figures count (the day before; None: no order data yet)
        "orders_through": (dt.date.fromisoformat(through) - dt.timedelta(days=1)).isoformat()
        if through
        else None,
        CUSTOMERS.name: len(part.customers),
        "due": len(part.due_in_month),
        "visited": len(part.visited_due),
        "not_visited": len(part.not_visited),
        "coverage_pct": _pct(len(part.visited_due), len(part.due_in_month)),
        VISITS.name: len(part.visits),
        "visits_by_kind": dict(Counter(v["kind"] for v in part.visits)),
        "visits_with_problem": sum(1 for v in part.visits if (v.get("found") or "").strip()),
        "overdue_at_month_end": sum(1 for row in part.at_end if row["days_overdue"] > 0),
        "followups_made": sum(1 for c in rows["followups_made"] if c in ids),
        "followups_closed": sum(1 for c in rows["followups_closed"] if c in ids),
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


def _sum_of(by_customer: dict[int, dict], ids: set[int]) -> dict:
    mine = [by_customer[cid] for cid in ids if cid in by_customer]  # a part's, not everyone's
    qty = sum(t["qty"] for t in mine)
    amount = sum(t["amount"] for t in mine)
    return {"qty": float(round(qty, 3)), "amount": float(round(amount, 2))}


ATTENTION_ROWS = 5  # shops of each kind the first sheet lists: page one holds them all


def _attention(conn, at_end: list[dict], last: dt.date, codes: set[str], district, manager) -> dict:
    """What needs attention at the month's end: the most overdue shops, the largest churn
    warnings (as of the month's end), and the complaints still open then."""
    from custcli.domain.churn import orders_day, warnings

    overdue = [r for r in at_end if r["days_overdue"] > 0][:ATTENTION_ROWS]
    # in the month under way, as far as the order data runs (no shop is silent for the days
    # an order file has not reached yet)
    as_of = last if last == month_end(last) else min(last, orders_day(conn, None, last))
    slipping, _count = warnings(
        conn, as_of, district=district, manager=manager, first=ATTENTION_ROWS
    )
    open_complaints = _open_complaints(conn, codes, last)[:ATTENTION_ROWS]
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


def _open_complaints(conn, codes: set[str], day: dt.date) -> list[dict]:
    """The complaints of these shops open at the end of a day, oldest first."""
    return [
        c
        for c in visit_q.complaints(conn, opened_by=day.isoformat(), scope=Scope(shops=ALL))
        if c["code"] in codes and not (c["resolved_on"] and c["resolved_on"] <= day.isoformat())
    ]


def weekly(
    conn: sqlite3.Connection,
    monday: dt.date,
    today: dt.date,
    district: str | None = None,
    manager: str | None = None,
) -> dict:
    """The week for the 周例会: its visits and what they found, the shops due in it and not
    visited, the promises (follow-ups) falling due the week after, and the complaints open
    at its end. The week under way runs to today; one not yet begun is refused."""
    if monday > today:
        raise BadInput(
            "the week of {day} has not begun; a report is of this week or one before it",
            day=monday.isoformat(),
        )
    sunday = monday + dt.timedelta(days=6)
    through = min(sunday, today)
    part = _part(conn, monday, through, district, manager, orders=False)
    after, week_after = sunday + dt.timedelta(days=1), sunday + dt.timedelta(days=7)
    promises = [
        f
        for f in visit_q.followups(
            conn, open_only=True, due_by=week_after.isoformat(), scope=Scope(shops=ALL)
        )
        if f["code"] in part.codes and f["due"] and f["due"] >= after.isoformat()
    ]
    complaints = _open_complaints(conn, part.codes, through)
    year, number, _day = monday.isocalendar()
    summary = {
        k: v
        for k, v in _summary(conn, None, part, district, manager).items()
        if not k.startswith("order") and k != "month"
    }
    summary = {
        "week": f"{year}-W{number:02d}",
        **summary,
        "complete": through == sunday,
        "followups_due_next_week": len(promises),
        "complaints_open": len(complaints),
    }
    return {
        "summary": summary,
        "period": {"first": monday.isoformat(), "last": through.isoformat()},
        VISITS.name: part.visits,
        "not_visited": part.not_visited,
        "followups_due": [{k: f[k] for k in ("code", "name", "due", "text")} for f in promises],
        "complaints_open": [
            {k: c[k] for k in ("code", "name", "opened_on", "kind", "text")} for c in complaints
        ],
        "attention": {
            "overdue": [
                {k: r[k] for k in ("code", "name", "days_overdue", "last_visit")}
                for r in part.not_visited
                if r["days_overdue"] > 0
            ][:ATTENTION_ROWS],
            "churn": [],
            COMPLAINTS.name: [
                {k: c[k] for k in ("code", "name", "opened_on", "kind", "text")}
                for c in complaints[:ATTENTION_ROWS]
            ],
        },
    }


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _change(now: float | None, before: float | None) -> float | None:
    return round((now - before) / before * 100, 1) if before and now is not None else None


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


def _by_class(conn, first: dt.date, last: dt.date, ids: set[int]) -> dict[str, float]:
    volume: dict[str, float] = defaultdict(float)
    for line in q.orders_by_brand(conn, first.isoformat(), last.isoformat()):
        if line["customer_id"] not in ids:
            continue
        line.setdefault("retail_price", None)
        volume[PRICE_CLASS_CODES.get(line_class(line), UNKNOWN_CLASS)] += line["qty"]
    order = [*PRICE_CLASS_CODES.values(), UNKNOWN_CLASS]
    return {name: volume[name] for name in order if volume.get(name)}


def managers(conn: sqlite3.Connection, month: str, today: dt.date) -> list[dict]:
    """Per account manager, from the data alone: customers, visit coverage, follow-ups kept
    on time, complaints and time to resolve, customers' volume change, satisfaction."""
    from custcli.db import insights

    first_day, last_day = parse_month(month)
    if first_day > today:
        raise BadInput(
            "{month} has not begun; a report is of this month or one before it", month=month
        )
    under_way = today <= last_day
    last_day = min(last_day, today)
    first, last = first_day.isoformat(), last_day.isoformat()
    # read once, split per manager; the figures the part does not hold, one grouped query each
    everyone = _part(conn, first_day, last_day, None, None, under_way=under_way)
    parts = everyone.by_manager()
    followups_due = insights.followups_due(conn, first, last)
    complaint_times = insights.complaint_times(conn, first, last)
    satisfactions = insights.satisfaction(conn, first, last)
    evaluation = []
    for manager in insights.managers(conn):
        theirs = parts.get(manager) or everyone.sub([], [], [])  # no shop at the month's end
        summary = _summary(conn, month, theirs, None, manager)
        followups = followups_due.get(manager, {"due": 0, "kept": 0})
        complaints = complaint_times.get(manager, {"opened": 0, "avg_days": None})
        satisfaction = satisfactions.get(manager)
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
