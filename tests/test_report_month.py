"""The monthly report as a 市场部 head reads and signs it: every figure that names shops is
the row count of the sheet that lists them, a month is counted as it was, the month under way
runs to today and is compared like with like, and a company's template comes back with typed
values and its formulas, print area and names grown over the rows it became."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest
from spreadsheets import write_xlsx

from custcli.months import add_months, month_end, month_start


def _sheet_rows(book, name: str) -> list[list]:
    """The rows under a sheet's header."""
    return [list(r) for r in book[name].iter_rows(min_row=2, values_only=True) if any(r)]


def _figures(book) -> dict[str, object]:
    """The summary sheet's figures by their label."""
    rows = book.worksheets[0].iter_rows(values_only=True)
    return {str(label).strip(): value for label, value, *_ in rows if label is not None}


def test_every_figure_that_names_shops_is_the_sheet_that_lists_them(sample_cli, tmp_path):
    target = tmp_path / "月报.xlsx"
    sample_cli.ok("--lang", "zh", "report", "monthly", "--month", "上月", "-o", str(target))
    summary = sample_cli.json("report", "monthly", "--month", "上月")
    book = openpyxl.load_workbook(target)
    visits = _sheet_rows(book, "拜访明细")
    not_visited = _sheet_rows(book, "未拜访")
    customers = _sheet_rows(book, "客户")
    assert summary["not_visited"] == len(not_visited) == summary["due"] - summary["visited"]
    assert summary["visits"] == len(visits) == sum(summary["visits_by_kind"].values())
    assert summary["customers"] == len(customers)
    problem_col = [c.value for c in book["拜访明细"][1]].index("发现问题")
    assert summary["visits_with_problem"] == sum(1 for r in visits if r[problem_col])
    shown = _figures(book)
    assert shown["逾期未访"] == len(not_visited) and shown["拜访次数"] == len(visits)
    assert (shown["实地"], shown["电话"], shown["线上"]) == tuple(
        summary["visits_by_kind"].get(k, 0) for k in ("field", "phone", "online")
    )
    assert isinstance(shown["覆盖率"], float) and shown["客户户数"] == len(customers)
    first = book.worksheets[0]
    texts = [str(c.value) for row in first.iter_rows() for c in row if c.value is not None]
    assert "说明" in texts and any(t.startswith("逾期未访：") for t in texts)
    assert any(t.startswith("制表人") for t in texts) and any(t.startswith("审核人") for t in texts)
    assert first.print_options.horizontalCentered
    assert "客户经理" in [c.value for c in book["未拜访"][1]]
    assert "客户经理" in [c.value for c in book["客户"][1]]


def test_a_past_month_is_counted_as_it_was(month_of_work):
    cli = month_of_work
    before = cli.json("report", "monthly", "--month", "2026-10")
    before_wang = cli.json("report", "monthly", "--month", "2026-10", "--manager", "王芳")
    cli.ok("add", "--code", "0009", "--name", "新开店", "--account-manager", "王芳")  # after it
    cli.ok("edit", "0002", "--set", "account_manager=李明")  # moved since
    cli.ok("edit", "0003", "--set", "district=北片")
    cli.ok("rm", "0001")  # closed since
    after = cli.json("report", "monthly", "--month", "2026-10")
    assert after == before
    wang = cli.json("report", "monthly", "--month", "2026-10", "--manager", "王芳")
    assert wang == before_wang and wang["customers"] == 1 and wang["due"] == 1
    west = cli.json("report", "monthly", "--month", "2026-10", "--district", "西片")
    assert west["customers"] == 1  # 丙 was in 西片 then
    now = cli.json("report", "monthly", "--month", "本月")
    assert now["customers"] == 3  # 乙, 丙 and the new shop; 甲 is closed


def test_the_month_under_way_runs_to_today_and_compares_the_same_days(cli, add_shop, tmp_path):
    today = dt.date.today()  # pinned
    first = month_start(today)
    previous = add_months(first, -1)
    add_shop("0001", "甲店")
    lines = [
        ["订货日期", "客户编码", "卷烟名称", "订购量(条)", "金额(元)"],
        [first.isoformat(), "0001", "玉溪(软)", 10, 1000],
        [previous.isoformat(), "0001", "玉溪(软)", 4, 400],
        [add_months(first, -12).isoformat(), "0001", "玉溪(软)", 5, 500],
    ]
    later = previous.replace(day=min(today.day + 1, month_end(previous).day))
    if today != month_end(today) and later.day > today.day:
        lines.append([later.isoformat(), "0001", "玉溪(软)", 100, 10000])  # not yet come
    cli.ok("import", str(write_xlsx(tmp_path / "o.xlsx", lines)))
    summary = cli.json("report", "monthly", "--month", "本月")
    assert summary["through"] == today.isoformat()
    assert summary["orders_through"] == first.isoformat()  # the order data runs to the 1st
    assert summary["order_qty"] == 10 and summary["order_qty_prev_month"] == 4
    assert summary["order_qty_change_pct"] == 150.0 and summary["order_qty_yoy_pct"] == 100.0
    said = cli.ok("--lang", "zh", "report", "monthly", "--month", "本月").stdout
    assert f"截至{today.month}月{today.day}日" in said


def test_no_order_data_yet_is_no_figure_and_never_minus_100(cli, add_shop, tmp_path):
    add_shop("0001", "甲店")
    previous = add_months(month_start(dt.date.today()), -1)
    lines = [
        ["订货日期", "客户编码", "卷烟名称", "订购量(条)"],
        [previous.isoformat(), "0001", "玉溪", 4],
    ]
    cli.ok("import", str(write_xlsx(tmp_path / "o.xlsx", lines)))
    summary = cli.json("report", "monthly", "--month", "本月")
    assert summary["order_qty"] is None and summary["order_qty_change_pct"] is None
    assert summary["orders_through"] is None


def test_a_month_not_yet_begun_is_refused(cli, add_shop):
    add_shop()
    next_month = add_months(month_start(dt.date.today()), 1).isoformat()[:7]
    assert "has not begun" in cli.fails(2, "report", "monthly", "--month", next_month)
    assert "has not begun" in cli.fails(2, "managers", "--month", next_month)


def _template(path, sheet_rows, build=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "月报"
    for row in sheet_rows:
        sheet.append(row)
    if build:
        build(book, sheet)
    book.save(path)
    return path


def test_a_template_gets_typed_values_and_its_formulas_grow_over_the_rows(month_of_work, tmp_path):
    def build(book, sheet):
        sheet["B1"].number_format = '0"户"'
        sheet["C1"].number_format = "0.0%"
        sheet.print_area = "A1:F8"
        from openpyxl.workbook.defined_name import DefinedName

        book.defined_names["拜访区"] = DefinedName("拜访区", attr_text="'月报'!$A$4:$F$4")
        sheet.merge_cells("D4:E4")

    rows = [
        ["应访", "{{ 应访户数 }}", "{{ 覆盖率 }}", "{{ 制表日期 }}", "共{{ 拜访次数 }}次"],
        [],
        ["序号", "日期", "客户编码", "方式", None, "满意度"],
        [
            "{{ 序号 }}",
            "{{ 拜访.日期 }}",
            "{{ 拜访.客户编码 }}",
            "{{ 拜访.方式 }}",
            None,
            "{{ 拜访.满意度 }}",
        ],
        ["合计", "=COUNTA(B4:B4)", None, None, None, "=SUM(F4:F4)"],
        ["未访", "{{ 未访.客户编码 }}", "{{ 未访.店名 }}"],
        ["未访户数", "=COUNTA(B6:B6)", "=B5*2"],
    ]
    template = _template(tmp_path / "模板.xlsx", rows, build)
    target = tmp_path / "填好.xlsx"
    month_of_work.ok(
        "report", "monthly", "--month", "2026-10", "--template", str(template), "-o", str(target)
    )
    sheet = openpyxl.load_workbook(target)["月报"]
    assert sheet["B1"].value == 2 and sheet["B1"].number_format == '0"户"'  # its own format
    assert sheet["C1"].value == pytest.approx(0.5) and isinstance(sheet["D1"].value, dt.datetime)
    assert sheet["E1"].value == "共4次"
    # four visits: rows 4-7; the total row moved to 8 and its ranges grew over them
    assert [sheet.cell(r, 1).value for r in range(4, 8)] == [1, 2, 3, 4]
    assert isinstance(sheet["B4"].value, dt.datetime)
    assert sheet["A8"].value == "合计" and sheet["B8"].value == "=COUNTA(B4:B7)"
    assert sheet["F8"].value == "=SUM(F4:F7)"
    # one shop due and not visited: its table (moved to row 9) stays one row
    assert sheet["B9"].value == "0002" and sheet["B10"].value == "=COUNTA(B9:B9)"
    assert sheet["C10"].value == "=B8*2"  # pointing at the total row where it went
    assert sheet.print_area == "'月报'!$A$1:$F$11"
    book = openpyxl.load_workbook(target)
    assert book.defined_names["拜访区"].attr_text == "'月报'!$A$4:$F$7"
    assert all(f"D{r}:E{r}" in sheet.merged_cells for r in range(4, 8))


def test_the_template_itself_is_refused_as_the_output(month_of_work, tmp_path):
    template = _template(tmp_path / "模板.xlsx", [["{{ 应访户数 }}"]])
    message = month_of_work.fails(
        2, "report", "monthly", "--month", "2026-10", "--template", str(template),
        "-o", str(template),
    )  # fmt: skip
    assert "template itself" in message
    assert openpyxl.load_workbook(template).active["A1"].value == "{{ 应访户数 }}"


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _pages(pdf) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_the_report_and_a_filled_template_print_as_many_pages_as_their_rows(
    sample_cli, month_of_work, tmp_path
):
    report = tmp_path / "月报.xlsx"
    sample_cli.ok("--lang", "zh", "report", "monthly", "--month", "上月", "-o", str(report))
    book = openpyxl.load_workbook(report)
    rows = {name: book[name].max_row for name in book.sheetnames}
    template = _template(
        tmp_path / "模板.xlsx",
        [
            ["日期", "客户编码"],
            ["{{ 拜访.日期 }}", "{{ 拜访.客户编码 }}"],
            ["合计", "=COUNTA(A2:A2)"],
        ],
        lambda book, sheet: setattr(sheet, "print_area", "A1:B3"),
    )
    filled = tmp_path / "填好.xlsx"
    sample_cli.ok(
        "report", "monthly", "--month", "上月", "--template", str(template), "-o", str(filled)
    )
    visits = openpyxl.load_workbook(filled)["月报"].max_row - 2  # header and total aside
    for workbook in (report, filled):
        subprocess.run(
            [SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
             str(workbook)],
            check=True, capture_output=True, timeout=180,
            env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
    pages = _pages(report.with_suffix(".pdf"))
    # the summary and each manager's page one page each; a detail sheet about 40 rows a page
    detail = sum(rows[name] for name in ("拜访明细", "未拜访", "客户"))
    assert len(book.sheetnames) - 3 + detail // 60 <= pages <= len(book.sheetnames) + detail // 20
    filled_pages = _pages(filled.with_suffix(".pdf"))
    assert visits // 60 + 1 <= filled_pages <= visits // 20 + 2, (visits, filled_pages)


def test_the_week_for_the_weekly_meeting(cli, add_shop, tmp_path):
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=1)  # 上周
    add_shop("0001", "甲店", visit_cycle_days="7")
    add_shop("0002", "乙店", visit_cycle_days="7")
    day = monday + dt.timedelta(days=2)
    due = (monday + dt.timedelta(days=9)).isoformat()  # in the week after
    cli.ok("visit", "log", "0001", "--date", day.isoformat(), "--found", "价签缺失",
           "--follow-up", "补价签", "--due", due)  # fmt: skip
    cli.ok("visit", "log", "0002", "--date", day.isoformat(), "--kind", "电话")
    cli.ok("visit", "log", "0002", "--date", (monday - dt.timedelta(days=1)).isoformat())
    cli.ok("complaint", "add", "0002", "--text", "送货晚", "--date", day.isoformat())
    week = cli.json("report", "weekly", "--week", "上周")
    assert week["week"] == f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"
    assert week["visits"] == 2 and week["visits_by_kind"] == {"field": 1, "phone": 1}
    assert week["visits_with_problem"] == 1
    assert week["not_visited"] == week["due"] - week["visited"]
    assert week["followups_due_next_week"] == 1 and week["complaints_open"] == 1
    assert "order_qty" not in week
    target = tmp_path / "周报.xlsx"
    cli.ok("--lang", "zh", "report", "weekly", "--week", "上周", "-o", str(target))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["汇总", "拜访明细", "未拜访", "下周到期跟进", "待处理投诉"]
    assert (
        len(_sheet_rows(book, "拜访明细")) == 2
        and len(_sheet_rows(book, "未拜访")) == (week["not_visited"])
    )
    assert _sheet_rows(book, "下周到期跟进")[0][1:] == ["0001", "甲店", "补价签"]
    assert "周报" in book.worksheets[0]["A1"].value
    template = _template(
        tmp_path / "周报模板.xlsx",
        [["{{ 周次 }}"], ["{{ 序号 }}", "{{ 跟进.客户编码 }}", "{{ 跟进.内容 }}"], ["完"]],
    )
    filled = tmp_path / "填好周报.xlsx"
    cli.ok("report", "weekly", "--week", "上周", "--template", str(template), "-o", str(filled))
    sheet = openpyxl.load_workbook(filled).active
    assert [c.value for c in sheet[2]] == [1, "0001", "补价签"] and sheet["A3"].value == "完"
    next_week = (today + dt.timedelta(days=7)).isoformat()
    assert "has not begun" in cli.fails(2, "report", "weekly", "--week", next_week)


def test_the_roster_export_prints_as_a_roster(sample_cli, tmp_path):
    target = tmp_path / "客户名册.xlsx"
    sample_cli.ok("--lang", "zh", "export", "客户", "-o", str(target))
    sheet = openpyxl.load_workbook(target).active
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["客户编码", "客户名称"]  # the company rosters' words
    assert sheet.oddHeader.center.text == "客户" and "第 &P 页" in sheet.oddFooter.center.text
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
    # wider than a page holds: two pages across, the code and the name on both
    assert len(headers) > 12 and sheet.page_setup.fitToWidth == 2
    assert sheet.print_title_cols == "$A:$B"
    cycle = headers.index("拜访周期") + 1
    filled = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, cycle).value)
    assert sheet.cell(filled, cycle).number_format == '0"天"'  # 14天 on paper, 14 in the cell
    assert isinstance(sheet.cell(filled, cycle).value, (int, float))
    again = sample_cli.json("import", str(target), "--dry-run")["counts"]
    assert again["new"] == again["updated"] == again["rejected"] == 0
