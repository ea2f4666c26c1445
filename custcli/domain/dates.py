"""Dates as people type them, and the next time a birthday or anniversary comes round."""

from __future__ import annotations

import datetime as dt
import functools
import re

from custcli.domain.normalize import parse_date
from custcli.errors import BadInput

_RELATIVE_RE = re.compile(r"([+-]\d+)\s*d")
_MONTH_DAY_RE = re.compile(r"(\d{1,2})[-/.](\d{1,2})")


def parse_when(text: str | None, today: dt.date) -> dt.date:
    """today, yesterday, tomorrow, -3d, +2d, 2026-11-20, 11-20 (this year) or 2026/11/20."""
    if text is None:
        return today
    value = text.strip().lower()
    words = {"today": 0, "今天": 0, "yesterday": -1, "昨天": -1, "tomorrow": 1, "明天": 1}
    if value in words:
        return today + dt.timedelta(days=words[value])
    match = _RELATIVE_RE.fullmatch(value)
    if match:
        return today + dt.timedelta(days=int(match.group(1)))
    match = _MONTH_DAY_RE.fullmatch(value)
    try:
        if match:
            return dt.date(today.year, int(match.group(1)), int(match.group(2)))
        return dt.date.fromisoformat(parse_date(value) or "")
    except ValueError:
        raise BadInput(
            "{text!r} is not a date; use today, yesterday, -3d, 11-20 or 2026-11-20", text=text
        ) from None


def parse_month(text: str) -> tuple[dt.date, dt.date]:
    """YYYY-MM → (first day, last day)."""
    try:
        first = dt.date.fromisoformat(f"{text.strip()}-01")
    except ValueError:
        raise BadInput("{text!r} is not a month; use YYYY-MM, e.g. 2026-11", text=text) from None
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


@functools.cache  # a file's birthdays share a few hundred month-days; convert each once
def occurrence_in(stored: str, year: int) -> dt.date | None:
    """The solar date a stored year-day (solar, --MM-DD or lunar:…) falls on in a year."""
    if stored.startswith("lunar:"):
        from lunardate import LunarDate

        _year, month, day = stored[6:].rsplit("-", 2)
        for lunar_day in (int(day), 29):  # a 30th in a short lunar month is kept on its 29th
            try:
                return LunarDate(year, int(month), lunar_day).to_solar_date()
            except ValueError:
                continue
        return None
    month, day = int(stored[-5:-3]), int(stored[-2:])
    try:
        return dt.date(year, month, day)
    except ValueError:  # 02-29 in a common year: kept on 02-28
        return dt.date(year, month, day - 1)


def next_occurrence(stored: str, on_or_after: dt.date) -> dt.date | None:
    """The first day on or after a date when a birthday or anniversary comes round."""
    for year in (on_or_after.year - 1, on_or_after.year, on_or_after.year + 1):
        # A lunar date of late last year can fall early this year, hence year - 1.
        day = occurrence_in(stored, year)
        if day is not None and day >= on_or_after:
            return day
    return None


def shift_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` months away, kept to the month's last day (05-31 - 3 → 02-28)."""
    import calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def year_to(day: dt.date) -> tuple[str, str]:
    """The twelve months ending with `day`, as [first, before) ISO dates."""
    before = day + dt.timedelta(days=1)
    return shift_months(before, -12).isoformat(), before.isoformat()
