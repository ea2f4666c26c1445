"""Write files safely: to a private temporary file, renamed into place when complete.

rvgsrust-xlsxwriter (a binding of rust_xlsxwriter) streams rows (constant memory) a row at
a call: 100,000 roster rows of 21 columns in 1.7 s, where xlsxwriter's write_row took 11.3 s
(README: "Dependencies, and why"). Text is always written as a string cell, so a shop named
"=HYPERLINK(…)" stays text and nothing a spreadsheet could evaluate leaves cust.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import math
import os
import re
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
        with _native_stderr_held():
            yield Path(temp)
        os.replace(temp, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        failed = _as_os_error(error, target)
        if failed is not None:
            raise failed from None
        raise
    finally:
        shutil.rmtree(f"{temp}.tmp", ignore_errors=True)


@contextlib.contextmanager
def _native_stderr_held() -> Iterator[None]:
    """What native code writes to the process's stderr while a file is written, held back
    and passed on only if the writing succeeds: the Rust writer, failing to write (a full
    disk), prints its panic and a backtrace note there before Python sees the failure, which
    is then said in one line."""
    import sys

    with contextlib.ExitStack() as stack:
        try:
            sys.stderr.flush()
            held = stack.enter_context(tempfile.TemporaryFile())
        except (OSError, ValueError):  # no room even for that: nothing held back
            held = None
        if held is None:
            yield
            return
        saved = os.dup(2)
        os.dup2(held.fileno(), 2)
        failed = False
        try:
            yield
        except BaseException:
            failed = True
            raise
        finally:
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            if not failed:
                held.seek(0)
                kept = held.read()
                if kept:
                    os.write(2, kept)


def _as_os_error(error: BaseException, target: Path) -> OSError | None:
    """A writer's failure to write as an OSError naming the target: the system's own
    (written without a file name by the csv module), or the Rust writer's, which panics
    ("Couldn't write to xml file: Os { code: 28, … }") rather than raising."""
    if isinstance(error, OSError):
        if error.filename:
            return None
        number = error.errno or errno.EIO
        return OSError(number, os.strerror(number), str(target))
    if type(error).__name__ != "PanicException":
        return None
    said = re.search(r"(?:os error|code:)\s*(\d+)", str(error))
    number = int(said[1]) if said else errno.EIO
    return OSError(number, os.strerror(number), str(target))


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


def cells(values: Iterable) -> list:
    """A row's values as cells hold them (`cell`), for the writer to type a row at a call;
    text of a cell's length, most of a roster's two million cells, passes as it is."""
    return [
        value if value.__class__ is str and 0 < len(value) <= MAX_CELL_CHARS else cell(value)
        for value in values
    ]


def cell(value: object) -> object:
    """A value as a cell holds it: None for nothing, dates and finite numbers as they are,
    text cut to what a cell holds (Excel refuses more), anything else as its text."""
    kind = value.__class__
    if value is None or value == "":
        return None
    if kind is int or kind is float:
        return value if math.isfinite(value) else str(value)  # a reader's 1.8e308: no infinity
    if isinstance(value, dt.date):
        return value
    text = value if kind is str else str(value)  # True stays the word it was, not a 1
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def close_book(book, target: Path) -> None:
    """Write the book out. The writer says a failure (a full disk) as one OSError naming no
    file, "failed to write '…': No space left on device (os error 28)": it is said again as
    the target's, with the system's words for its error number."""
    try:
        book.close()
    except OSError as error:
        if error.filename:
            raise
        said = re.search(r"os error (\d+)", str(error))
        number = error.errno or (int(said[1]) if said else errno.EIO)
        raise OSError(number, os.strerror(number), str(target)) from None


def open_book(temp: Path):
    """A workbook to be written to `temp`: its streamed rows wait beside the target, in a
    private folder swept with the part, never in the shared system temp."""
    import rvgsrust_xlsxwriter

    book = rvgsrust_xlsxwriter.Workbook(str(temp))
    book.set_tempdir(str(private_temp(temp)))
    return book


def display_width(value: object) -> int:
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
