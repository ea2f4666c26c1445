"""一口清 for one shop: the card, its business, visits, relationship and warnings together."""

from __future__ import annotations

import datetime as dt
import sqlite3

from custcli.db import insights
from custcli.domain import business
from custcli.domain.churn import ChurnRules, churn, orders_day
from custcli.domain.visits import customer_sections
from custcli.kinds import VISITS


def one_breath(
    conn: sqlite3.Connection,
    customer: dict,
    today: dt.date,
    months: int = 3,
    as_of: dt.date | None = None,
) -> dict:
    """The sections `cust show --json` prints: card, business, visits, relationship, alerts.

    Visits and dates are seen from `as_of` (default today); the business figures and the
    churn warnings from `as_of`, else from the day the order data runs to (churn.orders_day).
    """
    sections = customer_sections(conn, customer, as_of or today)
    orders_as_of = orders_day(conn, as_of, today)
    figures = business.figures(conn, customer["id"], orders_as_of, months)
    figures["pyramid"] = insights.pyramid_of(conn, customer["id"])
    slipping = churn(conn, orders_as_of, ChurnRules(), customer_id=customer["id"])
    churn_reasons = slipping[0]["reasons"] if slipping else []
    from custcli.domain.supply import for_shop

    supply = for_shop(conn, customer, as_of or today)  # what it may order this period
    alerts = business.alerts(customer, sections[VISITS.name], churn_reasons)
    if supply["untaken"]:
        alerts.append({"kind": "supply_untaken", "period": supply["period"],
                       "brands": supply["untaken"]})  # fmt: skip
    return {"business": figures, **sections, "alerts": alerts, "supply": supply}
