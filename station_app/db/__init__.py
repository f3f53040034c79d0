"""Peewee models, connection and numbered migrations. No Qt here.

``database``, ``open_database`` and ``close_database`` are db/connection.py's, imported on first
use: the GUI's start reads a file's header (db/header.py) and the lock's holder (db/instance.py)
before its window paints, without peewee (issue 21).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from station_app.db.connection import close_database, database, open_database

__all__ = ["database", "open_database", "close_database"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from station_app.db import connection

        return getattr(connection, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
