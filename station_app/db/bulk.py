"""Bulk inserts at raw ``executemany`` speed.

peewee's ``insert_many`` spends >90 % of its time generating SQL (8–9× raw, BASELINES.md).
Here peewee builds the INSERT once; the rows go through the DB-API cursor's ``executemany``
in chunks inside transactions, so a million rows never sit in one WAL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import peewee as pw


def insert_sql(model: type[pw.Model], fields: Sequence[pw.Field]) -> str:
    """The parameterised INSERT for ``fields`` in this database's dialect."""
    placeholder_row = {f: None for f in fields}
    sql, _params = model.insert(placeholder_row).returning().sql()
    return sql


def bulk_insert(model: type[pw.Model], fields: Sequence[pw.Field], rows: Iterable[Sequence],
                chunk: int = 50_000) -> int:
    """Insert ``rows`` (tuples of already-converted db values, in ``fields`` order)."""
    db = model._meta.database
    sql = insert_sql(model, fields)
    total = 0
    batch: list[Sequence] = []
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
