"""Importing spreadsheets, as django-import-export builds it: `mapping` (which column is which
field, and the kind), `rows` (skip rules, parsing a row), `targets` (one per record kind:
find, take, undo), and `run` (the transaction, dry run, --strict, rejects file, result)."""

from custcli.domain.importing.mapping import (
    KIND_ORDER,
    Mapping,
    map_headers,
    match,
    normalize_header,
    parse_overrides,
    plan,
)
from custcli.domain.importing.rows import CellTooLarge, RowRejected, parse_row, skip_reason
from custcli.domain.importing.run import ImportResult, listing, run, undo, write_rejects

__all__ = [
    "KIND_ORDER",
    "CellTooLarge",
    "ImportResult",
    "Mapping",
    "RowRejected",
    "listing",
    "map_headers",
    "match",
    "normalize_header",
    "parse_overrides",
    "parse_row",
    "plan",
    "run",
    "skip_reason",
    "undo",
    "write_rejects",
]
