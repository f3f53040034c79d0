"""Is a SQLite database file whole? Findings in Chinese, read straight from the file.

Used before the database is opened (the GUI's start, ``station-app check``), so a truncated file, a
damaged header or damaged pages are told in plain words instead of an SQLite error or a traceback.
``quick_check`` at start (fast), ``integrity_check`` afterwards in the background and in ``check``.
The reading itself is db/'s (db/maintenance.py); this is the services' name for it.
"""

from __future__ import annotations

from station_app.db.maintenance import HEADER, _header_findings, findings, reason

__all__ = ["HEADER", "findings", "reason", "_header_findings"]
