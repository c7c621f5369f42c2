"""What the benchmarks share: a database of their own, production settings, a gunicorn."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def database_url(name: str) -> str:
    """DATABASE_URL's server, or the embedded PostgreSQL, with a database of this name."""
    import psycopg

    from config import env

    base = env.database_url()
    parts = urllib.parse.urlsplit(base)
    url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return url


def production_env(url: str) -> dict:
    """The production settings, over plain HTTP on loopback."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "bench-only-secret-key-bench-only-secret-key-bench-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        # The benchmarks measure the catalogue, not its rate limiter.
        "RATE_LIMIT_SEARCH": "0",
        "RATE_LIMIT_AUTOCOMPLETE": "0",
        "RATE_LIMIT_API": "0",
        "RATE_LIMIT_PAGE": "0",
    }


def prepare(env: dict) -> None:
    """Migrations, translations and static files, as a deployment would have them."""
    subprocess.run([*MANAGE, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*MANAGE, "compiletranslations", "-v0"], env=env, check=True)
    subprocess.run([*MANAGE, "collectstatic", "--no-input", "-v0"], env=env, check=True)


# The benchmarks' database; BENCH_DATABASE names another, to keep two catalogues side by side.
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "catalogue_bench")


def synthetic_catalogue(count: int) -> dict:
    """The production environment for BENCH_DATABASE (`catalogue_bench` unless set), holding
    `count` synthetic occupations (generated once and kept), with Django set up in this process
    against it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    url = database_url(BENCH_DATABASE)
    os.environ["DATABASE_URL"] = url
    env = production_env(url)
    prepare(env)
    import django

    django.setup()
    from catalogue.models import Occupation

    if Occupation.objects.count() != count:
        print(f"generating {count} synthetic occupations (once; kept in {BENCH_DATABASE})…")
        subprocess.run(
            [*MANAGE, "generate_synthetic_catalogue", "--count", str(count), "--replace"],
            env=env,
            check=True,
        )
    settle(url)
    return env


def settle(url: str) -> None:
    """VACUUM (ANALYZE) the database when its occupations table looks freshly written.

    A server with autovacuum on does this within a minute of a bulk load; one with it off (as
    on some development machines) keeps the generator's dead row versions and an empty
    visibility map, so that no index-only scan pays off and every count reads the whole
    table: that measures the state of the machine, not the catalogue. Datasette's SQLite
    copy is vacuumed too (bench/compare.py).
    """
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        pages, visible = conn.execute(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'catalogue_occupation'"
        ).fetchone()
        if visible < 0.9 * pages:
            print(f"vacuuming {conn.info.dbname} (its visibility map is mostly empty)…")
            conn.execute("VACUUM (ANALYZE)")


def wait_until_answering(port: int) -> None:
    for _ in range(100):
        try:
            HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
            return
        except OSError:
            time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served(NamedTuple):
    port: int
    pid: int


@contextlib.contextmanager
def gunicorn(env: dict, workers: int = 3, threads: int = 1):
    """gunicorn on a free loopback port as README's production command runs it, ready when
    this yields; stopped after."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            # As README's production command: a worker takes a connection only when it has a
            # thread free for it, and closes it after its answer; a busy worker would
            # otherwise accept and queue requests that an idle one could have answered.
            "--worker-connections",
            str(threads),
            "--keep-alive",
            "0",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_until_answering(port)
        yield Served(port, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (gunicorn's master and workers), from /proc."""
    pids = [pid]
    with contextlib.suppress(FileNotFoundError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                pids += process_tree(int(child))
    return pids


def postgres_pids() -> list[int]:
    """This machine's PostgreSQL processes (none when the database is on another machine)."""
    found = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User and system CPU time each live process has used so far, by process."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            # The fields after the command's name: utime and stime are the 12th and 13th.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            used[pid] = (int(fields[11]) + int(fields[12])) / tick
    return used


def _used_since(before: dict[int, float], pids: list[int]) -> float:
    """CPU seconds that ``pids`` used since ``before`` (a process that started since counts
    whole; one that ended since is lost, with what it used in between)."""
    now = cpu_seconds(pids)
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in now.items())


def wrk(
    port: int,
    paths: list[str],
    seconds: int = 15,
    connections: int = 8,
    server_pid: int | None = None,
) -> dict:
    """Load from wrk, a separate process, on loopback: requests/s, p50/p95/p99 in ms, errors
    (connection errors and answers other than 2xx/3xx; wrk counts those as `status`).

    With ``server_pid``, also the CPU time per request, in ms, of the server (that process and
    its children: ``cpu_server``), of this machine's PostgreSQL (``cpu_database``) and of wrk
    itself (``cpu_client``), and how many of the machine's cores they kept busy together
    (``cores_busy``): what a request costs, where throughput only says how many fit."""
    import json
    import resource

    if server_pid is not None:
        server, database = process_tree(server_pid), postgres_pids()
        server_before, database_before = cpu_seconds(server), cpu_seconds(database)
        client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "bench" / "paths.lua"),
            f"http://127.0.0.1:{port}",
        ],
        env={**os.environ, "PATHS": "\n".join(paths)},
        capture_output=True,
        text=True,
        check=True,
    )
    numbers = json.loads(result.stdout.strip().splitlines()[-1])
    numbers["rps"] = numbers["requests"] / numbers["seconds"]
    if server_pid is not None and numbers["requests"]:
        client = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = {
            "cpu_server": _used_since(server_before, process_tree(server_pid)),
            "cpu_database": _used_since(database_before, postgres_pids()),
            "cpu_client": client.ru_utime
            + client.ru_stime
            - client_before.ru_utime
            - client_before.ru_stime,
        }
        numbers.update({name: s * 1000 / numbers["requests"] for name, s in used.items()})
        numbers["cores_busy"] = sum(used.values()) / numbers["seconds"]
    return numbers


def peak_rss_mb(parent_pid: int) -> list[float]:
    """Peak resident memory (VmHWM) of each child of this process (gunicorn's workers), in MB."""
    children = Path(f"/proc/{parent_pid}/task/{parent_pid}/children").read_text().split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return peaks
