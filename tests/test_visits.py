"""Visits and the day's work: the visit log, cycles, follow-ups, complaints, dates, notes."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from spreadsheets import write_xlsx

from custcli.db import rows
from custcli.db import visits as visit_q
from custcli.db.engine import is_postgres, write_transaction
from custcli.db.opening import open_db
from custcli.domain import schedule, visits
from custcli.domain.dates import next_occurrence, occurrence_in, parse_when, year_less
from custcli.scope import Scope

TODAY = "2026-11-23"  # a Monday


def test_a_7_day_customer_last_seen_10_days_ago_is_3_days_overdue_until_visited(cli, add_shop):
    add_shop(visit_cycle_days="7")
    cli.ok("visit", "log", "000100000001", "--date", "2026-11-13")
    due = cli.json("due", "--date", TODAY)
    assert [(d["code"], d["days_overdue"], d["last_visit"]) for d in due] == [
        ("000100000001", 3, "2026-11-13")
    ]
    cli.ok("visit", "log", "000100000001", "--date", TODAY)
    assert cli.json("due", "--date", TODAY) == []


def test_phone_visits_do_not_reset_the_field_cycle(cli, add_shop):
    add_shop(visit_cycle_days="7")
    cli.ok("visit", "log", "000100000001", "--date", "2026-11-13")
    cli.ok("visit", "log", "000100000001", "--date", TODAY, "--kind", "电话")
    assert cli.json("due", "--date", TODAY)[0]["days_overdue"] == 3


def test_due_orders_most_overdue_first_then_larger_tiers_and_filters(cli, add_shop):
    add_shop("0001", "甲店", tier="5", visit_cycle_days="7", district="东片")
    add_shop("0002", "乙店", tier="25", visit_cycle_days="7", district="西片")
    add_shop("0003", "丙店", tier="9", visit_cycle_days="7", district="东片")
    for code, day in (("0001", "2026-11-13"), ("0002", "2026-11-13"), ("0003", "2026-11-01")):
        cli.ok("visit", "log", code, "--date", day)
    assert [d["code"] for d in cli.json("due", "--date", TODAY)] == ["0003", "0002", "0001"]
    assert [d["code"] for d in cli.json("due", "--date", TODAY, "--district", "东片")] == [
        "0003",
        "0001",
    ]


@pytest.mark.parametrize(
    ("cycle", "order_days", "last", "due"),
    [
        (7, "每周二", "2026-11-18", "2026-12-01"),  # Wed + 7 = Wed 25th → Tue 1 Dec
        (14, "周二", "2026-11-10", "2026-11-24"),  # Tue + 14 is a Tuesday already
        (
            14,
            "双周周一",
            "2026-11-11",
            "2026-11-30",
        ),  # Wed + 14 = Wed 25th → Mon 30th, not the 23rd
        (7, "周二、周五", "2026-11-16", "2026-11-24"),  # Mon + 7 = Mon 23rd → Tue 24th
        (7, "周二、五", "2026-11-18", "2026-11-27"),  # Wed + 7 = Wed 25th → Fri 27th
        (7, "随时", "2026-11-18", "2026-11-25"),  # no weekday named: the cycle alone
        (7, None, "2026-11-18", "2026-11-25"),
    ],
)
def test_the_due_day_moves_forward_to_the_order_day_never_earlier(cycle, order_days, last, due):
    customer = {"visit_cycle_days": cycle, "order_day": order_days}
    last_visit = dt.date.fromisoformat(last)
    assert schedule.next_due(customer, last_visit, last_visit) == dt.date.fromisoformat(due)
    assert schedule.next_due(customer, last_visit, last_visit) >= last_visit + dt.timedelta(cycle)


def test_weekdays_named_in_chinese_and_english():
    assert schedule.weekdays("星期五") == (4,) and schedule.weekdays("礼拜天") == (6,)
    assert schedule.weekdays("单周周四") == (3,) and schedule.weekdays("Tue") == (1,)
    assert schedule.weekdays("周二、周五") == (1, 4) and schedule.weekdays("随时") == ()


def test_the_default_cycle_comes_from_the_tier_in_one_place():
    assert schedule.cycle_days({"tier": 25}) == 7
    assert schedule.cycle_days({"tier": 10}) == 14
    assert schedule.cycle_days({"tier": 3}) == 30
    assert schedule.cycle_days({}) == schedule.DEFAULT_CYCLE_NO_TIER
    assert schedule.cycle_days({"tier": 3, "visit_cycle_days": 10}) == 10


def test_never_visited_is_due_today():
    assert schedule.next_due({}, None, dt.date(2026, 11, 23)) == dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", "2026-11-23"),
        ("yesterday", "2026-11-22"),
        ("-3d", "2026-11-20"),
        ("+2d", "2026-11-25"),
        ("11-20", "2026-11-20"),
        ("2026-11-20", "2026-11-20"),
        ("2026/1/2", "2026-01-02"),
    ],
)
def test_dates_as_people_type_them(text, day):
    assert parse_when(text, dt.date(2026, 11, 23)).isoformat() == day


def test_bad_dates_and_unknown_customers_are_one_line(cli, add_shop):
    add_shop()
    assert "not a date" in cli.fails(2, "visit", "log", "000100000001", "--date", "someday")
    assert "not a date" in cli.fails(2, "due", "--date", "13-45")
    assert "no customer matches" in cli.fails(1, "visit", "log", "nobody")
    assert "--kind: one of" in cli.fails(2, "visit", "log", "000100000001", "--kind", "飞鸽")
    assert "at most 5" in cli.fails(2, "visit", "log", "000100000001", "--satisfaction", "9")
    assert "--due goes with" in cli.fails(2, "visit", "log", "000100000001", "--due", "+3d")
    assert "not a month" in cli.fails(2, "visit", "list", "--month", "November")
    assert "no visit #7" in cli.fails(1, "visit", "rm", "7")
    assert "no visit #7" in cli.fails(1, "visit", "edit", "7", "--note", "x")
    assert "no follow-up #7" in cli.fails(1, "followup", "done", "7")
    assert "no complaint #7" in cli.fails(1, "complaint", "resolve", "7", "--how", "x")
    assert "no customer matches" in cli.fails(1, "note", "nobody", "x")
    assert "no customer matches" in cli.fails(1, "date", "add", "nobody", "生日", "03-08")
    assert "not a lunar" in cli.fails(2, "date", "add", "000100000001", "生日", "十三月", "--lunar")


def test_visit_log_list_edit_rm(cli, add_shop):
    add_shop(account_manager="李明")
    cli.ok(
        "visit",
        "log",
        "000100000001",
        "--date",
        "2026-11-02",
        "--note",
        "补换价签",
        "--found",
        "价签缺失",
        "--satisfaction",
        "4",
    )
    cli.ok("visit", "log", "000100000001", "--date", "2026-10-30", "--kind", "电话")
    visits = cli.json("visit", "list", "000100000001")
    assert [(v["date"], v["kind"], v["manager"]) for v in visits] == [
        ("2026-11-02", "field", "李明"),
        ("2026-10-30", "phone", "李明"),
    ]
    assert [v["date"] for v in cli.json("visit", "list", "--month", "2026-10")] == ["2026-10-30"]
    assert cli.json("visit", "list", "--manager", "王芳") == []
    cli.ok("visit", "edit", str(visits[0]["id"]), "--note", "优化陈列", "--date", "2026-11-03")
    assert cli.json("visit", "list")[0]["note"] == "优化陈列"
    assert cli.json("visit", "list")[0]["date"] == "2026-11-03"
    cli.ok("visit", "rm", str(visits[1]["id"]))
    assert len(cli.json("visit", "list")) == 1


def test_follow_ups_are_listed_due_in_today_and_closed(cli, add_shop):
    add_shop()
    cli.ok(
        "visit",
        "log",
        "000100000001",
        "--date",
        "2026-11-20",
        "--follow-up",
        "带新品样品",
        "--due",
        "2026-11-22",
    )
    [followup] = cli.json("followup", "list")
    assert followup["text"] == "带新品样品" and followup["due"] == "2026-11-22"
    assert [f["id"] for f in cli.json("today", "--date", TODAY)["followups"]] == [followup["id"]]
    cli.ok("followup", "done", str(followup["id"]), "--date", TODAY)
    assert cli.json("followup", "list") == []
    assert cli.json("followup", "list", "--all")[0]["done_on"] == TODAY
    assert "was done on" in cli.fails(2, "followup", "done", str(followup["id"]))


def test_complaints_keep_the_time_to_resolve_and_wait_in_today(cli, add_shop):
    add_shop()
    cli.ok(
        "complaint",
        "add",
        "000100000001",
        "--text",
        "送货晚了两天",
        "--kind",
        "送货",
        "--date",
        "2026-11-18",
    )
    cli.ok(
        "complaint",
        "add",
        "000100000001",
        "--text",
        "价格",
        "--kind",
        "价格",
        "--date",
        "2026-11-22",
    )
    waiting = cli.json("today", "--date", TODAY)["complaints"]
    assert [(c["text"], c["days_open"]) for c in waiting] == [("送货晚了两天", 5)]
    out = cli.ok("complaint", "resolve", "1", "--how", "调整送货线路", "--date", TODAY).stdout
    assert "resolved in 5 days" in out
    assert [c["id"] for c in cli.json("complaint", "list", "--open")] == [2]
    assert cli.json("complaint", "list")[0]["days_to_resolve"] == 5
    assert "--kind is one of" in cli.fails(
        2, "complaint", "add", "000100000001", "--text", "x", "--kind", "天气"
    )


@pytest.mark.parametrize(
    ("day", "solar"), [("2026-04-20", "2026-04-24"), ("2027-04-10", "2027-04-14")]
)
def test_a_lunar_birthday_shows_on_its_solar_day_in_today(cli, add_shop, day, solar):
    add_shop(birthday="农历三月初八")
    dates = cli.json("today", "--date", day)["dates"]
    assert [(d["label"], d["field"], d["date"], d["day"]) for d in dates] == [
        (None, "birthday", solar, "lunar:--03-08")  # stored forms: the edge says 农历三月初八
    ]


def test_key_dates_solar_and_lunar_come_round(cli, add_shop):
    add_shop()
    cli.ok("date", "add", "000100000001", "开业纪念日", "2015-11-25")
    cli.ok("date", "add", "000100000001", "老板娘生日", "十月十五", "--lunar")
    coming = cli.json("date", "list", "--date", TODAY, "--days", "7")
    assert [(d["label"], d["date"]) for d in coming] == [
        ("老板娘生日", "2026-11-23"),
        ("开业纪念日", "2026-11-25"),
    ]


@settings(max_examples=300, deadline=None)
@given(
    month=st.integers(1, 12),
    day=st.integers(1, 31),
    year=st.one_of(st.none(), st.integers(1930, 2026)),
    lunar=st.booleans(),
    on=st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)),
)
def test_a_year_day_comes_round_as_it_does_without_its_year(month, day, year, lunar, on):
    """`cust today` works out each day of the year once, not each stored date: a stored
    day's year never moves when it comes round."""
    if lunar:
        day = min(day, 30)
    else:  # a date a card can hold (a year-day without a year may be 02-29)
        try:
            dt.date(2000 if year is None else year, month, day)
        except ValueError:
            assume(False)
    stored = f"{'lunar:' if lunar else ''}{'--' if year is None else year}-{month:02d}-{day:02d}"
    assert next_occurrence(year_less(stored), on) == next_occurrence(stored, on)


def test_lunar_occurrences_cross_the_new_year():
    assert occurrence_in("lunar:--12-23", 2026) == dt.date(2027, 1, 30)
    assert next_occurrence("lunar:--12-23", dt.date(2027, 1, 1)) == dt.date(2027, 1, 30)
    assert next_occurrence("--02-29", dt.date(2027, 1, 1)) == dt.date(2027, 2, 28)


def test_notes_visits_and_complaints_appear_in_show(cli, add_shop):
    add_shop(preferences="爱喝普洱", visit_cycle_days="7")
    cli.ok("note", "000100000001", "儿子读高三", "--date", "2026-11-01")
    cli.ok(
        "visit",
        "log",
        "000100000001",
        "--date",
        "2026-11-13",
        "--satisfaction",
        "5",
        "--follow-up",
        "送样品",
        "--due",
        "2026-11-20",
    )
    cli.ok("complaint", "add", "000100000001", "--text", "断货", "--kind", "货源")
    shown = cli.json("show", "000100000001", "--as-of", TODAY)
    assert shown["visits"]["days_overdue"] == 3 and shown["visits"]["next_due"] == "2026-11-20"
    assert [v["date"] for v in shown["visits"]["last"]] == ["2026-11-13"]
    assert [f["text"] for f in shown["visits"]["open_followups"]] == ["送样品"]
    rel = shown["relationship"]
    assert rel["preferences"] == "爱喝普洱" and rel["notes"][0]["text"] == "儿子读高三"
    assert rel["open_complaints"][0]["text"] == "断货"
    assert rel["last_satisfaction"] == {"date": "2026-11-13", "satisfaction": 5}
    plain = cli.ok("show", "000100000001", "--as-of", TODAY).stdout
    assert "Next visit: 2026-11-20 (3 days overdue)" in plain and "儿子读高三" in plain


# --- visit kinds: one choice type in the registry, for the CLI and imports alike ----------


def test_an_imported_field_visit_takes_the_shop_off_the_due_list(cli, add_shop, tmp_path, today):
    add_shop(visit_cycle_days="14")
    three_days_ago = (today - dt.timedelta(days=3)).isoformat()
    rows = [
        ["拜访日期", "客户编码", "拜访方式", "拜访内容"],
        [(today - dt.timedelta(days=20)).isoformat(), "000100000001", "实地拜访", "补换价签"],
    ]
    cli.ok("import", str(write_xlsx(tmp_path / "old.xlsx", rows)))
    assert [d["code"] for d in cli.json("due")] == ["000100000001"]  # 6 days overdue
    rows[1][0] = three_days_ago
    cli.ok("import", str(write_xlsx(tmp_path / "new.xlsx", rows)))
    assert cli.json("due") == []
    assert cli.json("show", "000100000001")["visits"]["last_field_visit"] == three_days_ago


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("实地", "field"),
        ("上门", "field"),
        ("走访", "field"),
        ("field", "field"),
        ("电话拜访", "phone"),
        ("Phone", "phone"),
        ("微信", "online"),
        ("线上", "online"),
    ],
)
def test_visit_kinds_are_understood_in_chinese_and_english(cli, add_shop, typed, code):
    add_shop()
    cli.ok("visit", "log", "000100000001", "--kind", typed)
    assert cli.json("visit", "list")[0]["kind"] == code


def test_an_unknown_kind_from_a_file_is_kept_as_other_with_its_text(cli, add_shop, tmp_path):
    add_shop()
    rows = [
        ["拜访日期", "客户编码", "拜访方式", "拜访内容"],
        ["2026-11-02", "000100000001", "巡查", "检查价签"],
        ["2026-11-03", "000100000001", "电话", "问候"],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "v.xlsx", rows)))
    assert result["counts"]["new"] == 2 and result["counts"]["rejected"] == 0
    assert result["kept_as_other"] == {"kind": 1}
    visits = cli.json("visit", "list")
    assert [(v["kind"], v["kind_text"]) for v in visits] == [("phone", None), ("other", "巡查")]
    assert "其他（巡查）" in cli.ok("--lang", "zh", "visit", "list").stdout
    assert cli.json("import", str(tmp_path / "v.xlsx"))["counts"]["new"] == 0


def test_a_visit_cannot_be_done_in_the_future(cli, add_shop, tmp_path, today):
    add_shop()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert "after today" in cli.fails(2, "visit", "log", "000100000001", "--date", tomorrow)
    assert "after today" in cli.fails(2, "visit", "log", "000100000001", "--date", "+1d")
    cli.ok("visit", "log", "000100000001", "--follow-up", "带样品", "--due", "+3d")
    visit_id = cli.json("visit", "list")[0]["id"]
    assert "after today" in cli.fails(2, "visit", "edit", str(visit_id), "--date", tomorrow)
    rows = [
        ["拜访日期", "客户编码", "拜访方式"],
        [today.isoformat(), "000100000001", "实地"],
        [tomorrow, "000100000001", "实地"],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "v.xlsx", rows)))
    assert result["counts"]["new"] == 1
    assert result["rejects"] == [
        {"row": 3, "reason": "a visit dated after today has not happened yet"}
    ]
    # A file whose every row is refused imports nothing, and says so with exit 2.
    only_future = write_xlsx(tmp_path / "f.xlsx", [rows[0], rows[2]])
    assert "none of the 1 rows" in cli.fails(2, "import", str(only_future))


@pytest.mark.sqlite_only
def test_old_files_keep_their_visits_with_kinds_as_codes_and_import_nothing_twice(
    cli, add_shop, tmp_path
):
    import shutil
    import sqlite3

    from custcli.db.opening import open_db

    rows = [
        ["拜访日期", "客户编码", "拜访方式", "拜访内容"],
        ["2026-02-01", "000100000001", "实地拜访", "补换价签"],
        ["2026-02-02", "000100000001", "巡查", None],
    ]
    visits = write_xlsx(tmp_path / "v.xlsx", rows)
    # Imported by this cust: the keys an import gives these lines today.
    add_shop("000100000001", "老店")
    cli.ok("import", str(visits))
    fresh = sqlite3.connect(cli.db)
    expected = fresh.execute("SELECT date, row_key FROM visits ORDER BY date").fetchall()
    # Imported by the cust of schema 8, which stored the words as written, then upgraded.
    db = tmp_path / "v8.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema-v8.db", db)
    old = sqlite3.connect(db, isolation_level=None)
    old.execute(
        "INSERT INTO imports (file_name, sha256, kind, imported_at) VALUES ('v', '', 'visits', '')"
    )
    old.executemany(
        "INSERT INTO visits (customer_id, date, kind, note, import_id, row_key)"
        " VALUES (1, ?, ?, ?, 1, ?)",
        [("2026-02-01", "实地拜访", "补换价签", "old-a"), ("2026-02-02", "巡查", None, "old-b")],
    )
    old.close()
    conn = open_db(db)
    kinds = conn.execute("SELECT kind, kind_text FROM visits ORDER BY date").fetchall()
    assert [tuple(k) for k in kinds] == [
        ("field", None),  # the fixture's own 实地
        ("field", None),
        ("other", "巡查"),
    ]
    keys = conn.execute("SELECT date, row_key FROM visits WHERE row_key IS NOT NULL ORDER BY date")
    assert [tuple(k) for k in keys] == [tuple(k) for k in expected]


# --- today and due: every section, most urgent first, and how many more there are --------


def test_today_has_sections_filters_and_says_how_many_more(cli, add_shop, today):
    for n in range(1, 31):
        district = "东片" if n % 2 else "西片"
        add_shop(f"{n:04d}", f"店{n}", visit_cycle_days="7", district=district, tier=str(n))
    ten_days_ago = (today - dt.timedelta(days=10)).isoformat()
    cli.ok("visit", "log", "0001", "--date", ten_days_ago, "--follow-up", "带样品", "--due", "-1d")
    cli.ok("visit", "log", "0002", "--date", ten_days_ago)
    cli.ok("complaint", "add", "0002", "--text", "送货晚", "--date", "-5d")
    brief = cli.json("today")
    assert brief["counts"] | {"dates": 0, "churn": 0} == {
        "overdue": 2,
        "due": 28,
        "followups": 1,
        "complaints": 1,
        "dates": 0,
        "churn": 0,
    }
    assert [v["code"] for v in brief["overdue"]] == ["0002", "0001"]  # 3 days over; tier 2 first
    assert len(brief["due"]) == 28  # --json gives all unless --limit says otherwise
    east = cli.json("today", "--district", "东片")
    assert east["counts"]["overdue"] == 1 and east["counts"]["due"] == 14
    assert [f["code"] for f in east["followups"]] == ["0001"] and east["complaints"] == []
    west = cli.json("today", "--district", "西片", "--limit", "3")
    assert [c["code"] for c in west["complaints"]] == ["0002"] and len(west["due"]) == 3
    text = cli.ok("today", "--limit", "5").stdout
    assert "# visits due today" in text and "… and 23 more shops (--limit 0 shows all)" in text
    assert "# overdue visits" in text and text.index("# overdue") < text.index("# visits due")
    assert "more" not in cli.ok("today", "--limit", "0").stdout
    assert "… and 10 more" in cli.ok("due", "--limit", "20").stdout
    assert len(cli.json("due", "--manager", "nobody")) == 0
    assert "never earlier" in cli.ok("due", "--help").stdout  # the due rule, stated once


ORDER_DAYS = [
    None,
    "周二",
    "每周二",
    "周二、周五",
    "周一、三、五",
    "双周周一",
    "随时",
    "Sat",
    "周日",
]
card = st.fixed_dictionaries(
    {
        "tier": st.one_of(st.none(), st.integers(1, 30)),  # 档位 1–30
        "visit_cycle_days": st.one_of(st.none(), st.integers(1, 45)),
        "order_day": st.sampled_from(ORDER_DAYS),
        "status": st.sampled_from(["active", "active", "active", "suspended", "closed"]),
        "district": st.sampled_from(["东片", "西片"]),
        "visits": st.lists(
            st.tuples(
                st.dates(dt.date(2026, 8, 1), dt.date(2026, 12, 31)),
                st.sampled_from(["field", "field", "phone"]),
            ),
            max_size=4,
        ),
    }
)


# Codes Python orders B…, a…, b-… and a language's collation a…, B…, b-…
CASES = ("B", "a", "b-")
ICU = "SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cards=st.lists(card, max_size=12),
    day=st.dates(dt.date(2026, 9, 1), dt.date(2026, 12, 31)),
    district=st.sampled_from([None, "东片"]),
)
def test_the_database_ranks_the_due_list_as_the_due_rule_says(cli, cards, day, district):
    """The due list is ranked in SQL; the rule is schedule's Python: they must agree, in
    order and in every field, on any cards, visits and day, and on codes that a language's
    collation (a department's PostgreSQL may have one) orders otherwise than Python."""
    conn = open_db(cli.db)
    try:
        if is_postgres(conn) and conn.execute(ICU).fetchone():
            conn.execute('ALTER TABLE customers ALTER COLUMN code TYPE text COLLATE "und-x-icu"')
        with write_transaction(conn):
            conn.execute("DELETE FROM visits")
            conn.execute("DELETE FROM customers")
            for n, shop in enumerate(cards):
                values = {k: v for k, v in shop.items() if k != "visits"}
                code = f"{CASES[n % 3]}{n:04d}"
                cid = rows.insert(conn, "customers", {"code": code, "name": f"店{n}", **values})
                for when, kind in shop["visits"]:
                    rows.insert(
                        conn, "visits", {"customer_id": cid, "date": when.isoformat(), "kind": kind}
                    )
        scope = Scope(district)
        expected = schedule.due_list(
            visit_q.active_customers(conn, scope),
            visit_q.last_field_visits(conn, day.isoformat()),
            day,
        )
        assert visits.due_rows(conn, visits.due_ranked(conn, day, scope), day) == expected
    finally:
        conn.close()


def test_a_roster_of_free_text_order_days_ranks_within_what_sqlite_binds(cli):
    """Order days are free text: a roster may hold a different one on every card, each
    naming Tuesday. The ranking query must not take a parameter per text: SQLite binds 999
    at most where it is built with its old default (250,000 here)."""
    conn = open_db(cli.db)
    if isinstance(conn, sqlite3.Connection):
        conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        cards = [
            {
                "code": f"{n:06d}",
                "name": f"店{n}",
                "visit_cycle_days": 7,
                "order_day": f"周二 找{n}",
            }
            for n in range(1_200)
        ]
        with write_transaction(conn):
            rows.insert_many(conn, "customers", cards)
            ids = [cid for (cid,) in conn.execute("SELECT id FROM customers ORDER BY id")]
            visits_ = [{"customer_id": cid, "date": "2026-11-09", "kind": "field"} for cid in ids]
            rows.insert_many(conn, "visits", visits_)
        day = dt.date(2026, 11, 30)  # Mon 9th + 7 = Mon 16th → Tue 17th: 13 days overdue
        ranked = visits.due_ranked(conn, day)
        assert len(ranked) == 1_200 and {overdue for _id, overdue in ranked} == {13}
        assert visits.due_rows(conn, ranked, day)[0]["due"] == "2026-11-17"
    finally:
        conn.close()


YEAR_DAYS = [
    "--11-24",
    "--11-30",
    "--12-25",
    "--02-29",
    "2001-11-26",
    "lunar:--10-05",
    "lunar:--01-01",
]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    dated=st.lists(
        st.tuples(
            st.one_of(st.none(), st.sampled_from(YEAR_DAYS)),
            st.lists(st.sampled_from(YEAR_DAYS), max_size=2),
            st.sampled_from(["active", "active", "closed"]),
        ),
        max_size=8,
    ),
    day=st.dates(dt.date(2026, 11, 1), dt.date(2027, 2, 28)),
    days=st.sampled_from([0, 7, 30, 365]),
)
def test_coming_dates_read_only_the_cards_they_name_and_find_the_same(
    cli, dated, day, days, monkeypatch
):
    """The week's dates are found by reading only the cards with one of its year-days; with
    too many days to name, every dated card is read. Both find the same dates."""
    conn = open_db(cli.db)
    try:
        with write_transaction(conn):
            conn.execute("DELETE FROM key_dates")
            conn.execute("DELETE FROM customers")
            for n, (birthday, key_days, status) in enumerate(dated):
                values = {"code": f"{n:04d}", "name": f"店{n}", "birthday": birthday}
                cid = rows.insert(conn, "customers", {**values, "status": status})
                for key_day in key_days:
                    row = {"customer_id": cid, "label": "开业", "day": key_day}
                    rows.insert(conn, "key_dates", row)
        named = visits.upcoming(conn, day, days)
        monkeypatch.setattr(visits, "_FEW_DAYS", -1)
        assert visits.upcoming(conn, day, days) == named
        monkeypatch.undo()
    finally:
        conn.close()


def test_coming_dates_name_their_year_days_within_what_sqlite_binds(cli):
    """400 distinct birthdays in a year's window are named in the query (800 parameters);
    401 and more read every dated card. Both stay under SQLite's old default of 999."""
    conn = open_db(cli.db)
    if isinstance(conn, sqlite3.Connection):
        conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        first = dt.date(2026, 11, 24)
        for count in (visits._FEW_DAYS, visits._FEW_DAYS + 1):
            birthdays = [
                f"{1950 + n // 300}-{first + dt.timedelta(days=n % 300):%m-%d}"
                for n in range(count)
            ]
            assert len(set(birthdays)) == count
            with write_transaction(conn):
                conn.execute("DELETE FROM customers")
                cards = [
                    {"code": f"{n:05d}", "name": f"店{n}", "birthday": day}
                    for n, day in enumerate(birthdays)
                ]
                rows.insert_many(conn, "customers", cards)
            assert len(visits.upcoming(conn, first, 365, scope=Scope("东片"))) == 0
            assert len(visits.upcoming(conn, first, 365)) == count
    finally:
        conn.close()
