"""一口清: the shop's business in figures, --say, brief, brands, plan, policy and the drill."""

from __future__ import annotations

import datetime as dt

import pytest
from spreadsheets import write_xlsx

from custcli.domain import business, drill

AS_OF = "2026-11-23"  # the window is Aug, Sep and Oct 2026


def _brands(tmp_path):
    rows = [
        ["卷烟名称", "批发价(元/条)", "零售价(元/条)"],
        ["玉溪(软)", 180, 230],
        ["红河(软甲)", 45, 55],
    ]
    return write_xlsx(tmp_path / "brands.xlsx", rows)


def _orders(tmp_path, months: dict[str, int]):
    """Two orders a month: `qty` 条 of 玉溪(软) (一类) and 10 of 红河(软甲) (三类) each time."""
    rows = [["订货日期", "客户编码", "卷烟名称", "订购量(条)", "金额(元)"]]
    for month, qty in months.items():
        for day in ("05", "19"):
            rows.append([f"{month}-{day}", "000100000001", "玉溪(软)", qty, qty * 180])
            rows.append([f"{month}-{day}", "000100000001", "红河(软甲)", 10, 450])
    return write_xlsx(tmp_path / "orders.xlsx", rows)


def test_business_figures_from_the_order_lines(cli, add_shop, tmp_path):
    add_shop()
    cli.ok("import", str(_brands(tmp_path)))
    cli.ok(
        "import",
        str(_orders(tmp_path, {"2026-08": 15, "2026-09": 15, "2026-10": 15, "2026-11": 99})),
    )
    biz = cli.json("show", "000100000001", "--as-of", AS_OF)["business"]
    assert biz["monthly_avg_qty"] == 50 and biz["brand_width"] == 2
    assert biz["structure"] == {"class_1": 60.0, "class_3": 40.0}  # codes: 一类, 三类
    assert biz["monthly_avg_amount"] == 6300 and biz["avg_price"] == 126.0  # 6300 元 / 50 条
    assert biz["est_gross_profit"] == 1700  # 2 × (15 × 50 + 10 × 10) a month
    assert biz["from"] == "2026-08-01" and biz["to"] == "2026-10-31"
    assert biz["trend"]["qty"][-3:] == [50, 50, 50] and len(biz["trend"]["sparkline"]) == 12
    assert biz["change_vs_previous_pct"] is None  # nothing bought May-July


def test_falling_orders_and_compliance_raise_warnings(cli, add_shop, tmp_path):
    add_shop(compliance="C", visit_cycle_days="7")
    cli.ok("import", str(_brands(tmp_path)))
    months = {
        "2025-08": 40,
        "2025-09": 40,
        "2025-10": 40,
        "2026-05": 40,
        "2026-06": 40,
        "2026-07": 40,
        "2026-08": 5,
        "2026-09": 5,
        "2026-10": 5,
        "2026-11": 5,  # still ordering on its usual days: only the amounts fell
    }
    cli.ok("import", str(_orders(tmp_path, months)))
    cli.ok("visit", "log", "000100000001", "--date", "2026-11-13")  # a 7-day shop, 3 days late
    shown = cli.json("show", "000100000001", "--as-of", AS_OF, "--months", "3")
    biz = shown["business"]
    assert biz["change_vs_previous_pct"] == -70.0 and biz["change_vs_year_ago_pct"] == -70.0
    kinds = {a["kind"] for a in shown["alerts"]}
    assert kinds == {"overdue", "churn", "compliance"}
    rules = [a["rule"] for a in shown["alerts"] if a["kind"] == "churn"]
    assert rules == ["fall_vs_before", "fall_vs_year_ago"]


def test_a_steady_compliant_visited_shop_raises_no_warning(cli, add_shop, tmp_path):
    add_shop(credit_grade="AA", compliance="无违规", visit_cycle_days="30")
    cli.ok("import", str(_brands(tmp_path)))
    cli.ok("import", str(_orders(tmp_path, {f"2026-{m:02d}": 15 for m in range(5, 12)})))
    cli.ok("visit", "log", "000100000001", "--date", "2026-11-20")
    assert cli.json("show", "000100000001", "--as-of", AS_OF)["alerts"] == []


def test_sparkline():
    assert business.sparkline([0, 4, 8]) == "▁▅█" and business.sparkline([0, 0]) == "▁▁"


def _buying_and_fading(cli) -> tuple[str, str]:
    """A sample shop that bought in the window, and one that stopped after July."""
    shops = {c["code"]: cli.json("show", c["code"])["business"] for c in cli.json("list")}
    buying = next(code for code, biz in shops.items() if biz["monthly_avg_qty"])
    fading = next(
        code
        for code, biz in shops.items()
        if not biz["monthly_avg_qty"] and any(biz["trend"]["qty"])
    )
    return buying, fading


def test_say_on_the_sample_data_is_one_sentence_with_no_empty_slots(sample_cli):
    code, fading = _buying_and_fading(sample_cli)
    said = sample_cli.ok("--lang", "zh", "show", code, "--say").stdout.strip()
    assert "\n" not in said and said.endswith("。") and said.count("。") == 1
    # in the order a manager speaks: who, what it buys, when it orders (#36)
    assert "，老板" in said and said.index("老板") < said.index("档") < said.index("月均约")
    for word in ("老板", "档", "月均约", "主销"):
        assert word in said, word
    for word in ("电话", "地址", "条均价", "结构"):  # said at the door, not read off the card
        assert word not in said, word
    assert "None" not in said and "，，" not in said
    english = sample_cli.ok("--lang", "en", "show", code, "--say").stdout
    assert "None" not in english and "boss" in english and "cartons a month" in english
    quiet = sample_cli.ok("--lang", "zh", "show", fading, "--say").stdout
    assert "近3个月无购进" in quiet and "月均约" not in quiet


def test_say_leaves_missing_facts_out(cli, add_shop):
    add_shop()  # a code and a name, nothing else
    said = cli.ok("--lang", "zh", "show", "000100000001", "--say").stdout.strip()
    assert said == "张三烟酒店。"  # nothing else is known: nothing else is said
    assert "None" not in said and "老板" not in said and "无购进" not in said


def test_show_fits_one_screen_on_the_sample_data(sample_cli):
    code = sample_cli.json("list", "--limit", "1")[0]["code"]
    cli = sample_cli
    cli.ok("note", code, "喜欢喝普洱")
    cli.ok("complaint", "add", code, "--text", "送货晚")
    out = cli.ok("--lang", "zh", "show", code).stdout.splitlines()
    assert len(out) <= 40
    text = "\n".join(out)
    for section in ("[基本]", "[经营（近3个月）]", "[拜访]", "[往来]"):
        assert section in text
    shown = cli.json("show", code)
    assert set(shown) == {"card", "business", "visits", "relationship", "alerts", "supply"}
    assert set(shown["business"]) >= {
        "monthly_avg_qty",
        "monthly_avg_amount",
        "brand_width",
        "avg_price",
        "structure",
        "est_gross_profit",
        "trend",
    }
    english = cli.ok("--lang", "en", "show", code).stdout
    assert "Visits: every 14 days" in english and "天" not in english.split("[Business")[0]
    full = cli.ok("show", code, "--full").stdout
    assert "[Business process]" in full and "[Other]" in full


def test_brief_on_the_sample_data_shows_six_kinds_of_facts_that_add_up(sample_cli, today):
    cli = sample_cli
    # As of the day the sample's orders run to (last month's end), so that the year to date
    # has orders on any day the suite runs, 1 January included.
    as_of = today.replace(day=1) - dt.timedelta(days=1)
    year, month, day = str(as_of.year), as_of.isoformat()[:7], as_of.isoformat()
    cli.ok("plan", "set", "--year", year, "--volume", "30", "--revenue", "1500000")
    cli.ok("policy", "set", "--month", month, "--text", "一类烟26-30档每户5条")
    facts = cli.json("brief", "--as-of", day)
    assert facts["retailers"] == {"count": 30, "department": 30, "share_pct": 100.0}
    assert set(facts["spread"]) == {"format", "tier_band", "market"}
    assert sum(facts["spread"]["format"].values()) == 30
    assert sum(facts["spread"]["tier_band"].values()) == 30
    assert len(facts["brands"]) == 18 and facts["policy"]["text"] == "一类烟26-30档每户5条"
    plan = facts["plan"]
    assert plan["year_plan"]["avg_price"] == 200.0  # 1,500,000 元 / (30 箱 × 250 条)
    done = plan["department_to_date"]
    assert plan["progress_pct"]["volume"] == round(done["volume_cases"] / 30 * 100, 1)
    districts = [
        cli.json("brief", "--as-of", day, "--district", d)
        for d in ("城东片区", "城西片区", "北郊片区")
    ]
    assert sum(d["retailers"]["count"] for d in districts) == 30
    volumes = [d["plan"]["scope_to_date"]["volume_cases"] for d in districts]
    assert sum(volumes) == pytest.approx(done["volume_cases"], abs=0.05)
    revenue = sum(d["plan"]["scope_to_date"]["revenue"] for d in districts)
    assert revenue == pytest.approx(done["revenue"])
    assert sum(d["plan"]["scope_share_pct"]["volume"] for d in districts) == pytest.approx(
        100, abs=0.2
    )
    text = cli.ok("brief", "--as-of", day, "--district", "城东片区").stdout
    assert f"supply policy {month}: 一类烟26-30档每户5条" in text and f"plan {year}" in text


def test_plan_and_policy_commands(cli, tmp_path):
    assert "above 0" in cli.fails(
        2, "plan", "set", "--year", "2026", "--volume", "0", "--revenue", "1"
    )
    assert "no supply policy for 2026-11" in cli.fails(1, "policy", "show", "--month", "2026-11")
    assert "--text or --file" in cli.fails(2, "policy", "set", "--month", "2026-11")
    assert "not a month" in cli.fails(2, "policy", "set", "--month", "Nov", "--text", "x")
    policy = tmp_path / "policy.txt"
    policy.write_bytes("新品红河(硬99)每户限2条".encode("gbk"))
    cli.ok("policy", "set", "--month", "2026-11", "--file", str(policy))
    assert cli.json("policy", "show", "--month", "2026-11")["text"] == "新品红河(硬99)每户限2条"


def test_brand_commands(cli):
    cli.ok("brand", "add", "玉溪(软)", "--wholesale", "180元", "--retail", "230")
    cli.ok("brand", "add", "春城(软)", "--wholesale", "12", "--promotion", "买十送一")
    assert [(b["name"], b["price_class"]) for b in cli.json("brand", "list")] == [
        ("玉溪(软)", 1),
        ("春城(软)", 5),
    ]
    cli.ok("brand", "edit", "玉溪(软)", "--set", "retail_price=240", "--set", "features=畅销")
    brand = cli.json("brand", "list")[0]
    assert brand["retail_price"] == 240 and brand["features"] == "畅销"
    assert "exists already" in cli.fails(2, "brand", "add", "玉溪(软)")
    assert "unknown brand field" in cli.fails(2, "brand", "edit", "玉溪(软)", "--set", "x=1")
    assert "price_class" in cli.fails(2, "brand", "add", "新烟", "--class", "九类")
    assert "no brand" in cli.fails(1, "brand", "rm", "黄金叶")
    cli.ok("brand", "rm", "春城(软)")
    assert [b["name"] for b in cli.json("brand", "list")] == ["玉溪(软)"]


def test_drill_checks_answers_kindly_and_brings_missed_shops_back_first(cli, add_shop, db_path):
    add_shop(
        "0001",
        "张三烟酒店",
        owner="张三",
        phone="13800138000",
        tier="12",
        settlement="电子结算",
        order_day="周二",
    )
    add_shop("0002", "李四便利店", owner="李四", phone="13912345678", tier="5")
    from custcli.db.opening import open_db

    conn = open_db(db_path)
    today = dt.date(2026, 11, 23)
    shops = drill.pick(conn, None, 2, today)
    answers = {
        "Who owns it?": "zhangsan",
        "Its phone?": "１３８ ００１３ ８０００",
        "Which day does it order?": "星期二",
        "Which tier?": "12档",
        "How does it settle?": "电子",
        "Cartons bought last month?": "0",
    }
    wrong_for = "李四便利店"

    def ask(shop: dict, item: dict) -> str:
        return "不知道" if shop["name"] == wrong_for else answers[item["question"]]

    told = []
    result = drill.run(shops, ask, lambda shop, item, right: told.append((shop["name"], right)))
    assert result["right"] == 6  # every answer about 张三烟酒店, each in a forgiving form
    assert {m["name"] for m in result["missed"]} == {"李四便利店"}
    assert {m["label"] for m in result["missed"]} == {
        "owner",
        "phone",
        "tier",
        "cartons last month",
    }
    assert result["score"] == round(6 / result["asked"] * 100)
    assert told.count(("张三烟酒店", True)) == 6 and told.count(("李四便利店", False)) == 4
    drill.record(conn, result)
    assert next(s["name"] for s in drill.pick(conn, None, 2, today)) == "李四便利店"


def test_drill_json_and_refusal_off_a_terminal(cli, add_shop):
    add_shop("000100000009", "已关店")
    cli.ok("rm", "000100000009")  # a database with no shop in business
    assert "no active shops" in cli.fails(1, "drill")
    add_shop(owner="张三", tier="12")
    questions = cli.json("drill", "--count", "1")
    assert [q["field"] for q in questions[0]["questions"]] == ["owner", "tier", "last_month_qty"]
    assert "run it in a terminal" in cli.fails(2, "drill")


def test_say_is_one_breath_for_every_sample_shop(sample_cli):
    """At most 80 characters, in the order a manager speaks; no phone digits, no address,
    no decimals of cartons."""
    import re

    for shop in sample_cli.json("list"):
        said = sample_cli.ok("--lang", "zh", "show", shop["code"], "--say").stdout.strip()
        assert len(said) <= 80, said
        assert said.startswith(shop["name"]), said
        if shop["owner"]:
            assert f"老板{shop['owner']}" in said, said
        if shop["tier"]:
            assert f"{shop['tier']}档" in said, said
        assert not re.search(r"\d{7,}", said), said  # no phone, no code
        assert not re.search(r"\d+\.\d+条", said), said
        if shop["address"]:
            assert shop["address"] not in said, said
        if shop["order_day"]:
            assert f"{shop['order_day']}订货" in said or len(said) > 70, said


def test_say_keeps_the_promise_and_the_warning_that_matters(sample_cli):
    code = sample_cli.json("list")[0]["code"]
    sample_cli.ok("visit", "log", code, "--kind", "电话", "--follow-up", "送新品海报")
    said = sample_cli.ok("--lang", "zh", "show", code, "--say").stdout
    assert "上次答应：送新品海报" in said
