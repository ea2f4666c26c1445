"""`cust import FILE` and `cust imports [undo ID]`."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from custcli import render
from custcli.errors import BadInput
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
        raise BadInput(f"--kind is one of {', '.join(importing.KIND_ORDER)}")
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
    if as_json:
        render.emit_json(result.to_json(file))
    else:
        _print_result(plan, result)
    if result.held_back:
        raise BadInput(
            f"{file.name} was taken for a roster by its headers and would change "
            f"{result.changed_cards} existing cards; nothing was written. If it is a "
            "roster, run again with --kind customers (or --yes)"
        )


def _print_result(plan: importing.Mapping, result: importing.ImportResult) -> None:
    if result.dry_run or result.held_back:
        head = "dry run: nothing written" if result.dry_run else "held back: nothing written"
    else:
        head = f"import #{result.import_id}"
    guessed = " (told by the headers)" if plan.guessed else ""
    render.line(
        f"{head} · {result.file} · sheet {plan.sheet} · header row {plan.header_row}"
        f" · {plan.kind}{guessed}"
    )
    if result.dry_run or result.held_back:
        render.table(plan.describe(), [("column", "column"), ("field", "field"), ("how", "how")])
    counts = result.summary()
    why = ", ".join(f"{reason} {n}" for reason, n in result.skipped.items())
    render.line(" · ".join(f"{k} {v}" for k, v in counts.items()) + (f" ({why})" if why else ""))
    from custcli.domain.fields import KINDS

    for key, n in result.kept.items():
        label = next(f.zh for f in KINDS[plan.kind] if f.key == key)
        render.line(f"  {label}: {n} values not understood, kept as 其他 other with their text")
    if result.unnamed:
        render.line(f"  {result.unnamed} new cards have no store name (店名); `cust edit` adds one")
    for sample in result.samples if result.dry_run or result.held_back else []:
        render.line(f"  {sample}")
    for row_no, column, reason in result.warnings[:5]:
        render.line(f"  row {row_no}, {column}: kept as written ({reason})")
    if len(result.warnings) > 5:
        render.line(f"  … and {len(result.warnings) - 5} more values kept as written")
    for row_no, _values, reason in result.rejects[:5]:
        render.line(f"  row {row_no}: {reason}")
    if len(result.rejects) > 5:
        render.line(f"  … and {len(result.rejects) - 5} more")
    if result.rejects_file:
        render.line(f"rejected rows and values kept as written are in {result.rejects_file}")


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
def imports(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
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
            f"{k} {v}" for k, v in row["counts"].items() if k != "skipped_why" and v
        )
    render.table(
        rows,
        [
            ("id", "#"),
            ("imported_at", "when"),
            ("file_name", "file"),
            ("kind", "kind"),
            ("result", "result"),
            ("undone_at", "undone"),
        ],
    )


@app.command()
def undo(
    ctx: typer.Context,
    import_id: Annotated[int, typer.Argument(help="The import's number (cust imports).")],
) -> None:
    """Reverse an import: remove what it added and restore the values it changed."""
    from custcli.domain import importing

    session: Session = ctx.obj
    counts = importing.undo(session.conn, import_id, session.today)
    done = ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "nothing to reverse"
    render.line(f"undid import #{import_id}: {done}")
