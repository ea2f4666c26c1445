"""The daily commands on a department's PostgreSQL at city scale, as its owner and as a
manager fenced by row-level security, against the same commands on the SQLite file.

    python bench/postgres.py [--small] [--runs N] [--data city.db] [--slow-ms MS] [--plans]

The city's file (bench/data, made by bench/run.py) is copied into a new database of a
throwaway cluster (started as tests/postgres.py starts the suite's, reached through its
socket folder only, and stopped however this process ends), a login is granted the account
manager of the bench's shop, and each command runs as a whole process against the three,
interleaved. The server logs every statement over 250 ms; the slowest are printed, with
the login that ran them, so that each can be found and fixed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from run import Timing, cust, measure, pick_customer  # noqa: E402

from tests.postgres import Cluster, _bin  # noqa: E402

# The tables that hold the city's data (the kept figures and findings are made again).
TABLES = ("brands", "customers", "visits", "orders", "order_months", "pyramid")
SLOW_MS = 250
LOGIN = "bench_manager"


def _copy(source: sqlite3.Connection, url: str) -> None:
    """Every row of TABLES from the SQLite file into the database, ids kept."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as pg:
        for table in TABLES:
            theirs = {r[0] for r in pg.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                (table,),
            )}  # fmt: skip
            ours = [r[1] for r in source.execute(f"PRAGMA table_info({table})")]
            columns = [c for c in ours if c in theirs]
            names = ", ".join(columns)
            with pg.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in source.execute(f"SELECT {names} FROM {table}"):
                    copy.write_row(row)
            if "id" in columns:
                pg.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT coalesce(max(id), 1) FROM {table}))"
                )
        pg.execute("VACUUM ANALYZE")  # as autovacuum would have left a database in use


def _slowest(log: Path, most: int = 20) -> list[tuple[float, str, str]]:
    """(ms, login, statement) of the slowest statements the server logged, each statement
    whole (the lines after its first carry no prefix)."""
    # a simple query's "statement:", an extended one's "execute <unnamed>:"
    pattern = re.compile(
        r"^\[(\w*)\] LOG:\s+duration: ([\d.]+) ms\s+(?:statement|execute [^:]*): (.*)"
    )
    found: list[list] = []
    for line in log.read_text(errors="replace").splitlines():
        match = pattern.search(line)
        if match:
            login, ms, statement = match.groups()
            found.append([float(ms), login, statement])
        elif found and not line.startswith("["):
            found[-1][2] += " " + line
        else:
            found.append([0.0, "", ""])  # another message: what follows is not a statement
    return sorted(
        ((ms, login, " ".join(text.split())[:400]) for ms, login, text in found if ms),
        reverse=True,
    )[:most]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a fiftieth of the data")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command")
    parser.add_argument("--data", type=Path, help="the city's file (default: bench/data's)")
    parser.add_argument("--slow-ms", type=int, default=SLOW_MS, help="statements logged over")
    parser.add_argument("--plans", action="store_true", help="log their plans as they ran")
    args = parser.parse_args()
    data = args.data or ROOT / "bench" / "data" / ("small" if args.small else "full") / "city.db"
    if not data.exists():
        sys.exit(f"no {data}: run bench/run.py first, which makes it")
    bin_folder = _bin()
    if bin_folder is None:
        sys.exit("PostgreSQL's programs (initdb, pg_ctl) are not on this machine")

    work = Path(tempfile.mkdtemp(prefix="cust-bench-pg-"))
    folder = Path(tempfile.mkdtemp(prefix="cust-pg-"))
    cluster = Cluster(folder, bin_folder)
    watchdog = cluster.watched()
    try:
        city = work / "city.db"
        shutil.copy(data, city)
        env = {**os.environ, "CUST_LANG": "zh", "CUST_DB": str(city)}
        subprocess.run(cust("db", "status"), env=env, stdout=subprocess.DEVNULL, check=True)
        cluster.start()
        owner = cluster.url(cluster.new_database())
        subprocess.run(cust("--db", owner, "db", "status"), env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        with sqlite3.connect(city) as source:
            _copy(source, owner)
        shop = pick_customer(city)
        with sqlite3.connect(city) as source:
            manager = source.execute(
                "SELECT account_manager FROM customers WHERE code = ?", (shop["code"],)
            ).fetchone()[0]
        cluster.sql(f"CREATE ROLE {LOGIN} LOGIN")
        subprocess.run(cust("--db", owner, "db", "grant", manager, "--role", LOGIN),
                       env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        fenced = owner.replace("postgresql://postgres@", f"postgresql://{LOGIN}@")
        cluster.sql(f"ALTER SYSTEM SET log_min_duration_statement = {args.slow_ms}")
        cluster.sql("ALTER SYSTEM SET log_line_prefix = '[%u] '")
        if args.plans:  # each slow statement's plan as it ran (which slows every statement)
            import psycopg

            with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
                conn.execute("LOAD 'auto_explain'")  # its settings are known once loaded
                conn.execute("ALTER SYSTEM SET session_preload_libraries = 'auto_explain'")
                conn.execute(f"ALTER SYSTEM SET auto_explain.log_min_duration = {args.slow_ms}")
                conn.execute("ALTER SYSTEM SET auto_explain.log_analyze = on")
        cluster.sql("SELECT pg_reload_conf()")

        commands = {
            "show": ("show", shop["code"], "--as-of", "2026-11-23"),
            "find <name>": ("find", shop["name"][:3]),
            "today": ("today", "--date", "2026-11-23"),
            "due": ("due", "--date", "2026-11-23"),
            "churn": ("churn", "--as-of", "2026-11-23"),
            "pyramid": ("pyramid", "--as-of", "2026-11-23"),
        }
        engines = {"SQLite": str(city), "PostgreSQL, owner": owner, "PostgreSQL, manager": fenced}
        timings: dict[str, Timing] = {}
        # Once, untimed: the first ask keeps figures and findings where the login may.
        for url in engines.values():
            for words in commands.values():
                subprocess.run(cust("--db", url, *words), env=env, check=True,
                               stdout=subprocess.DEVNULL)  # fmt: skip
        for _ in range(args.runs):
            for name, words in commands.items():
                for engine, url in engines.items():
                    measure(timings, f"{name} · {engine}", cust("--db", url, *words), env)
        print(f"| command | {' | '.join(engines)} |")
        print(f"|---|{'---|' * len(engines)}")
        for name in commands:
            base = statistics.median(timings[f"{name} · SQLite"].seconds)
            cells = []
            for engine in engines:
                median = statistics.median(timings[f"{name} · {engine}"].seconds)
                ratio = "" if engine == "SQLite" else f" ({median / base:.2f}×)"
                cells.append(f"{median * 1000:,.0f} ms{ratio}")
            print(f"| {name} | {' | '.join(cells)} |")
        print(f"\nStatements over {args.slow_ms} ms (login, ms, statement):")
        for ms, login, statement in _slowest(folder / "log"):
            print(f"- {login} {ms:,.0f} ms: {statement}")
        kept = data.parent / "postgres.log"
        shutil.copy(folder / "log", kept)
        print(f"\nThe server's log{' and the plans' if args.plans else ''}: {kept}")
    finally:
        if (folder / "data" / "postmaster.pid").exists():
            cluster.stop()
        watchdog.kill()
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
