"""The field day: a route planned and ordered as a walk, carried on the phone as one file,
closed in one line."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custcli.domain import route

TODAY = None  # the pinned day, read in each test


def _today() -> dt.date:
    return dt.date.today()


# --- ordering ---------------------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6))
def test_a_route_of_25_stops_is_short(seed):
    """Never longer than the order given, and within 10% of the best of 1,000 random orders
    (a city district: 25 shops in about 5 × 5 km)."""
    rng = random.Random(seed)
    points = [(102.70 + rng.random() * 0.05, 25.03 + rng.random() * 0.045) for _ in range(25)]
    order = route.shortest_path(points)
    assert sorted(order) == list(range(25))
    length = route.path_length(points, order)
    assert length <= route.path_length(points, range(25)) + 1e-6
    best_random = min(route.path_length(points, rng.sample(range(25), 25)) for _ in range(1000))
    assert length <= best_random * 1.10


def test_without_coordinates_a_street_s_shops_are_together_in_house_number_order():
    def stop(n, address):
        return route.Stop(n, f"{n:04d}", f"店{n}", ("due",), "东片", address, None, None, 0)

    stops = [
        stop(1, "五华区北京路120号"),
        stop(2, "五华区人民路3号"),
        stop(3, "五华区北京路8号"),
        stop(4, "五华区人民路15号附2"),
        stop(5, "五华区北京路45号"),
        stop(6, "五华区人民路"),
    ]
    walk = [s.address for s in route.ordered(stops)]
    assert walk == [
        "五华区人民路3号",
        "五华区人民路15号附2",
        "五华区人民路",
        "五华区北京路8号",
        "五华区北京路45号",
        "五华区北京路120号",
    ] or walk == [
        "五华区北京路8号",
        "五华区北京路45号",
        "五华区北京路120号",
        "五华区人民路3号",
        "五华区人民路15号附2",
        "五华区人民路",
    ]


def test_a_route_is_grouped_by_delivery_route_then_district(cli, add_shop):
    add_shop("0001", "甲店", district="东片", delivery_route="3号线", visit_cycle_days="7")
    add_shop("0002", "乙店", district="西片", visit_cycle_days="7")
    add_shop("0003", "丙店", district="东片", delivery_route="1号线", visit_cycle_days="7")
    planned = cli.json("route", "--date", _today().isoformat())
    assert [s["where"] for s in planned["stops"]] == ["1号线", "3号线", "西片"]


# --- planning ---------------------------------------------------------------------------------


@pytest.fixture
def field(cli, add_shop):
    today = _today()
    tomorrow = today + dt.timedelta(days=1)
    weekday = "周" + "一二三四五六日"[tomorrow.weekday()]
    add_shop("0001", "逾期店", visit_cycle_days="7", address="北京路1号")
    add_shop("0002", "订货店", visit_cycle_days="30", order_day=weekday, address="北京路9号")
    add_shop("0003", "承诺店", visit_cycle_days="30", address="人民路2号")
    add_shop("0004", "投诉店", visit_cycle_days="30", address="人民路5号")
    add_shop("0005", "清闲店", visit_cycle_days="60", address="人民路7号")
    cli.ok("visit", "log", "0001", "--date", (today - dt.timedelta(days=20)).isoformat())
    for code in ("0002", "0003", "0004", "0005"):
        cli.ok("visit", "log", code, "--date", (today - dt.timedelta(days=2)).isoformat())
    cli.ok("visit", "log", "0003", "--date", (today - dt.timedelta(days=1)).isoformat(),
           "--kind", "电话", "--follow-up", "送样品", "--due", today.isoformat())  # fmt: skip
    cli.ok("complaint", "add", "0004", "--text", "断货", "--date", today.isoformat())
    return cli


def test_the_plan_says_why_each_shop_is_on_it(field):
    planned = field.json("route")
    why = {s["code"]: s["why"] for s in planned["stops"]}
    assert set(why) == {"0001", "0002", "0003", "0004"}  # 0005 has nothing to do today
    assert why["0001"][0].startswith("overdue:")
    assert why["0002"][0].startswith("orders_tomorrow:")
    assert why["0003"] == ["promise:送样品"] and why["0004"] == ["complaint:断货"]
    said = field.ok("--lang", "zh", "route", "show").stdout
    assert "承诺到期：送样品" in said and "投诉待处理：断货" in said and "明天（周" in said
    assert "今日路线" in field.ok("--lang", "zh", "today").stdout
    assert [s["code"] for s in field.json("today")["route"]] == [
        s["code"] for s in planned["stops"]
    ]


def test_add_and_drop_keep_the_numbers_in_order(field):
    field.ok("route")
    field.ok("route", "add", "0005")
    stops = field.json("route", "show")["stops"]
    assert stops[-1]["code"] == "0005" and [s["n"] for s in stops] == list(range(1, 6))
    field.ok("route", "drop", stops[0]["code"])
    after = field.json("route", "show")["stops"]
    assert [s["n"] for s in after] == [1, 2, 3, 4] and stops[0]["code"] not in {
        s["code"] for s in after
    }
    assert "not on the route" in field.fails(1, "route", "drop", stops[0]["code"])


# --- closing the day --------------------------------------------------------------------------


def test_close_records_what_it_says_and_an_abnormal_visit_leaves_the_shop_due(field):
    stops = {s["code"]: s["n"] for s in field.json("route")["stops"]}
    before_due = {r["code"] for r in field.json("due", "--limit", "0")}
    assert "0001" in before_due
    visited = [stops["0002"], stops["0003"]]
    spec = [",".join(map(str, visited)), f"{stops['0001']}=关门", f"{stops['0004']}=电话"]
    closed = field.json("route", "close", *spec)
    assert closed["counts"] == {"field": 2, "phone": 1, "abnormal": 1} and closed["left"] == 0
    today = _today().isoformat()
    visits = [v for v in field.json("visit", "list") if v["date"] == today]
    kinds = sorted((v["code"], v["kind"], v.get("kind_text")) for v in visits)
    assert kinds == [
        ("0001", "abnormal", "关门"),
        ("0002", "field", None),
        ("0003", "field", None),
        ("0004", "phone", None),
    ]
    assert "0001" in {r["code"] for r in field.json("due", "--limit", "0")}  # still due
    assert "closed already" in field.fails(2, "route", "close", "1")
    field.ok("imports", "undo", str(closed["import_id"]))
    assert [v for v in field.json("visit", "list") if v["date"] == today] == []
    field.ok("route", "close", *spec)  # reopened by the undo


def test_close_refuses_what_it_cannot_record(field):
    field.ok("route")
    assert "no stop 99" in field.fails(2, "route", "close", "99")
    assert "named twice" in field.fails(2, "route", "close", "1-2", "2=关门")
    assert "not an outcome" in field.fails(2, "route", "close", "1=喝茶")
    tomorrow = (_today() + dt.timedelta(days=1)).isoformat()
    field.ok("route", "--date", tomorrow)
    assert "not over yet" in field.fails(2, "route", "close", "1", "--date", tomorrow)
    assert field.json("visit", "list", "--month", "本月") is not None


def test_several_shops_at_once(field):
    field.ok("visit", "log", "0001", "0005", "--note", "片区会议通知")
    notes = [v for v in field.json("visit", "list") if v.get("note") == "片区会议通知"]
    assert sorted(v["code"] for v in notes) == ["0001", "0005"]
    field.fails(1, "visit", "log", "0001", "无此店", "--note", "x")
    assert len([v for v in field.json("visit", "list") if v.get("note") == "x"]) == 0


# --- the pack ---------------------------------------------------------------------------------


def test_the_calendar_has_one_event_a_stop(field, tmp_path):
    import icalendar

    field.ok("route", "--date", "明天")
    target = tmp_path / "r.ics"
    field.ok("pack", "--ics", "-o", str(target))
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    events = list(calendar.walk("VEVENT"))
    stops = field.json("route", "show", "--date", "明天")["stops"]
    assert [str(e["summary"]) for e in events] == [f"{s['n']}. {s['name']}" for s in stops]


def test_the_print_sheet_has_a_row_a_stop_and_tick_columns(field, tmp_path):
    field.ok("route", "--date", "明天")
    target = tmp_path / "p.html"
    field.ok("--lang", "zh", "pack", "--print", "-o", str(target))
    page = target.read_text(encoding="utf-8")
    assert page.count('<td class="n">') == len(
        field.json("route", "show", "--date", "明天")["stops"]
    )
    for tick in ("到访", "关门", "电话", "问题", "备注"):
        assert f"<th>{tick}</th>" in page
    assert "size: A4" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_the_pack_opens_on_a_phone_from_the_file(sample_cli, tmp_path):
    """In a real headless Chromium at 390×844 from file://: every stop's name and card are on
    the page, a screenshot is taken, nothing is fetched from a network."""
    cli = sample_cli
    cli.ok("route", "--date", "明天", "--max", "12")
    stops = cli.json("route", "show", "--date", "明天")["stops"]
    target = tmp_path / "12月8日.html"
    cli.ok("--lang", "zh", "pack", "-o", str(target))
    page = target.read_text(encoding="utf-8")
    assert not re.search(r"https?://", page)  # tel: and geo: only
    profile = tmp_path / "chromium-profile"
    common = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", "--window-size=390,844",
    ]  # fmt: skip
    dom = subprocess.run(
        [*common, "--dump-dom", target.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    for stop in stops:
        assert stop["name"] in dom.stdout
        card = cli.json("show", stop["code"])
        assert card["card"]["code"] in dom.stdout or card["card"]["name"] in dom.stdout
    assert dom.stdout.count("<article") == len(stops)
    shot = tmp_path / "phone.png"
    subprocess.run(
        [*common, f"--screenshot={shot}", target.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 5_000  # a page, not a blank


def test_a_week_of_routes_visits_no_shop_twice(sample_cli):
    monday = _today() - dt.timedelta(days=_today().weekday())
    week = sample_cli.json("route", "--week", "--max", "6", "--date", monday.isoformat())
    assert [d["day"] for d in week] == [
        (monday + dt.timedelta(days=n)).isoformat() for n in range(6)
    ]
    codes = [s["code"] for d in week for s in d["stops"]]
    assert codes and len(codes) == len(set(codes))
    kept = sample_cli.json("route", "show", "--date", (monday + dt.timedelta(days=2)).isoformat())
    assert [s["code"] for s in kept["stops"]] == [s["code"] for s in week[2]["stops"]]
