"""Churn early warning (客户流失预警) and loyal customers, from the order lines."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from typing import NamedTuple

from custcli.db import figures, findings
from custcli.db import insights as q
from custcli.kinds import BRANDS
from custcli.months import add_months, month_end, month_start, months_end, shift_months
from custcli.scope import ALL, OPEN, Scope

# Raised when what _raised finds changes meaning: findings kept by an older cust (custcli.db
# .findings) are then not found by this one.
RULES_VERSION = 1


class ChurnRules(NamedTuple):
    """The thresholds, in one place; `cust churn` options override them."""

    months: int = 3  # complete months compared
    drop_pct: float = 30.0  # a fall this deep against the months before or a year before
    gap_factor: float = 2.0  # silent for more than this many usual ordering intervals
    min_order_days: int = 3  # order days in 12 months needed to know a usual interval


def orders_day(conn: sqlite3.Connection, as_of: dt.date | None, today: dt.date) -> dt.date:
    """The day order-based figures and warnings are measured from: the day asked for, else
    the day the order data runs to, so that a file whose orders arrive monthly does not make
    every shop look silent for weeks; today when there are none.

    The data runs to its latest line; where that line is in a month already over, to that
    month's last day (an export of October's orders covers October, though nobody ordered
    on the 31st).
    """
    if as_of is not None:
        return as_of
    last = q.last_order_day(conn, today.isoformat())
    if last is None:
        return today
    day = dt.date.fromisoformat(last)
    if month_start(day) < month_start(today):
        return month_end(day)
    return day


def _windows(as_of: dt.date, months: int) -> dict[str, tuple[str, str]]:
    this_month = months_end(as_of)
    now = add_months(this_month, -months)
    return {
        "now": (now.isoformat(), this_month.isoformat()),
        "before": (add_months(now, -months).isoformat(), now.isoformat()),
        "year_ago": (add_months(now, -12).isoformat(), add_months(this_month, -12).isoformat()),
    }


def _year_from(as_of: dt.date) -> str:
    """The first day of the twelve months that end with as_of."""
    return (shift_months(as_of, -12) + dt.timedelta(days=1)).isoformat()


def _raised(row: dict, as_of: dt.date, rules: ChurnRules) -> list[tuple[str, float, tuple]]:
    """The rules one customer's figures break, as (rule, amount a month it stands to lose,
    the figures that say why), unrounded: the rule itself, once, for `reasons` to word and
    for `warnings` to rank 100,000 shops by without wording them all."""
    found = []
    months, now = rules.months, row["now"]
    for window in ("before", "year_ago"):
        then = row[window]
        if then > 0 and now <= then * (1 - rules.drop_pct / 100):
            found.append((f"fall_vs_{window}", (then - now) / months, (then, now)))
    if row["order_days_12m"] >= rules.min_order_days and row["last_order"]:
        first = dt.date.fromisoformat(row["first_order_12m"])
        last = dt.date.fromisoformat(row["last_order"])
        usual = (last - first).days / (row["order_days_12m"] - 1)
        silent = (as_of - last).days
        if usual > 0 and silent > rules.gap_factor * usual:
            loss = max(row["before"], row["year_ago"]) / months
            found.append(("silent", loss, (silent, usual, row["last_order"])))
    return found


def reasons(row: dict, as_of: dt.date, rules: ChurnRules) -> list[dict]:
    """The warnings one customer's figures raise: a rule code with its figures and the amount
    a month it stands to lose (custcli.present.words says them)."""
    return [_worded(raised, as_of, rules) for raised in _raised(row, as_of, rules)]


def _worded(raised: tuple[str, float, tuple], as_of: dt.date, rules: ChurnRules) -> dict:
    rule, loss, figures = raised
    if rule == "silent":
        silent, usual, last = figures
        return {
            "rule": rule,
            "silent_days": silent,
            "usual_days": round(usual, 1),
            "last_order": last,
            "as_of": as_of.isoformat(),
            "loss_per_month": round(loss, 2),
        }
    then, now = figures
    return {
        "rule": rule,
        "months": rules.months,
        "then": round(then, 2),
        "now": round(now, 2),
        "fall_pct": round((then - now) / then * 100),
        "loss_per_month": round(loss, 2),
    }


def churn(
    conn: sqlite3.Connection,
    as_of: dt.date,
    rules: ChurnRules = ChurnRules(),
    district: str | None = None,
    manager: str | None = None,
    customer_id: int | None = None,
) -> list[dict]:
    """Customers slipping away as of a day (see `orders_day`), the largest monthly loss first."""
    return warnings(conn, as_of, rules, district, manager, customer_id)[0]


def warnings(
    conn: sqlite3.Connection,
    as_of: dt.date,
    rules: ChurnRules = ChurnRules(),
    district: str | None = None,
    manager: str | None = None,
    customer_id: int | None = None,
    first: int | None = None,
) -> tuple[list[dict], int]:
    """The `first` of churn()'s warnings (all with None) and how many there are: a screen
    shows 20 of a city's ~70,000, and wording each one's reasons cost 0.5 s.

    What the rules find over every shop is kept until an order line changes
    (custcli.db.findings), so that the next ask, in any scope, reads its first rows by loss;
    a single card's, and those of a login that may not keep them, are found each time."""
    if customer_id is None:
        set_id = _kept(conn, as_of, rules)
        if set_id is not None:
            rows, slipping = findings.ranked(conn, set_id, Scope(district, manager, OPEN), first)
            return [
                _warning(row, row["loss"], _raised(row, as_of, rules), as_of, rules) for row in rows
            ], slipping
    rows = q.amounts(
        conn,
        _windows(as_of, rules.months),
        as_of.isoformat(),
        district,
        manager,
        customer_id,
        year_from=_year_from(as_of),
        counts=("order_days_12m",),
    )
    ranked = [(-loss, row["code"], row, raised) for loss, row, raised in _found(rows, as_of, rules)]
    slipping = len(ranked)
    # The largest losses first, then by code (a total order: codes are unique); a screen's
    # first 20 picked out of a city's ~70,000 without sorting them all.
    if first:
        import heapq

        ranked = heapq.nsmallest(first, ranked, key=lambda w: w[:2])
    else:
        ranked.sort(key=lambda w: w[:2])
    warned = [
        _warning(row, -minus_loss, raised, as_of, rules)
        for minus_loss, _code, row, raised in ranked
    ]
    return warned, slipping


def _found(
    rows: list[dict], as_of: dt.date, rules: ChurnRules
) -> Iterator[tuple[float, dict, list[tuple[str, float, tuple]]]]:
    """(the loss a month as said, the row, the rules it breaks) of each shop the rules warn
    of: the largest loss of its rules, rounded as said (round() keeps the order: max first)."""
    for row in rows:
        if row["last_order"] is None:  # never bought: nothing to lose
            continue
        raised = _raised(row, as_of, rules)
        if raised:
            yield round(max([loss for _rule, loss, _figures in raised]), 2), row, raised


def _kept(conn: sqlite3.Connection, as_of: dt.date, rules: ChurnRules) -> int | None:
    """The kept findings of every shop for a day and rules: found and kept now if none are
    (None when this login may not keep them, or a writer holds the lock)."""
    asked = {"as_of": as_of.isoformat(), "rules": list(rules), "version": RULES_VERSION}
    key = findings.digest(asked)
    set_id = findings.kept(conn, key)
    if set_id is not None or not findings.may_keep(conn):
        return set_id
    read_at = figures.version(conn)
    # every shop, closed ones too: what a set holds does not change with a card's status
    rows = q.amounts(
        conn,
        _windows(as_of, rules.months),
        as_of.isoformat(),
        year_from=_year_from(as_of),
        counts=("order_days_12m",),
        shops=ALL,
    )
    found = ((row["id"], loss, row) for loss, row, _raised in _found(rows, as_of, rules))
    return findings.keep(conn, key, read_at, found)


def _warning(
    row: dict,
    loss: float,
    raised: list[tuple[str, float, tuple]],
    as_of: dt.date,
    rules: ChurnRules,
) -> dict:
    return {
        "code": row["code"],
        "name": row["name"],
        "district": row["district"],
        "account_manager": row["account_manager"],
        "last_order": row["last_order"],
        "as_of": as_of.isoformat(),
        "loss_per_month": loss,
        "reasons": [_worded(r, as_of, rules) for r in raised],
    }


def loyal(
    conn: sqlite3.Connection,
    as_of: dt.date,
    stable_ratio: float = 0.9,
    district: str | None = None,
    manager: str | None = None,
) -> list[dict]:
    """Ordered in each of the last 12 months, with the last six months' amount at least 90%
    of the six before, and at least as many brands as the median active customer."""
    half = shift_months(as_of, -6) + dt.timedelta(days=1)
    windows = {
        "first_half": (shift_months(as_of, -12).isoformat(), half.isoformat()),
        "second_half": (half.isoformat(), (as_of + dt.timedelta(days=1)).isoformat()),
    }
    rows = q.amounts(
        conn,
        windows,
        as_of.isoformat(),
        district,
        manager,
        year_from=_year_from(as_of),
        counts=("months_12m", "brands_12m"),
    )
    active = [r["brands_12m"] for r in rows if r["months_12m"]]
    import statistics  # here, not at the top: show loads this module, and needs no median

    wide = statistics.median(active) if active else 0
    found = [
        {
            "code": r["code"],
            "name": r["name"],
            "months": r["months_12m"],
            BRANDS.name: r["brands_12m"],
            "amount_12m": round(r["first_half"] + r["second_half"], 2),
            "growth_pct": round((r["second_half"] - r["first_half"]) / r["first_half"] * 100, 1),
        }
        for r in rows
        if r["months_12m"] >= 12
        and r["first_half"] > 0
        and r["second_half"] >= stable_ratio * r["first_half"]
        and r["brands_12m"] >= wide
    ]
    return sorted(found, key=lambda c: (-c["amount_12m"], c["code"]))
