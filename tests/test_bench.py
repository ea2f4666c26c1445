"""The bench keeps working as the code under it moves: its data is generated and its
in-process measure of `cust show` runs, at the small scale (two steps that broke silently
when the kinds became objects and the card's presenter moved)."""

from __future__ import annotations

import importlib.util
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests import postgres

ROOT = Path(__file__).resolve().parents[1]


def _bench_run():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_run", module)  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def _small_city(out: Path) -> None:
    made = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--small", "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr[-2000:]


@pytest.mark.slow
def test_the_bench_makes_its_data_and_measures_show(tmp_path):
    out = tmp_path / "small"
    _small_city(out)
    assert {p.name for p in out.iterdir()} >= {"city.db", "roster.xlsx", "orders.xlsx"}
    conn = sqlite3.connect(out / "city.db")
    (code,) = conn.execute("SELECT code FROM customers ORDER BY id LIMIT 1").fetchone()
    assert conn.execute("SELECT count(*) FROM customers").fetchone()[0] == 2_000
    conn.close()
    shown = subprocess.run(
        [sys.executable, "-c", _bench_run().SHOW_WORK, str(out / "city.db"), code],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert 0 < float(shown.stdout) < 5_000  # a median in milliseconds


@pytest.mark.slow
def test_the_postgresql_bench_times_each_command_on_the_three_and_leaves_no_server(tmp_path):
    pytest.importorskip("psycopg", reason="psycopg is not installed")
    if postgres._bin() is None:
        pytest.skip("PostgreSQL's programs (initdb, pg_ctl) are not on this machine")
    out = tmp_path / "small"
    _small_city(out)
    before = set(Path(tempfile.gettempdir()).glob("cust-pg-*"))
    timed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "postgres.py"), "--data", str(out / "city.db"),
         "--runs", "1"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert timed.returncode == 0, timed.stderr[-2000:]
    rows = [line for line in timed.stdout.splitlines() if line.startswith("| ")][1:]
    assert [row.split(" | ")[0] for row in rows] == [
        "| show",
        "| find <name>",
        "| today",
        "| due",
        "| churn",
        "| pyramid",
    ]
    assert all(row.count(" ms") == 3 and row.count("×)") == 2 for row in rows), rows
    # its cluster stopped and removed, as a killed run's would be by its watchdog
    assert set(Path(tempfile.gettempdir()).glob("cust-pg-*")) <= before
