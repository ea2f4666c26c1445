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


class _Tables(HTMLParser):
    """Collects the rows of every <table>; a table inside a cell stays a table of its own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list]] = []
        self._stack: list[list[list]] = []
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._stack[-1].append([])
        elif tag in ("td", "th") and self._stack and self._stack[-1]:
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() and 0 < int(span) < 1000 else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._stack and self._stack[-1]:
            text = "".join(self._cell).strip()
            self._stack[-1][-1] += [text or None] + [None] * (self._span - 1)
            self._cell = None
        elif tag == "table" and self._stack:
            table = self._stack.pop()
            if table:
                self.tables.append(table)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data.replace("\xa0", " "))


def html_tables(text: str) -> list[list[list]]:
    """The tables of an HTML page, each a list of rows, in the order they close."""
    parser = _Tables()
    parser.feed(text)
    parser.close()
    return [t for t in parser.tables if any(any(c is not None for c in row) for row in t)]


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


def spreadsheetml_sheets(data: bytes) -> dict[str, list[list]]:
    """Sheet name → rows of an XML Spreadsheet 2003 file. ss:Index skips columns and rows;
    ss:MergeAcross leaves the merged cells empty."""
    import defusedxml.ElementTree as SafeET

    root = SafeET.fromstring(data, forbid_dtd=True)
    sheets: dict[str, list[list]] = {}
    for number, sheet in enumerate(root.iter(f"{SS}Worksheet"), 1):
        rows: list[list] = []
        table = sheet.find(f"{SS}Table")
        for row in table.iter(f"{SS}Row") if table is not None else ():
            index = row.get(f"{SS}Index")
            if index and index.isdigit():
                if int(index) > MAX_ROWS:
                    raise ValueError("a row beyond Excel's last")
                rows += [[] for _ in range(int(index) - 1 - len(rows))]
            cells: list = []
            for cell in row.iter(f"{SS}Cell"):
                at = cell.get(f"{SS}Index")
                if at and at.isdigit():
                    if int(at) > MAX_COLUMNS:
                        raise ValueError("a column beyond Excel's last")
                    cells += [None] * (int(at) - 1 - len(cells))
                cells.append(_ss_value(cell.find(f"{SS}Data")))
                across = cell.get(f"{SS}MergeAcross")
                if across and across.isdigit() and len(cells) + int(across) <= MAX_COLUMNS:
                    cells += [None] * int(across)
            rows.append(cells)
        sheets[sheet.get(f"{SS}Name") or f"Sheet{number}"] = rows
    return sheets
