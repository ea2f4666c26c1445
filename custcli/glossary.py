"""The trade's words in one place: what a screen, an export, the help and the report call each
thing cust keeps beside the record kinds (whose words are custcli.kinds'). Each is a message
id: the catalogue says it in Chinese (see "Words on screen" in shared/domain.md)."""

from __future__ import annotations

from custcli.i18n import _noop

# cust's own tables, as `cust db status` and Datasette name them.
OWN_TABLES = {
    "changes": _noop("card history"),
    "imports": _noop("imports"),
    "import_managers": _noop("whose shops each import touched"),
    "brand_changes": _noop("brand history"),
    "plans": _noop("plans"),
    "policies": _noop("supply policies"),
    "drill_misses": _noop("drill misses"),
    "pyramid": _noop("pyramid tiers"),
    "order_months": _noop("monthly order rollups"),
    "data_versions": _noop("data versions"),
    "figure_sets": _noop("kept figure sets"),
    "shop_figures": _noop("order figures kept per shop"),
    "finding_sets": _noop("kept finding sets"),
    "churn_findings": _noop("churn findings kept per shop"),
    "layouts": _noop("file layouts remembered"),
    "route_stops": _noop("route stops"),
}

# A card's history: the row of its making, and who made a change (custcli.present.words
# says them on a screen, custcli.db.views in the file's views).
CREATED = _noop("(created)")
SOURCES = {"add": _noop("cust add"), "edit": _noop("cust edit"), "rm": _noop("cust rm")}
