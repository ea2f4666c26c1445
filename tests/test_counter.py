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


def test_the_tier_watch_agrees_with_a_hand_computation_of_the_example_rule(cli, add_shop, tmp_path):
    from custcli.domain.tiers import estimate, example_rule, read_rule

    rule = read_rule(None)
    # 30 cartons a month of one brand at 100 yuan a carton, for 12 months:
    # volume 30/300 → 10 points × 0.4 = 4; amount 3,000/60,000 → 5 × 0.3 = 1.5;
    # brands 1/40 → 2.5 × 0.2 = 0.5; price 100/250 → 40 × 0.1 = 4; score 10 → tier 4 (9 ≤ 10)
    assert estimate({"volume": 30, "amount": 3000, "brands": 1, "price": 100}, rule) == (10.0, 4)
    add_shop("0001", "小店", tier="12")  # the card says 12: at risk of a lower tier
    add_shop("0002", "对档店", tier="4")  # estimated 4 too, 2 points below tier 5: not near
    lines = []
    for back in range(1, 13):
        day = _months_back(back).isoformat()
        lines += [[day, "0001", "甲烟", 30, 3000], [day, "0002", "甲烟", 30, 3000]]
    rows = [["订货日期", "客户编码", "卷烟名称", "订购量(条)", "金额(元)"], *lines]
    cli.ok("import", str(write_xlsx(tmp_path / "o.xlsx", rows)), "--kind", "orders")
    found = {s["code"]: s for s in cli.json("tiers")["shops"]}
    assert set(found) == {"0001"}
    assert (found["0001"]["estimated"], found["0001"]["score"], found["0001"]["status"]) == (
        4,
        10.0,
        "down",
    )
    near = tmp_path / "near.toml"
    near.write_text(example_rule().replace("near = 1.5", "near = 2.5"))
    assert {s["code"]: s["status"] for s in cli.json("tiers", "--rule", str(near))["shops"]} == {
        "0001": "down",
        "0002": "near_up",
    }
    bad = tmp_path / "bad.toml"
    bad.write_text("[weights]\nvolume = 1\n[scales]\nvolume = 300\n[bands]\nlower = [0, 1]\n")
    assert "30 rising scores" in cli.fails(2, "tiers", "--rule", str(bad))
