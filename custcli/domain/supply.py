"""The company's supply (货源投放): which brands a shop of a tier may order this week or this
month, and how many cartons.

A supply sheet is read in either of the two layouts real ones come in:
- long: a row a brand and tier range (卷烟名称 | 档位 | 可订量 …), the columns named as the
  kinds registry's SUPPLY fields name them;
- wide: brands down and tiers across (卷烟名称 | 30档 | 29档 | … or D30 … D1, or 26-30档 …),
  each tier column a header the tiers' parser reads.
The period is a column's (周期: 周 / 月), else the sheet's title or the file's name (本周…,
第49周, 12月…), else a month. The allowances are written under one import row, so that
`cust imports undo` takes a sheet back; the same sheet again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import sqlite3
from pathlib import Path

from custcli.db import counter
from custcli.db import imports as import_q
from custcli.db import supply as q
from custcli.db.engine import write_transaction
from custcli.errors import BadInput, NotFound
from custcli.kinds import CUSTOMERS, SUPPLY
from custcli.kinds.fields import PERIOD
from custcli.kinds.normalize import (
    clean_text,
    header_text,
    normalize_header,
    parse_number,
    parse_tiers,
)
from custcli.months import month_start

WIDE_AT_LEAST = 3  # tier columns that make a sheet wide
_HEADER_SCAN = 10  # rows looked at for the header


def period_start(period: str, day: dt.date) -> dt.date:
    """The first day of the week (Monday) or month a day is in."""
    return day - dt.timedelta(days=day.weekday()) if period == "week" else month_start(day)


def _said_period(text: str) -> str | None:
    """A title's or a file name's period: 周 (not 周期) is a week, 月 a month."""
    if re.search(r"周(?!期)|week", text, re.IGNORECASE):
        return "week"
    if re.search(r"月|month", text, re.IGNORECASE):
        return "month"
    return None


def _names() -> dict[str, str]:
    """Every header a SUPPLY field answers to, as the matcher reads headers, → its key."""
    names = {}
    for field in SUPPLY.fields:
        for name in field.names():
            names.setdefault(normalize_header(name), field.key)
    return names


def _tiers_of_header(header: object) -> str | None:
    text = clean_text(header)
    if text is None or not re.search(r"\d|[一二三四五六七八九十]", text):
        return None
    try:
        return parse_tiers(text)
    except ValueError:
        return None


def _header(rows: list[list]) -> int | None:
    """The row of a sheet's header: the first with a brand column."""
    names = _names()
    return next(
        (n for n, row in enumerate(rows[:_HEADER_SCAN])
         if any(names.get(normalize_header(header_text(cell))) == "brand" for cell in row)),
        None,
    )  # fmt: skip


_A_SHOP = {normalize_header(name) for field in CUSTOMERS.fields
           if field.key in ("code", "license", "name") for name in field.names()}  # fmt: skip


def looks_like(book) -> bool:
    """Whether a workbook's first sheet is a supply sheet: a brand column, tier columns
    across (wide) or a tiers and a cartons column (long), and no column naming a shop (an
    order export may carry 档位 and 数量, but it names its shops)."""
    rows = list(itertools.islice(book.rows(book.sheets[0]), _HEADER_SCAN))  # not the file
    at = _header(rows)
    if at is None:
        return False
    header, names = rows[at], _names()
    if any(normalize_header(header_text(cell)) in _A_SHOP for cell in header):
        return False
    keys = {names.get(normalize_header(header_text(cell))) for cell in header}
    wide = sum(1 for cell in header if _tiers_of_header(cell)) >= WIDE_AT_LEAST
    return wide or {"tiers", "cartons"} <= keys


def read(path: Path, today: dt.date, period: str | None = None, book=None) -> list[dict]:
    """The allowances a supply sheet gives, whichever its layout; BadInput when it holds
    none (with what was looked for). `book`: the file already opened."""
    from custcli.io.readers import open_workbook

    book = book or open_workbook(Path(path))
    sheet = book.sheets[0]
    rows = list(book.rows(sheet))
    names = _names()
    header_at = _header(rows)
    if header_at is None:
        raise BadInput(
            "{file} has no brand column (卷烟名称, 规格…) in its first rows; it is not a"
            " supply sheet cust can read",
            file=Path(path).name,
        )
    title = " ".join(str(c) for row in rows[:header_at] for c in row if c) + f" {sheet}"
    said = period or _said_period(title) or _said_period(Path(path).stem) or "month"
    header = rows[header_at]
    columns = {n: names.get(normalize_header(header_text(cell))) for n, cell in enumerate(header)}
    tier_columns = {n: t for n, cell in enumerate(header) if (t := _tiers_of_header(cell))}
    wide = len(tier_columns) >= WIDE_AT_LEAST
    found = []
    for row in rows[header_at + 1 :]:
        values = {key: row[n] for n, key in columns.items() if key and n < len(row)}
        brand = clean_text(values.get("brand"))
        if not brand or brand in ("合计", "总计", "小计"):
            continue
        common = {
            "brand": brand,
            "period": PERIOD.parse(values["period"]) if values.get("period") else said,
            "market": clean_text(values.get("market")),
            "format": clean_text(values.get("format")),
            "district": clean_text(values.get("district")),
            "starts": _starts(values.get("starts"), said, today),
        }
        if wide:
            pairs = [(tier_columns[n], row[n]) for n in tier_columns if n < len(row)]
        else:
            pairs = [(values.get("tiers"), values.get("cartons"))]
        for tiers, cartons in pairs:
            allowance = _allowance(common, tiers, cartons)
            if allowance:
                found.append(allowance)
    if not found:
        raise BadInput(
            "{file}: no allowance found (a brand with tiers and cartons, or tier columns"
            " such as 30档 or D30 across)",
            file=Path(path).name,
        )
    return found


def _starts(value: object, period: str, today: dt.date) -> str:
    from custcli.kinds.normalize import parse_date

    day = dt.date.fromisoformat(parse_date(value)) if value else today
    return period_start(period, day).isoformat()


def _allowance(common: dict, tiers: object, cartons: object) -> dict | None:
    try:
        span = parse_tiers(tiers)
        amount = parse_number(cartons)
    except ValueError:
        return None
    if span is None or amount is None or amount <= 0:
        return None
    low, high = (int(t) for t in span.split("-"))
    return {**common, "tier_low": low, "tier_high": high, "cartons": amount}


def load(conn: sqlite3.Connection, path: Path, today: dt.date, period: str | None,
         dry_run: bool = False, book=None) -> dict:  # fmt: skip
    """Import a supply sheet as one change; counts of new, updated and unchanged."""
    allowances = read(path, today, period, book)
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    import_id = None
    try:
        with write_transaction(conn):
            import_id = import_q.create(conn, Path(path).name, _digest(allowances), SUPPLY.name, "")
            for allowance in allowances:
                counts[q.put(conn, allowance, import_id, _key(allowance))] += 1
            import_q.finish(conn, import_id, counts)
            if dry_run:
                raise _DryRun
    except _DryRun:
        import_id = None
    periods = sorted({(a["period"], a["starts"]) for a in allowances})
    return {
        "file": str(path),
        "kind": SUPPLY.name,
        "import_id": import_id,
        "dry_run": dry_run,
        "counts": counts,
        "periods": [{"period": p, "starts": s} for p, s in periods],
    }


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def _key(allowance: dict) -> str:
    keys = ("brand", "tier_low", "tier_high", "period", "starts", "market", "format", "district")
    parts = [str(allowance.get(k) or "") for k in keys]
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


def _digest(allowances: list[dict]) -> str:
    return hashlib.sha256(repr(sorted(_key(a) for a in allowances)).encode()).hexdigest()


def current(
    conn: sqlite3.Connection, day: dt.date, period: str | None = None, tier: int | None = None
) -> dict:
    """The allowances of the period under way on a day (the latest week's, else month's
    supply that has begun), of one tier or all."""
    for kind in (period,) if period else ("week", "month"):
        starts = q.latest_start(conn, kind, day.isoformat())
        if starts and period_start(kind, day).isoformat() == starts:
            allowances = q.allowances(conn, kind, starts, tier)
            return {"period": kind, "starts": starts, "allowances": allowances}
    if period:
        raise NotFound("no {period} supply has been imported for {day}", period=period,
                       day=day.isoformat())  # fmt: skip
    return {"period": None, "starts": None, "allowances": []}


SCARCE_CLASS = 1  # 一类烟: the brands whose allowance a shop should not leave untaken


def for_shop(conn: sqlite3.Connection, customer: dict, day: dt.date) -> dict:
    """What this shop may order in the period under way: its tier's allowances, those of its
    market type, 业态 and district where the sheet names one (an allowance for another
    market is not its); and `untaken`, the scarce brands (一类) it was allowed in the period
    before and did not order."""
    tier = customer.get("tier")
    if tier is None:
        return {"period": None, "allowances": [], "untaken": []}
    found = current(conn, day, tier=tier)
    untaken: list[str] = []
    if found["period"]:
        start = dt.date.fromisoformat(found["starts"])
        before = q.latest_start(conn, found["period"], (start - dt.timedelta(days=1)).isoformat())
        if before:
            scarce = {a["brand"] for a in _its(q.allowances(conn, found["period"], before, tier),
                                               customer)
                      if a.get("price_class") == SCARCE_CLASS}  # fmt: skip
            ordered = counter.brands_carried(conn, before, found["starts"], customer["id"])
            untaken = sorted(scarce - ordered)
    return {
        "period": found["period"],
        "allowances": _its(found["allowances"], customer),
        "untaken": untaken,
    }


def _its(allowances: list[dict], customer: dict) -> list[dict]:
    """The allowances a shop may use: of its tier, and of its market type, 业态 and district
    where the sheet names one (an allowance for another market is not its)."""
    tier = customer.get("tier")

    def fits(allowance: dict, key: str) -> bool:
        named, mine = normalize_header(allowance.get(key)), normalize_header(customer.get(key))
        return not named or (bool(mine) and (mine in named or named in mine))

    return [
        a
        for a in allowances
        if tier is not None
        and a["tier_low"] <= tier <= a["tier_high"]
        and all(fits(a, k) for k in ("market", "format", "district"))
    ]


def for_scope(conn: sqlite3.Connection, shops: list[dict], day: dt.date) -> dict:
    """A district's (or any scope's) view of the period under way: for each brand, how many
    of its shops may order it and the cartons they may order between them, the scarce
    brands first."""
    found = current(conn, day)
    brands: dict[str, dict] = {}
    for shop in shops:
        for allowance in _its(found["allowances"], shop):
            brand = brands.setdefault(
                allowance["brand"],
                {"brand": allowance["brand"], "price_class": allowance.get("price_class"),
                 "shops": 0, "cartons": 0.0},
            )  # fmt: skip
            brand["shops"] += 1
            brand["cartons"] += allowance["cartons"]
    order = sorted(brands.values(), key=lambda b: (b["price_class"] or 9, -b["shops"], b["brand"]))
    return {"period": found["period"], "starts": found["starts"], "brands": order}
