"""`cust show`: a shop in one breath (一口清), on one screen, as JSON, or read aloud."""

from __future__ import annotations

from typing import Annotated

import typer

from custcli import render
from custcli.commands.options import Ref
from custcli.domain import customers as domain
from custcli.present import card
from custcli.session import Session


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
        render.emit_json({"card": card.card_json(customer), **profile})
    elif say:
        render.line(card.said(customer, profile))
    else:
        card.shown(customer, profile, full)
