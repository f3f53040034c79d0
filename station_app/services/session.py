"""The open database as the GUI sees it: open, close, close this thread's connection, the URL,
and the lock file that keeps one GUI per database (who holds it).

The GUI (ui/) imports services only, never db/: this module is its door to the connection that
db/connection.py owns. No Qt here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from station_app.db.instance import Holder, lock_path

if TYPE_CHECKING:
    import peewee as pw

# db/connection.py (and with it peewee) is imported on first use: the GUI's start asks this module
# who holds the lock before its window paints (ui/startup.py, issue 21)

__all__ = ["open_database", "close_database", "close_thread_connection", "current_url", "forget_key", "Holder",
           "lock_path"]


def open_database(url_or_path: str, migrate: bool = True, backup: bool = True,
                  key: bytes | None = None) -> pw.Database:
    """Open the database (a SQLite path or URL, or ``postgresql://…``), migrating it after a backup
    (:func:`station_app.db.connection.open_database`). ``key`` opens an encrypted SQLite file (the
    login unwraps it: db/keyslots.unlock); it is remembered for this file in this process."""
    from station_app.db import connection

    return connection.open_database(url_or_path, migrate=migrate, backup=backup, key=key)


def forget_key(url_or_path: str = "") -> None:
    """Forget the remembered key of ``url_or_path`` (every file's when empty): log-out, lock."""
    from station_app.db import connection

    connection.forget_key(url_or_path)


def close_database() -> None:
    """Close the calling thread's connection to the open database (peewee connections are per
    thread): the GUI before a restore or at exit, a worker when its task is done."""
    from station_app.db import connection

    connection.close_database()


close_thread_connection = close_database


def current_url() -> str:
    """The path or URL of the open database (empty when none is open)."""
    from station_app.db import connection

    return connection.current_url()
