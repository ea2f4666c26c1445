"""Queries behind the monthly visit report: the month's rows of every shop, read once; the domain
keeps those of the shops in the report's scope as they were then."""

from __future__ import annotations

import sqlite3

from custcli.db.rows import dicts, record


def followups_made(conn: sqlite3.Connection, first: str, last: str) -> list[int]:
    """The shop (customer id) of each follow-up made at a visit in [first, last]."""
    return [
        customer_id
        for (customer_id,) in conn.execute(
            "SELECT f.customer_id FROM followups f JOIN visits v ON v.id = f.visit_id"
            " WHERE v.date BETWEEN ? AND ?",
            (first, last),
        )
    ]


def followups_closed(conn: sqlite3.Connection, first: str, last: str) -> list[int]:
    """The shop of each follow-up done in [first, last]."""
    return [
        customer_id
        for (customer_id,) in conn.execute(
            "SELECT customer_id FROM followups WHERE done_on BETWEEN ? AND ?", (first, last)
        )
    ]


def complaints_in(conn: sqlite3.Connection, column: str, first: str, last: str) -> list[dict]:
    """Complaints opened (column opened_on) or resolved (resolved_on) in [first, last], with
    their shop and the days they took."""
    if column not in ("opened_on", "resolved_on"):
        raise ValueError(column)
    return dicts(
        conn.execute(
            "SELECT id, customer_id, julianday(resolved_on) - julianday(opened_on)"
            f" AS days_to_resolve FROM complaints WHERE {column} BETWEEN ? AND ?",
            (first, last),
        )
    )


def orders_by_customer(conn: sqlite3.Connection, month: str) -> dict[int, dict]:
    """Volume and amount per customer in a month ('YYYY-MM'), from the monthly rollups."""
    rows = conn.execute(
        "SELECT customer_id, qty, amount FROM order_months WHERE month = ?", (month,)
    )
    return {r["customer_id"]: record(r) for r in rows}


def orders_by_brand(conn: sqlite3.Connection, first: str, last: str) -> list[dict]:
    """Per shop and brand, the volume and amount in [first, last], with the brand's class
    and price."""
    return dicts(
        conn.execute(
            "SELECT o.customer_id, o.brand, sum(o.qty) AS qty, sum(o.amount) AS amount,"
            " b.price_class, b.wholesale_price FROM orders o"
            " LEFT JOIN brands b ON b.name = o.brand WHERE o.date BETWEEN ? AND ?"
            " GROUP BY o.customer_id, o.brand, b.price_class, b.wholesale_price",
            (first, last),
        )
    )


def visit_counts(conn: sqlite3.Connection, first: str, last: str) -> dict[int, dict]:
    """Per customer: visits in [first, last] and the latest visit on or before last."""
    rows = conn.execute(
        "SELECT customer_id, sum(date >= ?) AS visits, max(date) AS last_visit FROM visits"
        " WHERE date <= ? GROUP BY customer_id",
        (first, last),
    )
    return {r["customer_id"]: record(r) for r in rows}


def managers_by_code(conn: sqlite3.Connection) -> dict[str, str | None]:
    """Every card's account manager, closed cards included: whose a visit line is."""
    return dict(conn.execute("SELECT code, account_manager FROM customers").fetchall())


# The card fields whose values a month's report takes as they were at the month's end.
THEN_FIELDS = ("status", "district", "account_manager")


def cards_then(
    conn: sqlite3.Connection, columns: tuple[str, ...], first: str, after: str
) -> list[dict]:
    """Every card as it was at the end of the day before `after` (an ISO date): its status,
    district and account manager put back from the changes made since, with what tells
    whether the shop traded in [first, after): `made` (the card was made before `after`),
    `traded` (of a card made since: visited, complained or ordered before `after`, or opened
    then) and `left_active` (its status changed from active in the period)."""
    wanted = tuple(dict.fromkeys(("id", "code", "created_at", "opened_on", *THEN_FIELDS, *columns)))
    cards = dicts(conn.execute(f"SELECT {', '.join(wanted)} FROM customers"))
    marks = ", ".join("?" for _ in THEN_FIELDS)
    put_back: dict[tuple[int, str], object] = {}
    for customer_id, field, old in conn.execute(
        f"SELECT customer_id, field, old FROM changes WHERE field IN ({marks})"
        " AND changed_at >= ? ORDER BY id",
        (*THEN_FIELDS, after),
    ):
        put_back.setdefault((customer_id, field), old)  # the first change since: its old value
    left_active = {
        customer_id
        for (customer_id,) in conn.execute(
            "SELECT DISTINCT customer_id FROM changes WHERE field = 'status' AND old = 'active'"
            " AND changed_at >= ? AND changed_at < ?",
            (first, after),
        )
    }
    # Whether a card made since traded before: asked only of those cards, one index seek
    # each (a union of every line's shop before `after` took 4.4 s at city scale).
    traded = {
        customer_id
        for (customer_id,) in conn.execute(
            "SELECT c.id FROM customers c WHERE c.created_at >= ? AND ("
            " EXISTS (SELECT 1 FROM visits v WHERE v.customer_id = c.id AND v.date < ?)"
            " OR EXISTS (SELECT 1 FROM complaints p"
            " WHERE p.customer_id = c.id AND p.opened_on < ?)"
            " OR EXISTS (SELECT 1 FROM order_months m"
            " WHERE m.customer_id = c.id AND m.month < ?)"
            " OR EXISTS (SELECT 1 FROM orders o"
            " WHERE o.customer_id = c.id AND o.date >= ? AND o.date < ?))",
            (after, after, after, after[:7], f"{after[:7]}-01", after),
        )
    }
    for card in cards:
        for field in THEN_FIELDS:
            if (card["id"], field) in put_back:
                card[field] = put_back[(card["id"], field)]
        card["made"] = (card.pop("created_at") or "") < after
        card["traded"] = card["id"] in traded or bool(
            card.get("opened_on") and card["opened_on"] < after
        )
        card["left_active"] = card["id"] in left_active
    return cards


def orders_by_customer_between(
    conn: sqlite3.Connection, first: str, before: str
) -> dict[int, dict]:
    """Volume and amount per customer of the orders in [first, before): whole months from the
    monthly rollups, the days of a cut month from the lines."""
    from custcli.months import whole_months

    whole, edges = whole_months(first, before)
    pieces = [("orders", "date >= ? AND date < ?", edge) for edge in edges]
    if whole:
        pieces.insert(0, ("order_months", "month >= ? AND month < ?", whole))
    totals: dict[int, dict] = {}
    for table, between, params in pieces:
        for customer_id, qty, amount in conn.execute(
            f"SELECT customer_id, coalesce(sum(qty), 0), coalesce(sum(amount), 0) FROM {table}"
            f" WHERE {between} GROUP BY customer_id",
            params,
        ):
            total = totals.setdefault(customer_id, {"qty": 0.0, "amount": 0.0})
            total["qty"] += qty
            total["amount"] += amount
    return totals
