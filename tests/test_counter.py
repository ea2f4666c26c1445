"""What to sell at the counter, from the orders: planted brand gaps are found and nothing the
shop carries; planted surges are found and a steady sample gives none."""

from __future__ import annotations

import datetime as dt

import openpyxl
from spreadsheets import write_xlsx

from custcli.months import add_months, month_start


def _months_back(n: int) -> dt.date:
    """The 5th of the month n months before the pinned today's."""
    return add_months(month_start(dt.date.today()), -n).replace(day=5)


def _orders(cli, tmp_path, lines, name="o.xlsx"):
    rows = [["订货日期", "客户编码", "卷烟名称", "订购量(条)"], *lines]
    cli.ok("import", str(write_xlsx(tmp_path / name, rows)), "--kind", "orders")


def test_gaps_are_the_brands_most_peers_carry_and_the_shop_does_not(cli, add_shop, tmp_path):
    add_shop("0000", "本店", tier="12", district="东片")
    lines = [[_months_back(1).isoformat(), "0000", "乙烟", 5]]
    for n in range(1, 11):  # ten peers of tier 12 in 东片
        code = f"{n:04d}"
        add_shop(code, f"同档店{n}", tier="12", district="东片")
        brands = ["甲烟", "乙烟"] if n <= 8 else []  # 80% carry 甲 and 乙
        brands += ["丙烟"] if n <= 3 else []  # 30% carry 丙
        lines += [[_months_back(2).isoformat(), code, b, 3] for b in brands]
    add_shop("0099", "别处店", tier="12", district="西片")  # not a peer
    lines += [[_months_back(1).isoformat(), "0099", "丁烟", 9]]
    _orders(cli, tmp_path, lines)
    found = cli.json("gaps", "0000")
    assert found["peers"] == 10
    assert [(g["brand"], g["share_pct"]) for g in found["gaps"]] == [("甲烟", 80.0)]
    assert [g["brand"] for g in cli.json("gaps", "0000", "--share", "25")["gaps"]] == [
        "甲烟",
        "丙烟",
    ]
    said = cli.ok("--lang", "zh", "gaps", "0000").stdout
    assert "甲烟" in said and "80% (8/10)" in said and "乙烟" not in said
    coverage = cli.json("brand", "coverage", "甲烟")["rows"]
    east = next(r for r in coverage if r["district"] == "东片" and r["tier"] == 12)
    assert (east["shops"], east["carrying"]) == (11, 8)


def test_surges_are_found_and_a_steady_month_gives_none(cli, add_shop, tmp_path):
    lines = []
    for n in range(30):  # thirty tier-10 shops ordering about 10 cartons a month
        code = f"{n:04d}"
        add_shop(code, f"店{n}", tier="10")
        for back in (1, 2, 3, 4):
            lines.append([_months_back(back).isoformat(), code, "甲烟", 10 + n % 3])
    _orders(cli, tmp_path, lines)
    assert cli.json("anomalies")["surges"] == []  # steady: nothing
    add_shop("0100", "猛增店", tier="10")
    add_shop("0101", "大户", tier="10")
    planted = [[_months_back(b).isoformat(), "0100", "乙烟", 4] for b in (2, 3, 4)]
    planted += [[_months_back(1).isoformat(), "0100", "乙烟", 20]]  # 5 times its usual
    planted += [[_months_back(b).isoformat(), "0101", "甲烟", 400] for b in (1, 2, 3, 4)]
    _orders(cli, tmp_path, planted, "p.xlsx")
    found = cli.json("anomalies")["surges"]
    assert {(s["code"], s["rule"]) for s in found} == {("0100", "jump"), ("0101", "band")}
    jump = next(s for s in found if s["rule"] == "jump")
    assert (jump["brand"], jump["qty"], jump["average"], jump["times"]) == ("乙烟", 20, 4, 5)
    target = tmp_path / "销售异动反馈表.xlsx"
    cli.ok("--lang", "zh", "anomalies", "-o", str(target))
    sheet = openpyxl.load_workbook(target).active
    assert sheet.max_row == 1 + len(found) and sheet["A1"].value == "客户编码"
