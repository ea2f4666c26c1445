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
from custcli.i18n import tr
from custcli.present import brief as brief_present
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
    brief_present.brief(facts, district, manager)


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
            cls=words.price_class_of(brand["price_class"]) or "?",
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
    render.rows(
        found if as_json else brief_present.brand_rows(found),
        brief_present.brand_columns(),
        as_json,
    )


@brand_app.command("coverage")
def brand_coverage(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The brand, as the price list names it.")],
    months: Annotated[int, typer.Option(min=1, max=12, help="Complete months looked at.")] = 3,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The day (default: today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A brand's 上柜率 (the share of shops in business that ordered it) by district and tier."""
    from custcli.domain.counter import coverage
    from custcli.present import insights

    session: Session = ctx.obj
    insights.coverage(coverage(session.conn, name, session.day(as_of), months), as_json)


@brand_app.command("rm")
def brand_rm(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The brand's name.")]
) -> None:
    """Remove a brand from the table (its order lines stay)."""
    session: Session = ctx.obj
    brand_domain.remove(session.conn, name)
    render.line(tr("removed brand {name}", name=name))
