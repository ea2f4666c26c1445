"""The import reads a sheet a block of rows at a time, column by column (read_rows: Skips,
RowParser.parse_block); these tests hold it to the row-at-a-time readers it stands for
(skip_reason, RowParser.parse), on generated messy sheets and on the corpus's own."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers.corpus import CORPUS, corpus_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custcli import kinds
from custcli.domain.importing.mapping import map_headers, plan
from custcli.domain.importing.rows import (
    HOSTILE_CELL_CHARS,
    MAX_CELL_CHARS,
    CellTooLarge,
    RowParser,
    RowRejected,
    read_rows,
    skip_reason,
)
from custcli.errors import BadInput
from custcli.io.readers import open_workbook

ORDERS = ["订货日期", "客户编码", "卷烟名称", "订货量(条)", "订货量(件)", "金额(元)", "备注"]
ROSTER = [
    "客户编码",
    "店名",
    "负责人",
    "联系电话",
    "许可证号",
    "档位",
    "生日",
    "开业日期",
    "自定义",
]

TOO_LONG = "长" * (MAX_CELL_CHARS + 1)
HOSTILE = "x" * (HOSTILE_CELL_CHARS + 1)
_CELLS = [
    None, "", "  ", "\u3000", "0001", "053010000001", " 053010000001 ", 100000001, 1, 1.0, True,
    0, -3, 2.5, 10, 45000.0, "45000", "2026-01-02", "2026年1月2日", "1/2/2026", "昨天",
    dt.datetime(2026, 1, 2), dt.datetime(2026, 1, 2, 9, 30), dt.date(2026, 2, 28),
    "中华(软)", "云烟（紫）", "2件", "3箱", "1.5条", "-1", "abc", "13800138000",
    "138 0013 8000", "138****8000", "0871-****5678", "530102100001", "12档", "30档",
    "农历三月初八", "3月8日", "张三", "甲店", "合计", " 总计 ", "Total", "小计：", "x",
    TOO_LONG,
]  # fmt: skip


# What each column plausibly holds: most generated rows are read plainly, a column at a
# time; the messy cells above send theirs to the row-at-a-time reading.
_PLAUSIBLE = {
    "订货日期": [dt.datetime(2026, 1, 2), dt.date(2026, 3, 1), "2026-01-02", "2026年1月2日",
             45000.0],
    "客户编码": ["0001", "053010000001", 100000001, " 053010000001 ", "0002"],
    "卷烟名称": ["中华(软)", "云烟（紫）", "玉溪"],
    "订货量(条)": [10, 2.5, "2件", "3箱", "1.5条", 0, 1],
    "订货量(件)": [0.04, 0.2, 1, 0.05],
    "金额(元)": [500, 12.5, 0, 1200.0],
    "备注": ["x", "张三", None, "138****8000"],
    "店名": ["甲店", "张三烟酒店", "138****8000", "乙店"],
    "负责人": ["张三", "李四", "0871-****5678"],
    "联系电话": ["13800138000", "138 0013 8000", "138****8000", 13800138000],
    "许可证号": ["530102100001", 530102100001, "530102100002"],
    "档位": ["12档", "30档", 12, 5.0],
    "生日": ["农历三月初八", "3月8日", dt.date(1980, 3, 8), "1980-03-08"],
    "开业日期": ["2020-01-01", dt.date(2019, 5, 1), 43000.0],
    "自定义": ["x", 1, None, "0871-****5678"],
}  # fmt: skip


def _cells(header: str, headers: list[str]) -> st.SearchStrategy:
    """A cell of one column: mostly what such a column holds; else as messy sheets have
    them, the header row's own words included (a header repeated over a page, with spaces
    around it or not)."""
    messy = _CELLS + headers + [f" {h} " for h in headers]
    return st.sampled_from(_PLAUSIBLE[header] * 12 + messy)


def _sheet(headers: list[str]) -> st.SearchStrategy:
    full = [_cells(h, headers) for h in headers]
    row = st.one_of(
        st.tuples(*full).map(list),  # most rows are as wide as the header
        st.tuples(*full, _cells("自定义", headers)).map(list),  # a cell past the header
        st.integers(0, len(headers)).flatmap(lambda w: st.tuples(*full[:w]).map(list)),
        # the header again, over a page break, in part or with spaces
        st.tuples(*(st.sampled_from([h, f" {h} ", None, "x", 1]) for h in headers)).map(list),
    )
    return st.lists(row, min_size=0, max_size=40)


def _said(outcome):
    """What a parse said, comparably: a row's values, extras, warnings and masked count, or
    the kind and words of what it refused."""
    if isinstance(outcome, Exception):
        return type(outcome).__name__, str(outcome)
    kept = [(header, str(reason)) for header, reason in outcome.kept]
    return outcome.values, outcome.extra, kept, outcome.masked


def _one_at_a_time(mapping, rows):
    parser, said = RowParser(mapping), []
    for row in rows:
        reason = skip_reason(row, mapping.headers)
        if reason:
            said.append(("skipped", reason))
            continue
        try:
            said.append(_said(parser.parse(row)))
        except (RowRejected, CellTooLarge) as refused:
            said.append(_said(refused))
    return said


def _by_columns(mapping, rows, block: int):
    numbered = enumerate(rows, 1)
    return [
        ("skipped", said) if isinstance(said, str) else _said(said)
        for _row_no, _row, said in read_rows(numbered, mapping, block)
    ]


def _mapping(kind, headers):
    sample = [["2026-01-02", "0001", "中华(软)", 10, 0.04, 500, "x"]]
    if kind is kinds.CUSTOMERS:
        sample = [["0001", "甲店", "张三", "13800138000", "530102100001", "12档", "农历三月初八",
                   "2020-01-01", "x"]]  # fmt: skip
    return map_headers(headers, kind, {}, sample)


def test_the_mappings_under_test_have_checks_and_extras():
    """The generated sheets go through every path: a second-unit check (orders) and an
    extra column kept on the card (roster)."""
    assert _mapping(kinds.ORDERS, ORDERS).checks
    assert _mapping(kinds.CUSTOMERS, ROSTER).extra


@pytest.mark.parametrize(("kind", "headers"), [(kinds.ORDERS, ORDERS), (kinds.CUSTOMERS, ROSTER)])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_sheet_read_by_columns_says_what_it_says_row_by_row(kind, headers, data):
    mapping = _mapping(kind, headers)
    rows = data.draw(_sheet(headers))
    block = data.draw(st.integers(min_value=1, max_value=16))
    assert _by_columns(mapping, rows, block) == _one_at_a_time(mapping, rows)


def test_a_hostile_cell_refuses_the_file_read_by_columns_too():
    mapping = _mapping(kinds.ORDERS, ORDERS)
    rows = [["2026-01-02", "0001", "中华(软)", 10, 0.04, 500, "x"],
            ["2026-01-02", HOSTILE, "中华(软)", 10, 0.04, 500, "x"]]  # fmt: skip
    said = _by_columns(mapping, rows, 8)
    assert said == _one_at_a_time(mapping, rows)
    assert said[1][0] == "CellTooLarge"


@pytest.mark.skipif(
    not corpus_files(), reason="the shared corpus (../shared/corpus/external) is not here"
)
def test_every_corpus_sheet_read_by_columns_says_what_it_says_row_by_row():
    """Other projects' real spreadsheets, each mapped as the import maps it: the column
    reading and the row reading agree on every row."""
    compared = 0
    for name in corpus_files():
        path = CORPUS / name
        try:
            book = open_workbook(path)
            mapping = plan(book)
        except BadInput:  # a file the import refuses has no rows to compare
            continue
        rows = list(book.rows(mapping.sheet, fill_below=mapping.header_row))
        rows = rows[mapping.header_row :]
        assert _by_columns(mapping, rows, 64) == _one_at_a_time(mapping, rows), path.name
        compared += 1
    assert compared >= 5
