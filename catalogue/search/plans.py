"""How PostgreSQL is to read a text search's matches."""

import contextlib

from django.db import connection, transaction


@contextlib.contextmanager
def through_the_index(searched: bool = True):
    """Inside, for a text search's queries (``searched``), sequential scans off.

    PostgreSQL does not count what testing a row against a text query costs when it reads the
    table in order: it reads every row's search document (from TOAST, most of them) where the
    GIN index's bitmap would read only the matches' rows, and none of their documents unless a
    phrase needs checking. On 100,000 rows it chose the table for a query matching 76% of them,
    three times slower, and for a suggestion of eight names it scanned the table in three
    processes. The setting is one transaction's, and is put back at the end (inside an outer
    transaction, it would outlive this one).
    """
    if not searched:
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
        )
        previous = cursor.fetchone()[0]
        yield
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
