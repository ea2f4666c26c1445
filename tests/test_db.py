"""The file: creation, migrations from every earlier schema, refusing a newer one, start-up."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from custcli.db import schema
from custcli.db.opening import open_db
from custcli.db.schema import VERSION as SCHEMA_VERSION
from custcli.errors import BadInput


def test_schema_version_counts_the_steps(tmp_path):
    conn = open_db(tmp_path / "x.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(schema.STEPS)
    assert schema.steps_after(SCHEMA_VERSION) == []


def _shape(conn) -> dict:
    """A file's schema as the engine reads it back: each table's columns (name, type, not
    null, default, key), indexes (unique, columns) and foreign keys."""
    shape = {}
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name")]  # fmt: skip
    for table in tables:
        columns = [tuple(r)[1:] for r in conn.execute(f"PRAGMA table_info({table})")]
        indexes = sorted(
            (r[1], r[2], tuple(c[2] for c in conn.execute(f"PRAGMA index_info('{r[1]}')")))
            for r in conn.execute(f"PRAGMA index_list({table})")
        )
        keys = sorted(tuple(r)[2:] for r in conn.execute(f"PRAGMA foreign_key_list({table})"))
        shape[table] = (columns, indexes, keys)
    return shape


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_a_file_of_any_earlier_schema_upgrades_to_exactly_a_new_files_schema(tmp_path, version):
    """The files earlier cust versions wrote (tests/fixtures, made by their own migrations),
    upgraded, hold exactly the tables, columns, indexes and keys a new file does: the steps
    written once for both engines are the migrations they replaced."""
    import shutil
    from pathlib import Path

    old = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures" / f"schema-v{version}.db", old)
    assert _shape(open_db(old)) == _shape(open_db(tmp_path / "new.db"))


def test_a_database_made_by_the_first_schema_upgrades_and_is_backed_up_first(tmp_path):
    path = tmp_path / "old.db"
    conn = open_db(path, upto=1)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.execute(
        "INSERT INTO customers (code, name, phone) VALUES ('000100000001', '老店', '0871-1234567')"
    )
    conn.close()

    upgraded = open_db(path)
    assert upgraded.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    row = upgraded.execute("SELECT code, name, phone FROM customers").fetchone()
    assert tuple(row) == ("000100000001", "老店", "0871-1234567")
    assert upgraded.execute("SELECT count(*) FROM visits").fetchone()[0] == 0
    backups = list((tmp_path / "backups").glob("old-*-before-migration-v1.db"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT name FROM customers").fetchone()[0] == "老店"
    assert not list(tmp_path.glob("old.db-migrating"))  # no lock file left beside it


def test_a_database_from_a_newer_cust_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "new.db"
    made = open_db(path)
    made.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    made.close()  # closed here, not whenever the collector comes: its last write is in
    before = path.read_bytes()
    with pytest.raises(BadInput, match="newer cust"):
        open_db(path)
    assert path.read_bytes() == before


# What `cust show` at a shop's door never loads: what imports, exports, the terminal's
# tables and the department's engine need.
HEAVY = {
    "rich", "platformdirs", "sqlite_utils", "openpyxl", "pypinyin", "python_calamine",
    "rvgsrust_xlsxwriter", "psycopg", "polars", "fastexcel", "pandas", "numpy", "lunardate",
}  # fmt: skip


def test_importing_the_cli_stays_light():
    """`cust show` starts at a shop's door: the heavy libraries load only where used."""
    code = (
        f"import sys, custcli.cli; heavy = {sorted(HEAVY)!r};"
        "print(sorted(set(heavy) & {m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_showing_a_card_loads_no_heavy_library(tmp_path):
    """Not only importing the CLI: a whole `cust show` run, on a file `cust add` made, loads
    none of them either."""
    db = tmp_path / "door.db"
    env = {**os.environ, "CUST_DB": str(db)}
    made = [sys.executable, "-m", "custcli", "add", "--code", "000100000001", "--name", "门口店"]
    subprocess.run(made, env=env, capture_output=True, check=True)
    code = (
        "import atexit, sys\n"
        f"heavy = set({sorted(HEAVY)!r})\n"
        "atexit.register(lambda: print(sorted(heavy & {m.split('.')[0] for m in sys.modules}),"
        " file=sys.stderr))\n"
        "sys.argv = ['cust', 'show', '000100000001']\n"
        "from custcli.cli import main\n"
        "main()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "门口店" in out.stdout
    assert out.stderr.strip().splitlines()[-1] == "[]"


def test_uids_drawn_together_are_unique_hex_and_in_the_order_they_were_made():
    """An import's uids are drawn a chunk at a time: each one 32 hex digits, none repeated,
    each later than the one before, across draws too (the uid index grows at its end)."""
    from custcli.db.rows import new_uid, new_uids

    first = new_uid()
    drawn = new_uids(5_000)
    after = new_uid()
    made = [first, *drawn, after]
    assert all(len(u) == 32 and int(u, 16) >= 0 for u in made)
    assert len(set(made)) == len(made) and made == sorted(made)
    assert new_uids(0) == []
