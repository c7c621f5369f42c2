"""Throwaway PostgreSQL clusters for the tests that stop a database or need a replica.

Built with the server binaries of the machine's PostgreSQL (initdb, pg_ctl, pg_basebackup);
the tests that need them skip when they are not installed. PostgreSQL refuses to run as root,
so as root the clusters run as the `postgres` user.
"""

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def server_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    def __init__(self, directory: Path, port: int):
        self.directory = directory
        self.port = port
        self.bin = server_binaries()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def create(cls, root: Path) -> "Cluster":
        cluster = cls(root / "primary", free_port())
        cluster._run(
            "initdb",
            "-D",
            cluster.directory,
            "-U",
            "postgres",
            "-A",
            "trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        return cluster

    def replica(self, root: Path) -> "Cluster":
        """A streaming replica of this (running) cluster, from a base backup of it."""
        replica = Cluster(root / "replica", free_port())
        self._run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            self.port,
            "-U",
            "postgres",
            "-D",
            replica.directory,
            "-R",
            "-X",
            "stream",
        )
        return replica

    def start(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            self.directory,
            "-l",
            self.directory / "server.log",
            "-w",
            "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1",
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", self.directory, "-m", "fast", "-w", "stop")

    def processes(self) -> list[int]:
        """The postmaster and every process it started (backends, background workers)."""
        postmaster = int((self.directory / "postmaster.pid").read_text().split()[0])
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    # /proc/<pid>/stat: "pid (name) state ppid …"; the name may hold spaces.
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                if ppid == postmaster:
                    children.append(int(entry.name))
        return [postmaster, *children]

    def freeze(self) -> None:
        """Stop every process of the cluster (SIGSTOP): connections stay open, but nothing
        answers, as when a host hangs."""
        for pid in self.processes():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self.processes():
            os.kill(pid, signal.SIGCONT)

    def _run(self, program: str, *args) -> None:
        command = [str(self.bin / program), *map(str, args)]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd="/")


def scratch_directory() -> Path:
    """A directory the postgres user may write in."""
    root = Path(tempfile.mkdtemp(prefix="catalogue-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    return root


def remove(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)


def wait_for(check, timeout: float = 30.0, interval: float = 0.2):
    """check() until it returns something true, or the last result after the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)
