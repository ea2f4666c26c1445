"""Layouts a person confirmed once, remembered: the company's system exports the same
columns every week, and the second week asks nothing (`cust import mappings` lists them).

A layout is keyed by its header set, normalised as the matcher reads headers (spaces, widths,
units and order do not make a new layout); it holds the kind and, for every named column, the
field it feeds, "extra" or "ignore", as --map would say it."""

from __future__ import annotations

import datetime as dt
import hashlib

from custcli import kinds
from custcli.db import layouts as q
from custcli.db.engine import write_transaction
from custcli.domain.importing.mapping import EXTRA, IGNORE, Mapping, normalize_header, plan


def key_of(headers: list[str]) -> str | None:
    """The layout's key: its normalised header set (None for a sheet read without headers)."""
    names = sorted({normalize_header(h) for h in headers if h and normalize_header(h)})
    if len(names) < 2:
        return None
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()[:32]


def overrides_of(mapping: Mapping) -> dict[str, str]:
    """The mapping as --map would say it: every named column → field, extra or ignore."""
    said = {}
    for index, header in enumerate(mapping.headers):
        if not header:
            continue
        if index in mapping.columns:
            said[normalize_header(header)] = mapping.columns[index]
        elif index in mapping.extra:
            said[normalize_header(header)] = EXTRA
        else:
            said[normalize_header(header)] = IGNORE
    return said


def recall(conn, book, mapping: Mapping) -> Mapping | None:
    """The remembered layout of this file's header set, planned as confirmed (None if none)."""
    key = key_of(mapping.headers)
    layout = q.find(conn, key) if key else None
    if layout is None or layout["kind"] not in kinds.BY_NAME:
        return None
    again = plan(book, kinds.BY_NAME[layout["kind"]], mapping.sheet, layout["mapping"])
    if key_of(again.headers) != key:
        return None  # the remembered kind finds another header row: not the same layout
    again.remembered = layout["confirmed_at"]
    again.layout_id = layout["id"]
    return again


def remember(conn, mapping: Mapping, today: dt.date) -> None:
    """Remember a mapping a person gave (--map) or confirmed (at the prompt)."""
    key = key_of(mapping.headers)
    if key is None:
        return
    with write_transaction(conn):
        q.save(
            conn,
            key,
            mapping.kind.name,
            [h for h in mapping.headers if h],
            overrides_of(mapping),
            today.isoformat(),
        )


def used(conn, mapping: Mapping) -> None:
    if mapping.layout_id is not None:
        with write_transaction(conn):
            q.used(conn, mapping.layout_id)


def listing(conn) -> list[dict]:
    return q.listing(conn)


def forget(conn, layout_id: int) -> bool:
    with write_transaction(conn):
        return q.forget(conn, layout_id)
