"""The company's supply (货源投放): sheets in the wide and the long layout, tiers written three
ways, what a shop of a tier may order on its card and in its one breath."""

from __future__ import annotations

import datetime as dt

import pytest
from spreadsheets import write_xlsx

from custcli.domain.supply import period_start


def _wide(path, title="本周卷烟货源投放表"):
    rows = [
        [title],
        ["卷烟名称", "D30", "D29", "13档", "12档", "11档", "备注"],
        ["中华(硬)", 5, 5, 1, 1, None, "紧俏"],
        ["云烟(细支珍品)", 10, 10, 3, 2, 2, None],
        ["合计", 15, 15, 4, 3, 2, None],
    ]
    return write_xlsx(path, rows)


def _long(path):
    rows = [
        ["规格", "档位", "可订量(条)", "市场类型", "周期"],
        ["玉溪(软)", "11-15档", 6, "城网", "月"],
        ["玉溪(软)", "11-15档", 3, "农网", "月"],
        ["红塔山(经典)", "D12", 20, None, "月"],
        ["红河(软甲)", "第二十档", 9, None, "月"],
    ]
    return write_xlsx(path, rows)


@pytest.fixture
def shops(cli, add_shop):
    add_shop("0001", "城里店", tier="12", market="城网")
    add_shop("0002", "乡下店", tier="12", market="农网")
    add_shop("0003", "大店", tier="30", market="城网")
    return cli


def test_a_wide_sheet_gives_each_tier_its_allowance(shops, tmp_path):
    loaded = shops.json("supply", "import", str(_wide(tmp_path / "w.xlsx")))
    assert loaded["counts"] == {"new": 9, "updated": 0, "unchanged": 0}  # 合计 is no brand
    today = dt.date.today()
    assert loaded["periods"] == [
        {"period": "week", "starts": period_start("week", today).isoformat()}
    ]
    twelve = shops.json("supply", "--tier", "12")["allowances"]
    assert {(a["brand"], a["cartons"]) for a in twelve} == {("中华(硬)", 1), ("云烟(细支珍品)", 2)}
    again = shops.json("supply", "import", str(_wide(tmp_path / "w.xlsx")))
    assert again["counts"]["unchanged"] == 9  # the same sheet again changes nothing


def test_a_long_sheet_with_tiers_written_three_ways_and_market_types(shops, tmp_path):
    shops.json("supply", "import", str(_long(tmp_path / "l.xlsx")))
    twelve = shops.json("supply", "--month", "--tier", "12")["allowances"]
    assert sorted((a["brand"], a["cartons"], a["market"]) for a in twelve) == [
        ("玉溪(软)", 3, "农网"),
        ("玉溪(软)", 6, "城网"),
        ("红塔山(经典)", 20, None),
    ]
    assert [a["brand"] for a in shops.json("supply", "--month", "--tier", "20")["allowances"]] == [
        "红河(软甲)"
    ]
    town = shops.json("show", "0001")["supply"]["allowances"]
    country = shops.json("show", "0002")["supply"]["allowances"]
    assert {(a["brand"], a["cartons"]) for a in town} == {("玉溪(软)", 6), ("红塔山(经典)", 20)}
    assert {(a["brand"], a["cartons"]) for a in country} == {("玉溪(软)", 3), ("红塔山(经典)", 20)}


def test_the_card_and_the_breath_say_what_this_shop_may_order(shops, tmp_path):
    shops.ok("supply", "import", str(_wide(tmp_path / "w.xlsx")))
    said = shops.ok("--lang", "zh", "show", "0001", "--say").stdout
    assert "本周可订：中华(硬)1条、云烟(细支珍品)2条" in said and len(said.strip()) <= 80
    card = shops.ok("--lang", "zh", "show", "0001").stdout
    assert "本周可订：中华(硬)1条、云烟(细支珍品)2条" in card
    big = shops.ok("--lang", "zh", "show", "0003", "--say").stdout
    assert "中华(硬)5条" in big
    # the wide sheet names no market type: the 农网 shop of tier 12 may order the same
    assert "本周可订：中华(硬)1条" in shops.ok("--lang", "zh", "show", "0002", "--say").stdout


def test_a_supply_import_is_undone_as_one_change(shops, tmp_path):
    loaded = shops.json("supply", "import", str(_wide(tmp_path / "w.xlsx")))
    shops.ok("imports", "undo", str(loaded["import_id"]))
    assert shops.json("supply")["allowances"] == []
    assert "可订" not in shops.ok("--lang", "zh", "show", "0001").stdout


def test_a_sheet_that_is_not_a_supply_sheet_is_refused_in_one_line(shops, tmp_path):
    roster = write_xlsx(tmp_path / "r.xlsx", [["客户编码", "客户名称"], ["0009", "某店"]])
    assert "no brand column" in shops.fails(2, "supply", "import", str(roster))
    prices = write_xlsx(tmp_path / "p.xlsx", [["卷烟名称", "批发价"], ["中华(硬)", 450]])
    assert "no allowance" in shops.fails(2, "supply", "import", str(prices))
    dry = shops.json("supply", "import", str(_long(tmp_path / "l.xlsx")), "--dry-run")
    assert dry["counts"]["new"] == 4 and dry["import_id"] is None
    assert "no month supply" in shops.fails(1, "supply", "--month")  # the dry run wrote none


def test_a_scarce_brand_left_untaken_last_period_is_a_warning_on_the_card(shops, tmp_path):
    """中华(硬) is 一类 (the price list says so); tier 12 was allowed it last week and 0001
    did not order it: its card warns; 0003 (tier 30) ordered it: no warning."""
    today = dt.date.today()
    last_week = period_start("week", today) - dt.timedelta(days=7)
    prices = [
        ["卷烟名称", "批发价(元/条)", "价类"],
        ["中华(硬)", 450, "一类"],
        ["云烟(细支珍品)", 260, "二类"],
    ]
    shops.ok("import", str(write_xlsx(tmp_path / "b.xlsx", prices)))
    rows = [["日期", "卷烟名称", "12档", "13档", "30档"]]
    rows += [
        [last_week.isoformat(), "中华(硬)", 1, 1, 5],
        [last_week.isoformat(), "云烟(细支珍品)", 2, 3, 9],
    ]
    shops.ok("supply", "import", str(write_xlsx(tmp_path / "last.xlsx", rows)), "--period", "week")
    orders = [["订货日期", "客户编码", "卷烟名称", "订购量(条)"],
              [last_week.isoformat(), "0003", "中华(硬)", 5]]  # fmt: skip
    shops.ok("import", str(write_xlsx(tmp_path / "o.xlsx", orders)), "--kind", "orders")
    shops.ok("supply", "import", str(_wide(tmp_path / "w.xlsx")))  # this week's
    alerts = shops.json("show", "0001")["alerts"]
    assert {"kind": "supply_untaken", "period": "week", "brands": ["中华(硬)"]} in alerts
    assert "上周的中华(硬)可订量没有订" in shops.ok("--lang", "zh", "show", "0001").stdout
    assert not [a for a in shops.json("show", "0003")["alerts"] if a["kind"] == "supply_untaken"]


def test_brief_gives_a_districts_shops_and_cartons_for_each_brand(cli, add_shop, tmp_path):
    add_shop("0001", "城里店", tier="12", market="城网", district="东片")
    add_shop("0002", "乡下店", tier="12", market="农网", district="东片")
    add_shop("0003", "大店", tier="20", market="城网", district="东片")
    add_shop("0004", "西边店", tier="12", market="城网", district="西片")
    cli.ok("supply", "import", str(_long(tmp_path / "l.xlsx")))
    east = cli.json("brief", "--district", "东片")["supply"]
    assert east["period"] == "month"
    assert {(b["brand"], b["shops"], b["cartons"]) for b in east["brands"]} == {
        ("玉溪(软)", 2, 9),  # 6 for the 城网 shop, 3 for the 农网 one
        ("红塔山(经典)", 2, 40),
        ("红河(软甲)", 1, 9),  # tier 20 alone
    }
    everyone = cli.json("brief")["supply"]["brands"]
    assert ("玉溪(软)", 3, 15) in {(b["brand"], b["shops"], b["cartons"]) for b in everyone}
    screen = cli.ok("--lang", "zh", "brief", "--district", "东片").stdout
    assert "本月货源" in screen and "红塔山(经典)" in screen and "40" in screen
    cli.ok("imports", "undo", str(cli.json("imports")[0]["id"]))
    assert cli.json("brief")["supply"]["brands"] == []
    assert "cust supply import" in cli.ok("brief").stdout


def test_cust_import_knows_a_supply_sheet_and_an_order_export_with_tiers_is_none(shops, tmp_path):
    """Both layouts reach the supply through `cust import`; an order export that carries
    the shop's 档位 and a 数量 column names its shops, and stays an order export."""
    wide = shops.json("import", str(_wide(tmp_path / "w.xlsx")))
    assert wide["kind"] == "supply" and wide["counts"]["new"] == 9 and wide["import_id"]
    long = shops.json("import", str(_long(tmp_path / "l.xlsx")))
    assert long["counts"]["new"] == 4
    assert {a["brand"] for a in shops.json("supply", "--month")["allowances"]} == {
        "玉溪(软)", "红塔山(经典)", "红河(软甲)"
    }  # fmt: skip
    said = shops.json("import", str(_long(tmp_path / "l2.xlsx")), "--kind", "货源")
    assert said["counts"]["unchanged"] == 4
    orders = [["客户编码", "档位", "卷烟名称", "数量", "订货日期"],
              ["0001", "12", "玉溪(软)", 2, "2026-11-20"]]  # fmt: skip
    done = shops.json("import", str(write_xlsx(tmp_path / "o.xlsx", orders)), "--kind", "orders")
    assert done["counts"]["new"] == 1
    guessed = shops("import", str(write_xlsx(tmp_path / "o2.xlsx", orders)), "--json", "--dry-run")
    assert "supply" not in guessed.stdout + guessed.stderr
