"""Queries whose only variable is one id, compiled once per process.

On the staff pages, Django compiling a small query's SQL (its columns, joins and lookups) cost
more than PostgreSQL running it. A query built here is compiled the first time with a
stand-in id; after that only the id changes. Values still pass through the ORM's converters
(dates, JSON, booleans read the same on every database).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import QuerySet

#: (name, database alias) -> (compiler, SQL, parameters)
_COMPILED: dict[tuple[str, str], tuple[Any, str, tuple[Any, ...]]] = {}
STAND_IN = -2_000_000_017  # stands for the id while a query is compiled


def rows(name: str, build: Callable[[int], QuerySet[Any]], key: int) -> list[tuple[Any, ...]]:
    """The rows of ``build(key)``: a ``values_list`` query whose only variable is ``key`` (once
    or more), one name per shape of query."""
    cache_key = (name, connection.alias)
    found = _COMPILED.get(cache_key)
    if found is None:
        compiler = build(STAND_IN).query.get_compiler(connection.alias)
        sql, params = compiler.as_sql()
        if STAND_IN not in params:  # the id must be the query's variable
            raise ValueError(f"{name}: the query does not use the id")
        found = _COMPILED[cache_key] = (compiler, sql, tuple(params))
    compiler, sql, params = found
    with connection.cursor() as cursor:
        cursor.execute(sql, [key if p == STAND_IN else p for p in params])
        fetched = cursor.fetchall()
    return list(compiler.results_iter(results=[fetched], tuple_expected=True))


def columns(model: Any, names: set[str] | None = None) -> tuple[str, ...]:
    """A model's column names (``attname``) in its column order, as ``Model.from_db`` takes
    them: all of them, or those in ``names``."""
    return tuple(
        f.attname for f in model._meta.concrete_fields if names is None or f.attname in names
    )
