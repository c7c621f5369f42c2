"""Every environment read goes through this module."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# The embedded server is kept here; it must outlive the settings import.
_embedded_server = None


def get(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or default


def require(name: str) -> str:
    value = get(name)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


# Keys that are in this repository or in Django's templates, and so known to anyone.
KNOWN_KEYS = {"change-me", "dev-only-insecure-key", "test-only-insecure-key"}


def secret_key(name: str = "SECRET_KEY") -> str:
    """The production secret key, refused when it is a known one or guessable: Django signs
    sessions and password-reset links with it. The same bar as `check --deploy` (50 characters,
    5 different ones, not startproject's django-insecure- key), enforced at start."""
    key = require(name)
    if (
        key in KNOWN_KEYS
        or key.startswith("django-insecure-")
        or len(key) < 50
        or len(set(key)) < 5
    ):
        raise ImproperlyConfigured(
            f"{name} is too weak: use at least 50 random characters, e.g. the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    return key


def flag(name: str, default: bool = False) -> bool:
    value = get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def path(name: str, default: Path) -> Path:
    value = get(name)
    return Path(value).expanduser() if value else default


def local_secret_key() -> str:
    """SECRET_KEY when set, else a random key made once for this checkout and kept under
    .data/ (git-ignored): a site served on this machine needs no setting, and no key is
    shared by every clone."""
    value = get("SECRET_KEY")
    if value:
        return value
    key_file = BASE_DIR / ".data" / "secret_key"
    if not key_file.is_file():
        import secrets

        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def csv_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (get(name) or default).split(",") if item.strip()]


def trusted_proxies(value: str | None) -> int | list[str]:
    """TRUSTED_PROXIES: how many proxies stand in front of the app (a number), or their
    addresses and networks (comma-separated); empty, none (see catalogue.clients)."""
    import ipaddress

    value = (value or "").strip()
    if not value:
        return 0
    if value.isascii() and value.isdigit():
        return int(value)
    proxies = [item.strip() for item in value.split(",") if item.strip()]
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES must be a number of proxies or their addresses: {error}"
            ) from error
    return proxies


def databases(url: str) -> dict:
    """Django's DATABASES for a URL, with persistent, health-checked connections."""
    import dj_database_url

    default = dj_database_url.parse(
        url,
        conn_max_age=int(get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # PostgreSQL as Django has it, with a deadline on each round trip (catalogue.db).
    default["ENGINE"] = "catalogue.db"
    # No request may run away with the database; long batch jobs lift these for their session
    # (catalogue.management.unbounded_statements).
    timeout = get("DATABASE_STATEMENT_TIMEOUT", "5s")
    connect_timeout = int(get("DATABASE_CONNECT_TIMEOUT", "3"))
    options = default.setdefault("OPTIONS", {})
    # JIT compiles a query the planner costs high, which on a catalogue's queries costs more
    # than it saves: 25 ms of a 400 ms facet pass over 100,000 rows (bench/search.py).
    options["options"] = f"-c statement_timeout={timeout} -c jit=off"
    options["connect_timeout"] = connect_timeout
    # A server that stops answering (frozen, not refusing) is given up on a second after its
    # own statement_timeout would have ended the query; a health check, as long as a connect.
    default["CLIENT_TIMEOUT"] = duration_seconds(timeout) + 1
    default["HEALTH_CHECK_TIMEOUT"] = connect_timeout
    return {"default": default}


def duration_seconds(value: str) -> float:
    """A PostgreSQL duration setting (500ms, 5s, 1min; a bare number is milliseconds) in seconds."""
    import re

    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(us|ms|s|min|h|d)?\s*", value)
    if not match:
        raise ImproperlyConfigured(f"Not a duration PostgreSQL understands: {value!r}.")
    number, unit = float(match.group(1)), match.group(2) or "ms"
    return number * {"us": 1e-6, "ms": 1e-3, "s": 1, "min": 60, "h": 3600, "d": 86400}[unit]


def with_replica(configured: dict) -> dict:
    """DATABASE_REPLICA_URL, when set, as the "replica" alias that catalogue.routers reads from.
    Tests mirror it to the primary instead of creating a test database on a read-only server."""
    url = get("DATABASE_REPLICA_URL")
    if url:
        replica = databases(url)["default"]
        replica["TEST"] = {"MIRROR": "default"}
        configured = {**configured, "replica": replica}
    return configured


def routers(configured: dict) -> list[str]:
    return ["catalogue.routers.ReplicaRouter"] if "replica" in configured else []


def release_fingerprint(root: Path = BASE_DIR) -> str:
    """A digest of the files that shape a page: their paths and contents, never their times,
    so that every worker and every machine running one release computes the same one."""
    import hashlib

    digest = hashlib.sha256()
    for folder, pattern in [
        ("catalogue", "**/*.py"),
        ("templates", "**/*"),
        ("static", "**/*"),
        ("locale", "**/*.po"),
    ]:
        for path in sorted((root / folder).glob(pattern)):
            if path.is_file():
                digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def cache(redis_url: str | None) -> dict:
    if redis_url:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "catalogue",
        }
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }


def database_url() -> str:
    """DATABASE_URL when set, otherwise the embedded PostgreSQL under .data/ (started on demand)."""
    url = get("DATABASE_URL")
    if url:
        return url
    return embedded_database_url()


def embedded_database_url() -> str:
    global _embedded_server
    if _embedded_server is None:
        import pgserver  # imported lazily: only needed without DATABASE_URL

        data_dir = Path(get("CATALOGUE_PGDATA", str(BASE_DIR / ".data" / "pg")))
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        # 'stop': the server stops when the last process that started using it exits.
        _embedded_server = pgserver.get_server(data_dir, cleanup_mode="stop")
    return _embedded_server.get_uri()
