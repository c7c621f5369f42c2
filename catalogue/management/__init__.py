from django.db import connection


def unbounded_statements() -> None:
    """Lift the request-sized statement_timeout for this command's database session: imports,
    exports and index rebuilds may rightly take longer than any page."""
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
