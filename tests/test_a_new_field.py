"""A card field added as a developer adds one (tests/helpers/new_field.py: one registry entry,
one schema step) flows through everything that reads cards: the import's mapping, show,
export, the report's customer sheet, --redact, merge and the Datasette metadata, on a
SQLite file and on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _cust(db: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUST_")}
    env.update(CUST_LANG="zh", LANG="C.UTF-8", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "tests.helpers.new_field", "--db", db, *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, (args, result.stderr[-2000:])
    return result


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / "cust.db")


def test_a_new_card_field_flows_through_every_reader_of_cards(database, tmp_path, today):
    roster = tmp_path / "名册.csv"
    roster.write_text(
        "客户编码,客户名称,客户经理,微信号\n"
        "0001,甲店,李明,wx 13812345678 甲店老板\n"
        "0002,乙店,李明,yidian88\n",
        "utf-8",
    )
    imported = json.loads(_cust(database, "import", str(roster), "--json").stdout)
    mapping = {m["column"]: m["field"] for m in imported["mapping"]}
    assert mapping["微信号"] == "wechat"  # the import's mapping, by its alias
    card = json.loads(_cust(database, "show", "0001", "--json").stdout)["card"]
    assert card["wechat"] == "wx 13812345678 甲店老板"
    screen = _cust(database, "show", "0001", "--full").stdout
    assert "甲店老板" in screen and "业务信息" in screen  # on the card, in its section
    export = tmp_path / "客户.xlsx"
    _cust(database, "export", "customers", "-o", str(export))
    sheet = openpyxl.load_workbook(export).worksheets[0]
    headers = [c.value for c in sheet[1]]
    column = headers.index(_wechat_label())
    assert sheet.cell(2, column + 1).value == "wx 13812345678 甲店老板"
    redacted = tmp_path / "redacted.csv"
    _cust(database, "export", "customers", "-o", str(redacted), "--redact")
    text = redacted.read_text("utf-8-sig")
    assert "13812345678" not in text and "138****5678" in text  # masked by its shape
    report = tmp_path / "report.xlsx"
    _cust(database, "report", "monthly", "--month", "本月", "-o", str(report))
    customers = openpyxl.load_workbook(report)["客户"]
    labels = [c.value for c in customers[1]]
    assert _wechat_label() in labels
    assert customers.cell(2, labels.index(_wechat_label()) + 1).value.startswith("wx ")
    laptop = tmp_path / "laptop.db"
    _cust(str(laptop), "add", "--code", "0003", "--name", "丙店", "--account-manager", "李明",
          "--wechat", "bingdian")  # fmt: skip
    _cust(database, "merge", str(laptop))
    assert (
        json.loads(_cust(database, "show", "0003", "--json").stdout)["card"]["wechat"] == "bingdian"
    )
    if database.endswith(".db"):
        metadata = json.loads(_cust(database, "db", "datasette-metadata").stdout)
        tables = next(iter(metadata["databases"].values()))["tables"]
        assert tables["customers"]["columns"]["wechat"] == _wechat_label()


def _wechat_label() -> str:
    """The new field's label as the catalogue says it: its message id, as no translation
    was added for it (a real field gets its Chinese in the .po)."""
    return "WeChat"
