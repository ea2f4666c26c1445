"""A cust run at a real terminal: a pseudo-terminal of a set size, read as a person reads it,
typed into as a person types (the answer sent once the screen has asked its question)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def cust(db: Path | str, *args: str) -> list[str]:
    """The command line of `cust --db DB ARGS` in this interpreter."""
    return [sys.executable, "-m", "custcli", "--db", str(db), *args]


def _own_terminal() -> None:
    """In the child: a session of its own whose controlling terminal is the pseudo-terminal,
    as a shell gives a command, so that Ctrl-C typed there interrupts it."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def at_terminal(
    argv: Sequence[str],
    columns: int = 80,
    lines: int = 24,
    script: Sequence[tuple[str, bytes]] = (),
    env: dict[str, str] | None = None,
    on_screen: Callable[[str], bytes | None] | None = None,
    timeout: float = 60,
) -> tuple[int, str]:
    """Run `argv` at a columns × lines terminal; its exit code and what it drew (ANSI codes and
    carriage returns taken out).

    `script` is what the person types, in order: each (question, keys) sends the keys once the
    question has appeared as many times as the script has asked it so far. `on_screen` is
    called with the screen so far after every read and may answer with keys to type.
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    environment = {**os.environ, "CUST_LANG": "zh", "TERM": "xterm-256color", **(env or {})}
    for sized in ("COLUMNS", "LINES"):  # the terminal's own size, as a person's shell has it
        if sized not in (env or {}):
            environment.pop(sized, None)
    run = subprocess.Popen(
        list(argv),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=environment,
        close_fds=True,
        preexec_fn=_own_terminal,
    )
    os.close(slave)
    screen, step = b"", 0
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _w, _x = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the command has ended and closed its side
                    break
                if not chunk:
                    break
                screen += chunk
            elif run.poll() is not None:
                break
            text = screen.decode(errors="replace")
            if step < len(script):
                asked, typed = script[step]
                times = sum(1 for question, _keys in script[: step + 1] if question == asked)
                if text.count(asked) >= times:
                    os.write(master, typed)
                    step += 1
            if on_screen is not None:
                typed = on_screen(text)
                if typed:
                    os.write(master, typed)
        run.wait(timeout=10)
    finally:
        run.kill()
        os.close(master)
    return run.returncode, ANSI.sub("", screen.decode(errors="replace")).replace("\r", "")
