"""A throwaway PostgreSQL for the tests: a cluster in a temporary folder, reached only through
its socket folder (no TCP), started by the suite and stopped when it ends.

PostgreSQL refuses to run as root: where the tests run as root, the server runs as the
`postgres` system user. Without PostgreSQL's programs or psycopg the tests that need it are
skipped, and say why.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN_FOLDERS = [
    Path("/usr/lib/postgresql/15/bin"),
    *sorted(Path("/usr/lib/postgresql").glob("*/bin")),
]


def _bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    return next((folder for folder in BIN_FOLDERS if (folder / "pg_ctl").exists()), None)


class Cluster:
    def __init__(self, folder: Path, bin_folder: Path):
        self.folder, self.bin = folder, bin_folder
        self.data, self.sockets = folder / "data", folder / "sockets"
        self.user = None
        if os.geteuid() == 0:
            self.user = "postgres"
            pwd.getpwnam(self.user)  # KeyError: no such user

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        self.sockets.mkdir(parents=True)
        if self.user:
            record = pwd.getpwnam(self.user)
            for path in (self.folder, self.sockets):
                os.chown(path, record.pw_uid, record.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        options = f"-k {self.sockets} -c listen_addresses='' -c fsync=off -c max_connections=120"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options,
                  "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def watched(self) -> subprocess.Popen:
        """A watchdog in a session of its own: when this process ends, however it ends
        (SIGKILL included, where no finally runs), it stops the server and removes the
        cluster's folder."""
        stop = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
        if self.user:
            stop = ["runuser", "-u", self.user, "--", *stop]
        return subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(self.folder), *stop],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a kill of the test run's process group spares it
        )

    def url(self, database: str, login: str = "postgres") -> str:
        return f"postgresql://{login}@/{database}?host={self.sockets}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(statement)

    def new_database(self) -> str:
        name = f"cust_{uuid.uuid4().hex[:12]}"
        self.sql(f"CREATE DATABASE {name}")
        return name


# The watchdog: waits for the test run's process to end, then stops its server and removes
# its folder (the server's postmaster.pid says whether one is still running).
_WATCHDOG = """
import os, shutil, subprocess, sys, time
pid, folder, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
while True:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        break
    time.sleep(0.2)
if os.path.exists(os.path.join(folder, "data", "postmaster.pid")):
    subprocess.run(stop, capture_output=True, timeout=60)
shutil.rmtree(folder, ignore_errors=True)
"""


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    pytest.importorskip(
        "psycopg", reason="psycopg is not installed: pip install 'yikouqing[postgres]'"
    )
    bin_folder = _bin()
    if bin_folder is None:
        pytest.skip("PostgreSQL's programs (initdb, pg_ctl) are not on this machine")
    folder = Path(tempfile.mkdtemp(prefix="cust-pg-"))
    try:
        cluster = Cluster(folder, bin_folder)
    except KeyError:
        pytest.skip("running as root, and there is no postgres system user to run PostgreSQL")
    watchdog = cluster.watched()
    try:
        cluster.start()
    except (subprocess.SubprocessError, OSError) as error:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"PostgreSQL would not start here: {error}")
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
        watchdog.kill()  # the server is stopped: nothing left for it to do


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """A new, empty database of the test cluster, as cust's --db takes it."""
    return pg_cluster.url(pg_cluster.new_database())
