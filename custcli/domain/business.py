"""A retailer's business in figures (零售客户经营情况), from its order lines.

Every figure covers the last N complete calendar months before the as-of date: the month in
progress is left out, since half a month would read as a fall.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict

from custcli.db import business as q
from custcli.domain.trade import PRICE_CLASS_NAMES, price_class_of

SPARK = "▁▂▃▄▅▆▇█"
TREND_MONTHS = 12


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_keys(first: dt.date, count: int) -> list[str]:
    return [add_months(first, i).isoformat()[:7] for i in range(count)]


def sparkline(values: list[float]) -> str:
    top = max(values, default=0)
    if not top:
        return SPARK[0] * len(values)
    return "".join(
        SPARK[min(len(SPARK) - 1, int(v / top * (len(SPARK) - 1) + 0.5))] for v in values
    )


def line_class(line: dict) -> int | None:
    if line["price_class"]:
        return line["price_class"]
    wholesale = line["wholesale_price"] or (
        line["amount"] / line["qty"] if line["amount"] and line["qty"] else None
    )
    return price_class_of(wholesale) if wholesale else None


def _pct_change(now: float, before: float) -> float | None:
    return round((now - before) / before * 100, 1) if before else None


def _window(lines: list[dict], months: list[str]) -> dict:
    picked = [line for line in lines if line["month"] in months]
    qty = sum(line["qty"] for line in picked)
    amount = sum(line["amount"] or 0 for line in picked)
    return {"qty": qty, "amount": amount, "lines": picked}


def figures(conn: sqlite3.Connection, customer_id: int, as_of: dt.date, months: int = 3) -> dict:
    """monthly_avg_qty, monthly_avg_amount, brand_width, avg_price, structure (percent of
    volume by price class), est_gross_profit (a month), changes and a 12-month trend."""
    this_month = month_start(as_of)
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
        by_class[PRICE_CLASS_NAMES.get(price_class, "未知")] += line["qty"]
        wholesale = line["wholesale_price"] or (
            line["amount"] / line["qty"] if line["amount"] and line["qty"] else None
        )
        if line["retail_price"] and wholesale:
            profit += line["qty"] * (line["retail_price"] - wholesale)
            profit_known = True
    order = [*PRICE_CLASS_NAMES.values(), "未知"]
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
        "monthly_avg_qty": round(now["qty"] / months, 2),
        "monthly_avg_amount": round(now["amount"] / months, 2),
        "brand_width": len({line["brand"] for line in now["lines"]}),
        "avg_price": round(now["amount"] / now["qty"], 2) if now["qty"] else None,
        "structure": structure,
        "est_gross_profit": round(profit / months, 2) if profit_known else None,
        "change_vs_previous_pct": _pct_change(now["qty"], previous["qty"]),
        "change_vs_year_ago_pct": _pct_change(now["qty"], year_ago["qty"]),
        "trend": {"months": trend_keys, "qty": trend, "sparkline": sparkline(trend)},
    }


COMPLIANCE_OK = ("AAA", "AA", "A", "守法", "良好", "正常", "无违规")


def alerts(card: dict, visits: dict, churn_reasons: list[dict]) -> list[dict]:
    """Warnings for the door: overdue, slipping away (the churn rules), compliance problems."""
    found = []
    if visits["days_overdue"] > 0:
        found.append(
            {
                "kind": "overdue",
                "days": visits["days_overdue"],
                "text": f"拜访已逾期{visits['days_overdue']}天",
            }
        )
    found += [{"kind": "churn", **reason} for reason in churn_reasons]
    compliance = (card.get("compliance") or "").strip()
    if compliance and not compliance.upper().startswith(COMPLIANCE_OK):
        found.append({"kind": "compliance", "text": f"守法情况：{compliance}"})
    return found


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:.1f}"


def say(card: dict, business: dict, visits: dict, lang: str = "zh") -> str:
    """The card as one short paragraph a manager could read aloud; missing facts left out."""
    structure = business["structure"]
    if lang != "zh":
        parts = [f"{card['name']}"]
        parts += [f"owner {card['owner']}"] if card.get("owner") else []
        parts += [f"phone {card['phone']}"] if card.get("phone") else []
        parts += [f"at {card['address']}"] if card.get("address") else []
        facts = [f"visited every {visits['cycle_days']} days"]
        facts += [f"settles by {card['settlement']}"] if card.get("settlement") else []
        facts += [f"tier {card['tier']}"] if card.get("tier") else []
        facts += [f"compliance {card['compliance']}"] if card.get("compliance") else []
        if business["monthly_avg_qty"]:
            facts.append(
                f"buys {_num(business['monthly_avg_qty'])} cartons a month over "
                f"{business['brand_width']} brands at {_num(business['avg_price'])} "
                "yuan a carton"
            )
        elif any(business["trend"]["qty"]):
            facts.append(f"bought nothing in the last {business['months']} months")
        if structure:
            facts.append("mix " + ", ".join(f"{k} {v:.0f}%" for k, v in structure.items()))
        due = f"next visit {visits['next_due']}"
        if visits["days_overdue"]:
            due += f", {visits['days_overdue']} days overdue"
        return ", ".join(parts) + "; " + "; ".join(facts) + f"; {due}."
    who = [card["name"]]
    who += [f"店主{card['owner']}"] if card.get("owner") else []
    who += [f"电话{card['phone']}"] if card.get("phone") else []
    who += [f"地址{card['address']}"] if card.get("address") else []
    facts = [f"每{visits['cycle_days']}天拜访一次"]
    facts += [card["settlement"]] if card.get("settlement") else []
    facts += [f"{card['tier']}档"] if card.get("tier") else []
    facts += [f"守法情况{card['compliance']}"] if card.get("compliance") else []
    clauses = ["，".join(who), "，".join(facts)]
    if business["monthly_avg_qty"]:
        buying = [
            f"近{business['months']}个月月均购进{_num(business['monthly_avg_qty'])}条",
            f"品规{business['brand_width']}个",
            f"条均价{_num(business['avg_price'])}元",
        ]
        if structure:
            buying.append("结构" + "、".join(f"{k}{v:.0f}%" for k, v in structure.items()))
        clauses.append("，".join(buying))
    elif any(business["trend"]["qty"]):
        clauses.append(f"近{business['months']}个月无购进")
    month, day = visits["next_due"][5:7].lstrip("0"), visits["next_due"][8:].lstrip("0")
    due = f"下次拜访{month}月{day}日"
    if visits["days_overdue"]:
        due += f"（已逾期{visits['days_overdue']}天）"
    clauses.append(due)
    # One sentence: clauses joined by semicolons, as a manager would say it in one breath.
    return "；".join(clauses) + "。"
