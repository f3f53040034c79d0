"""The audit chain's storage side (domain/audit_chain.py says what the hash covers): the newest
link taken under the writers' lock, and every entry streamed in (seq, id) order for the check.

Engine-specific, here and nowhere else: SQLite lets one writer at a time into the file (the change
an entry records is written first, so its transaction already holds the write lock when the newest
link is read); PostgreSQL serves many writers at once, so :func:`lock_chain` takes a transaction-
scoped advisory lock that queues them until each one commits. On both, the unique ``seq`` index
turns any race that slipped through into a refused insert, never a forked chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from station_app.db.connection import database, is_sqlite
from station_app.domain.audit_chain import COLUMNS, GENESIS, ChainLink

# pg_advisory_xact_lock key: "STAUDIT1" read as a 64-bit number
CHAIN_LOCK_KEY = int.from_bytes(b"STAUDIT1", "big")
BATCH = 2000


def writing() -> Any:
    """The transaction an entry is written in: a savepoint inside the caller's transaction (the
    change and its entry commit together); outside any, its own — on SQLite ``IMMEDIATE``, so the
    newest link is read under the write lock."""
    if is_sqlite() and not database.in_transaction():
        return database.atomic("IMMEDIATE")
    return database.atomic()


def lock_chain() -> None:
    """Hold the chain for this transaction (PostgreSQL; a no-op on SQLite). Call inside one."""
    if not is_sqlite():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK_KEY,))


def newest_link() -> tuple[int, str]:
    """(seq, hash) of the newest entry, or (0, GENESIS) for an empty log."""
    row = database.execute_sql(
        "SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1] or "")) if row else (0, GENESIS)


_COLS = ", ".join(f'"{c}"' for c in COLUMNS)


def _link(row: tuple[Any, ...]) -> ChainLink:
    return ChainLink(int(row[0]), None if row[1] is None else int(row[1]), row[2], row[3],
                     dict(zip(COLUMNS, row[4:], strict=True)))


def stream_links(batch: int = BATCH) -> Iterator[ChainLink]:
    """Every entry as stored, in (seq, id) order — first any without a seq (by id) — fetched
    ``batch`` rows at a time by keyset, so memory stays flat on both engines."""
    p = database.param
    head = f"SELECT id, seq, prev_hash, hash, {_COLS} FROM audit_log"
    last_id = 0
    while True:
        rows = database.execute_sql(f"{head} WHERE seq IS NULL AND id > {p} ORDER BY id LIMIT {batch}",
                                    (last_id,)).fetchall()
        yield from (_link(r) for r in rows)
        if len(rows) < batch:
            break
        last_id = rows[-1][0]
    rows = database.execute_sql(f"{head} WHERE seq IS NOT NULL ORDER BY seq, id LIMIT {batch}").fetchall()
    while rows:
        yield from (_link(r) for r in rows)
        if len(rows) < batch:
            break
        seq, last_id = rows[-1][1], rows[-1][0]
        rows = database.execute_sql(f"{head} WHERE seq > {p} OR (seq = {p} AND id > {p}) ORDER BY seq, id LIMIT {batch}",
                                    (seq, seq, last_id)).fetchall()
