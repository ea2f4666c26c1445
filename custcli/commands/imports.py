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
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Import a spreadsheet of customers, orders, visits or brands.

    Finds the header row and the sheet itself, maps headers through the field registry,
    normalises values, skips blank, totals and repeated header rows, and writes rows it
    cannot take to FILE.rejects.xlsx. One transaction: all of it lands or none of it.
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
            dry_run=dry_run,
            strict=strict,
            progress=tick,
            today=session.today,
        )
    rejects_file = None
    if result.rejects and not dry_run:
        rejects_file = _write_rejects(file, plan, result)
    if as_json:
        render.emit_json(
            {
                "file": str(file),
                "kind": plan.kind,
                "sheet": plan.sheet,
                "header_row": plan.header_row,
                "dry_run": dry_run,
                "import_id": result.import_id,
                "mapping": plan.describe(),
                "counts": result.summary(),
                "skipped": dict(result.skipped),
                "rejects": [{"row": r, "reason": why} for r, _v, why in result.rejects],
                "rejects_file": str(rejects_file) if rejects_file else None,
                "samples": result.samples,
                "kept_as_other": dict(result.kept),
            }
        )
        return
    _print_result(plan, result, rejects_file)


def _print_result(
    plan: importing.Mapping, result: importing.ImportResult, rejects_file: Path | None
) -> None:
    head = "dry run: nothing written" if result.dry_run else f"import #{result.import_id}"
    render.line(
        f"{head} · {result.file} · sheet {plan.sheet} · header row {plan.header_row} · {plan.kind}"
    )
    if result.dry_run:
        render.table(plan.describe(), [("column", "column"), ("field", "field")])
    counts = result.summary()
    why = ", ".join(f"{reason} {n}" for reason, n in result.skipped.items())
    render.line(" · ".join(f"{k} {v}" for k, v in counts.items()) + (f" ({why})" if why else ""))
    from custcli.domain.fields import KINDS

    for key, n in result.kept.items():
        label = next(f.zh for f in KINDS[plan.kind] if f.key == key)
        render.line(f"  {label}: {n} values not understood, kept as 其他 other with their text")
    for sample in result.samples if result.dry_run else []:
        render.line(f"  {sample}")
    for row_no, _values, reason in result.rejects[:5]:
        render.line(f"  row {row_no}: {reason}")
    if len(result.rejects) > 5:
        render.line(f"  … and {len(result.rejects) - 5} more")
    if rejects_file:
        render.line(f"rejected rows are in {rejects_file}")


def _write_rejects(file: Path, plan: importing.Mapping, result: importing.ImportResult) -> Path:
    from custcli.io.writers import write_workbook

    target = file.with_name(f"{file.name}.rejects.xlsx")
    headers = ["行号 row", *[h or f"({i + 1})" for i, h in enumerate(plan.headers)], "原因 reason"]
    width = len(plan.headers)
    rows = (
        [row_no, *(values + [None] * width)[:width], reason]
        for row_no, values, reason in result.rejects
    )
    return write_workbook(target, [("rejects", headers, rows)])


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
