"""`cust show` at a real terminal (a pseudo-terminal of a set size), as it is read at a shop's
door: the whole card on one screen, no value broken across lines."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from helpers.terminal import at_terminal, cust

pytestmark = pytest.mark.slow


def drawn_at(db: Path, columns: int, lines: int, *args: str) -> list[str]:
    """What `cust ARGS` draws on a terminal of columns × lines, as its non-empty lines."""
    _code, text = at_terminal(cust(db, *args), columns, lines, timeout=30)
    return [line for line in text.split("\n") if line.strip()]


def _whole_values(card: dict, profile: dict) -> list[str]:
    """Values a reader takes in one look, which must never be split across lines: the code,
    the phone, the address, the dates of the visits, and every date and number the warnings
    hold (a date or a figure cut in two is misread)."""
    values = [card["code"], card.get("phone"), card.get("address"), profile["visits"]["next_due"]]
    values += [
        f"{int(v['date'][5:7])}月{int(v['date'][8:10])}日" for v in profile["visits"]["last"]
    ]
    for alert in profile["alerts"]:
        for value in alert.values():
            if isinstance(value, int) and not isinstance(value, bool):
                values.append(str(value))
            elif isinstance(value, str):
                values += re.findall(r"\d{4}-\d{2}-\d{2}", value)
    return [v for v in values if v]


@pytest.mark.parametrize(("columns", "lines"), [(80, 24), (100, 40), (40, 30)])
def test_every_sample_card_fits_the_screen_with_no_value_broken(sample_db, columns, lines):
    codes = [
        c["code"]
        for c in json.loads(
            subprocess.run(
                cust(sample_db, "list", "--json"),
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
    ]
    assert len(codes) >= 20
    for code in codes[:: 3 if columns != 80 else 1]:
        drawn = drawn_at(sample_db, columns, lines, "show", code)
        assert len(drawn) <= lines - 1, (code, len(drawn), "\n".join(drawn))
        assert drawn[0].startswith("╭") and drawn[-1].startswith("╰"), drawn
        from rich.cells import cell_len

        assert all(cell_len(line) <= columns for line in drawn), drawn
        shown = json.loads(
            subprocess.run(
                cust(sample_db, "show", code, "--json"),
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for value in _whole_values(shown["card"], shown):
            assert any(value in line for line in drawn), (code, value, "\n".join(drawn))


def test_more_than_a_screen_says_how_much_more_and_full_shows_it(sample_cli, sample_db):
    code = sample_cli.json("list")[0]["code"]
    for n in range(12):
        sample_cli.ok("note", code, f"第{n}条备注：老板说下周要进一批新品，先留两件")
        sample_cli.ok("visit", "log", code, "--kind", "电话", "--follow-up", f"送海报{n}")
    drawn = drawn_at(sample_cli.db, 80, 24, "show", code)
    assert len(drawn) <= 23, "\n".join(drawn)
    assert any("加 --full 查看" in line for line in drawn), "\n".join(drawn)
    full = drawn_at(sample_cli.db, 80, 24, "show", code, "--full")
    assert len(full) > 23


def test_namesakes_are_numbered_and_the_one_typed_is_shown(sample_db):
    listed = subprocess.run(
        cust(sample_db, "show", "超市", "--json"),
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 1
    candidates = json.loads(listed.stdout)["candidates"]
    assert len(candidates) >= 2
    code, screen = at_terminal(cust(sample_db, "show", "超市"), script=[("序号", b"2\r")])
    assert code == 0, screen
    assert f"有 {len(candidates)} 家客户符合" in screen
    after = screen.split("序号", 1)[1]
    assert candidates[1]["code"] in after and candidates[0]["code"] not in after
    code, screen = at_terminal(cust(sample_db, "show", "超市"), script=[("序号", b"\r")])
    assert code == 1 and "╭" not in screen  # Enter alone picks none
