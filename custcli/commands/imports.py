"""`cust import FILE` and `cust imports [undo ID]`."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from custcli import render
from custcli.commands.options import JsonOption
from custcli.errors import BadInput
from custcli.i18n import tr
from custcli.session import Session

app = typer.Typer(
    add_completion=False, help="Imports done so far; undo one.", invoke_without_command=True
)


def import_file(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="xlsx, xlsm, xls, xlsb, ods, csv or tsv.")],
    kind: Annotated[
        str | None,
        typer.Option(
            help="customers, orders, visits, brands, complaints or supply (default: told by"
            " the headers and the values)."
        ),
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
    forget: Annotated[
        int | None,
        typer.Option("--forget", help="With `cust import mappings`: forget layout ID."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Import a spreadsheet of customers, orders, visits, brands, complaints or supply.

    Finds the header row and the sheet itself, reads what each column means by its header
    and its values (--dry-run shows each decision and its evidence), normalises values and
    units, skips blank, totals and repeated header rows. Where the kind or a column is a
    guess, a terminal shows the proposal to accept with Enter or change by line number; off
    a terminal it stops and says the --kind/--map to add (or --yes). A layout given with
    --map or confirmed is remembered for its next file (`cust import mappings` lists them).
    A value it cannot read is kept as written, with a warning; a row it cannot take goes,
    with every reason, to FILE.rejects.xlsx. One transaction: all of it lands or none of it.
    A supply sheet (货源投放表) is imported as `cust supply import` imports it.
    """
    from custcli import kinds
    from custcli.domain import importing, supply
    from custcli.domain.importing import layouts
    from custcli.present import imports as shown

    session: Session = ctx.obj
    if file == Path("mappings") and not file.exists():
        _mappings(session, forget, as_json)
        return
    book = importing.open_file(file)
    overrides = importing.parse_overrides(mapping or [])
    chosen = importing.kind_named(kind)
    if chosen is kinds.SUPPLY or (chosen is None and not overrides and supply.looks_like(book)):
        from custcli.present import supply as supply_shown

        found = supply.load(session.conn, file, session.today, None, dry_run, book)
        supply_shown.loaded(found, as_json)
        return
    plan = importing.plan(book, chosen, sheet, overrides)
    if not overrides:
        recalled = layouts.recall(session.conn, book, plan)
        if recalled is not None and chosen in (None, recalled.kind):
            plan = recalled
    confirmed = bool(overrides)
    if not dry_run and not yes and plan.remembered is None and importing.doubtful(plan):
        if sys.stdin.isatty() and sys.stdout.isatty() and not as_json:
            plan = _confirm(book, plan)
            confirmed = True
        else:
            raise importing.doubts(file.name, plan)
    with _progress(file.name) as tick:
        result = importing.run(
            session.conn,
            book,
            plan,
            today=session.today,
            dry_run=dry_run,
            strict=strict,
            confirmed=yes or confirmed,
            progress=tick,
        )
    if result.import_id is not None:
        if confirmed:
            layouts.remember(session.conn, plan, session.today)
        layouts.used(session.conn, plan)
    with _landed(result.import_id):
        if as_json:
            render.emit_json(result.to_json(file))
        else:
            shown.result(plan, result)
    if result.held_back:
        raise BadInput(
            "{file_name} was taken for a roster by its headers and would change {changed_cards} "
            "existing cards; nothing was written. If it is a roster, run again with --kind "
            "customers (or --yes)",
            file_name=file.name,
            changed_cards=result.changed_cards,
        )


def _confirm(book, plan):
    """The proposed mapping at a terminal: Enter takes it, a line's number changes that
    column's field (0 the kind); Ctrl-C leaves with nothing written."""
    from custcli.domain import importing
    from custcli.domain.importing import layouts
    from custcli.i18n import _
    from custcli.present import imports as shown

    while True:
        shown.proposal(plan)
        answer = typer.prompt(
            _("Enter takes this mapping; a line's number changes it"),
            default="",
            show_default=False,
        ).strip()
        if not answer:
            return plan
        if not answer.isdigit() or int(answer) > len(plan.headers):
            render.error(tr("{answer} is not a line number", answer=answer))
            continue
        line = int(answer)
        if line == 0:
            word = typer.prompt(_("kind (customers, orders, visits, brands or complaints)"))
            plan = importing.plan(book, importing.kind_named(word, supply=False), plan.sheet)
            continue
        header = plan.headers[line - 1]
        key = typer.prompt(tr("field for {column} (a key, extra or ignore)", column=header))
        overrides = layouts.overrides_of(plan)
        overrides[importing.normalize_header(header)] = key.strip()
        try:
            plan = importing.plan(book, plan.kind, plan.sheet, overrides)
        except BadInput as error:
            from custcli.errors import words

            render.error(words(error))


def _mappings(session: Session, forget: int | None, as_json: bool) -> None:
    """`cust import mappings [--forget ID]`: the layouts remembered, or one forgotten."""
    from custcli.domain.importing import layouts
    from custcli.errors import NotFound
    from custcli.present import imports as shown

    if forget is not None:
        if not layouts.forget(session.conn, forget):
            raise NotFound("no remembered layout #{id}", id=forget)
        render.line(tr("forgot layout #{id}", id=forget))
        return
    shown.layouts(layouts.listing(session.conn), as_json)


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
    from custcli.present import imports as shown

    session: Session = ctx.obj
    shown.listing(importing.listing(session.conn), as_json)


@app.command()
def undo(
    ctx: typer.Context,
    import_id: Annotated[
        int, typer.Argument(min=1, max=2**62, help="The import's number (cust imports).")
    ],
) -> None:
    """Reverse an import: remove what it added and restore the values it changed."""
    from custcli.domain import importing
    from custcli.present import imports as shown

    session: Session = ctx.obj
    shown.undone(import_id, importing.undo(session.conn, import_id, session.today))


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
    from custcli.present import imports as shown

    session: Session = ctx.obj
    result = merge_file(session.conn, file, session.today, dry_run=dry_run)
    with _landed(result["import_id"]):
        shown.merged(result, as_json, dry_run)
