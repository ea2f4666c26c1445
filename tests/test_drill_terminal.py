"""The drill at a real terminal (a pseudo-terminal), as a manager types into it."""

from __future__ import annotations

import os
import subprocess
import time

import pytest
from helpers.terminal import at_terminal, cust

pytestmark = pytest.mark.slow


ENV = {"CUST_LANG": "zh", "COLUMNS": "100"}


def test_the_drill_runs_to_its_score_on_wrong_answers_and_blocks_no_one(cli, add_shop):
    add_shop("0001", "兴隆烟酒店", owner="张三", phone="13800138000", tier="12", order_day="周二")
    add_shop("0002", "兴隆烟酒店", owner="李四", phone="13912345678", tier="5")
    answered, wrote_note = 0, None

    def answer(screen: str) -> bytes | None:
        nonlocal answered, wrote_note
        asked = screen.count("？:")  # the prompt's last space may follow the typed echo
        if asked <= answered:
            return None
        if wrote_note is None:  # while the drill waits for typing, another cust writes
            wrote_note = subprocess.run(
                cust(cli.db, "note", "0001", "爱喝普洱"),
                capture_output=True,
                text=True,
                timeout=5,
                env={**os.environ, **ENV},
            )
        answered = asked
        return "不知道\r".encode()  # every answer wrong, even the weird ones

    code, text = at_terminal(
        cust(cli.db, "drill", "--count", "2"), 100, 24, env=ENV, on_screen=answer
    )
    assert code == 0, text
    assert "Traceback" not in text
    assert "兴隆烟酒店（0001）" in text and "兴隆烟酒店（0002）" in text  # same name: the code too
    assert text.count("✗ 不对，应为：") == answered >= 5
    assert "应为：周二" in text and "应为：13800138000" in text
    assert "得分 0%（0/" in text
    assert wrote_note is not None and wrote_note.returncode == 0, wrote_note.stderr


def test_ctrl_c_in_the_drill_keeps_the_answers_given(cli, add_shop):
    add_shop("0001", "兴隆烟酒店", owner="张三", phone="13800138000", tier="12", order_day="周二")
    add_shop("0002", "平安商店", owner="李四", phone="13912345678", tier="5")
    typed: list[float] = []  # when each key went

    def person(screen: str) -> bytes | None:
        """One wrong answer at the first question; Ctrl-C once the second is waiting for
        its answer (the screen ends with it), again a few seconds later if need be, as a
        person presses it again on a busy machine."""
        # (the prompt's last space may come after what was typed shows: count "？:")
        waiting = screen.rstrip(" ").endswith("？:")
        if not typed and waiting:
            typed.append(time.monotonic())
            return "不知道\r".encode()
        if len(typed) == 1 and waiting and screen.count("？:") >= 2:
            typed.append(time.monotonic())
            return b"\x03"
        if len(typed) == 2 and time.monotonic() - typed[1] > 5 and "已停止" not in screen:
            typed.append(time.monotonic())
            return b"\x03"
        return None

    code, text = at_terminal(
        cust(cli.db, "drill", "--count", "2"), 100, 24, env=ENV, on_screen=person
    )
    assert code == 0, text
    assert "Traceback" not in text
    assert "已停止；已答的 1 题已保留" in text and "得分 0%（0/1）" in text
    assert cli.sql("SELECT missed, asked FROM drill_misses") == [(1, 1)]
