"""The README is a promise: every command is in it, and every example in it runs as written."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from custcli.cli import COMMANDS

README = Path(__file__).resolve().parents[1] / "README.md"
# What a test cannot do as a person would: the drill asks at a terminal (driven through a
# pseudo-terminal in test_drill_terminal.py), so here it only prints its questions.
AT_A_TERMINAL = {"drill": ["--json"]}


def readme_examples() -> list[list[str]]:
    """Each `cust …` command of the README's indented code blocks, in order, as argv."""
    text = README.read_text(encoding="utf-8")
    lines = [line[4:] for line in text.splitlines() if line.startswith("    ")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))  # backslash continuations
    commands = []
    for line in joined.splitlines():
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


def test_every_readme_example_runs_as_written(sample_files, sample_db, tmp_path, monkeypatch):
    work = tmp_path / "work"
    shutil.copytree(sample_files, work / "sample_data")
    db = work / "sample_data" / "demo.db"
    shutil.copy(sample_db, db)
    monkeypatch.chdir(work)
    from conftest import Cli

    cli = Cli(db)
    for args in readme_examples():
        args = args + AT_A_TERMINAL.get(args[0], [])
        result = cli(*args)
        assert result.exit_code == 0, (shlex.join(["cust", *args]), result.stderr)
