"""`cust drill`: the 一口清 practice (岗位练兵)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from custcli import render
from custcli.commands.options import AsOf
from custcli.domain import drill as domain
from custcli.errors import BadInput, NotFound
from custcli.i18n import _, tr
from custcli.session import Session


def drill(
    ctx: typer.Context,
    district: Annotated[str | None, typer.Option(help="Only shops of this district.")] = None,
    count: Annotated[int, typer.Option(min=1, max=50, help="How many shops.")] = 5,
    as_of: AsOf = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the questions and answers for another front end.")
    ] = False,
) -> None:
    """Practise the one-breath drill: name a shop, answer its owner, phone, order day, tier,
    settlement and last month's volume. Spaces, full-width digits and pinyin names are
    forgiven; shops whose facts you missed come back first next time."""
    session: Session = ctx.obj
    shops = domain.pick(session.conn, district, count, session.day(as_of))
    if as_json:
        render.emit_json(domain.public(shops))
        return
    if not shops:
        raise NotFound("no active shops to drill on")
    if not sys.stdin.isatty():
        raise BadInput("cust drill asks questions: run it in a terminal, or use --json")

    def ask(shop: dict, item: dict) -> str:
        try:
            return typer.prompt(
                f"{shop['label']} · {_(item['question'])}", default="", show_default=False
            )
        except (typer.Abort, KeyboardInterrupt, EOFError):  # Ctrl-C, Ctrl-D
            render.line("")
            raise domain.Stopped from None

    def tell(_shop: dict, item: dict, right: bool) -> None:
        answer = _said(item["answer"])
        if right:
            render.line(tr("  ✓ right: {answer}", answer=answer))
        else:
            render.line(tr("  ✗ wrong, it is: {answer}", answer=answer))

    result = domain.run(shops, ask, tell)
    domain.record(session.conn, result)
    if result["stopped"]:
        render.line(tr("stopped; the {count} answers given are kept", count=result["asked"]))
    if not result["asked"]:
        return
    render.line(
        tr(
            "score {score}% ({right}/{asked})",
            score=result["score"],
            right=result["right"],
            asked=result["asked"],
        )
    )
    for miss in result["missed"]:
        render.line(
            f"  {miss['name']} ({miss['code']}) {_(miss['label'])}: {_said(miss['answer'])}"
        )


def _said(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
