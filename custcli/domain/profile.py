"""一口清 for one shop: the card, its business, visits, relationship and warnings together."""

from __future__ import annotations

import datetime as dt
import sqlite3

from custcli.db import insights
from custcli.domain import business
from custcli.domain.churn import ChurnRules, churn
from custcli.domain.visits import customer_sections


def one_breath(conn: sqlite3.Connection, customer: dict, as_of: dt.date, months: int = 3) -> dict:
    """The sections `cust show --json` prints: card, business, visits, relationship, alerts."""
    sections = customer_sections(conn, customer, as_of)
    figures = business.figures(conn, customer["id"], as_of, months)
    figures["pyramid"] = insights.pyramid_of(conn, customer["id"])
    slipping = churn(conn, as_of, ChurnRules(), customer_id=customer["id"])
    churn_reasons = slipping[0]["reasons"] if slipping else []
    return {
        "business": figures,
        **sections,
        "alerts": business.alerts(customer, sections["visits"], churn_reasons),
    }
