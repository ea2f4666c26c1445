"""The district and department items of 一口清: retailers, spread, plan, brands, supply."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from pathlib import Path

from custcli.db import business as q
from custcli.db.engine import write_transaction
from custcli.domain import supply
from custcli.errors import BadInput, NotFound
from custcli.kinds import BRANDS, SUPPLY
from custcli.kinds.normalize import MAX_PRICE
from custcli.months import parse_month
from custcli.trade import CARTONS_PER_CASE

# Tier bands and "not filled in" as --json names them; custcli.present.words says them.
TIER_BANDS = ((21, "21-30"), (11, "11-20"), (1, "1-10"))
UNKNOWN = "unknown"
BAND_ORDER = ("1-10", "11-20", "21-30", UNKNOWN)


def tier_band(tier: int | None) -> str:
    if tier is None:
        return UNKNOWN
    return next(name for lowest, name in TIER_BANDS if tier >= lowest)


def _share(part: float, whole: float) -> float | None:
    return round(part / whole * 100, 1) if whole else None


def _cases(cartons: float) -> float:
    return round(cartons / CARTONS_PER_CASE, 2)


def brief(
    conn: sqlite3.Connection,
    as_of: dt.date,
    district: str | None = None,
    manager: str | None = None,
) -> dict:
    scoped = q.customer_spread(conn, district, manager)
    everyone = q.customer_spread(conn, None, None)
    year_first = as_of.replace(month=1, day=1).isoformat()
    through = (as_of + dt.timedelta(days=1)).isoformat()
    mine = q.order_totals(conn, year_first, through, district, manager)
    department = q.order_totals(conn, year_first, through)
    plan = q.plan(conn, as_of.year)
    month = as_of.isoformat()[:7]
    bands = Counter(tier_band(c["tier"]) for c in scoped)
    return {
        "as_of": as_of.isoformat(),
        "scope": {"district": district, "manager": manager},
        "retailers": {
            "count": len(scoped),
            "department": len(everyone),
            "share_pct": _share(len(scoped), len(everyone)),
        },
        "spread": {
            "format": dict(Counter(c["format"] or UNKNOWN for c in scoped).most_common()),
            "tier_band": {name: bands[name] for name in BAND_ORDER if bands[name]},
            "market": dict(Counter(c["market"] or UNKNOWN for c in scoped).most_common()),
        },
        "plan": _plan_figures(plan, mine, department),
        BRANDS.name: q.brands(conn),
        "policy": q.policy(conn, month) or {"month": month, "text": None},
        SUPPLY.name: supply.for_scope(conn, scoped, as_of),
    }


def _avg_price(totals: dict) -> float | None:
    return round(totals["amount"] / totals["qty"], 2) if totals["qty"] else None


def _plan_figures(plan: dict | None, mine: dict, department: dict) -> dict:
    actual = {
        "volume_cases": _cases(department["qty"]),
        "revenue": department["amount"],
        "avg_price": _avg_price(department),
    }
    scope = {
        "volume_cases": _cases(mine["qty"]),
        "revenue": mine["amount"],
        "avg_price": _avg_price(mine),
    }
    figures = {
        "year_plan": plan,
        "department_to_date": actual,
        "scope_to_date": scope,
        "scope_share_pct": {
            "volume": _share(mine["qty"], department["qty"]),
            "revenue": _share(mine["amount"], department["amount"]),
        },
    }
    if plan:
        figures["progress_pct"] = {
            "volume": _share(actual["volume_cases"], plan["volume_cases"]),
            "revenue": _share(actual["revenue"], plan["revenue"]),
        }
    return figures


# A province's year is a few million cases: past these a plan is a typing slip.
MAX_PLAN_CASES, MAX_PLAN_REVENUE = 10_000_000, 10**12


def set_plan(
    conn: sqlite3.Connection,
    year: int,
    volume_cases: float,
    revenue: float,
    avg_price: float | None,
) -> dict:
    if not (0 < volume_cases < MAX_PLAN_CASES and 0 < revenue < MAX_PLAN_REVENUE) or (
        avg_price is not None and not 0 < avg_price < MAX_PRICE
    ):
        raise BadInput(
            "--volume is cases above 0 and below 10 million, --revenue yuan above 0 and below"
            " a trillion, --avg-price yuan a carton above 0 and below 100000"
        )
    if avg_price is None:  # 条均价 follows from the plan itself
        avg_price = round(revenue / (volume_cases * CARTONS_PER_CASE), 2)
    with write_transaction(conn):
        q.set_plan(conn, year, volume_cases, revenue, avg_price)
    return q.plan(conn, year)


def set_policy(conn: sqlite3.Connection, month: str, text: str | None, file: Path | None) -> dict:
    parse_month(month)
    if (text is None) == (file is None):
        raise BadInput("give the policy as --text or --file, one of the two")
    if file is not None:
        try:
            text = Path(file).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            text = Path(file).read_bytes().decode("gb18030")
    if not text or not text.strip():
        raise BadInput("the policy text is empty")
    with write_transaction(conn):
        q.set_policy(conn, month, text.strip())
    return q.policy(conn, month)


def policy(conn: sqlite3.Connection, month: str) -> dict:
    parse_month(month)
    found = q.policy(conn, month)
    if found is None:
        raise NotFound(
            "no supply policy for {month}; `cust policy set --month {month} --text …` records one",
            month=month,
        )
    return found
