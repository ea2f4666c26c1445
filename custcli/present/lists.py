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


def more(left_out: int, shops: bool = False) -> None:
    """The line under a list that shows fewer rows than it has (counted in shops, 家, when
    the rows are shops)."""
    if left_out and shops:
        render.line(tr("… and {count} more shops (--limit 0 shows all)", count=left_out))
    elif left_out:
        render.line(tr("… and {count} more (--limit 0 shows all)", count=left_out))


def pick(candidates: list[dict]) -> dict | None:
    """Namesakes numbered at the terminal (name, the code's last digits, owner, address) and
    one picked by typing its number; None when the user types nothing (or Ctrl-D)."""
    from custcli.i18n import _

    rows = [
        {
            "n": str(number),
            "name": c.get("name") or "",
            "code": f"…{c['code'][-4:]}" if c.get("code") else "",
            "owner": c.get("owner") or "",
            "address": c.get("address") or "",
        }
        for number, c in enumerate(candidates, 1)
    ]
    render.table(
        rows,
        [
            ("n", "#"),
            ("name", "name"),
            ("code", "code"),
            ("owner", "owner"),
            ("address", "address"),
        ],
        title=tr("{count} customers match", count=len(candidates)),
    )
    while True:
        try:
            answer = input(_("the number of the one you mean (Enter: none): ")).strip()
        except EOFError:
            return None
        if not answer:
            return None
        if answer.isdigit() and 1 <= int(answer) <= len(candidates):
            return candidates[int(answer) - 1]
        render.error(tr("{answer} is not a number on the list", answer=answer))
