"""Long work off the GUI thread: one helper on QThreadPool (after picard's ``run_task``).

Workers never touch widgets; the result comes back through a queued signal to the GUI
thread. Each worker uses its own database connection (peewee connections are per thread)
and closes it at the end. Tests set ``SYNCHRONOUS = True`` to run tasks inline.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from station_app.services.session import close_thread_connection

log = logging.getLogger(__name__)
T = TypeVar("T")  # what the work returns, handed to the callback on the GUI thread

SYNCHRONOUS = False


def _keep_traceback(exc: Exception) -> None:
    """Set ``exc.__traceback_text__``: the traceback as text, read where the exception is shown."""
    vars(exc)["__traceback_text__"] = traceback.format_exc()


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
            _keep_traceback(exc)
            self._hand_over(self.relay.failed, exc)
        else:
            self._hand_over(self.relay.finished, result)
        finally:
            close_thread_connection()  # this thread's own connection

    def _hand_over(self, signal, value) -> None:
        """Emit, unless the relay went away with the application while the work ran (the window
        closed during a county computation): nobody is left to show the answer."""
        if not shiboken6.isValid(self.relay):
            return
        try:
            signal.emit(value)
        except RuntimeError:
            log.info("the answer of a task arrived after its receiver was deleted")


_live: set[_Relay] = set()


def run_task(fn: Callable[[], T], on_done: Callable[[T], Any], on_error: Callable[[Exception], Any]) -> None:
    """Run ``fn()`` on the pool; call ``on_done(result)`` or ``on_error(exc)`` on the GUI thread."""
    if SYNCHRONOUS:
        try:
            result = fn()
        except Exception as exc:
            _keep_traceback(exc)
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


class OneAtATime:
    """A page's long computations on the pool, one at a time, each kind (``key``) showing only its
    newest answer.

    A request made while another runs waits; a newer request of the same key replaces the waiting
    one, so changing a period three times starts at most one more computation. One at a time
    because two threads walking millions of rows hand the GIL to each other on every row (a
    convoy: on the 90-station county two computations took many times as long as both in a row).
    ``busy`` (a label saying 正在统计…) shows from the request until the newest answer is shown;
    when it has been deleted with its page, answers are dropped."""

    def __init__(self) -> None:
        self.waiting: dict[str, tuple] = {}
        self.running: dict[str, bool] = {}

    def submit(self, key: str, work: Callable[[], T], show: Callable[[T], Any], busy,
               on_error: Callable[[Exception], Any]) -> None:
        """``work()`` on a worker, then ``show(result)`` (or ``on_error(exc)``) on the GUI thread."""
        self.waiting[key] = (work, show, busy, on_error)
        busy.show()
        if not any(self.running.values()):
            self._start(key)

    def _start(self, key: str) -> None:
        work, show, busy, on_error = self.waiting.pop(key)
        self.running[key] = True

        def finish() -> bool:
            """True when this answer is the newest of its key and the page still exists (a key's
            requests run in order, so an answer with none of its key waiting is the newest)."""
            if not shiboken6.isValid(busy):
                return False
            self.running[key] = False
            newer = key in self.waiting
            if self.waiting:
                self._start(key if newer else next(iter(self.waiting)))
            if newer:
                return False
            busy.hide()
            return True

        def done(result) -> None:
            if finish():
                show(result)

        def fail(exc: Exception) -> None:
            if finish():
                on_error(exc)

        run_task(work, done, fail)
