"""Customer cards: add, edit, show, list, find, rm, history."""

from __future__ import annotations

import inspect
from typing import Annotated

import typer

from custcli import render
from custcli.commands.options import (
    District,
    JsonOption,
    Limit,
    Manager,
    Ref,
    Status,
    Tier,
    card_filters,
)
from custcli.domain import customers as domain
from custcli.i18n import _noop, tr
from custcli.kinds import CUSTOMERS
from custcli.present import words
from custcli.present.card import card_json
from custcli.present.lists import more, shown
from custcli.scope import Scope
from custcli.session import Session


def _option_name(key: str) -> str:
    return "--" + key.replace("_", "-")


def add(ctx: typer.Context, **values: str | None) -> None:
    """Add a customer card: --code and --name are required, every other field is optional."""
    session: Session = ctx.obj
    customer = domain.add(session.conn, values)
    render.line(tr("added {code} {name}", code=customer["code"], name=customer["name"]))


# Every registry field becomes an option of `cust add`, with the registry's help.
add.__signature__ = inspect.Signature(
    [
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
        *(
            inspect.Parameter(
                f.key,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=str | None,
                default=typer.Option(
                    None,
                    _option_name(f.key),
                    show_default=False,
                    help=f.help or f"{f.label_id}: {f.type.hint}.",
                ),
            )
            for f in CUSTOMERS.fields
        ),
    ]
)
add.__annotations__ = {}


def edit(
    ctx: typer.Context,
    ref: Ref,
    assignments: Annotated[
        list[str],
        typer.Option(
            "--set", help="key=value; repeat for more (extra.KEY=value for an extra column)."
        ),
    ],
) -> None:
    """Change fields of a card; every change is kept in its history."""
    session: Session = ctx.obj
    customer, changes = domain.edit(session.conn, ref, domain.parse_assignments(assignments))
    if not changes:
        render.line(
            tr("{code} {name}: nothing changed", code=customer["code"], name=customer["name"])
        )
        return
    for key, (old, new) in changes.items():
        field = None if key.startswith("extra.") else CUSTOMERS.field(key)

        def said(value: object, field=field) -> str:
            if value is None:
                return ""
            return field.render(value) if field is not None else str(value)

        render.line(
            tr(
                "{code} {field}: {old} → {new}",
                code=customer["code"],
                field=field.label() if field is not None else key.removeprefix("extra."),
                old=said(old),
                new=said(new),
            )
        )


def list_(
    ctx: typer.Context,
    district: District = None,
    tier: Tier = None,
    format_: Annotated[
        str | None, typer.Option("--format", help="Only this format (convenience store, grocery…).")
    ] = None,
    status: Status = None,
    manager: Manager = None,
    sort: Annotated[str, typer.Option(help="A field key; -key sorts descending.")] = "code",
    limit: Annotated[int | None, typer.Option(min=1, max=10**9, help="At most this many.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List customers (the roster)."""
    session: Session = ctx.obj
    filters = card_filters(district, tier, format_, status, manager)
    rows = domain.listing(session.conn, filters, sort, limit)
    if as_json:
        render.emit_json([card_json(r) for r in rows])
        return
    _customer_table(rows, session.lang)


def _customer_table(rows: list[dict], lang: str) -> None:
    keys = [f.key for f in CUSTOMERS.fields if f.in_list] + ["tier"]
    render.table(
        rows,
        [(k, CUSTOMERS.field(k).label(lang)) for k in keys],
        cell=lambda key, value: CUSTOMERS.field(key).render(value, lang),
    )


def find(
    ctx: typer.Context,
    text: Annotated[
        str,
        typer.Argument(
            help="Code, licence, name, owner, address, phone or its "
            "last 4 digits, pinyin (zsyjd, zhangsan)."
        ),
    ],
    limit: Limit = None,
    district: District = None,
    manager: Manager = None,
    as_json: JsonOption = False,
) -> None:
    """Find customers, best matches first; says how many more match than it shows."""
    session: Session = ctx.obj
    found = domain.find(session.conn, text, None, Scope.of(district, manager))
    rows, left_out = shown(found, limit, as_json)
    if as_json:
        render.emit_json([{**card_json(r), "match": r["match"]} for r in rows])
        return
    if not rows:
        raise domain.NotFound("nothing matches {text!r}", text=text)
    _customer_table(rows, session.lang)
    more(left_out, shops=True)


def rm(
    ctx: typer.Context,
    ref: Ref,
    purge: Annotated[
        bool,
        typer.Option(
            "--purge", help="Delete the customer and everything on it, instead of closing it."
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm --purge.")] = False,
) -> None:
    """Close a customer (status closed; nothing is deleted), or --purge --yes to delete."""
    session: Session = ctx.obj
    if purge:
        if not yes:
            raise domain.BadInput(
                "--purge deletes the customer with its visits, orders and "
                "history; add --yes to confirm"
            )
        customer = domain.purge(session.conn, ref)
        render.line(tr("deleted {code} {name}", code=customer["code"], name=customer["name"]))
        return
    customer = domain.close(session.conn, ref)
    render.line(tr("closed {code} {name}", code=customer["code"], name=customer["name"]))


def history(
    ctx: typer.Context,
    ref: Ref,
    as_json: JsonOption = False,
) -> None:
    """Every change made to a card: field, old, new, when, by what."""
    session: Session = ctx.obj
    customer, changes = domain.history(session.conn, ref)
    if as_json:
        render.emit_json({"code": customer["code"], "changes": changes})
        return
    render.table(
        [
            {
                **c,
                "field": words.history_field(c["field"]),
                "source": words.history_source(c["source"]),
            }
            for c in changes
        ],
        [
            ("changed_at", _noop("when")),
            ("field", _noop("field")),
            ("old", _noop("old")),
            ("new", _noop("new value")),
            ("source", _noop("by")),
        ],
        title=f"{customer['code']} {customer['name']}",
    )
