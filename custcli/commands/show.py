"""`cust show`: a shop in one breath (一口清), on one screen, as JSON, or read aloud."""

from __future__ import annotations

from typing import Annotated

import typer

from custcli import render
from custcli.commands.options import Ref
from custcli.domain import customers as domain
from custcli.domain.fields import CARD_SECTIONS, FIELDS_BY_KEY, VISIT_KIND
from custcli.domain.normalize import render_yearday
from custcli.domain.pyramid import TIER_NAMES
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
    "compliance",
    "status",
)


def card_json(customer: dict) -> dict:
    return {k: customer.get(k) for k in ("id", *FIELDS_BY_KEY, "extra")}


def card_sections(customer: dict, lang: str) -> list[render.Section]:
    """Every card field, labelled in lang, grouped as the registry says; empty ones left out."""
    sections = []
    for zh, en, keys in CARD_SECTIONS:
        pairs = [
            (FIELDS_BY_KEY[k].label(lang), FIELDS_BY_KEY[k].render(customer.get(k), lang))
            for k in keys
            if customer.get(k) is not None
        ]
        sections.append((zh if lang == "zh" else en, pairs))
    extra = customer.get("extra") or {}
    sections.append(("其他" if lang == "zh" else "Other", [(k, str(v)) for k, v in extra.items()]))
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
    from custcli.domain import business
    from custcli.domain.profile import one_breath

    session: Session = ctx.obj
    customer = domain.resolve(session.conn, ref)
    day = session.day(as_of) if as_of else None
    profile = one_breath(session.conn, customer, session.today, months, as_of=day)
    if as_json:
        render.emit_json({"card": card_json(customer), **profile})
    elif say:
        render.line(business.say(customer, profile["business"], profile["visits"], session.lang))
    else:
        lang = session.lang
        zh = lang == "zh"
        title = " · ".join(
            filter(
                None,
                [
                    customer["name"],
                    customer["code"],
                    f"{customer['tier']}档" if customer.get("tier") else None,
                    customer.get("district"),
                ],
            )
        )
        head = (
            card_sections(customer, lang)
            if full
            else [("基本" if zh else "Basics", _basics(customer, profile["visits"], lang))]
        )
        render.card(title, [*head, *_profile_sections(profile, customer, lang)])


def _basics(customer: dict, visits: dict, lang: str) -> list[tuple[str, str]]:
    pairs = [
        (FIELDS_BY_KEY[k].label(lang), FIELDS_BY_KEY[k].render(customer[k], lang))
        for k in BASICS
        if customer.get(k) is not None
    ]
    cycle = f"{visits['cycle_days']}" + ("天" if lang == "zh" else "")  # en label says (days)
    if customer.get("order_cycle"):
        cycle += f" · {FIELDS_BY_KEY['order_cycle'].label(lang)} {customer['order_cycle']}"
    pairs.insert(3, (FIELDS_BY_KEY["visit_cycle_days"].label(lang), cycle))
    return pairs


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:+.0f}%"


def _profile_sections(profile: dict, customer: dict, lang: str) -> list[render.Section]:
    zh = lang == "zh"
    biz, visits, rel = profile["business"], profile["visits"], profile["relationship"]
    business_lines = []
    if biz["monthly_avg_qty"] or biz["trend"]["sparkline"].strip("▁"):
        unit, yuan = ("条", "元") if zh else (" cartons", " yuan")
        business_lines = [
            (
                "月均购进" if zh else "A month",
                f"{biz['monthly_avg_qty']:g}{unit} · {_money(biz['monthly_avg_amount'])}{yuan}",
            ),
            (
                "品规 · 条均价" if zh else "Brands · per carton",
                f"{biz['brand_width']} · {_money(biz['avg_price'])}{yuan}",
            ),
            (
                "结构" if zh else "Mix",
                " ".join(f"{k} {v:.0f}%" for k, v in biz["structure"].items()) or "—",
            ),
            (
                "环比 · 同比" if zh else "vs before · year ago",
                f"{_pct(biz['change_vs_previous_pct'])} · {_pct(biz['change_vs_year_ago_pct'])}",
            ),
            ("趋势" if zh else "12 months", biz["trend"]["sparkline"]),
        ]
        if biz["pyramid"]:
            tier = biz["pyramid"]["tier"]
            business_lines.insert(
                0,
                (
                    "金字塔" if zh else "Pyramid",
                    f"{TIER_NAMES[tier] if zh else tier} · "
                    f"{_money(biz['pyramid']['amount_12m'])}{yuan}/12"
                    f"{'个月' if zh else ' months'} ({biz['pyramid']['as_of']})",
                ),
            )
        if biz["est_gross_profit"] is not None:
            business_lines.insert(
                3,
                (
                    "毛利(估)/月" if zh else "Est. margin/month",
                    f"{_money(biz['est_gross_profit'])}{yuan}",
                ),
            )
    overdue = visits["days_overdue"]
    due = visits["next_due"] + (
        (f"（逾期{overdue}天）" if zh else f" ({overdue} days overdue)") if overdue else ""
    )
    visit_lines = [("下次拜访" if zh else "Next visit", due)]
    visit_lines += [
        (
            v["date"],
            " ".join(
                filter(
                    None,
                    [VISIT_KIND.render(v["kind"], lang), v["kind_text"], v["note"], v["found"]],
                )
            ),
        )
        for v in visits["last"]
    ]
    visit_lines += [
        (f"#{f['id']} {f['due'] or ''}".strip(), f["text"]) for f in visits["open_followups"]
    ]
    dealings = (
        [(FIELDS_BY_KEY["preferences"].label(lang), rel["preferences"])]
        if rel["preferences"]
        else []
    )
    dealings += [(n["noted_on"], n["text"]) for n in rel["notes"][:3]]
    for d in rel["dates"]:
        label = FIELDS_BY_KEY["birthday"].label(lang) if d["field"] == "birthday" else d["label"]
        dealings.append((label, f"{render_yearday(d['stored'], lang)} → {d['next']}"))
    dealings += [
        (
            (f"投诉 #{c['id']}" if zh else f"Complaint #{c['id']}"),
            f"{c['opened_on']} {c['kind']} {c['text']}",
        )
        for c in rel["open_complaints"]
    ]
    if rel["last_satisfaction"]:
        sat = rel["last_satisfaction"]
        dealings.append(
            ("满意度" if zh else "Satisfaction", f"{sat['satisfaction']}/5 ({sat['date']})")
        )
    warnings = [("!", render.said(a, lang)) for a in profile["alerts"]]
    months = biz["months"]
    return [
        (f"经营（近{months}个月）" if zh else f"Business (last {months} months)", business_lines),
        ("拜访" if zh else "Visits", visit_lines),
        ("往来" if zh else "Dealings", dealings),
        ("提醒" if zh else "Warnings", warnings),
    ]
