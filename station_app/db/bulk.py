"""Bulk inserts at raw ``executemany`` speed.

peewee's ``insert_many`` spends >90 % of its time generating SQL (8–9× raw, BASELINES.md).
Here peewee builds the INSERT once; the rows go through the DB-API cursor's ``executemany``
in chunks inside transactions, so a million rows never sit in one WAL.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import peewee as pw


def insert_sql(model: type[pw.Model], fields: Sequence[pw.Field],
               constants: Mapping[pw.Field, Any] | None = None) -> str:
    """The parameterised INSERT for ``fields`` in this database's dialect; the columns of
    ``constants`` (already-converted db values) take their value written into the statement."""
    # Written out here so the columns are exactly ``fields`` in their order: peewee's insert adds
    # fields that have defaults and reorders a dict row, and the parameters would not line up.
    db = model._meta.database
    open_q, close_q = db.quote[0], db.quote[1]
    table = f"{open_q}{model._meta.table_name}{close_q}"
    fixed = dict(constants or {})
    cols = ", ".join(f"{open_q}{f.column_name}{close_q}" for f in [*fields, *fixed])
    values = [db.param] * len(fields) + [_literal(db, v) for v in fixed.values()]
    return f"INSERT INTO {table} ({cols}) VALUES ({', '.join(values)})"


def _literal(db: pw.Database, value: Any) -> str:
    """A db value as SQL text, quoted by the database's own library (SQLite's ``quote()``,
    psycopg2's ``mogrify``), with ``%`` doubled where ``%s`` marks the parameters. Only what a shared
    column holds: NULL, a truth value, a finite number, text without NUL."""
    ok = value is None or isinstance(value, bool | int) or (isinstance(value, float) and math.isfinite(value)) \
        or (isinstance(value, str) and "\x00" not in value)
    if not ok:
        raise TypeError(f"not a constant for a bulk insert: {value!r}")
    if isinstance(getattr(db, "obj", db), pw.PostgresqlDatabase):  # the models' database is a proxy
        quoted = db.cursor().mogrify("%s", (value,))  # psycopg2, in the connection's encoding
        return cast(str, quoted.decode()).replace("%", "%%")
    return cast(str, db.execute_sql("SELECT quote(?)", (value,)).fetchone()[0])


def bulk_insert(model: type[pw.Model], fields: Sequence[pw.Field], rows: Iterable[Sequence[Any]],
                chunk: int = 50_000, constants: Mapping[pw.Field, Any] | None = None) -> int:
    """Insert ``rows`` (tuples of already-converted db values, in ``fields`` order). Outside a
    transaction each chunk commits on its own; inside the caller's transaction the rows simply join
    it (a savepoint a chunk would copy every page the chunk touches into SQLite's statement
    journal first: a large cost when the indexes are big and the keys random, as at a county).
    ``constants``: columns every row shares (already-converted db values), written once into the
    statement rather than bound on every row (each bound value costs the driver a conversion)."""
    db = model._meta.database
    sql = insert_sql(model, fields, constants)
    if db.in_transaction():
        rows = rows if isinstance(rows, list) else list(rows)
        if rows:
            db.cursor().executemany(sql, rows)
        return len(rows)
    total = 0
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            with db.atomic():
                db.cursor().executemany(sql, batch)
            total += len(batch)
            batch = []
    if batch:
        with db.atomic():
            db.cursor().executemany(sql, batch)
        total += len(batch)
    return total


def insert_row(model: type[pw.Model], **values: Any) -> int:
    """Insert one row like ``Model.create`` (field defaults applied, values converted) but with the
    INSERT built once per model and database and kept: peewee spends most of a single-row create
    generating SQL, which the clerk's save button pays on every record. Returns the new id."""
    from station_app.db.connection import db_cache, is_sqlite

    db = model._meta.database
    fields = [f for f in model._meta.sorted_fields if not isinstance(f, pw.AutoField)]
    key = ("insert_row", model)
    cache = db_cache()
    sql: str | None = cache.get(key)
    if sql is None:
        sql = insert_sql(model, fields)
        if not is_sqlite():
            pk = cast(pw.Field, model._meta.primary_key)  # every model here has an id primary key
            sql += f" RETURNING {db.quote[0]}{pk.column_name}{db.quote[1]}"
        cache[key] = sql
    params = []
    for f in fields:
        if f.name in values:
            value = values[f.name]
        elif f.default is not None:
            value = f.default() if callable(f.default) else f.default
        else:
            value = None
        params.append(f.db_value(value))
    cur = db.execute_sql(sql, params)
    return int(cur.lastrowid if is_sqlite() else cur.fetchone()[0])
