"""Chinese keyword search: THE one SQLite-specific place, with the PostgreSQL path beside it.

Most Chinese keywords are two characters (土地, 光伏, 低保). FTS5 ``trigram`` silently finds
nothing for them and ``unicode61`` on raw text treats a run of Chinese as one token
(BASELINES.md). So the text of each row goes into a contentless FTS5 table split into single
characters, with one separator token (:data:`SEP`, a private-use character, which unicode61 keeps
as a token) wherever the text has spaces or punctuation — ``"张三 土地，流转"`` is indexed as
``张 三 SEP 土 地 SEP 流 转`` — and a term becomes a phrase query (``"土 地"``). A phrase can
then neither cross a field boundary nor punctuation: for a term of letters and digits the index
is *exact* (:func:`exact`), so counts and pages need no ``LIKE`` afterwards. A term holding
punctuation is narrowed by the index and confirmed with ``LIKE``.

The reception index's rowid is the reception's ``sort_key`` (the list order), so
``MATCH … AND rowid < ? ORDER BY rowid DESC LIMIT n`` reads the newest hits first, for any term
frequency, without sorting the hits (:func:`newest_rowids`).

On PostgreSQL (the county server) there is no index here: ``ILIKE`` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import peewee as pw

from station_app.db.connection import database

SEP = "\ue000"
_NON_WORD = re.compile(r"[\W_]+")


def is_sqlite() -> bool:
    return isinstance(database.obj, pw.SqliteDatabase)


def split_chars(text: str) -> str:
    """``'张三 138'`` → ``'张 三 SEP 1 3 8'``: every letter or digit a token, one :data:`SEP` for
    each run of spaces or punctuation."""
    return " ".join(_NON_WORD.sub(SEP, text or ""))


def terms(query: str) -> list[str]:
    """The words of a search box entry (space separates words; all must match)."""
    return [t for t in (query or "").split() if t][:5]


def _plain(ch: str) -> bool:
    """A character the index and LIKE compare alike: a letter or digit, ASCII or uncased (汉字)."""
    return ch.isalnum() and (ch.isascii() or ch.lower() == ch.upper())


def exact(query: str) -> bool:
    """True when the index alone answers ``query`` exactly (every word plain letters and digits)."""
    words = terms(query)
    return bool(words) and all(_plain(ch) for w in words for ch in w)


def match_expression(query: str) -> str:
    """FTS5 query: each word a phrase of its characters (punctuation inside a word becomes the
    separator token), all words required. For a word that is not :func:`exact` this finds a
    superset, which ``LIKE`` then confirms."""
    phrases = []
    for word in terms(query):
        tokens = [t for t in split_chars(word).split(" ") if t]
        while tokens and tokens[0] == SEP:
            tokens.pop(0)
        while tokens and tokens[-1] == SEP:
            tokens.pop()
        if tokens:
            phrases.append('"' + " ".join(tokens) + '"')
    return " AND ".join(phrases)


def usable(query: str) -> bool:
    """The index can narrow this query (SQLite, and the query has a letter or digit)."""
    return is_sqlite() and bool(match_expression(query))


def index_row(table: str, rowid: int, text: str) -> None:
    if is_sqlite():
        database.execute_sql(f"INSERT INTO {table}(rowid, body) VALUES (?, ?)", (rowid, split_chars(text)))


def unindex_row(table: str, rowid: int, old_text: str) -> None:
    """Remove a row: a contentless table needs the exact text it was indexed with."""
    if is_sqlite():
        database.execute_sql(f"INSERT INTO {table}({table}, rowid, body) VALUES ('delete', ?, ?)",
                             (rowid, split_chars(old_text)))


def bulk_index_sql(table: str) -> str:
    return f"INSERT INTO {table}(rowid, body) VALUES (?, ?)"


def hit_count(table: str, query: str, cap: int | None = None) -> int:
    """How many rows the index offers for ``query`` (counting no further than ``cap``)."""
    expr = match_expression(query)
    if cap is None:
        return int(database.execute_sql(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (expr,)).fetchone()[0])
    cur = database.execute_sql(
        f"SELECT count(*) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?)", (expr, cap))
    return int(cur.fetchone()[0])


def indexed_rows(table: str) -> int:
    """How many rows ``table`` holds, without a scan: FTS5 keeps the total in its averages record
    (the ``{table}_data`` row with id 1: a varint of the row count, then one per column), kept
    up to date by every insert, 'delete' and 'delete-all'."""
    row = database.execute_sql(f"SELECT block FROM {table}_data WHERE id = 1").fetchone()
    n = 0
    block: bytes = row[0] if row else b""
    for i, byte in enumerate(block[:9]):
        if i == 8:
            return (n << 8) | byte
        n = (n << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return n
    return 0


def newest_rowids(table: str, query: str, below: int | None, limit: int) -> list[int]:
    """Up to ``limit`` rowids matching ``query``, highest first, all below ``below`` if given."""
    expr = match_expression(query)
    if below is None:
        cur = database.execute_sql(
            f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?", (expr, limit))
    else:
        cur = database.execute_sql(
            f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?",
            (expr, below, limit))
    return [r[0] for r in cur.fetchall()]


def index_filter(table: str, id_field: pw.Field, query: str) -> pw.Expression:
    """``id IN (rowids the index offers)``; combine with :func:`like_filter` unless :func:`exact`."""
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


def rebuild(table: str, rows: Iterable[tuple[int, str]]) -> int:
    """Empty ``table`` and index ``rows`` of (rowid, text) again."""
    if not is_sqlite():
        return 0
    database.execute_sql(f"INSERT INTO {table}({table}) VALUES ('delete-all')")  # contentless: no DELETE
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
