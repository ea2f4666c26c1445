"""Queries behind the pyramid, churn warnings, loyal customers and the managers' evaluation.

Each is one pass over the monthly order rollups, summed per customer with CASE windows, so
that a city of 100,000 shops and 3,000,000 lines is one scan rather than a loop over lines.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from custcli.db import figures
from custcli.db.rows import dicts, record, scope_conditions, tuples, where
from custcli.months import cut_months
from custcli.scope import OPEN, Scope


def _scope(district: str | None, manager: str | None, shops: str = OPEN) -> tuple[str, list]:
    return where(*scope_conditions(Scope(district, manager, shops)))


def last_order_day(conn: sqlite3.Connection, on_or_before: str) -> str | None:
    """The latest day any order line is dated, on or before a day: where the data runs to."""
    return conn.execute("SELECT max(date) FROM orders WHERE date <= ?", (on_or_before,)).fetchone()[
        0
    ]


class _Source(NamedTuple):
    """Where amounts() reads: whole months from the rollups, the months a window cuts from
    the lines. `day` dates a row, compared with bounds cut to `bound` characters: a rollup
    by its month, which no window edge falls inside of, so that the month is in a window
    [first, before) exactly when first[:7] <= month < before[:7]. Templates take a {cond}."""

    day: str
    bound: int
    first: str
    last: str
    order_days: str
    months: str


_WHOLE = _Source(
    day="month",
    bound=7,
    first="first_day",
    last="last_day",
    order_days="coalesce(sum(CASE WHEN {cond} THEN days END), 0)",
    months="count(DISTINCT CASE WHEN {cond} THEN month END)",
)
_CUT = _Source(
    day="date",
    bound=10,
    first="date",
    last="date",
    order_days="count(DISTINCT CASE WHEN {cond} THEN date END)",
    months="count(DISTINCT CASE WHEN {cond} THEN substr(date, 1, 7) END)",
)
# How the two sources' columns combine; the amounts add up with total().
_COMBINE = {
    "first_order": "min({})",
    "last_order": "max({})",
    "first_order_12m": "min({})",
    # The two sources' order days and months never overlap: they add up, as counts.
    "order_days_12m": "coalesce(sum({}), 0)",
    "months_12m": "coalesce(sum({}), 0)",
}


def _figures(
    source: _Source, windows: dict, year_from: str | None, months: bool
) -> tuple[list[str], list]:
    """One source's per-customer columns and their parameters."""
    day, cut = source.day, source.bound
    columns = [f"total(CASE WHEN {day} >= ? AND {day} < ? THEN amount END) AS {n}" for n in windows]
    params: list = [bound[:cut] for first_before in windows.values() for bound in first_before]
    columns += [f"min({source.first}) AS first_order", f"max({source.last}) AS last_order"]
    if year_from:
        since = f"{day} >= ?"
        columns += [
            f"min(CASE WHEN {since} THEN {source.first} END) AS first_order_12m",
            f"{source.order_days.format(cond=since)} AS order_days_12m",
        ]
        params += [year_from[:cut], year_from[:cut]]
        if months:
            columns.append(f"{source.months.format(cond=since)} AS months_12m")
            params.append(year_from[:cut])
    return columns, params


def amounts(
    conn: sqlite3.Connection,
    windows: dict[str, tuple[str, str]],
    through: str,
    district: str | None = None,
    manager: str | None = None,
    customer_id: int | None = None,
    year_from: str | None = None,
    counts: tuple[str, ...] = (),
    shops: str = OPEN,
) -> list[dict]:
    """Per customer in scope (its open shops unless `shops` says which): the amount in each
    named window [first, before) and the dates of the first and last order on or before
    `through`; with `year_from` (an ISO date) also, since that day, the first order, the
    order days (order_days_12m) and, if asked for in `counts`, the months with orders
    (months_12m) and the brands bought (brands_12m). Customers without orders come back
    with zeros and no dates.

    Whole months are read from the monthly rollups (custcli.db.rollups) and only the months
    a window edge cuts from the lines; the customers are joined to them in the same query.
    Every shop's figures, once computed, are kept until an order line changes
    (custcli.db.figures); a single card's are computed each time.
    """
    clause, params, only = _scope_of(district, manager, customer_id, shops)
    source = _figures_source(conn, windows, through, only, year_from, counts, customer_id)
    sql, params = _amounts_query(windows, clause, params, source)
    rows = dicts(conn.execute(sql, params))
    brands = (
        _brands_since(conn, year_from, through, only)
        if "brands_12m" in counts and year_from
        else {}
    )
    for row in rows:
        row["brands_12m"] = brands.get(row["id"], 0)
    return rows


def _scope_of(
    district: str | None,
    manager: str | None,
    customer_id: int | None = None,
    shops: str = OPEN,
) -> tuple[str, list, tuple[str, list]]:
    """The condition on customers c of a scope, its parameters, and the condition on
    customer_id that narrows the order figures to its shops (" AND …" and its parameters,
    "" for every shop)."""
    clause, params = _scope(district, manager, shops)
    if customer_id is not None:
        clause += " AND c.id = ?"
        params.append(customer_id)
    # A card's, a district's or a manager's figures are read by their shops' keys; the
    # whole file's in one pass over every customer's.
    narrowed = customer_id is not None or district or manager
    only = (
        (f" AND customer_id IN (SELECT c.id FROM customers c WHERE {clause})", params)
        if narrowed
        else ("", [])
    )
    return clause, params, only


def _figures_source(
    conn: sqlite3.Connection,
    windows: dict[str, tuple[str, str]],
    through: str,
    only: tuple[str, list],
    year_from: str | None,
    counts: tuple[str, ...],
    customer_id: int | None = None,
    keep: bool = True,
) -> tuple[str, list, list[str]]:
    """Where the figures come from, as `_figures_query` gives them: the whole file's kept
    set if one holds them (any scope reads it, joined to its shops), else the query itself;
    a query over every shop is kept (with `keep`) for the next time it is asked. A single
    card's figures are one seek of its own keys: computed, never looked up."""
    if customer_id is not None:
        return _figures_query(windows, through, only, year_from, counts)
    asked = figures.recipe(windows, through, year_from, counts)
    whole = kept_figures_query(asked)
    found = figures.kept(conn, asked, whole[2], len(windows))
    if found:
        return found
    if only[0]:
        return _figures_query(windows, through, only, year_from, counts)
    return (keep and figures.keep(conn, asked, *whole, len(windows))) or whole


def kept_figures_query(asked: dict) -> tuple[str, list, list[str]]:
    """The whole file's figures query of a recipe (custcli.db.figures): what a kept set
    holds, built again from what was asked, for `cust db check` too."""
    windows = {name: (first, before) for name, first, before in asked["windows"]}
    return _figures_query(
        windows, asked["through"], ("", []), asked["year_from"], tuple(asked["counts"])
    )


def _amounts_query(
    windows: dict[str, tuple[str, str]],
    clause: str,
    params: list,
    source: tuple[str, list, list[str]],
) -> tuple[str, list]:
    """amounts()' query and its parameters: the customers matching `clause` joined to their
    figures from `source`."""
    sql, figure_params, present = source
    # The customers joined to their figures in the query, defaults for those without orders
    # in it too: one row per shop, made a dict once (100,000 shops cost 0.6 s more when
    # the two were merged in Python).
    columns = [
        f"coalesce(f.{name}, {default}) AS {name}" if name in present else f"{default} AS {name}"
        for name, default in {**dict.fromkeys(windows, "0.0"), **_DEFAULTS}.items()
    ]
    return (
        f"SELECT {', '.join(columns)}, c.id, c.code, c.name, c.district, c.account_manager"
        f" FROM customers c LEFT JOIN ({sql}) AS f ON f.customer_id = c.id WHERE {clause}",
        [*figure_params, *params],
    )


def tiered(
    conn: sqlite3.Connection,
    windows: dict[str, tuple[str, str]],
    bought_by: dict[str, str],
    boundaries: tuple[tuple[str, float], ...],
    unranked: tuple[str, str],
    through: str,
    district: str | None = None,
    manager: str | None = None,
) -> list:
    """Per customer in scope, in no order, a tuple: id, code, name, and for each window its
    amount and the customer's tier by it (see `_tiers_query`). The figures are kept as
    amounts() keeps them."""
    clause, params, only = _scope_of(district, manager)
    source = _figures_source(conn, windows, through, only, None, ())
    sql, params = _tiers_query(windows, bought_by, boundaries, unranked, clause, params, source)
    return tuples(conn.execute(sql, params))


def store_tiers(
    conn: sqlite3.Connection,
    window: tuple[str, str],
    bought_by: str,
    boundaries: tuple[tuple[str, float], ...],
    unranked: tuple[str, str],
    as_of: str,
) -> None:
    """Every shop's tier by its amount in the window, kept for `cust show`: ranked and
    written inside the database, with no row passing through Python. Run under an import's
    lock, it keeps no figures (a kept set found is read)."""
    windows = {"amount_12m": window}
    clause, params, only = _scope_of(None, None)
    source = _figures_source(conn, windows, as_of, only, None, (), keep=False)
    sql, params = _tiers_query(
        windows, {"amount_12m": bought_by}, boundaries, unranked, clause, params, source
    )
    conn.execute("DELETE FROM pyramid")
    conn.execute(
        "INSERT INTO pyramid (customer_id, tier, amount_12m, as_of)"
        f" SELECT id, tier_amount_12m, amount_12m, ? FROM ({sql}) AS tiered",
        [as_of, *params],
    )


def _tiers_query(
    windows: dict[str, tuple[str, str]],
    bought_by: dict[str, str],
    boundaries: tuple[tuple[str, float], ...],
    unranked: tuple[str, str],
    clause: str,
    params: list,
    source: tuple[str, list, list[str]],
) -> tuple[str, list]:
    """Each customer matching `clause` (its figures from `source`) with, for every window,
    its amount and `tier_<window>`: the customers who bought in the window ranked by
    amount, a tier ending where the tier's cumulative share of them is reached, rounded up
    (so that ten customers have a top one); customers tied on amount share the tier of the
    best placed of them, which is what rank() gives. The others are `unranked`: the first
    tier if they had bought by the window's day in `bought_by` (inactive), else the second
    (potential).

    A position p is within ceil(n × share) exactly when p - 1 < n × share: the same product
    of the same doubles as ceil's, with no ceil (SQLite is not always built with it)."""
    sql, params = _amounts_query(windows, clause, params, source)
    # The active counts are counted once from the figures kept aside (MATERIALIZED), not
    # as a window over the whole partition beside each rank: 0.72 s -> 0.64 s for a city.
    ranks = ", ".join(
        f"rank() OVER (ORDER BY f.{name} DESC) AS rank_{name}, n.active_{name}" for name in windows
    )
    counts = ", ".join(
        f"count(CASE WHEN {name} > 0 THEN 1 END) AS active_{name}" for name in windows
    )
    *ranked, (last, _share) = boundaries
    steps = " ".join("WHEN rank_{name} - 1 < active_{name} * ? THEN ?" for _ in ranked)
    columns, tier_params = [], []
    for name in windows:
        columns.append(
            f"{name}, CASE WHEN {name} > 0 THEN CASE {steps.format(name=name)} ELSE ? END"
            f" WHEN first_order <= ? THEN ? ELSE ? END AS tier_{name}"
        )
        tier_params += [
            *(value for tier, share in ranked for value in (share, tier)),
            last,
            bought_by[name],
            *unranked,
        ]
    return (
        f"WITH f AS MATERIALIZED ({sql}), n AS (SELECT {counts} FROM f)"
        f" SELECT id, code, name, {', '.join(columns)}"
        f" FROM (SELECT f.*, {ranks} FROM f CROSS JOIN n) AS ranked",
        [*params, *tier_params],
    )


# What a customer without orders (or without the figure asked for) shows.
_DEFAULTS = {
    "first_order": "NULL",
    "last_order": "NULL",
    "first_order_12m": "NULL",
    "order_days_12m": "0",
    "months_12m": "0",
}


def _figures_query(
    windows: dict[str, tuple[str, str]],
    through: str,
    only: tuple[str, list],
    year_from: str | None,
    counts: tuple[str, ...],
) -> tuple[str, list, list[str]]:
    """The query of amounts()' figures, one row per customer with orders: customer_id and
    the named columns; returned with its parameters and those names. Whole months come from
    the rollups, the months a window edge cuts from the lines, and the two are added up per
    customer. `only` is an " AND …" condition on customer_id with its parameters ("" for
    every customer)."""
    edges = [bound for first_before in windows.values() for bound in first_before]
    cut = cut_months([*edges, *([year_from] if year_from else [])], through)
    months = "months_12m" in counts
    and_only, only_params = only
    columns, params = _figures(_WHOLE, windows, year_from, months)
    parts = [
        f"SELECT customer_id, {', '.join(columns)} FROM order_months WHERE month <= ?{and_only}"
        + "".join(" AND month != ?" for _ in cut)
        + " GROUP BY customer_id"
    ]
    params += [through[:7], *only_params, *cut]
    names = [column.rsplit(" AS ", 1)[1] for column in columns]
    if not cut:
        return parts[0], params, names
    cut_columns, cut_params = _figures(_CUT, windows, year_from, months)
    # One range of the date index per cut month, each read from the index alone: ranges
    # joined by OR made SQLite look every line's row up (0.75 s against 0.21 s for three
    # months at city scale).
    lines = " UNION ALL ".join(
        f"SELECT customer_id, date, amount FROM orders"
        f" WHERE date >= ? AND date < ? AND date <= ?{and_only}"
        for _ in cut
    )
    parts.append(
        f"SELECT customer_id, {', '.join(cut_columns)} FROM ({lines}) AS cut GROUP BY customer_id"
    )
    params += cut_params
    for month in cut:
        params += [f"{month}-01", f"{month}-99", through, *only_params]
    combined = [f"{_COMBINE.get(name, 'total({})').format(name)} AS {name}" for name in names]
    sql = (
        f"SELECT customer_id, {', '.join(combined)} FROM ({' UNION ALL '.join(parts)}) AS parts"
        " GROUP BY customer_id"
    )
    return sql, params, names


def _brands_since(
    conn: sqlite3.Connection, first: str, through: str, only: tuple[str, list]
) -> dict[int, int]:
    """Distinct brands per customer over [first, through]: a count no monthly sum gives."""
    and_only, only_params = only
    rows = conn.execute(
        "SELECT customer_id, count(DISTINCT brand) FROM orders WHERE date >= ? AND date <= ?"
        f"{and_only} GROUP BY customer_id",
        [first, through, *only_params],
    )
    return {found: brands for found, brands in rows}


def save_pyramid(
    conn: sqlite3.Connection, rows: Iterable[tuple[int, str, float]], as_of: str
) -> None:
    """Replace the tiers kept for `cust show`; unless they are the ones kept already (the
    pyramid asked again on the same day: rewriting 100,000 rows cost 0.4 s)."""
    new = {(cid, tier, amount, as_of) for cid, tier, amount in rows}
    kept = tuples(conn.execute("SELECT customer_id, tier, amount_12m, as_of FROM pyramid"))
    if new == set(kept):
        return
    conn.execute("DELETE FROM pyramid")
    conn.executemany(
        "INSERT INTO pyramid (customer_id, tier, amount_12m, as_of) VALUES (?, ?, ?, ?)", new
    )


def pyramid_of(conn: sqlite3.Connection, customer_id: int) -> dict | None:
    row = conn.execute(
        "SELECT tier, amount_12m, as_of FROM pyramid WHERE customer_id = ?", (customer_id,)
    ).fetchone()
    return record(row) if row else None


def pyramid_tiers(conn: sqlite3.Connection) -> dict[int, str]:
    return dict(conn.execute("SELECT customer_id, tier FROM pyramid"))


def managers(conn: sqlite3.Connection) -> list[str]:
    clause, params = where(
        ("account_manager IS NOT NULL", ()), *scope_conditions(Scope(shops=OPEN), alias="")
    )
    return [
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT account_manager FROM customers WHERE {clause} ORDER BY 1", params
        )
    ]


def _per_manager(conn, sql: str, params: tuple) -> dict[str, dict]:
    """A query grouped by account manager (its column `manager`): each one's figures."""
    return {figures.pop("manager"): figures for figures in dicts(conn.execute(sql, params))}


def followups_due(conn: sqlite3.Connection, first: str, last: str) -> dict[str, dict]:
    """Per account manager: the follow-ups due in [first, last] and those done by then."""
    return _per_manager(
        conn,
        "SELECT c.account_manager AS manager, count(*) AS due,"
        " coalesce(sum(CASE WHEN f.done_on IS NOT NULL AND f.done_on <= f.due THEN 1"
        " ELSE 0 END), 0) AS kept FROM followups f JOIN customers c ON c.id = f.customer_id"
        " WHERE f.due BETWEEN ? AND ? AND c.account_manager IS NOT NULL"
        " GROUP BY c.account_manager",
        (first, last),
    )


def satisfaction(conn: sqlite3.Connection, first: str, last: str) -> dict[str, float]:
    """Per account manager: the average satisfaction of the visits in [first, last]."""
    found = _per_manager(
        conn,
        "SELECT c.account_manager AS manager, avg(v.satisfaction) AS score FROM visits v"
        " JOIN customers c ON c.id = v.customer_id WHERE v.date BETWEEN ? AND ?"
        " AND c.account_manager IS NOT NULL AND v.satisfaction IS NOT NULL"
        " GROUP BY c.account_manager",
        (first, last),
    )
    return {manager: figures["score"] for manager, figures in found.items()}


def complaint_times(conn: sqlite3.Connection, first: str, last: str) -> dict[str, dict]:
    """Per account manager: the complaints opened in [first, last] and their average days
    to resolve."""
    return _per_manager(
        conn,
        "SELECT c.account_manager AS manager, count(*) AS opened,"
        " avg(julianday(p.resolved_on) - julianday(p.opened_on)) AS avg_days"
        " FROM complaints p JOIN customers c ON c.id = p.customer_id"
        " WHERE p.opened_on BETWEEN ? AND ? AND c.account_manager IS NOT NULL"
        " GROUP BY c.account_manager",
        (first, last),
    )
