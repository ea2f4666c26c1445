"""The one-breath card (一口清) as a person reads it: on a screen, as one sentence, as JSON."""

from __future__ import annotations

from custcli import i18n, render
from custcli.i18n import _noop, tr
from custcli.kinds import CUSTOMERS, NOTES, VISITS, card_sections
from custcli.kinds.fields import VISIT_KIND
from custcli.kinds.normalize import render_yearday
from custcli.present import words

# The basics a manager recites first, in order (零售客户基本资料).
BASICS = (
    "owner",
    "phone",
    "address",
    "license_no",
    "settlement",
    "category",
    "format",
    "credit_grade",
    "compliance",
    "status",
)


def card_json(customer: dict) -> dict:
    return {k: customer.get(k) for k in ("id", *CUSTOMERS.keys, "extra")}


def full_sections(customer: dict) -> list[render.Section]:
    """Every card field, labelled as the registry says, grouped as it says; empty ones left
    out; the roster's own columns last."""
    sections = []
    for title, keys in card_sections():
        pairs = [
            (CUSTOMERS.field(k).label(), CUSTOMERS.field(k).render(customer.get(k)))
            for k in keys
            if customer.get(k) is not None
        ]
        sections.append((title, pairs))
    extra = customer.get("extra") or {}
    sections.append((_noop("Other"), [(k, str(v)) for k, v in extra.items()]))
    return sections


def shown(customer: dict, profile: dict, full: bool = False) -> None:
    """The card on the screen: its title, then the basics (every field with `full`), the
    business of the last months, the visits, the dealings and the warnings."""
    title = " · ".join(
        filter(
            None,
            [
                customer["name"],
                customer["code"],
                tr("tier {tier}", tier=customer["tier"]) if customer.get("tier") else None,
                customer.get("district"),
            ],
        )
    )
    head = full_sections(customer) if full else [(_noop("Basics"), _basics(customer, profile))]
    render.card(title, [*head, *_profile_sections(profile)])


def said(customer: dict, profile: dict) -> str:
    """The card as one sentence to read aloud."""
    return words.say(customer, profile["business"], profile[VISITS.name])


def _basics(customer: dict, profile: dict) -> list[tuple[str, str]]:
    visits = profile[VISITS.name]
    pairs = [
        (CUSTOMERS.field(k).label(), CUSTOMERS.field(k).render(customer[k]))
        for k in BASICS
        if customer.get(k) is not None
    ]
    cycle = tr("every {days} days", days=visits["cycle_days"])
    if customer.get("order_day"):
        cycle += f" · {CUSTOMERS.field('order_day').label()} {customer['order_day']}"
    pairs.insert(3, (_noop("Visits"), cycle))
    return pairs


def _profile_sections(profile: dict) -> list[render.Section]:
    biz, visits, rel = profile["business"], profile[VISITS.name], profile["relationship"]
    business_lines = []
    if biz["monthly_avg_qty"] or biz["trend"]["sparkline"].strip("▁"):
        business_lines = [
            (
                _noop("A month"),
                tr(
                    "{qty} cartons · {amount} yuan",
                    qty=f"{biz['monthly_avg_qty']:g}",
                    amount=words.money(biz["monthly_avg_amount"]),
                ),
            ),
            (
                _noop("Brands · per carton"),
                tr(
                    "{count} · {price} yuan",
                    count=biz["brand_width"],
                    price=words.money(biz["avg_price"]),
                ),
            ),
            (
                _noop("Mix"),
                " ".join(f"{words.price_class(k)} {v:.0f}%" for k, v in biz["structure"].items())
                or "—",
            ),
            (
                tr(
                    "{now} vs {before} · vs {year_ago}",
                    now=_period(biz),
                    before=_period(biz["previous"]),
                    year_ago=_period(biz["year_ago"]),
                ),
                f"{words.pct_change(biz['change_vs_previous_pct'])} · "
                f"{words.pct_change(biz['change_vs_year_ago_pct'])}",
            ),
            (_noop("12 months"), biz["trend"]["sparkline"]),
        ]
        if biz["pyramid"]:
            business_lines.insert(
                0,
                (
                    _noop("Pyramid"),
                    tr(
                        "{tier} · {amount} yuan in 12 months ({as_of})",
                        tier=words.pyramid_tier(biz["pyramid"]["tier"]),
                        amount=words.money(biz["pyramid"]["amount_12m"]),
                        as_of=biz["pyramid"]["as_of"],
                    ),
                ),
            )
        if biz["est_gross_profit"] is not None:
            business_lines.insert(
                3,
                (
                    _noop("Est. margin a month"),
                    tr("{amount} yuan", amount=words.money(biz["est_gross_profit"])),
                ),
            )
    overdue = visits["days_overdue"]
    due = visits["next_due"] + (tr(" ({days} days overdue)", days=overdue) if overdue else "")
    visit_lines = [(_noop("Next visit"), due)]
    visit_lines += [
        (
            v["date"],
            " ".join(
                filter(None, [VISIT_KIND.render(v["kind"]), v["kind_text"], v["note"], v["found"]])
            ),
        )
        for v in visits["last"]
    ]
    visit_lines += [
        (f"#{f['id']} {f['due'] or ''}".strip(), f["text"]) for f in visits["open_followups"]
    ]
    dealings = (
        [(CUSTOMERS.field("preferences").label(), rel["preferences"])] if rel["preferences"] else []
    )
    dealings += [(n["noted_on"], n["text"]) for n in rel[NOTES.name][:3]]
    for d in rel["dates"]:
        label = CUSTOMERS.field("birthday").label() if d["field"] == "birthday" else d["label"]
        dealings.append((label, f"{render_yearday(d['day'], i18n.lang())} → {d['next']}"))
    dealings += [
        (
            tr("Complaint #{id}", id=c["id"]),
            f"{c['opened_on']} {c['kind']} {c['text']}",
        )
        for c in rel["open_complaints"]
    ]
    if rel["last_satisfaction"]:
        sat = rel["last_satisfaction"]
        dealings.append((_noop("Satisfaction"), f"{sat['satisfaction']}/5 ({sat['date']})"))
    warnings = [("!", words.alert(a)) for a in profile["alerts"]]
    return [
        (tr("Business (last {months} months)", months=biz["months"]), business_lines),
        (_noop("Visits"), visit_lines),
        (_noop("Dealings"), dealings),
        (_noop("Warnings"), warnings),
    ]


def _period(window: dict) -> str:
    """A window of months as a label: 2026-08–10 (or 2026-08 for one month)."""
    first, last = window["from"][:7], window["to"][:7]
    return (
        first
        if first == last
        else f"{first}–{last[5:]}"
        if first[:4] == last[:4]
        else (f"{first}–{last}")
    )
