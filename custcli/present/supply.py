"""The company's supply as a person reads it: the list, an import's counts, and the line
the card and the one breath say (本周可订：中华(硬) 2条、云烟(细支珍品) 5条)."""

from __future__ import annotations

from custcli import render
from custcli.i18n import _, _noop, tr
from custcli.present import words

COLUMNS = [
    ("brand", _noop("Brand")),
    ("tiers", _noop("Tiers")),
    ("cartons", _noop("cartons allowed")),
    ("where", _noop("for")),
]
MAY_ORDER = {"week": _noop("this week may order: {items}"),
             "month": _noop("this month may order: {items}")}  # fmt: skip


def tiers(allowance: dict) -> str:
    low, high = allowance["tier_low"], allowance["tier_high"]
    return (
        tr("tier {tier}", tier=low) if low == high else tr("tiers {low}-{high}", low=low, high=high)
    )


def listing(found: dict, as_json: bool) -> None:
    if as_json:
        render.emit_json(found)
        return
    if not found["allowances"]:
        render.line(_("no supply sheet covers this period; `cust supply import FILE` adds one"))
        return
    rows = [
        {
            "brand": a["brand"],
            "tiers": tiers(a),
            "cartons": words.number(a["cartons"]),
            "where": " ".join(filter(None, (a["market"], a["format"], a["district"]))) or _("all"),
        }
        for a in sorted(found["allowances"], key=lambda a: (a["brand"], -a["tier_high"]))
    ]
    render.rows(rows, COLUMNS, False, title=tr("supply from {day}", day=found["starts"]))


def loaded(result: dict, as_json: bool) -> None:
    if as_json:
        render.emit_json(result)
        return
    counts = result["counts"]
    render.line(
        tr(
            "{file}: {new} new, {updated} changed, {unchanged} unchanged allowances{undo}",
            file=result["file"],
            undo=tr("; `cust imports undo {id}` takes it back", id=result["import_id"])
            if result["import_id"]
            else _(" (dry run: nothing written)"),
            **counts,
        )
    )


def may_order(supply: dict, most: int = 6) -> str | None:
    """本周可订：中华(硬) 2条、云烟(细支珍品) 5条… — the scarce brands first; None when the
    shop's tier has no allowance in the period."""
    allowances = supply.get("allowances") or []
    if not allowances or supply.get("period") not in MAY_ORDER:
        return None
    items = [tr("{brand} {count} cartons", brand=a["brand"], count=words.number(a["cartons"]))
             for a in allowances[:most]]  # fmt: skip
    said = _(", ").join(items) + ("…" if len(allowances) > most else "")
    return tr(MAY_ORDER[supply["period"]], items=said)
