"""The database goes away under a running server, or was never there: pages answer 503 with
Retry-After and look like the site; when the database is back, the same server recovers."""

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .pgcluster import Cluster, free_port, remove, scratch_directory, server_binaries, wait_for

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(
    server_binaries() is None, reason="needs the PostgreSQL server binaries (initdb, pg_ctl)"
)


def environment(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url}


def get(port: int, path: str):
    try:
        url = f"http://127.0.0.1:{port}{urllib.parse.quote(path, safe='/?=&')}"
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
    except OSError:
        return None, {}, ""


class Server:
    """gunicorn with the app, one worker unless told otherwise, on a free loopback port."""

    def __init__(self, database_url: str, workers: int = 1, **settings):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "critical",
            ],
            cwd=ROOT,
            env={**environment(database_url), **settings},
        )
        assert wait_for(lambda: get(self.port, "/robots.txt")[0] is not None, timeout=30)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def cluster():
    root = scratch_directory()
    cluster = Cluster.create(root)
    cluster.start()
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "-v0"], ["loaddata", "seed", "-v0"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=environment(cluster.url), check=True)
    yield cluster
    with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
        cluster.stop()
    remove(root)


def test_database_stopped_mid_run_then_back(cluster):
    server = Server(cluster.url)
    try:
        status, _, page = get(server.port, "/occupations/ai-trainer/")
        assert status == 200 and "人工智能训练师" in page

        cluster.stop()
        for path in ("/occupations/ai-trainer/", "/zh-hans/", "/occupations/?q=训练师"):
            status, headers, page = get(server.port, path)
            assert status == 503, path
            assert headers["Retry-After"] == "30"
            assert 'class="site-header"' in page
        assert "回来" in get(server.port, "/zh-hans/")[2]  # in the page's language
        status, headers, body = get(server.port, "/api/v1/occupations/")
        assert status == 503 and "unavailable" in body
        assert get(server.port, "/healthz")[0] == 503

        cluster.start()
        # The same process, not restarted: its stale connection is noticed and replaced.
        assert wait_for(lambda: get(server.port, "/healthz")[0] == 200, timeout=20)
        status, _, page = get(server.port, "/occupations/ai-trainer/")
        assert status == 200 and "人工智能训练师" in page
    finally:
        server.stop()


def test_a_wrong_dsn_is_a_503_not_a_crash():
    server = Server(f"postgres://postgres@127.0.0.1:{free_port()}/nowhere")
    try:
        status, headers, page = get(server.port, "/")
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert "Back in a moment" in page
        assert get(server.port, "/healthz")[0] == 503
    finally:
        server.stop()


def test_rate_limits_are_counted_across_workers(cluster):
    """Two worker processes, no Redis: the counts are in the database, so the limit is the
    client's, not each worker's."""
    server = Server(cluster.url, workers=2, RATE_LIMIT_STORE="database", RATE_LIMIT_SEARCH="5")
    try:
        # All within one minute's window.
        wait_for(lambda: time.time() % 60 < 45, timeout=20, interval=1)
        statuses = [get(server.port, f"/occupations/?q=a{n}")[0] for n in range(12)]
        assert statuses.count(200) == 5, statuses
        assert statuses.count(429) == 7, statuses
    finally:
        server.stop()


def test_a_frozen_database_is_a_503_within_seconds_and_static_files_never_wait(cluster):
    """A database that stops answering without refusing (its processes stopped): each page
    and /healthz answers 503 within a few seconds, not when gunicorn gives up on the worker;
    static files do not wait at all; when it answers again, the same server recovers."""
    server = Server(cluster.url, RATE_LIMIT_STORE="database")
    try:
        assert get(server.port, "/occupations/ai-trainer/")[0] == 200  # a connection is kept
        cluster.freeze()
        try:
            for path in [
                "/static/css/site.css",
                "/occupations/ai-trainer/",  # the kept connection's health check goes unanswered
                "/static/js/autocomplete.js",
                "/healthz",  # a new connection is not accepted
                "/api/v1/occupations/",
                "/zh-hans/occupations/?q=训练师",
            ]:
                started = time.monotonic()
                status, headers, _ = get(server.port, path)
                elapsed = time.monotonic() - started
                if path.startswith("/static/"):
                    assert (status, elapsed < 1) == (200, True), (path, status, elapsed)
                else:
                    assert (status, elapsed < 5) == (503, True), (path, status, elapsed)
                    assert headers["Retry-After"] == "30"
        finally:
            cluster.thaw()
        assert wait_for(lambda: get(server.port, "/healthz")[0] == 200, timeout=20)
        assert get(server.port, "/occupations/ai-trainer/")[0] == 200
    finally:
        server.stop()
