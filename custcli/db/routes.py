"""A day's route: its stops in order, kept in route_stops; closing it writes its visits under
one import row, so that `cust imports undo` takes the day back as one change."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence

from custcli.db import imports as import_q
from custcli.db.rows import dicts


def stops(conn: sqlite3.Connection, day: str) -> list[dict]:
    """The day's stops in order, with what the route and the pack show of each shop."""
    return dicts(
        conn.execute(
            "SELECT s.n, s.customer_id, s.reasons, c.code, c.name, c.owner, c.phone, c.address,"
            " c.district, c.delivery_route, c.longitude, c.latitude, c.account_manager"
            " FROM route_stops s JOIN customers c ON c.id = s.customer_id"
            " WHERE s.day = ? ORDER BY s.n",
            (day,),
        )
    )


def closed(conn: sqlite3.Connection, day: str) -> bool:
    """Whether the day's route was closed (and that close not undone)."""
    return (
        conn.execute(
            "SELECT 1 FROM route_stops s JOIN imports i ON i.id = s.closed_by"
            " WHERE s.day = ? AND i.undone_at IS NULL LIMIT 1",
            (day,),
        ).fetchone()
        is not None
    )


def replace(conn: sqlite3.Connection, day: str, planned: Sequence[tuple[int, str]]) -> None:
    """The day's route as planned: (shop, reasons) in order, numbered from 1."""
    conn.execute("DELETE FROM route_stops WHERE day = ?", (day,))
    conn.executemany(
        "INSERT INTO route_stops (day, n, customer_id, reasons) VALUES (?, ?, ?, ?)",
        [(day, n, customer_id, reasons) for n, (customer_id, reasons) in enumerate(planned, 1)],
    )


def add(conn: sqlite3.Connection, day: str, customer_id: int, reason: str) -> None:
    """A shop put at the end of the day's route (where it is already, it stays)."""
    conn.execute(
        "INSERT INTO route_stops (day, n, customer_id, reasons)"
        " SELECT ?, coalesce(max(n), 0) + 1, ?, ? FROM route_stops WHERE day = ?"
        " ON CONFLICT (day, customer_id) DO NOTHING",
        (day, customer_id, reason, day),
    )


def drop(conn: sqlite3.Connection, day: str, customer_id: int) -> bool:
    """A shop taken off the day's route, the stops after it numbered down."""
    row = conn.execute(
        "SELECT n FROM route_stops WHERE day = ? AND customer_id = ?", (day, customer_id)
    ).fetchone()
    if row is None:
        return False
    conn.execute("DELETE FROM route_stops WHERE day = ? AND customer_id = ?", (day, customer_id))
    conn.execute("UPDATE route_stops SET n = n - 1 WHERE day = ? AND n > ?", (day, row[0]))
    return True


def close(
    conn: sqlite3.Connection,
    day: str,
    records: Sequence[tuple[int, str, str | None, str | None]],
    kind: str,
) -> int:
    """The day's visits written under one import row: (shop, visit kind, reason, manager)."""
    digest = hashlib.sha256(f"route {day} {records!r}".encode()).hexdigest()
    import_id = import_q.create(conn, f"路线 {day}", digest, kind, None)
    conn.executemany(
        "INSERT INTO visits (customer_id, date, kind, kind_text, manager, import_id)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (cid, day, visit_kind, reason, manager, import_id)
            for cid, visit_kind, reason, manager in records
        ],
    )
    conn.execute("UPDATE route_stops SET closed_by = ? WHERE day = ?", (import_id, day))
    import_q.finish(conn, import_id, {"new": len(records)})
    return import_id
