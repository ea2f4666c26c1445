"""What to sell at the counter, from the orders alone: the brands a shop's peers carry and it
does not (brand gaps), a brand's 上柜率 by district and tier (coverage), and orders that
jumped (order surges, the 销售异动 the 专卖 side asks to hear about).

Peers are the shops in business of the same tier in the same district. A brand is carried
when it was ordered in the window (3 complete months by default). The peers are always the
whole department's: on a department's PostgreSQL a manager's login reads them as figures
(counts and sums, custcli.db.counter), never another manager's shop rows, and its own shops
are what it lists.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from collections import defaultdict

from custcli.db import counter as q
from custcli.db.grants import fenced
from custcli.domain.customers import resolve
from custcli.errors import BadInput
from custcli.months import add_months, month_start

SHARE_AT_LEAST = 50.0  # % of peers carrying a brand for its absence to be a gap
MIN_PEERS = 3  # fewer peers than this say nothing of what a tier carries
MONTHS = 3
SURGE_MULTIPLE = 2.0  # a month's cartons over this many times the three before's average
SURGE_AT_LEAST = 5.0  # cartons: a jump from 1 to 3 is no surge
SIGMAS = 3.0  # or outside the same tier's mean ± 3 standard deviations
BAND_AT_LEAST = 5  # shops of a tier with orders in the month to speak of its band


def _window(as_of: dt.date, months: int) -> tuple[str, str]:
    """The `months` complete months before as_of's month: [first, before)."""
    before = month_start(as_of)
    return add_months(before, -months).isoformat(), before.isoformat()


def gaps(
    conn: sqlite3.Connection,
    ref: str,
    as_of: dt.date,
    share_at_least: float = SHARE_AT_LEAST,
    months: int = MONTHS,
) -> dict:
    """The brands at least `share_at_least`% of this shop's tier peers in its district
    carried in the window and it did not, the most carried first, with the peers' share."""
    if not 0 < share_at_least <= 100:
        raise BadInput("--share is a percentage from 1 to 100")
    shop = resolve(conn, ref)
    first, before = _window(as_of, months)
    shops, counts = q.peer_brands(
        conn, shop.get("tier"), shop.get("district"), first, before, fenced(conn)
    )
    peers = shops - (shop.get("status") == "active")  # the shop is no peer of its own
    mine = q.brands_carried(conn, first, before, shop["id"])
    found = (
        [
            {"brand": brand, "peers_carrying": n, "share_pct": round(n / peers * 100, 1)}
            for brand, n in counts.items()
            if brand not in mine and n / peers * 100 >= share_at_least
        ]
        if peers >= MIN_PEERS
        else []
    )
    found.sort(key=lambda g: (-g["share_pct"], g["brand"]))
    return {
        "code": shop["code"],
        "name": shop["name"],
        "tier": shop.get("tier"),
        "district": shop.get("district"),
        "peers": max(peers, 0),
        "window": {"first": first, "before": before},
        "share_at_least": share_at_least,
        "gaps": found,
    }


def coverage(conn: sqlite3.Connection, brand: str, as_of: dt.date, months: int = MONTHS) -> dict:
    """A brand's 上柜率 (the share of shops in business that ordered it in the window) by
    district and tier."""
    first, before = _window(as_of, months)
    cells = q.brand_coverage(conn, brand, first, before, fenced(conn))
    rows = [
        {**c, "share_pct": round(c["carrying"] / c["shops"] * 100, 1)}
        for c in sorted(cells, key=lambda c: (c["district"], -(c["tier"] or 0)))
    ]
    return {"brand": brand, "window": {"first": first, "before": before}, "rows": rows}


def surges(
    conn: sqlite3.Connection,
    as_of: dt.date,
    multiple: float = SURGE_MULTIPLE,
    at_least: float = SURGE_AT_LEAST,
    sigmas: float = SIGMAS,
) -> dict:
    """The order surges of the last complete month: a shop's brand at more than `multiple`
    times its three months before (and at least `at_least` cartons), or a shop's month
    outside its tier's mean ± `sigmas` standard deviations."""
    month_first = add_months(month_start(as_of), -1)
    month = month_first.isoformat()[:7]
    lines = q.monthly_by_brand(
        conn, add_months(month_first, -3).isoformat(), month_start(as_of).isoformat()
    )
    before: dict[tuple, float] = defaultdict(float)
    now: dict[tuple, dict] = {}
    for line in lines:
        key = (line["customer_id"], line["brand"])
        if line["month"] == month:
            now[key] = line
        else:
            before[key] += line["qty"]
    found = []
    for key, line in now.items():
        average = before.get(key, 0.0) / 3
        if line["qty"] >= at_least and average > 0 and line["qty"] > multiple * average:
            found.append(_surge(line, "jump", average=round(average, 1),
                                times=round(line["qty"] / average, 1)))  # fmt: skip
    totals: dict[int, dict] = {}
    for line in now.values():
        shop = totals.setdefault(line["customer_id"], {**line, "qty": 0.0, "brand": None})
        shop["qty"] += line["qty"]
    bands = {
        band["tier"]: _mean_sd(band)
        for band in q.tier_bands(
            conn,
            month_first.isoformat(),
            month_start(as_of).isoformat(),
            BAND_AT_LEAST,
            fenced(conn),
        )
        if band["shops"] >= BAND_AT_LEAST  # a fenced login's function answers from 3
    }
    for shop in totals.values():
        mean, sd = bands.get(shop["tier"], (0.0, 0.0))
        if sd and abs(shop["qty"] - mean) > sigmas * sd:
            found.append(_surge(shop, "band", mean=round(mean, 1), sd=round(sd, 1)))
    found.sort(key=lambda s: (s["code"], s["brand"] or ""))
    return {"month": month, "multiple": multiple, "sigmas": sigmas, "surges": found}


def _mean_sd(band: dict) -> tuple[float, float]:
    """A tier's mean and sample standard deviation from its count, sum and sum of squares
    (a spread below a millionth of the mean's square is rounding, not a spread)."""
    n, total = band["shops"], float(band["total"])
    mean = total / n
    variance = (float(band["squares"]) - n * mean * mean) / (n - 1)
    return mean, math.sqrt(variance) if variance > 1e-6 * max(mean * mean, 1.0) else 0.0


def _surge(line: dict, rule: str, **figures) -> dict:
    return {
        "code": line["code"],
        "name": line["name"],
        "tier": line["tier"],
        "district": line["district"],
        "brand": line["brand"],
        "qty": round(line["qty"], 1),
        "rule": rule,
        **figures,
    }
