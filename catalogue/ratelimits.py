"""Counting each anonymous client's requests per minute, in a store every worker shares.

With Redis (REDIS_URL) the counts are kept in the cache, which every worker and machine shares;
without it, Django's cache is memory local to each process, so they are kept in a table of the
database instead (unlogged: counts need no crash safety), which every worker shares too.
RATE_LIMIT_STORE says which; the production settings refuse a store that is not shared.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router

WINDOW = 60  # seconds: limits are per minute, in fixed windows

_COUNT_SQL = """
    INSERT INTO catalogue_ratelimitcount (key, count, expires_at)
    VALUES (%s, 1, to_timestamp(%s))
    ON CONFLICT (key) DO UPDATE SET count = catalogue_ratelimitcount.count + 1
    RETURNING count
"""
_FORGET_SQL = "DELETE FROM catalogue_ratelimitcount WHERE expires_at < now()"


@dataclass(frozen=True)
class Count:
    requests: int  # in this window, this one included
    retry_after: int  # seconds until the window ends


def count(kind: str, client: str) -> Count:
    """Count one request of this kind from this client; how many it has made this minute."""
    now = time.time()
    window = int(now // WINDOW)
    key = f"ratelimit:{kind}:{client}:{window}"
    ends = (window + 1) * WINDOW
    if settings.RATE_LIMIT_STORE == "database":
        requests = _count_in_database(key, ends)
    else:
        requests = _count_in_cache(key)
    return Count(requests, int(ends - now) + 1)


def _count_in_cache(key: str) -> int:
    cache.add(key, 0, WINDOW + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        return 1


def _count_in_database(key: str, ends: float) -> int:
    from .models import RateLimitCount

    with connections[router.db_for_write(RateLimitCount)].cursor() as cursor:
        cursor.execute(_COUNT_SQL, [key, ends])
        (requests,) = cursor.fetchone()
        if requests == 1:
            # A client's first request of a window: a good moment to forget ended windows.
            cursor.execute(_FORGET_SQL)
    return requests
