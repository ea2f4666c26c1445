"""Write workbooks safely: to a private temporary file, renamed into place when complete.

xlsxwriter streams rows (constant_memory) and was 1.9× faster than openpyxl's write-only
mode here. Text is always written as a string cell, so a shop named "=HYPERLINK(…)" stays
text and nothing a spreadsheet could evaluate leaves cust.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from custcli.errors import BadInput

MAX_CELL_CHARS = 32_767


def writable_target(target: Path) -> Path:
    """A name a workbook may be written to: a new file or a regular one. A device (-o
    /dev/null), a symlink or a folder is refused, never replaced by a file of customer data."""
    target = Path(target)
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise BadInput(
            "{target} is not a regular file (a device, a link or a folder); give a file name",
            target=target,
        )
    return target


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A 0600 temporary path beside target, renamed onto it only if the block succeeds."""
    target = writable_target(target)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    os.chmod(temp, 0o600)
    _sweep_stale_parts(target, now=os.stat(temp).st_mtime)
    try:
        yield Path(temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    finally:
        shutil.rmtree(f"{temp}.tmp", ignore_errors=True)


def private_temp(part: Path) -> Path:
    """A 0700 folder for a writer's temporary files, named after its part (swept with it)."""
    folder = Path(f"{part}.tmp")
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


STALE_PART_SECONDS = 3600


def _sweep_stale_parts(target: Path, now: float) -> None:
    """Remove what a killed writer of this file left (an hour old: no live writer's).

    `now` is the mtime of the part just made: the file system's clock, which stamped the
    others too, so a skewed or shared drive compares like with like.
    """
    cutoff = now - STALE_PART_SECONDS
    for part in target.parent.glob(f".{target.name}.*.part*"):
        with contextlib.suppress(FileNotFoundError):
            if part.stat().st_mtime < cutoff:
                if part.is_dir():
                    shutil.rmtree(part, ignore_errors=True)
                else:
                    part.unlink()


def write_rows(book, sheet_name: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """One sheet: bold frozen header row, autofilter, widths that fit Chinese text."""
    sheet = book.add_worksheet(sheet_name[:31])
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    widths = [_width(h) for h in headers]
    sheet.write_row(0, 0, headers, bold)
    write_string, write_number = sheet.write_string, sheet.write_number
    count = 0
    for count, row in enumerate(rows, 1):
        for col, value in enumerate(row):
            kind = value.__class__
            # Text first, and by its exact class: most of a roster's two million cells are.
            if kind is str and 0 < len(value) <= MAX_CELL_CHARS:
                write_string(count, col, value)
            elif value is None or value == "":
                continue
            elif isinstance(value, dt.date):
                when = (
                    value
                    if isinstance(value, dt.datetime)
                    else dt.datetime.combine(value, dt.time())
                )
                sheet.write_datetime(count, col, when, date)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                if math.isfinite(value):
                    write_number(count, col, value)
                else:  # what a reader made of 1.8e308: a cell holds no infinity
                    write_string(count, col, str(value))
            else:
                text = str(value)
                if len(text) > MAX_CELL_CHARS:  # what a cell holds; Excel refuses more
                    text = text[: MAX_CELL_CHARS - 1] + "…"
                write_string(count, col, text)
        if count <= 1000:  # widths from the first rows are enough
            for col, value in enumerate(row[: len(widths)]):
                if value is not None and value != "":
                    widths[col] = max(widths[col], _width(value))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width + 2, 60))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(count, 1), max(len(headers) - 1, 0))
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(0)
    sheet.fit_to_pages(1, 0)
    return sheet


def _width(value: object) -> int:
    """Display width: a wide or full-width character (Chinese, ＡＢＣ) takes two columns."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """Text a spreadsheet would evaluate (=, +, -, @, tab, CR first) behind a quote; CSV only:
    workbook cells are typed strings already."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(target: Path, headers: Sequence[str], rows: Iterable[Sequence]) -> Path:
    """UTF-8 with a BOM, so that Excel on a Chinese Windows opens it as UTF-8."""
    import csv

    with atomic_path(target) as temp, open(temp, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([safe_text(h) for h in headers])  # a header can be a formula too
        for row in rows:
            writer.writerow(
                [
                    "" if v is None else v.isoformat() if isinstance(v, dt.date) else safe_text(v)
                    for v in row
                ]
            )
    return Path(target)


def write_workbook(
    target: Path,
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]],
    charts: Sequence[dict] = (),
) -> Path:
    """Write [(sheet name, headers, rows), …] to target atomically.

    A chart is {"sheet", "type" (column, pie…), "title", "first_row", "rows", "at"}: it plots
    column B against column A of that sheet over `rows` rows from 0-based row `first_row`.
    """
    import xlsxwriter

    with atomic_path(target) as temp:
        book = xlsxwriter.Workbook(
            str(temp),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                # its rows-in-waiting (customers' names, phones) go beside the target, in a
                # private folder swept with the part, never to the shared system temp
                "tmpdir": str(private_temp(temp)),
            },
        )
        written = {name: write_rows(book, name, headers, rows) for name, headers, rows in sheets}
        for spec in charts:
            if not spec["rows"]:
                continue
            chart = book.add_chart({"type": spec["type"]})
            first, last = spec["first_row"], spec["first_row"] + spec["rows"] - 1
            chart.add_series(
                {
                    "name": spec["title"],
                    "categories": [spec["sheet"], first, 0, last, 0],
                    "values": [spec["sheet"], first, 1, last, 1],
                }
            )
            chart.set_title({"name": spec["title"]})
            written[spec["sheet"]].insert_chart(spec["at"], chart)
        book.close()
    return Path(target)
