from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from typer.testing import CliRunner

from custcli.cli import app
from tests.postgres import pg_cluster, pg_url  # noqa: F401  (fixtures)

# The day the suite runs on unless `--today` says otherwise. The suite must pass on any day:
# try `pytest --today 2028-02-29` (or a month end, or 1 January).
DEFAULT_TODAY = "2026-11-24"


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--today",
        default=DEFAULT_TODAY,
        help="the day the clock is pinned to in every test (YYYY-MM-DD)",
    )
    parser.addoption(
        "--golden-update",
        action="store_true",
        help="write tests/golden/*.json from what the commands print now",
    )
    parser.addoption(
        "--engine",
        default="sqlite",
        choices=("sqlite", "postgresql"),
        help="the database the CLI tests' `cli` runs on: a SQLite file, or a new database of"
        " a throwaway PostgreSQL (tests that read the SQLite file itself are skipped)",
    )


@pytest.fixture(scope="session")
def today(pytestconfig) -> dt.date:
    """The pinned day: tests that need a date work from this one, never from the clock."""
    return dt.date.fromisoformat(pytestconfig.getoption("--today"))


@contextlib.contextmanager
def pinned(day: dt.date) -> Iterator[None]:
    """Nothing the developer's shell or calendar holds: no CUST_* variable, a plain C.UTF-8
    locale, and the clock at 10:00 on `day` (it ticks, so timeouts still run out)."""
    with pytest.MonkeyPatch.context() as patch:
        for key in list(os.environ):
            if key.startswith("CUST_") or key in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
                patch.delenv(key)
        patch.setenv("LANG", "C.UTF-8")
        with time_machine.travel(dt.datetime.combine(day, dt.time(10, 0)), tick=True):
            yield


@pytest.fixture(autouse=True)
def hermetic(today) -> Iterator[None]:
    """Every test runs pinned (see `pinned`), and starts speaking the message ids (English)
    until a command or the test itself chooses a language."""
    from custcli import i18n

    i18n.use("en")
    with pinned(today):
        yield


class Cli:
    """Runs `cust` in-process on one temporary database, as a user would type it."""

    def __init__(self, db: Path):
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None):
        return self.runner.invoke(
            app,
            ["--db", str(self.db), *map(str, args)],
            input=input,
            env={"CUST_LANG": "en", **(env or {})},
        )

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        """Run SQL on the database, SQLite file or PostgreSQL alike; rows as tuples."""
        from custcli.db.opening import open_db

        conn = open_db(self.db)
        try:
            cursor = conn.execute(query, params)
            return [tuple(r) for r in cursor] if cursor.description else []
        finally:
            conn.close()

    def ok(self, *args: str, **kw):
        result = self(*args, **kw)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result

    def json(self, *args: str, **kw):
        return json.loads(self.ok(*args, "--json", **kw).stdout)

    def fails(self, code: int, *args: str, **kw):
        """Assert a failure: this exit code and exactly one line on stderr."""
        result = self(*args, **kw)
        assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("cust: "), result.stderr
        return lines[0]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cust.db"


@pytest.fixture
def cli(db_path: Path, request) -> Cli:
    if request.config.getoption("--engine") == "postgresql":
        asked = inspect.signature(request.function).parameters
        if "sqlite_only" in request.keywords or "db_path" in asked:
            pytest.skip("reads or writes the SQLite file itself")
        return Cli(request.getfixturevalue("pg_url"))
    return Cli(db_path)


@pytest.fixture
def add_shop(cli: Cli) -> Callable[..., None]:
    def add(code: str = "000100000001", name: str = "张三烟酒店", **fields: str) -> None:
        args = ["add", "--code", code, "--name", name]
        for key, value in fields.items():
            args += [f"--{key.replace('_', '-')}", value]
        cli.ok(*args)

    return add


@pytest.fixture(scope="session")
def sample_files(tmp_path_factory, today) -> Path:
    """The sample workbooks, made by the repository's own script (30 shops, to stay quick),
    as they would be made on the pinned day."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("sample")
    script = Path(__file__).resolve().parents[1] / "sample_data" / "make_sample.py"
    subprocess.run(
        [
            sys.executable,
            str(script),
            "--out",
            str(out),
            "--customers",
            "30",
            "--today",
            str(today),
        ],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="session")
def sample_db(sample_files, tmp_path_factory, today) -> Path:
    db = tmp_path_factory.mktemp("sampledb") / "sample.db"
    cli = Cli(db)
    with pinned(today):  # session fixtures are made before the autouse one pins the test
        for name in ("roster", "brands", "orders", "visits"):
            cli.ok("import", str(sample_files / f"{name}.xlsx"))
    return db


@pytest.fixture
def sample_cli(sample_db, tmp_path) -> Cli:
    """A private copy of the imported sample database."""
    import shutil

    copy = tmp_path / "sample.db"
    shutil.copy(sample_db, copy)
    return Cli(copy)


@pytest.fixture
def department(pg_cluster, sample_files, today):  # noqa: F811
    """A department's database: the sample imported by its owner, and two logins, one
    granted 李明's shops and one granted nothing."""
    import uuid

    database = pg_cluster.new_database()
    owner = Cli(pg_cluster.url(database))
    for name in ("roster", "brands", "orders", "visits"):
        owner.ok("import", str(sample_files / f"{name}.xlsx"))
    suffix = uuid.uuid4().hex[:8]
    li, nobody = f"li_{suffix}", f"zhao_{suffix}"
    for login in (li, nobody):
        pg_cluster.sql(f"CREATE ROLE {login} LOGIN")
    granted = owner.json("db", "grant", "李明", "--role", li)
    return owner, Cli(pg_cluster.url(database, li)), Cli(pg_cluster.url(database, nobody)), granted


@pytest.fixture
def month_of_work(cli, add_shop, tmp_path):
    """October 2026: two shops due (甲 on 10-05, 乙 since 09-08), one not (丙, 60-day cycle);
    甲 is visited, 乙 is not; orders, a follow-up and a complaint."""
    add_shop(
        "0001", "甲店", district="东片", tier="20", visit_cycle_days="7", account_manager="李明"
    )
    add_shop(
        "0002", "乙店", district="东片", tier="10", visit_cycle_days="7", account_manager="王芳"
    )
    add_shop(
        "0003", "丙店", district="西片", tier="5", visit_cycle_days="60", account_manager="李明"
    )
    cli.ok("visit", "log", "0001", "--date", "2026-09-28")
    cli.ok("visit", "log", "0002", "--date", "2026-09-01")
    cli.ok("visit", "log", "0003", "--date", "2026-09-20")  # next due 11-19: not this month
    cli.ok("visit", "log", "0003", "--date", "2026-10-20")
    cli.ok(
        "visit",
        "log",
        "0001",
        "--date",
        "2026-10-05",
        "--follow-up",
        "送样品",
        "--due",
        "2026-10-10",
    )
    cli.ok("visit", "log", "0001", "--date", "2026-10-12", "--kind", "电话")
    cli.ok("visit", "log", "0001", "--date", "2026-10-19")
    cli.ok("followup", "done", "1", "--date", "2026-10-09")
    cli.ok("complaint", "add", "0002", "--text", "送货晚", "--kind", "送货", "--date", "2026-10-02")
    cli.ok("complaint", "resolve", "1", "--how", "调线路", "--date", "2026-10-06")
    from spreadsheets import write_xlsx

    orders = [
        ["订货日期", "客户编码", "卷烟名称", "订购量(条)", "金额(元)"],
        ["2026-10-06", "0001", "玉溪(软)", 10, 1800],
        ["2026-10-06", "0002", "红河(软甲)", 20, 900],
        ["2026-09-06", "0001", "玉溪(软)", 5, 900],
        ["2025-10-06", "0001", "玉溪(软)", 8, 1440],
    ]
    cli.ok("import", str(write_xlsx(tmp_path / "o.xlsx", orders)))
    brands = [["卷烟名称", "批发价(元/条)"], ["玉溪(软)", 180], ["红河(软甲)", 45]]
    cli.ok("import", str(write_xlsx(tmp_path / "b.xlsx", brands)))
    cli.ok("pyramid", "--as-of", "2026-10-31")  # rank as of the month's end, not today
    return cli
