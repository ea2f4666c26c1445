"""Options and arguments that several commands share, declared once, with how a list
measures out the rows its --limit shows."""

from __future__ import annotations

from typing import Annotated

import typer

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
