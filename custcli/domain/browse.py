"""Datasette's metadata for a cust file: its views (custcli.db.views: each kind's records and
the history, columns in Chinese, codes in words, no internal column) are what it lists; the
tables under them are hidden, titled and their columns described; and a canned query per kind
of record in the language in use.

    cust db datasette-metadata -o metadata.json
    datasette cust.db --metadata metadata.json
"""

from __future__ import annotations

from custcli import glossary, kinds
from custcli.db import views
from custcli.i18n import _, tr

# Tables a person browses: the record kinds', and the history of cards and of imports.
BROWSED = ("changes", "imports")
INTERNAL_COLUMNS = ("uid", "row_key", "search_text", "import_id", "extra")
# What each kind's canned query shows: its records' columns, its shop's code and name first.
QUERIED = (kinds.CUSTOMERS, kinds.VISITS, kinds.ORDERS)
_SHOP_COLUMNS = ("code", "name")


def _query(kind: kinds.Kind) -> tuple[str, list[str]]:
    """The FROM of a kind's query and its columns: its day, the shop's code and name (the
    shop joined as c), then the rest of what its export shows."""
    if kind is kinds.CUSTOMERS:
        return f"{kind.table} c", [f"c.{f.key}" for f in kind.fields if f.key != "extra"]
    day, *rest = kind.export
    shown = [f"r.{day}", *(f"c.{c}" for c in _SHOP_COLUMNS)]
    shown += [f"r.{c}" for c in rest if c not in _SHOP_COLUMNS]
    return f"{kind.table} r JOIN customers c ON c.id = r.customer_id", shown


def _labels(fields) -> dict[str, str]:
    return {f.key: f.label() for f in fields}


def metadata(database: str) -> dict:
    """The metadata for the database file named `database` (its stem, as Datasette names it)."""
    tables: dict[str, dict] = {}
    # What a person browses: the views (custcli.db.views), columns already in Chinese and
    # codes in words. The tables under them are cust's, hidden, their columns described.
    for view in views.names():
        tables[view] = {"title": view}
    for kind in kinds.KINDS:
        tables[kind.table] = {"title": _(kind.noun_id), "columns": _labels(kind.fields),
                              "hidden": True}  # fmt: skip
    tables[kinds.CUSTOMERS.table]["label_column"] = "name"
    for table in BROWSED:
        tables[table] = {"title": _(glossary.OWN_TABLES[table]), "columns": {}, "hidden": True}
    for table in glossary.OWN_TABLES:
        tables.setdefault(table, {"hidden": True})
    for table in ("cust_meta", "cust_grants"):  # a department's PostgreSQL only
        tables[table] = {"hidden": True}
    tables["customer_grams"] = {"hidden": True}  # find's index of pieces (a file only)
    queries = {}
    for kind in QUERIED:
        source, columns = _query(kind)
        labels = {**_labels(kinds.CUSTOMERS.fields), **_labels(kind.fields)}
        shown = [f'{column} AS "{labels.get(column[2:], column[2:])}"' for column in columns]
        order = "c.code" if kind is kinds.CUSTOMERS else f"{columns[0]} DESC"
        queries[_(kind.noun_id)] = {
            "sql": f"SELECT {', '.join(shown)} FROM {source} ORDER BY {order}",
            "title": _(kind.noun_id),
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
