"""Build the spreadsheets the field really sends, in tmp_path, for the import tests."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import openpyxl

ROSTER_HEADERS = [
    "客户代码",
    "零售户名称",
    "负责人",
    "联系方式",
    "经营地址",
    "专卖许可证号",
    "所属片区",
    "档位",
    "拜访周期",
    "开业日期",
    "冰柜",
]
# As a company system exports them: mixed code, phone and date forms.
ROSTER_ROWS = [
    [
        "000100000001",
        "张三烟酒店",
        "张三",
        "138 0013 8000",
        "五华区人民中路12号",
        530102100001.0,
        "城东片区",
        "12档",
        "每周",
        dt.datetime(2015, 6, 18),
        "有",
    ],
    [
        530102100002.0,
        "李四便利店",
        "李四",
        "0871-12345678",
        "盘龙区北京路8号",
        "530102100002",
        "城西片区",
        "D5",
        "双周",
        42005,
        "无",
    ],
    [
        "000100000003",
        "王五超市",
        "王五",
        "１３９１２３４５６７８",
        "嵩明县嵩阳镇3号",
        "530102100003",
        "北郊片区",
        "九档",
        "一周一次",
        "2016年3月5日",
        None,
    ],
]
ROSTER_EXPECTED = {
    "000100000001": {
        "name": "张三烟酒店",
        "owner": "张三",
        "phone": "13800138000",
        "address": "五华区人民中路12号",
        "license_no": "530102100001",
        "district": "城东片区",
        "tier": 12,
        "visit_cycle_days": 7,
        "opened_on": "2015-06-18",
        "extra": {"冰柜": "有"},
    },
    "530102100002": {
        "name": "李四便利店",
        "owner": "李四",
        "phone": "0871-12345678",
        "address": "盘龙区北京路8号",
        "license_no": "530102100002",
        "district": "城西片区",
        "tier": 5,
        "visit_cycle_days": 14,
        "opened_on": "2015-01-01",
        "extra": {"冰柜": "无"},
    },
    "000100000003": {
        "name": "王五超市",
        "owner": "王五",
        "phone": "13912345678",
        "address": "嵩明县嵩阳镇3号",
        "license_no": "530102100003",
        "district": "北郊片区",
        "tier": 9,
        "visit_cycle_days": 7,
        "opened_on": "2016-03-05",
        "extra": {},
    },
}


def export_rows(headers: Sequence, rows: Sequence[Sequence], title: bool = True) -> list[list]:
    """Title, export date and a blank line above; a repeated header, a blank row and a 合计
    row in and under the data, as company systems write them."""
    top = [["零售客户信息一览表"], ["导出日期：2026年11月01日"], []] if title else []
    middle = [list(rows[0]), [], list(headers), *map(list, rows[1:])]
    return [*top, list(headers), *middle, ["合计", f"{len(rows)}户"]]


def write_xlsx(
    path: Path, rows: Sequence[Sequence], sheet: str = "Sheet1", extra_sheets: Sequence[str] = ()
) -> Path:
    book = openpyxl.Workbook()
    for name in extra_sheets:  # sheets before the data, such as 说明
        book.create_sheet(name).append(["填表说明：请勿修改表头"])
    ws = book.active
    ws.title = sheet
    book.move_sheet(ws, offset=len(extra_sheets))
    for row in rows:
        ws.append(list(row))
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
    book.save(path)
    return path


def write_xls(path: Path, rows: Sequence[Sequence]) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                ws.write(r, c, value, date_style)
            elif value is not None:
                ws.write(r, c, value)
    book.save(str(path))
    return path


def write_csv(
    path: Path, rows: Sequence[Sequence], encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    def text(value):
        if isinstance(value, dt.datetime):
            return f"{value:%Y/%m/%d}"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return "" if value is None else str(value)

    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows([[text(v) for v in r] for r in rows])
    return path


def spreadsheetml(sheet: str, rows: Sequence[Sequence]) -> str:
    """An Excel 2003 XML Spreadsheet as company systems write it; a None cell is skipped and
    the next one carries ss:Index, as Excel does."""
    from xml.sax.saxutils import escape

    def cell(value: object, index: int, skipped: bool) -> str:
        at = f' ss:Index="{index}"' if skipped else ""
        if isinstance(value, dt.datetime):
            kind, text = "DateTime", value.strftime("%Y-%m-%dT%H:%M:%S.000")
        elif isinstance(value, (int, float)):
            kind, text = "Number", repr(value)
        else:
            kind, text = "String", escape(str(value))
        return f'<Cell{at}><Data ss:Type="{kind}">{text}</Data></Cell>'

    lines = []
    for row in rows:
        cells, skipped = [], False
        for index, value in enumerate(row, 1):
            if value is None:
                skipped = True
                continue
            cells.append(cell(value, index, skipped))
            skipped = False
        lines.append(f"<Row>{''.join(cells)}</Row>")
    body = "\n".join(lines)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"'
        ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
        f'<Worksheet ss:Name="{escape(sheet)}"><Table>\n{body}\n</Table></Worksheet></Workbook>'
    )
