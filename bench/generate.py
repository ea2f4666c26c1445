"""Make a city's worth of data for the benchmarks: a cust database and the spreadsheets to
import, with Chinese names and addresses as in sample_data. Fixed seed.

    python bench/generate.py [--small] [--out DIR]

Full scale: 100,000 customers, 1,000,000 visits and 3,000,000 order lines over two years, a
100,000-row roster workbook and a 1,000,000-line orders workbook. --small is a fiftieth.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "sample_data"))

import make_sample  # noqa: E402  (the sample script's names, brands and workbook writer)

from custcli.db import customers as customer_q  # noqa: E402
from custcli.db import rollups  # noqa: E402
from custcli.db.engine import write_transaction  # noqa: E402
from custcli.db.opening import open_db  # noqa: E402
from custcli.domain import pyramid  # noqa: E402
from custcli.domain.customers import parse_values  # noqa: E402
from custcli.domain.importing.mapping import match  # noqa: E402
from custcli.domain.search import search_text  # noqa: E402
from custcli.kinds import CUSTOMERS  # noqa: E402
from custcli.trade import price_class_of  # noqa: E402

SCALES = {
    "full": {
        "customers": 100_000,
        "visits": 1_000_000,
        "orders": 3_000_000,
        "order_file": 1_000_000,
    },
    "small": {"customers": 2_000, "visits": 20_000, "orders": 60_000, "order_file": 20_000},
}
LAST_DAY = dt.date(2026, 10, 31)
DAYS = 730  # two years of history
AS_OF = dt.date(2026, 11, 23)


def _day(rng: random.Random) -> str:
    return (LAST_DAY - dt.timedelta(days=rng.randrange(DAYS))).isoformat()


def build_db(path: Path, scale: dict, rng: random.Random) -> list[str]:
    """Customers through the same parsers and search keys an import uses; orders and visits
    straight in, as years of imports would have left them, with their monthly rollups."""
    path.unlink(missing_ok=True)
    conn = open_db(path)
    shops = [
        {match(CUSTOMERS, k).key or k: v for k, v in row.items()}
        for row in make_sample.make_customers(rng, scale["customers"])
    ]
    with write_transaction(conn):
        for shop in shops:
            extra = {"冰柜": shop.pop("冰柜")}
            values = {**parse_values(shop), "extra": extra}
            customer_q.insert(conn, values, search_text(values["name"], values["owner"]))
    ids = range(1, len(shops) + 1)
    weights = [int(s["tier"].removesuffix("档")) for s in shops]
    with write_transaction(conn):
        conn.executemany(
            "INSERT INTO brands (name, wholesale_price, retail_price, price_class, features,"
            " promotion) VALUES (?, ?, ?, ?, ?, ?)",
            [(n, w, r, price_class_of(w), f, p) for n, w, r, f, p in make_sample.BRANDS],
        )
        conn.executemany(
            "INSERT INTO orders (customer_id, date, brand, qty, amount, unit_price)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            _order_rows(rng, ids, weights, scale["orders"]),
        )
        conn.executemany(
            "INSERT INTO visits (customer_id, date, kind, note, satisfaction, manager)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            _visit_rows(rng, ids, shops, scale["visits"]),
        )
        # Lines written straight in skip the import's rollup refresh: without this, every
        # figure read from the rollups (pyramid, churn, the report, a card's) sees no orders.
        rollups.rebuild(conn)
    pyramid.refresh(conn, AS_OF)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return [shop["code"] for shop in shops]


def _order_rows(rng, ids, weights, count):
    for customer_id in rng.choices(ids, weights=weights, k=count):
        name, wholesale, *_ = rng.choice(make_sample.BRANDS)
        qty = rng.randint(1, 12)
        yield customer_id, _day(rng), name, qty, qty * wholesale, wholesale


def _visit_rows(rng, ids, shops, count):
    kinds = ["field"] * 8 + ["phone", "online"]  # visit kinds as stored: codes
    for customer_id in rng.choices(ids, k=count):
        yield (
            customer_id,
            _day(rng),
            rng.choice(kinds),
            "维护店面形象",
            rng.choice([3, 4, 5]),
            shops[customer_id - 1]["account_manager"],
        )


def write_files(out: Path, scale: dict, codes: list[str], rng: random.Random) -> None:
    shops = make_sample.make_customers(random.Random(make_sample.SEED), scale["customers"])
    make_sample.write_sheet(
        out / "roster.xlsx",
        "零售客户",
        list(shops[0]),
        [list(s.values()) for s in shops],
        title="零售客户信息一览表",
        total=["合计", f"{len(shops)}户"],
        exported_on=LAST_DAY + dt.timedelta(days=1),
    )
    lines = []
    for _ in range(scale["order_file"]):
        name, wholesale, *_ = rng.choice(make_sample.BRANDS)
        qty = rng.randint(1, 12)
        lines.append(
            [dt.date.fromisoformat(_day(rng)), rng.choice(codes), name, qty, qty * wholesale]
        )
    make_sample.write_sheet(
        out / "orders.xlsx",
        "订单明细",
        ["订货日期", "客户编码", "卷烟名称", "订购量(条)", "金额(元)"],
        lines,
    )


def generate(small: bool, out: Path) -> Path:
    scale = SCALES["small" if small else "full"]
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261123)
    started = time.perf_counter()
    codes = build_db(out / "city.db", scale, rng)
    print(
        f"database: {scale['customers']:,} customers, {scale['visits']:,} visits, "
        f"{scale['orders']:,} order lines ({time.perf_counter() - started:.0f} s)"
    )
    started = time.perf_counter()
    write_files(out, scale, codes, rng)
    print(
        f"roster.xlsx and orders.xlsx ({scale['order_file']:,} lines) written "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a fiftieth of a city")
    parser.add_argument("--out", type=Path, help="where (default: bench/data/full or small)")
    args = parser.parse_args()
    default = ROOT / "bench" / "data" / ("small" if args.small else "full")
    generate(args.small, args.out or default)


if __name__ == "__main__":
    main()
