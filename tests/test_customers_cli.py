"""The card commands through the CLI, on a temporary database."""

from __future__ import annotations

import json
import os
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custcli.domain import search
from custcli.kinds.fields import CUSTOMER_FIELDS

EVERY_FIELD = {
    "code": "000100000001",
    "name": "张三烟酒店",
    "owner": "张三",
    "phone": "138 0013 8000",
    "address": "五华区人民中路１２号",
    "license_no": "530102100001",
    "district": "城东片区",
    "account_manager": "李经理",
    "tier": "12档",
    "category": "优质客户",
    "format": "食杂店",
    "market": "城网",
    "visit_cycle_days": "每周",
    "order_method": "网上订货",
    "order_cycle": "双周",
    "order_day": "周二、周五",
    "delivery_day": "周三",
    "settlement": "电子结算",
    "business_hours": "08:00-22:00",
    "facility": "柜台+货架",
    "signage": "有",
    "legal_rep": "张三",
    "store_manager": "张小三",
    "credit_grade": "AA",
    "compliance": "无违规",
    "status": "在营",
    "delivery_route": "东线3号车",
    "longitude": "102.712345",
    "latitude": "25.04123",
    "opened_on": "2015/6/18",
    "birthday": "农历三月初八",
    "preferences": "爱喝普洱",
    "notes": "儿子在读高三",
}
STORED = {
    **EVERY_FIELD,
    "phone": "13800138000",
    "address": "五华区人民中路１２号",
    "tier": 12,
    "visit_cycle_days": 7,
    "order_cycle": 14,
    "status": "active",
    "opened_on": "2015-06-18",
    "birthday": "lunar:--03-08",
    "longitude": 102.712345,
    "latitude": 25.04123,
}


def test_add_with_every_field_then_show_json_gives_every_value_back(cli, add_shop):
    assert set(EVERY_FIELD) == {f.key for f in CUSTOMER_FIELDS}
    add_shop(**EVERY_FIELD)
    card = cli.json("show", "000100000001")["card"]
    assert {k: card[k] for k in STORED} == STORED
    assert card["extra"] == {}


def test_show_plain_card_is_labelled_in_the_chosen_language(cli, add_shop):
    add_shop(**EVERY_FIELD)
    zh = cli.ok("--lang", "zh", "show", "000100000001").stdout
    assert "经营者: 张三" in zh and "经营者生日: 农历三月初八" in zh and "状态: 在营" in zh
    en = cli.ok("show", "000100000001").stdout
    assert "Owner: 张三" in en and "Owner's birthday: lunar 3-8" in en


def test_add_requires_code_and_name_and_refuses_a_duplicate(cli, add_shop):
    assert "--name is required" in cli.fails(2, "add", "--code", "1")
    add_shop()
    assert "exists already" in cli.fails(2, "add", "--code", "000100000001", "--name", "x")


def test_add_refuses_a_bad_value_naming_the_field(cli):
    line = cli.fails(2, "add", "--code", "1", "--name", "店", "--phone", "abc")
    assert line.startswith("cust: Phone:")  # the field by its label, in the language in use
    zh = cli.fails(2, "--lang", "zh", "add", "--code", "1", "--name", "店", "--phone", "abc")
    assert zh == "cust: 联系电话：电话号码只能有数字、空格和横线"


def test_find_by_pinyin_initials_full_pinyin_phone_tail_and_more(cli, add_shop):
    add_shop(owner="张三", phone="13800138000", address="人民中路12号", license_no="530102100001")
    add_shop("000100000002", "李四便利店", owner="李四", phone="13912345678")
    for query in (
        "zsyjd",
        "zhangsan",
        "zhangsanyanjiudian",
        "8000",
        "13800138000",
        "张三",
        "人民中路",
        "530102100001",
        "000100000001",
    ):
        found = cli.json("find", query)
        assert [c["code"] for c in found][:1] == ["000100000001"], query
    assert [c["code"] for c in cli.json("find", "5678")] == ["000100000002"]


# Names as rosters hold them: common and rare Han characters, an extension-B one outside
# the range pinyin reads, full-width and ASCII letters and digits, punctuation.
NAME_CHARS = st.sampled_from(list("张三李记小卖部烟酒店行乐𠀋ＡＢ１２ab7·-（）() "))


@given(
    name=st.text(NAME_CHARS, max_size=10),
    owner=st.text(NAME_CHARS, max_size=5),
    start=st.integers(0, 10),
    size=st.integers(1, 6),
)
def test_a_text_with_a_han_character_is_never_in_a_cards_search_text(name, owner, start, size):
    """What lets `find` skip the pinyin column for a Chinese name: any text that could be
    in a card's search text passes may_be_in_search_text."""
    stored = search.search_text(name, owner)
    part = stored[start : start + size]
    if part:
        assert search.may_be_in_search_text(part) and search.may_be_in_search_text(part.lower())
    for text in (name, owner):
        if not search.may_be_in_search_text(text):
            assert text.lower() not in stored


def test_find_ranks_exact_matches_first(cli, add_shop):
    add_shop("000100000002", "张三烟酒店二店", owner="王五")
    add_shop("000100000001", "张三烟酒店", owner="张三")
    assert [c["code"] for c in cli.json("find", "张三烟酒店")] == ["000100000001", "000100000002"]


def test_find_keeps_to_a_manager_or_district_closed_shops_included(cli, add_shop):
    add_shop("000100000001", "张三烟酒店", account_manager="李经理", district="城东")
    add_shop("000100000002", "张三便利店", account_manager="王经理", district="城东")
    add_shop("000100000003", "张三超市", account_manager="李经理", district="城西")
    cli.ok("rm", "000100000003")  # closed: still found, after the others
    codes = [c["code"] for c in cli.json("find", "张三", "--manager", "李经理")]
    assert codes == ["000100000001", "000100000003"]
    codes = [c["code"] for c in cli.json("find", "zs", "--district", "城东", "--manager", "王经理")]
    assert codes == ["000100000002"]
    assert "nothing matches" in cli.fails(1, "find", "张三", "--manager", "赵经理")


def test_missing_customer_exits_1_with_one_line(cli, add_shop):
    add_shop()
    assert "no customer matches" in cli.fails(1, "show", "nobody")
    assert "no customer matches" in cli.fails(1, "edit", "nobody", "--set", "tier=3")
    assert "no customer matches" in cli.fails(1, "history", "nobody")
    assert "nothing matches" in cli.fails(1, "find", "nobody")


def test_ambiguous_reference_lists_the_candidates_on_stderr_and_exits_1(cli, add_shop):
    add_shop("000100000001", "东风烟酒店", owner="王五", address="北京路1号")
    add_shop("000100000002", "东风便利店")
    result = cli("show", "东风")
    assert result.exit_code == 1 and result.stdout == ""  # never a table where data goes
    lines = result.stderr.splitlines()
    assert lines[0].split("\t") == ["code", "name", "owner", "phone", "address"]
    assert lines[1].split("\t") == ["000100000001", "东风烟酒店", "王五", "", "北京路1号"]
    assert lines[2].startswith("000100000002\t东风便利店")
    assert lines[-1].startswith("cust: 2 customers match") and len(lines) == 4


def test_ambiguous_reference_under_json_gives_the_candidates_as_json(cli, add_shop):
    add_shop("000100000001", "东风烟酒店")
    add_shop("000100000002", "东风便利店")
    result = cli("show", "东风", "--json")
    assert result.exit_code == 1
    answer = json.loads(result.stdout)
    assert answer["error"] == "ambiguous"
    assert [c["code"] for c in answer["candidates"]] == ["000100000001", "000100000002"]
    assert set(answer["candidates"][0]) == {"id", "code", "name", "owner", "phone", "address"}
    assert result.stderr.count("\n") == 1 and "2 customers match" in result.stderr


def test_ref_by_internal_id_is_written_with_a_hash(cli, add_shop):
    add_shop()
    assert cli.json("show", "#1")["card"]["code"] == "000100000001"
    assert "no customer #9" in cli.fails(1, "show", "#9")
    assert "#id" in cli.fails(2, "show", "#x")


def test_bare_digits_are_never_the_internal_id(cli, add_shop):
    # Shop #2's code is not 2; shop #1's phone ends in 0002: "0002" is that phone's tail.
    add_shop("000100000001", "甲店", phone="13812340002")
    add_shop("000100000005", "乙店")
    assert cli.json("show", "0002")["card"]["code"] == "000100000001"
    cli.ok("visit", "log", "0002", "--note", "补换价签")
    visits = cli.json("visit", "list")
    assert [(v["code"], v["note"]) for v in visits] == [("000100000001", "补换价签")]
    assert [c["code"] for c in cli.json("find", "0002")] == ["000100000001"]
    assert "no customer has that code" in cli.fails(1, "show", "2")


@pytest.mark.parametrize(
    "typed",
    [
        "53010200001",  # the code without its leading zero
        "０５３０１０２００００１",  # full-width digits from a Chinese input method
        "053010200001",
        "5301 0200 001",
        "138 1234 0002",  # the phone, spaced as people say it
        "138-1234-0002",
        "１３８１２３４０００２",
        "530102999999",  # the licence number
        "0002",  # the phone's tail
    ],
)
def test_a_shop_is_found_however_its_number_is_typed(cli, add_shop, typed):
    add_shop("053010200001", "兴隆烟酒店", phone="13812340002", license_no="530102999999")
    add_shop("053010200077", "福满便利店", phone="13900001111")
    assert cli.json("show", typed)["card"]["code"] == "053010200001"
    cli.ok("visit", "log", typed, "--note", "x")
    assert cli.json("visit", "list")[0]["code"] == "053010200001"
    assert cli.json("find", typed)[0]["code"] == "053010200001"


def test_a_phone_tail_shared_by_two_shops_lists_both(cli, add_shop):
    add_shop("000100000001", "甲店", phone="13812340002")
    add_shop("000100000002", "乙店", phone="0871-65430002/13900001111")
    result = cli("visit", "log", "0002")
    assert result.exit_code == 1 and result.stdout == ""
    assert "000100000001" in result.stderr and "000100000002" in result.stderr
    assert cli.json("visit", "list") == []
    # The landline's own digits, with or without the dash, name one shop.
    assert cli.json("show", "0871-65430002")["card"]["code"] == "000100000002"
    assert cli.json("show", "087165430002")["card"]["code"] == "000100000002"
    assert [c["code"] for c in cli.json("find", "087165430002")] == ["000100000002"]


def test_edit_keeps_history_and_explains_bad_keys_and_values(cli, add_shop):
    add_shop(tier="12")
    cli.ok("edit", "000100000001", "--set", "tier=13档", "--set", "extra.冰柜=有")
    card = cli.json("show", "000100000001")["card"]
    assert card["tier"] == 13 and card["extra"] == {"冰柜": "有"}
    changes = cli.json("history", "000100000001")["changes"]
    assert [(c["field"], c["old"], c["new"], c["source"]) for c in changes] == [
        ("(created)", None, "张三烟酒店", "add"),
        ("tier", "12", "13", "edit"),
        ("extra.冰柜", None, "有", "edit"),
    ]
    assert "fields are: code, name" in cli.fails(2, "edit", "000100000001", "--set", "color=red")
    assert "tier" in cli.fails(2, "edit", "000100000001", "--set", "tier=99")
    assert "key=value" in cli.fails(2, "edit", "000100000001", "--set", "tier")
    assert "nothing changed" in cli.ok("edit", "000100000001", "--set", "tier=13").stdout


def test_edit_refuses_to_empty_the_name_or_take_an_existing_code(cli, add_shop):
    add_shop()
    add_shop("000100000002", "李四便利店")
    assert "name cannot be emptied" in cli.fails(2, "edit", "000100000001", "--set", "name=")
    assert "exists already" in cli.fails(2, "edit", "000100000001", "--set", "code=000100000002")


def test_edit_of_name_updates_pinyin_search(cli, add_shop):
    add_shop()
    cli.ok("edit", "000100000001", "--set", "name=王五超市")
    assert [c["code"] for c in cli.json("find", "wwcs")] == ["000100000001"]


def test_list_filters_sorts_limits_and_hides_closed(cli, add_shop):
    add_shop("000100000001", "甲店", district="东片", tier="5", format="便利店")
    add_shop("000100000002", "乙店", district="西片", tier="9", format="食杂店")
    add_shop("000100000003", "丙店", district="东片", tier="7", format="便利店")
    assert [c["code"] for c in cli.json("list", "--district", "东片")] == [
        "000100000001",
        "000100000003",
    ]
    assert [c["tier"] for c in cli.json("list", "--sort", "-tier")] == [9, 7, 5]
    assert len(cli.json("list", "--limit", "2")) == 2
    assert [c["code"] for c in cli.json("list", "--tier", "9档")] == ["000100000002"]
    cli.ok("rm", "000100000002")
    assert [c["code"] for c in cli.json("list")] == ["000100000001", "000100000003"]
    assert [c["code"] for c in cli.json("list", "--status", "closed")] == ["000100000002"]
    assert "unknown field 'colour'" in cli.fails(2, "list", "--sort", "colour")
    assert "Tier" in cli.fails(2, "list", "--tier", "abc")


def test_list_plain_output_is_tab_separated_with_labels(cli, add_shop):
    add_shop(owner="张三")
    out = cli.ok("--lang", "zh", "list").stdout.splitlines()
    assert out[0].split("\t")[:3] == ["客户编码", "客户名称", "经营者"]
    assert out[1].split("\t")[:3] == ["000100000001", "张三烟酒店", "张三"]


def test_rm_closes_and_purge_deletes_everything(cli, add_shop):
    add_shop()
    cli.ok("rm", "000100000001")
    assert cli.json("show", "000100000001")["card"]["status"] == "closed"
    assert "--yes" in cli.fails(2, "rm", "000100000001", "--purge")
    cli.ok("rm", "000100000001", "--purge", "--yes")
    cli.fails(1, "show", "000100000001")
    assert cli.json("db", "status")["tables"]["changes"] == 0


def test_database_is_private_wal_and_backs_up_to_a_copy_that_opens(
    cli, add_shop, db_path, tmp_path
):
    add_shop()
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    info = cli.json("db", "status")
    assert info["journal_mode"] == "wal" and info["tables"]["customers"] == 1
    target = tmp_path / "copy.db"
    cli.ok("db", "backup", "-o", str(target))
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    from typer.testing import CliRunner

    from custcli.cli import app  # the copy is a cust database in its own right

    shown = CliRunner().invoke(app, ["--db", str(target), "show", "000100000001", "--json"])
    assert shown.exit_code == 0 and '"张三烟酒店"' in shown.stdout
    assert "exists already" in cli.fails(2, "db", "backup", "-o", str(target))


def test_db_path_follows_option_and_environment(cli, db_path, tmp_path):
    assert cli.ok("db", "path").stdout.strip() == str(db_path)
    from typer.testing import CliRunner

    from custcli.cli import app

    other = tmp_path / "env.db"
    result = CliRunner().invoke(app, ["db", "path"], env={"CUST_DB": str(other)})
    assert result.stdout.strip() == str(other)


def test_usage_errors_are_one_line_exit_2(cli):
    assert "No such command" in cli.fails(2, "frobnicate")
    assert "--lang" in cli.fails(2, "--lang", "fr", "list")
    assert "Missing argument" in cli.fails(2, "show")


def test_not_a_database_is_one_line(cli, db_path):
    db_path.write_text("this is not sqlite" * 100)
    assert "not a cust database" in cli.fails(2, "list")


def test_debug_shows_the_traceback(cli, add_shop):
    add_shop()
    result = cli("show", "nobody", env={"CUST_DEBUG": "1"})
    assert result.exit_code != 0 and result.exception is not None
    assert type(result.exception).__name__ == "NotFound"


def test_on_a_terminal_the_card_is_a_rich_panel_and_markup_in_data_stays_text(
    cli, add_shop, monkeypatch
):
    from custcli import render

    monkeypatch.setattr(render, "to_terminal", lambda: True)
    monkeypatch.setenv("NO_COLOR", "1")
    add_shop(name="[bold]张三[/bold]烟酒店", owner="张三")
    out = cli.ok("--lang", "zh", "show", "000100000001").stdout
    assert "╭" in out and "[bold]张三[/bold]烟酒店" in out and "经营者" in out
    assert "\x1b[" not in out  # NO_COLOR: no colour codes
    listed = cli.ok("list").stdout
    assert "[bold]张三[/bold]烟酒店" in listed


def test_help_lists_every_command_and_completion_only_at_the_root(cli):
    from custcli.cli import COMMANDS

    root = cli.ok("--help").stdout
    assert all(name in root for name in COMMANDS) and "--install-completion" in root
    for command in ("list", "visit", "report", "show"):
        assert "--install-completion" not in cli.ok(command, "--help").stdout


def test_a_database_url_is_refused_in_one_line_and_makes_no_folder(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = cli.fails(2, "--db", "mysql://manager:secret@127.0.0.1/dept", "list")
    assert "database URL cust does not speak" in line and "secret" not in line
    # A PostgreSQL URL is taken; a server that is not there is one line, password masked.
    line = cli.fails(2, "--db", "postgresql://manager:secret@127.0.0.1:9/dept", "list")
    assert line.startswith("cust: cannot open postgresql://manager@127.0.0.1:9/dept")
    assert "secret" not in line
    assert list(tmp_path.iterdir()) == []  # no folder named "mysql:" or "postgresql:"
