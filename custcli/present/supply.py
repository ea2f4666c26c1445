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
SCOPE_COLUMNS = [COLUMNS[0], ("price_class", _noop("Price class")), ("shops", _noop("shops")),
                 COLUMNS[2]]  # fmt: skip
SCOPE_TITLES = {"week": _noop("supply this week, from {day}"),
                "month": _noop("supply this month, from {day}")}  # fmt: skip
SCOPE_SHOWN = 12  # brands on the screen; `cust supply` lists every one
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
        _none()
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


def for_scope(supply: dict) -> None:
    """A scope's shops and cartons for each brand of the period under way (`cust brief`)."""
    if not supply["brands"]:
        _none()
        return
    shown = [{**b, "cartons": words.number(b["cartons"]),
              "price_class": words.price_class_of(b["price_class"])}
             for b in supply["brands"][:SCOPE_SHOWN]]  # fmt: skip
    render.table(shown, SCOPE_COLUMNS,
                 title=tr(SCOPE_TITLES[supply["period"]], day=supply["starts"]))  # fmt: skip
    more = len(supply["brands"]) - SCOPE_SHOWN
    if more > 0:
        render.line(tr("and {count} more brands; `cust supply` lists them all", count=more))


def _none() -> None:
    render.line(_("no supply sheet covers this period; `cust supply import FILE` adds one"))


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
