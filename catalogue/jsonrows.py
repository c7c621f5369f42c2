"""Related rows as JSON inside another query, and model instances made back from them.

A page that shows a record with many kinds of related rows would otherwise run a query for each
kind; the ORM's building and compiling of those queries took longer than PostgreSQL took to run
them. A JSON column of the record's own query carries the rows instead, the SQL built once per
process (catalogue.records, catalogue.standards); from_json() turns each row back into the
model instance the templates and serializers expect, with the values of its fields as the
database adapter would have given them.
"""

import functools
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import F, TextField
from django.db.models.functions import Cast, JSONObject

# Fields whose values JSON cannot carry as they are: as text in the JSON, parsed back by the
# field (a number through a float would lose a decimal's digits).
_PARSED = (models.DateField, models.DateTimeField, models.TimeField, models.DecimalField)


def json_fields(model, names=None, prefix: str = "") -> dict:
    """The model's concrete fields (or those named) as JSONObject arguments, by attname; through
    a relation when prefix is given ("source__")."""
    fields = [f for f in model._meta.concrete_fields if names is None or f.attname in names]
    return {
        field.attname: Cast(F(prefix + field.attname), TextField())
        if isinstance(field, models.DecimalField)
        else F(prefix + field.attname)
        for field in fields
    }


def json_rows(queryset, order, fields: dict | None = None, **nested) -> ArraySubquery:
    """The queryset's rows, in this order, as an array of JSON objects: the model's fields (or
    ``fields``) and the nested expressions under their names."""
    chosen = json_fields(queryset.model) if fields is None else fields
    return ArraySubquery(queryset.order_by(*order).values(json=JSONObject(**chosen, **nested)))


def compiled(expression, model) -> str:
    """The expression as SQL over a query on the model's table (whose rows its OuterRefs
    name), its parameters written in: a statement that carries the JSON keys of many rows as
    hundreds of parameters had them parsed out again by the driver on every execution, which
    caches that work only for short statements."""
    from django.db import connection

    query = model.objects.all().query
    sql, params = query.get_compiler(connection=connection).compile(
        expression.resolve_expression(query)
    )
    # Placeholders of the statement it goes into stay the only ones.
    return connection.ops.compose_sql(sql, params).replace("%", "%%")


def from_json(model, row: dict, db: str | None = None):
    """The instance a query on database `db` would have made of this row (fields the row lacks
    are deferred)."""
    names, parsers = _reading(model)
    present = [name for name in names if name in row]
    values = []
    for name in present:
        value = row[name]
        parse = parsers.get(name)
        values.append(parse(value) if parse is not None and value is not None else value)
    return model.from_db(db, present, values)


@functools.cache
def _reading(model) -> tuple[list[str], dict]:
    fields = model._meta.concrete_fields
    parsers = {
        field.attname: (Decimal if isinstance(field, models.DecimalField) else field.to_python)
        for field in fields
        if isinstance(field, _PARSED)
    }
    return [field.attname for field in fields], parsers
