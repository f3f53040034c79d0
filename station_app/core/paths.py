"""The one place that decides where data lives.

Order of precedence for the database:

1. an explicit ``--db`` argument (path or URL);
2. the ``STATION_APP_DB`` environment variable;
3. portable mode — a file named ``portable.txt`` beside the executable (or beside
   ``main.py`` in a source checkout), or ``STATION_APP_PORTABLE=1``: data in ``data/`` there;
4. the platformdirs user data dir (``station.db`` inside it).

``STATION_APP_DATA_DIR`` replaces the data dir as a whole (tests inject a temp dir this way).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from station_app import APP_NAME

DB_FILENAME = "station.db"
PORTABLE_MARKER = "portable.txt"


def program_dir() -> Path:
    """The folder of the executable (frozen) or of the source checkout."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parents[2]  # station_app/core/paths.py → the checkout


def is_portable() -> bool:
    if os.environ.get("STATION_APP_PORTABLE", "").strip() in ("1", "true", "yes"):
        return True
    return (program_dir() / PORTABLE_MARKER).is_file()


def data_dir() -> Path:
    override = os.environ.get("STATION_APP_DATA_DIR")
    if override:
        path = Path(override)
    elif is_portable():
        path = program_dir() / "data"
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database() -> str:
    """The database to open when no ``--db`` is given."""
    env = os.environ.get("STATION_APP_DB")
    if env:
        return env
    return str(data_dir() / DB_FILENAME)


def sqlite_file_of(url_or_path: str) -> Path | None:
    """The SQLite file behind a path or ``sqlite:///`` URL; ``None`` for a server URL."""
    if url_or_path.startswith("sqlite:///"):
        return Path(url_or_path[len("sqlite:///"):])
    if "://" in url_or_path:
        return None
    return Path(url_or_path)


def attachments_dir(url_or_path: str) -> Path:
    """Deputy photos and other attachments: beside the SQLite file, else in the data dir."""
    file = sqlite_file_of(url_or_path)
    base = file.resolve().parent if file is not None else data_dir()
    path = base / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def backups_dir(url_or_path: str) -> Path:
    file = sqlite_file_of(url_or_path)
    base = file.resolve().parent if file is not None else data_dir()
    path = base / "backups"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only medium: the page still lists; a write there says why (fileio)
        pass
    return path


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path
