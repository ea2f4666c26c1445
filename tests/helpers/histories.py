"""Histories of order writes, as property tests replay them through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from tests.spreadsheets import write_csv

ORDERS_HEADER = ["客户编码", "日期", "品名", "数量", "金额"]


def order_write(
    cli, folder: Path, number: int, action: str, args: list, imported: list[int], *card: str
) -> None:
    """One write of a history: an import of order lines (("import", lines), its id kept in
    `imported`), an undo of one of those (("undo", n): the n-th, modulo), a card purged
    (("purge", code)) or added (("add", code), with `card`'s options). Refusals are part
    of a history: a purged shop's lines, a card added twice."""
    if action == "import":
        path = write_csv(folder / f"o{number}.csv", [ORDERS_HEADER, *map(list, args[0])])
        result = cli("import", str(path), "--kind", "orders", "--json")
        if result.exit_code == 0:
            imported.append(json.loads(result.stdout)["import_id"])
    elif action == "undo" and imported:
        cli("imports", "undo", str(imported.pop(args[0] % len(imported))))
    elif action == "purge":
        cli("rm", args[0], "--purge", "--yes")
    elif action == "add":
        cli("add", "--code", args[0], "--name", "新店", *card)
