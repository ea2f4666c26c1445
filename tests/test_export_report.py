"""Excel out: exports that import back unchanged, safe cells, and the monthly report."""

from __future__ import annotations

import csv
import datetime as dt
import os
import stat
import zipfile

import openpyxl
from spreadsheets import write_xlsx
from test_customers_cli import EVERY_FIELD


def test_a_roster_export_imports_back_unchanged_in_every_field(cli, add_shop, tmp_path):
    add_shop(**EVERY_FIELD)
    add_shop("000100000002", "李四便利店", phone="0871-1234567", birthday="04-12")  # sparse
    cli.ok("edit", "000100000002", "--set", "extra.冰柜=有")
    before = cli.json("list")
    for name, lang in (("roster.xlsx", "zh"), ("roster.csv", "zh"), ("roster-en.xlsx", "en")):
        target = tmp_path / name
        cli.ok("--lang", lang, "export", "customers", "-o", str(target))
        again = cli.json("import", str(target))
        assert again["counts"] == {
            "new": 0,
            "updated": 0,
            "unchanged": 2,
            "rejected": 0,
            "skipped": 0,
            "kept_as_written": 0,
            "masked": 0,
        }, name
    assert cli.json("list") == before


def test_headers_are_the_registry_labels_with_extra_columns_after(cli, add_shop, tmp_path):
    add_shop(owner="张三")
    cli.ok("edit", "000100000001", "--set", "extra.冰柜=有")
    target = tmp_path / "r.xlsx"
    cli.ok("export", "customers", "-o", str(target), env={"CUST_LANG": None})  # no choice made
    sheet = openpyxl.load_workbook(target)["客户"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["客户编码", "客户名称", "经营者"] and headers[-1] == "冰柜"
    assert sheet["A2"].value == "000100000001" and sheet["A2"].data_type == "s"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_a_formula_looking_name_exports_as_text(cli, add_shop, tmp_path):
    evil = '=HYPERLINK("http://example.invalid","点我")'
    add_shop(name=evil, owner="+1 张", notes="@SUM(A1)")
    xlsx, text = tmp_path / "r.xlsx", tmp_path / "r.csv"
    cli.ok("export", "customers", "-o", str(xlsx))
    cli.ok("export", "customers", "-o", str(text))
    cells = {c.value: c.data_type for c in openpyxl.load_workbook(xlsx).worksheets[0][2]}
    assert cells[evil] == "s" and cells["+1 张"] == "s" and cells["@SUM(A1)"] == "s"
    with zipfile.ZipFile(xlsx) as book:
        assert b"<f>" not in book.read("xl/worksheets/sheet1.xml")  # no formula anywhere
    with open(text, encoding="utf-8-sig", newline="") as handle:
        row = list(csv.reader(handle))[1]
    assert "'" + evil in row and "'+1 张" in row and "'@SUM(A1)" in row


def test_redact_masks_phones_and_licence_numbers(cli, add_shop, tmp_path):
    add_shop(phone="13812345678/0871-12345678", license_no="530102100001")
    target = tmp_path / "r.csv"
    cli.ok("export", "customers", "-o", str(target), "--redact")
    content = target.read_text(encoding="utf-8-sig")
    assert "138****5678/0871-****5678" in content and "5301******01" in content
    assert "13812345678" not in content and "530102100001" not in content


def test_redact_masks_ids_accounts_and_every_phone_in_the_columns_a_roster_brought(cli, tmp_path):
    rows = [
        ["客户编码", "店名", "身份证号", "银行帐号", "备用收货电话", "其他", "冰柜"],
        [
            "000100000001",
            "甲店",
            "53010219800101123X",
            "6222021234567890123",
            "13900001111",
            "0871-65432100",
            "有",
        ],
    ]
    cli.ok("import", str(write_xlsx(tmp_path / "r.xlsx", rows)))
    target = tmp_path / "out.csv"
    cli.ok("--lang", "zh", "export", "customers", "-o", str(target), "--redact")
    with open(target, encoding="utf-8-sig", newline="") as handle:
        header, row = list(csv.reader(handle))[:2]
    shown = dict(zip(header, row, strict=True))
    assert shown["身份证号"] == "**************123X"
    assert shown["银行帐号"] == "***************0123"
    assert shown["备用收货电话"] == "139****1111" and shown["其他"] == "0871-****2100"
    assert shown["冰柜"] == "有" and shown["客户编码"] == "000100000001"
    text = target.read_text(encoding="utf-8-sig")
    for secret in ("19800101", "62220212345", "13900001111", "65432100"):
        assert secret not in text


def test_visit_order_and_complaint_exports_follow_filters(cli, add_shop, tmp_path):
    add_shop("0001", "甲店", district="东片")
    add_shop("0002", "乙店", district="西片")
    cli.ok("visit", "log", "0001", "--date", "2026-10-05", "--note", "补价签")
    cli.ok("visit", "log", "0002", "--date", "2026-10-06")
    cli.ok("visit", "log", "0001", "--date", "2026-11-02")
    cli.ok("complaint", "add", "0001", "--text", "断货", "--kind", "货源", "--date", "2026-10-01")
    target = tmp_path / "v.xlsx"
    out = cli.ok(
        "--lang",
        "zh",
        "export",
        "visits",
        "-o",
        str(target),
        "--district",
        "东片",
        "--month",
        "2026-10",
    ).stdout
    assert out.startswith("已导出 1 行到")
    rows = list(openpyxl.load_workbook(target)["拜访"].values)
    assert rows[0][:3] == ("拜访日期", "客户编码", "客户名称") and rows[1][1:5] == (
        "0001",
        "甲店",
        "实地",
        "补价签",
    )
    complaints = tmp_path / "c.xlsx"
    cli.ok("--lang", "zh", "export", "complaints", "-o", str(complaints))
    assert list(openpyxl.load_workbook(complaints)["投诉"].values)[1][4] == "断货"
    assert "export one of" in cli.fails(2, "export", "pets", "-o", str(tmp_path / "x.xlsx"))
    assert "not a month" in cli.fails(2, "export", "visits", "-o", str(target), "--month", "x")
    assert "--month filters" in cli.fails(
        2, "export", "customers", "-o", str(target), "--month", "2026-10"
    )
    assert "xlsx or csv" in cli.fails(2, "export", "visits", "-o", str(target), "--format", "pdf")


def test_a_failed_export_leaves_no_half_file(cli, add_shop, tmp_path, monkeypatch):
    add_shop()
    from custcli.io import book

    def broken(*_args):
        raise OSError(28, "No space left on device", "disk")

    monkeypatch.setattr(book, "_sheet", broken)
    target = tmp_path / "r.xlsx"
    result = cli("export", "customers", "-o", str(target))
    assert result.exit_code == 2 and "the disk is full" in result.stderr
    assert list(tmp_path.iterdir()) == [cli.db] or not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_full_disk_at_the_writers_close_is_said_in_one_line(cli, add_shop, tmp_path, monkeypatch):
    """The writer says a failed write as an OSError naming no file: said as the target's,
    exit 2, no traceback, no half file."""
    add_shop()
    import rvgsrust_xlsxwriter

    def full(book, *args):
        raise OSError("failed to write '/x/.r.xlsx.part': No space left on device (os error 28)")

    monkeypatch.setattr(rvgsrust_xlsxwriter.Workbook, "close", full)
    target = tmp_path / "r.xlsx"
    for args in (("export", "customers"), ("report", "monthly", "--month", "2026-10")):
        result = cli(*args, "-o", str(target))
        assert result.exit_code == 2, result.exception
        assert result.stderr == (
            f"cust: the disk is full ({target}); nothing was changed: free some space and"
            " try again\n"
        )
        assert not target.exists()
        assert not [p for p in tmp_path.iterdir() if ".part" in p.name]


# --- the monthly report ---------------------------------------------------------------------


def test_the_monthly_summary_figures(month_of_work):
    summary = month_of_work.json("report", "monthly", "--month", "2026-10")
    assert summary["customers"] == 3
    assert summary["due"] == 2 and summary["visited"] == 1 and summary["coverage_pct"] == 50.0
    assert summary["visits"] == 4 and summary["visits_by_kind"] == {"field": 3, "phone": 1}
    assert summary["followups_made"] == 1 and summary["followups_closed"] == 1
    assert summary["complaints_opened"] == 1 and summary["complaints_resolved"] == 1
    assert summary["avg_days_to_resolve"] == 4
    assert summary["order_qty"] == 30 and summary["order_amount"] == 2700
    assert summary["order_qty_prev_month"] == 5 and summary["order_qty_year_ago"] == 8
    assert summary["order_qty_change_pct"] == 500.0
    east = month_of_work.json("report", "monthly", "--month", "2026-10", "--district", "东片")
    assert east["customers"] == 2 and east["visits"] == 3


def test_the_report_workbook_matches_the_database(month_of_work, tmp_path):
    cli = month_of_work
    target = tmp_path / "月报.xlsx"
    cli.ok(
        "--lang", "zh", "report", "monthly", "--month", "2026-10", "-o", str(target),
        "--company", "昆明市烟草公司市场部",
    )  # fmt: skip
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == [
        "汇总", "客户经理", "经理·李明", "经理·王芳", "拜访明细", "未拜访", "客户", "图表"
    ]  # fmt: skip
    first = book["汇总"]
    # The title block: title, company, district, manager, period, the day it was made.
    assert first["A1"].value == "2026年10月 客户拜访月报" and "A1:D1" in first.merged_cells
    block = {r[0]: r[1] for r in first.iter_rows(min_row=3, max_row=7, values_only=True)}
    assert block == {
        "单位": "昆明市烟草公司市场部",
        "片区": "全部片区",
        "客户经理": "全部客户经理",
        "报告期": "2026-10-01 至 2026-10-31",
        "制表日期": cli_today(),
    }
    figures = {
        row[0].value: row[1]
        for row in first.iter_rows(min_row=9)
        if row[0].value and row[1].value is not None
    }
    assert figures["应访户数"].value == 2 and figures["实访户数"].value == 1
    coverage = figures["覆盖率"]
    assert coverage.value == 0.5 and coverage.number_format == "0.0%"
    amount = figures["订货金额（元）"]
    assert amount.value == 2700 and amount.number_format == "#,##0.00"
    assert figures["购进量（条）"].number_format == "#,##0"
    assert figures["平均处理天数"].value == 4
    changes = [
        r[1].value for r in first.iter_rows(min_row=9) if (r[0].value or "").strip() == "环比"
    ]
    assert changes == [5, 2]  # cartons 30 against 5 (+500%), amount 2,700 against 900 (+200%)
    texts = [r[0].value for r in first.iter_rows(min_row=9) if r[0].value]
    assert "需要关注" in texts and any("乙店：逾期 53 天" in t for t in texts)
    # Printing: A4 landscape, one page wide, the footer's page numbers and the period.
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth in (None, 1)
        one_page = sheet.title == "汇总" or sheet.title.startswith("经理·")
        assert sheet.page_setup.fitToHeight == (None if one_page else 0)
        assert "第 &P 页 / 共 &N 页" in sheet.oddFooter.center.text
        assert "2026年10月 客户拜访月报" in sheet.oddFooter.left.text
    managers = {r[0]: r for r in book["客户经理"].iter_rows(min_row=2, values_only=True)}
    assert set(managers) == {"李明", "王芳"} and managers["王芳"][2] == 1  # 乙店 due
    # A page per manager, after the comparison: their own headline figures.
    own = {r[0]: r[1] for r in book["经理·王芳"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert own["客户经理"] == "王芳" and own["应访户数"] == 1 and own["实访户数"] == 0
    [(month_visits,)] = cli.sql("SELECT count(*) FROM visits WHERE date LIKE '2026-10%'")
    visits = list(book["拜访明细"].iter_rows(min_row=2, values_only=True))
    assert len(visits) == month_visits == 4
    assert visits[0][0].date().isoformat() == "2026-10-05"  # a real date cell
    missed = list(book["未拜访"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[-1]) for r in missed] == [("0002", 53)]  # due 09-08, 53 days by 10-31
    customers = {r[0]: r for r in book["客户"].iter_rows(min_row=2, values_only=True)}
    # visits, last visit, volume, amount, 条均价, pyramid tier (ranked when orders came in)
    # code, name, district, manager, tier, then the month's figures
    assert customers["0001"][3] == "李明" and customers["0002"][3] == "王芳"
    assert customers["0001"][5:] == (3, customers["0001"][6], 10, 1800, 180, "顶端")
    assert customers["0002"][7:] == (20, 900, 45, "低端")
    assert book["客户"]["I2"].number_format == "#,##0.00"
    chart = list(book["图表"].iter_rows(min_row=2, values_only=True))
    assert ("一类", 10) in chart and ("三类", 20) in chart
    assert sum(n for week, n in chart if str(week).startswith("第")) == 4
    with zipfile.ZipFile(target) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        weekly = archive.read(charts[0]).decode()
        assert "每周拜访次数" in weekly
        # The sheets are streamed, so each chart carries its own data for viewers that do
        # not recalculate: the weeks as text, the counts as numbers.
        assert "<c:strCache>" in weekly and "<c:v>第1周</c:v>" in weekly
        assert "<c:v>一类</c:v>" in archive.read(charts[1]).decode()
    sheet = book["拜访明细"]
    assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1"


def cli_today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()  # the pinned day


def test_a_comparison_without_data_is_a_dash_never_zero(cli, add_shop, tmp_path):
    add_shop(visit_cycle_days="60")  # seen in September: nothing due in October, no orders
    cli.ok("visit", "log", "000100000001", "--date", "2026-09-25")
    target = tmp_path / "r.xlsx"
    cli.ok("--lang", "zh", "report", "monthly", "--month", "2026-10", "-o", str(target))
    first = openpyxl.load_workbook(target)["汇总"]
    values = {
        (r[0].value or "").strip(): r[1].value for r in first.iter_rows(min_row=9) if r[0].value
    }
    assert values["覆盖率"] == "—" and values["环比"] == "—" and values["同比"] == "—"
    assert values["平均处理天数"] == "—"


def test_the_report_in_english(month_of_work, tmp_path):
    target = tmp_path / "report.xlsx"
    month_of_work.ok("--lang", "en", "report", "monthly", "--month", "2026-10", "-o", str(target))
    book = openpyxl.load_workbook(target)
    assert (
        book.sheetnames[0] == "Summary"
        and book["Summary"]["A1"].value == "Visit report for 10/2026"
    )
    assert "Page &P of &N" in book["Summary"].oddFooter.center.text


def test_a_company_template_comes_back_filled_with_its_look_kept(month_of_work, tmp_path):
    from openpyxl.styles import Font, PatternFill

    template = tmp_path / "公司模板.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "月报"
    sheet["A1"] = "{{ 单位 }} {{ 报告期 }} 客户拜访月报"
    sheet.merge_cells("A1:F1")
    sheet["A1"].fill = PatternFill("solid", fgColor="FFC000")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A2"] = "客户经理：{{ 客户经理 }}"
    sheet["C2"] = "覆盖率 {{ 覆盖率 }}，拜访 {{ 拜访次数 }} 次，订货 {{ 订货量 }} 条，{{ 无此项 }}"
    sheet.append(["日期", "客户编码", "店名", "方式", "内容", "问题"])
    sheet.append(
        [
            "{{ 拜访.日期 }}",
            "{{ 拜访.客户编码 }}",
            "{{ 拜访.店名 }}",
            "{{ 拜访.方式 }}",
            "{{ 拜访.内容 }}",
            "{{ 拜访.发现问题 }}",
        ]
    )
    sheet.append(["制表人：", None, "审核人：", None, "日期：", "{{ 制表日期 }}"])
    sheet.merge_cells("A5:B5")
    sheet.column_dimensions["C"].width = 30
    book.save(template)
    target = tmp_path / "filled.xlsx"
    result = month_of_work(
        "--lang", "zh", "report", "monthly", "--month", "2026-10", "--template", str(template),
        "-o", str(target), "--company", "市场部",
    )  # fmt: skip
    assert result.exit_code == 0 and "无此项" in result.stderr  # an unknown placeholder, named
    filled = openpyxl.load_workbook(target)["月报"]
    assert filled["A1"].value == "市场部 2026-10-01 — 2026-10-31 客户拜访月报"
    assert "A1:F1" in filled.merged_cells and filled["A1"].fill.fgColor.rgb.endswith("FFC000")
    assert filled["A2"].value == "客户经理：全部客户经理"
    assert filled["C2"].value == "覆盖率 50.0%，拜访 4 次，订货 30 条，{{ 无此项 }}"
    rows = [[c.value for c in row] for row in filled.iter_rows(min_row=4, max_row=7)]
    assert [r[1] for r in rows] == ["0001", "0001", "0001", "0003"]  # one row per visit
    assert rows[0][0] == dt.datetime(2026, 10, 5) and rows[1][3] == "电话"  # a date, as a date
    sign_off = [c.value for c in filled[8]]
    assert sign_off[0] == "制表人：" and sign_off[2] == "审核人："
    assert sign_off[5] == dt.datetime.fromisoformat(cli_today())
    assert "A8:B8" in filled.merged_cells  # pushed down with its row
    assert filled.column_dimensions["C"].width == 30
    assert not any("{{ 拜访" in str(c.value) for row in filled.iter_rows() for c in row)


def test_the_placeholders_are_listed(cli):
    names = [p["placeholder"] for p in cli.json("report", "placeholders")]
    for name in ("报告期", "客户经理", "片区", "应访户数", "实访户数", "覆盖率", "拜访次数",
                 "逾期未访", "投诉件数", "订货量", "订货金额", "拜访.日期", "拜访.客户编码",
                 "拜访.店名", "拜访.方式", "拜访.内容", "拜访.发现问题", "未访.店名"):  # fmt: skip
        assert f"{{{{ {name} }}}}" in names


def test_the_report_prints_its_summary_without_o(month_of_work):
    out = month_of_work.ok("--lang", "zh", "report", "monthly", "--month", "2026-10").stdout
    assert "覆盖率\t50.0%" in out and "应访户数\t2" in out and "乙店：逾期 53 天" in out
    english = month_of_work.ok("report", "monthly", "--month", "2026-10").stdout
    assert "coverage\t50.0%" in english and "shops due\t2" in english
    assert "not a month" in month_of_work.fails(2, "report", "monthly", "--month", "Oct")


def test_parts_a_killed_writer_left_behind_are_swept_after_an_hour(cli, add_shop, tmp_path):
    add_shop()
    target = tmp_path / "r.xlsx"
    stale, fresh = tmp_path / ".r.xlsx.abc.part", tmp_path / ".r.xlsx.def.part"
    stale.write_bytes(b"PK half")
    fresh.write_bytes(b"PK being written")
    written = fresh.stat().st_mtime  # the file system's clock, not the pinned one
    os.utime(stale, (written - 7200, written - 7200))
    cli.ok("export", "customers", "-o", str(target))
    assert not stale.exists() and fresh.exists() and target.exists()


def test_each_managers_figures_in_the_report_are_that_managers_own_report(month_of_work):
    """The department's report splits its rows by manager; each manager's figures equal the
    report run for that manager alone, visits at a shop closed since included."""
    from custcli.db.opening import open_db
    from custcli.domain import report

    cli = month_of_work
    cli.ok("add", "--code", "0004", "--name", "丁店", "--account-manager", "李明")
    cli.ok("visit", "log", "0004", "--date", "2026-10-15")
    cli.ok("rm", "0004")  # closed after its October visit
    conn = open_db(cli.db)
    today = dt.date.today()
    split = {m["manager"]: m for m in report.monthly(conn, "2026-10", today)["managers"]}
    assert set(split) == {"李明", "王芳"}
    for name, figures in split.items():
        own = report.monthly(conn, "2026-10", today, manager=name)["summary"]
        assert {k: v for k, v in figures.items() if k != "manager"} == own, name
    assert split["李明"]["visits"] == 5  # 甲 three times, 丙 once, and the closed 丁


def test_a_managers_sheet_name_is_one_excel_takes_and_no_other_sheets():
    from custcli import i18n
    from custcli.present import report_layout

    i18n.use("zh")
    taken = {report_layout.sheet(name) for name in report_layout.SHEETS}
    first = report_layout.manager_sheet("张/三:[片区]*?", taken)
    assert first == "经理·张_三__片区___"
    long = report_layout.manager_sheet("很" * 40, taken)
    again = report_layout.manager_sheet("很" * 40, taken)
    assert len(long) == len(again) == 31 and long != again and again.endswith("~2")
    assert {first, long, again} <= taken
