"""The brand table (经营品牌): prices per 条, price class, features, promotion."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from custcli.db import business, rollups, rows
from custcli.db import imports as q
from custcli.db.engine import write_transaction
from custcli.errors import BadInput, NotFound
from custcli.kinds import BRANDS
from custcli.kinds.fields import BRAND_FIELDS
from custcli.trade import price_class_of

_FIELDS = {f.key: f for f in BRAND_FIELDS}


def parse(raw: Mapping[str, object]) -> dict:
    values = {}
    for key, value in raw.items():
        if key not in _FIELDS:
            raise BadInput(
                "unknown brand field {key!r}; fields are: {value}",
                key=key,
                value=", ".join(_FIELDS),
            )
        try:
            values[key] = _FIELDS[key].parse(value)
        except ValueError as error:
            raise BadInput("{key}: {error}", key=key, error=error) from None
    if values.get("price_class") is None and values.get("wholesale_price"):
        values["price_class"] = price_class_of(values["wholesale_price"])
    return values


def _existing(conn: sqlite3.Connection, name: str) -> dict:
    found = q.brand_by_name(conn, name)
    if found is None:
        raise NotFound("no brand {name!r}; `cust brand list` shows them", name=name)
    return found


def add(conn: sqlite3.Connection, raw: Mapping[str, object]) -> dict:
    values = parse({k: v for k, v in raw.items() if v is not None})
    if not values.get("name"):
        raise BadInput("a brand needs a name")
    with write_transaction(conn):
        if q.brand_by_name(conn, values["name"]):
            raise BadInput(
                "brand {name!r} exists already; use `cust brand edit`", name=values["name"]
            )
        q.insert_brand(conn, values, None)
        if values.get("price_class") is not None:
            rollups.rebuild(conn)  # order lines may name it already: their class follows
    return q.brand_by_name(conn, values["name"])


def edit(conn: sqlite3.Connection, name: str, raw: Mapping[str, object]) -> dict:
    values = parse(raw)
    with write_transaction(conn):
        current = _existing(conn, name)
        if values:
            q.update_brand(conn, current, values, None)
        if {"name", "price_class"} & {k for k, v in values.items() if current.get(k) != v}:
            rollups.rebuild(conn)
    return q.brand_by_name(conn, values.get("name") or name)


def remove(conn: sqlite3.Connection, name: str) -> None:
    with write_transaction(conn):
        rows.delete(conn, BRANDS.table, _existing(conn, name)["id"])
        rollups.rebuild(conn)


def listing(conn: sqlite3.Connection) -> list[dict]:
    return business.brands(conn)
