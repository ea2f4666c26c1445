"""Read any spreadsheet the field sends as rows of Python values, behind one small interface.

    book = open_workbook(path)      # raises UnreadableFile with one line for the user
    book.sheets                     # visible worksheets, in order
    for row in book.rows(sheet): …  # lists of str | float | int | date | datetime | None

The kind of file is told by its first bytes, not its name. Workbooks (xlsx, xlsm, xlsb, xls,
ods) are read by python-calamine (Rust; 9.5× faster than openpyxl's read-only mode here, and
it reads the old binary .xls too); CSV and TSV by the standard library, in UTF-8 (with or
without BOM), GB18030 (which covers GBK) or UTF-16 with its BOM (Excel's "Unicode text").
The ".xls" files company systems write as an HTML table or as SpreadsheetML 2003 are read
by custcli.io.markup.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from custcli.errors import BadInput
from custcli.text import readable

MAX_UNZIPPED_BYTES = 1 << 30  # 1 GiB: far beyond any real roster, far below a zip bomb
MAX_ZIP_RATIO = 200  # real xlsx parts compress 5-30×; bombs compress 1000× and more
MAX_ZIP_MEMBERS = 10_000
# calamine allocates every cell between a sheet's first and last before reading one; a
# sheet with cells at XFD1 and A1048576 made it ask for 549 GB and abort the process.
# calamine allocates every cell between a sheet's first and last before reading one (about
# 32 bytes each): a sheet with cells at XFD1 and A1048576 made it ask for 549 GB and abort,
# one at JLJ7000 took 1.6 GB. 12 million cells (~400 MB) holds a 1,000,000-line order file
# of 12 columns; a sheet whose extent needs more is refused before calamine opens it.
MAX_SHEET_CELLS = 12_000_000
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
# <row …> and <c …> tags, with whatever attributes in whatever order and quotes; a cell's
# reference is r="B12" or r='B12', and rows and cells may carry none at all.
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|dimension)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"""\br\s*=\s*["']\$?([A-Za-z]{0,8})\$?([0-9]{0,9})["']""")
_DIMENSION = re.compile(rb"""\bref\s*=\s*["']([^"']*)["']""")
_CELL = re.compile(rb"\$?([A-Za-z]{1,8})\$?([0-9]{1,9})")
# The shape nearly every exporter writes: unprefixed <row r="7" …> and <c r="B7" …>, every
# one with its reference. A chunk made only of those is measured by two C-level scans.
_PLAIN_ROW = re.compile(rb'<row r="([0-9]{1,9})"[\s/>]')
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})[0-9]{1,9}"[\s/>]')
_PLAIN_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,9})"[\s/>]')
_UNPREFIXED_ROW_OR_CELL = re.compile(rb"<(?:row|c)(?=[\s/>])")
# The sheet's declaration of its own extent, under any prefix: it counts as a cell does.
_ANY_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension(?=[\s/>])([^>]*)>")
# Every prefixed <x:row …> or <x:c …> holds this; so may a text, rarely (then the chunk is
# read tag by tag). Half the time of counting prefixed and unprefixed tags in one pattern.
_MAYBE_PREFIXED = re.compile(rb":(?:row|c)(?=[\s/>])")
TEXT_SAMPLE = 1 << 16


class UnreadableFile(BadInput):
    """The file cannot be read as a spreadsheet; the message says why and what to do."""


@dataclass
class Workbook:
    path: Path
    sheets: list[str]
    hidden_sheets: list[str] = field(default_factory=list)
    _book: object = None
    _csv_encoding: str | None = None
    _csv_dialect: type[csv.Dialect] | None = None
    _loaded: dict = field(default_factory=dict)
    _tables: dict[str, list[list]] | None = None  # sheets read whole (HTML, SpreadsheetML)
    _merges: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)

    def rows(self, sheet: str, fill_below: int | None = None) -> Iterator[list]:
        """The sheet's rows from row 1 (calamine yields leading empty rows): row numbers hold.
        With `fill_below` (a header row's number), a cell merged down over data rows below it
        (an order's date and shop over its lines) is given to every row it covers."""
        rows = self._rows(sheet)
        if fill_below is None:
            return rows
        merges = [m for m in self.merges(sheet) if m[0] >= fill_below and m[2] > m[0]]
        return _filled_down(rows, merges) if merges else rows

    def merges(self, sheet: str) -> list[tuple[int, int, int, int]]:
        """The sheet's merged ranges: (row, column, last row, last column), 0-based, columns
        as rows() gives them."""
        if self._tables is not None or self._book is None:
            return self._merges.get(sheet, [])
        try:
            if sheet not in self._loaded:
                self._loaded[sheet] = self._book.get_sheet_by_name(sheet)
            loaded = self._loaded[sheet]
            ranges = loaded.merged_cell_ranges or []
            first_column = loaded.start[1] if loaded.start else 0
        except Exception:  # a format calamine gives no merges for: none
            return []
        return [
            (r0, c0 - first_column, r1, c1 - first_column)
            for (r0, c0), (r1, c1) in ranges
            if c0 >= first_column
        ]

    def _rows(self, sheet: str) -> Iterator[list]:
        if self._tables is not None:
            yield from self._tables.get(sheet, [])
            return
        if self._book is None:
            yield from self._csv_rows()
            return
        row_no = 0
        try:
            if sheet not in self._loaded:  # finding the header and importing read it once
                self._loaded[sheet] = self._book.get_sheet_by_name(sheet)
            for row in self._loaded[sheet].iter_rows():
                row_no += 1  # where the reading stopped, should calamine stop
                yield [None if cell == "" else cell for cell in row]
        except Exception as error:  # calamine reports every broken part as its own error type
            raise _calamine_error(self.path, error, row_no + 1 if row_no else None) from None

    def release(self, sheet: str) -> None:
        """Let go of a sheet read whole (calamine keeps every cell until then)."""
        self._loaded.pop(sheet, None)

    def _csv_rows(self) -> Iterator[list]:
        try:
            with open(self.path, encoding=self._csv_encoding, newline="") as handle:
                for row in csv.reader(handle, self._csv_dialect):
                    yield [cell if cell.strip() else None for cell in row]
        except UnicodeDecodeError:
            raise UnreadableFile(
                "{path_name}: the text changes encoding part-way through; save it again as UTF-8",
                path_name=self.path.name,
            ) from None
        except csv.Error as error:
            raise UnreadableFile(
                "{path_name}: not a readable CSV ({error})", path_name=self.path.name, error=error
            ) from None


def _filled_down(rows: Iterator[list], merges: list[tuple[int, int, int, int]]) -> Iterator[list]:
    """Rows with each merged range's first value given to the empty cells of its first
    column in the rows it covers below (merges across a row stay as they are: one value)."""
    starting: dict[int, list[tuple[int, int]]] = {}
    for r0, c0, r1, _c1 in merges:
        starting.setdefault(r0, []).append((c0, r1))
    pending: dict[int, dict[int, object]] = {}  # row → column → the value merged over it
    for index, row in enumerate(rows):
        given = pending.pop(index, {})
        if given:
            row = list(row)
        for column, value in given.items():
            if column >= len(row):
                row = row + [None] * (column + 1 - len(row))
            if row[column] is None:
                row[column] = value
        for column, last in starting.get(index, ()):
            value = row[column] if column < len(row) else None
            if value is not None:
                for below in range(index + 1, last + 1):
                    pending.setdefault(below, {})[column] = value
        yield row


def digest_of(path: Path) -> str:
    """The file's SHA-256: what an import records of it, and how a re-read knows it is the
    same file."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_workbook(path: Path) -> Workbook:
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(TEXT_SAMPLE)
    except IsADirectoryError:
        raise UnreadableFile("{path} is a folder, not a spreadsheet", path=path) from None
    except FileNotFoundError:
        raise UnreadableFile("{path}: no such file", path=path) from None
    if not head:
        raise UnreadableFile("{path_name} is empty", path_name=path.name)
    if head.startswith(b"PK\x03\x04"):
        _check_zip(path)
        return _open_calamine(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .xls, or an encrypted xlsx inside one
        return _open_calamine(path)
    return _open_text(path, head)


class Limits(NamedTuple):
    """How large a workbook's package may be before it is refused unread (None: the limit
    a file to import is held to)."""

    unzipped: int | None = None
    xml: int | None = None  # the XML parts together: shared strings, sheets, styles
    cells: int | None = None  # a sheet's extent, rows × columns


# A template is a page or two the company laid out: openpyxl builds an object for each of
# its cells and its shared strings, so it is held to far less than a data file.
TEMPLATE_LIMITS = Limits(unzipped=100 << 20, xml=20 << 20, cells=1_000_000)


def check_package(path: Path, limits: Limits | None = None) -> None:
    """Refuse a zip that is not a workbook before anything reads it: zip bombs, XML that
    declares entities, more XML than `limits` allows, sheets whose extent is too large."""
    _check_zip(path, limits)


def _check_zip(path: Path, limits: Limits | None = None) -> None:
    """Refuse zip bombs and XML that declares entities, before any parser expands them."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    limits = limits or Limits()
    most_unzipped = limits.unzipped or MAX_UNZIPPED_BYTES
    most_xml = limits.xml or MAX_UNZIPPED_BYTES
    most_cells = limits.cells or MAX_SHEET_CELLS

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise UnreadableFile(
                    "{path_name} holds {count} parts; not a workbook",
                    path_name=path.name,
                    count=len(members),
                )
            total = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members) or 1
            xml = sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels")))
            if (
                total > most_unzipped
                or xml > most_xml
                or (total > 50 << 20 and total / packed > MAX_ZIP_RATIO)
            ):
                raise UnreadableFile(
                    "{path_name} would expand to {value} MB; refusing it as a possible zip bomb",
                    path_name=path.name,
                    value=max(total, xml) >> 20,
                )
            for member in members:
                if member.filename.endswith((".xml", ".rels")) and member.file_size:
                    with archive.open(member) as stream:
                        # A DTD can only stand before the root element: the first event tells.
                        next(SafeET.iterparse(stream, events=("start",), forbid_dtd=True))
                if member.filename.startswith("xl/worksheets/") and member.file_size:
                    _check_extent(path, archive, member, most_cells)
    except DefusedXmlException:
        raise UnreadableFile(
            "{path_name} declares XML entities (a possible entity bomb); refusing it",
            path_name=path.name,
        ) from None
    except (zipfile.BadZipFile, EOFError, SafeET.ParseError, StopIteration):
        raise UnreadableFile(
            "{path_name} is damaged or truncated (not a complete workbook); ask for the file again",
            path_name=path.name,
        ) from None


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


class _Extent:
    """The last row and column a worksheet's XML reaches, read tag by tag as it streams:
    a row or cell without a reference follows the one before it, as Excel reads it."""

    def __init__(self) -> None:
        self.row = self.column = self.last_row = self.last_column = 0

    def feed(self, data: bytes, end: int) -> None:
        if self._feed_plain(data[:end]):
            return
        for match in _TAG.finditer(data, 0, end):
            tag, attributes = match.group(1), match.group(2)
            if tag == b"dimension":
                self._declared(attributes)
                continue
            ref = _REF.search(attributes)
            if tag == b"row":
                number = ref.group(2) if ref else b""
                self.row = int(number) if number else self.row + 1
                self.column = 0
                self._reach(self.row, 0)
                continue
            if ref and ref.group(1):
                self.column = _column_number(ref.group(1))
            else:
                self.column += 1
            if ref and ref.group(2):
                self.row = int(ref.group(2))
            self._reach(max(self.row, 1), self.column)

    def _declared(self, attributes: bytes) -> None:
        """What the sheet declares about itself (a dimension's ref) counts too."""
        found = _DIMENSION.search(attributes)
        for cell in _CELL.finditer(found.group(1) if found else b""):
            self._reach(int(cell.group(2)), _column_number(cell.group(1)))

    def _feed_plain(self, view: bytes) -> bool:
        """Measure a chunk of the plain shape at C speed; False (nothing taken) for any
        other, which the tag-by-tag reading then follows exactly. The sheet's dimension,
        in the first chunk of nearly every sheet, is read on its own: the chunk holding it
        had been read tag by tag (a 20,000-line orders file's guard 0.31 s, now 0.24 s)."""
        if _MAYBE_PREFIXED.search(view):
            return False
        rows = _PLAIN_ROW.findall(view)
        columns = _PLAIN_CELL.findall(view)
        if len(rows) + len(columns) != len(_UNPREFIXED_ROW_OR_CELL.findall(view)):
            return False  # a tag without its reference, or quoted otherwise
        if b"dimension" in view:
            for declared in _ANY_DIMENSION.finditer(view):
                self._declared(declared.group(1))
        if rows:
            self.row = int(rows[-1])
            self._reach(max(map(int, rows)), 0)
        if columns:
            cell_rows = _PLAIN_CELL_ROW.findall(view)
            widest = max(set(columns), key=lambda column: (len(column), column))
            self._reach(max(map(int, set(cell_rows))), _column_number(widest))
            self.column, self.row = _column_number(columns[-1]), int(cell_rows[-1])
        return True

    def _reach(self, row: int, column: int) -> None:
        self.last_row = max(self.last_row, row)
        self.last_column = max(self.last_column, column)


def _check_extent(
    path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo, most: int | None = None
) -> None:
    """Refuse a worksheet whose extent would need more than MAX_SHEET_CELLS cells, before
    calamine allocates them: one streaming pass over its XML, never parsed whole."""
    extent = _Extent()
    with archive.open(member) as stream:
        tail = b""
        while chunk := stream.read(4 << 20):
            data = tail + chunk
            cut = data.rfind(b"<")  # a tag split between chunks is read whole next time
            extent.feed(data, cut)
            tail = data[cut:]
        extent.feed(tail, len(tail))
    rows, columns = extent.last_row, max(extent.last_column, 1)
    if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > (most or MAX_SHEET_CELLS):
        raise UnreadableFile(
            "{path_name} declares a sheet of {last_row:,} rows by {last_column:,} columns;"
            " refusing it (not a real roster)",
            path_name=path.name,
            last_row=rows,
            last_column=columns,
        )


_PLACE_RE = re.compile(r"\b(?:row\s*(\d+)|([A-Z]{1,3})(\d{1,7}))\b", re.IGNORECASE)


def _calamine_error(path: Path, error: Exception, row: int | None = None) -> UnreadableFile:
    """What calamine's error means, in one line that names where (a row, a cell) when it is
    known and never quotes what the cell holds (calamine's own text may)."""
    name, text = type(error).__name__, str(error)
    if name == "PasswordError":
        return UnreadableFile(
            "{file} is password-protected; open it, remove the password, save a copy",
            file=path.name,
        )
    if "Cell limit exceeded" in text:
        return UnreadableFile(
            "{file} declares more cells than any real sheet has; refusing it", file=path.name
        )
    if "Invalid OLE" in text:
        return UnreadableFile(
            "{file} is not a workbook cust can read (an Excel 4 or older file, or not Excel at"
            " all); open it in Excel or WPS and save as .xlsx",
            file=path.name,
        )
    place = _PLACE_RE.search(text)
    if place and place.group(1):
        row = int(place.group(1))
    elif place:
        return UnreadableFile(
            "{file} cannot be read as a workbook: cell {cell} is damaged or of an unknown kind;"
            " open it in Excel or WPS and save it again",
            file=path.name,
            cell=f"{place.group(2)}{place.group(3)}",
        )
    if row:
        return UnreadableFile(
            "{file} cannot be read as a workbook: row {row} is damaged or holds a cell of an"
            " unknown kind; open it in Excel or WPS and save it again",
            file=path.name,
            row=row,
        )
    return UnreadableFile(
        "{file} cannot be read as a workbook (a damaged part); open it in Excel or WPS and"
        " save it again",
        file=path.name,
    )


def _open_calamine(path: Path) -> Workbook:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        visible = python_calamine.SheetVisibleEnum.Visible
        worksheet = python_calamine.SheetTypeEnum.WorkSheet
        metadata = [m for m in book.sheets_metadata if m.typ == worksheet]
    except Exception as error:  # calamine's own error types; each becomes one line
        raise _calamine_error(path, error) from None
    return Workbook(
        path,
        sheets=[m.name for m in metadata if m.visible == visible],
        hidden_sheets=[m.name for m in metadata if m.visible != visible],
        _book=book,
    )


def _detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        return ""


MAX_MARKUP_BYTES = 200 << 20  # an HTML or XML "workbook" is read whole


def _open_text(path: Path, head: bytes) -> Workbook:
    encoding = _detect_encoding(head)
    if encoding != "utf-16" and b"\x00" in head[:4096]:
        encoding = ""
    if not encoding:
        raise UnreadableFile(
            "{path_name} is neither a workbook nor CSV text in UTF-8, GBK or UTF-16",
            path_name=path.name,
        )
    text = head.decode(encoding, errors="ignore")
    start = text.lstrip().lstrip("\ufeff")[:200].lower()
    if start.startswith(("<html", "<!doctype", "<table", "<?xml", "<meta", "<head", "<body")):
        return _open_markup(path, start)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xlsb", ".ods"):  # systems do save text as ".xls"
        raise UnreadableFile(
            "{path_name} is plain text (CSV), not an Excel workbook; rename it to .csv to import "
            "it",
            path_name=path.name,
        )
    sample = "\n".join(text.splitlines()[:50])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel_tab if suffix == ".tsv" else csv.excel
    return Workbook(
        path, sheets=[readable(path.stem)], _csv_encoding=encoding, _csv_dialect=dialect
    )


def _open_markup(path: Path, start: str) -> Workbook:
    """An HTML table or SpreadsheetML 2003 under a spreadsheet's name; other XML is refused."""
    from custcli.io import markup

    if path.stat().st_size > MAX_MARKUP_BYTES:
        raise UnreadableFile(
            "{path_name} is a web page of over 200 MB; save it as .xlsx", path_name=path.name
        )
    data = path.read_bytes()
    if start.startswith("<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096]:
        from defusedxml import DefusedXmlException

        try:
            laid_out = markup.spreadsheetml_sheets(data)
        except DefusedXmlException:
            raise UnreadableFile(
                "{path_name} declares XML entities (a possible entity bomb); refusing it",
                path_name=path.name,
            ) from None
        except Exception:  # ParseError, or a cell index past Excel's last
            raise UnreadableFile(
                "{path_name} is a damaged XML spreadsheet; open it in Excel or WPS and save as "
                ".xlsx",
                path_name=path.name,
            ) from None
    elif start.startswith("<?xml") and b"<html" not in data[:4096].lower():
        raise UnreadableFile(
            "{path_name} is XML but not a spreadsheet; open it in Excel or WPS and save as .xlsx",
            path_name=path.name,
        )
    else:
        found = markup.html_tables(_decode_html(data))
        laid_out = {
            f"table{i}" if i > 1 else readable(path.stem): table for i, table in enumerate(found, 1)
        }
    tables = {name: rows for name, (rows, _merges) in laid_out.items()}
    if not tables:
        raise UnreadableFile("{path_name} is a web page with no table in it", path_name=path.name)
    merges = {name: merged for name, (_rows, merged) in laid_out.items() if merged}
    return Workbook(path, sheets=list(tables), _tables=tables, _merges=merges)


def _decode_html(data: bytes) -> str:
    """A page's text: its BOM, else its declared charset, else UTF-8, else GB18030."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = re.search(rb"charset\s*=\s*[\"']?([\w-]+)", data[:4096], re.IGNORECASE)
    name = declared.group(1).decode().lower() if declared else ""
    if name in ("gbk", "gb2312", "gb18030", "x-gbk"):
        return data.decode("gb18030", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")
