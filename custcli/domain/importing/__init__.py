"""Importing spreadsheets, as django-import-export builds it: `mapping` (which column is which
field, and the kind), `rows` (skip rules, parsing rows a column at a time), `targets` (one per
record kind: find, take, undo), and `run` (the transaction, dry run, --strict, rejects file,
result)."""

from custcli import kinds
from custcli.domain.importing.history import listing, undo
from custcli.domain.importing.mapping import (
    Mapping,
    doubtful,
    doubts,
    map_headers,
    match,
    normalize_header,
    parse_overrides,
    plan,
)
from custcli.domain.importing.result import ImportResult
from custcli.domain.importing.rows import CellTooLarge, RowRejected, parse_row, skip_reason
from custcli.domain.importing.run import run, write_rejects
from custcli.errors import BadInput

__all__ = [
    "CellTooLarge",
    "ImportResult",
    "Mapping",
    "RowRejected",
    "doubtful",
    "doubts",
    "kind_named",
    "listing",
    "map_headers",
    "match",
    "normalize_header",
    "open_file",
    "parse_overrides",
    "parse_row",
    "plan",
    "run",
    "skip_reason",
    "undo",
    "write_rejects",
]


def open_file(path):
    """The file to import, opened (custcli.io.readers: any spreadsheet the field sends)."""
    from custcli.io.readers import open_workbook

    return open_workbook(path)


def kind_named(word: str | None, supply: bool = True) -> kinds.Kind | None:
    """The kind --kind names, in any of its words (订单, orders); None when not given.
    SUPPLY among them unless `supply` is False: a supply sheet goes to custcli.domain.supply,
    not through a mapping."""
    if word is None:
        return None
    among = (*kinds.IMPORTED, kinds.SUPPLY) if supply else kinds.IMPORTED
    try:
        return kinds.named(word, among)
    except ValueError:
        names = ", ".join(f"{k.name} ({k.label()})" for k in among)
        raise BadInput("--kind is one of {value}", value=names) from None
