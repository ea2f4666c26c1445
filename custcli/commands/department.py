"""The district and department side of 一口清: brief, plan, supply policy, brands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from custcli import render
from custcli.commands.options import AsOf, District, JsonOption, Manager
from custcli.domain import brands as brand_domain
from custcli.domain import brief as domain
from custcli.domain.customers import parse_assignments
from custcli.i18n import _, _noop, tr
from custcli.kinds.fields import BRAND_FIELDS
from custcli.present import words
from custcli.session import Session

brand_app = typer.Typer(
    add_completion=False,
    help="The brand table: prices per carton, class, features, promotion.",
    no_args_is_help=True,
)
plan_app = typer.Typer(
    add_completion=False, help="The department's plan for the year.", no_args_is_help=True
)
policy_app = typer.Typer(
    add_completion=False, help="This month's supply policy.", no_args_is_help=True
)


def _brand_columns() -> list[tuple[str, str]]:
    return [(f.key, f.label()) for f in BRAND_FIELDS]


def brief(
    ctx: typer.Context,
    district: District = None,
    manager: Manager = None,
    as_of: AsOf = None,
    as_json: JsonOption = False,
) -> None:
    """The district in one breath: retailers and their spread, the plan against the year to
    date, the brands, and this month's supply policy."""
    session: Session = ctx.obj
    facts = domain.brief(session.conn, session.day(as_of), district, manager)
    if as_json:
        render.emit_json(facts)
        return
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
    render.table(_brand_rows(facts["brands"]), _brand_columns(), title=_noop("brands"))
    policy = facts["policy"]
    render.line(
        tr(
            "supply policy {month}: {text}",
            month=policy["month"],
            text=policy["text"] or _("(none recorded)"),
        )
    )


SPREAD_WORDS = {"format": _noop("format"), "tier_band": _noop("tiers"), "market": _noop("market")}


def _brand_rows(brands: list[dict]) -> list[dict]:
    """Brands for a table: the price class in words (一类 / class 1)."""
    return [
        {
            **b,
            "price_class": words.price_class(f"class_{b['price_class']}")
            if b.get("price_class")
            else "",
        }
        for b in brands
    ]


@plan_app.command("set")
def plan_set(
    ctx: typer.Context,
    year: Annotated[int, typer.Option(min=1900, max=2999, help="The year, e.g. 2026.")],
    volume: Annotated[float, typer.Option(help="Planned sales volume in cases (of 250 cartons).")],
    revenue: Annotated[float, typer.Option(help="Planned revenue in yuan.")],
    avg_price: Annotated[
        float | None,
        typer.Option("--avg-price", help="Planned price per carton (default: revenue ÷ cartons)."),
    ] = None,
) -> None:
    """Record the department's plan for a year."""
    session: Session = ctx.obj
    plan = domain.set_plan(session.conn, year, volume, revenue, avg_price)
    render.line(
        tr(
            "plan {year}: {cases} cases, {revenue} yuan, {price} yuan a carton",
            year=year,
            cases=f"{plan['volume_cases']:,.0f}",
            revenue=f"{plan['revenue']:,.0f}",
            price=f"{plan['avg_price']:,.2f}",
        )
    )


@policy_app.command("set")
def policy_set(
    ctx: typer.Context,
    month: Annotated[str, typer.Option(help="A month: 2026-10, 10月, 2026年10月, 本月 or 上月.")],
    text: Annotated[str | None, typer.Option(help="The policy text.")] = None,
    file: Annotated[Path | None, typer.Option(help="A text file holding the policy.")] = None,
) -> None:
    """Record a month's supply policy."""
    session: Session = ctx.obj
    month = session.month(month)
    domain.set_policy(session.conn, month, text, file)
    render.line(tr("supply policy for {month} recorded", month=month))


@policy_app.command("show")
def policy_show(
    ctx: typer.Context,
    month: Annotated[
        str | None, typer.Option(help="A month: 2026-10, 10月, 本月… (default: this month).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show a month's supply policy."""
    session: Session = ctx.obj
    policy = domain.policy(session.conn, session.month(month or "本月"))
    if as_json:
        render.emit_json(policy)
    else:
        render.line(f"{policy['month']}: {policy['text']}")


@brand_app.command("add")
def brand_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Brand and spec, e.g. 玉溪(软).")],
    wholesale: Annotated[str | None, typer.Option(help="Wholesale price, yuan a carton.")] = None,
    retail: Annotated[str | None, typer.Option(help="Retail price, yuan a carton.")] = None,
    price_class: Annotated[
        str | None, typer.Option("--class", help="一类 … 五类 (default: from the wholesale price).")
    ] = None,
    features: Annotated[str | None, typer.Option(help="What sells it.")] = None,
    promotion: Annotated[str | None, typer.Option(help="The current promotion.")] = None,
) -> None:
    """Add a brand to the table."""
    session: Session = ctx.obj
    brand = brand_domain.add(
        session.conn,
        {
            "name": name,
            "wholesale_price": wholesale,
            "retail_price": retail,
            "price_class": price_class,
            "features": features,
            "promotion": promotion,
        },
    )
    render.line(
        tr(
            "added brand {name} ({cls})",
            name=brand["name"],
            cls=words.price_class(f"class_{brand['price_class']}") if brand["price_class"] else "?",
        )
    )


@brand_app.command("edit")
def brand_edit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The brand's name.")],
    assignments: Annotated[
        list[str],
        typer.Option(
            "--set",
            help="key=value: name, wholesale_price, retail_price, price_class, features,"
            " promotion.",
        ),
    ],
) -> None:
    """Change a brand's prices, class, features or promotion."""
    session: Session = ctx.obj
    brand = brand_domain.edit(session.conn, name, parse_assignments(assignments))
    render.line(tr("brand {name} changed", name=brand["name"]))


@brand_app.command("list")
def brand_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The brand table, by price class."""
    session: Session = ctx.obj
    found = brand_domain.listing(session.conn)
    render.rows(found if as_json else _brand_rows(found), _brand_columns(), as_json)


@brand_app.command("rm")
def brand_rm(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The brand's name.")]
) -> None:
    """Remove a brand from the table (its order lines stay)."""
    session: Session = ctx.obj
    brand_domain.remove(session.conn, name)
    render.line(tr("removed brand {name}", name=name))
