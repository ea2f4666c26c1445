"""`cust find` narrowed by the index of three-character pieces (schema step 23) finds exactly
the cards a scan of every card finds, after any writes of cards."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custcli.db import customers as q
from custcli.db.opening import open_db
from custcli.domain import customers

# Few characters, so that texts looked for are often in a card, and often across its fields.
CHARS = "和谐百货烟酒店张李aAb0012-/"
text = st.text(CHARS, max_size=9)
FIELDS = ("name", "owner", "address", "phone", "license_no", "search_text")
card = st.fixed_dictionaries(
    {
        "name": st.text(CHARS, min_size=1, max_size=9),
        "owner": st.none() | text,
        "address": st.none() | text,
        "phone": st.none() | text,
        "license_no": st.none() | text,
        "search_text": text.map(str.lower),
    }
)
write = st.one_of(
    st.tuples(st.just("add"), card),
    st.tuples(
        st.just("edit"),
        st.integers(0, 20),
        st.dictionaries(st.sampled_from(FIELDS), text.map(str.lower), min_size=1),
    ),
    st.tuples(st.just("remove"), st.integers(0, 20)),
    st.tuples(st.just("recode"), st.integers(0, 20), st.text("0123", min_size=1, max_size=6)),
)


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("find") / "empty.db"
    open_db(path).close()
    return path


def _apply(conn: sqlite3.Connection, writes: list, serial: list[int]) -> None:
    for action, *args in writes:
        ids = [row[0] for row in conn.execute("SELECT id FROM customers ORDER BY id")]
        if action == "add":
            serial[0] += 1
            values = {"code": f"{serial[0]:06d}", **args[0]}
            columns = ", ".join(values)
            marks = ", ".join("?" for _ in values)
            conn.execute(f"INSERT INTO customers ({columns}) VALUES ({marks})", [*values.values()])
        elif not ids:
            continue
        elif action == "edit":
            values = args[1]
            sets = ", ".join(f"{column} = ?" for column in values)
            conn.execute(
                f"UPDATE customers SET {sets} WHERE id = ?",
                [*values.values(), ids[args[0] % len(ids)]],
            )
        elif action == "remove":
            conn.execute("DELETE FROM customers WHERE id = ?", (ids[args[0] % len(ids)],))
        elif action == "recode":
            serial[0] += 1
            conn.execute(
                "UPDATE customers SET code = ? WHERE id = ?",
                (f"{args[1]}9{serial[0]:04d}", ids[args[0] % len(ids)]),  # the 9 keeps it unique
            )


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(writes=st.lists(write, min_size=1, max_size=12), looked_for=st.lists(text, max_size=6))
def test_the_index_names_every_card_a_scan_finds(
    empty_db, tmp_path, monkeypatch, writes, looked_for
):
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "cust.db"  # an example's own: no WAL left
    shutil.copy(empty_db, path)
    conn = open_db(path)
    _apply(conn, writes, [0])
    _finds_what_a_scan_finds(conn, monkeypatch, looked_for)
    conn.close()


def _finds_what_a_scan_finds(conn, monkeypatch, looked_for: list[str]) -> None:
    """find's answers by the index equal a scan's for every text looked for: the generated
    ones, pieces of what the cards hold, codes with more leading zeros than they have or
    none, and LIKE's wildcards, which are looked for as written."""
    cards = conn.execute(f"SELECT code, {', '.join(FIELDS)} FROM customers").fetchall()
    texts = {
        *looked_for,
        *(v[1:5] for row in cards for v in row if v),
        *(f"00{row[0]}" for row in cards),
        *(row[0].lstrip("0") for row in cards),
        "a%b",
        "_李_",
    }
    for looked in sorted(t for t in texts if t.strip()):
        found = customers.find(conn, looked, limit=None)
        with monkeypatch.context() as patched:
            patched.setattr(q, "_by_pieces", lambda *_: [])
            scanned = customers.find(conn, looked, limit=None)
        assert found == scanned, looked


def test_a_text_of_three_characters_or_more_reads_only_the_cards_the_index_names(tmp_path):
    conn = open_db(tmp_path / "cust.db")
    for n in range(200):
        conn.execute(
            "INSERT INTO customers (code, name) VALUES (?, ?)", (f"{n:06d}", f"第{n}号烟酒店")
        )
    conn.execute("INSERT INTO customers (code, name) VALUES ('999999', '和谐百货')")
    plan = " ".join(
        row[-1]
        for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM customers WHERE instr(name, ?) > 0 AND "
            + q._by_pieces(conn, "谐百货")[0][0],
            ("谐百货", '"谐百货"'),
        )
    )
    assert "customer_grams VIRTUAL TABLE INDEX" in plan and "SCAN customers" not in plan, plan
    assert [c["code"] for c in q.search_candidates(conn, "谐百货", None)] == ["999999"]
    assert q._by_pieces(conn, "百货") == []  # two characters: the scan, as before
    assert q._by_pieces(conn, "000123") == q._by_pieces(conn, "123")  # a code without zeros


# --- on PostgreSQL: the trigram index (schema step 26) -----------------------------------


@pytest.fixture(scope="module")
def pg_find(pg_cluster):
    """A department's database for the examples, emptied by each."""
    conn = open_db(pg_cluster.url(pg_cluster.new_database()))
    yield conn
    conn.close()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(writes=st.lists(write, min_size=1, max_size=12), looked_for=st.lists(text, max_size=6))
def test_on_postgresql_the_trigram_index_names_every_card_a_scan_finds(
    pg_find, monkeypatch, writes, looked_for
):
    conn = pg_find
    conn.execute("DELETE FROM customers")
    _apply(conn, writes, [0])  # codes are unique within an example, which empties the table
    _finds_what_a_scan_finds(conn, monkeypatch, looked_for)


def test_on_postgresql_a_text_of_three_characters_or_more_is_found_by_the_index(pg_find):
    conn = pg_find
    conn.execute("DELETE FROM customers")
    for code, name in (("999999", "和谐百货"), ("999998", "和谐%货")):
        conn.execute("INSERT INTO customers (code, name) VALUES (?, ?)", (code, name))
    ((condition, params),) = q._by_pieces(conn, "谐百货")
    with conn.raw.transaction():
        conn.execute("SET LOCAL enable_seqscan = off")
        plan = " ".join(
            row[0]
            for row in conn.execute(
                f"EXPLAIN SELECT id FROM customers WHERE instr(name, ?) > 0 AND {condition}",
                ("谐百货", *params),
            )
        )
    assert "idx_customers_grams" in plan, plan
    assert [c["code"] for c in q.search_candidates(conn, "谐百货", None)] == ["999999"]
    assert [c["code"] for c in q.search_candidates(conn, "谐%货", None)] == ["999998"]
    assert q._by_pieces(conn, "百货") == []  # two characters: the scan, as before
