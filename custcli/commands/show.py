"""`cust show`: a shop in one breath (一口清), on one screen, as JSON, or read aloud."""

from __future__ import annotations

from typing import Annotated

import typer

from custcli import i18n, render
from custcli.commands.options import Ref
from custcli.domain import customers as domain
from custcli.i18n import _noop, tr
from custcli.kinds.fields import CARD_SECTIONS, FIELDS_BY_KEY, VISIT_KIND
from custcli.kinds.normalize import render_yearday
from custcli.present import words
from custcli.session import Session

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
    return {k: customer.get(k) for k in ("id", *FIELDS_BY_KEY, "extra")}


def card_sections(customer: dict) -> list[render.Section]:
    """Every card field, labelled as the registry says, grouped as it says; empty ones left
    out; the roster's own columns last."""
    sections = []
    for title, keys in CARD_SECTIONS:
        pairs = [
            (FIELDS_BY_KEY[k].label(), FIELDS_BY_KEY[k].render(customer.get(k)))
            for k in keys
            if customer.get(k) is not None
        ]
        sections.append((title, pairs))
    extra = customer.get("extra") or {}
    sections.append((_noop("Other"), [(k, str(v)) for k, v in extra.items()]))
    return sections


def show(
    ctx: typer.Context,
    ref: Ref,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="See the shop as of this day (default: today).")
    ] = None,
    months: Annotated[
        int,
        typer.Option(min=1, max=24, help="Complete calendar months the business figures cover."),
    ] = 3,
    say: Annotated[
        bool,
        typer.Option("--say", help="One short paragraph to read aloud (English under --lang en)."),
    ] = False,
    full: Annotated[bool, typer.Option("--full", help="Every field of the card.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A shop in one breath: basics, business, visits, dealings and warnings."""
    from custcli.domain.profile import one_breath

    session: Session = ctx.obj
    customer = domain.resolve(session.conn, ref)
    day = session.day(as_of) if as_of else None
    profile = one_breath(session.conn, customer, session.today, months, as_of=day)
    if as_json:
        render.emit_json({"card": card_json(customer), **profile})
    elif say:
        render.line(words.say(customer, profile["business"], profile["visits"]))
    else:
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
        head = card_sections(customer) if full else [(_noop("Basics"), _basics(customer, profile))]
        render.card(title, [*head, *_profile_sections(profile)])


def _basics(customer: dict, profile: dict) -> list[tuple[str, str]]:
    visits = profile["visits"]
    pairs = [
        (FIELDS_BY_KEY[k].label(), FIELDS_BY_KEY[k].render(customer[k]))
        for k in BASICS
        if customer.get(k) is not None
    ]
    cycle = tr("every {days} days", days=visits["cycle_days"])
    if customer.get("order_day"):
        cycle += f" · {FIELDS_BY_KEY['order_day'].label()} {customer['order_day']}"
    pairs.insert(3, (_noop("Visits"), cycle))
    return pairs


def _profile_sections(profile: dict) -> list[render.Section]:
    biz, visits, rel = profile["business"], profile["visits"], profile["relationship"]
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
        [(FIELDS_BY_KEY["preferences"].label(), rel["preferences"])] if rel["preferences"] else []
    )
    dealings += [(n["noted_on"], n["text"]) for n in rel["notes"][:3]]
    for d in rel["dates"]:
        label = FIELDS_BY_KEY["birthday"].label() if d["field"] == "birthday" else d["label"]
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
