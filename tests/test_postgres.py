"""The same commands on PostgreSQL: the same answers as on a SQLite file, managers fenced by
the database itself, many writers at once."""

from __future__ import annotations

import pytest

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
