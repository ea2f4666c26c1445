"""The monthly order rollups equal the sums over the lines, whatever history made them."""

from __future__ import annotations

import sqlite3
import tempfile
from collections import defaultdict
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custcli.db import rollups
from tests.conftest import Cli
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
        for number, (action, *args) in enumerate(history):
            if action == "import":
                rows = [["客户编码", "日期", "品名", "数量", "金额"], *map(list, args[0])]
                path = write_csv(Path(folder) / f"o{number}.csv", rows)
                result = cli.json("import", str(path), "--kind", "orders")
                imports.append(result["import_id"])
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


def test_db_check_finds_a_rollup_that_drifted_and_repair_rebuilds_it(cli, add_shop, tmp_path):
    add_shop()
    orders = [["日期", "客户编码", "品名", "数量", "金额"]]
    orders.append(["2026-10-05", SHOPS[0], BRANDS[0], 2, 360])
    cli.json("import", str(write_csv(tmp_path / "o.csv", orders)), "--kind", "orders")
    conn = sqlite3.connect(cli.db)
    conn.execute("UPDATE order_months SET amount = amount + 1")
    conn.commit()
    conn.close()
    result = cli("db", "check")
    assert result.exit_code == 1
    assert "1 monthly order rollups differ from the order lines" in result.stdout
    assert cli.json("db", "check", "--repair")["rollup_mismatches"] == 0
