"""The district and department in one breath, on a screen: retailers and their spread, the
plan against the year to date, the brands, the month's supply policy."""

from __future__ import annotations

from custcli import render
from custcli.i18n import _, _noop, tr
from custcli.kinds import BRANDS, SUPPLY
from custcli.kinds.fields import BRAND_FIELDS
from custcli.present import supply, words


def brand_columns() -> list[tuple[str, str]]:
    return [(f.key, f.label()) for f in BRAND_FIELDS]


def brief(facts: dict, district: str | None, manager: str | None) -> None:
    retailers, plan = facts["retailers"], facts["plan"]
    scope = " · ".join(filter(None, [district, manager])) or _("the whole department")
    render.line(
        tr(
            "{scope}: {count} retailers of the department's {total} ({share}%)",
            scope=scope,
            count=retailers["count"],
            total=retailers["department"],
            share=f"{retailers['share_pct'] or 0:g}",
        )
    )
    for name, counts in facts["spread"].items():
        said = {"format": words.filled, "market": words.filled, "tier_band": words.band}[name]
        render.line(
            f"  {_(SPREAD_WORDS[name])}: "
            + _(", ").join(f"{said(k)} {v}" for k, v in counts.items())
        )
    year_plan, done, mine = plan["year_plan"], plan["department_to_date"], plan["scope_to_date"]
    year = facts["as_of"][:4]
    if year_plan:
        progress = plan["progress_pct"]
        render.line(
            tr(
                "plan {year}: {cases} cases, {revenue} yuan, {price} yuan a carton; to date"
                " {done_cases} cases ({volume_pct}%), {done_revenue} yuan ({revenue_pct}%),"
                " {done_price} yuan a carton",
                year=year,
                cases=f"{year_plan['volume_cases']:,.0f}",
                revenue=f"{year_plan['revenue']:,.0f}",
                price=f"{year_plan['avg_price']:,.2f}",
                done_cases=f"{done['volume_cases']:,.1f}",
                volume_pct=f"{progress['volume'] or 0:g}",
                done_revenue=f"{done['revenue']:,.0f}",
                revenue_pct=f"{progress['revenue'] or 0:g}",
                done_price=f"{done['avg_price'] or 0:,.2f}",
            )
        )
    else:
        render.line(tr("no plan for {year}; `cust plan set --year …` records it", year=year))
    share = plan["scope_share_pct"]
    render.line(
        tr(
            "this scope to date: {cases} cases ({volume_pct}% of the department), {revenue}"
            " yuan ({revenue_pct}%), {price} yuan a carton",
            cases=f"{mine['volume_cases']:,.1f}",
            volume_pct=f"{share['volume'] or 0:g}",
            revenue=f"{mine['revenue']:,.0f}",
            revenue_pct=f"{share['revenue'] or 0:g}",
            price=f"{mine['avg_price'] or 0:,.2f}",
        )
    )
    render.table(brand_rows(facts[BRANDS.name]), brand_columns(), title=BRANDS.noun_id)
    supply.for_scope(facts[SUPPLY.name])
    policy = facts["policy"]
    render.line(
        tr(
            "supply policy {month}: {text}",
            month=policy["month"],
            text=policy["text"] or _("(none recorded)"),
        )
    )


SPREAD_WORDS = {"format": _noop("format"), "tier_band": _noop("tiers"), "market": _noop("market")}


def brand_rows(brands: list[dict]) -> list[dict]:
    """Brands for a table: the price class in words (一类 / class 1)."""
    return [{**b, "price_class": words.price_class_of(b.get("price_class"))} for b in brands]
