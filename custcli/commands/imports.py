"""`cust import FILE` and `cust imports [undo ID]`."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from custcli import render
from custcli.commands.options import JsonOption
from custcli.errors import BadInput, words
from custcli.i18n import _, _noop, tr
from custcli.session import Session

if TYPE_CHECKING:  # the planner loads only when an import runs
    from custcli.domain import importing

app = typer.Typer(
    add_completion=False, help="Imports done so far; undo one.", invoke_without_command=True
)


def import_file(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="xlsx, xlsm, xls, xlsb, ods, csv or tsv.")],
    kind: Annotated[
        str | None,
        typer.Option(help="customers, orders, visits or brands (default: told by the headers)."),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(help="The sheet to read (default: the one whose headers cust knows)."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show the mapping and what would change; write nothing."),
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Any rejected row aborts the whole import.")
    ] = False,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map", help='"表头=key" maps a column by hand (key may be extra or ignore).'
        ),
    ] = None,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", help="Let a file whose kind was told by its headers change existing cards."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Import a spreadsheet of customers, orders, visits or brands.

    Finds the header row and the sheet itself, reads what each header means (--dry-run shows
    each decision), normalises values, skips blank, totals and repeated header rows. A value
    it cannot read is kept as written, with a warning; a row it cannot take goes, with every
    reason, to FILE.rejects.xlsx. One transaction: all of it lands or none of it. A file whose
    kind was guessed changes no existing card unless --kind customers or --yes says so.
    """
    from custcli.domain import importing
    from custcli.io.readers import open_workbook

    session: Session = ctx.obj
    if kind not in (None, *importing.KIND_ORDER):
        raise BadInput("--kind is one of {value}", value=", ".join(importing.KIND_ORDER))
    book = open_workbook(file)
    plan = importing.plan(book, kind, sheet, importing.parse_overrides(mapping or []))
    with _progress(file.name) as tick:
        result = importing.run(
            session.conn,
            book,
            plan,
            today=session.today,
            dry_run=dry_run,
            strict=strict,
            confirmed=yes,
            progress=tick,
        )
    with _landed(result.import_id):
        if as_json:
            render.emit_json(result.to_json(file))
        else:
            _print_result(plan, result)
    if result.held_back:
        raise BadInput(
            "{file_name} was taken for a roster by its headers and would change {changed_cards} "
            "existing cards; nothing was written. If it is a roster, run again with --kind "
            "customers (or --yes)",
            file_name=file.name,
            changed_cards=result.changed_cards,
        )


SKIP_REASONS = {
    "blank": _noop("blank"),
    "totals": _noop("totals"),
    "repeated header": _noop("repeated header"),
}
COUNT_WORDS = {
    "new": _noop("new"),
    "updated": _noop("updated"),
    "unchanged": _noop("unchanged"),
    "rejected": _noop("rejected"),
    "skipped": _noop("skipped"),
    "kept_as_written": _noop("kept as written"),
    # what a merge brings
    "cards new": _noop("new cards"),
    "cards updated": _noop("cards updated"),
    "values changed": _noop("values changed"),
    "visits": _noop("visits"),
    "orders": _noop("order lines"),
    "notes": _noop("notes"),
    "followups": _noop("follow-ups"),
    "complaints": _noop("complaints"),
    "key_dates": _noop("dates"),
}
UNDO_WORDS = {
    "orders": _noop("order lines removed"),
    "visits": _noop("visits removed"),
    "brands": _noop("brands removed"),
    "kept": _noop("cards kept"),
    "customers removed": _noop("cards removed"),
    "values restored": _noop("values restored"),
    "notes": _noop("notes removed"),
    "followups": _noop("follow-ups removed"),
    "complaints": _noop("complaints removed"),
    "key_dates": _noop("dates removed"),
}
HOW_WORDS = {"alias": _noop("alias"), "rule": _noop("rule"), "map": _noop("--map"), "extra": ""}


def _print_result(plan: importing.Mapping, result: importing.ImportResult) -> None:
    from custcli.kinds.fields import KINDS

    if result.dry_run:
        head = _("dry run: nothing written")
    elif result.held_back:
        head = _("held back: nothing written")
    else:
        head = tr("import #{id}", id=result.import_id)
    kind = _(KIND_WORDS[plan.kind]) + (_(" (told by the headers)") if plan.guessed else "")
    render.line(
        tr(
            "{head} · {file} · sheet {sheet} · header row {row} · {kind}",
            head=head,
            file=result.file,
            sheet=plan.sheet,
            row=plan.header_row,
            kind=kind,
        )
    )
    if result.dry_run or result.held_back:
        fields = {f.key: f for f in KINDS[plan.kind]}
        described = [
            {
                "column": d["column"],
                "field": _field_words(d["field"], fields),
                "how": _(HOW_WORDS[d["how"]]) if d["how"] in HOW_WORDS else d["how"],
            }
            for d in plan.describe()
        ]
        render.table(described, [("column", _("column")), ("field", _("field")), ("how", _("how"))])
    counts = result.summary()
    why = _(", ").join(f"{_(SKIP_REASONS[r])} {n}" for r, n in result.skipped.items())
    line = " · ".join(f"{_(COUNT_WORDS[k])} {v}" for k, v in counts.items())
    render.line(line + (tr(" ({why})", why=why) if why else ""))
    for key, n in result.kept.items():
        label = next(f for f in KINDS[plan.kind] if f.key == key).label()
        render.line(
            tr(
                "  {field}: {count} values not understood, kept as other with their text",
                field=label,
                count=n,
            )
        )
    if result.unnamed:
        render.line(
            tr("  {count} new cards have no store name; `cust edit` adds one", count=result.unnamed)
        )
    for sample in result.samples if result.dry_run or result.held_back else []:
        render.line(f"  {sample}")
    for row_no, column, reason in result.warnings[:5]:
        render.line(
            tr(
                "  row {row}, {column}: kept as written ({reason})",
                row=row_no,
                column=column,
                reason=words(reason),
            )
        )
    if len(result.warnings) > 5:
        render.line(
            tr("  … and {count} more values kept as written", count=len(result.warnings) - 5)
        )
    for row_no, _values, reason in result.rejects[:5]:
        render.line(tr("  row {row}: {reason}", row=row_no, reason=words(reason)))
    if len(result.rejects) > 5:
        render.line(tr("  … and {count} more", count=len(result.rejects) - 5))
    if result.rejects_file:
        render.line(
            tr("rejected rows and values kept as written are in {file}", file=result.rejects_file)
        )
    if result.rejects_file_error:
        render.error(
            tr(
                "the import landed, but its rejects file could not be written ({why})",
                why=result.rejects_file_error,
            )
        )


KIND_WORDS = {
    "customers": _noop("a customer roster"),
    "orders": _noop("order lines"),
    "visits": _noop("a visit log"),
    "brands": _noop("a price list"),
    "merge": _noop("a manager's file (merge)"),
}


def _field_words(target: str | None, fields: dict) -> str:
    if target is None:
        return _("(not imported)")
    if target.startswith("extra."):
        return tr("extra: {name}", name=target[6:])
    return f"{fields[target].label()} ({target})" if target in fields else target


@contextlib.contextmanager
def _landed(import_id: int | None) -> Iterator[None]:
    """Printing what has been committed: Ctrl-C here cannot take the import back, so it is
    not reported as a failure (exit 0, and a line saying the import is in)."""
    if import_id is None:
        yield
        return
    try:
        yield
    except KeyboardInterrupt:
        render.error(
            tr(
                "interrupted while printing: import #{import_id} is in (`cust imports` lists"
                " it, `cust imports undo {import_id}` takes it back)",
                import_id=import_id,
            )
        )
        raise typer.Exit(0) from None


@contextlib.contextmanager
def _progress(name: str) -> Iterator:
    """A progress line on stderr while a long file imports; nothing when stderr is no terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        transient=True,
        console=render.console(stderr=True),
    ) as bar:
        task = bar.add_task(f"importing {name}", total=None)
        yield lambda rows: bar.update(task, completed=rows)


@app.callback()
def imports(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the imports done so far."""
    if ctx.invoked_subcommand:
        return
    from custcli.domain import importing

    session: Session = ctx.obj
    rows = importing.listing(session.conn)
    if as_json:
        render.emit_json(rows)
        return
    for row in rows:
        row["result"] = " ".join(
            f"{_(COUNT_WORDS.get(k, k))} {v}"
            for k, v in row["counts"].items()
            if k != "skipped_why" and v
        )
        row["kind"] = _(KIND_WORDS.get(row["kind"], row["kind"]))
    render.table(
        rows,
        [
            ("id", _noop("#")),
            ("imported_at", _noop("when")),
            ("file_name", _noop("file")),
            ("kind", _noop("kind")),
            ("result", _noop("result")),
            ("undone_at", _noop("undone")),
        ],
    )


@app.command()
def undo(
    ctx: typer.Context,
    import_id: Annotated[
        int, typer.Argument(min=1, max=2**62, help="The import's number (cust imports).")
    ],
) -> None:
    """Reverse an import: remove what it added and restore the values it changed."""
    from custcli.domain import importing

    session: Session = ctx.obj
    counts = importing.undo(session.conn, import_id, session.today)
    counts = {_(UNDO_WORDS.get(k, k)): v for k, v in counts.items()}
    done = _(", ").join(f"{k} {v}" for k, v in counts.items() if v) or _("nothing to reverse")
    render.line(tr("undid import #{id}: {done}", id=import_id, done=done))


def merge(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A manager's own cust file (.db) to bring in.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what the merge would do; change nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Bring a manager's file (a field laptop's cust.db) into this database: new cards, the
    fields changed last, and the visits, orders, notes, follow-ups, complaints and dates this
    one lacks. Matched by each record's stable id, so merging a file twice adds nothing the
    second time. Listed by `cust imports` and undone like an import."""
    from custcli.domain.merge import merge as merge_file

    session: Session = ctx.obj
    result = merge_file(session.conn, file, session.today, dry_run=dry_run)
    with _landed(result["import_id"]):
        _print_merge(result, as_json, dry_run)


def _print_merge(result: dict, as_json: bool, dry_run: bool) -> None:
    if as_json:
        render.emit_json(result)
        return
    done = _(", ").join(
        f"{_(COUNT_WORDS.get(k, k))} {v}" for k, v in result["counts"].items()
    ) or _("nothing new")
    if dry_run:
        render.line(tr("dry run, nothing written · {file}: {done}", file=result["file"], done=done))
    else:
        render.line(
            tr(
                "merge #{id} · {file}: {done}",
                id=result["import_id"],
                file=result["file"],
                done=done,
            )
        )
