"""Dates as people type them, and the next time a birthday or anniversary comes round."""

from __future__ import annotations

import datetime as dt
import functools
import re

from custcli.errors import BadInput
from custcli.kinds.normalize import cn_number, halfwidth, parse_date
from custcli.months import add_months, month_start
from custcli.patterns import lazy

# The days cust takes: what shops and their owners have lived through, and a while ahead.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
_RELATIVE_RE = lazy(r"([+-]\d+)\s*d")
_MONTH_DAY_RE = lazy(r"(\d{1,2})[-/.](\d{1,2})")
_CN_MONTH_DAY_RE = lazy(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_DAYS_AGO_RE = lazy(r"(\d+|[一二两三四五六七八九十]+)\s*天\s*(前|后|以前|以后|之前|之后)")
_WEEKDAY_RE = lazy(r"(上上|上|本|这|下下|下)?(?:周|星期|礼拜)([一二三四五六日天])")
_WORDS = {
    "today": 0,
    "今天": 0,
    "今日": 0,
    "yesterday": -1,
    "昨天": -1,
    "昨日": -1,
    "前天": -2,
    "大前天": -3,
    "tomorrow": 1,
    "明天": 1,
    "明日": 1,
    "后天": 2,
    "大后天": 3,
}
_WEEK_OFFSETS = {"上上": -2, "上": -1, None: 0, "本": 0, "这": 0, "下": 1, "下下": 2}
_WEEKDAY_NUMBERS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def parse_when(text: str | None, today: dt.date) -> dt.date:
    """A day as people type it, in Chinese or English: 今天, 昨天, 前天, 3天前, 2天后, 下周一,
    本周五, 上周三, 12月1日, 2026年12月1日, today, yesterday, -3d, +2d, 11-20, 2026-11-20.
    A weekday without 上/下 is this week's (weeks start on Monday)."""
    if text is None:
        return today
    value = halfwidth(text).strip().lower().replace(" ", "")
    try:
        day = _when(value, today)
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValueError("out of range")
        return day
    except (ValueError, OverflowError):
        raise BadInput(
            "{text!r} is not a date; use today, yesterday, -3d, 11-20 or 2026-11-20", text=text
        ) from None


def _when(value: str, today: dt.date) -> dt.date:
    if len(value) == 10 and value[4] == value[7] == "-":  # 2026-11-20, as scripts write it:
        return dt.date.fromisoformat(value)  # read before any pattern is compiled
    if value in _WORDS:
        return today + dt.timedelta(days=_WORDS[value])
    match = _RELATIVE_RE.fullmatch(value)
    if match:
        return today + dt.timedelta(days=int(match.group(1)))
    match = _DAYS_AGO_RE.fullmatch(value)
    if match:
        count = int(match.group(1)) if match.group(1).isdigit() else cn_number(match.group(1))
        if count is None:
            raise ValueError("not a number of days")
        return today + dt.timedelta(days=-count if "前" in match.group(2) else count)
    match = _WEEKDAY_RE.fullmatch(value)
    if match:
        monday = today - dt.timedelta(days=today.weekday())
        week = _WEEK_OFFSETS[match.group(1)]
        return monday + dt.timedelta(weeks=week, days=_WEEKDAY_NUMBERS[match.group(2)])
    match = _MONTH_DAY_RE.fullmatch(value) or _CN_MONTH_DAY_RE.fullmatch(value)
    if match:
        return dt.date(today.year, int(match.group(1)), int(match.group(2)))
    return dt.date.fromisoformat(parse_date(value) or "")


_CN_MONTH_RE = lazy(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:份)?")
_MONTH_WORDS = {"本月": 0, "这个月": 0, "当月": 0, "上月": -1, "上个月": -1, "下月": 1, "下个月": 1}


def month_typed(text: str | None, today: dt.date) -> str | None:
    """A month as people type it, as YYYY-MM: 本月, 上月, 上个月, 10月 (this year),
    2026年10月, 2026-10, 2026/10; None stays None."""
    if text is None:
        return None
    value = halfwidth(text).strip().replace(" ", "")
    if value in _MONTH_WORDS:
        return add_months(month_start(today), _MONTH_WORDS[value]).isoformat()[:7]
    match = _CN_MONTH_RE.fullmatch(value)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{int(match.group(1) or today.year):04d}-{int(match.group(2)):02d}"
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})", value)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{match.group(1)}-{int(match.group(2)):02d}"
    raise BadInput("{text!r} is not a month; use YYYY-MM, e.g. 2026-11", text=text)


_WEEK_WORDS = {"本周": 0, "这周": 0, "本星期": 0, "上周": -1, "上星期": -1, "上个星期": -1,
               "下周": 1}  # fmt: skip


def week_typed(text: str | None, today: dt.date) -> dt.date:
    """The Monday of a week as people name it: 本周 (the default), 上周, 2026-W48, or any day
    in it (2026-11-25, 11月25日, 昨天)."""
    value = halfwidth(text or "本周").strip().replace(" ", "")
    monday = today - dt.timedelta(days=today.weekday())
    if value in _WEEK_WORDS:
        return monday + dt.timedelta(weeks=_WEEK_WORDS[value])
    match = re.fullmatch(r"(\d{4})-?[Ww](\d{1,2})", value)
    if match:
        try:
            return dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            raise BadInput("{text!r} is not a week of that year", text=text) from None
    try:
        day = parse_when(value, today)
    except BadInput:
        raise BadInput(
            "{text!r} is not a week; use 本周, 上周, 2026-W48 or a day in it", text=text
        ) from None
    return day - dt.timedelta(days=day.weekday())


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


def year_less(stored: str) -> str:
    """A stored year-day without its year (1980-03-08 → --03-08, lunar:1980-10-05 →
    lunar:--10-05): the days it comes round on are the same."""
    return f"lunar:--{stored[-5:]}" if stored.startswith("lunar:") else f"--{stored[-5:]}"


def next_occurrence(stored: str, on_or_after: dt.date) -> dt.date | None:
    """The first day on or after a date when a birthday or anniversary comes round."""
    for year in (on_or_after.year - 1, on_or_after.year, on_or_after.year + 1):
        # A lunar date of late last year can fall early this year, hence year - 1.
        day = occurrence_in(stored, year)
        if day is not None and day >= on_or_after:
            return day
    return None
