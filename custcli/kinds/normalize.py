"""Normalisers: turn what a spreadsheet cell or a command-line option holds into a stored value.

Every `parse_*` takes whatever a reader gives (str, int, float, date, datetime or None),
returns the canonical stored value or None for "empty", and raises ValueError with a short
reason that never quotes the value (reasons end up in logs beside row numbers, and the values
are customers' personal data). Every `render_*` is the inverse for display and export:
`parse_x(render_x(v)) == v` for every stored value v.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata

from custcli.patterns import lazy

# Excel's day zero for the 1900 date system (serial 1 = 1900-01-01, with the fake 1900-02-29).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serials Excel can show as dates people actually have: 1930-01-01 .. 2099-12-31.
_SERIAL_RANGE = (10959, 73050)

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def clean_text(value: object) -> str | None:
    """Trim every kind of space (ideographic U+3000 and NBSP included); empty is None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\u00a0", " ").strip()
    return text or None


def halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", text)


_NUMBER_SEPARATORS_RE = lazy(r"[\s\-‐‑–—]+")


def typed_digits(text: str) -> str | None:
    """The digits of what a person typed as a code, licence or phone: "０５３…", "138 1234 0002"
    and "0871-6543 2100" give their digits; None when the text is not digits and separators."""
    folded = _NUMBER_SEPARATORS_RE.sub("", halfwidth(text))
    return folded if folded.isdigit() and folded.isascii() else None


def parse_text(value: object) -> str | None:
    return clean_text(value)


def render_text(value: str | None, lang: str = "en") -> str:
    return "" if value is None else str(value)


# --- codes and licence numbers -------------------------------------------------------------

_CODE_RE = lazy(r"[0-9A-Za-z][0-9A-Za-z_\-.]*")
_SCIENTIFIC_RE = lazy(r"\d+(\.\d+)?[eE][+-]\d+")  # how Excel writes a long number: 5.3E+11
_POINT_ZEROS_RE = lazy(r"\d+\.0+")


def parse_code(value: object) -> str | None:
    """A customer code as text: keeps leading zeros, undoes Excel's "123.0" and refuses "1.2E+11".

    A code that Excel turned into scientific notation has lost digits that nothing can restore.
    """
    if isinstance(value, bool):
        raise ValueError("not a code")
    if isinstance(value, float):
        if not value.is_integer() or not math.isfinite(value):
            raise ValueError("not a whole-number code")
        value = int(value)
    text = clean_text(value)
    if text is None:
        return None
    text = halfwidth(text).lstrip("'").replace(" ", "")
    if _SCIENTIFIC_RE.fullmatch(text):
        raise ValueError(
            "code was turned into scientific notation by Excel and has lost digits;"
            " format the column as text and export again"
        )
    if _POINT_ZEROS_RE.fullmatch(text):
        text = text.split(".")[0]
    if not _CODE_RE.fullmatch(text):
        raise ValueError("a code is letters and digits")
    return text


def typed_license(text: str) -> None:
    """A licence number typed by a person is whole: 12 digits (a file's may have lost its
    zeros, and is padded; a person's has not)."""
    if not (text.isdigit() and len(text) == 12):
        raise ValueError("a licence number is 12 digits, e.g. 530102100123")


def parse_license(value: object) -> str | None:
    """A 12-digit licence number. One that came as a number lost its leading zeros: pad it."""
    came_as_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    text = parse_code(value)
    if text is None:
        return None
    if came_as_number and text.isdigit() and len(text) < 12:
        text = text.zfill(12)
    return text


# --- phones --------------------------------------------------------------------------------

_MOBILE_RE = lazy(r"1[3-9]\d{9}")
_LANDLINE_RE = lazy(r"0\d{9,11}")
_PHONE_SPLIT_RE = lazy(r"[/,;，；、]|\s{2,}")
_PHONE_SEPARATORS_RE = lazy(r"[\s\-()（）.]")
_COUNTRY_CODE_RE = lazy(r"^(\+?86|0086)(?=1\d{10}$)")
_AREA_CODE_APART_RE = lazy(r"\s*(?:\((0\d{2,3})\)|(0\d{2,3})[\s\-]+)\s*(\d{7,8})\s*")


def _one_phone(raw: str) -> str:
    text = halfwidth(raw)
    # Area code kept apart from the number only where the writer made it clear with a separator.
    digits = _PHONE_SEPARATORS_RE.sub("", text)
    digits = _COUNTRY_CODE_RE.sub("", digits)
    if not digits.isdigit():
        raise ValueError("a phone number is digits, spaces and dashes")
    if _MOBILE_RE.fullmatch(digits):
        return digits
    sep = _AREA_CODE_APART_RE.fullmatch(text)
    if sep:
        return f"{sep.group(1) or sep.group(2)}-{sep.group(3)}"
    if _LANDLINE_RE.fullmatch(digits):
        # 3-digit area codes are 010 and 02x; every other one has four digits.
        cut = 3 if digits.startswith(("010", "02")) else 4
        if 7 <= len(digits) - cut <= 8:
            return f"{digits[:cut]}-{digits[cut:]}"
    if 7 <= len(digits) <= 8:
        return digits  # a local number without area code
    raise ValueError("not a mobile (11 digits from 1) or a landline with area code")


def parse_phone(value: object) -> str | None:
    """Mobiles as 11 digits; landlines as area code, dash, number; several joined by "/"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(value)
    if text is None:
        return None
    parts = [p for p in _PHONE_SPLIT_RE.split(text) if p.strip()]
    return "/".join(_one_phone(p) for p in parts)


# --- numbers -------------------------------------------------------------------------------

_NUMBER_RE = lazy(r"[-+]?\d+(?:\.\d+)?")
_UNIT_SUFFIX_RE = lazy(r"(元/条|元/包|元|条|箱|包|支|件|个|次|天|%)$")


def parse_number(value: object) -> float | None:
    """A number from 1,234.50元, 52条, ￥30 or a numeric cell."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return float(value)
    text = clean_text(value)
    if text is None:
        return None
    text = halfwidth(text).replace(",", "").replace(" ", "").lstrip("¥￥$")
    text = _UNIT_SUFFIX_RE.sub("", text)
    if not _NUMBER_RE.fullmatch(text):
        raise ValueError("not a number")
    return float(text)


# The dearest carton sold is a few thousand yuan; a price past this is a typing slip.
MAX_PRICE = 100_000


def parse_price(value: object) -> float | None:
    """A price in yuan a carton: a number above 0 and below MAX_PRICE (￥260, 260元)."""
    number = parse_number(value)
    if number is None:
        return None
    if not 0 < number < MAX_PRICE:
        raise ValueError("a price above 0 and below 100000 yuan a carton")
    return number


def _degrees(value: object, low: float, high: float, what: str) -> float | None:
    number = parse_number(value)
    if number is None:
        return None
    if not low <= number <= high:
        raise ValueError(what)
    return number


def parse_longitude(value: object) -> float | None:
    """Degrees east, as China's are: 73 to 136."""
    return _degrees(value, 73, 136, "a longitude is degrees east, 73 to 136")


def parse_latitude(value: object) -> float | None:
    """Degrees north, as China's are: 3 to 54."""
    return _degrees(value, 3, 54, "a latitude is degrees north, 3 to 54")


def render_number(value: float | None, lang: str = "en") -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def cn_number(text: str) -> int | None:
    """Chinese numerals up to 99 (九, 十四, 二十六) as an int; None when it is not one."""
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[c]) for c in text)) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def parse_int(value: object) -> int | None:
    number = parse_number(value)
    if number is None:
        return None
    if not float(number).is_integer():
        raise ValueError("not a whole number")
    return int(number)


def render_int(value: int | None, lang: str = "en") -> str:
    return "" if value is None else str(value)


def parse_tier(value: object) -> int | None:
    """A 档位 from 12, "12档", "D12", "第12档" or "十二档"; 1 to 30 in the trade."""
    text = clean_text(value)
    if text is None:
        return None
    text = halfwidth(text).upper().removeprefix("第").removeprefix("D").removesuffix("档")
    tier = cn_number(text)
    if tier is None:
        try:
            tier = parse_int(text)
        except ValueError:
            raise ValueError("a tier is a number from 1 to 30 (12, 12档, D12)") from None
    if tier is None or not 1 <= tier <= 30:
        raise ValueError("a tier is a number from 1 to 30")
    return tier


_TIERS_RE = lazy(
    r"(?:第)?D?(\d{1,2}|[一二三四五六七八九十]{1,3})档?"
    r"(?:\s*(?:-|~|～|—|至|到)\s*(?:第)?D?(\d{1,2}|[一二三四五六七八九十]{1,3}))?\s*档?(?:及以上)?"
)


def parse_tiers(value: object) -> str | None:
    """The tiers a supply allowance is for, as "low-high": 12, 12档, D12 → 12-12; 26-30档,
    D30-D26, 26~30 → 26-30; 26档及以上 → 26-30. 1 to 30 in the trade."""
    text = clean_text(value)
    if text is None:
        return None
    text = halfwidth(text).upper().replace(" ", "")
    match = _TIERS_RE.fullmatch(text)
    if not match:
        raise ValueError("tiers are 12, 12档, D12, or a range such as 26-30档")
    numbers = [cn_number(g) if not g.isdigit() else int(g) for g in match.groups() if g]
    low, high = min(numbers), max(numbers)
    if text.endswith("及以上"):
        high = 30
    if not (1 <= low <= high <= 30):
        raise ValueError("tiers run from 1 to 30")
    return f"{low}-{high}"


# --- visit cycles --------------------------------------------------------------------------

_CYCLE_WORDS = {
    "每天": 1,
    "每日": 1,
    "天": 1,
    "每周": 7,
    "一周一次": 7,
    "周": 7,
    "一周": 7,
    "每星期": 7,
    "单周": 14,  # odd weeks: every other week, as 双周 (even weeks) is
    "双周": 14,
    "两周": 14,
    "每两周": 14,
    "两周一次": 14,
    "隔周": 14,
    "半月": 15,
    "每半月": 15,
    "半月一次": 15,
    "每月": 30,
    "月": 30,
    "一月一次": 30,
    "每月一次": 30,
    "每周一次": 7,
    "每星期一次": 7,
}
# 周二, 每周二, 星期四, 周二、周五, 周二、五, but not 每周一次 (once a week) or 周三次.
_WEEKDAY_MENTION_RE = lazy(
    r"(?:每)?(?:周|星期|礼拜)[一二三四五六日天]"
    r"(?:[、,，/和及]?(?:周|星期)?[一二三四五六日天])*(?!次)"
)
_TIMES_PER_RE = lazy(r"(?:每|一)?(月|周|星期)(\d+|[一二两三四五六七八九十]+)次")


def parse_cycle(value: object) -> int | None:
    """Visit cycle in days: 7, "7天", "每周", "一周一次", "双周", "每月", "10天", and as rosters
    write it with its day: "周四" and "每周二" (7), "周二、周五" (7), "单周周四" and "双周周一"
    (14: every other week), "每月2次" (15), "每周3次" (2). The weekdays themselves are the
    order day's, which the registry fills from the same text."""
    text = clean_text(value)
    if text is None:
        return None
    text = halfwidth(text).replace(" ", "")
    if _WEEKDAY_MENTION_RE.search(text):
        rest = _WEEKDAY_MENTION_RE.sub("", text).strip("、,，/和及每")
        return _CYCLE_WORDS.get(rest, 7) if rest in ("", *_CYCLE_WORDS) else parse_cycle(rest)
    times = _TIMES_PER_RE.fullmatch(text)
    if times:
        count = int(times.group(2)) if times.group(2).isdigit() else cn_number(times.group(2))
        if not count:
            raise ValueError("a visit cycle is days (7, 10天) or 每周, 双周, 每月")
        return max(1, round((30 if times.group(1) == "月" else 7) / count))
    if text in _CYCLE_WORDS:
        return _CYCLE_WORDS[text]
    match = re.fullmatch(r"(?:每)?(\d+|[一二两三四五六七八九十]+)(天|日|周|月)(?:一次)?", text)
    if match:
        count = int(match.group(1)) if match.group(1).isdigit() else cn_number(match.group(1))
        days = count * {"天": 1, "日": 1, "周": 7, "月": 30}[match.group(2)] if count else 0
    else:
        try:
            days = parse_int(text)
        except ValueError:
            raise ValueError("a visit cycle is days (7, 10天) or 每周, 双周, 每月") from None
    if not days or not 1 <= days <= 366:
        raise ValueError("a visit cycle is 1 to 366 days")
    return days


# --- dates ---------------------------------------------------------------------------------

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
)
_CN_DATE_RE = lazy(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")


def excel_serial_to_date(serial: float) -> dt.date:
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_date(value: object) -> str | None:
    """An ISO date from a date cell, an Excel serial, 2024/3/5, 2024年3月5日 or 20240305."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return excel_serial_to_date(value).isoformat()
        if isinstance(value, int) or float(value).is_integer():
            value = str(int(value))  # 20240305 typed as a number
        else:
            raise ValueError("not a date")
    text = clean_text(value)
    if text is None:
        return None
    text = halfwidth(text)
    try:  # ISO dates are most of what a system export holds: the C parser first
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    match = _CN_DATE_RE.fullmatch(text)
    if match:
        text = "-".join(match.groups())
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    if re.fullmatch(r"\d{5}(\.\d+)?", text) and _SERIAL_RANGE[0] <= float(text) <= _SERIAL_RANGE[1]:
        return excel_serial_to_date(float(text)).isoformat()  # a serial written as text
    raise ValueError("not a date (use 2024-03-05, 2024/3/5 or 2024年3月5日)")


# --- days in the year (birthdays, anniversaries), solar or lunar ---------------------------

_LUNAR_MONTHS = ["正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊"]
_LUNAR_DAY_TENS = ["初", "十", "廿", "三"]


def _lunar_month_name(month: int) -> str:
    return _LUNAR_MONTHS[month - 1] + "月"


def _lunar_day_name(day: int) -> str:
    if day == 10:
        return "初十"
    if day == 20:
        return "二十"
    if day == 30:
        return "三十"
    return _LUNAR_DAY_TENS[day // 10] + "一二三四五六七八九"[day % 10 - 1]


_LUNAR_MONTH_BY_NAME = {_lunar_month_name(m).removesuffix("月"): m for m in range(1, 13)}
_LUNAR_MONTH_BY_NAME.update({"元": 1, "十一": 11, "十二": 12, "臘": 12})
_LUNAR_DAY_BY_NAME = {_lunar_day_name(d): d for d in range(1, 31)}


def _lunar_number(text: str, names: dict[str, int]) -> int | None:
    return int(text) if text.isdigit() else names.get(text)


def parse_yearday(value: object) -> str | None:
    """A birthday or anniversary, stored as one of:

    "1975-04-12" (solar, year known), "--04-12" (solar, year unknown, ISO 8601),
    "lunar:--03-08" or "lunar:1975-03-08" (lunar month and day: 农历三月初八).
    Accepts those forms, any date form parse_date takes, "4月12日", "04-12", and
    "农历三月初八" / "农历3月8日" / "lunar 3-8".
    """
    text = clean_text(value) if isinstance(value, str) else None
    if text is None:
        if value is None or value == "":
            return None
        return parse_date(value)
    text = halfwidth(text).replace(" ", "")
    lunar = text.startswith(("农历", "lunar:", "lunar", "阴历"))
    if lunar:
        text = re.sub(r"^(农历|阴历|lunar:?)", "", text)
    year = None
    match = re.fullmatch(
        r"(?:(\d{4})[-/.年])?(\d{1,2}|[正元冬腊臘一二三四五六七八九十]+)[-/.月]"
        r"(\d{1,2}|[初十廿三一二四五六七八九]+)[日号]?",
        text.removeprefix("--"),
    )
    if match and lunar:
        year = match.group(1)
        month = _lunar_number(match.group(2), _LUNAR_MONTH_BY_NAME)
        day = _lunar_number(match.group(3), _LUNAR_DAY_BY_NAME)
        if not month or not day or not (1 <= month <= 12 and 1 <= day <= 30):
            raise ValueError("not a lunar month and day (农历三月初八)")
        return f"lunar:{year or '-'}-{month:02d}-{day:02d}"
    if lunar:
        raise ValueError("not a lunar month and day (农历三月初八)")
    if match and match.group(2).isdigit() and match.group(3).isdigit():
        year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        dt.date(int(year) if year else 2000, month, day)  # 2000 is a leap year: 02-29 is fine
        return f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
    return parse_date(text)


def render_yearday(value: str | None, lang: str = "zh") -> str:
    if not value:
        return ""
    if value.startswith("lunar:"):
        year, month, day = value[6:].rsplit("-", 2)
        year = year.strip("-")
        if lang == "zh":
            prefix = f"{year}年" if year else ""
            return f"农历{prefix}{_lunar_month_name(int(month))}{_lunar_day_name(int(day))}"
        return f"lunar {year + '-' if year else ''}{int(month)}-{int(day)}"
    return value.removeprefix("--")


def sql_case(column: str, words: dict[str, str], otherwise: str) -> str:
    """SQL saying each stored code of a column as its word, anything else as `otherwise`."""

    def quoted(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    branches = " ".join(f"WHEN {quoted(code)} THEN {quoted(word)}" for code, word in words.items())
    return f"CASE {column} {branches} ELSE {otherwise} END"


def sql_yearday(column: str) -> str:
    """SQL that says a stored day of the year as render_yearday says it in Chinese
    (lunar:--03-08 → 农历三月初八, --04-12 → 04-12), for those who read the file without
    cust (Datasette)."""
    months = sql_case(
        f"substr({column}, -5, 2)", {f"{m:02d}": _lunar_month_name(m) for m in range(1, 13)}, "''"
    )
    days = sql_case(
        f"substr({column}, -2)", {f"{d:02d}": _lunar_day_name(d) for d in range(1, 31)}, "''"
    )
    year = f"CASE WHEN substr({column}, 7, 1) = '-' THEN '' ELSE substr({column}, 7, 4) || '年' END"
    return (f"CASE WHEN {column} LIKE 'lunar:%' THEN '农历' || {year} || {months} || {days}"
            f" WHEN {column} LIKE '--%' THEN substr({column}, 3) ELSE {column} END")  # fmt: skip


# --- headers ----------------------------------------------------------------------------

MAX_HEADER_CHARS = 100  # longer text is data, not a column name
_BRACKETED_RE = lazy(r"[(\[【（].*?[)\]】）]")
_HEADER_SPACING_RE = lazy(r"[\s*:：_/\-]+")


def normalize_header(header: object) -> str:
    """A header as the matcher reads it: half-width, lower-case, no spaces, no "(条)" units."""
    text = unicodedata.normalize("NFKC", str(header or "")).strip().lower()
    return _HEADER_SPACING_RE.sub("", _BRACKETED_RE.sub("", text))


def header_text(cell: object) -> str:
    """A cell as a header: its clean text, or "" when it is too long to be a column's name."""
    if isinstance(cell, str) and len(cell) > MAX_HEADER_CHARS:
        return ""
    return clean_text(cell) or ""


# --- status --------------------------------------------------------------------------------

STATUSES = {"active": "在营", "suspended": "暂停", "closed": "关闭"}
# Words that settle a status wherever they stand in the text, checked in this order:
# 暂停营业 is suspended though it says 营业; 取消暂停 is not a case rosters have.
_STATUS_PARTS = (
    ("注销", "closed"),
    ("关闭", "closed"),
    ("关停", "closed"),
    ("吊销", "closed"),
    ("暂停", "suspended"),
    ("停业", "suspended"),
    ("歇业", "suspended"),
    ("休业", "suspended"),
    ("正常", "active"),
    ("营业", "active"),
    ("在营", "active"),
    ("有效", "active"),
)
_STATUS_WORDS = {
    "active": "active",
    "正常": "active",
    "在营": "active",
    "营业": "active",
    "有效": "active",
    "经营": "active",
    "suspended": "suspended",
    "暂停": "suspended",
    "停业": "suspended",
    "歇业": "suspended",
    "closed": "closed",
    "关闭": "closed",
    "注销": "closed",
    "无效": "closed",
    "已注销": "closed",
    "关停": "closed",
}


def sql_status(column: str) -> str:
    """SQL that says a stored status in Chinese (active → 在营)."""
    return sql_case(column, STATUSES, column)


def render_status(value: str | None, lang: str = "en") -> str:
    if not value:
        return ""
    return STATUSES.get(value, value) if lang == "zh" else value


def parse_status(value: object) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    status = _STATUS_WORDS.get(text.lower())
    if status is None:
        status = next((code for word, code in _STATUS_PARTS if word in text), None)
    if status is None:
        raise ValueError("status is one of active (在营), suspended (暂停), closed (关闭)")
    return status


# --- small scores ----------------------------------------------------------------------------


def parse_price_class(value: object) -> int | None:
    """A price class (价类) 1 to 5 from 1, "1类", "一类" or "一"."""
    text = clean_text(value)
    if text is None:
        return None
    text = halfwidth(text).removesuffix("类").removesuffix("价")
    number = cn_number(text) if not text.isdigit() else int(text)
    if number is None or not 1 <= number <= 5:
        raise ValueError("a price class is 1 to 5 (一类 … 五类)")
    return number


def parse_satisfaction(value: object) -> int | None:
    """A satisfaction score from 1 (poor) to 5 (very good)."""
    score = parse_int(value)
    if score is not None and not 1 <= score <= 5:
        raise ValueError("satisfaction is a score from 1 to 5")
    return score


# --- weekdays: the order day (订货日) as rosters write it ---------------------------------------

_WEEKDAY_CHARS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAY_WORDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# 周二、周五 · 每周二 · 星期四 · 礼拜天 · 单周周四 · 周二、五
_WEEKDAYS_RE = lazy(r"(?:周|星期|礼拜)([一二三四五六日天](?:[、,，/和及]?[一二三四五六日天])*)")


@functools.cache
def weekdays(text: str | None) -> tuple[int, ...]:
    """The weekdays a text names, Monday 0: 周二 → (1,); 周二、周五 → (1, 4); 双周周一 → (0,);
    Tue → (1,); nothing, or a text that names no weekday (随时), → ()."""
    if not text:
        return ()
    found = [
        _WEEKDAY_CHARS[char]
        for run in _WEEKDAYS_RE.findall(text.strip())
        for char in run
        if char in _WEEKDAY_CHARS
    ]
    lowered = text.strip().lower()
    found += [i for i, word in enumerate(_WEEKDAY_WORDS) if word in lowered]
    return tuple(sorted(set(found)))


WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_WEEKDAY_DIGIT_RE = lazy(r"(周|星期|礼拜)([1-7])(?!\d)")
# 周 not followed by a weekday (周八), though 单周周四's first 周 and 周期 are words of their own
_NOT_A_WEEKDAY_RE = lazy(r"(?:周|星期|礼拜)(?![一二三四五六日天周]|期)")


def parse_weekdays(value: object) -> str | None:
    """An order day as the due rule reads it: 周二, 每周二 → 周二; 周二、五 → 周二、周五;
    单周周四 kept whole; 周3 → 周三. A text that names no weekday (周八, 随时) is refused, so
    that no order day is kept that the due rule would pass over without a word."""
    text = clean_text(value)
    if text is None:
        return None
    text = _WEEKDAY_DIGIT_RE.sub(lambda m: m.group(1) + "一二三四五六日"[int(m.group(2)) - 1],
                                 halfwidth(text))  # fmt: skip
    days = weekday_text(text)
    if days is None or _NOT_A_WEEKDAY_RE.search(text):
        raise ValueError("an order day is a weekday: 周二, 周二、周五 or 单周周四")
    return days


_CREDIT_RE = lazy(r"A{1,3}|B{1,3}|C{1,3}|D")


def parse_credit(value: object) -> str | None:
    """A credit grade as the company sets it: AAA, AA, A, B, C or D (also written A级, ａａ)."""
    text = clean_text(value)
    if text is None:
        return None
    text = halfwidth(text).upper().replace(" ", "").removesuffix("级").removesuffix("等")
    if not _CREDIT_RE.fullmatch(text):
        raise ValueError("a credit grade is AAA, AA, A, B, C or D")
    return text


def weekday_text(text: str | None) -> str | None:
    """The weekdays a text names, written as the order day keeps them: 每周二 → 周二;
    周二、五 → 周二、周五; 单周周四 → 单周周四; None when it names none."""
    days = weekdays(text)
    if not days:
        return None
    every_other = next((w for w in ("单周", "双周", "隔周") if w in (text or "")), "")
    return every_other + "、".join(WEEKDAY_NAMES[d] for d in days)
