"""Monthly rollups of the order lines: one row per customer and month, kept with the lines.

A city holds 3,000,000 order lines; the pyramid, churn, the report and a card's figures ask
for sums per customer over months. `order_months` holds, per customer and month, the volume,
amount, line count, order days, brand-specs, first and last order day and the volume per price
class, so those questions read about a tenth of the rows.

Every write of order lines (import, undo, merge) calls `refresh` for the (customer, month)
keys it touched, inside its own transaction; a change of a brand's price class calls
`rebuild`; both make the figures kept per shop (custcli.db.figures) stale. A key's row is
recomputed from its lines, never adjusted by difference, so a rollup cannot drift.
`mismatches` recomputes them all and compares, for `cust db check`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from custcli.db import figures, schema

# Sums are rounded where they are stored, so that a row recomputed in another order of lines
# compares equal: amounts to the fen, volumes to a thousandth of a carton.
_AGGREGATES = """
    round(total(o.qty), 3) AS qty,
    round(total(o.amount), 2) AS amount,
    count(*) AS lines,
    count(DISTINCT o.date) AS days,
    count(DISTINCT o.brand) AS brands,
    min(o.date) AS first_day,
    max(o.date) AS last_day,
    round(total(CASE WHEN b.price_class = 1 THEN o.qty END), 3) AS qty_class_1,
    round(total(CASE WHEN b.price_class = 2 THEN o.qty END), 3) AS qty_class_2,
    round(total(CASE WHEN b.price_class = 3 THEN o.qty END), 3) AS qty_class_3,
    round(total(CASE WHEN b.price_class = 4 THEN o.qty END), 3) AS qty_class_4,
    round(total(CASE WHEN b.price_class = 5 THEN o.qty END), 3) AS qty_class_5
"""
COLUMNS = (
    "customer_id, month, qty, amount, lines, days, brands, first_day, last_day,"
    " qty_class_1, qty_class_2, qty_class_3, qty_class_4, qty_class_5"
)


def _computed(where: str = "1 = 1") -> str:
    """The rollup rows the lines give, for the lines matching `where` (on orders o)."""
    return (
        f"SELECT o.customer_id, substr(o.date, 1, 7) AS month, {_AGGREGATES}"
        " FROM orders o LEFT JOIN brands b ON b.name = o.brand"
        f" WHERE {where} GROUP BY o.customer_id, substr(o.date, 1, 7)"
    )


def keys_of_import(conn: sqlite3.Connection, import_id: int) -> set[tuple[int, str]]:
    """The (customer, month) keys an import's order lines fall in: asked before an undo."""
    rows = conn.execute(
        "SELECT DISTINCT customer_id, substr(date, 1, 7) FROM orders WHERE import_id = ?",
        (import_id,),
    )
    return {(customer_id, month) for customer_id, month in rows}


def refresh(conn: sqlite3.Connection, keys: Iterable[tuple[int, str]]) -> int:
    """Recompute the rollup rows of these (customer_id, 'YYYY-MM') keys from their lines;
    a key with no lines left loses its row. Returns how many keys were refreshed."""
    keys = sorted(set(keys))
    if not keys:
        return 0
    conn.execute(schema.TOUCHED_MONTHS)
    conn.execute("DELETE FROM touched_months")
    conn.executemany("INSERT INTO touched_months VALUES (?, ?)", keys)
    conn.execute(
        "DELETE FROM order_months WHERE (customer_id, month) IN"
        " (SELECT customer_id, month FROM touched_months)"
    )
    # Each key, in its primary key's order (CROSS JOIN keeps SQLite's planner to it), reads
    # its own lines through the (customer, date) index, and the groups come out in order:
    # no scan of every line, no sort (at city scale 6.6 s became 3.6 s).
    conn.execute(
        f"INSERT INTO order_months ({COLUMNS}) SELECT t.customer_id, t.month, {_AGGREGATES}"
        " FROM touched_months t CROSS JOIN orders o LEFT JOIN brands b ON b.name = o.brand"
        " WHERE o.customer_id = t.customer_id"
        " AND o.date >= t.month || '-01' AND o.date < t.month || '-99'"
        " GROUP BY t.customer_id, t.month"
    )
    conn.execute("DELETE FROM touched_months")
    figures.forget(conn)
    return len(keys)


def rebuild(conn: sqlite3.Connection) -> None:
    """Every rollup row from the lines: after a brand's price class changes, or a migration."""
    conn.execute("DELETE FROM order_months")
    conn.execute(f"INSERT INTO order_months ({COLUMNS}) {_computed()}")
    figures.forget(conn)


def mismatches(conn: sqlite3.Connection) -> int:
    """How many (customer, month) rollups differ from what the lines give: missing, extra or
    with other figures."""
    computed = _computed()
    stored = f"SELECT {COLUMNS} FROM order_months"
    return conn.execute(
        f"SELECT count(*) FROM (SELECT customer_id, month FROM ({computed} EXCEPT {stored})"
        f" AS missing UNION SELECT customer_id, month FROM ({stored} EXCEPT {computed}) AS extra)"
        " AS differing"
    ).fetchone()[0]
