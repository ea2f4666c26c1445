"""Queries behind what to sell at the counter: which brands a shop ordered, each shop's
monthly volume of each brand, and the department's peer figures.

The peer figures (how many shops of a tier and district carried each brand, a brand's 上柜率
by district and tier, each tier's spread of a month's cartons) are counts and sums, never a
shop's row. Each is written once, below, and run two ways: inline by a login that sees every
shop (SQLite's one user, the department's owner), and on a fenced PostgreSQL through a
SECURITY DEFINER function of the same text (`functions`, put up with the fence), so that a
manager's shops are compared with the whole department's peers while the manager reads no
other manager's shop. A function answers only for groups of at least `SMALLEST_GROUP` shops:
figures of one or two shops would be those shops' rows by another name.
"""

from __future__ import annotations

import sqlite3

from custcli.db.rows import dicts

SMALLEST_GROUP = 3

# {name} is a parameter: `:name` inline, `p_name` inside the function.
_PEERS = (
    "c.status = 'active' AND (CAST({tier} AS INTEGER) IS NULL OR c.tier = {tier})"
    " AND (CAST({district} AS TEXT) IS NULL OR c.district = {district})"
)
# The peers' count (brand NULL), then each brand's carrying shops, in [first, before).
PEER_BRANDS = (
    "SELECT NULL AS brand, n.shops FROM (SELECT count(*) AS shops FROM customers c WHERE "
    + _PEERS + ") n WHERE n.shops >= {smallest}"
    " UNION ALL"
    " SELECT o.brand, count(DISTINCT o.customer_id) FROM orders o"
    " JOIN customers c ON c.id = o.customer_id"
    " WHERE " + _PEERS + " AND o.date >= {first} AND o.date < {before} AND o.qty > 0"
    " AND (SELECT count(*) FROM customers c WHERE " + _PEERS + ") >= {smallest}"
    " GROUP BY o.brand"
)  # fmt: skip
# A brand's 上柜率 cells: shops in business and those that ordered it, by district and tier.
BRAND_COVERAGE = (
    "SELECT coalesce(c.district, '') AS district, c.tier AS tier, count(*) AS shops,"
    " sum(CASE WHEN c.id IN (SELECT o.customer_id FROM orders o WHERE o.brand = {brand}"
    " AND o.date >= {first} AND o.date < {before} AND o.qty > 0) THEN 1 ELSE 0 END)"
    " AS carrying"
    " FROM customers c WHERE c.status = 'active'"
    " GROUP BY coalesce(c.district, ''), c.tier HAVING count(*) >= {smallest}"
)
# Each tier's shops with orders in [first, before), and the sum and the sum of squares of
# their cartons: a mean and a standard deviation without a shop's figure.
TIER_BANDS = (
    "SELECT s.tier AS tier, count(*) AS shops, sum(s.qty) AS total,"
    " sum(s.qty * s.qty) AS squares FROM ("
    " SELECT c.tier AS tier, o.customer_id, sum(o.qty) AS qty FROM orders o"
    " JOIN customers c ON c.id = o.customer_id"
    " WHERE o.date >= {first} AND o.date < {before} GROUP BY c.tier, o.customer_id) s"
    " GROUP BY s.tier HAVING count(*) >= {smallest}"
)
_FUNCTIONS = {
    "cust_peer_brands": (PEER_BRANDS, ("tier integer", "district text", "first text",
                                       "before text"), "brand text, shops bigint"),
    "cust_brand_coverage": (BRAND_COVERAGE, ("brand text", "first text", "before text"),
                            "district text, tier integer, shops bigint, carrying bigint"),
    "cust_tier_bands": (TIER_BANDS, ("first text", "before text"),
                        "tier integer, shops bigint, total double precision,"
                        " squares double precision"),
}  # fmt: skip
FUNCTIONS = tuple(
    f"{name}({','.join(a.split()[1] for a in arguments)})"
    for name, (_sql, arguments, _out) in _FUNCTIONS.items()
)


def functions(schema: str) -> list[str]:
    """The statements that put up the peer functions in a schema (quoted)."""
    statements = []
    for name, (sql, arguments, out) in _FUNCTIONS.items():
        names = {a.split()[0]: f"p_{a.split()[0]}" for a in arguments}
        body = sql.format(**names, smallest=SMALLEST_GROUP)
        statements += [
            f"CREATE OR REPLACE FUNCTION {name}({', '.join('p_' + a for a in arguments)})"
            f" RETURNS TABLE ({out}) LANGUAGE sql STABLE SECURITY DEFINER"
            f" SET search_path = {schema} AS $$ {body} $$",
            f"REVOKE ALL ON FUNCTION {name}({', '.join(a.split()[1] for a in arguments)})"
            " FROM PUBLIC",
        ]
    return statements


def _figures(conn, name: str, fenced: bool, smallest: int, **params) -> list[dict]:
    """A peer query's rows: through its function on a fenced login, else inline."""
    sql, arguments, _out = _FUNCTIONS[name]
    order = [a.split()[0] for a in arguments]
    if fenced:
        marks = ", ".join(f":{key}" for key in order)
        return dicts(conn.execute(f"SELECT * FROM {name}({marks})", params))
    inline = sql.format(**{key: f":{key}" for key in order}, smallest=":smallest")
    return dicts(conn.execute(inline, {**params, "smallest": smallest}))


def peer_brands(
    conn, tier: int | None, district: str | None, first: str, before: str, fenced: bool
) -> tuple[int, dict[str, int]]:
    """The number of shops in business of a tier in a district (all districts when it is
    None) and, of those, how many carried each brand in [first, before); (0, {}) for fewer
    than SMALLEST_GROUP shops."""
    rows = _figures(conn, "cust_peer_brands", fenced, SMALLEST_GROUP, tier=tier,
                    district=district, first=first, before=before)  # fmt: skip
    shops = next((r["shops"] for r in rows if r["brand"] is None), 0)
    return shops, {r["brand"]: r["shops"] for r in rows if r["brand"] is not None}


def brand_coverage(conn, brand: str, first: str, before: str, fenced: bool) -> list[dict]:
    """A brand's cells by district and tier: shops in business, and those that carried it.
    Inline every cell; through the function only cells of SMALLEST_GROUP shops or more."""
    return _figures(conn, "cust_brand_coverage", fenced, 1, brand=brand, first=first,
                    before=before)  # fmt: skip


def tier_bands(conn, first: str, before: str, smallest: int, fenced: bool) -> list[dict]:
    """Each tier's count, sum and sum of squares of its shops' cartons in [first, before)."""
    return _figures(conn, "cust_tier_bands", fenced, smallest, first=first, before=before)


def shops_in_business(conn: sqlite3.Connection) -> list[dict]:
    return dicts(
        conn.execute("SELECT id, code, name, tier, district FROM customers WHERE status = 'active'")
    )


def brands_carried(conn: sqlite3.Connection, first: str, before: str, customer_id: int) -> set[str]:
    """A shop's brands ordered in [first, before) (a line of 0 cartons is no order): what
    it carries beside its peers, and what it took of its supply."""
    return {
        brand
        for (brand,) in conn.execute(
            "SELECT DISTINCT brand FROM orders"
            " WHERE customer_id = ? AND date >= ? AND date < ? AND qty > 0",
            (customer_id, first, before),
        )
    }


def monthly_by_brand(conn: sqlite3.Connection, first: str, before: str) -> list[dict]:
    """Each shop's cartons of each brand in each month of [first, before)."""
    return dicts(
        conn.execute(
            "SELECT o.customer_id, c.code, c.name, c.tier, c.district, o.brand,"
            " substr(o.date, 1, 7) AS month, sum(o.qty) AS qty, sum(o.amount) AS amount"
            " FROM orders o JOIN customers c ON c.id = o.customer_id"
            " WHERE o.date >= ? AND o.date < ?"
            " GROUP BY o.customer_id, c.code, c.name, c.tier, c.district, o.brand,"
            " substr(o.date, 1, 7)",
            (first, before),
        )
    )
