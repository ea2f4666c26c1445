"""A retailer's business in figures (零售客户经营情况), from its order lines.

Every figure covers the last N complete calendar months before the as-of date: the month in
progress is left out, since half a month would read as a fall.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict

from custcli.db import business as q
from custcli.months import add_months, month_keys, months_end
from custcli.trade import PRICE_CLASS_CODES, UNKNOWN_CLASS, price_class_of

SPARK = "▁▂▃▄▅▆▇█"
TREND_MONTHS = 12


def sparkline(values: list[float]) -> str:
    top = max(values, default=0)
    if not top:
        return SPARK[0] * len(values)
    return "".join(
        SPARK[min(len(SPARK) - 1, int(v / top * (len(SPARK) - 1) + 0.5))] for v in values
    )


def _wholesale(line: dict) -> float | None:
    """The brand's wholesale price, else what the shop paid per 条 on these lines."""
    if line["wholesale_price"]:
        return line["wholesale_price"]
    return line["amount"] / line["qty"] if line["amount"] and line["qty"] else None


def line_class(line: dict) -> int | None:
    if line["price_class"]:
        return line["price_class"]
    wholesale = _wholesale(line)
    return price_class_of(wholesale) if wholesale else None


def _pct_change(now: float, before: float) -> float | None:
    return round((now - before) / before * 100, 1) if before else None


def _span(first: dt.date, months: int) -> dict[str, str]:
    return {
        "from": first.isoformat(),
        "to": (add_months(first, months) - dt.timedelta(days=1)).isoformat(),
    }


def _window(lines: list[dict], months: list[str]) -> dict:
    picked = [line for line in lines if line["month"] in months]
    qty = sum(line["qty"] for line in picked)
    amount = sum(line["amount"] or 0 for line in picked)
    return {"qty": qty, "amount": amount, "lines": picked}


def figures(conn: sqlite3.Connection, customer_id: int, as_of: dt.date, months: int = 3) -> dict:
    """monthly_avg_qty, monthly_avg_amount, brand_width, avg_price, structure (percent of
    volume by price class), est_gross_profit (a month), changes and a 12-month trend, over
    the complete months up to `as_of`."""
    this_month = months_end(as_of)
    window_first = add_months(this_month, -months)
    earliest = min(add_months(window_first, -12), add_months(this_month, -TREND_MONTHS))
    lines = q.monthly_lines(conn, customer_id, earliest.isoformat(), this_month.isoformat())

    now = _window(lines, month_keys(window_first, months))
    previous = _window(lines, month_keys(add_months(window_first, -months), months))
    year_ago = _window(lines, month_keys(add_months(window_first, -12), months))

    by_class: dict[str, float] = defaultdict(float)
    profit, profit_known = 0.0, False
    for line in now["lines"]:
        price_class = line_class(line)
        by_class[PRICE_CLASS_CODES.get(price_class, UNKNOWN_CLASS)] += line["qty"]
        wholesale = _wholesale(line)
        if line["retail_price"] and wholesale:
            profit += line["qty"] * (line["retail_price"] - wholesale)
            profit_known = True
    order = [*PRICE_CLASS_CODES.values(), UNKNOWN_CLASS]
    structure = {
        name: round(by_class[name] / now["qty"] * 100, 1) for name in order if by_class.get(name)
    }

    trend_keys = month_keys(add_months(this_month, -TREND_MONTHS), TREND_MONTHS)
    per_month = defaultdict(float)
    for line in lines:
        per_month[line["month"]] += line["qty"]
    trend = [per_month.get(key, 0.0) for key in trend_keys]

    return {
        "months": months,
        "from": window_first.isoformat(),
        "to": (this_month - dt.timedelta(days=1)).isoformat(),
        # 环比 compares with the months just before, 同比 with the same months a year before.
        "previous": _span(add_months(window_first, -months), months),
        "year_ago": _span(add_months(window_first, -12), months),
        "monthly_avg_qty": round(now["qty"] / months, 2),
        "monthly_avg_amount": round(now["amount"] / months, 2),
        "brand_width": len({line["brand"] for line in now["lines"]}),
        "avg_price": round(now["amount"] / now["qty"], 2) if now["qty"] else None,
        "structure": structure,
        "est_gross_profit": round(profit / months, 2) if profit_known else None,
        "change_vs_previous_pct": _pct_change(now["qty"], previous["qty"]),
        "change_vs_year_ago_pct": _pct_change(now["qty"], year_ago["qty"]),
        "trend": {"months": trend_keys, "qty": trend, "sparkline": sparkline(trend)},
        "top_brands": _top_brands(now["lines"]),
    }


def _top_brands(lines: list[dict], count: int = 3) -> list[dict]:
    """The brands it sells most of in the window (主销), most first, with their cartons."""
    by_brand: dict[str, float] = defaultdict(float)
    for line in lines:
        by_brand[line["brand"]] += line["qty"]
    ranked = sorted(by_brand.items(), key=lambda item: (-item[1], item[0]))
    return [{"brand": brand, "qty": round(qty, 2)} for brand, qty in ranked[:count] if qty > 0]


COMPLIANCE_OK = ("守法", "良好", "正常", "无违规", "无")
LOW_CREDIT = ("B", "C", "D")


def alerts(card: dict, visits: dict, churn_reasons: list[dict]) -> list[dict]:
    """Warnings for the door, as codes and figures: overdue, slipping away (the churn
    rules), a compliance record that is not clean (custcli.present.words says them)."""
    found = []
    if visits["days_overdue"] > 0:
        found.append({"kind": "overdue", "days": visits["days_overdue"]})
    found += [{"kind": "churn", **reason} for reason in churn_reasons]
    compliance = (card.get("compliance") or "").strip()
    if compliance and not compliance.upper().startswith(COMPLIANCE_OK):
        found.append({"kind": "compliance", "record": compliance})
    grade = (card.get("credit_grade") or "").strip().upper()
    if grade in LOW_CREDIT:
        found.append({"kind": "credit", "grade": grade})
    return found
