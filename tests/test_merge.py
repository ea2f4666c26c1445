"""`cust merge`: a manager's field laptop file brought into the department's database."""

from __future__ import annotations

import pytest

from tests.conftest import Cli


@pytest.fixture
def laptop(tmp_path, today) -> Cli:
    """李明's own file: a card of his, then one made in the field, with a visit, a note, a
    follow-up, a complaint, a date and an order line."""
    field = Cli(tmp_path / "laptop.db")
    field.ok("add", "--code", "0001", "--name", "甲店", "--account-manager", "李明", "--tier", "12")
    field.ok("add", "--code", "0003", "--name", "新开的丙店", "--account-manager", "李明")
    field.ok("visit", "log", "0003", "--note", "初访", "--follow-up", "送价签")
    field.ok("note", "0003", "老板爱喝普洱")
    field.ok("complaint", "add", "0003", "--text", "断货")
    field.ok("date", "add", "0003", "开业纪念日", "03-08")
    orders = tmp_path / "o.csv"
    orders.write_text("客户编码,日期,品名,数量,金额\n0003,2026-10-05,玉溪(软),2,360\n", "utf-8")
    field.ok("import", str(orders), "--kind", "orders")
    return field


def test_merging_a_laptop_file_brings_everything_and_twice_adds_nothing(cli, laptop):
    cli.ok("add", "--code", "0001", "--name", "甲店", "--account-manager", "李明", "--tier", "12")
    first = cli.json("merge", str(laptop.db))
    assert first["counts"] == {
        "cards new": 1,
        "visits": 1,
        "orders": 1,
        "notes": 1,
        "followups": 1,
        "complaints": 1,
        "key_dates": 1,
    }
    card = cli.json("show", "0003")
    assert card["card"]["name"] == "新开的丙店"
    assert cli.json("visit", "list")[0]["note"] == "初访"
    assert cli.json("followup", "list")[0]["text"] == "送价签"
    assert cli.sql("SELECT count(*) FROM order_months") == [(1,)]
    before = {t: cli.sql(f"SELECT count(*) FROM {t}") for t in ("customers", "changes", "orders")}
    second = cli.json("merge", str(laptop.db))
    assert second["counts"] == {} and second["import_id"] == first["import_id"] + 1
    assert {t: cli.sql(f"SELECT count(*) FROM {t}") for t in before} == before
    assert [i["kind"] for i in cli.json("imports")] == ["merge", "merge"]


EXPORT = (
    "客户编码,日期,品名,数量,金额\n"
    "0002,2026-10-05,玉溪(软),2,360\n"  # the same line at two shops, and twice at one
    "0001,2026-10-05,玉溪(软),2,360\n"
    "0001,2026-10-05,玉溪(软),2,360\n"
    "0002,2026-10-06,红河(软甲),5,225\n"
)


@pytest.mark.parametrize("first", ["merge", "import"])
def test_an_export_both_imported_and_merged_counts_once(cli, tmp_path, first):
    """The company's export imported on a laptop and in the department (whichever comes
    first), with the laptop's file merged: each line once, though the two files number
    their cards differently."""
    export = tmp_path / "十月订单.csv"
    export.write_text(EXPORT, "utf-8")
    field = Cli(tmp_path / "laptop.db")
    for side, codes in ((field, ("0001", "0002")), (cli, ("0002", "0001"))):
        for code in codes:  # in another order: the cards' ids differ between the files
            side.ok("add", "--code", code, "--name", f"店{code}", "--account-manager", "李明")
    assert field.json("import", str(export), "--kind", "orders")["counts"]["new"] == 4
    if first == "merge":
        assert cli.json("merge", str(field.db))["counts"]["orders"] == 4
        again = cli.json("import", str(export), "--kind", "orders")["counts"]
        assert again["new"] == 0 and again["unchanged"] == 4
    else:
        assert cli.json("import", str(export), "--kind", "orders")["counts"]["new"] == 4
        assert "orders" not in cli.json("merge", str(field.db))["counts"]
    assert cli.sql("SELECT count(*) FROM orders") == [(4,)]
    assert cli.sql("SELECT round(sum(qty)) FROM order_months") == [(11.0,)]


def test_a_merged_line_takes_the_columns_its_key_is_made_of():
    """The merge keys a laptop's line again from the columns it reads: the import's."""
    from custcli import kinds
    from custcli.db import merge

    for kind in (kinds.ORDERS, kinds.VISITS):
        assert merge.RECORDS[kind.table] == kind.columns and kind.table in merge.KEYED


def test_a_field_changed_last_wins_and_the_change_keeps_its_source(cli, laptop, today):
    cli.ok("add", "--code", "0001", "--name", "甲店", "--account-manager", "李明")
    laptop.ok("edit", "0001", "--set", "tier=14", "--set", "phone=13812340001")
    cli.ok("edit", "0001", "--set", "phone=13912340001")
    # The databases stamp history with their own clock: set the moments the story needs.
    for side, moment in ((cli, "09:00"), (laptop, "10:00")):
        side.sql(f"UPDATE changes SET changed_at = '{today}T{moment}:00'")
        side.sql(f"UPDATE customers SET updated_at = '{today}T{moment}:00'")
    cli.sql(f"UPDATE changes SET changed_at = '{today}T11:00:00' WHERE field = 'phone'")
    result = cli.json("merge", str(laptop.db))
    assert result["counts"]["values changed"] == 1  # the tier; the phone changed here later
    card = cli.json("show", "0001")["card"]
    assert card["tier"] == 14 and card["phone"] == "13912340001"
    sources = {h["field"]: h["source"] for h in cli.json("history", "0001")["changes"]}
    assert sources["tier"] == f"merge #{result['import_id']} (laptop.db)"


def test_a_dry_run_says_what_a_merge_would_do_and_writes_nothing(cli, laptop):
    cli.ok("add", "--code", "0009", "--name", "己店")
    result = cli.json("merge", str(laptop.db), "--dry-run")
    assert result["dry_run"] and result["import_id"] is None and result["counts"]["cards new"] == 2
    assert [c["code"] for c in cli.json("list")] == ["0009"] and cli.json("imports") == []


def test_a_merge_is_undone_like_an_import(cli, laptop):
    cli.ok("add", "--code", "0001", "--name", "甲店", "--account-manager", "李明")
    merged = cli.json("merge", str(laptop.db))
    assert "undid import" in cli.ok("imports", "undo", str(merged["import_id"])).stdout
    assert [c["code"] for c in cli.json("list")] == ["0001"]
    for table in ("visits", "orders", "notes", "followups", "complaints", "key_dates"):
        assert cli.sql(f"SELECT count(*) FROM {table}") == [(0,)], table
    assert cli.sql("SELECT count(*) FROM order_months") == [(0,)]


def test_a_file_that_is_not_there_or_is_this_one_is_refused(cli, add_shop, tmp_path):
    add_shop()
    assert "is not there" in cli.fails(1, "merge", str(tmp_path / "none.db"))
    if not str(cli.db).startswith("postgresql"):
        assert "this database itself" in cli.fails(2, "merge", str(cli.db))


def test_datasette_metadata_labels_the_tables_and_its_queries_run(sample_cli, tmp_path):
    """Datasette browses the file with Chinese titles and labels; each canned query runs."""
    import json
    import sqlite3

    target = tmp_path / "metadata.json"
    sample_cli.ok("--lang", "zh", "db", "datasette-metadata", "-o", str(target))
    meta = json.loads(target.read_text(encoding="utf-8"))
    database = meta["databases"]["sample"]
    assert database["tables"]["customers"]["title"] == "客户"
    assert database["tables"]["customers"]["columns"]["tier"] == "档位"
    assert database["tables"]["order_months"] == {"hidden": True}
    conn = sqlite3.connect(sample_cli.db)
    tables = {
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    }
    assert set(database["tables"]) - {"cust_meta", "cust_grants"} <= tables
    for title, query in database["queries"].items():
        cursor = conn.execute(query["sql"])
        names = [d[0] for d in cursor.description]
        assert cursor.fetchall(), title
        assert "客户编码" in names and not {"uid", "row_key", "search_text"} & set(names)
    # What Datasette lists is the views: every column in Chinese, codes said as words.
    listed = [name for name, table in database["tables"].items() if not table.get("hidden")]
    in_file = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert (
        set(listed) == in_file and {"客户", "拜访", "订单", "卡片变动记录", "导入记录"} <= in_file
    )
    for view in listed:
        cursor = conn.execute(f'SELECT * FROM "{view}"')
        columns = [d[0] for d in cursor.description]
        assert all(not c.isascii() for c in columns), (view, columns)
    statuses = {r[0] for r in conn.execute('SELECT "状态" FROM "客户"')}
    assert "在营" in statuses and not {"active", "suspended", "closed"} & statuses
    kinds_said = {r[0] for r in conn.execute('SELECT "拜访方式" FROM "拜访"')}
    assert kinds_said and not {"field", "phone", "online"} & kinds_said
    assert conn.execute('SELECT count(*) FROM "客户"').fetchone()[0] == len(sample_cli.json("list"))


@pytest.mark.sqlite_only  # the laptop is the department file's own backup (cust db backup)
def test_a_stale_laptop_value_does_not_override_a_newer_department_value(cli, tmp_path):
    """The laptop imported a roster exported on 11月1日 (its title says so) after the
    department set the tier; the department's newer value stands, and the merge says so."""
    from spreadsheets import write_xlsx

    cli.ok("add", "--code", "0001", "--name", "甲店", "--tier", "5", "--owner", "张三")
    laptop = tmp_path / "laptop.db"
    cli.ok("db", "backup", "-o", str(laptop))  # the manager's copy: the same cards
    cli.ok("edit", "0001", "--set", "tier=9")  # set in the department since
    rows = [["零售客户信息（截至2026-11-01）"], ["客户编码", "客户名称", "档位", "经营者"],
            ["0001", "甲店", 2, "张四"]]  # fmt: skip
    field = Cli(laptop)
    field.ok("import", str(write_xlsx(tmp_path / "old.xlsx", rows)), "--kind", "customers")
    field.ok("edit", "0001", "--set", "phone=13800138000")  # made on the laptop, after
    done = cli.json("merge", str(laptop))
    card = cli.json("show", "0001")["card"]
    assert card["tier"] == 9 and card["phone"] == "13800138000"  # newer each side: kept
    stale = {v["field"]: v for v in done["not_applied"]}
    assert stale["tier"]["theirs"] == 2 and stale["tier"]["ours"] == 9
    assert card["owner"] == "张三" and "owner" in stale  # the file's 张四 is older too
    said = cli.ok("--lang", "zh", "merge", str(laptop), "--dry-run").stdout
    assert "0001 档位 2" in said and "更新" in said
