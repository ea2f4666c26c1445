"""The words for what the domain gives as codes and figures: price classes, pyramid tiers,
churn rules, warnings, and the card as one sentence to read aloud. At the edge, in the
language in use (custcli.i18n); --json shows the codes themselves."""

from __future__ import annotations

from custcli import glossary, kinds
from custcli.i18n import _, _noop, pgettext, tr

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
    return reason(item)


def say(card: dict, business: dict, visits: dict) -> str:
    """The card as one sentence a manager could read aloud (clauses joined by semicolons, as
    said in one breath); facts the card lacks are left out, never read as None."""
    sep, clause_sep = pgettext("sentence", ", "), _("; ")
    facts = {
        "owner": _noop("owner {}"),
        "phone": _noop("phone {}"),
        "address": _noop("at {}"),
        "settlement": _noop("settles by {}"),
        "tier": _noop("tier {}"),
        "credit_grade": _noop("credit grade {}"),
        "compliance": _noop("compliance {}"),
    }

    def said(*keys: str) -> list[str]:
        return [_(facts[k]).format(card[k]) for k in keys if card.get(k)]

    clauses = [
        sep.join([card["name"], *said("owner", "phone", "address")]),
        sep.join(
            [
                tr("visited every {days} days", days=visits["cycle_days"]),
                *said("settlement", "tier", "credit_grade", "compliance"),
            ]
        ),
    ]
    if business["monthly_avg_qty"]:
        buying = [
            tr(
                "buys {qty} cartons a month over the last {months} months",
                qty=number(business["monthly_avg_qty"]),
                months=business["months"],
            ),
            tr("{count} brands", count=business["brand_width"]),
            tr("{price} yuan a carton", price=number(business["avg_price"])),
        ]
        if business["structure"]:
            mix = _(", ").join(
                tr("{cls} {share}%", cls=price_class(code), share=f"{share:.0f}")
                for code, share in business["structure"].items()
            )
            buying.append(tr("mix {mix}", mix=mix))
        clauses.append(sep.join(buying))
    elif any(business["trend"]["qty"]):
        clauses.append(tr("bought nothing in the last {months} months", months=business["months"]))
    due = tr("next visit {day}", day=day(visits["next_due"]))
    if visits["days_overdue"]:
        due += tr(" ({days} days overdue)", days=visits["days_overdue"])
    clauses.append(due)
    return clause_sep.join(clauses) + _(".")


def table(name: str) -> str:
    """What a person calls one of cust's tables: a kind's records, or cust's own."""
    kind = next((k for k in kinds.KINDS if k.table == name), None)
    if kind is not None:
        return _(kind.noun_id)
    return _(glossary.OWN_TABLES[name]) if name in glossary.OWN_TABLES else name
