"""The words for what the domain gives as codes and figures: price classes, pyramid tiers,
churn rules, warnings, and the card as one sentence to read aloud. At the edge, in the
language in use (custcli.i18n); --json shows the codes themselves."""

from __future__ import annotations

from custcli import glossary, kinds
from custcli.i18n import _, _noop, lang, pgettext, tr
from custcli.patterns import lazy

PRICE_CLASSES = {
    "class_1": _noop("class 1"),
    "class_2": _noop("class 2"),
    "class_3": _noop("class 3"),
    "class_4": _noop("class 4"),
    "class_5": _noop("class 5"),
    "unknown": _noop("unknown class"),
}
PYRAMID_TIERS = {
    "top": _noop("top"),
    "high": _noop("high"),
    "mid": _noop("mid"),
    "low": _noop("low"),
    "inactive": _noop("inactive"),
    "potential": _noop("potential"),
}
UNKNOWN = "unknown"  # a spread's code for "not filled in"


def price_class(code: str) -> str:
    return _(PRICE_CLASSES.get(code, code))


def price_class_of(number: int | None) -> str:
    """A brand's stored price class said (1 → 一类); "" when it has none."""
    return price_class(f"class_{number}") if number else ""


def pyramid_tier(code: str | None) -> str:
    return _(PYRAMID_TIERS[code]) if code in PYRAMID_TIERS else ""


def band(code: str) -> str:
    """A tier band of the brief: 1-10 → 1-10档 / tiers 1-10."""
    return _("no tier") if code == UNKNOWN else tr("tiers {band}", band=code)


def filled(value: str) -> str:
    return _("not filled in") if value == UNKNOWN else value


def money(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:.1f}"


def pct_change(value: float | None) -> str:
    return "—" if value is None else f"{value:+.0f}%"


def day(iso: str) -> str:
    """A date as said aloud: 12月1日 / 2026-12-01."""
    return tr("{month}/{day}", month=int(iso[5:7]), day=int(iso[8:10])) if iso else ""


def reason(item: dict) -> str:
    """One churn rule's warning, with its figures."""
    rule = item["rule"]
    if rule in ("fall_vs_before", "fall_vs_year_ago"):
        then = (
            tr("the {months} months before", months=item["months"])
            if rule == "fall_vs_before"
            else _("a year before")
        )
        if not item["now"]:
            return tr(
                "no orders in the last {months} months ({amount} yuan in {then})",
                months=item["months"],
                amount=money(item["then"]),
                then=then,
            )
        return tr(
            "orders of the last {months} months down {pct}% on {then} ({before}→{now} yuan)",
            months=item["months"],
            pct=item["fall_pct"],
            then=then,
            before=money(item["then"]),
            now=money(item["now"]),
        )
    if rule == "silent":
        return tr(
            "no order for {days} days, usually every {usual} (last {last}; order data up to"
            " {as_of})",
            days=item["silent_days"],
            usual=f"{item['usual_days']:.0f}",
            last=item["last_order"],
            as_of=item["as_of"],
        )
    return rule


def reasons(items: list[dict]) -> str:
    return _("; ").join(reason(item) for item in items)


def alert(item: dict) -> str:
    """A warning on the card: overdue, a churn rule, a compliance record."""
    if item["kind"] == "overdue":
        return tr("visit {days} days overdue", days=item["days"])
    if item["kind"] == "compliance":
        return tr("compliance: {record}", record=item["record"])
    if item["kind"] == "credit":
        return tr("credit grade {grade}", grade=item["grade"])
    if item["kind"] == "supply_untaken":
        template = UNTAKEN[item["period"]]
        return tr(template, brands=_(", ").join(item["brands"]))
    return reason(item)


UNTAKEN = {
    "week": _noop("did not take last week's allowance of {brands}"),
    "month": _noop("did not take last month's allowance of {brands}"),
}


SAY_MOST = 80  # characters: what a manager says in one breath at the door


def say(
    card: dict,
    business: dict,
    visits: dict,
    alerts: list[dict] | None = None,
    allowed: str | None = None,
) -> str:
    """The card as a manager says it at the door, in one breath (at most SAY_MOST characters
    in Chinese): who (店名、老板、档位、业态), what it buys (a month's cartons, what sells most),
    when it orders, the one warning that matters, and the promise made at the last visit.
    No phone digits, no full address, no decimals of cartons; facts the card lacks are left
    out, never read as None."""
    sep, clause_sep = pgettext("sentence", ", "), _("; ")
    who = [card["name"]]
    if card.get("owner"):
        who.append(tr("boss {name}", name=card["owner"]))
    if card.get("tier"):
        who.append(tr("tier {tier}", tier=card["tier"]))
    if card.get("format"):
        who.append(card["format"])
    clauses = [sep.join(who)]
    plain_buying = None  # the buying clause without its brands, the first thing to shorten
    if business["monthly_avg_qty"]:
        buying = tr("about {qty} cartons a month", qty=f"{business['monthly_avg_qty']:.0f}")
        plain_buying = buying
        top = [b["brand"] for b in business.get("top_brands", [])[:2]]
        if top:
            buying += sep + tr("sells most {brands}", brands=_(", ").join(top))
        clauses.append(buying)
    elif any(business["trend"]["qty"]):
        clauses.append(tr("bought nothing in the last {months} months", months=business["months"]))
    if card.get("order_day"):
        clauses.append(tr("orders on {day}", day=card["order_day"]))
    if allowed:  # what the supply lets it order (custcli.present.supply.may_order)
        clauses.append(allowed)
    warning = _the_warning(alerts or [])
    if warning:
        clauses.append(warning)
    promise = next(iter(visits.get("open_followups") or []), None)
    if promise:
        clauses.append(tr("promised: {text}", text=promise["text"]))
    said = clause_sep.join(clauses) + _(".")
    most = SAY_MOST if lang() == "zh" else SAY_MOST * 3  # a breath holds more letters
    if len(said) > most and plain_buying is not None and plain_buying not in clauses:
        clauses[1] = plain_buying  # what sells most goes before what it may order
        said = clause_sep.join(clauses) + _(".")
    while len(said) > most and len(clauses) > 1:  # the least needed clause goes first
        clauses.pop(-2 if promise and len(clauses) > 2 else -1)
        promise = None
        said = clause_sep.join(clauses) + _(".")
    return said


def _the_warning(alerts: list[dict]) -> str:
    """The one warning worth saying: slipping away before overdue, overdue before the rest."""
    order = {"churn": 0, "overdue": 1}
    ranked = sorted(alerts, key=lambda a: order.get(a["kind"], 2))
    if not ranked:
        return ""
    first = ranked[0]
    if first["kind"] == "overdue":
        return tr("visit {days} days overdue", days=first["days"])
    if first["kind"] == "churn" and first.get("rule") == "silent":
        return tr("no order for {days} days", days=first["silent_days"])
    if first["kind"] == "churn" and first.get("fall_pct") is not None and first.get("now"):
        return tr("orders down {pct}%", pct=first["fall_pct"])
    return alert(first).split("（")[0].split(" (")[0]


def table(name: str) -> str:
    """What a person calls one of cust's tables: a kind's records, or cust's own."""
    kind = next((k for k in kinds.KINDS if k.table == name), None)
    if kind is not None:
        return _(kind.noun_id)
    return _(glossary.OWN_TABLES[name]) if name in glossary.OWN_TABLES else name


# A card's history, as a person reads it (`cust history`, a merge's values not applied).
UNDO_OF_IMPORT, IMPORT_NO = _noop("undo of import #{id}"), _noop("import #{id}")
MERGE_NO = _noop("merge #{id} ({file})")
_IMPORT_SOURCE = lazy(r"(undo )?import #(\d+)")
_MERGE_SOURCE = lazy(r"merge #(\d+) \((.*)\)")


def history_field(key: str) -> str:
    """A history row's field: its label, an extra column's name, or the card's creation."""
    if key == "(created)":
        return _(glossary.CREATED)
    if key.startswith("extra."):
        return tr("extra: {name}", name=key[6:])
    return kinds.CUSTOMERS.field(key).label() if kinds.CUSTOMERS.has(key) else key


def history_source(source: str) -> str:
    """Who made a change: add, edit, rm, import #3, undo import #3, merge #4 (file)."""
    match = _IMPORT_SOURCE.fullmatch(source)
    if match:
        template = UNDO_OF_IMPORT if match.group(1) else IMPORT_NO
        return tr(template, id=match.group(2))
    merged = _MERGE_SOURCE.fullmatch(source)
    if merged:
        return tr(MERGE_NO, id=merged.group(1), file=merged.group(2))
    return _(glossary.SOURCES.get(source, source))
