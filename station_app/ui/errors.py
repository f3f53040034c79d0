"""The one way the GUI reports an error.

A :class:`~station_app.errors.KnownError` (USB removed, disk full, read-only, bad input) is a
message the clerk can act on: it is shown — in a message box, or where the page shows its
messages when ``show`` is given. Anything else is a bug: it is raised again, on to the crash
handler (``ui/app.py``'s excepthook logs it with the traceback and says so), never swallowed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from station_app import APP_TITLE
from station_app.errors import KnownError


# QMessageBox is imported where a box is shown: PySide makes a class on first touch (~1.8 ms for
# this one), and a start paints its window before any box is needed
def report(exc: BaseException, parent: QWidget | None = None, title: str | None = None,
           show: Callable[[str], None] | None = None) -> str:
    """Show a known error's message (``show(message)`` or a warning box titled ``title``) and
    return it; raise anything else again."""
    if not isinstance(exc, KnownError):
        raise exc
    if show is not None:
        show(exc.message)
    else:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(parent, title or APP_TITLE, exc.message)
    return exc.message
