"""Who matters and who is slipping away: pyramid, churn, loyal, managers; what to sell at the
counter: brand gaps and order surges."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from custcli.commands.options import (
    AsOf,
    District,
    JsonOption,
    Limit,
    Manager,
)
from custcli.present import insights
from custcli.present.lists import rows_to_show
from custcli.session import Session


def pyramid(
    ctx: typer.Context,
    as_of: AsOf = None,
    district: District = None,
    manager: Manager = None,
    limit: Limit = None,
    as_json: JsonOption = False,
) -> None:
    """The customer pyramid: active customers by 12 months' amount into top 1%, high 4%,
    mid 15% and low 80%; inactive and potential beside them; who moved since a quarter ago,
    the largest first, 20 on a screen (--limit). Run for the whole file, it also stores the
    tiers that `cust show` displays."""
    from custcli.domain import pyramid as domain

    session: Session = ctx.obj
    day = session.day(as_of)
    # Run for the whole file, it also stores the tiers `cust show` displays, with their date.
    result = domain.pyramid(
        session.conn,
        day,
        district,
        manager,
        store=not district and not manager,
        customers=as_json,  # the screen shows those who moved tier, not all 100,000
    )
    insights.pyramid(result, limit, as_json)


def churn(
    ctx: typer.Context,
    as_of: AsOf = None,
    drop: Annotated[float, typer.Option(help="Warn at a fall of this many percent.")] = 30.0,
    gap_factor: Annotated[
        float, typer.Option(help="Warn when silent for this many usual ordering intervals.")
    ] = 2.0,
    months: Annotated[int, typer.Option(min=1, max=12, help="Months compared.")] = 3,
    district: District = None,
    manager: Manager = None,
    limit: Limit = None,
    as_json: JsonOption = False,
) -> None:
    """Churn early warning: orders falling 30% against the months before or a
    year before, or silent for over twice the usual interval; the largest loss first, 20 on
    a screen (--limit). Measured from the day the order data runs to (its latest line), or
    from --as-of."""
    from custcli.domain.churn import ChurnRules, orders_day, warnings

    session: Session = ctx.obj
    rules = ChurnRules(months=months, drop_pct=drop, gap_factor=gap_factor)
    day = orders_day(session.conn, session.day(as_of) if as_of else None, session.today)
    kept, count = warnings(
        session.conn,
        day,
        rules,
        district=district,
        manager=manager,
        first=rows_to_show(limit, as_json) or None,
    )
    insights.churn(day, kept, count, as_json)


def loyal(
    ctx: typer.Context,
    as_of: AsOf = None,
    district: District = None,
    manager: Manager = None,
    as_json: JsonOption = False,
) -> None:
    """Loyal customers: ordered in each of the last 12 months, steady or growing, wide range."""
    from custcli.domain.churn import loyal as find

    session: Session = ctx.obj
    found = find(session.conn, session.day(as_of), district=district, manager=manager)
    insights.loyal(found, as_json)


def managers(
    ctx: typer.Context,
    month: Annotated[
        str | None, typer.Option(help="A month: 2026-10, 10月, 上月… (default: last month).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """How each account manager is doing, from the data alone."""
    from custcli.domain.report import managers as evaluate

    session: Session = ctx.obj
    month = session.month(month or "上月")
    insights.managers(evaluate(session.conn, month, session.today), as_json)


def gaps(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The shop: a code, #id or text that finds one.")],
    share: Annotated[
        float,
        typer.Option(min=1, max=100, help="A brand counts when at least this % of peers carry it."),
    ] = 50.0,
    months: Annotated[int, typer.Option(min=1, max=12, help="Complete months looked at.")] = 3,
    as_of: AsOf = None,
    as_json: JsonOption = False,
) -> None:
    """Brand gaps: the brands this shop's tier peers in its district carry (ordered in the
    last complete months) and it does not, the most carried first, with the peers' share —
    what to suggest at the counter."""
    from custcli.domain.counter import gaps as find

    session: Session = ctx.obj
    insights.gaps(find(session.conn, ref, session.day(as_of), share, months), as_json)


def anomalies(
    ctx: typer.Context,
    multiple: Annotated[
        float,
        typer.Option(
            min=1.1, max=100, help="A brand's month over this many times its last three's average."
        ),
    ] = 2.0,
    sigmas: Annotated[
        float,
        typer.Option(
            min=1, max=10, help="Or a shop's month outside its tier's mean ± this many SD."
        ),
    ] = 3.0,
    as_of: AsOf = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write them as the 销售异动反馈表 (.xlsx)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Order surges of the last complete month: a brand ordered at more than a multiple of
    its last three months' average, or a shop's month outside its tier's ±3σ band."""
    from custcli.domain.counter import surges

    session: Session = ctx.obj
    found = surges(session.conn, session.day(as_of), multiple, sigmas=sigmas)
    insights.anomalies(found, output, as_json)


def tiers(
    ctx: typer.Context,
    rule: Annotated[
        Path | None,
        typer.Option("--rule", help="The province's rule (TOML); default: the shipped example."),
    ] = None,
    example: Annotated[
        bool, typer.Option("--example", help="Print the example rule, to copy and edit.")
    ] = False,
    as_of: AsOf = None,
    as_json: JsonOption = False,
) -> None:
    """The tier watch: each shop's 档位 estimated from its own orders under the province's
    rule, and the shops at risk of 掉档 or near 升档. An estimate: the company's published
    tiers, imported each quarter, stay the card's."""
    from custcli.domain import tiers as domain

    if example:
        typer.echo(domain.example_rule(), nl=False)
        return
    session: Session = ctx.obj
    insights.tiers(domain.watch(session.conn, session.day(as_of), domain.read_rule(rule)), as_json)
