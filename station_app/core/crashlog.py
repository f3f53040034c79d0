"""The crash log: a bug's traceback appended to ``<data dir>/logs/errors.log``.

The command line (a command that failed with a bug) and the GUI (an unhandled exception) write
the same file the same way. Writing it never raises: a log that cannot be written must not hide
the bug being logged.
"""

from __future__ import annotations

import datetime as dt

from station_app.core.fileio import open_private
from station_app.core.paths import log_dir

LOG_NAME = "errors.log"


def write_crash_log(text: str) -> None:
    """Append ``text`` (a traceback) with the time to the data dir's ``logs/errors.log``."""
    try:
        with open_private(log_dir() / LOG_NAME, "a", encoding="utf-8") as handle:  # 0600: it may hold data
            handle.write(f"--- {dt.datetime.now().isoformat()} ---\n{text}\n")
    except OSError:
        pass
