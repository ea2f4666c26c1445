"""Visit cycles: when each customer falls due, and who is overdue."""

from __future__ import annotations

import datetime as dt
import functools

# Where a card has no visit cycle, its tier sets one: larger shops are seen more often.
DEFAULT_CYCLE_BY_TIER = ((20, 7), (8, 14), (1, 30))  # (lowest tier, days)
DEFAULT_CYCLE_NO_TIER = 14
FIELD_VISIT = "field"  # the visit kind (a code of fields.VISIT_KINDS) that resets the cycle
WEEKDAYS = {
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}


def cycle_days(customer: dict) -> int:
    if customer.get("visit_cycle_days"):
        return customer["visit_cycle_days"]
    tier = customer.get("tier")
    if tier is None:
        return DEFAULT_CYCLE_NO_TIER
    return next(days for lowest, days in DEFAULT_CYCLE_BY_TIER if tier >= lowest)


@functools.cache
def order_weekday(order_cycle: str | None) -> int | None:
    """周二, 每周二, 星期二, Tue → 1; None when the text names no single weekday."""
    if not order_cycle:
        return None
    text = order_cycle.strip().lower()
    for prefix in ("每周", "周", "星期", "礼拜"):
        if prefix in text:
            rest = text.split(prefix, 1)[1][:1]
            return WEEKDAYS.get(rest)
    return WEEKDAYS.get(text[:3])


def next_due(customer: dict, last_field_visit: dt.date | None, today: dt.date) -> dt.date:
    """The day the next field visit falls due.

    Cycle days after the last field visit; never visited means due today. Where the shop
    orders on a fixed weekday, the visit moves to the day before the order day at or before
    that date, so the manager can help shape the order (never to or before the last visit).
    """
    if last_field_visit is None:
        return today
    due = last_field_visit + dt.timedelta(days=cycle_days(customer))
    weekday = order_weekday(customer.get("order_cycle"))
    if weekday is not None:
        eve = (weekday - 1) % 7
        shaped = due - dt.timedelta(days=(due.weekday() - eve) % 7)
        if shaped > last_field_visit:
            due = shaped
    return due


def due_list(customers: list[dict], last_visits: dict[int, str], today: dt.date) -> list[dict]:
    """Customers due or overdue on a day, most overdue first, then larger tiers first."""
    rows = []
    for customer in customers:
        last = last_visits.get(customer["id"])
        last_date = dt.date.fromisoformat(last) if last else None
        due = next_due(customer, last_date, today)
        if due <= today:
            rows.append(
                {
                    "code": customer["code"],
                    "name": customer["name"],
                    "tier": customer.get("tier"),
                    "district": customer.get("district"),
                    "account_manager": customer.get("account_manager"),
                    "last_visit": last,
                    "cycle_days": cycle_days(customer),
                    "due": due.isoformat(),
                    "days_overdue": (today - due).days,
                }
            )
    rows.sort(key=lambda r: (-r["days_overdue"], -(r["tier"] or 0), r["code"]))
    return rows
