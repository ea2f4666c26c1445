"""The database file itself: where it is, what it holds, a backup."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from custcli import render
from custcli.commands.options import JsonOption
from custcli.domain import store
from custcli.errors import BadInput, NotFound
from custcli.i18n import _, _noop, tr
from custcli.present import words
from custcli.session import Session

app = typer.Typer(
    add_completion=False,
    help="The database file: path, status, backup, restore, check.",
    no_args_is_help=True,
)


@app.command()
def path(ctx: typer.Context) -> None:
    """Print where the database is (a PostgreSQL URL without its password)."""
    session: Session = ctx.obj
    render.line(store.where(session.db_path))


@app.command()
def status(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Schema version, size, permissions and row counts."""
    session: Session = ctx.obj
    info = store.status(session.conn)
    if as_json:
        render.emit_json(info)
        return
    for key, value in info.items():
        if key != "tables" and value is not None:
            render.line(tr("{label}: {value}", label=_(STATUS_WORDS[key]), value=value))
    render.table(
        [{"table": words.table(k), "rows": v} for k, v in info["tables"].items()],
        [("table", _noop("table")), ("rows", _noop("rows"))],
    )


STATUS_WORDS = {
    "path": _noop("path"),
    "size_bytes": _noop("size (bytes)"),
    "mode": _noop("permissions"),
    "schema_version": _noop("schema version"),
    "journal_mode": _noop("journal mode"),
}


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
    store.sqlite_only(session.db_path, "backup")
    db_path = Path(store.where(session.db_path))
    target = output or db_path.with_name(
        f"{db_path.stem}-{dt.datetime.now():%Y%m%d-%H%M%S}.backup.db"
    )
    written = store.backup(session.conn, target)
    render.line(tr("backed up to {file}", file=written))


@app.command()
def restore(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="A backup made by cust (or any cust database).")],
) -> None:
    """Replace the database with a backup, after checking the backup and keeping a copy of
    the current database in the backups folder."""
    session: Session = ctx.obj
    store.sqlite_only(session.db_path, "restore")
    session.creates = True  # a backup put where there was no database yet
    done = store.restore(session.conn, source)
    kept = (
        tr("; the previous one is kept as {file}", file=done["previous_copy"])
        if done["previous_copy"]
        else ""
    )
    render.line(tr("restored {file}", file=done["restored"]) + kept)


def _problem(problem: dict) -> str:
    kind = problem["problem"]
    if kind == "integrity":
        return tr("integrity: {detail}", detail="; ".join(problem["detail"]))
    if kind == "orphans":
        return tr(
            "{count} orphan rows in {tables}",
            count=problem["count"],
            tables=", ".join(problem["tables"]),
        )
    if kind == "rollups":
        return tr(
            "{count} monthly order rollups differ from the order lines;"
            " `cust db check --repair` rebuilds them",
            count=problem["count"],
        )
    if kind == "figures":
        return tr(
            "the kept order figures of {count} shops differ from what the orders give;"
            " `cust db check --repair` forgets them",
            count=problem["count"],
        )
    if kind == "schema":
        return tr(
            "schema version {version}, expected {expected}",
            version=problem["version"],
            expected=problem["expected"],
        )
    return tr(
        "{file} is readable by others ({mode}); chmod 600 it",
        file=problem["file"],
        mode=problem["mode"],
    )


@app.command()
def check(
    ctx: typer.Context,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Rebuild the monthly order rollups from the order lines first (and forget"
            " the order figures kept per shop).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Integrity, orphan rows, the monthly order rollups against the lines, the order figures
    kept per shop, schema version and file permissions, with a verdict (exit 1 when something
    is wrong)."""
    session: Session = ctx.obj
    try:
        conn = session.conn
    except BadInput as error:  # too damaged, or not cust's, to open at all: that is the verdict
        render.error(error.said())
        raise typer.Exit(1) from None
    report = store.check(conn, repair)
    if as_json:
        render.emit_json(report)
    else:
        render.line(_("ok: the database is sound") if report["ok"] else _("problems found:"))
        for problem in report["problems"]:
            render.line(f"  {_problem(problem)}")
        render.line(
            tr(
                "schema {version}, {count} backups",
                version=report["schema_version"],
                count=report["backups"],
            )
            + (
                tr(", latest {file}", file=report["latest_backup"])
                if report["latest_backup"]
                else ""
            )
        )
    if not report["ok"]:
        raise typer.Exit(1)


@app.command()
def grant(
    ctx: typer.Context,
    manager: Annotated[str, typer.Argument(help="The account manager, as cards name them.")],
    role: Annotated[str, typer.Option("--role", help="The PostgreSQL login to let in.")],
    new: Annotated[
        bool,
        typer.Option("--yes", "--new", help="A manager no card names yet (shops to come)."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Let a PostgreSQL login see and change exactly one account manager's shops (and their
    visits, orders, notes, follow-ups, complaints and dates), fenced by PostgreSQL itself."""
    session: Session = ctx.obj
    done = store.grant(session.conn, manager, role, new)
    if as_json:
        render.emit_json(done)
        return
    render.line(
        tr(
            "{login} now sees the {shops} shops of {manager}",
            login=done["login"],
            shops=done["shops"],
            manager=done["manager"],
        )
    )


@app.command()
def revoke(
    ctx: typer.Context,
    manager: Annotated[str, typer.Argument(help="The account manager.")],
    role: Annotated[str, typer.Option("--role", help="The PostgreSQL login.")],
) -> None:
    """Take back a grant: the login no longer sees that manager's shops."""
    session: Session = ctx.obj
    if not store.revoke(session.conn, manager, role):
        raise NotFound("{login} was not granted {manager}", login=role, manager=manager)
    render.line(tr("{login} no longer sees the shops of {manager}", login=role, manager=manager))


@app.command("grants")
def grant_list(
    ctx: typer.Context,
    as_json: JsonOption = False,
) -> None:
    """Who sees what: each PostgreSQL login and the account managers whose shops it sees."""
    session: Session = ctx.obj
    found = store.granted(session.conn)
    if as_json:
        render.emit_json(found)
        return
    render.table(
        found,
        [
            ("login", _noop("login")),
            ("manager", _noop("account manager")),
            ("shops", _noop("shops")),
            ("granted_at", _noop("granted")),
        ],
    )


@app.command("datasette-metadata")
def datasette_metadata(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write it to this file (default: print).")
    ] = None,
) -> None:
    """Metadata for browsing the file with Datasette: tables and columns labelled in the
    language in use, cust's own tables hidden, a labelled query per kind of record.
    Then: datasette cust.db --metadata metadata.json"""
    import json

    from custcli.domain.browse import metadata

    session: Session = ctx.obj
    database = Path(store.where(session.db_path)).stem
    text = json.dumps(metadata(database), ensure_ascii=False, indent=2)
    if output is None:
        render.line(text)
        return
    output.write_text(text + "\n", encoding="utf-8")
    render.line(tr("wrote {file}", file=output))
