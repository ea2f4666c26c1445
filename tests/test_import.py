"""`cust import` on the spreadsheets the field really has."""

from __future__ import annotations

import codecs
import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from helpers.corpus import CORPUS, corpus_params
from spreadsheets import (
    ROSTER_EXPECTED,
    ROSTER_HEADERS,
    ROSTER_ROWS,
    export_rows,
    spreadsheetml,
    write_csv,
    write_xls,
    write_xlsx,
)


def roster_in(fmt: str, tmp_path: Path) -> Path:
    rows = export_rows(ROSTER_HEADERS, ROSTER_ROWS)
    if fmt == "xlsx":
        return write_xlsx(tmp_path / "roster.xlsx", rows, sheet="零售客户", extra_sheets=["说明"])
    if fmt == "xls":
        return write_xls(tmp_path / "roster.xls", rows)
    if fmt == "gbk-csv":
        return write_csv(tmp_path / "roster.csv", rows, encoding="gbk")
    if fmt == "bom-tsv":
        return write_csv(tmp_path / "roster.tsv", rows, encoding="utf-8-sig", delimiter="\t")
    raise AssertionError(fmt)


def cards(cli) -> dict[str, dict]:
    return {c["code"]: c for c in cli.json("list")}


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "gbk-csv", "bom-tsv"])
def test_a_company_roster_imports_with_every_value_right(cli, tmp_path, fmt):
    path = roster_in(fmt, tmp_path)
    result = cli.json("import", str(path))
    assert result["kind"] == "customers" and result["header_row"] == 4
    assert result["counts"] == {
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "skipped": 3,
        "kept_as_written": 0,
        "masked": 0,
    }
    assert result["skipped"] == {"blank": 1, "repeated header": 1, "totals": 1}
    got = cards(cli)
    for code, expected in ROSTER_EXPECTED.items():
        assert {k: got[code][k] for k in expected} == expected, code


def test_importing_the_same_roster_twice_changes_nothing_the_second_time(cli, tmp_path):
    path = roster_in("xlsx", tmp_path)
    cli.json("import", str(path))
    again = cli.json("import", str(path))
    assert again["counts"]["new"] == 0 and again["counts"]["updated"] == 0
    assert again["counts"]["unchanged"] == 3


def test_a_later_row_updates_the_earlier_and_history_names_the_import(cli, tmp_path):
    rows = [
        ROSTER_HEADERS[:4],
        ["000100000001", "张三烟酒店", "张三", "13800138000"],
        ["000100000001", "张三烟酒店", "张三", "13900139000"],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "r.xlsx", rows)))
    assert result["counts"]["new"] == 1 and result["counts"]["updated"] == 1
    assert cli.json("show", "000100000001")["card"]["phone"] == "13900139000"
    history = cli.json("history", "000100000001")["changes"]
    assert history[-1]["field"] == "phone" and history[-1]["source"] == "import #1"


def test_a_row_about_a_card_made_earlier_in_the_same_file_finds_it_by_any_key(cli, tmp_path):
    # New cards are written in batches: a later row must still find one not written yet.
    rows = [
        ["客户编码", "许可证号", "零售户名称", "联系电话"],
        ["000100000001", "530102100001", "张三烟酒店", "13800138000"],
        ["000100000002", "530102100002", "李四便利店", None],
        [100000001.0, None, "张三烟酒店", "13900139000"],  # Excel dropped its zeros
        [None, "530102100002", "李四便利店", "13700137000"],  # by licence alone
        ["000100000003", "530102100003", "王五商店", None],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "r.xlsx", rows)), "--kind", "customers")
    assert (result["counts"]["new"], result["counts"]["updated"]) == (3, 2)
    got = cards(cli)
    assert sorted(got) == ["000100000001", "000100000002", "000100000003"]
    assert got["000100000001"]["phone"] == "13900139000"
    assert got["000100000002"]["phone"] == "13700137000"
    history = cli.json("history", "000100000001")["changes"]
    assert [c["field"] for c in history] == ["(created)", "phone"]
    assert {c["source"] for c in history} == {"import #1"}


def test_codes_that_lost_their_leading_zeros_find_their_customer(cli, tmp_path, add_shop):
    add_shop("000100000001", "张三烟酒店")
    rows = [["客户编码", "店名", "档位"], [100000001.0, "张三烟酒店", "7档"]]
    path = str(write_xlsx(tmp_path / "r.xlsx", rows))
    result = cli.json("import", path, "--kind", "customers")
    assert result["counts"] == {
        "new": 0,
        "updated": 1,
        "unchanged": 0,
        "rejected": 0,
        "skipped": 0,
        "kept_as_written": 0,
        "masked": 0,
    }
    assert cli.json("show", "000100000001")["card"]["tier"] == 7


def test_a_row_is_refused_only_without_its_key_and_values_it_cannot_read_are_kept(cli, tmp_path):
    rows = [
        ["客户编码", "店名", "联系电话", "开业日期", "档位"],
        ["0001", "甲店", "13800138000", "2020-01-01", "12"],
        [None, None, "13800138001", "2020-01-01", None],
        ["0003", "丙店", "not a phone", "2020-01-01", "九十九档"],
        ["5.3e+11", "丁店", None, None, None],
        ["0005", "戊店", None, "2020-13-45", None],
    ]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    result = cli.json("import", str(path))
    assert result["counts"]["new"] == 3 and result["counts"]["rejected"] == 2
    reasons = {r["row"]: r["reason"] for r in result["rejects"]}
    assert reasons == {
        3: "no customer code and no licence number",
        5: "客户编码: code was turned into scientific notation by Excel and has lost digits;"
        " format the column as text and export again",
    }
    kept = [(w["row"], w["column"]) for w in result["warnings"]]
    assert kept == [(4, "联系电话"), (4, "档位"), (6, "开业日期")]
    assert result["counts"]["kept_as_written"] == 3
    card = cli.json("show", "0003")["card"]
    assert card["phone"] is None and card["tier"] is None
    assert card["extra"] == {"联系电话": "not a phone", "档位": "九十九档"}
    assert cli.json("show", "0005")["card"]["extra"] == {"开业日期": "2020-13-45"}
    everything = [r["reason"] for r in result["rejects"]] + [
        w["reason"] for w in result["warnings"]
    ]
    assert all("not a phone" not in why for why in everything)  # no customer data
    book = openpyxl.load_workbook(result["rejects_file"])
    values = list(book["rejects"].values)
    assert values[0] == (
        "行号 row",
        "客户编码",
        "店名",
        "联系电话",
        "开业日期",
        "档位",
        "原因 reason",
    )
    assert [v[0] for v in values[1:]] == [3, 5]
    # Row 3 is refused under the lock, row 5 as it is read: both show the row as written.
    assert values[1][:6] == (3, None, None, "13800138001", "2020-01-01", None)
    assert values[2][:3] == (5, "5.3e+11", "丁店")
    assert list(book["kept as written"].values)[1][:2] == (4, "联系电话")


def test_every_problem_of_a_refused_row_is_listed(cli, add_shop, tmp_path):
    add_shop("0001", "甲店")
    rows = [
        ["订货日期", "客户编码", "卷烟名称", "订购量"],
        ["2026-10-01", "0001", "玉溪", "3"],
        ["2026-13-01", "0001", "玉溪", "很多"],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "o.xlsx", rows)))
    assert (
        result["rejects"][0]["reason"] == "订货日期: not a date (use 2024-03-05, 2024/3/5 or"
        " 2024年3月5日); 订购量: not a number"
    )


def test_strict_turns_any_reject_into_an_abort_that_writes_nothing(cli, tmp_path):
    rows = [["客户编码", "店名"], ["0001", "甲店"], [None, "乙店"]]  # row 3: no key at all
    line = cli.fails(2, "import", str(write_xlsx(tmp_path / "r.xlsx", rows)), "--strict")
    assert "--strict: 1 rows rejected (first: row 3" in line
    assert cli.json("list") == [] and cli.json("imports") == []


def test_dry_run_shows_the_mapping_and_counts_and_writes_nothing(cli, tmp_path):
    path = roster_in("xlsx", tmp_path)
    result = cli.json("import", str(path), "--dry-run")
    assert result["dry_run"] and result["counts"]["new"] == 3 and result["import_id"] is None
    mapping = {m["column"]: m["field"] for m in result["mapping"]}
    assert mapping["客户代码"] == "code" and mapping["冰柜"] == "extra.冰柜"
    assert mapping["专卖许可证号"] == "license_no"
    assert result["samples"][0] == "new card 000100000001 张三烟酒店"
    assert cli.json("list") == [] and cli.json("imports") == []
    plain = cli.ok("import", str(path), "--dry-run").stdout
    assert (
        "dry run: nothing written" in plain
        and "客户代码\tCustomer code (code)\theader + values: 75% are 12-digit numbers" in plain
    )


def test_map_overrides_a_column_and_ignore_drops_one(cli, tmp_path):
    rows = [["编号", "门店", "电话", "杂项"], ["0001", "甲店", "13800138000", "x"]]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    cli.fails(2, "import", str(path))
    cli.ok("import", str(path), "--map", "编号=code", "--map", "门店=name", "--map", "杂项=ignore")
    card = cli.json("show", "0001")["card"]
    assert card["name"] == "甲店" and card["phone"] == "13800138000" and card["extra"] == {}
    assert "unknown field" in cli.fails(2, "import", str(path), "--map", "编号=colour")
    assert "表头=key" in cli.fails(2, "import", str(path), "--map", "编号")


def test_sheet_option_and_unknown_sheet(cli, tmp_path):
    path = roster_in("xlsx", tmp_path)
    assert cli.json("import", str(path), "--sheet", "零售客户", "--dry-run")["counts"]["new"] == 3
    assert "no sheet named '价格'" in cli.fails(2, "import", str(path), "--sheet", "价格")
    assert "--kind is one of" in cli.fails(2, "import", str(path), "--kind", "pets")


def sample_orders(tmp_path: Path) -> Path:
    rows = [
        ["订货日期", "客户编码", "卷烟名称", "订购量(条)", "金额(元)"],
        [dt.datetime(2026, 10, 6), "000100000001", "玉溪(软)", "15条", "2,700.00元"],
        [dt.datetime(2026, 10, 6), "000100000001", "玉溪(软)", 15, 2700],
        ["2026/10/13", "000100000001", "红河(软甲)", 10, 450],
        ["2026-10-13", "999", "红河(软甲)", 10, 450],
    ]
    return write_xlsx(tmp_path / "orders.xlsx", rows)


def test_orders_are_added_once_and_unknown_customers_rejected(cli, tmp_path, add_shop):
    add_shop()
    path = sample_orders(tmp_path)
    first = cli.json("import", str(path))
    assert first["kind"] == "orders" and first["counts"]["new"] == 3
    assert first["rejects"] == [
        {"row": 5, "reason": "no customer has this code or licence; import the roster first"}
    ]
    again = cli.json("import", str(path))
    assert again["counts"]["new"] == 0 and again["counts"]["unchanged"] == 3
    rows = cli.sql("SELECT date, brand, qty, amount, unit_price FROM orders ORDER BY id")
    assert rows == [
        ("2026-10-06", "玉溪(软)", 15.0, 2700.0, 180.0),
        ("2026-10-06", "玉溪(软)", 15.0, 2700.0, 180.0),
        ("2026-10-13", "红河(软甲)", 10.0, 450.0, 45.0),
    ]


def test_visits_by_code_or_exact_name_and_brands(cli, tmp_path, add_shop):
    add_shop()
    visits = [
        ["拜访日期", "客户名称", "拜访方式", "拜访内容", "客户经理"],
        ["2026-11-02", "张三烟酒店", "上门", "补换价签", "李明"],
        ["2026-11-09", "张三", "电话", "问候", "李明"],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "v.xlsx", visits)))
    assert result["kind"] == "visits" and result["counts"]["new"] == 1
    assert result["rejects"][0]["reason"] == "no customer has exactly this name"
    brands = [
        ["卷烟名称", "批发价(元/条)", "零售价(元/条)", "促销政策"],
        ["玉溪(软)", 180, 230, "限3条"],
        ["红河(软甲)", "45元", "55元", None],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "b.xlsx", brands)))
    assert result["kind"] == "brands" and result["counts"]["new"] == 2
    assert cli.sql("SELECT kind, manager FROM visits") == [("field", "李明")]
    assert cli.sql("SELECT name, price_class FROM brands ORDER BY id") == [
        ("玉溪(软)", 1),
        ("红河(软甲)", 3),
    ]


def test_undo_removes_what_an_import_added_and_restores_what_it_changed(cli, tmp_path, add_shop):
    add_shop("000100000001", "张三烟酒店", tier="12", phone="13800138000")
    rows = [
        ["客户编码", "店名", "档位", "电话", "冰柜"],
        ["000100000001", "张三烟酒店", "14档", None, "有"],
        ["000100000002", "李四便利店", "3", "13912345678", None],
    ]
    cli.json("import", str(write_xlsx(tmp_path / "r.xlsx", rows)), "--kind", "customers")
    cli.json("import", str(sample_orders(tmp_path)))
    assert cli.ok("imports", "undo", "2").stdout.startswith("undid import #2")
    assert "cards removed 1" in cli.ok("imports", "undo", "1").stdout
    card = cli.json("show", "000100000001")["card"]
    assert card["tier"] == 12 and card["phone"] == "13800138000" and card["extra"] == {}
    cli.fails(1, "show", "000100000002")
    assert cli.sql("SELECT count(*) FROM orders") == [(0,)]
    assert "undone already" in cli.fails(2, "imports", "undo", "1")
    assert "no import #9" in cli.fails(1, "imports", "undo", "9")
    listed = cli.json("imports")
    assert [i["undone_at"] is not None for i in listed] == [True, True]


def test_an_interrupted_import_changes_nothing(cli, tmp_path, add_shop, monkeypatch):
    add_shop()
    path = roster_in("xlsx", tmp_path)
    from custcli.domain.importing import targets

    calls = []

    def interrupted(self, row):
        calls.append(row)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C half-way through the file
        return original(self, row)

    original = targets.Customers.take
    monkeypatch.setattr(targets.Customers, "take", interrupted)
    result = cli("import", str(path))
    assert result.exit_code != 0
    monkeypatch.undo()
    assert [c["code"] for c in cli.json("list")] == ["000100000001"]
    assert cli.json("imports") == []


def test_ctrl_c_while_printing_a_landed_import_says_it_is_in(cli, tmp_path, add_shop, monkeypatch):
    """The exit code agrees with the data: the import is committed, so Ctrl-C during its
    printing exits 0 and says the import is in, with how to take it back."""
    from custcli.present import imports

    add_shop()

    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(imports, "result", interrupted)
    result = cli("--lang", "en", "import", str(sample_orders(tmp_path)))
    assert result.exit_code == 0
    assert "import #1 is in" in result.stderr and "cust imports undo 1" in result.stderr
    monkeypatch.undo()
    assert [i["id"] for i in cli.json("imports")] == [1]
    assert cli.sql("SELECT count(*) FROM orders") == [(3,)]


@pytest.mark.sqlite_only
def test_an_import_reads_and_parses_its_file_before_it_takes_the_write_lock(
    cli, tmp_path, add_shop, monkeypatch, db_path
):
    """While an import is reading its file, another writer writes without waiting."""
    import sqlite3

    from custcli.domain.importing import rows

    add_shop()
    path = sample_orders(tmp_path)
    written = []

    def parse_while_another_writes(self, block):
        if not written:
            rival = sqlite3.connect(db_path, timeout=0)  # fails at once on a held lock
            rival.execute("UPDATE customers SET notes = 'rival' WHERE code = '000100000001'")
            rival.commit()
            rival.close()
            written.append(True)
        return original(self, block)

    original = rows.RowParser.parse_block
    monkeypatch.setattr(rows.RowParser, "parse_block", parse_while_another_writes)
    assert cli.json("import", str(path))["counts"]["new"] == 3
    assert written and cli.sql("SELECT notes FROM customers") == [("rival",)]


def test_a_row_refused_under_the_lock_is_not_quoted_from_a_file_changed_since(cli, tmp_path):
    """The rows refused under the lock are read back from the file for the rejects file:
    if the file was saved over meanwhile, they are listed without values, not with another
    file's."""
    import importlib

    run = importlib.import_module("custcli.domain.importing.run")  # the module, not run()
    header = ["客户编码", "店名", "联系电话"]
    path = write_xlsx(tmp_path / "r.xlsx", [header, ["0001", "甲店", None], [None, None, "1"]])
    original = run.read_back

    def saved_over(book, result, digest):
        write_xlsx(path, [header, ["0009", "别的店", None], ["0008", "另一店", "13800138008"]])
        return original(book, result, digest)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "read_back", saved_over)
        result = cli.json("import", str(path))
    assert [r["row"] for r in result["rejects"]] == [3]
    values = list(openpyxl.load_workbook(result["rejects_file"])["rejects"].values)
    assert values[1][:4] == (3, None, None, None)


def test_shops_added_while_a_file_was_read_are_matched_under_the_lock(cli, tmp_path, add_shop):
    """A line prepared against the shops as they were is matched again when a shop comes
    in between: it lands instead of being refused for a shop that exists."""
    import importlib

    run = importlib.import_module("custcli.domain.importing.run")  # the module, not run()
    add_shop()
    path = sample_orders(tmp_path)  # its last line names shop 999, not on file yet
    original = run.import_running

    def a_shop_arrives(conn, name):
        cli.ok("add", "--code", "999", "--name", "李四便利店")
        return original(conn, name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "import_running", a_shop_arrives)
        result = cli.json("import", str(path))
    assert result["counts"]["new"] == 4 and result["rejects"] == []
    assert cli.sql(
        "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id"
        " WHERE c.code = '999'"
    ) == [(1,)]


def test_a_column_parses_each_distinct_cell_once_and_keeps_types_apart():
    """The parser remembers a column's values by type and value: 1, 1.0 and True are equal
    keys in Python but not the same cell."""
    from custcli import kinds
    from custcli.domain import importing
    from custcli.domain.importing.rows import RowParser

    mapping = importing.Mapping(
        kinds.CUSTOMERS, "s", 1, ["客户编码", "档位"], {0: "code", 1: "tier"}
    )
    parser = RowParser(mapping)
    assert parser.parse(["0001", 1]).values["tier"] == 1
    assert parser.parse(["0002", True]).kept  # a yes/no cell is no tier
    assert parser.parse(["0003", 1.0]).values["tier"] == 1
    assert parser.parse(["0004", "30档"]).values["tier"] == 30
    assert parser.parse(["0005", "30档"]).values["tier"] == 30


# --- files it cannot read: one line, exit 2 -------------------------------------------------


def test_unreadable_files_get_one_line(cli, tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert "is empty" in cli.fails(2, "import", str(empty))
    assert "no such file" in cli.fails(2, "import", str(tmp_path / "missing.xlsx"))
    fake = tmp_path / "really.xlsx"
    fake.write_text("客户编码,店名\n0001,甲店\n", encoding="utf-8")
    assert "plain text (CSV), not an Excel workbook" in cli.fails(2, "import", str(fake))
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(roster_in("xlsx", tmp_path).read_bytes()[:3000])
    assert "damaged or truncated" in cli.fails(2, "import", str(truncated))
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 10)
    assert "neither a workbook nor CSV" in cli.fails(2, "import", str(binary))
    html = tmp_path / "export.xls"
    html.write_text("<html><body><p>系统维护中</p></body></html>", encoding="utf-8")
    assert "web page with no table" in cli.fails(2, "import", str(html))
    xml = tmp_path / "other.xls"
    xml.write_text('<?xml version="1.0"?><rss><item/></rss>', encoding="utf-8")
    assert "XML but not a spreadsheet" in cli.fails(2, "import", str(xml))


# --- what company systems save as ".xls": HTML tables, SpreadsheetML 2003, UTF-16 text -------


def _html_roster(encoding: str) -> bytes:
    charset = "gbk" if encoding == "gb18030" else "utf-8"
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
    </head><body><table border="1">
    <tr><td colspan="4">零售客户信息一览表</td></tr>
    <tr><th>客户编码</th><th>客户名称</th><th>联系电话</th><th>档位</th></tr>
    <tr><td>000100000001</td><td>张三烟酒店</td><td>138 0013 8000</td><td>12档</td></tr>
    <tr><td>000100000002</td><td>李四&amp;便利店</td><td>13912345678</td><td>九档</td></tr>
    </table></body></html>"""
    return page.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_an_html_table_saved_as_xls_imports(cli, tmp_path, encoding):
    path = tmp_path / "客户.xls"
    path.write_bytes(_html_roster(encoding))
    result = cli.json("import", str(path))
    assert result["kind"] == "customers" and result["header_row"] == 2
    assert result["counts"]["new"] == 2
    card = cli.json("show", "000100000002")["card"]
    assert card["name"] == "李四&便利店" and card["tier"] == 9 and card["phone"] == "13912345678"
    assert cli.json("show", "000100000001")["card"]["code"] == "000100000001"  # zeros kept


def test_spreadsheetml_2003_imports(cli, add_shop, tmp_path):
    add_shop("000100000001", "张三烟酒店")
    rows = [
        ["订单日期", "客户编码", "卷烟名称", "数量", "金额"],
        [dt.datetime(2026, 10, 5), "000100000001", "玉溪(软)", 5.0, 900.0],
        [dt.datetime(2026, 10, 12), "000100000001", "红河(软甲)", None, 450.0],  # ss:Index skips
    ]
    xml = spreadsheetml("订单明细", rows)
    path = tmp_path / "orders.xls"
    path.write_text(xml, encoding="utf-8")
    result = cli.json("import", str(path))
    assert result["kind"] == "orders" and result["sheet"] == "订单明细"
    assert result["counts"]["new"] == 1 and result["rejects"] == [
        {"row": 3, "reason": "no quantity"}
    ]
    assert cli.sql("SELECT date, brand, qty, amount FROM orders") == [
        ("2026-10-05", "玉溪(软)", 5.0, 900.0)
    ]


def test_spreadsheetml_with_an_entity_is_refused(cli, tmp_path):
    xml = """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet/></Workbook>"""
    path = tmp_path / "bomb.xls"
    path.write_text(xml, encoding="utf-8")
    assert "entity" in cli.fails(2, "import", str(path))


def test_excel_unicode_text_in_utf16_imports(cli, tmp_path):
    text = "客户编码\t客户名称\t联系电话\r\n000100000001\t张三烟酒店\t13800138000\r\n"
    path = tmp_path / "roster.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    result = cli.json("import", str(path))
    assert result["counts"]["new"] == 1
    assert cli.json("show", "000100000001")["card"]["name"] == "张三烟酒店"


def test_an_xml_entity_bomb_is_refused(cli, tmp_path):
    path = roster_in("xlsx", tmp_path)
    bomb = tmp_path / "bomb.xlsx"
    entities = "".join(f'<!ENTITY e{i} "&e{i - 1};&e{i - 1};">' for i in range(1, 30))
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e0 "ha">{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e29;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = xml.encode()
            target.writestr(item, data)
    assert "declares XML entities" in cli.fails(2, "import", str(bomb))


def test_a_zip_bomb_is_refused_before_it_expands(cli, tmp_path, monkeypatch):
    from custcli.io import readers

    monkeypatch.setattr(readers, "MAX_UNZIPPED_BYTES", 4 << 20)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 << 20))
    assert "possible zip bomb" in cli.fails(2, "import", str(bomb))


def test_a_password_protected_workbook_is_refused(cli):
    encrypted = CORPUS / "tafia__calamine" / "pass_protected.xlsx"
    if not encrypted.exists():
        pytest.skip("shared corpus not present")
    assert "password-protected" in cli.fails(2, "import", str(encrypted))


# --- every spreadsheet other projects wrote: imports, or one clear line ----------------------


@pytest.mark.parametrize("name", corpus_params())
def test_corpus_file_imports_or_is_refused_with_one_line(cli, name):
    result = cli("import", str(CORPUS / name), "--dry-run")
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        name,
        result.exception,
    )
    if result.exit_code != 0:
        assert result.exit_code == 2, (name, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("cust: "), (name, result.stderr)


# --- what real company systems export -------------------------------------------------------


def test_an_inspection_log_or_a_delivery_list_changes_no_card_unasked(cli, add_shop, tmp_path):
    add_shop("000100000001", "张三烟酒店", owner="张三")
    before = cli.json("show", "000100000001")["card"]
    inspection = [
        ["检查日期", "客户编码", "店名", "稽查员姓名", "发现问题", "备注"],
        ["2026-11-02", "000100000001", "张三烟酒店", "王五", "价签缺失", "补换价签"],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "稽查记录.xlsx", inspection)))
    assert result["kind"] == "visits" and result["kind_guessed"]  # a log of visits, not cards
    delivery = [
        ["配送日期", "客户编码", "客户名称", "异常原因", "送货员", "备注"],
        ["2026-11-03", "000100000001", "张三烟酒店", "店门未开", "赵六", "改天再送"],
    ]
    path = write_xlsx(tmp_path / "配送异常.xlsx", delivery)
    held = cli("import", str(path))
    assert held.exit_code == 2 and "--kind customers" in held.stderr
    assert (
        "held back: nothing written" in held.stdout and "备注\tNotes (notes)\theader" in held.stdout
    )
    assert cli.json("show", "000100000001")["card"] == before
    assert [i["kind"] for i in cli.json("imports")] == ["visits"]
    cli.ok("import", str(path), "--yes")  # asked for: the cards change
    assert cli.json("show", "000100000001")["card"]["notes"] == "改天再送"


def test_a_roster_keyed_by_licence_creates_and_then_finds_its_cards(cli, tmp_path):
    by_licence = [
        ["许可证号", "零售户名称", "经营状态", "拜访周期"],
        ["530102100001", "张三烟酒店", "正常营业", "单周周四"],
        ["530102100002", "李四便利店", "暂停营业", "周二、周五"],
        ["530102100003", "王五商店", "营业中", "每月2次"],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "a.xlsx", by_licence)))
    assert result["counts"]["new"] == 3 and result["counts"]["rejected"] == 0
    card = cli.json("show", "530102100001")["card"]
    assert card["license_no"] == card["code"] == "530102100001"
    assert (card["status"], card["visit_cycle_days"], card["order_day"]) == (
        "active",
        14,
        "单周周四",
    )
    second = cli.json("show", "530102100002")["card"]
    assert (second["status"], second["visit_cycle_days"], second["order_day"]) == (
        "suspended",
        7,
        "周二、周五",
    )
    assert cli.json("show", "530102100003")["card"]["visit_cycle_days"] == 15
    # The company's codes arrive later: found by licence, the cards take them.
    with_codes = [
        ["客户编码", "许可证号", "零售户名称"],
        ["000100000001", "530102100001", "张三烟酒店"],
    ]
    path = write_xlsx(tmp_path / "b.xlsx", with_codes)
    assert cli.json("import", str(path), "--kind", "customers")["counts"]["updated"] == 1
    assert cli.json("show", "000100000001")["card"]["license_no"] == "530102100001"


def test_lines_find_their_shop_by_code_licence_or_unique_exact_name(cli, add_shop, tmp_path):
    add_shop("000100000001", "张三烟酒店", license_no="530102100001")
    add_shop("000100000002", "兴隆超市")
    add_shop("000100000003", "兴隆超市")
    orders = [
        ["订单时间", "专卖许可证号", "零售户", "品名", "数量", "小计金额（元）"],
        ["2026-10-05", "530102100001", None, "玉溪(软)", 2, 360],
        ["2026-10-06", None, "张三烟酒店", "红河(软甲)", 3, 135],
        ["2026-10-07", None, "兴隆超市", "红河(软甲)", 3, 135],
        ["2026-10-08", None, "无名店", "红河(软甲)", 3, 135],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "o.xlsx", orders)))
    assert result["kind"] == "orders" and result["counts"]["new"] == 2
    assert {r["row"]: r["reason"] for r in result["rejects"]} == {
        4: "several customers have this name (000100000002, 000100000003); add a code column",
        5: "no customer has exactly this name",
    }
    visits = [
        ["本次拜访日期", "许可证号", "巡店人", "拜访记录"],
        ["2026-11-02", "530102100001", "李明", "x"],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "v.xlsx", visits)))
    assert result["kind"] == "visits" and result["counts"]["new"] == 1
    assert cli.json("visit", "list")[0]["manager"] == "李明"


def test_undoing_a_price_list_puts_the_old_prices_back(cli, tmp_path):
    first = [["规格名称", "批发价", "零售价"], ["玉溪(软)", 180, 230]]
    cli.ok("import", str(write_xlsx(tmp_path / "a.xlsx", first)))
    second = [
        ["品牌", "规格名称", "采购价", "售价"],
        ["玉溪", "玉溪(软)", 190, 240],
        ["云烟", "云烟(紫)", 80, 100],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "b.xlsx", second)))
    assert result["counts"] == result["counts"] | {"new": 1, "updated": 1}  # 规格名称 over 品牌
    assert [b["name"] for b in cli.json("brand", "list")] == ["玉溪(软)", "云烟(紫)"]
    out = cli.ok("imports", "undo", "2").stdout
    assert "values restored 2" in out and "brands removed 1" in out
    (brand,) = cli.json("brand", "list")
    assert (brand["name"], brand["wholesale_price"], brand["retail_price"]) == (
        "玉溪(软)",
        180,
        230,
    )


CORPUS_ROSTER = (
    Path(__file__).resolve().parents[2]
    / "shared/corpus/external/Robin-Jason__CigaretteDistributionSystem/base_customer_info.xlsx"
)


@pytest.mark.skipif(not CORPUS_ROSTER.exists(), reason="shared corpus not present")
def test_a_real_15020_row_roster_imports_with_licences_as_licences(cli):
    result = cli.json("import", str(CORPUS_ROSTER))
    assert result["counts"]["new"] == 15_020 and result["counts"]["rejected"] == 0
    fields = {m["column"]: m["field"] for m in result["mapping"]}
    assert fields["CUST_CODE"] == "license_no" and fields["CUST_ID"] == "code"
    card = cli.json("show", "104203100001")["card"]
    assert card["license_no"] == "104203100001" and card["tier"] == 9
    assert (card["order_cycle"], card["order_day"]) == (7, "周四")
    assert card["district"] == "张湾市场部" and card["credit_grade"] == "AA"


@pytest.mark.sqlite_only
def test_lines_keyed_by_schema_13_are_keyed_per_shop_and_their_files_still_add_nothing(
    cli, tmp_path, add_shop
):
    """Schema 13 counted identical lines across a file's shops; 14 counts them per shop.
    The upgrade keys every imported line as today's import keys it, a file imported in part
    (its other lines there already from an earlier file) included."""
    import hashlib
    import shutil
    import sqlite3

    from custcli.db.opening import open_db

    header = ["客户编码", "订货日期", "卷烟名称", "订购量", "金额"]
    line = ["2026-10-06", "玉溪(软)", 2, 360]
    october = [header, ["000100000002", *line], ["000100000001", *line], ["000100000001", *line]]
    overlap = [header, *[["000100000001", *line]] * 3]  # two of them were in October's file
    files = [write_xlsx(tmp_path / f"{n}.xlsx", rows) for n, rows in enumerate([october, overlap])]
    add_shop("000100000001", "老店")
    add_shop("000100000002", "新店")
    assert [cli.json("import", str(f))["counts"]["new"] for f in files] == [3, 1]
    expected = sorted(cli.sql("SELECT customer_id, import_id, row_key FROM orders"))

    # The same two imports as schema 13's cust stored them, n counted across the file:
    # October's lines n = 1 (shop 2), 2 and 3 (shop 1); the second file's n = 1, 2, 3 at
    # shop 1 found 2 and 3 there already and added n = 1.
    content = "2026-10-06|玉溪(软)|2.0|360.0|180.0"

    def key(customer_id: int, n: int) -> str:
        return hashlib.sha1(f"{customer_id}|{content}|{n}".encode()).hexdigest()

    stored = [(2, 1, key(2, 1)), (1, 1, key(1, 2)), (1, 1, key(1, 3)), (1, 2, key(1, 1))]
    old = tmp_path / "v13.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema-v13.db", old)
    conn = sqlite3.connect(old, isolation_level=None)
    conn.execute("DELETE FROM orders")
    conn.execute("INSERT INTO customers (code, name, uid) VALUES ('000100000002', '新店', 'u2')")
    conn.executemany(
        "INSERT INTO imports (id, file_name, sha256, kind, imported_at)"
        " VALUES (?, 'f.xlsx', '', 'orders', '')",
        [(1,), (2,)],
    )
    conn.executemany(
        "INSERT INTO orders (customer_id, date, brand, qty, amount, unit_price, import_id,"
        " row_key, uid) VALUES (?, '2026-10-06', '玉溪(软)', 2, 360, 180, ?, ?, ?)",
        [(*line, f"o{n}") for n, line in enumerate(stored)],
    )
    conn.close()
    upgraded = open_db(old)
    keys = upgraded.execute("SELECT customer_id, import_id, row_key FROM orders")
    assert sorted(tuple(k) for k in keys) == expected
    assert sorted(stored) != expected  # the upgrade had keys to change
