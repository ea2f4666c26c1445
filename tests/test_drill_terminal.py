"""The drill at a real terminal (a pseudo-terminal), as a manager types into it."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _cust(db: Path, *args: str, **kw) -> list[str]:
    return [sys.executable, "-m", "custcli", "--db", str(db), *args]


def _env() -> dict[str, str]:
    return {**os.environ, "CUST_LANG": "zh", "COLUMNS": "100"}


def test_the_drill_runs_to_its_score_on_wrong_answers_and_blocks_no_one(cli, add_shop):
    add_shop("0001", "兴隆烟酒店", owner="张三", phone="13800138000", tier="12", order_day="周二")
    add_shop("0002", "兴隆烟酒店", owner="李四", phone="13912345678", tier="5")
    master, slave = pty.openpty()
    drill = subprocess.Popen(
        _cust(cli.db, "drill", "--count", "2"),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=_env(),
        close_fds=True,
    )
    os.close(slave)
    screen, answered, wrote_note = b"", 0, None
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    screen += os.read(master, 4096)
                except OSError:  # the drill has ended and closed its side
                    break
            elif drill.poll() is not None:
                break
            asked = screen.decode(errors="replace").count("？: ")
            if asked > answered:
                if wrote_note is None:  # while the drill waits for typing, another cust writes
                    wrote_note = subprocess.run(
                        _cust(cli.db, "note", "0001", "爱喝普洱"),
                        capture_output=True,
                        text=True,
                        timeout=5,
                        env=_env(),
                    )
                os.write(master, "不知道\r".encode())  # every answer wrong, even the weird ones
                answered = asked
        drill.wait(timeout=10)
    finally:
        drill.kill()
        os.close(master)
    text = screen.decode(errors="replace")
    assert drill.returncode == 0, text
    assert "Traceback" not in text
    assert "兴隆烟酒店（0001）" in text and "兴隆烟酒店（0002）" in text  # same name: the code too
    assert text.count("✗ 不对，应为：") == answered >= 5
    assert "应为：周二" in text and "应为：13800138000" in text
    assert "得分 0%（0/" in text
    assert wrote_note is not None and wrote_note.returncode == 0, wrote_note.stderr
