import os
import subprocess
import sys

import pytest
from django.conf import settings

PROD_ENV = {
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-test-only-0123456789",
    "ALLOWED_HOSTS": "catalogue.example.org",
    "DATABASE_URL": "postgres://catalogue@db.example.org/catalogue",
}


def import_prod_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {*PROD_ENV, "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.prod"],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("missing", sorted(PROD_ENV))
def test_production_settings_refuse_to_start_without(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = import_prod_settings(**env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


@pytest.mark.parametrize(
    "weak",
    [
        "change-me",  # .env.example's
        "dev-only-insecure-key",
        "test-only-insecure-key",
        "django-insecure-" + "x1y2z3" * 10,  # what startproject writes
        "a" * 64,  # long, but one character
        "short-but-random-9f8e7d6c",
    ],
)
def test_production_settings_refuse_a_weak_secret_key(weak):
    result = import_prod_settings(**{**PROD_ENV, "SECRET_KEY": weak})
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr
    assert weak not in result.stderr  # a secret is not printed, even a bad one


def test_production_refuses_rate_limits_counted_per_process():
    result = import_prod_settings(**{**PROD_ENV, "RATE_LIMIT_STORE": "cache"})
    assert result.returncode != 0
    assert "RATE_LIMIT_STORE=cache needs REDIS_URL" in result.stderr
    shared = import_prod_settings(
        **{**PROD_ENV, "RATE_LIMIT_STORE": "cache", "REDIS_URL": "redis://127.0.0.1:6379/0"}
    )
    assert shared.returncode == 0, shared.stderr
    assert import_prod_settings(**PROD_ENV).returncode == 0  # unset: the database


def test_the_env_example_key_is_refused():
    import re

    example = (settings.BASE_DIR / ".env.example").read_text()
    key = re.search(r"^SECRET_KEY=(.*)$", example, re.M).group(1)
    result = import_prod_settings(**{**PROD_ENV, "SECRET_KEY": key})
    assert "SECRET_KEY is too weak" in result.stderr


def wsgi_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {*PROD_ENV, "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.wsgi; from django.conf import settings; print(settings.SETTINGS_MODULE)",
        ],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_the_wsgi_application_serves_production_settings_unless_told_otherwise():
    result = wsgi_settings(**PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "config.settings.prod"
    # Started by gunicorn without a word about settings, it refuses rather than serving
    # the development settings.
    result = wsgi_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    named = wsgi_settings(DJANGO_SETTINGS_MODULE="config.settings.test")
    assert named.stdout.strip() == "config.settings.test", named.stderr


def test_manage_py_uses_production_settings_unless_told_otherwise():
    clean = {k: v for k, v in os.environ.items() if k not in {*PROD_ENV, "DJANGO_SETTINGS_MODULE"}}
    command = [
        sys.executable,
        "manage.py",
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SETTINGS_MODULE)",
    ]
    told = subprocess.run(
        command, cwd=settings.BASE_DIR, env={**clean, **PROD_ENV}, text=True, capture_output=True
    )
    assert told.returncode == 0, told.stderr
    assert told.stdout.strip().splitlines()[-1] == "config.settings.prod"
    # On a server where nobody said which settings: refused, never the development ones.
    bare = subprocess.run(command, cwd=settings.BASE_DIR, env=clean, text=True, capture_output=True)
    assert bare.returncode != 0
    assert "SECRET_KEY must be set" in bare.stderr


def test_production_settings_load_with_everything_set():
    result = import_prod_settings(**PROD_ENV)
    assert result.returncode == 0, result.stderr


def test_static_files_use_whitenoise_manifest_storage():
    from config.settings import base

    assert base.STORAGES["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    middleware = base.MIDDLEWARE
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == (
        middleware.index("django.middleware.security.SecurityMiddleware") + 1
    )


def test_the_database_is_postgresql():
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    assert connections["default"].vendor == "postgresql"
    assert isinstance(connections["default"], DatabaseWrapper)  # with a deadline (catalogue.db)


def test_serve_says_plainly_when_the_port_is_taken():
    import socket

    from django.core.management import CommandError, call_command

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"Port {port} on 127.0.0.1 is in use"):
            call_command("serve", "--port", str(port))


def test_every_variable_read_is_in_env_example():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = "".join(
        p.read_text() for p in [*root.glob("config/*.py"), *root.glob("config/settings/*.py")]
    )
    read = set(re.findall(r'env\.(?:get|require|flag|csv_list|path)\(\s*"([A-Z_]+)"', code))
    read |= set(re.findall(r'(?<![.\w])(?:get|require|flag)\(\s*"([A-Z_]+)"', code))
    documented = set(re.findall(r"^([A-Z_]+)=", (root / ".env.example").read_text(), re.M))
    assert read, "no variables found: the pattern is out of date"
    assert read - documented == set()


def test_the_tests_name_their_own_settings(tmp_path):
    """Even in a shell set up for production (DJANGO_SETTINGS_MODULE=config.settings.prod, as
    README's production steps export), pytest runs with the test settings."""
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "from django.conf import settings\n\n"
        "def test_settings():\n"
        "    assert settings.SETTINGS_MODULE == 'config.settings.test'\n"
    )
    result = subprocess.run(
        [
            *[sys.executable, "-m", "pytest", "-q", "-c", "pyproject.toml"],
            *["--rootdir", str(settings.BASE_DIR), str(probe)],
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, **PROD_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.prod"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
