"""Queries whose only variable is one id, compiled once per process.

On the staff pages, Django compiling a small query's SQL (its columns, joins and lookups) cost
more than PostgreSQL running it. A query built here is compiled the first time with a
stand-in id; after that only the id changes. Values still pass through the ORM's converters
(dates, JSON, booleans read the same on every database).

Rule for callers: ``build(key)`` must depend on the key alone (no clock, no user, no setting
read per request): anything else would be frozen at the first call. Only SQL text is kept,
never rows. Measured (in process, 100,000 cases, 2026-11-26): the case page's timeline queries
3.1 ms -> 1.1 ms; the case page 2.45x -> 1.32x the bare-list floor (`bench/staff_bench.py`,
bench/RESULTS.md "Follow-up 3").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet

#: (name, database alias) -> (compiler, SQL, parameters)
_COMPILED: dict[tuple[str, str], tuple[Any, str, tuple[Any, ...]]] = {}
STAND_IN = -2_000_000_017  # stands for the id while a query is compiled
TEXT_STAND_IN = "\x1ffixed-queries-stand-in\x1f"  # stands for a text key


def rows(
    name: str, build: Callable[[Any], QuerySet[Any]], key: int | str | None
) -> list[tuple[Any, ...]]:
    """The rows of ``build(key)``: a ``values_list`` query whose only variable is ``key`` (once
    or more; an id, or a text such as a reference), one name per shape of query; ``None`` for
    a query with no variable at all."""
    stand_in: int | str | None = (
        None if key is None else TEXT_STAND_IN if isinstance(key, str) else STAND_IN
    )
    cache_key = (name, connection.alias)
    found = _COMPILED.get(cache_key)
    if found is None:
        compiler = build(stand_in).query.get_compiler(connection.alias)
        sql, params = compiler.as_sql()
        if stand_in is not None and stand_in not in params:  # the key must be its variable
            raise ValueError(f"{name}: the query does not use its key")
        found = _COMPILED[cache_key] = (compiler, sql, tuple(params))
    compiler, sql, params = found
    with connection.cursor() as cursor:
        cursor.execute(sql, [key if p == stand_in else p for p in params])
        fetched = cursor.fetchall()
    return list(compiler.results_iter(results=[fetched], tuple_expected=True))


def columns(model: Any, names: set[str] | None = None) -> tuple[str, ...]:
    """A model's column names (``attname``) in its column order, as ``Model.from_db`` takes
    them: all of them, or those in ``names``."""
    return tuple(
        f.attname for f in model._meta.concrete_fields if names is None or f.attname in names
    )


def instances(row: Sequence[Any], *groups: tuple[Any, Sequence[str]]) -> list[Any]:
    """The model instances one joined row holds: one per ``(model, columns)``, in the row's
    column order, each group starting with its id; ``None`` for a joined row that is missing
    (its id is NULL), as ``select_related`` reads it. Columns after the groups are left."""
    found, start = [], 0
    for model, names in groups:
        values = row[start : start + len(names)]
        start += len(names)
        found.append(
            model.from_db(connection.alias, names, values) if values[0] is not None else None
        )
    return found
