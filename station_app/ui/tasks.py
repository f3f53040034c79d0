"""Long work off the GUI thread: one helper on QThreadPool (after picard's ``run_task``).

Workers never touch widgets; the result comes back through a queued signal to the GUI
thread. Each worker uses its own database connection (peewee connections are per thread)
and closes it at the end. Tests set ``SYNCHRONOUS = True`` to run tasks inline.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from station_app.db.connection import database

log = logging.getLogger(__name__)

SYNCHRONOUS = False


class _Relay(QObject):
    """Signals:
        finished(object): the function's return value
        failed(object): the exception, with ``__traceback_text__`` set
    """

    finished = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable, relay: _Relay):
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # handed to the GUI thread, never swallowed
            exc.__traceback_text__ = traceback.format_exc()
            self.relay.failed.emit(exc)
        else:
            self.relay.finished.emit(result)
        finally:
            obj = database.obj
            if obj is not None and not obj.is_closed():
                obj.close()  # this thread's own connection


_live: set[_Relay] = set()


def run_task(fn: Callable, on_done: Callable[[object], None], on_error: Callable[[Exception], None]) -> None:
    """Run ``fn()`` on the pool; call ``on_done(result)`` or ``on_error(exc)`` on the GUI thread."""
    if SYNCHRONOUS:
        try:
            result = fn()
        except Exception as exc:
            exc.__traceback_text__ = traceback.format_exc()
            on_error(exc)
        else:
            on_done(result)
        return
    relay = _Relay()
    _live.add(relay)

    def done(result):
        _live.discard(relay)
        on_done(result)

    def fail(exc):
        _live.discard(relay)
        on_error(exc)

    relay.finished.connect(done)
    relay.failed.connect(fail)
    QThreadPool.globalInstance().start(_Task(fn, relay))
