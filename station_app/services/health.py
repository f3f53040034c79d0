"""Is a SQLite database file whole? Findings in Chinese, read straight from the file.

Used before the database is opened (the GUI's start, ``station-app check``), so a truncated file, a
damaged header or damaged pages are told in plain words instead of an SQLite error or a traceback.
``quick_check`` at start (fast), ``integrity_check`` afterwards in the background and in ``check``.
The reading itself is db/'s (db/maintenance.py); this is the services' name for it.
"""

from __future__ import annotations

from pathlib import Path

from station_app.db.maintenance import HEADER, _header_findings, reason
from station_app.db.maintenance import findings as _file_findings
from station_app.db.maintenance import pages_readable as _pages_readable

__all__ = ["HEADER", "findings", "header_findings", "pages_readable", "reason", "_header_findings"]


def findings(file: str | Path, full: bool = False, key: bytes | None = None, live: bool | None = None,
             pages: bool = True) -> list[str]:
    """What is wrong with the database file (db/maintenance.findings); an encrypted file is read
    with ``key``, by default the key it was opened with in this process (before the login: its
    size only)."""
    # peewee comes with db/connection.py: not before the start's window (header_findings)
    from station_app.db.connection import is_open_here, remembered_key

    if live is None:  # the open database is read only through its own SQLite library (is_open_here)
        live = is_open_here(file)
    return _file_findings(file, full, key if key is not None else remembered_key(str(file)), live=live, pages=pages)


def header_findings(file: str | Path) -> list[str]:
    """The start's check before its window paints: the header and the size only (a few bytes,
    whatever the size), without importing peewee when this process has not opened a database yet
    (nothing can be open then; otherwise :func:`findings` asks whether this file is)."""
    import sys

    if "station_app.db.connection" in sys.modules:
        return findings(file, pages=False)
    return _file_findings(file, False, None, live=False, pages=False)


def pages_readable(file: str | Path) -> bool:
    """Does :func:`findings` read the file's pages here, or only its size (an encrypted file whose
    key this process does not hold yet)?"""
    from station_app.db.connection import is_open_here, remembered_key

    return _pages_readable(file, remembered_key(str(file)), live=is_open_here(file))
