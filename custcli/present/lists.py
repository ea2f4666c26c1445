"""How a list measures out the rows a screen shows: 20 unless --limit says otherwise, all of
them in --json, and a line saying how many were left out."""

from __future__ import annotations

from custcli import render
from custcli.i18n import tr

SHOWN_BY_DEFAULT = 20  # rows of a list on a screen; --limit changes it, 0 shows all


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
