"""Chinese keyword search: THE one SQLite-specific place, with the PostgreSQL path beside it.

Most Chinese keywords are two characters (土地, 光伏, 低保). FTS5 ``trigram`` silently finds
nothing for them and ``unicode61`` on raw text treats a run of Chinese as one token
(BASELINES.md). So the text of each row goes into a contentless FTS5 table split into single
characters (``张 三 土 地 …``) and a term becomes a phrase query (``"土 地"``): 1-, 2- and
3-character terms are all found.

The index only narrows: every search also applies ``LIKE '%term%'`` to the row's own columns, so
results are exact whichever path is taken (a phrase can match across a field boundary or across
punctuation; the LIKE removes those). For the first page, a rare term is answered through the
index (few candidates, then sort) and a common one by walking the time index with LIKE (a page is
found in the first few hundred rows): :func:`use_index` decides by a capped hit count.

On PostgreSQL (the county server) there is no index here: LIKE only.
"""

from __future__ import annotations

import re

import peewee as pw

from station_app.db.connection import database

TABLES = ("reception_fts", "case_fts")
# Above this many hits, walking the newest rows with LIKE finds a page sooner than sorting the hits.
INDEX_CAP = 2000
_DROP = re.compile(r"[\s\"'*^(){}\[\]:+\-]")


def is_sqlite() -> bool:
    return isinstance(database.obj, pw.SqliteDatabase)


def split_chars(text: str) -> str:
    """``'张三 13812341234'`` → ``'张 三 1 3 8 …'``: every non-space character a token."""
    return " ".join(ch for ch in (text or "") if not ch.isspace())


def terms(query: str) -> list[str]:
    """The words of a search box entry (space separates words; all must match)."""
    return [t for t in (query or "").split() if t][:5]


def match_expression(query: str) -> str:
    """FTS5 query: each word a phrase of its characters, all words required."""
    phrases = []
    for word in terms(query):
        chars = [c for c in _DROP.sub("", word)]
        if chars:
            phrases.append('"' + " ".join(chars) + '"')
    return " AND ".join(phrases)


def index_row(table: str, rowid: int, text: str) -> None:
    if is_sqlite():
        database.execute_sql(f"INSERT INTO {table}(rowid, body) VALUES (?, ?)", (rowid, split_chars(text)))


def unindex_row(table: str, rowid: int, old_text: str) -> None:
    """Remove a row: a contentless table needs the text it was indexed with."""
    if is_sqlite():
        database.execute_sql(f"INSERT INTO {table}({table}, rowid, body) VALUES ('delete', ?, ?)",
                             (rowid, split_chars(old_text)))


def bulk_index_sql(table: str) -> str:
    return f"INSERT INTO {table}(rowid, body) VALUES (?, ?)"


def hit_count(table: str, query: str, cap: int = INDEX_CAP) -> int:
    """How many rows the index offers for ``query``, counting no further than ``cap``."""
    expr = match_expression(query)
    if not expr or not is_sqlite():
        return cap
    cur = database.execute_sql(
        f"SELECT count(*) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?)", (expr, cap))
    return cur.fetchone()[0]


def use_index(table: str, query: str) -> bool:
    """True when the term is rare enough that the index answers the first page faster."""
    return is_sqlite() and bool(match_expression(query)) and hit_count(table, query) < INDEX_CAP


def index_filter(table: str, id_field: pw.Field, query: str) -> pw.Expression:
    """``id IN (rowids the index offers)``: only narrows; combine with :func:`like_filter`."""
    sub = pw.SQL(f"(SELECT rowid FROM {table} WHERE {table} MATCH ?)", [match_expression(query)])
    return id_field.in_(sub)


def like_filter(fields: list[pw.Field], query: str) -> pw.Expression | None:
    """Every word of ``query`` in at least one of ``fields`` (LIKE, so ``%``/``_`` are escaped)."""
    expr = None
    param = database.obj.param  # peewee renders ILIKE as LIKE on SQLite (its LIKE op is GLOB there)
    for word in terms(query):
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        any_field = None
        for f in fields:
            cond = pw.Expression(f, pw.OP.ILIKE, pw.SQL(f"{param} ESCAPE '\\'", [pattern]))
            any_field = cond if any_field is None else (any_field | cond)
        expr = any_field if expr is None else (expr & any_field)
    return expr


def rebuild(table: str, rows) -> int:
    """Empty ``table`` and index ``rows`` of (rowid, text) again (``check --repair`` / bulk)."""
    if not is_sqlite():
        return 0
    database.execute_sql(f"DELETE FROM {table}")
    n = 0
    cur = database.cursor()
    batch = []
    for rowid, text in rows:
        batch.append((rowid, split_chars(text)))
        if len(batch) >= 50_000:
            cur.executemany(bulk_index_sql(table), batch)
            n += len(batch)
            batch = []
    if batch:
        cur.executemany(bulk_index_sql(table), batch)
        n += len(batch)
    return n
