"""Statements built by peewee once and sent again with new values.

Building a statement's text is pure Python work proportional to its size (a list page's SELECT with
fourteen columns and a counted subquery takes longer to build than SQLite takes to answer it at any
depth). A statement whose shape repeats — the same text, only the values change — is built once
per shape and engine and kept here with the order of its values, checked when it is built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import peewee as pw

from station_app.db.connection import database

_TEXT: dict[tuple[Any, ...], str] = {}
MAX_KEPT = 512


def rows(shape: tuple[Any, ...], params: Sequence[Any], build: Callable[[], pw.BaseQuery]) -> list[tuple[Any, ...]]:
    """The rows (as the driver returns them) of the statement ``build()`` makes, whose values are
    ``params`` in the statement's order for every call of the same ``shape``. The text is kept
    only when the built statement's values are exactly ``params``, all different (so their order is
    proven); otherwise it is sent as built."""
    key = (type(database.obj).__name__, database.param, shape)
    text = _TEXT.get(key)
    if text is None:
        text, built = build().sql()
        if list(built) != list(params) or len({repr(v) for v in params}) < len(params):  # order unproven
            return list(database.execute_sql(text, built).fetchall())
        if len(_TEXT) >= MAX_KEPT:  # shapes that vary (an IN list's length): never more than this
            _TEXT.clear()
        _TEXT[key] = text
    return list(database.execute_sql(text, list(params)).fetchall())
