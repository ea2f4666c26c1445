"""The README is a promise: every command is in it, and every example in it runs as written."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from custcli.cli import COMMANDS

README = Path(__file__).resolve().parents[1] / "README.md"
# What a test cannot do as a person would: the drill asks at a terminal (driven through a
# pseudo-terminal in test_drill_terminal.py), so here it only prints its questions.
AT_A_TERMINAL = {"drill": ["--json"]}


def readme_lines() -> list[str]:
    """The README's indented code lines that run cust, continuations joined, as written."""
    text = README.read_text(encoding="utf-8")
    lines = [line[4:] for line in text.splitlines() if line.startswith("    ")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))  # backslash continuations
    return [line for line in joined.splitlines() if line.startswith("cust ")]


def readme_examples() -> list[list[str]]:
    """Each `cust …` command of the README's indented code blocks, in order, as argv."""
    commands = []
    for line in readme_lines():
        line = re.sub(r"\s{2,}#.*$", "", line).strip()  # a comment after two spaces
        for part in re.split(r"\s(?:;|\||&&)\s", line):
            words = shlex.split(part)
            if words[:1] == ["cust"]:
                commands.append(words[1:])
    return commands


def test_every_command_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    missing = [name for name in COMMANDS if f"cust {name}" not in text]
    assert missing == []


def test_the_readme_has_an_example_of_every_command():
    assert set(COMMANDS) - {args[0] for args in readme_examples()} == set()


def test_every_readme_example_runs_as_written_in_a_real_shell(sample_files, sample_db, tmp_path):
    """Each line as a person pastes it into bash (quotes, parentheses, pipes and comments as
    the shell reads them), with `cust` the command on the PATH."""
    work = tmp_path / "work"
    shutil.copytree(sample_files, work / "sample_data")
    db = work / "sample_data" / "demo.db"
    shutil.copy(sample_db, db)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "cust").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m custcli "$@"\n')
    (bin_dir / "cust").chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "CUST_DB": str(db),
        "CUST_LANG": "zh",
    }
    lines = readme_lines()
    assert len(lines) >= 30
    for line in lines:
        for name, added in AT_A_TERMINAL.items():
            line = line.replace(f"cust {name}", f"cust {name} {' '.join(added)}", 1)
        run = subprocess.run(
            ["bash", "-o", "pipefail", "-c", line],
            cwd=work,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, (line, run.stderr)
        assert "Traceback" not in run.stderr, (line, run.stderr)
