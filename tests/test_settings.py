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
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


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
