"""Options and arguments that several commands share, declared once, with how a list
measures out the rows its --limit shows."""

from __future__ import annotations

from typing import Annotated

import typer

from custcli import render
from custcli.i18n import tr

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Ref = Annotated[str, typer.Argument(help="Customer code, #id, or text that finds one.")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="The day (default: today).")]
DateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="The day: 今天, 昨天, 3天前, 下周一, 12月1日, 2026-12-01, -3d… (default: today).",
    ),
]
SHOWN_BY_DEFAULT = 20  # rows of a list on a screen; --limit changes it, 0 shows all
Limit = Annotated[
    int | None,
    typer.Option(
        "--limit", min=0, max=10**9, help="At most N rows (0: all; default 20, all in --json)."
    ),
]
SectionLimit = Annotated[
    int | None,
    typer.Option(
        "--limit",
        min=0,
        max=10**9,
        help="At most N rows of each section (0: all; default 20, all in --json).",
    ),
]
District = Annotated[str | None, typer.Option(help="Only this district.")]
Manager = Annotated[str | None, typer.Option(help="Only this account manager.")]
Tier = Annotated[str | None, typer.Option(help="Only this tier.")]
Status = Annotated[
    str | None, typer.Option(help="active, suspended or closed (default: all but closed).")
]


def card_filters(
    district: str | None,
    tier: str | None,
    shop_format: str | None,
    status: str | None,
    manager: str | None,
) -> dict[str, str | None]:
    """The card fields that list and export filter on, keyed as the registry names them."""
    return {
        "district": district,
        "tier": tier,
        "format": shop_format,
        "status": status,
        "account_manager": manager,
    }


def rows_to_show(limit: int | None, as_json: bool) -> int:
    """How many rows of a list to show (0: all): --json gives them all unless --limit."""
    return (0 if as_json else SHOWN_BY_DEFAULT) if limit is None else limit


def shown(rows: list, limit: int | None, as_json: bool) -> tuple[list, int]:
    """The rows to show and how many are left out."""
    limit = rows_to_show(limit, as_json)
    kept = rows[:limit] if limit else rows
    return kept, len(rows) - len(kept)


def more(left_out: int) -> None:
    """The line under a list that shows fewer rows than it has."""
    if left_out:
        render.line(tr("… and {count} more (--limit 0 shows all)", count=left_out))
