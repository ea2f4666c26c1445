"""An import run: one transaction, a dry run as the same import rolled back, the result.

It all lands or none of it does (Ctrl-C and kill -9 included). A dry run is the same import
rolled back, so its counts are exactly what a real run would do. The run writes the rejects
file and gives the result its JSON; the command only prints.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from custcli import cycles
from custcli.db import imports as q
from custcli.db.backups import backed_up_meanwhile
from custcli.db.engine import import_running, pause_for_tests, write_transaction
from custcli.domain import pyramid
from custcli.domain.importing.mapping import Mapping
from custcli.domain.importing.result import ImportResult
from custcli.domain.importing.rows import CellTooLarge, RowRejected, read_rows
from custcli.domain.importing.targets import Parsed, target_of
from custcli.errors import BadInput, words
from custcli.io.readers import digest_of

_TITLE_DATE = re.compile(r"(20\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def true_at(book, mapping: Mapping) -> str | None:
    """When the file's values were true: a date its title rows give (…（截至2026-11-30）),
    as that day's end; else the time the file was written. None when neither is known."""
    if mapping.header_row and mapping.header_row > 1:
        above = itertools.islice(book.rows(mapping.sheet), mapping.header_row - 1)
        title = " ".join(str(c) for row in above for c in row if c not in (None, ""))
        found = _TITLE_DATE.search(title)
        if found:
            with contextlib.suppress(ValueError):
                day = dt.date(*(int(g) for g in found.groups()))
                return f"{day.isoformat()}T23:59:59"
    try:
        written = book.path.stat().st_mtime
    except OSError:
        return None
    return dt.datetime.fromtimestamp(written).isoformat(timespec="seconds")


class _RollBack(Exception):
    """Raised inside the transaction to undo a dry run, a --strict import with rejects, or
    a guessed kind that would change cards."""


@cycles.paused()  # called from the library as well as from `cust import`
def run(
    conn: sqlite3.Connection,
    book,
    mapping: Mapping,
    *,
    today: dt.date,
    dry_run: bool = False,
    strict: bool = False,
    confirmed: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import the mapped sheet in one transaction; a dry run or a strict failure rolls back.

    Where the kind was guessed (no --kind) and the file would change existing cards, nothing
    is written unless `confirmed` (--yes): the result says so (held_back), with its counts.
    `today` dates the pyramid tiers an orders import refreshes and bounds visit dates.
    """
    result = ImportResult(file=book.path.name, mapping=mapping, dry_run=dry_run)
    result.true_at = true_at(book, mapping)
    digest = None
    target = target_of(mapping.kind)(conn, result, today)
    # The file is read and parsed while the database is copied: the copy is of the file
    # before the import, and complete and checked before the import's first write.
    with contextlib.nullcontext() if dry_run else backed_up_meanwhile(conn, "before-import"):
        target.prepare(_parsed_rows(book, mapping, result, progress))
        book.release(mapping.sheet)
    try:
        with import_running(conn, book.path.name), write_transaction(conn):
            if target.stale():  # shops changed while the file was read: match again
                result.start_over()
                target = target_of(mapping.kind)(conn, result, today)
                target.prepare(_parsed_rows(book, mapping, result, None))
            digest = digest_of(book.path)
            import_id = q.create(conn, book.path.name, digest, mapping.kind.name, mapping.sheet)
            result.import_id = import_id
            target.write(import_id)
            result.rejects.sort(key=lambda reject: reject[0])
            result.warnings.sort(key=lambda warning: warning[0])
            pause_for_tests()
            _refuse_hopeless(result)
            if strict and result.rejects:
                row_no, _values, reason = result.rejects[0]
                raise BadInput(
                    "--strict: {count} rows rejected (first: row {row_no}, {reason});"
                    " nothing was imported",
                    count=len(result.rejects),
                    row_no=row_no,
                    reason=reason,
                )
            if mapping.guessed and result.changed_cards:
                result.held_back = not confirmed and not dry_run
            if dry_run or result.held_back:
                raise _RollBack
            q.finish(conn, import_id, {**result.summary(), "skipped_why": dict(result.skipped)})
    except _RollBack:
        result.import_id = None
    target.release()
    if result.import_id is not None and mapping.kind.rolled_up:
        _tiers_after(conn, today)
    if result.import_id is not None and (result.rejects or result.warnings):
        # The import has landed: nothing from here on may say otherwise, Ctrl-C included.
        try:
            read_back(book, result, digest)
            result.rejects_file = write_rejects(book.path, result)
        except (BadInput, OSError) as error:
            result.rejects_file_error = words(error) if isinstance(error, BadInput) else str(error)
        except KeyboardInterrupt:
            result.rejects_file_error = "interrupted"
    return result


def _tiers_after(conn: sqlite3.Connection, today: dt.date) -> None:
    """The tiers kept for `cust show`, ranked again once the import's lines have landed: in
    a transaction of their own, after the import's lock (3 s at city scale that no other
    writer waits for). They are kept only to save time: where this fails, or is
    interrupted, they stay as they were until the next import or `cust pyramid` ranks them,
    and the import, landed, is not said to have failed."""
    with contextlib.suppress(Exception, KeyboardInterrupt):
        pyramid.refresh(conn, today)


def _parsed_rows(
    book, mapping: Mapping, result: ImportResult, progress: Callable[[int], None] | None
) -> Iterator[Parsed]:
    """The sheet's data rows, parsed: rows that are not data are counted as skipped, rows
    that cannot be read are rejected with every reason."""
    numbered = enumerate(book.rows(mapping.sheet, fill_below=mapping.header_row), 1)
    under_header = itertools.islice(numbered, mapping.header_row, None)
    for row_no, row, said in read_rows(under_header, mapping):
        if progress and row_no % 1000 == 0:
            progress(row_no)
        if isinstance(said, str):
            result.skipped[said] += 1
        elif isinstance(said, RowRejected):
            result.reject(row_no, row, said)
        elif isinstance(said, CellTooLarge):
            raise CellTooLarge(
                "{path_name}, row {row_no}: {error}",
                path_name=book.path.name,
                row_no=row_no,
                error=said,
            ) from None
        else:
            yield row_no, row, said


def _refuse_hopeless(result: ImportResult) -> None:
    """A file none of whose rows could be taken imports nothing: that is a failure (exit 2),
    not an import of nothing that says it succeeded."""
    if result.rejects and not sum(result.counts.values()):
        row_no, _values, reason = result.rejects[0]
        raise BadInput(
            "none of the {count} rows of {file} could be taken (first: row {row_no}, {reason});"
            ' check the columns with --dry-run, or name them with --map "表头=key"',
            count=len(result.rejects),
            file=result.file,
            row_no=row_no,
            reason=reason,
        )


def read_back(book, result: ImportResult, digest: str | None) -> None:
    """The rows as written of the rejects that lack them, read from the file again: one more
    pass over the sheet, only when a row was refused under the lock. A file changed since
    it was imported (its digest differs) is not read: those rejects keep no values."""
    wanted = {row_no for row_no, values, _why in result.rejects if values is None}
    found: dict[int, list] = {}
    if wanted and digest == digest_of(book.path):
        sheet, header_row = result.mapping.sheet, result.mapping.header_row
        for row_no, row in enumerate(book.rows(sheet, fill_below=header_row), 1):
            if row_no in wanted:
                found[row_no] = list(row)
                if len(found) == len(wanted):
                    break
        book.release(result.mapping.sheet)
    result.rejects = [
        (row_no, found.get(row_no, []) if values is None else values, why)
        for row_no, values, why in result.rejects
    ]


def write_rejects(file: Path, result: ImportResult) -> Path:
    """FILE.rejects.xlsx beside the file: the rows refused (row number, the row as it was,
    the reason), and the values kept as written (row, column, reason)."""
    from custcli.io.book import write_workbook

    target = file.with_name(f"{file.name}.rejects.xlsx")
    headers = result.mapping.headers
    width = len(headers)
    sheets = [
        (
            "rejects",
            ["行号 row", *[h or f"({i + 1})" for i, h in enumerate(headers)], "原因 reason"],
            (
                [row_no, *(values + [None] * width)[:width], words(reason)]
                for row_no, values, reason in result.rejects
            ),
        )
    ]
    if result.warnings:
        sheets.append(
            (
                "kept as written",
                ["行号 row", "列 column", "原因 reason"],
                ([row_no, column, words(why)] for row_no, column, why in result.warnings),
            )
        )
    return write_workbook(target, sheets)
