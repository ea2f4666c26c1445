"""What a user meets on day one: a mistyped --db, values typed wrong, a redacted roster
imported back, a kind named in Chinese, --version and --lang where a person types them."""

from __future__ import annotations

import json
import re

import pytest
from spreadsheets import write_xlsx

READING = [
    ["show", "053010000001"],
    ["list"],
    ["find", "超市"],
    ["today"],
    ["due"],
    ["history", "053010000001"],
    ["visit", "list"],
    ["export", "customers", "-o", "x.xlsx"],
    ["report", "monthly", "--month", "2026-11", "-o", "r.xlsx"],
    ["pyramid"],
    ["db", "status"],
    ["db", "check"],
    ["edit", "053010000001", "--set", "tier=3"],
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("args", READING, ids=" ".join)
def test_a_command_on_a_database_that_is_not_there_says_so_and_makes_none(
    cli, db_path, tmp_path, monkeypatch, args
):
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "typo" / "demo.db"
    result = cli.runner.invoke(
        __import__("custcli.cli", fromlist=["app"]).app,
        ["--db", str(missing), *args],
        env={"CUST_LANG": "zh"},
    )
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "没有数据库" in lines[0] and str(missing) in lines[0], lines
    assert not missing.exists() and not missing.parent.exists()
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "r.xlsx").exists()


@pytest.mark.sqlite_only
def test_the_commands_that_bring_data_start_a_database(cli, db_path):
    assert not db_path.exists()
    cli.ok("add", "--code", "0001", "--name", "兴隆烟酒店")
    assert db_path.exists()


@pytest.mark.parametrize(
    ("assignment", "says"),
    [
        ("order_day=周八", "周二、周五"),
        ("order_day=随时", "周二、周五"),
        ("credit_grade=Q", "AAA"),
        ("license_no=12345", "12"),
        ("tier=31", "30"),
        ("tier=0", "30"),
        ("visit_cycle_days=0", "366"),
    ],
)
def test_a_value_typed_wrong_is_refused_with_the_forms_taken(cli, add_shop, assignment, says):
    add_shop("0001", "兴隆烟酒店", order_day="周二", tier="5")
    before = cli.json("show", "0001")["card"]
    message = cli.fails(2, "edit", "0001", "--set", assignment)
    assert says in message, message
    assert cli.json("show", "0001")["card"] == before  # nothing half-written


def test_a_value_typed_in_another_accepted_form_is_stored_as_the_trade_writes_it(cli, add_shop):
    add_shop("0001", "兴隆烟酒店", order_day="周3", credit_grade="aa级", license_no="530102100001")
    card = cli.json("show", "0001")["card"]
    assert (card["order_day"], card["credit_grade"]) == ("周三", "AA")
    cli.fails(2, "add", "--code", "0002", "--name", "平安商店", "--order-day", "周八")
    assert len(cli.json("list")) == 1


def test_from_a_file_a_weekday_nobody_can_read_is_kept_as_written_and_said(cli, tmp_path):
    rows = [
        ["客户编码", "客户名称", "订货日", "诚信等级"],
        ["0001", "兴隆烟酒店", "周八", "Q"],
        ["0002", "平安商店", "周3", "AA"],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "r.xlsx", rows)))
    assert result["counts"]["new"] == 2
    warned = {(w["row"], w["column"]) for w in result["warnings"]}
    assert {(2, "订货日"), (2, "诚信等级")} <= warned
    first, second = cli.json("show", "0001")["card"], cli.json("show", "0002")["card"]
    assert first["order_day"] is None and first["extra"]["订货日"] == "周八"  # never dropped
    assert second["order_day"] == "周三"


def test_a_redacted_roster_imports_back_and_leaves_every_card_as_it_was(sample_cli, tmp_path):
    before = {c["code"]: c for c in sample_cli.json("list", "--status", "active")}
    masked = tmp_path / "masked.xlsx"
    sample_cli.ok("export", "customers", "--redact", "-o", str(masked))
    result = sample_cli.json("import", str(masked))
    counts = result["counts"]
    assert counts["rejected"] == 0 and counts["new"] == 0 and counts["updated"] == 0, counts
    assert counts["unchanged"] == len(before) and counts["masked"] >= len(before)
    after = {c["code"]: c for c in sample_cli.json("list", "--status", "active")}
    assert after == before
    phones = [c["phone"] for c in after.values() if c["phone"]]
    assert phones and not any("*" in p for p in phones)


def test_kinds_are_named_in_chinese_too(sample_cli, tmp_path):
    roster = tmp_path / "名册.xlsx"
    sample_cli.ok("export", "客户", "-o", str(roster))
    assert sample_cli.json("import", str(roster), "--kind", "客户", "--dry-run")["kind"] == (
        "customers"
    )
    sample_cli.ok("export", "拜访", "-o", str(tmp_path / "v.xlsx"))


def test_find_says_how_many_more_match_than_it_shows(sample_cli):
    everyone = sample_cli.json("find", "昆明")
    assert len(everyone) > 20  # --json gives them all
    text = sample_cli.ok("find", "昆明", "--limit", "5").stdout
    assert f"… and {len(everyone) - 5} more shops (--limit 0 shows all)" in text
    assert len(sample_cli.json("find", "昆明", "--limit", "5")) == 5


def test_version_and_lang_where_a_person_types_them(sample_cli):
    version = sample_cli.ok("--version").stdout.strip()
    assert re.fullmatch(r"cust \d+\.\d+\.\d+\S*", version), version
    code = sample_cli.json("list")[0]["code"]
    shown = sample_cli.ok("show", code, "--lang", "zh", env={"CUST_LANG": "en"}).stdout
    assert "经营者" in shown
    english = sample_cli.ok("show", code, "--lang", "en", env={"CUST_LANG": "zh"}).stdout
    assert "经营者" not in english
    assert json.loads(sample_cli.ok("list", "--json", "--lang", "zh").stdout)[0]["code"] == code


def test_what_was_english_under_chinese_is_chinese(sample_cli):
    code = sample_cli.json("list")[0]["code"]
    zh = {"CUST_LANG": "zh"}
    said = sample_cli.ok("date", "add", code, "老板娘生日", "三月初八", "--lunar", env=zh).stdout
    assert "农历三月初八" in said and "lunar" not in said
    status = sample_cli.ok("db", "status", env=zh).stdout
    assert "0o" not in status and "权限：0600" in status
    missing = sample_cli.fails(1, "complaint", "resolve", "999", "--how", "x", env=zh)
    assert "complaint" not in missing.replace("cust complaint list", "")
    edited = sample_cli.ok("edit", code, "--set", "tier=29", env=zh).stdout
    assert not re.search(r"[A-Za-z]{3,}", edited.replace(code, "")), edited
