"""Datasette's metadata for a cust file: the tables and columns in the language in use, the
internal tables hidden, and a canned query per kind of record that shows the columns a person
reads, with their labels, and none of the internal ones (ids, keys, search text).

    cust db datasette-metadata -o metadata.json
    datasette cust.db --metadata metadata.json
"""

from __future__ import annotations

from custcli.i18n import _, _noop, tr
from custcli.kinds.fields import (
    BRAND_FIELDS,
    COMPLAINT_FIELDS,
    CUSTOMER_FIELDS,
    ORDER_FIELDS,
    VISIT_FIELDS,
)

# Tables a person browses: their title and the fields that label their columns.
TABLES = {
    "customers": (_noop("customers"), CUSTOMER_FIELDS),
    "visits": (_noop("visits"), VISIT_FIELDS),
    "orders": (_noop("order lines"), ORDER_FIELDS),
    "brands": (_noop("brands"), BRAND_FIELDS),
    "complaints": (_noop("complaints"), COMPLAINT_FIELDS),
    "followups": (_noop("follow-ups"), ()),
    "notes": (_noop("notes"), ()),
    "key_dates": (_noop("dates"), ()),
    "changes": (_noop("card history"), ()),
    "imports": (_noop("imports"), ()),
}
# Kept by cust for itself: not browsed.
HIDDEN = (
    "order_months",
    "data_versions",
    "figure_sets",
    "shop_figures",
    "pyramid",
    "drill_misses",
    "brand_changes",
    "plans",
    "policies",
    "cust_meta",
    "cust_grants",
)
INTERNAL_COLUMNS = ("uid", "row_key", "search_text", "import_id", "extra")
# What each canned query shows: (table, its columns with the shop's code and name first).
QUERIES = {
    "customers": ("customers c", [f"c.{f.key}" for f in CUSTOMER_FIELDS if f.key != "extra"]),
    "visits": (
        "visits v JOIN customers c ON c.id = v.customer_id",
        [
            "v.date",
            "c.code",
            "c.name",
            "v.kind",
            "v.note",
            "v.found",
            "v.satisfaction",
            "v.manager",
        ],
    ),
    "orders": (
        "orders o JOIN customers c ON c.id = o.customer_id",
        ["o.date", "c.code", "c.name", "o.brand", "o.qty", "o.amount", "o.unit_price"],
    ),
}


def _labels(fields) -> dict[str, str]:
    return {f.key: f.label() for f in fields}


def metadata(database: str) -> dict:
    """The metadata for the database file named `database` (its stem, as Datasette names it)."""
    tables: dict[str, dict] = {}
    for table, (title, fields) in TABLES.items():
        tables[table] = {"title": _(title), "columns": _labels(fields)}
        if table == "customers":
            tables[table]["label_column"] = "name"
    for table in HIDDEN:
        tables[table] = {"hidden": True}
    queries = {}
    for name, (source, columns) in QUERIES.items():
        labels = {**_labels(CUSTOMER_FIELDS), **_labels(TABLES[name][1])}
        shown = []
        for column in columns:
            key = column.split(".", 1)[1]
            shown.append(f'{column} AS "{labels.get(key, key)}"')
        order = "c.code" if name == "customers" else f"{columns[0]} DESC"
        queries[_(TABLES[name][0])] = {
            "sql": f"SELECT {', '.join(shown)} FROM {source} ORDER BY {order}",
            "title": _(TABLES[name][0]),
        }
    return {
        "title": _("cust: customer file"),
        "description": tr(
            "Cards, visits, orders and complaints; the internal columns ({columns}) are"
            " cust's own. The queries below show what a person reads, labelled.",
            columns=", ".join(INTERNAL_COLUMNS),
        ),
        "databases": {database: {"tables": tables, "queries": queries}},
    }
