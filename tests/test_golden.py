"""What the reading commands print as --json on the sample data, held byte for byte: a change
of structure must not change one answer. The sample is made for one fixed day and read on
it, whatever day the suite runs on.

    python -m pytest tests/test_golden.py --golden-update   # after a change meant to show
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import Cli, pinned

GOLDEN = Path(__file__).parent / "golden"
DAY = dt.date(2026, 11, 24)
COMMANDS = {
    "list": ("list",),
    "today": ("today",),
    "due": ("due",),
    "pyramid": ("pyramid",),
    "churn": ("churn",),
    "loyal": ("loyal",),
    "managers": ("managers",),
    "managers-2026-10": ("managers", "--month", "2026-10"),
    "report-2026-10": ("report", "monthly", "--month", "2026-10"),
    "report-2026-10-li": ("report", "monthly", "--month", "2026-10", "--manager", "李明"),
    "brief": ("brief",),
    "find": ("find", "烟酒"),
}


@pytest.fixture(scope="module")
def golden_cli(tmp_path_factory) -> Cli:
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("golden")
    script = Path(__file__).resolve().parents[1] / "sample_data" / "make_sample.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(folder), "--customers", "60",
         "--today", DAY.isoformat()],
        check=True, capture_output=True,
    )  # fmt: skip
    cli = Cli(folder / "golden.db")
    with pinned(DAY):
        for name in ("roster", "brands", "orders", "visits"):
            cli.ok("import", str(folder / f"{name}.xlsx"))
    return cli


def _check(name: str, text: str, update: bool) -> None:
    path = GOLDEN / f"{name}.json"
    if update:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path.name}: run with --golden-update"
    assert text == path.read_text(encoding="utf-8"), name


@pytest.mark.parametrize("name", COMMANDS)
def test_a_reading_command_answers_as_it_did(golden_cli, name, request):
    with pinned(DAY):
        text = golden_cli.ok(*COMMANDS[name], "--json").stdout
    _check(name, text, request.config.getoption("--golden-update"))


def test_every_card_shows_as_it_did(golden_cli, request):
    with pinned(DAY):
        codes = [c["code"] for c in golden_cli.json("list")]
        text = "".join(golden_cli.ok("show", code, "--json").stdout for code in codes)
    assert len(codes) == 60
    _check("show", text, request.config.getoption("--golden-update"))
