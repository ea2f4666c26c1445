"""The same commands on PostgreSQL: the same answers as on a SQLite file, managers fenced by
the database itself, many writers at once."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from custcli.db import postgres
from tests.conftest import Cli, pinned


@pytest.fixture(scope="session")
def pg_sample(pg_cluster, sample_files, today) -> Cli:
    """The sample files imported into a PostgreSQL database, as sample_db holds them."""
    cli = Cli(pg_cluster.url(pg_cluster.new_database()))
    with pinned(today):
        for name in ("roster", "brands", "orders", "visits"):
            cli.ok("import", str(sample_files / f"{name}.xlsx"))
    return cli


def _codes(cli: Cli) -> list[str]:
    return [c["code"] for c in cli.json("list")]


SAME = [
    ("list",),
    ("due",),
    ("today",),
    ("pyramid",),
    ("churn",),
    ("loyal",),
    ("brief",),
    ("managers",),
    # One manager's shops, whose figures are read by their keys.
    ("pyramid", "--manager", "李明"),
    ("churn", "--manager", "李明"),
    ("loyal", "--manager", "李明"),
    ("today", "--manager", "李明"),
    ("report", "monthly", "--month", "上月"),
    ("find", "烟酒"),
    ("visit", "list"),
    ("brand", "list"),
]


@pytest.mark.parametrize("args", SAME, ids=" ".join)
def test_postgresql_answers_as_sqlite_does(pg_sample, sample_db, args):
    sqlite = Cli(sample_db)
    assert pg_sample.json(*args) == sqlite.json(*args)


def test_every_card_shows_the_same_on_both(pg_sample, sample_db):
    sqlite = Cli(sample_db)
    codes = _codes(sqlite)
    assert codes == _codes(pg_sample) and len(codes) == 30
    for code in codes:
        assert pg_sample.json("show", code) == sqlite.json("show", code), code


# --- managers fenced by PostgreSQL itself ------------------------------------------------------

NO_SUCH_SHOP = "053099999999"


def test_a_granted_login_sees_exactly_its_managers_shops(department):
    owner, li, _nobody, granted = department
    everyone = owner.json("list")
    mine = [c for c in everyone if c["account_manager"] == "李明"]
    assert mine and len(mine) < len(everyone) and granted["shops"] == len(mine)
    assert li.json("list") == mine
    assert {c["code"] for c in li.json("due")} <= {c["code"] for c in mine}
    assert li.json("show", mine[0]["code"])["card"]["code"] == mine[0]["code"]
    visits = li.json("visit", "list")
    assert visits and {v["code"] for v in visits} <= {c["code"] for c in mine}
    assert owner.json("db", "grants") == [
        {**owner.json("db", "grants")[0], "manager": "李明", "shops": len(mine)}
    ]


def test_a_login_granted_nothing_sees_nothing(department):
    owner, _li, nobody, _granted = department
    # Never granted: PostgreSQL lets it read no table at all, said in one line.
    line = nobody.fails(2, "list")
    assert "your PostgreSQL login may not do this" in line
    # Granted and then revoked: every privilege the grant gave is taken back with it.
    login = nobody.db.split("//")[1].split("@")[0]
    owner.ok("db", "grant", "王芳", "--role", login)
    assert nobody.json("list")
    owner.ok("db", "revoke", "王芳", "--role", login)
    for args in (("list",), ("due",), ("visit", "list"), ("imports",)):
        assert "your PostgreSQL login may not do this" in nobody.fails(2, *args)
    code = owner.json("list")[0]["code"]
    assert nobody.fails(2, "show", code) == nobody.fails(2, "show", NO_SUCH_SHOP)


def test_a_manager_cannot_read_log_at_or_edit_anothers_shop(department):
    owner, li, _nobody, _granted = department
    other = next(c for c in owner.json("list") if c["account_manager"] != "李明")
    code = other["code"]
    # Said as for a shop that does not exist: nothing tells that it does.
    for args in (("show",), ("visit", "log"), ("edit",), ("note",)):
        extra = {"visit": ("--note", "x"), "edit": ("--set", "tier=30"), "note": ("爱喝普洱",)}
        tail = extra.get(args[0], ())
        assert li.fails(1, *args, code, *tail) == li.fails(1, *args, NO_SUCH_SHOP, *tail)
    # A card of one's own cannot be handed to another manager, nor one made in their name.
    mine = li.json("list")[0]["code"]
    line = li.fails(2, "edit", mine, "--set", "account_manager=王芳")
    assert "your PostgreSQL login may not do this" in line
    line = li.fails(2, "add", "--code", "0999", "--name", "新店", "--account-manager", "王芳")
    assert "your PostgreSQL login may not do this" in line
    assert owner.json("show", code)["card"]["tier"] == other["tier"]  # nothing changed


def test_a_managers_new_card_is_theirs_and_a_grant_to_no_ones_shops_is_refused(
    department, pg_cluster
):
    owner, li, _nobody, _granted = department
    li.ok("add", "--code", "0998", "--name", "自己开的店")  # no --account-manager needed
    assert owner.json("show", "0998")["card"]["account_manager"] == "李明"
    assert "0998" in {c["code"] for c in li.json("list")}
    login = f"new_{__import__('uuid').uuid4().hex[:8]}"
    pg_cluster.sql(f"CREATE ROLE {login} LOGIN")
    refused = owner.fails(1, "db", "grant", "李名", "--role", login)  # mistyped
    assert "no shop has account manager 李名" in refused and "李明" in refused
    assert login not in {g["login"] for g in owner.json("db", "grants")}
    owner.ok("db", "grant", "新经理", "--role", login, "--new")  # shops to come
    assert login in {g["login"] for g in owner.json("db", "grants")}
    assert "--yes" in refused  # the word for it; --new says the same
    owner.ok("db", "grant", "另一新经理", "--role", login, "--yes")


def test_grants_are_for_postgresql_only(cli, add_shop):
    add_shop()
    if postgres.is_url(cli.db):
        pytest.skip("the SQLite side of the question")
    assert "grants are for a department's PostgreSQL database" in cli.fails(
        2, "db", "grant", "李明", "--role", "li"
    )


# --- many writers at once -----------------------------------------------------------------


def test_fifty_writers_twenty_writes_each_all_land(pg_url, today):
    """50 managers writing at once, 20 notes and visits each, each command its own short
    transaction: all 1,000 land and nobody sees an error."""
    import threading

    from custcli.db.opening import open_db
    from custcli.domain import visits

    owner = Cli(pg_url)
    for n in range(50):
        owner.ok("add", "--code", f"{n:04d}", "--name", f"店{n}")
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            conn = open_db(pg_url)
            for i in range(20):
                if i % 2:
                    visits.add_note(conn, f"{n:04d}", f"第{i}条", today)
                else:
                    visits.log_visit(conn, f"{n:04d}", date=today, today=today, note=f"第{i}次")
            conn.close()
        except BaseException as error:  # collected, and the test fails with it
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert owner.sql("SELECT count(*) FROM notes") == [(500,)]
    assert owner.sql("SELECT count(*) FROM visits") == [(500,)]


@pytest.mark.parametrize(
    "args",
    [
        ("churn",),
        ("loyal",),
        ("followup", "list", "--all"),
        ("complaint", "list"),
        ("date", "list"),
    ],
    ids=" ".join,
)
def test_the_reading_commands_take_a_manager(sample_db, args):
    """The department's view: --manager narrows every reading command to one manager's shops."""
    sqlite = Cli(sample_db)
    codes = {c["code"] for c in sqlite.json("list", "--manager", "李明")}
    everyone = sqlite.json(*args)
    mine = sqlite.json(*args, "--manager", "李明")
    assert {r["code"] for r in mine} <= codes
    assert [r for r in everyone if r["code"] in codes] == mine or args[0] == "loyal"


# --- one schema on both engines ----------------------------------------------------------


_TYPES = {"integer": "INTEGER", "bigint": "INTEGER", "text": "TEXT", "double precision": "REAL"}


def _sqlite_shape(conn) -> dict:
    """Each table's columns (name, type, not null, has a default), primary key, unique column
    sets, plain indexes (by name, their columns) and foreign keys, as SQLite reads them back."""
    shape = {}
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master t WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE '\\_%' ESCAPE '\\' AND NOT EXISTS (SELECT 1 FROM sqlite_master v"
        " WHERE v.sql LIKE 'CREATE VIRTUAL TABLE%'"
        " AND (t.name = v.name OR t.name LIKE v.name || '\\_%' ESCAPE '\\'))"
        " ORDER BY name")]  # fmt: skip
    for table in tables:
        info = conn.execute(f"PRAGMA table_info({table})").fetchall()
        key = tuple(r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5]))
        # (a key's default aside: SQLite's INTEGER PRIMARY KEY numbers itself, as an identity)
        columns = {
            (r[1], r[2].upper(), bool(r[3]) or bool(r[5]), r[4] is not None and r[1] not in key)
            for r in info
        }
        unique, indexes = set(), {}
        for index in conn.execute(f"PRAGMA index_list({table})").fetchall():
            cols = tuple(c[2] for c in conn.execute(f"PRAGMA index_info('{index[1]}')"))
            if index[3] == "pk":
                continue
            if index[3] == "u":  # a UNIQUE in the table's definition
                unique.add(cols)
            else:
                indexes[index[1]] = (bool(index[2]), cols)
        keys = {(r[3], r[2], r[4], r[6]) for r in conn.execute(f"PRAGMA foreign_key_list({table})")}
        shape[table] = (columns, key, unique, indexes, keys)
    return shape


def _primary_key(conn, table: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT a.attname FROM pg_index x JOIN pg_attribute a ON a.attrelid = x.indrelid"
            " AND a.attnum = ANY(x.indkey) WHERE x.indrelid = ?::regclass AND x.indisprimary",
            (table,),
        )
    ]


def _postgresql_shape(conn) -> dict:
    shape = {}
    tables = [r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        " AND tablename NOT LIKE 'cust\\_%' ORDER BY 1")]  # fmt: skip
    for table in tables:
        key_columns = set(_primary_key(conn, table))
        columns = {
            (name, _TYPES[kind], nullable == "NO", default is not None and name not in key_columns)
            for name, kind, nullable, default, _identity in conn.execute(
                "SELECT column_name, data_type, is_nullable, column_default, is_identity"
                " FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = ?",
                (table,),
            )
        }
        constraints = conn.execute(
            "SELECT c.contype, array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o),"
            " c.confrelid::regclass::text, c.confdeltype, c.conname,"
            " array(SELECT a.attname FROM unnest(c.confkey) k(n) JOIN pg_attribute a"
            " ON a.attrelid = c.confrelid AND a.attnum = k.n)"
            " FROM pg_constraint c WHERE c.conrelid = ?::regclass",
            (table,),
        ).fetchall()
        key = next((tuple(r[1]) for r in constraints if r[0] == "p"), ())
        unique = {tuple(r[1]) for r in constraints if r[0] == "u"}
        actions = {"a": "NO ACTION", "c": "CASCADE", "n": "SET NULL", "r": "RESTRICT"}
        keys = {(r[1][0], r[2], r[5][0], actions[r[3]]) for r in constraints if r[0] == "f"}
        owned = {r[4] for r in constraints}
        indexes = {
            name: (unique_, tuple(cols))
            for name, unique_, cols in conn.execute(
                "SELECT i.relname, x.indisunique, array(SELECT a.attname FROM"
                " unnest(x.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a"
                " ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o)"
                " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                " WHERE x.indrelid = ?::regclass",
                (table,),
            )
            if name not in owned
        }
        shape[table] = (columns, key, unique, indexes, keys)
    return shape


def test_both_engines_hold_the_same_tables_columns_types_indexes_and_constraints(pg_url, tmp_path):
    """One history of steps builds both: every table, column (type, not null, default),
    primary key, unique constraint, index and foreign key is the same on a new SQLite file
    and a new PostgreSQL database, at the same version. Each engine's alone: find's index
    of pieces, on SQLite a virtual table (whose own tables SQLite calls shadow tables), as
    its views, on PostgreSQL an index of the cards' trigrams (pg_trgm)."""
    from custcli.db import schema
    from custcli.db.opening import open_db, schema_version

    lite, pg = open_db(tmp_path / "cust.db"), open_db(pg_url)
    virtual = lite.execute(
        "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"
    ).fetchall()
    assert [tuple(row) for row in virtual] == [("customer_grams",)]
    sqlite, postgresql = _sqlite_shape(lite), _postgresql_shape(pg)
    assert postgresql["customers"][3].pop(schema.PG_GRAMS_INDEX) == (False, ())  # on a text
    assert sorted(sqlite) == sorted(postgresql)
    for table in sqlite:
        assert sqlite[table] == postgresql[table], table
    assert schema_version(pg) == schema_version(lite) == schema.VERSION


def test_a_percent_sign_in_sql_reaches_postgresql_as_written(pg_url):
    """SQLite's SQL is translated for psycopg, which reads % as a placeholder's start: a
    literal % is doubled, and undoubled by psycopg, with parameters or without."""
    from custcli.db.opening import open_db

    conn = open_db(pg_url)

    def one(sql: str, *params) -> tuple:
        return tuple(conn.execute(sql, params).fetchone())

    assert one("SELECT '50%', 'a%%b'") == ("50%", "a%%b")
    assert one("SELECT '50%', ?", "x%") == ("50%", "x%")
    assert one("SELECT 7 % 4") == (3,)
    assert one("SELECT 'a%' LIKE ?", "A%") == (True,)
    conn.close()


def test_an_upgrade_keys_imported_lines_per_shop_on_postgresql_too(pg_url, tmp_path):
    """Migration 14 is the same Python on both engines: lines keyed as schema 13 keyed them
    are keyed as today's import keys them, so the file imported again adds nothing."""
    import hashlib

    from custcli.db.opening import open_db, schema_version
    from custcli.db.schema import VERSION as SCHEMA_VERSION
    from custcli.domain.importing.targets import line_key

    old = open_db(pg_url, upto=13)  # the database as schema 13's cust left it
    content = "2026-10-05|玉溪(软)|2.0|360.0|180.0"
    old.execute(
        "INSERT INTO imports (id, file_name, sha256, kind, imported_at)"
        " VALUES (1, 'orders.csv', 'x', 'orders', '2026-10-06T09:00:00')"
    )
    for customer_id, code, n in ((1, "0001", 2), (2, "0002", 1)):
        old.execute(
            "INSERT INTO customers (id, code, name, uid) VALUES (?, ?, ?, ?)",
            (customer_id, code, f"店{code}", f"u{customer_id}"),
        )
        # schema 13 counted the file's identical lines across its shops: n = 2, then 1
        key = hashlib.sha1(f"{customer_id}|{content}|{n}".encode()).hexdigest()
        old.execute(
            "INSERT INTO orders (customer_id, date, brand, qty, amount, unit_price, import_id,"
            " row_key, uid) VALUES (?, '2026-10-05', '玉溪(软)', 2, 360, 180, 1, ?, ?)",
            (customer_id, key, f"o{customer_id}"),
        )
    old.close()
    upgraded = open_db(pg_url)
    assert schema_version(upgraded) == SCHEMA_VERSION  # through 14, and on
    keys = sorted(tuple(r) for r in upgraded.execute("SELECT customer_id, row_key FROM orders"))
    assert keys == [(1, line_key(1, content, 1)), (2, line_key(2, content, 1))]
    upgraded.execute("SELECT setval(pg_get_serial_sequence('customers', 'id'), 2)")
    upgraded.execute("SELECT setval(pg_get_serial_sequence('imports', 'id'), 1)")
    export = tmp_path / "orders.csv"
    export.write_text(
        "客户编码,日期,品名,数量,金额\n0002,2026-10-05,玉溪(软),2,360\n"
        "0001,2026-10-05,玉溪(软),2,360\n",
        "utf-8",
    )
    again = Cli(pg_url).json("import", str(export), "--kind", "orders")["counts"]
    assert again["new"] == 0 and again["unchanged"] == 2


def test_a_managers_import_leaves_the_departments_tiers_as_the_department_ranked_them(
    department, tmp_path
):
    """The stored pyramid ranks every shop of the department; a manager's login sees only
    their own shops, so its imports do not rank those among themselves and store that."""
    owner, li, _nobody, _granted = department
    tiers = sorted(owner.sql("SELECT customer_id, tier, as_of FROM pyramid"))
    mine = li.json("list")
    assert len({t for _c, t, _a in tiers}) > 1 and mine
    export = tmp_path / "orders.csv"
    export.write_text(
        f"客户编码,日期,品名,数量,金额\n{mine[0]['code']},2026-11-20,玉溪(软),1,180\n", "utf-8"
    )
    assert li.json("import", str(export), "--kind", "orders")["counts"]["new"] == 1
    assert sorted(owner.sql("SELECT customer_id, tier, as_of FROM pyramid")) == tiers
    owner.ok("pyramid")  # the department's own refresh ranks every shop again
    assert len(owner.sql("SELECT customer_id FROM pyramid")) == len(tiers)


def test_a_managers_login_reads_the_departments_kept_figures_and_keeps_none(
    department, tmp_path, today
):
    """Figures kept per shop are the whole department's: a fenced login, whose queries see
    only its own shops' lines, reads them for its shops and never keeps a set of its own;
    its import makes every kept set stale, as the owner's does."""
    owner, li, _nobody, _granted = department
    valid = (
        "SELECT count(*) FROM figure_sets s JOIN data_versions v"
        " ON v.name = 'orders' AND v.version = s.version"
    )
    mine = {c["code"] for c in li.json("list")}
    asked = ("churn", "--as-of", str(today - dt.timedelta(days=1)))  # the sample's last day
    assert li.json(*asked) and owner.sql(valid) == [(0,)]  # computed, not kept
    everyone = owner.json(*asked)
    assert owner.sql(valid) == [(1,)]
    # Read from the department's set: the same warnings as the owner's, for its shops.
    assert li.json(*asked) == [w for w in everyone if w["code"] in mine]
    export = tmp_path / "orders.csv"
    day = today - dt.timedelta(days=4)
    export.write_text(
        f"客户编码,日期,品名,数量,金额\n{sorted(mine)[0]},{day},玉溪(软),1,180\n", "utf-8"
    )
    assert li.json("import", str(export), "--kind", "orders")["counts"]["new"] == 1
    assert owner.sql(valid) == [(0,)]
    assert owner.json("db", "check")["figure_mismatches"] == 0


# The fence as schema 16's cust put it up: a function of each row's manager, and every
# table of the schema granted whole (frozen here, as the migrations are).
FENCE_16 = """
CREATE FUNCTION cust_sees(manager text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS 'SELECT EXISTS (SELECT 1 FROM cust_grants WHERE login = session_user AND manager = $1)';
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY fence ON customers
    USING (cust_sees(account_manager)) WITH CHECK (cust_sees(account_manager));
GRANT USAGE ON SCHEMA public TO {login};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {login};
GRANT EXECUTE ON FUNCTION cust_sees(text) TO {login};
"""


def test_a_fenced_database_upgraded_gives_its_logins_exactly_what_this_cust_grants(
    pg_cluster, today
):
    """A login granted by schema 16's cust could write every table; the upgrade puts the
    fence up as this cust does and leaves the login exactly MANAGER_TABLES."""
    import uuid

    from custcli.db import grants
    from custcli.db.opening import open_db, schema_version
    from custcli.db.schema import VERSION as SCHEMA_VERSION

    database = pg_cluster.new_database()
    login = f"old_{uuid.uuid4().hex[:8]}"
    pg_cluster.sql(f"CREATE ROLE {login} LOGIN")
    old = open_db(pg_cluster.url(database), upto=16)
    old.execute("INSERT INTO customers (code, name, account_manager, uid) VALUES"
                " ('0001', '甲店', '李明', 'a'), ('0002', '乙店', '王芳', 'b')")  # fmt: skip
    old.execute("INSERT INTO cust_grants (login, manager) VALUES (?, '李明')", (login,))
    old.raw.execute(FENCE_16.format(login=login))
    old.close()
    upgraded = open_db(pg_cluster.url(database))
    assert schema_version(upgraded) == SCHEMA_VERSION
    held = _privileges(upgraded, login)
    assert held == {t: set(p) for t, p in grants.MANAGER_TABLES.items()}
    assert not upgraded.execute("SELECT 1 FROM pg_proc WHERE proname = 'cust_sees'").fetchone()
    upgraded.close()
    li = Cli(pg_cluster.url(database, login))
    assert [c["code"] for c in li.json("list")] == ["0001"]


def _privileges(conn, login: str) -> dict[str, set[str]]:
    """What a login may do with each table of the schema: the tables it may do anything with."""
    held: dict[str, set[str]] = {}
    tables = [r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]  # fmt: skip
    for table in tables:
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES",
                          "TRIGGER"):  # fmt: skip
            if conn.execute(
                "SELECT has_table_privilege(?, ?, ?)", (login, table, privilege)
            ).fetchone()[0]:
                held.setdefault(table, set()).add(privilege)
    return held


def _gone(pid: int, within: float) -> bool:
    """Whether a process has ended, waiting up to `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.3)
    return False


@pytest.mark.slow
def test_a_killed_test_run_leaves_no_postgresql_running(tmp_path):
    """SIGKILL the test run while its PostgreSQL runs: no finally runs, yet the server stops
    and its folder goes (the cluster's watchdog)."""
    pytest.importorskip("psycopg")
    said = tmp_path / "folder.txt"
    (tmp_path / "test_hold.py").write_text(
        "import time\n"
        "from tests.postgres import pg_cluster  # noqa: F401\n"
        "def test_hold(pg_cluster):\n"
        f"    open({str(said)!r}, 'w').write(str(pg_cluster.folder))\n"
        "    time.sleep(120)\n"
    )
    root = Path(__file__).resolve().parents[1]
    run = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(tmp_path / "test_hold.py"), "--rootdir", str(tmp_path)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not said.exists() and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.2)
    if not said.exists():
        run.kill()
        pytest.skip("PostgreSQL did not start in the child run")
    folder = Path(said.read_text())
    server = int((folder / "data" / "postmaster.pid").read_text().split()[0])
    os.killpg(run.pid, signal.SIGKILL)  # the whole run, as a killed CI job is
    run.wait()
    assert _gone(server, 60), f"PostgreSQL {server} still runs after its test run was killed"
    deadline = time.monotonic() + 10
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not folder.exists()


def _readme_department_block() -> list[str]:
    """The shell lines of the README's department set-up, as written."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## A department on one database") :]
    block = section[section.index("```sh\n") + 6 : section.index("```", section.index("```sh") + 5)]
    return [line for line in block.splitlines() if line.strip()]


def test_the_readme_department_set_up_runs_as_written(pg_cluster, sample_files, tmp_path):
    """Word for word, but for the host: the superuser's psql and createdb reach the suite's
    cluster through its socket (PGHOST, PGUSER), and the URL names the socket for db.example.
    It ends with a granted manager seeing exactly their shops."""
    lines = _readme_department_block()
    assert lines[0].startswith("psql") and lines[1].startswith("createdb")
    shutil.copy(sample_files / "roster.xlsx", tmp_path / "零售客户信息一览表.xlsx")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "cust").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m custcli "$@"\n')
    (bin_dir / "cust").chmod(0o755)
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(bin_dir), str(pg_cluster.bin), os.environ["PATH"]]),
        "PGHOST": str(pg_cluster.sockets),
        "PGUSER": "postgres",
        "PGDATABASE": "postgres",
        "CUST_LANG": "zh",
    }
    here = f"@/市场部?host={pg_cluster.sockets}"
    script = "\n".join(line.replace("@db.example/市场部", here) for line in lines)
    run = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    liming = Cli(f"postgresql://liming{here}")
    owner = Cli(f"postgresql://zhang{here}")
    theirs = {c["code"] for c in owner.json("list", "--manager", "李明", "--limit", "100000")}
    assert theirs and {c["code"] for c in liming.json("list", "--limit", "100000")} == theirs


def test_a_managers_merge_takes_its_own_cards_and_names_the_others(department, tmp_path):
    """A laptop file with one card of another manager's: the rest merges, that card (and what
    hangs on it) is left out and named, in the dry run too."""
    owner, li, _nobody, _granted = department
    field = Cli(tmp_path / "laptop.db")
    field.ok("add", "--code", "0801", "--name", "李明的新店", "--account-manager", "李明")
    field.ok("add", "--code", "0802", "--name", "王芳的店", "--account-manager", "王芳")
    field.ok("visit", "log", "0801", "--note", "初访")
    field.ok("visit", "log", "0802", "--note", "顺路")
    dry = li.json("merge", str(field.db), "--dry-run")
    assert dry["not_merged"] == [{"code": "0802", "name": "王芳的店"}]
    done = li.json("merge", str(field.db))
    assert done["not_merged"] == [{"code": "0802", "name": "王芳的店"}]
    assert done["counts"]["cards new"] == 1 and done["counts"]["visits"] == 1
    assert owner.json("show", "0801")["card"]["account_manager"] == "李明"
    owner.fails(1, "show", "0802")  # never written
    said = li.ok("--lang", "zh", "merge", str(field.db), "--dry-run").stdout
    assert "0802 王芳的店" in said


def test_a_managers_counter_compares_with_the_departments_peers_through_figures(
    department, tmp_path, today
):
    """Peers are the whole department's: a manager's gaps, coverage and order surges are
    the owner's for its shops, read as counts and sums; another manager's shop stays
    unreadable, and a group of fewer than three shops gives no figures."""
    owner, li, _nobody, _granted = department
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=5).isoformat()
    owner.ok("add", "--code", "7000", "--name", "李明的小店", "--account-manager", "李明",
             "--district", "试验片", "--tier", "29")  # fmt: skip
    lines = [[month, "7000", "乙烟", 2], [month, "7000", "高烟", 300]]
    for n in range(1, 21):  # twenty peers of 王芳's: 甲 carried by 15, steady volumes
        code = f"71{n:02d}"
        owner.ok("add", "--code", code, "--name", f"王芳的店{n}", "--account-manager", "王芳",
                 "--district", "试验片", "--tier", "29")  # fmt: skip
        lines += [[month, code, "甲烟" if n <= 15 else "乙烟", 10 + n % 3]]
    from spreadsheets import write_xlsx

    rows = [["订货日期", "客户编码", "卷烟名称", "订购量(条)"], *lines]
    owner.ok("import", str(write_xlsx(tmp_path / "o.xlsx", rows)), "--kind", "orders")
    assert [c["code"] for c in li.json("list", "--district", "试验片")] == ["7000"]
    gaps = li.json("gaps", "7000")
    assert gaps == owner.json("gaps", "7000")
    assert gaps["peers"] == 20 and [(g["brand"], g["share_pct"]) for g in gaps["gaps"]] == [
        ("甲烟", 75.0)
    ]
    mine = {c["code"] for c in li.json("list", "--limit", "100000")}
    surges = li.json("anomalies")
    assert surges["surges"] == [s for s in owner.json("anomalies")["surges"] if s["code"] in mine]
    assert ("7000", "band") in {(s["code"], s["rule"]) for s in surges["surges"]}
    cells = li.json("brand", "coverage", "甲烟")["rows"]
    assert {"district": "试验片", "tier": 29, "shops": 21, "carrying": 15,
            "share_pct": 71.4} in cells  # fmt: skip
    # Figures, never rows: another manager's shop and its orders stay out of reach, and a
    # group too small to hide a shop answers nothing.
    li.fails(1, "show", "7101")
    assert li.sql("SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id"
                  " WHERE c.code = '7101'") == [(0,)]  # fmt: skip
    owner.ok("add", "--code", "7200", "--name", "独店", "--account-manager", "王芳",
             "--district", "孤片", "--tier", "3")  # fmt: skip
    assert li.sql("SELECT * FROM cust_peer_brands(3, '孤片', '2000-01-01', '2100-01-01')") == []
