"""What the data check asks the connected database about itself, on either engine.

services/check.py used to send these statements itself (``PRAGMA integrity_check``…); engine-specific
SQL lives in db/ (tests/unit/test_architecture.py keeps it out of services/). Each function gives the
SQLite answer and the PostgreSQL one side by side.
"""

from __future__ import annotations

import peewee as pw

from station_app.db.connection import database, is_sqlite


def _db(db: pw.Database | None) -> pw.Database:
    return db if db is not None else database.obj


def integrity_problems(db: pw.Database | None = None) -> list[str]:
    """The database's own damage reports (empty when whole).

    SQLite: what ``PRAGMA integrity_check`` says other than ``ok``. PostgreSQL: none to ask for here;
    the server checks its pages itself (checksums, its own logs), so the answer is empty."""
    db = _db(db)
    if is_sqlite(db):
        lines = [str(r[0]) for r in db.execute_sql("PRAGMA integrity_check").fetchall()]
        return [] if lines == ["ok"] else lines
    return []


def dangling_references(db: pw.Database | None = None) -> int:
    """How many rows refer to a row that is not there (broken foreign keys).

    SQLite: the rows ``PRAGMA foreign_key_check`` lists (SQLite lets them in when foreign keys were
    off). PostgreSQL: 0, since the server refuses such a row when it is written."""
    db = _db(db)
    if is_sqlite(db):
        return sum(1 for _ in db.execute_sql("PRAGMA foreign_key_check"))  # counted, not held: flat memory
    return 0


def keyword_index_rows(table: str, db: pw.Database | None = None) -> int | None:
    """The rows of the keyword index ``table`` (db/search.py's ``reception_fts``, ``case_fts``).

    SQLite: ``count(*)`` of the FTS table. PostgreSQL: None, since it searches the records
    themselves and keeps no index table of its own to count."""
    db = _db(db)
    if table not in ("reception_fts", "case_fts"):
        raise ValueError(f"not a keyword index: {table!r}")
    if is_sqlite(db):
        return int(db.execute_sql(f"SELECT count(*) FROM {table}").fetchone()[0])
    return None
