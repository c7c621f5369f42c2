"""Prepare the database and serve the catalogue with gunicorn until interrupted."""

import os
import signal
import socket
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from catalogue.models import Source

SEED_FIXTURE = "seed"


class Command(BaseCommand):
    help = (
        "Migrate, load the seed catalogue on first run, collect static files and serve with "
        "gunicorn. Ctrl-C (or SIGTERM) stops the server and the embedded database it started."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--reseed",
            action="store_true",
            help="Load the seed fixtures even when the catalogue already has data.",
        )

    def handle(self, *args, host, port, workers, reseed, **options):
        # SIGTERM ends the process the way Ctrl-C does, so the same clean-up runs.
        signal.signal(signal.SIGTERM, _interrupt)
        _check_port_free(host, port)

        call_command("migrate", interactive=False, verbosity=1)
        # Seed once: later runs must not overwrite what curators changed in the admin.
        if reseed or not Source.objects.exists():
            call_command("loaddata", SEED_FIXTURE, verbosity=1)
        else:
            self.stdout.write("Seed catalogue already loaded (use --reseed to load it again).")
        if settings.CATALOGUE_DATA_DIR:
            # Idempotent and quick when nothing changed; curated fields are never overwritten.
            call_command("import_classification", settings.CATALOGUE_DATA_DIR)
            call_command("import_announcements", settings.CATALOGUE_DATA_DIR)
        else:
            self.stdout.write(
                "CATALOGUE_DATA_DIR is not set: serving the seed catalogue only (see README)."
            )
        # The catalogue's English (data/translations), for whatever records are loaded; English
        # a source gives or a curator wrote is kept.
        call_command("import_translations")
        call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()

        env = os.environ.copy()
        # Workers connect to the same database without starting another embedded server.
        env["DATABASE_URL"] = self._database_url()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ]
        self.stdout.write(self.style.SUCCESS(f"Serving the catalogue at http://{host}:{port}/"))
        server = subprocess.Popen(command, env=env, preexec_fn=_die_with_parent)
        try:
            code = server.wait()
        except KeyboardInterrupt:
            code = 0
        finally:
            self._stop(server)
        if code:
            raise CommandError(f"gunicorn exited with status {code}.")

    def _database_url(self) -> str:
        from config import env

        return env.database_url()

    def _stop(self, server: subprocess.Popen) -> None:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        # An embedded database stops when this process, its last user, exits (pgserver's
        # atexit hook), which is why the server runs as a child and not in this process.
        self.stdout.write("Stopped.")


def _check_port_free(host: str, port: int) -> None:
    """Say so plainly, before migrating anything, when something already listens there."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise CommandError(
                f"Port {port} on {host} is in use ({error.strerror}). Stop what is listening "
                f"there, or choose another port: PORT=8080 make run"
            ) from error


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _die_with_parent():
    """In the child: let Linux stop gunicorn if this command dies without cleaning up."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
