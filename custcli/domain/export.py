"""Exports: the roster, visits, orders and complaints as a workbook or CSV, headed by the
registry's labels, so that an exported roster imports back unchanged."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from custcli import kinds
from custcli.db import customers as customer_q
from custcli.db import export as q
from custcli.domain.customers import parse_values
from custcli.errors import BadInput
from custcli.i18n import _
from custcli.kinds.fields import Field
from custcli.kinds.privacy import redact_extra, redact_text
from custcli.months import parse_month


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


def exported(word: str) -> kinds.Kind:
    """The kind an export names (customers, 客户, visits, 拜访…)."""
    try:
        return kinds.named(word, kinds.EXPORTED)
    except ValueError:
        names = ", ".join(f"{k.name} ({_(k.noun_id)})" for k in kinds.EXPORTED)
        raise BadInput("export one of: {value}", value=names) from None


def export_rows(
    conn: sqlite3.Connection,
    kind: kinds.Kind,
    filters: Mapping[str, Any],
    month: str | None,
    redact: bool,
    lang: str,
) -> tuple[list[str], Iterator[list]]:
    """Headers and rows of an export; rows are streamed except for the roster."""
    card_filters = parse_values({k: v for k, v in filters.items() if v is not None})
    fields = [kind.field(key) for key in kind.export]
    headers = [f.label(lang) for f in fields]
    if kind is kinds.CUSTOMERS:
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
    word: str,
    target: Path,
    fmt: str | None = None,
    filters: Mapping[str, Any] | None = None,
    month: str | None = None,
    redact: bool = False,
    lang: str = "zh",
) -> int:
    """Write the export; returns the number of rows written."""
    from custcli.io import book, writers

    kind = exported(word)
    fmt = fmt or ("csv" if Path(target).suffix.lower() in (".csv", ".tsv") else "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise BadInput("--format is xlsx or csv")
    headers, rows = export_rows(conn, kind, filters or {}, month, redact, lang)
    counted = _Counted(rows)
    if fmt == "csv":
        writers.write_csv(target, headers, counted)
    else:
        formats = [kind.field(key).type.cell_format for key in kind.export]
        book.write_workbook(
            target,
            [(_(kind.sheet_id), headers, counted)],
            title=_(kind.sheet_id),
            formats=formats,
            footer="&C" + _("Page &P of &N"),
        )
    return counted.count


class _Counted:
    """Passes rows through and counts them, so that streaming exports can say how many."""

    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
