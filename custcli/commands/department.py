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
from custcli.domain.fields import BRAND_FIELDS
from custcli.session import Session

brand_app = typer.Typer(
    add_completion=False,
    help="The brand table: prices per 条, class, features, promotion.",
    no_args_is_help=True,
)
plan_app = typer.Typer(
    add_completion=False, help="The department's plan for the year.", no_args_is_help=True
)
policy_app = typer.Typer(
    add_completion=False, help="This month's supply policy (货源政策).", no_args_is_help=True
)

BRAND_COLUMNS = [(f.key, f.zh) for f in BRAND_FIELDS]


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
    scope = " · ".join(filter(None, [district, manager])) or "全部 all"
    render.line(
        f"{scope}: {retailers['count']} 户 of {retailers['department']} in the "
        f"department ({retailers['share_pct'] or 0:g}%)"
    )
    for name, counts in facts["spread"].items():
        render.line(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    year_plan, done, mine = plan["year_plan"], plan["department_to_date"], plan["scope_to_date"]
    if year_plan:
        progress = plan["progress_pct"]
        render.line(
            f"plan {facts['as_of'][:4]}: {year_plan['volume_cases']:,.0f} 箱, "
            f"{year_plan['revenue']:,.0f} 元, 条均价 {year_plan['avg_price']:,.2f}; "
            f"to date {done['volume_cases']:,.1f} 箱 ({progress['volume'] or 0:g}%), "
            f"{done['revenue']:,.0f} 元 ({progress['revenue'] or 0:g}%), "
            f"条均价 {done['avg_price'] or 0:,.2f}"
        )
    else:
        render.line(f"no plan for {facts['as_of'][:4]}; `cust plan set --year …` records it")
    share = plan["scope_share_pct"]
    render.line(
        f"this scope to date: {mine['volume_cases']:,.1f} 箱 ({share['volume'] or 0:g}%"
        f" of the department), {mine['revenue']:,.0f} 元 ({share['revenue'] or 0:g}%), "
        f"条均价 {mine['avg_price'] or 0:,.2f}"
    )
    render.table(facts["brands"], BRAND_COLUMNS, title="brands")
    policy = facts["policy"]
    render.line(f"supply policy {policy['month']}: {policy['text'] or '(none recorded)'}")


@plan_app.command("set")
def plan_set(
    ctx: typer.Context,
    year: Annotated[int, typer.Option(help="The year, e.g. 2026.")],
    volume: Annotated[float, typer.Option(help="Planned sales volume in 箱 (cases).")],
    revenue: Annotated[float, typer.Option(help="Planned revenue in 元.")],
    avg_price: Annotated[
        float | None,
        typer.Option("--avg-price", help="Planned 条均价 (default: revenue ÷ cartons)."),
    ] = None,
) -> None:
    """Record the department's plan for a year."""
    session: Session = ctx.obj
    plan = domain.set_plan(session.conn, year, volume, revenue, avg_price)
    render.line(
        f"plan {year}: {plan['volume_cases']:,.0f} 箱, {plan['revenue']:,.0f} 元, "
        f"条均价 {plan['avg_price']:,.2f}"
    )


@policy_app.command("set")
def policy_set(
    ctx: typer.Context,
    month: Annotated[str, typer.Option(help="YYYY-MM.")],
    text: Annotated[str | None, typer.Option(help="The policy text.")] = None,
    file: Annotated[Path | None, typer.Option(help="A text file holding the policy.")] = None,
) -> None:
    """Record a month's supply policy (货源分配政策)."""
    session: Session = ctx.obj
    domain.set_policy(session.conn, month, text, file)
    render.line(f"supply policy for {month} recorded")


@policy_app.command("show")
def policy_show(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option(help="YYYY-MM (default: this month).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show a month's supply policy."""
    session: Session = ctx.obj
    policy = domain.policy(session.conn, month or session.today.isoformat()[:7])
    if as_json:
        render.emit_json(policy)
    else:
        render.line(f"{policy['month']}: {policy['text']}")


@brand_app.command("add")
def brand_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Brand and spec, e.g. 玉溪(软).")],
    wholesale: Annotated[str | None, typer.Option(help="Wholesale price, 元/条.")] = None,
    retail: Annotated[str | None, typer.Option(help="Retail price, 元/条.")] = None,
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
    render.line(f"added brand {brand['name']} (价类 {brand['price_class'] or '?'})")


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
    render.line(f"brand {brand['name']} changed")


@brand_app.command("list")
def brand_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The brand table, by price class."""
    session: Session = ctx.obj
    render.rows(brand_domain.listing(session.conn), BRAND_COLUMNS, as_json)


@brand_app.command("rm")
def brand_rm(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The brand's name.")]
) -> None:
    """Remove a brand from the table (its order lines stay)."""
    session: Session = ctx.obj
    brand_domain.remove(session.conn, name)
    render.line(f"removed brand {name}")
