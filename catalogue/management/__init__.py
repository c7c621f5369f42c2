from django.db import connection


def unbounded_statements() -> None:
    """Lift the request-sized statement_timeout, and the client's deadline on each round trip
    (catalogue.db), for this command's database session: imports, exports and index rebuilds
    may rightly take longer than any page."""
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    connection.client_timeout = None
