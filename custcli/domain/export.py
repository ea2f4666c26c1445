"""Exports: the roster, visits, orders and complaints as a workbook or CSV, headed by the
registry's labels, so that an exported roster imports back unchanged."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from custcli.db import customers as customer_q
from custcli.db import export as q
from custcli.domain.customers import parse_values
from custcli.errors import BadInput
from custcli.kinds.fields import (
    COMPLAINT_FIELDS,
    CUSTOMER_FIELDS,
    ORDER_FIELDS,
    VISIT_FIELDS,
    Field,
)
from custcli.kinds.privacy import redact_extra, redact_text
from custcli.months import parse_month


def _only(fields: tuple[Field, ...], *keys: str) -> tuple[Field, ...]:
    """The fields of these keys, in this order: the columns db.export selects."""
    by_key = {f.key: f for f in fields}
    return tuple(by_key[k] for k in keys)


EXPORT_FIELDS: dict[str, tuple[Field, ...]] = {
    "customers": CUSTOMER_FIELDS,
    "visits": _only(
        VISIT_FIELDS, "date", "code", "name", "kind", "note", "found", "satisfaction", "manager"
    ),
    "orders": _only(ORDER_FIELDS, "date", "code", "brand", "qty", "amount", "unit_price"),
    "complaints": COMPLAINT_FIELDS,
}
SHEET_NAMES = {"customers": "客户", "visits": "拜访", "orders": "订单", "complaints": "投诉"}


def column(field: Field, lang: str, redact: bool = False) -> Callable[[Any], Any]:
    """How a field's stored values go into its column's cells, chosen once for a column of
    100,000: dates as dates, numbers as numbers, the rest as the text the field renders
    (which its parser reads back); masked first with `redact` where the field says how.
    Takes no None (an empty cell stays empty)."""
    if field.type.name == "date":
        shown: Callable[[Any], Any] = dt.date.fromisoformat
    elif field.type.sql in ("INTEGER", "REAL") and field.type.name != "price_class":
        shown = _same
    else:
        render = field.render

        def shown(value: Any) -> Any:
            return render(value, lang)

    mask = field.redact or (redact_text if field.type.name == "text" else None)
    if redact and mask:
        return lambda value: shown(mask(value))
    return shown


def _same(value: Any) -> Any:
    return value


def export_rows(
    conn: sqlite3.Connection,
    kind: str,
    filters: Mapping[str, Any],
    month: str | None,
    redact: bool,
    lang: str,
) -> tuple[list[str], Iterator[list]]:
    """Headers and rows of an export; rows are streamed except for the roster."""
    if kind not in EXPORT_FIELDS:
        raise BadInput("export one of: {value}", value=", ".join(EXPORT_FIELDS))
    card_filters = parse_values({k: v for k, v in filters.items() if v is not None})
    fields = EXPORT_FIELDS[kind]
    headers = [f.label(lang) for f in fields]
    if kind == "customers":
        if month:
            raise BadInput("--month filters visits, orders and complaints, not customers")
        customers = customer_q.listing(conn, card_filters, include_closed="status" in card_filters)
        extra_keys = list(dict.fromkeys(k for c in customers for k in c["extra"]))
        columns = [(f.key, column(f, lang, redact)) for f in fields]
        return [*headers, *extra_keys], (
            [
                *(None if (value := c[key]) is None else shown(value) for key, shown in columns),
                *(_extra(k, c["extra"].get(k), redact) for k in extra_keys),
            ]
            for c in customers
        )
    first, last = (d.isoformat() for d in parse_month(month)) if month else (None, None)
    lines = q.lines(conn, kind, card_filters, first, last)
    columns = [(f.key, column(f, lang, redact)) for f in fields]
    return headers, (
        [None if (value := line.get(key)) is None else shown(value) for key, shown in columns]
        for line in lines
    )


def _extra(header: str, value: Any, redact: bool) -> Any:
    return redact_extra(header, value) if redact else value


def export(
    conn: sqlite3.Connection,
    kind: str,
    target: Path,
    fmt: str | None = None,
    filters: Mapping[str, Any] | None = None,
    month: str | None = None,
    redact: bool = False,
    lang: str = "zh",
) -> int:
    """Write the export; returns the number of rows written."""
    from custcli.io import writers

    fmt = fmt or ("csv" if Path(target).suffix.lower() in (".csv", ".tsv") else "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise BadInput("--format is xlsx or csv")
    headers, rows = export_rows(conn, kind, filters or {}, month, redact, lang)
    counted = _Counted(rows)
    if fmt == "csv":
        writers.write_csv(target, headers, counted)
    else:
        writers.write_workbook(target, [(SHEET_NAMES[kind], headers, counted)])
    return counted.count


class _Counted:
    """Passes rows through and counts them, so that streaming exports can say how many."""

    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
