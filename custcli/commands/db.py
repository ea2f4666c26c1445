"""The database file itself: where it is, what it holds, a backup."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from typing import Annotated

import typer

from custcli import render
from custcli.db import maintenance
from custcli.db.connection import backup as backup_db
from custcli.db.connection import default_db_path
from custcli.session import Session

app = typer.Typer(help="The database file: path, status, backup.", no_args_is_help=True)


def _path(session: Session) -> Path:
    return Path(session.db_path) if session.db_path else default_db_path()


@app.command()
def path(ctx: typer.Context) -> None:
    """Print where the database file is."""
    render.line(str(_path(ctx.obj)))


@app.command()
def status(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """Schema version, size, permissions and row counts."""
    session: Session = ctx.obj
    db_path = _path(session)
    info = maintenance.status(session.conn)
    info = {
        "path": str(db_path),
        "size_bytes": db_path.stat().st_size,
        "mode": oct(stat.S_IMODE(os.stat(db_path).st_mode)),
        **info,
    }
    if as_json:
        render.emit_json(info)
        return
    for key, value in info.items():
        if key != "tables":
            render.line(f"{key}: {value}")
    render.table(
        [{"table": k, "rows": v} for k, v in info["tables"].items()],
        [("table", "table"), ("rows", "rows")],
    )


@app.command()
def backup(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Where to write the copy (default: beside the database, "
            "with the date and time in its name).",
        ),
    ] = None,
) -> None:
    """Write a consistent copy of the database (safe while cust is in use)."""
    session: Session = ctx.obj
    db_path = _path(session)
    target = output or db_path.with_name(
        f"{db_path.stem}-{dt.datetime.now():%Y%m%d-%H%M%S}.backup.db"
    )
    written = backup_db(session.conn, target)
    render.line(f"backed up to {written}")
