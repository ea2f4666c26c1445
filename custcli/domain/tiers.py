"""The tier watch: each shop's 档位 estimated from its own orders under the province's rule
(a small TOML file, read by custcli.io.rules: weights, scales, the 30 tiers' bands;
custcli/rules/tiers.example.toml is a documented example), and the shops at risk of 掉档 or
near 升档. An estimate: the company's published tiers, imported with the roster each quarter,
stay the card's."""

from __future__ import annotations

import datetime as dt
import sqlite3
import tomllib
from pathlib import Path
from typing import NamedTuple

from custcli.db import counter as q
from custcli.errors import BadInput
from custcli.io import rules
from custcli.months import add_months, month_start

MEASURES = ("volume", "amount", "brands", "price")


class Rule(NamedTuple):
    months: int
    weights: dict[str, float]
    scales: dict[str, float]
    lower: list[float]  # tier 1's lower score first
    near: float


def example_rule() -> str:
    """The shipped example rule's text."""
    return rules.example()


def read_rule(path: Path | None) -> Rule:
    """A rule file (the example when none is given) read by custcli.io.rules and checked;
    BadInput says what is wrong with it, naming the file."""
    text, name = rules.text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BadInput("{file} is not a rule file cust can read ({error})", file=name,
                       error=error) from None  # fmt: skip
    weights = {k: float(v) for k, v in data.get("weights", {}).items()}
    scales = {k: float(v) for k, v in data.get("scales", {}).items()}
    lower = [float(x) for x in data.get("bands", {}).get("lower", [])]
    unknown = set(weights) - set(MEASURES)
    if unknown or not weights:
        raise BadInput("a rule weighs {measures}; not {unknown}", measures=", ".join(MEASURES),
                       unknown=", ".join(sorted(unknown)) or "nothing")  # fmt: skip
    if any(scales.get(k, 0) <= 0 for k in weights):
        raise BadInput("every weighed measure needs a scale above 0")
    if len(lower) != 30 or lower != sorted(lower):
        raise BadInput("bands.lower is 30 rising scores, tier 1's first")
    return Rule(int(data.get("months", 12)), weights, scales, lower,
                float(data.get("watch", {}).get("near", 1.5)))  # fmt: skip


def estimate(measures: dict[str, float], rule: Rule) -> tuple[float, int]:
    """(score, estimated tier) of a shop's measures under a rule."""
    score = sum(
        weight * min(measures.get(key, 0.0) / rule.scales[key] * 100, 100)
        for key, weight in rule.weights.items()
    )
    tier = max(n for n, bound in enumerate(rule.lower, 1) if score >= bound - 1e-9)
    return round(score, 2), tier


def watch(conn: sqlite3.Connection, as_of: dt.date, rule: Rule) -> dict:
    """Every shop in business whose estimated tier differs from its card's, or whose score is
    within `near` points of the next tier: at risk of 掉档 (estimate below), near 升档."""
    before = month_start(as_of)
    first = add_months(before, -rule.months)
    totals: dict[int, dict] = {}
    for line in q.monthly_by_brand(conn, first.isoformat(), before.isoformat()):
        shop = totals.setdefault(line["customer_id"], {"qty": 0.0, "amount": 0.0, "brands": set()})
        shop["qty"] += line["qty"]
        shop["amount"] += line.get("amount") or 0.0
        shop["brands"].add(line["brand"])
    found = []
    for shop in q.shops_in_business(conn):
        if shop.get("tier") is None:
            continue
        got = totals.get(shop["id"], {"qty": 0.0, "amount": 0.0, "brands": set()})
        measures = {
            "volume": got["qty"] / rule.months,
            "amount": got["amount"] / rule.months,
            "brands": float(len(got["brands"])),
            "price": got["amount"] / got["qty"] if got["qty"] else 0.0,
        }
        score, estimated = estimate(measures, rule)
        if estimated < shop["tier"]:
            status = "down"
        elif estimated > shop["tier"]:
            status = "up"
        elif estimated < 30 and rule.lower[estimated] - score <= rule.near:
            status = "near_up"
        else:
            continue
        found.append(
            {
                "code": shop["code"],
                "name": shop["name"],
                "tier": shop["tier"],
                "estimated": estimated,
                "score": score,
                "status": status,
                "measures": {k: round(v, 2) for k, v in measures.items()},
            }
        )
    found.sort(key=lambda r: ({"down": 0, "near_up": 2}.get(r["status"], 1), r["code"]))
    return {"window": {"first": first.isoformat(), "before": before.isoformat()},
            "estimate": True, "shops": found}  # fmt: skip
