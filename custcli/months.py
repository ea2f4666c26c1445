"""Month arithmetic, in one place: first days, adding months, complete months, windows."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from custcli.errors import BadInput


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_end(day: dt.date) -> dt.date:
    """The day after the last complete month as of `day`: the 1st of its month, or of the
    next month when `day` is a month's last day (orders up to 10-31 complete October)."""
    return month_start(day + dt.timedelta(days=1))


def add_months(first: dt.date, months: int) -> dt.date:
    """The first day of the month `months` away from `first`'s month."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    return add_months(month_start(day), 1) - dt.timedelta(days=1)


def month_keys(first: dt.date, count: int) -> list[str]:
    return [add_months(first, i).isoformat()[:7] for i in range(count)]


def shift_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` months away, kept to the month's last day (05-31 - 3 → 02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def year_to(day: dt.date) -> tuple[str, str]:
    """The twelve months ending with `day`, as [first, before) ISO dates."""
    before = day + dt.timedelta(days=1)
    return shift_months(before, -12).isoformat(), before.isoformat()


def whole_months(first: str, before: str) -> tuple[tuple[str, str] | None, list[tuple[str, str]]]:
    """[first, before) (ISO dates) as the whole months it covers, ('YYYY-MM', 'YYYY-MM')
    half-open (None when it covers none), and the day ranges left at its edges."""
    start = dt.date.fromisoformat(first)
    whole_first = (start if start.day == 1 else add_months(month_start(start), 1)).isoformat()[:7]
    whole_before = before[:7]
    if whole_first >= whole_before:  # inside one month, or across the edge of two
        return None, [(first, before)]
    edges = []
    if first < f"{whole_first}-01":
        edges.append((first, f"{whole_first}-01"))
    if f"{whole_before}-01" < before:
        edges.append((f"{whole_before}-01", before))
    return (whole_first, whole_before), edges


def cut_months(edges: Iterable[str], through: str) -> list[str]:
    """The months ('YYYY-MM') that whole-month sums cannot answer for: those an edge (an ISO
    date) falls inside of, not on their first day, and through's month unless through is
    its last day."""
    months = {edge[:7] for edge in edges if not edge.endswith("-01")}
    if (dt.date.fromisoformat(through) + dt.timedelta(days=1)).day != 1:
        months.add(through[:7])
    return sorted(months)


def parse_month(text: str) -> tuple[dt.date, dt.date]:
    """YYYY-MM → (first day, last day). What people type (本月, 10月…) becomes YYYY-MM at the
    edge: dates.month_typed."""
    try:
        first = dt.date.fromisoformat(f"{text.strip()}-01")
    except ValueError:
        raise BadInput("{text!r} is not a month; use YYYY-MM, e.g. 2026-11", text=text) from None
    return first, month_end(first)
