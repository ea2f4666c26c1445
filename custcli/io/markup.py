"""Spreadsheets that are really markup: what Chinese company systems save as ".xls".

- an HTML page holding a <table> (UTF-8 or GBK), read with the standard library's
  html.parser: each table with rows is a sheet, colspan cells repeat none of their text;
- SpreadsheetML 2003 (Excel's "XML Spreadsheet"), read with defusedxml: DTDs and entities
  are refused before anything expands.

Both give rows of str | float | datetime | None, as the other readers do.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384  # what Excel itself allows


class _Table:
    """One table being laid out: its rows, the columns a rowspan holds in the rows below,
    and its merged ranges (row, column, last row, column), 0-based."""

    def __init__(self) -> None:
        self.rows: list[list] = []
        self.held: dict[int, int] = {}  # column → rows below still covered by a rowspan
        self.merges: list[tuple[int, int, int, int]] = []

    def new_row(self) -> None:
        self.end_row()
        self.rows.append([])

    def place(self) -> int:
        """The column the next cell of the current row takes: past those held from above."""
        row = self.rows[-1]
        while self.held.get(len(row), 0) > 0:
            row.append(None)
        return len(row)

    def end_row(self) -> None:
        """The row ends: columns still held from above are filled to its end, and each
        hold reaches one row further down."""
        if not self.rows:
            return
        row = self.rows[-1]
        last_held = max((c for c, n in self.held.items() if n > 0), default=-1)
        row += [None] * (last_held + 1 - len(row))
        self.held = {c: n - 1 for c, n in self.held.items() if n > 1}


def _span(attrs: dict, name: str) -> int:
    span = attrs.get(name) or "1"
    return int(span) if span.isdigit() and 0 < int(span) < 1000 else 1


class _Tables(HTMLParser):
    """Collects the rows of every <table>; a table inside a cell stays a table of its own.
    A colspan cell repeats none of its text; a rowspan cell holds its column in the rows
    below (they start past it) and is given as a merged range."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[list[list], list]] = []
        self._stack: list[_Table] = []
        self._cell: list[str] | None = None
        self._at = 0
        self._spans = (1, 1)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self._stack.append(_Table())
        elif tag == "tr" and self._stack:
            self._stack[-1].new_row()
        elif tag in ("td", "th") and self._stack and self._stack[-1].rows:
            self._cell = []
            self._at = self._stack[-1].place()
            named = dict(attrs)
            self._spans = (_span(named, "colspan"), _span(named, "rowspan"))
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._stack and self._stack[-1].rows:
            table = self._stack[-1]
            text = "".join(self._cell).strip()
            across, down = self._spans
            table.rows[-1] += [text or None] + [None] * (across - 1)
            if down > 1:
                row = len(table.rows) - 1
                table.merges.append((row, self._at, row + down - 1, self._at))
                for column in range(self._at, self._at + across):
                    table.held[column] = down  # this row, and down - 1 below
            self._cell = None
        elif tag == "table" and self._stack:
            table = self._stack.pop()
            table.end_row()
            if table.rows:
                self.tables.append((table.rows, table.merges))

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data.replace("\xa0", " "))


def html_tables(text: str) -> list[tuple[list[list], list[tuple[int, int, int, int]]]]:
    """The tables of an HTML page, each its rows and its merged ranges (rowspans), in the
    order they close."""
    parser = _Tables()
    parser.feed(text)
    parser.close()
    return [
        (rows, merges)
        for rows, merges in parser.tables
        if any(any(c is not None for c in row) for row in rows)
    ]


def _ss_value(data) -> object:
    if data is None:
        return None
    text = "".join(data.itertext())
    kind = data.get(f"{SS}Type", "String")
    if kind == "Number":
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "DateTime":
        try:
            return dt.datetime.fromisoformat(text.rstrip("Z")[:19])
        except ValueError:
            return text
    return text if text.strip() else None


def spreadsheetml_sheets(
    data: bytes,
) -> dict[str, tuple[list[list], list[tuple[int, int, int, int]]]]:
    """Sheet name → its rows and merged ranges, of an XML Spreadsheet 2003 file. ss:Index
    skips columns and rows; ss:MergeAcross leaves the merged cells empty; ss:MergeDown holds
    the column in the rows below (a cell there without ss:Index starts past it) and is given
    as a merged range (row, column, last row, column), 0-based."""
    import defusedxml.ElementTree as SafeET

    root = SafeET.fromstring(data, forbid_dtd=True)
    sheets: dict[str, tuple[list[list], list]] = {}
    for number, sheet in enumerate(root.iter(f"{SS}Worksheet"), 1):
        rows: list[list] = []
        merges: list[tuple[int, int, int, int]] = []
        held: dict[int, int] = {}  # column → the last row a MergeDown covers
        table = sheet.find(f"{SS}Table")
        for row in table.iter(f"{SS}Row") if table is not None else ():
            index = row.get(f"{SS}Index")
            if index and index.isdigit():
                if int(index) > MAX_ROWS:
                    raise ValueError("a row beyond Excel's last")
                rows += [[] for _ in range(int(index) - 1 - len(rows))]
            row_no = len(rows)
            cells: list = []
            for cell in row.iter(f"{SS}Cell"):
                at = cell.get(f"{SS}Index")
                if at and at.isdigit():
                    if int(at) > MAX_COLUMNS:
                        raise ValueError("a column beyond Excel's last")
                    cells += [None] * (int(at) - 1 - len(cells))
                else:
                    while held.get(len(cells), -1) >= row_no:
                        cells.append(None)
                column = len(cells)
                cells.append(_ss_value(cell.find(f"{SS}Data")))
                across = cell.get(f"{SS}MergeAcross")
                if across and across.isdigit() and len(cells) + int(across) <= MAX_COLUMNS:
                    cells += [None] * int(across)
                down = cell.get(f"{SS}MergeDown")
                if down and down.isdigit() and int(down) > 0 and row_no + int(down) < MAX_ROWS:
                    merges.append((row_no, column, row_no + int(down), column))
                    for spanned in range(column, len(cells)):
                        held[spanned] = row_no + int(down)
            rows.append(cells)
        sheets[sheet.get(f"{SS}Name") or f"Sheet{number}"] = (rows, merges)
    return sheets
