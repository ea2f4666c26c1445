"""Who matters and who is slipping away: pyramid tiers, churn rules, loyal customers, managers."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spreadsheets import write_xlsx

from custcli import i18n
from custcli.db import insights, rollups
from custcli.db.opening import open_db
from custcli.domain.churn import ChurnRules, reasons
from custcli.domain.pyramid import BOUNDARIES, UNRANKED
from custcli.months import shift_months, year_to
from custcli.present import words

AS_OF = dt.date(2026, 11, 23)


def ranked(amounts: list[float], bought_before: list[bool] | None = None) -> list[tuple]:
    """The database's tiers (insights.tiered) for customers 1…n who bought these amounts in
    the twelve months to AS_OF (0: nothing), some of them also before those months."""
    bought_before = bought_before or [False] * len(amounts)
    with tempfile.TemporaryDirectory() as folder:
        conn = open_db(Path(folder) / "cust.db")
        conn.executemany(
            "INSERT INTO customers (id, code, name) VALUES (?, ?, '店')",
            [(i, f"{i:04d}") for i in range(1, len(amounts) + 1)],
        )
        lines = [(i, "2026-10-05", a) for i, a in enumerate(amounts, 1) if a > 0]
        lines += [(i, "2025-06-05", 1.0) for i, old in enumerate(bought_before, 1) if old]
        conn.executemany(
            "INSERT INTO orders (customer_id, date, brand, qty, amount) VALUES (?, ?, 'x', 1, ?)",
            lines,
        )
        rollups.rebuild(conn)
        day = AS_OF.isoformat()
        rows = insights.tiered(conn, {"a": year_to(AS_OF)}, {"a": day}, BOUNDARIES, UNRANKED, day)
        conn.close()
    return sorted(tuple(r) for r in rows)


def tiers_of(amounts: list[float]) -> list[str]:
    return [tier for *_, tier in ranked(amounts)]


def reference_rank(amounts: dict[int, float]) -> dict[int, str]:
    """The pyramid's rule, step by step: by amount, a tier ending where its cumulative share
    is reached, rounded up; customers tied on amount share the tier of the best placed."""
    order = sorted(amounts.items(), key=lambda item: (-item[1], item[0]))
    ends = [(tier, math.ceil(len(order) * share)) for tier, share in BOUNDARIES]
    tiers: dict[int, str] = {}
    tier_of_amount: dict[float, str] = {}
    boundary = 0
    for position, (customer_id, amount) in enumerate(order, 1):
        while position > ends[boundary][1]:
            boundary += 1
        tiers[customer_id] = tier_of_amount.setdefault(amount, ends[boundary][0])
    return tiers


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0, 0, 5, 100, 250, 999.99, 1000, 1e6]) | st.integers(0, 400),
            st.booleans(),
        ),
        min_size=1,
        max_size=260,
    )
)
def test_the_databases_tiers_follow_the_rule_step_by_step(customers):
    """Ranked in SQL (rank() and shares of the active count) as the rule says, ties and
    rounding up included; inactive if bought before the twelve months, else potential."""
    amounts, old = [float(a) for a, _ in customers], [o for _, o in customers]
    rows = ranked(amounts, old)
    want = reference_rank({r[0]: r[3] for r in rows if r[3] > 0})
    for customer_id, _code, _name, amount, tier in rows:
        if amount > 0:
            assert tier == want[customer_id]
        else:
            assert tier == ("inactive" if old[customer_id - 1] else "potential")


def test_tier_boundaries_at_1_5_and_20_percent_of_200_customers():
    tiers = tiers_of([1000 - i for i in range(200)])  # all different, best first
    assert tiers.count("top") == 2 and tiers.count("high") == 8
    assert tiers.count("mid") == 30 and tiers.count("low") == 160
    assert tiers[1] == "top" and tiers[2] == "high" and tiers[9] == "high"
    assert tiers[10] == "mid" and tiers[39] == "mid" and tiers[40] == "low"


def test_customers_tied_across_a_boundary_share_the_better_tier():
    amounts = [1000 - i for i in range(200)]
    amounts[2] = amounts[1]  # the 3rd ties the 2nd, the last of the top 1%
    amounts[40] = amounts[39]  # the 41st ties the 40th, the last of the top 20%
    tiers = tiers_of(amounts)
    assert tiers[2] == "top" and tiers.count("top") == 3
    assert tiers[40] == "mid" and tiers.count("low") == 159


@pytest.mark.parametrize(
    ("n", "counts"),
    [
        (1, {"top": 1}),
        (10, {"top": 1, "mid": 1, "low": 8}),
        (50, {"top": 1, "high": 2, "mid": 7, "low": 40}),
        (99, {"top": 1, "high": 4, "mid": 15, "low": 79}),
    ],
)
def test_fewer_than_100_customers_still_have_a_top(n, counts):
    tiers = tiers_of([float(1000 - i) for i in range(n)])
    assert {t: tiers.count(t) for t in set(tiers)} == counts


def _row(now=0.0, before=0.0, year_ago=0.0, order_days=0, first=None, last=None) -> dict:
    return {
        "now": now,
        "before": before,
        "year_ago": year_ago,
        "order_days_12m": order_days,
        "first_order_12m": first,
        "last_order": last,
    }


def test_each_churn_rule_alone():
    rules = ChurnRules()
    recent = {"order_days": 40, "first": "2025-12-01", "last": "2026-11-20"}
    falling = reasons(_row(now=6000, before=10000, year_ago=6500, **recent), AS_OF, rules)
    assert [r["rule"] for r in falling] == ["fall_vs_before"]
    i18n.use("zh")
    assert words.reason(falling[0]) == "近3个月购进金额比前3个月下降40%（10,000→6,000元）"
    yearly = reasons(_row(now=6000, before=6500, year_ago=9000, **recent), AS_OF, rules)
    assert [r["rule"] for r in yearly] == ["fall_vs_year_ago"]
    silent = reasons(
        _row(
            now=9000,
            before=9000,
            year_ago=9000,
            order_days=46,
            first="2025-11-24",
            last="2026-10-20",
        ),
        AS_OF,
        rules,
    )
    assert [r["rule"] for r in silent] == ["silent"]  # 34 days against a usual 7.5
    assert words.reason(silent[0]).startswith("已34天未订货，平时约每7天订一次")
    i18n.use("en")
    assert words.reason(silent[0]).startswith("no order for 34 days, usually every 7")


def test_a_steady_customer_raises_no_warning():
    steady = _row(
        now=9000, before=9100, year_ago=8800, order_days=52, first="2025-11-24", last="2026-11-20"
    )
    assert reasons(steady, AS_OF, ChurnRules()) == []


def test_thresholds_are_one_set_of_rules_and_can_be_changed():
    row = _row(now=6000, before=10000)
    assert reasons(row, AS_OF, ChurnRules())
    assert reasons(row, AS_OF, ChurnRules(drop_pct=50)) == []


def _orders(tmp_path, lines: list[tuple[str, str, int, float, str]]):
    rows = [["订货日期", "客户编码", "卷烟名称", "订购量(条)", "金额(元)"]]
    rows += [[day, code, brand, qty, amount] for day, code, qty, amount, brand in lines]
    return write_xlsx(tmp_path / "orders.xlsx", rows)


def _monthly(
    code: str,
    first: dt.date,
    last: dt.date,
    amount: float = 3000,
    brands: tuple[str, ...] = ("玉溪(软)",),
) -> list:
    lines, day = [], first
    while day <= last:
        for brand in brands:
            lines.append((day.isoformat(), code, 10, amount, brand))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=day.day)
    return lines


def test_a_steady_shop_whose_order_data_ends_last_month_raises_no_warning(
    cli, add_shop, tmp_path, today
):
    add_shop("0001", "半月店")  # orders on the 1st and the 16th, data imported monthly
    first_of_this_month = today.replace(day=1)
    months = [shift_months(first_of_this_month, -n) for n in range(24, 0, -1)]
    lines = [
        (month.replace(day=day).isoformat(), "0001", 10, 1800.0, "玉溪(软)")
        for month in months
        for day in (1, 16)
    ]
    cli.ok("import", str(_orders(tmp_path, lines)))
    last_line = lines[-1][0]  # the 16th of last month
    assert cli.json("churn") == []
    # The last line is on the 16th, but an export of last month covers all of last month.
    last_month_end = first_of_this_month - dt.timedelta(days=1)
    assert f"order data up to {last_month_end}" in cli.ok("churn").stdout
    assert cli.json("today")["churn"] == []
    assert [a for a in cli.json("show", "0001")["alerts"] if a["kind"] == "churn"] == []
    # Measured from a day 40 days past the data, as --as-of asks, the same shop is silent.
    later = (dt.date.fromisoformat(last_line) + dt.timedelta(days=40)).isoformat()
    warned = cli.json("churn", "--as-of", later)
    assert [r["rule"] for r in warned[0]["reasons"]] == ["silent"]
    assert warned[0]["reasons"][0]["as_of"] == later


def test_a_customer_who_stopped_three_months_ago_is_warned_with_the_reason(cli, add_shop, tmp_path):
    add_shop("0001", "老主顾")
    add_shop("0002", "稳当店")
    lines = _monthly("0001", dt.date(2024, 8, 10), dt.date(2026, 7, 10))  # 24 months, then none
    lines += _monthly("0002", dt.date(2024, 8, 10), dt.date(2026, 11, 10))
    cli.ok("import", str(_orders(tmp_path, lines)))
    warned = cli.json("churn", "--as-of", AS_OF.isoformat())
    assert [w["code"] for w in warned] == ["0001"]
    i18n.use("zh")
    why = [words.reason(r) for r in warned[0]["reasons"]]
    assert why == [
        "近3个月未订货（前3个月9,000元）",
        "近3个月未订货（去年同期9,000元）",
        "已136天未订货，平时约每30天订一次（上次2026-07-10，订单数据截至2026-11-23）",
    ]
    assert warned[0]["last_order"] == "2026-07-10" and warned[0]["loss_per_month"] == 3000
    text = cli.ok("churn", "--as-of", AS_OF.isoformat()).stdout
    assert "老主顾" in text and "稳当店" not in text
    assert "no orders in the last 3 months (9,000 yuan in the 3 months before)" in text  # en
    assert "近3个月未订货" in cli.ok("--lang", "zh", "churn", "--as-of", AS_OF.isoformat()).stdout
    today = cli.json("today", "--date", AS_OF.isoformat())
    assert [w["code"] for w in today["churn"]] == ["0001"]
    alerts = cli.json("show", "0001", "--as-of", AS_OF.isoformat())["alerts"]
    assert {a.get("rule") for a in alerts if a["kind"] == "churn"} == {
        "fall_vs_before",
        "fall_vs_year_ago",
        "silent",
    }


def test_churn_shows_the_largest_losses_on_a_screen_and_all_in_json(cli, add_shop, tmp_path):
    """A city's file warns of tens of thousands of shops: a screen shows the 20 largest
    losses and says how many more there are; --limit changes it, --json gives them all."""
    lines = []
    for n in range(22):
        code = f"{n + 1:04d}"
        add_shop(code, f"停订店{n + 1}")
        lines += _monthly(code, dt.date(2024, 8, 10), dt.date(2026, 7, 10), amount=1000 + n)
    cli.ok("import", str(_orders(tmp_path, lines)))
    as_of = ("--as-of", AS_OF.isoformat())
    warned = cli.json("churn", *as_of)
    assert len(warned) == 22 and warned[0]["code"] == "0022"  # the largest loss first
    text = cli.ok("churn", *as_of).stdout
    assert "停订店22" in text and "停订店3\t" in text and "停订店2\t" not in text
    assert "… and 2 more shops (--limit 0 shows all)" in text
    assert "停订店1\t" in cli.ok("churn", "--limit", "0", *as_of).stdout
    assert "… and 20 more shops" in cli.ok("churn", "--limit", "2", *as_of).stdout
    assert [w["code"] for w in cli.json("churn", "--limit", "1", *as_of)] == ["0022"]


def test_pyramid_json_with_inactive_potential_and_moves(cli, add_shop, tmp_path):
    for code in ("0001", "0002", "0003", "0004"):
        add_shop(code, f"店{code}")
    lines = _monthly("0001", dt.date(2025, 12, 1), dt.date(2026, 11, 1), amount=9000)
    lines += _monthly("0002", dt.date(2025, 12, 1), dt.date(2026, 11, 1), amount=1000)
    lines += [("2025-06-01", "0003", 5, 500, "玉溪(软)")]  # bought, but not in 12 months
    lines += [("2026-10-01", "0002", 5, 99000, "玉溪(软)")]  # jumps ahead of 0001
    cli.ok("import", str(_orders(tmp_path, lines)))
    result = cli.json("pyramid", "--as-of", AS_OF.isoformat())
    assert set(result["tiers"]) == {"top", "high", "mid", "low", "inactive", "potential"}
    by_code = {c["code"]: c for c in result["customers"]}
    assert by_code["0002"]["tier"] == "top" and by_code["0002"]["previous_tier"] == "low"
    assert by_code["0001"]["tier"] == "low" and by_code["0001"]["previous_tier"] == "top"
    assert by_code["0003"]["tier"] == "inactive" and by_code["0004"]["tier"] == "potential"
    assert by_code["0002"]["amount_12m"] == 12 * 1000 + 99000
    top = result["tiers"]["top"]
    assert top["count"] == 1 and top["share"] == round(111000 / (111000 + 108000) * 100, 1)
    assert (
        cli.json("show", "0002", "--as-of", AS_OF.isoformat())["business"]["pyramid"]["tier"]
        == "top"
    )
    assert "80/20" in cli.ok("pyramid", "--as-of", AS_OF.isoformat()).stdout


def test_pyramid_shows_20_shops_that_moved_on_a_screen(cli, add_shop, tmp_path):
    """Shops that stopped buying since a quarter ago all move to inactive; a screen lists
    20 of them and says how many more there are, as churn and due do."""
    lines = []
    for n in range(22):
        code = f"{n + 1:04d}"
        add_shop(code, f"停买店{n + 1}")
        lines.append(("2025-09-10", code, 5, 1000 + n, "玉溪(软)"))  # a year ago, not since
    cli.ok("import", str(_orders(tmp_path, lines)))
    as_of = ("--as-of", AS_OF.isoformat())
    moved = [c for c in cli.json("pyramid", *as_of)["customers"] if c["previous_tier"] != c["tier"]]
    assert len(moved) == 22 and {c["tier"] for c in moved} == {"inactive"}
    text = cli.ok("pyramid", *as_of).stdout
    assert "(22)" in text and "停买店20\t" in text and "停买店21\t" not in text
    assert "… and 2 more shops (--limit 0 shows all)" in text
    assert "停买店22\t" in cli.ok("pyramid", "--limit", "0", *as_of).stdout
    assert "… and 20 more shops" in cli.ok("pyramid", "--limit", "2", *as_of).stdout


def test_loyal_customers(cli, add_shop, tmp_path):
    add_shop("0001", "铁杆店")
    add_shop("0002", "断档店")
    add_shop("0003", "下滑店")
    wide = ("玉溪(软)", "红河(软甲)", "云烟(紫)")
    lines = _monthly("0001", dt.date(2025, 11, 1), dt.date(2026, 11, 1), brands=wide)
    lines += [
        line
        for line in _monthly("0002", dt.date(2025, 11, 1), dt.date(2026, 11, 1), brands=wide)
        if not line[0].startswith("2026-03")
    ]
    lines += _monthly("0003", dt.date(2025, 11, 1), dt.date(2026, 5, 1), amount=5000, brands=wide)
    lines += _monthly("0003", dt.date(2026, 6, 1), dt.date(2026, 11, 1), amount=1000, brands=wide)
    cli.ok("import", str(_orders(tmp_path, lines)))
    assert [c["code"] for c in cli.json("loyal", "--as-of", AS_OF.isoformat())] == ["0001"]


def test_managers_are_evaluated_from_the_data(cli, add_shop):
    add_shop("0001", "甲店", account_manager="李明", visit_cycle_days="30")
    add_shop("0002", "乙店", account_manager="王芳", visit_cycle_days="30")
    cli.ok(
        "visit",
        "log",
        "0001",
        "--date",
        "2026-10-05",
        "--satisfaction",
        "4",
        "--follow-up",
        "送样品",
        "--due",
        "2026-10-10",
    )
    cli.ok("followup", "done", "1", "--date", "2026-10-09")
    cli.ok("complaint", "add", "0002", "--text", "断货", "--date", "2026-10-03")
    cli.ok("complaint", "resolve", "1", "--how", "补货", "--date", "2026-10-08")
    result = {m["manager"]: m for m in cli.json("managers", "--month", "2026-10")}
    assert result["李明"]["coverage_pct"] == 100.0 and result["王芳"]["coverage_pct"] == 0.0
    assert result["李明"]["followups_on_time_pct"] == 100.0
    assert result["李明"]["avg_satisfaction"] == 4
    assert result["王芳"]["complaints"] == 1 and result["王芳"]["avg_days_to_resolve"] == 5


@given(
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    st.integers(min_value=1, max_value=800),
)
def test_a_window_splits_into_whole_months_and_its_edges_day_for_day(first, length):
    """Whole months from the rollups and the edges from the lines cover [first, before)
    exactly: every day once, none outside."""
    from custcli.months import whole_months

    before = first + dt.timedelta(days=length)
    whole, edges = whole_months(first.isoformat(), before.isoformat())
    days = [d for a, b in edges for d in _days(dt.date.fromisoformat(a), dt.date.fromisoformat(b))]
    if whole:
        start, end = (dt.date.fromisoformat(f"{m}-01") for m in whole)
        assert start.day == 1 and end.day == 1
        days += _days(start, end)
    assert sorted(days) == _days(first, before)


def _days(first: dt.date, before: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((before - first).days)]
