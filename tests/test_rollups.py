"""The monthly order rollups equal the sums over the lines, whatever history made them."""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from collections import defaultdict
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from custcli.db import business, imports, insights, rollups
from custcli.db.engine import write_transaction
from custcli.db.opening import open_db
from tests.conftest import Cli
from tests.helpers.histories import order_write
from tests.spreadsheets import write_csv

SHOPS = ["000100000001", "000100000002", "000100000003"]
BRANDS = ["玉溪(软)", "红河(软甲)", "云烟(紫)"]
DAYS = ["2026-08-31", "2026-09-01", "2026-09-15", "2026-09-30", "2026-10-01", "2026-10-20"]

line = st.tuples(
    st.sampled_from(SHOPS),
    st.sampled_from(DAYS),
    st.sampled_from(BRANDS),
    st.integers(1, 20),
    st.decimals(1, 5000, places=2).map(float),
)
step = st.one_of(
    st.tuples(st.just("import"), st.lists(line, min_size=1, max_size=6)),
    # an earlier file's lines again with new ones: those already there are skipped
    st.tuples(st.just("again"), st.lists(line, min_size=1, max_size=3)),
    # lines imported on a laptop's file, merged in
    st.tuples(st.just("merge"), st.lists(line, min_size=1, max_size=4)),
    st.tuples(st.just("undo"), st.integers(0, 5)),
    # wholesale prices of classes 5, 3, 2 and 1: a brand's class moves with its price
    st.tuples(st.just("price"), st.sampled_from(BRANDS), st.sampled_from([10, 45, 80, 180])),
    st.tuples(st.just("price list"), st.sampled_from(BRANDS), st.sampled_from([10, 45, 80, 180])),
    st.tuples(st.just("remove brand"), st.sampled_from(BRANDS)),
)


def expected(conn: sqlite3.Connection) -> dict:
    """The rollups computed in Python from the lines and the brand table."""
    classes = dict(conn.execute("SELECT name, price_class FROM brands"))
    sums: dict = defaultdict(
        lambda: {"qty": 0.0, "amount": 0.0, "lines": 0, "days": set(), "brands": set()}
    )
    by_class: dict = defaultdict(float)
    for customer_id, date, brand, qty, amount in conn.execute(
        "SELECT customer_id, date, brand, qty, amount FROM orders"
    ):
        key = (customer_id, date[:7])
        row = sums[key]
        row["qty"] += qty
        row["amount"] += amount or 0
        row["lines"] += 1
        row["days"].add(date)
        row["brands"].add(brand)
        if classes.get(brand):
            by_class[key, classes[brand]] += qty
    return {
        key: (
            round(r["qty"], 3),
            round(r["amount"], 2),
            r["lines"],
            len(r["days"]),
            len(r["brands"]),
            min(r["days"]),
            max(r["days"]),
            *(round(by_class[key, c], 3) for c in range(1, 6)),
        )
        for key, r in sums.items()
    }


def stored(conn: sqlite3.Connection) -> dict:
    rows = conn.execute(f"SELECT {rollups.COLUMNS} FROM order_months")
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(step, min_size=1, max_size=8))
def test_rollups_equal_the_lines_after_any_history(history):
    with tempfile.TemporaryDirectory() as folder:
        cli = Cli(Path(folder) / "cust.db")
        for code in SHOPS:
            cli.ok("add", "--code", code, "--name", f"店{code[-1]}")
        cli.ok("brand", "add", BRANDS[0], "--wholesale", "180")
        imports: list[int] = []
        files: list[list] = []
        for number, (action, *args) in enumerate(history):
            if action in ("import", "again"):
                lines = [*(files[-1] if action == "again" and files else []), *args[0]]
                files.append(lines)
                rows = [["客户编码", "日期", "品名", "数量", "金额"], *map(list, lines)]
                path = write_csv(Path(folder) / f"o{number}.csv", rows)
                result = cli.json("import", str(path), "--kind", "orders")
                imports.append(result["import_id"])
            elif action == "merge":
                laptop = Cli(Path(folder) / f"laptop{number}.db")
                for code in SHOPS:
                    laptop.ok("add", "--code", code, "--name", f"店{code[-1]}")
                rows = [["客户编码", "日期", "品名", "数量", "金额"], *map(list, args[0])]
                path = write_csv(Path(folder) / f"m{number}.csv", rows)
                laptop.ok("import", str(path), "--kind", "orders")
                imports.append(cli.json("merge", str(laptop.db))["import_id"])
            elif action == "undo" and imports:
                cli.ok("imports", "undo", str(imports.pop(args[0] % len(imports))))
            elif action == "price":
                brand, price = args
                exists = cli("brand", "edit", brand, "--set", f"wholesale_price={price}")
                if exists.exit_code == 1:  # no such brand (yet, or any more)
                    cli.ok("brand", "add", brand, "--wholesale", str(price))
            elif action == "price list":
                rows = [["规格名称", "批发价"], list(args)]
                path = write_csv(Path(folder) / f"b{number}.csv", rows)
                imports.append(cli.json("import", str(path), "--kind", "brands")["import_id"])
            elif action == "remove brand":
                cli("brand", "rm", args[0])
            conn = sqlite3.connect(cli.db)
            assert stored(conn) == expected(conn), history[: number + 1]
            assert rollups.mismatches(conn) == 0
            conn.close()
        assert cli.json("db", "check")["rollup_mismatches"] == 0


_STAGED = ("customer_id", "date", "brand", "qty", "amount", "row_key")


def _staged_import(tmp_path) -> tuple[Cli, sqlite3.Connection, int]:
    """A shop, a brand of class 1, and an import's line of it staged before its lock."""
    cli = Cli(tmp_path / "cust.db")
    cli.ok("add", "--code", SHOPS[0], "--name", "店1")
    cli.ok("brand", "add", BRANDS[0], "--wholesale", "180")
    conn = open_db(cli.db)
    shop = conn.execute("SELECT id FROM customers").fetchone()[0]
    line = (shop, "2026-10-01", BRANDS[0], 5.0, 900.0, "k1")
    imports.stage_lines(conn, "orders", _STAGED, [line])
    return cli, conn, rollups.stage(conn)


def test_a_new_key_s_rollup_is_written_from_the_staged_lines_not_read_again(tmp_path):
    _cli, conn, version = _staged_import(tmp_path)
    with write_transaction(conn):  # the line itself left out: the row can only be the staged one
        rollups.write_staged(conn, version)
    rows = conn.execute("SELECT month, qty, qty_class_1 FROM order_months").fetchall()
    assert [tuple(row) for row in rows] == [("2026-10", 5.0, 5.0)]


def test_an_import_s_rollups_follow_a_price_class_changed_while_it_was_read(tmp_path):
    cli, conn, version = _staged_import(tmp_path)
    cli.ok("brand", "edit", BRANDS[0], "--set", "wholesale_price=10")  # another process: class 5
    with write_transaction(conn):
        import_id = imports.create(conn, "o.csv", "0" * 64, "orders", "")
        assert imports.insert_staged(conn, "orders", _STAGED, import_id) == 1
        rollups.write_staged(conn, version)
    row = conn.execute("SELECT qty_class_1, qty_class_5 FROM order_months").fetchone()
    assert tuple(row) == (0.0, 5.0)
    assert rollups.mismatches(conn) == 0


def test_db_check_finds_a_rollup_that_drifted_and_repair_rebuilds_it(cli, add_shop, tmp_path):
    add_shop()
    orders = [["日期", "客户编码", "品名", "数量", "金额"]]
    orders.append(["2026-10-05", SHOPS[0], BRANDS[0], 2, 360])
    cli.json("import", str(write_csv(tmp_path / "o.csv", orders)), "--kind", "orders")
    cli.sql("UPDATE order_months SET amount = amount + 1")
    result = cli("db", "check")
    assert result.exit_code == 1
    assert "1 monthly order rollups differ from the order lines" in result.stdout
    assert cli.json("db", "check", "--repair")["rollup_mismatches"] == 0


# --- reading: windows the months cut, answered from rollups and lines alike --------------------

day = st.dates(dt.date(2025, 11, 1), dt.date(2026, 12, 31))
# Edges on a month's first day and a `through` on its last leave no month cut: then the
# rollups answer alone.
edge = st.one_of(day, day.map(lambda d: d.replace(day=1)))
month_end = day.map(lambda d: (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1))
last_day = st.one_of(day, month_end.map(lambda d: d - dt.timedelta(days=1)))


def _reference(lines, windows, through, year_from):
    """amounts() computed from the lines alone, in Python."""
    found: dict = {}
    for customer_id, date, brand, amount in lines:
        if date > through:
            continue
        row = found.setdefault(
            customer_id,
            {
                **dict.fromkeys(windows, 0.0),
                "dates": set(),
                "since": set(),
                "brands": set(),
            },
        )
        for name, (first, before) in windows.items():
            if first <= date < before:
                row[name] += amount
        row["dates"].add(date)
        if date >= year_from:
            row["since"].add(date)
            row["brands"].add(brand)
    return {
        customer_id: {
            **{name: round(row[name], 2) for name in windows},
            "first_order": min(row["dates"]),
            "last_order": max(row["dates"]),
            "first_order_12m": min(row["since"], default=None),
            "order_days_12m": len(row["since"]),
            "months_12m": len({d[:7] for d in row["since"]}),
            "brands_12m": len(row["brands"]),
        }
        for customer_id, row in found.items()
    }


@settings(max_examples=100, deadline=None)
@given(
    lines=st.lists(
        st.tuples(st.integers(1, 3), day, st.sampled_from(BRANDS), st.integers(1, 9999)),
        max_size=40,
    ),
    edges=st.lists(edge, min_size=4, max_size=4),
    through=last_day,
    year_from=edge,
    district=st.sampled_from([None, "城东片区", "城西片区"]),
)
@example(  # no month cut, and a customer with no order since year_from
    lines=[(1, dt.date(2025, 12, 5), BRANDS[0], 100)],
    edges=[dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)],
    through=dt.date(2026, 4, 30),
    year_from=dt.date(2026, 1, 1),
    district=None,
)
def test_amounts_from_rollups_equal_the_sums_over_the_lines(
    lines, edges, through, year_from, district
):
    """For the whole file and for a district, whose shops are read by their keys."""
    with tempfile.TemporaryDirectory() as folder:
        conn = open_db(Path(folder) / "cust.db")
        districts = {}
        for number, code in enumerate(SHOPS, 1):
            districts[number] = "城东片区" if number % 2 else "城西片区"
            conn.execute(
                "INSERT INTO customers (id, code, name, district) VALUES (?, ?, ?, ?)",
                (number, code, code, districts[number]),
            )
        rows = [(c, d.isoformat(), b, a / 100) for c, d, b, a in lines]
        conn.executemany(
            "INSERT INTO orders (customer_id, date, brand, qty, amount) VALUES (?, ?, ?, 1, ?)",
            rows,
        )
        rollups.rebuild(conn)
        first, before, first2, before2 = sorted(e.isoformat() for e in edges)
        windows = {"a": (first, before), "b": (first2, before2), "c": (first, before2)}

        def asked(scope):
            return insights.amounts(
                conn,
                windows,
                through.isoformat(),
                scope,
                year_from=year_from.isoformat(),
                counts=("months_12m", "brands_12m"),
            )

        want = _reference(rows, windows, through.isoformat(), year_from.isoformat())
        computed = asked(district)  # a district's computed; the whole file's computed and kept
        assert _kept_sets(conn) == (0 if district else 1)
        asked(None)
        kept = asked(district)  # read from the kept set, joined to the district's shops
        assert _kept_sets(conn) == 1
        for got in (computed, kept):
            assert sorted(row["id"] for row in got) == [
                number for number in districts if district in (None, districts[number])
            ]
            _assert_figures(got, want, windows)
        conn.close()


def _kept_sets(conn) -> int:
    return conn.execute(
        "SELECT count(*) FROM figure_sets s JOIN data_versions v ON v.version = s.version"
    ).fetchone()[0]


def _assert_figures(got: list[dict], want: dict, windows: dict) -> None:
    for row in got:
        expect = want.get(row["id"])
        if expect is None:
            assert row["last_order"] is None and row["order_days_12m"] == 0
            assert all(row[name] == 0 for name in windows)
            continue
        assert {k: round(row[k], 2) if k in windows else row[k] for k in expect} == expect
        assert all(type(row[k]) is int for k in ("order_days_12m", "months_12m", "brands_12m"))


def test_the_months_a_window_cuts_are_read_from_the_date_index_alone(tmp_path):
    """Each cut month is one range of the covering date index: looking up each line's row
    (as ranges joined by OR made SQLite do) cost three times as much at city scale."""
    conn = open_db(tmp_path / "cust.db")
    windows = {"amount_12m": ("2025-11-24", "2026-11-24"), "before": ("2025-08-24", "2026-08-24")}
    sql, params, _names = insights._figures_query(windows, "2026-11-23", ("", []), None, ())
    plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    reads = [step for step in plan if "orders" in step.split()]
    assert len(reads) == 4  # 2025-08, 2025-11, 2026-08 and through's month, 2026-11
    assert all("COVERING INDEX idx_orders_date_cover" in step for step in reads), plan
    conn.close()


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.tuples(st.integers(1, 3), day, st.integers(1, 9999)), max_size=30),
    bounds=st.lists(edge, min_size=2, max_size=2),
)
def test_order_totals_from_rollups_equal_the_sums_over_the_lines(lines, bounds):
    with tempfile.TemporaryDirectory() as folder:
        conn = open_db(Path(folder) / "cust.db")
        for number, code in enumerate(SHOPS, 1):
            district = "城东" if number < 3 else "城西"
            conn.execute(
                "INSERT INTO customers (id, code, name, district) VALUES (?, ?, ?, ?)",
                (number, code, code, district),
            )
        rows = [(c, d.isoformat(), a / 100) for c, d, a in lines]
        conn.executemany(
            "INSERT INTO orders (customer_id, date, brand, qty, amount) VALUES (?, ?, 'x', 1, ?)",
            rows,
        )
        rollups.rebuild(conn)
        first, before = sorted(b.isoformat() for b in bounds)
        for district, shops in ((None, {1, 2, 3}), ("城东", {1, 2})):
            got = business.order_totals(conn, first, before, district)
            inside = [(c, a) for c, d, a in rows if first <= d < before and c in shops]
            assert got["qty"] == len(inside)
            assert round(got["amount"], 2) == round(sum(a for _c, a in inside), 2)
        conn.close()


# --- the figures kept per shop follow every write of order lines --------------------------------

KEPT_WINDOWS = {"now": ("2026-09-01", "2026-10-15"), "before": ("2026-08-15", "2026-09-16")}
figure_step = st.one_of(
    st.tuples(st.just("import"), st.lists(line, min_size=1, max_size=6)),
    # an earlier file's lines again with new ones: those already there are skipped
    st.tuples(st.just("again"), st.lists(line, min_size=1, max_size=3)),
    # lines imported on a laptop's file, merged in
    st.tuples(st.just("merge"), st.lists(line, min_size=1, max_size=4)),
    st.tuples(st.just("undo"), st.integers(0, 5)),
    st.tuples(st.just("purge"), st.sampled_from(SHOPS)),
    st.tuples(st.just("add"), st.sampled_from(SHOPS)),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(figure_step, min_size=1, max_size=7))
@example(  # the last card purged and another given its id: the purged one's figures are not its
    history=[
        ("import", [(SHOPS[2], DAYS[2], BRANDS[0], 2, 360.0)]),
        ("purge", SHOPS[2]),
        ("add", SHOPS[2]),
    ]
)
def test_kept_figures_follow_every_write_of_order_lines(history):
    """After each import, undo, purge and new card, every shop's figures are what the lines
    give, though those of the step before were kept: no write leaves a stale set read."""
    with tempfile.TemporaryDirectory() as folder:
        cli = Cli(Path(folder) / "cust.db")
        for code in SHOPS:
            cli.ok("add", "--code", code, "--name", f"店{code[-1]}")
        imported: list[int] = []
        for number, (action, *args) in enumerate(history):
            order_write(cli, Path(folder), number, action, args, imported)
            conn = open_db(cli.db)
            lines = conn.execute("SELECT customer_id, date, brand, amount FROM orders").fetchall()
            want = _reference(lines, KEPT_WINDOWS, "2026-10-31", "2026-09-01")
            for _ in range(2):  # the first may read the last step's set, the second reads one
                got = insights.amounts(
                    conn, KEPT_WINDOWS, "2026-10-31", year_from="2026-09-01", counts=()
                )
                _assert_figures(got, _without_counts(want), KEPT_WINDOWS)
            assert _kept_sets(conn) == 1
            conn.close()
        assert cli.json("db", "check")["figure_mismatches"] == 0


def _without_counts(want: dict) -> dict:
    return {
        cid: {k: v for k, v in row.items() if k not in ("months_12m", "brands_12m")}
        for cid, row in want.items()
    }


def test_db_check_finds_kept_figures_that_drifted_and_repair_forgets_them(cli, add_shop, tmp_path):
    add_shop()
    orders = [["日期", "客户编码", "品名", "数量", "金额"]]
    orders.append(["2026-10-05", SHOPS[0], BRANDS[0], 2, 360])
    cli.json("import", str(write_csv(tmp_path / "o.csv", orders)), "--kind", "orders")
    first = cli.json("churn", "--as-of", "2026-11-23")
    assert cli.json("churn", "--as-of", "2026-11-23") == first  # read from the kept figures
    assert cli.json("db", "check")["figure_mismatches"] == 0
    cli.sql("UPDATE shop_figures SET a0 = a0 + 1")
    result = cli("db", "check")
    assert result.exit_code == 1
    assert "the kept order figures of 1 shops differ from what the orders give" in result.stdout
    assert cli.json("db", "check", "--repair")["figure_mismatches"] == 0
    assert cli.json("churn", "--as-of", "2026-11-23") == first


def test_figures_are_computed_not_kept_while_an_import_holds_the_lock(tmp_path):
    """A reader never waits for a writer to keep what only saves time."""
    conn = open_db(tmp_path / "cust.db")
    conn.execute("INSERT INTO customers (id, code, name) VALUES (1, '0001', '店')")
    conn.execute(
        "INSERT INTO orders (customer_id, date, brand, qty, amount)"
        " VALUES (1, '2026-10-05', 'x', 1, 360)"
    )
    rollups.rebuild(conn)
    writer = sqlite3.connect(tmp_path / "cust.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        got = insights.amounts(conn, KEPT_WINDOWS, "2026-10-31")
    finally:
        writer.execute("ROLLBACK")
    assert [row["now"] for row in got] == [360.0]
    assert _kept_sets(conn) == 0
    insights.amounts(conn, KEPT_WINDOWS, "2026-10-31")
    assert _kept_sets(conn) == 1
