"""How long `cust show` takes at the shop's door, against floors measured in the same run.

    python bench/startup.py [--db PATH] [--runs 15] [REF]

Every command runs as a whole process, interleaved with the others so that load on a shared
machine falls on all of them alike; the table gives median, min and max in milliseconds and
each median as a ratio of the minimal Typer app's (the floor `cust show` is held to: 1.3×).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELLO = """
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "x"):
    print("hello", name)
app()
"""


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", nargs="?", help="the customer to show (default: the first)")
    parser.add_argument("--db", type=Path, help="database (default: $CUST_DB or cust's own)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = dict(os.environ)
    if args.db:
        env["CUST_DB"] = str(args.db)
    ref = args.ref or subprocess.run(
        [sys.executable, "-m", "custcli", "list", "--limit", "1", "--json"], env=env,
        capture_output=True, text=True, check=True).stdout.split('"code": "')[1].split('"')[0]
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as hello:
        hello.write(HELLO)
    py = sys.executable
    commands = {
        "python -c pass": [py, "-c", "pass"],
        "python -c 'import sqlite3'": [py, "-c", "import sqlite3"],
        "typer hello --name a (floor)": [py, hello.name, "--name", "a"],
        "cust show --json": [py, "-m", "custcli", "show", ref, "--json"],
        "cust show --say": [py, "-m", "custcli", "show", ref, "--say"],
        "cust show (piped)": [py, "-m", "custcli", "show", ref],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(timed(command, env))
    floor = statistics.median(times["typer hello --name a (floor)"])
    print(f"{'command':34} {'median':>8} {'min':>7} {'max':>7} {'× floor':>8}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:34} {median:8.0f} {min(values):7.0f} {max(values):7.0f} "
              f"{median / floor:8.2f}")
    Path(hello.name).unlink()


if __name__ == "__main__":
    main()
