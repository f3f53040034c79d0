"""Loading many rows into empty tables (the demo data at scale): engine-specific steps, kept in db/.

SQLite: the secondary indexes of a table that is empty at the start are dropped for the load and
re-created afterwards from their own ``CREATE INDEX`` text (read from ``sqlite_master``), and the
page cache is raised while loading. PostgreSQL, side by side: the indexes stay and the cache is the
server's — both steps do nothing there.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from station_app.db.connection import database, is_sqlite

LOADING_CACHE_KIB = 262144  # 256 MiB while loading (index builds sort)


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while many fresh rows or records are made (a year's
    duty records planned, a package read and merged): its passes over hundreds of thousands of
    new tuples and dicts, none in a cycle, cost a twentieth to a third of such work. Reference
    counting still frees them; the collector's state is given back at the end. Process-wide: the
    GUI's cycle collection waits too, for as long as the work lasts."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class EmptyTableIndexes:
    """Secondary indexes of tables that are empty at the start: dropped for the load, re-created
    from their own ``CREATE INDEX`` text afterwards (same names, same definitions)."""

    def __init__(self, tables: Sequence[str]):
        self.saved: list[tuple[str, str]] = []
        self.tables = tables

    def drop(self) -> None:
        if not is_sqlite():  # PostgreSQL: the indexes stay; its COPY-free inserts are fine with them
            return
        for table in self.tables:
            if database.execute_sql(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is not None:
                continue
            rows = database.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                        "AND sql IS NOT NULL ORDER BY name", (table,)).fetchall()
            with database.atomic():
                for name, sql in rows:
                    database.execute_sql(f'DROP INDEX "{name}"')
                    self.saved.append((name, sql))

    def restore(self, timings: dict[str, float]) -> None:
        with database.atomic():
            for _name, sql in self.saved:
                t0 = time.perf_counter()
                database.execute_sql(sql)
                table = sql.split(" ON ", 1)[1].split("(", 1)[0].strip().strip('"')
                key = f"index.{table}"
                timings[key] = timings.get(key, 0.0) + time.perf_counter() - t0
        self.saved = []


def raise_cache_for_loading(kib: int = LOADING_CACHE_KIB) -> int | None:
    """SQLite: raise the page cache to ``kib`` KiB for a big load; returns the old ``cache_size`` to
    give back to :func:`restore_cache` (``None`` on PostgreSQL: nothing to do)."""
    if not is_sqlite():
        return None
    old = int(database.execute_sql("PRAGMA cache_size").fetchone()[0])
    database.execute_sql(f"PRAGMA cache_size = -{int(kib)}")
    return old


def restore_cache(old: int | None) -> None:
    if old is not None:
        database.execute_sql(f"PRAGMA cache_size = {int(old)}")
