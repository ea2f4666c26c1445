"""Queries for the file layouts a person confirmed once (`cust import mappings`): each login's
own (on a department's database a policy keeps them apart)."""

from __future__ import annotations

import json
import sqlite3

from custcli.db.engine import is_postgres


def find(conn: sqlite3.Connection, headers_key: str) -> dict | None:
    """The layout remembered for a header set, or None."""
    row = conn.execute(
        "SELECT id, kind, headers, mapping, confirmed_at, used FROM layouts"
        f" WHERE headers_key = ? AND made_by = {_me(conn)}",
        (headers_key,),
    ).fetchone()
    return _layout(row) if row else None


def save(
    conn: sqlite3.Connection,
    headers_key: str,
    kind: str,
    headers: list[str],
    mapping: dict[str, str],
    confirmed_at: str,
) -> None:
    """Remember a layout, replacing what was remembered for the same header set."""
    conn.execute(
        "INSERT INTO layouts (kind, headers_key, headers, mapping, confirmed_at, made_by)"
        f" VALUES (?, ?, ?, ?, ?, {_me(conn)})"
        " ON CONFLICT (headers_key, made_by) DO UPDATE SET kind = excluded.kind,"
        " headers = excluded.headers, mapping = excluded.mapping,"
        " confirmed_at = excluded.confirmed_at, used = 0",
        (
            kind,
            headers_key,
            json.dumps(headers, ensure_ascii=False),
            json.dumps(mapping, ensure_ascii=False),
            confirmed_at,
        ),
    )


def used(conn: sqlite3.Connection, layout_id: int) -> None:
    conn.execute("UPDATE layouts SET used = used + 1 WHERE id = ?", (layout_id,))


def listing(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute(
        "SELECT id, kind, headers, mapping, confirmed_at, used FROM layouts"
        f" WHERE made_by = {_me(conn)} ORDER BY id"
    ).fetchall()
    return [_layout(row) for row in rows]


def forget(conn: sqlite3.Connection, layout_id: int) -> bool:
    """Forget one layout; False when this login has none with that number."""
    gone = conn.execute(
        f"DELETE FROM layouts WHERE id = ? AND made_by = {_me(conn)} RETURNING id",
        (layout_id,),
    ).fetchone()
    return gone is not None


def _me(conn: sqlite3.Connection) -> str:
    return "session_user" if is_postgres(conn) else "''"


def _layout(row) -> dict:
    layout_id, kind, headers, mapping, confirmed_at, used_times = row
    return {
        "id": layout_id,
        "kind": kind,
        "headers": json.loads(headers),
        "mapping": json.loads(mapping),
        "confirmed_at": str(confirmed_at)[:10],
        "used": used_times,
    }
