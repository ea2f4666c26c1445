"""Visit cycles: when each customer falls due, and who is overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from custcli.kinds.normalize import weekdays

# Where a card has no visit cycle, its tier sets one: larger shops are seen more often.
DEFAULT_CYCLE_BY_TIER = ((20, 7), (8, 14), (1, 30))  # (lowest tier, days)
DEFAULT_CYCLE_NO_TIER = 14
FIELD_VISIT = "field"  # the visit kind (a code of fields.VISIT_KINDS) that resets the cycle

# Stated once, here and in `cust due --help`.
DUE_RULE = (
    "A shop falls due on its last field visit plus its visit cycle (the card's, or its tier's:"
    " tier 20+ weekly, 8+ every 14 days, else monthly; 14 days without a tier). Where the card"
    " names its order weekday(s), the due day moves forward to the next of them, never earlier"
    " than the cycle allows. A shop never visited is due today."
)


def cycle_days(customer: dict) -> int:
    if customer.get("visit_cycle_days"):
        return customer["visit_cycle_days"]
    tier = customer.get("tier")
    if tier is None:
        return DEFAULT_CYCLE_NO_TIER
    return next(days for lowest, days in DEFAULT_CYCLE_BY_TIER if tier >= lowest)


def next_due(customer: dict, last_field_visit: dt.date | None, today: dt.date) -> dt.date:
    """The day the next field visit falls due (see DUE_RULE)."""
    if last_field_visit is None:
        return today
    due = last_field_visit + dt.timedelta(days=cycle_days(customer))
    days = weekdays(customer.get("order_day"))
    if days:
        due += dt.timedelta(days=_to_order_day(days, due.weekday()))
    return due


def _to_order_day(days: tuple[int, ...], weekday: int) -> int:
    """Days from a weekday forward to the first of the order weekdays (0 when it is one)."""
    return min((day - weekday) % 7 for day in days)


def order_day_shifts(texts: Iterable[str | None]) -> list[tuple[str, str]]:
    """(order day text, days forward from each weekday, Monday first, as seven digits) for
    each text that names weekdays: the due rule's move to the order day, as the database
    can look it up (`db.visits.due_ranked`). 周二 → "1065432"."""
    return [
        (text, "".join(str(_to_order_day(days, weekday)) for weekday in range(7)))
        for text in texts
        if (days := weekdays(text))
    ]


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
