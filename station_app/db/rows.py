"""Typed views of peewee's row shapes.

peewee's stubs type ``query.tuples()`` as yielding model instances (it returns the same query
object); these helpers say what it really yields, so that mypy checks the code that unpacks rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import peewee as pw

from station_app.db.connection import database


def tuples(query: pw.BaseQuery) -> Iterable[tuple[Any, ...]]:
    """``query.tuples()``: the rows of ``query`` as plain tuples, in its column order."""
    return cast("Iterable[tuple[Any, ...]]", query.tuples())


def objects(query: pw.BaseQuery) -> Iterable[Any]:
    """``query.objects()``: rows carrying the selected columns of every joined model as attributes."""
    return cast("Iterable[Any]", query.objects())


def raw_tuples(query: pw.BaseQuery) -> list[tuple[Any, ...]]:
    """The rows of ``query`` as the driver returns them: peewee builds the SQL for the connected
    engine, but no row goes through a model or a field's converter (for lists of many rows)."""
    sql, params = query.sql()
    return list(database.execute_sql(sql, params).fetchall())


def raw_rows(query: pw.BaseQuery) -> Iterable[tuple[Any, ...]]:
    """:func:`raw_tuples` one row at a time from the cursor, not all held at once (a year's facts
    at 100k receptions are a quarter of a million rows). Read it to the end before the next query."""
    sql, params = query.sql()
    return cast("Iterable[tuple[Any, ...]]", database.execute_sql(sql, params))


def joined(query: pw.BaseQuery) -> Iterable[Any]:
    """The model rows of a query whose join attaches other models' rows (``row.deputy``), which
    peewee's stubs cannot see."""
    return cast("Iterable[Any]", query)


__all__ = ["joined", "objects", "tuples"]
