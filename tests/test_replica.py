"""Reads from a real streaming replica: a second cluster made from a base backup of the first."""

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .pgcluster import Cluster, remove, scratch_directory, server_binaries

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(
    server_binaries() is None,
    reason="needs the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup)",
)


def test_public_reads_go_to_the_replica_and_writes_and_curators_to_the_primary():
    root = scratch_directory()
    primary = Cluster.create(root)
    replica = None
    try:
        primary.start()
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env.update(DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=primary.url)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        replica = primary.replica(root)
        replica.start()
        # Loaded after the backup: it reaches the replica by streaming.
        subprocess.run(
            [sys.executable, "manage.py", "loaddata", "seed", "-v0"], cwd=ROOT, env=env, check=True
        )
        probe = subprocess.run(
            [sys.executable, "tests/replica_probe.py"],
            cwd=ROOT,
            env={**env, "DATABASE_REPLICA_URL": replica.url},
            check=True,
            capture_output=True,
            text=True,
        )
        seen = json.loads(probe.stdout.strip().splitlines()[-1])
    finally:
        for cluster in (replica, primary):
            if cluster is not None:
                with contextlib.suppress(subprocess.CalledProcessError):
                    cluster.stop()
        remove(root)

    assert seen["caught_up"]
    assert seen["anonymous"]["status"] == 200
    assert seen["anonymous"]["replica"] > 0 and seen["anonymous"]["primary"] == 0
    for signed_in in ("admin", "signed_in"):
        assert seen[signed_in]["status"] == 200
        assert seen[signed_in]["primary"] > 0 and seen[signed_in]["replica"] == 0
    assert seen["replicated"]
    assert seen["page_after_edit"]
    assert seen["replica_read_only"]
