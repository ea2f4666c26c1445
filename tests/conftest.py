from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from custcli.cli import app


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
def cli(db_path: Path) -> Cli:
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
def sample_files(tmp_path_factory) -> Path:
    """The sample workbooks, made by the repository's own script (30 shops, to stay quick)."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("sample")
    script = Path(__file__).resolve().parents[1] / "sample_data" / "make_sample.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(out), "--customers", "30"],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="session")
def sample_db(sample_files, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("sampledb") / "sample.db"
    cli = Cli(db)
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
