"""An event-loop stall detector: how long the GUI thread went without turning its event loop,
and whose code held it.

A precise timer beats every few milliseconds on the GUI thread; a watchdog thread notices when a
beat is overdue by more than the threshold and samples the GUI thread's Python stack while it is
still blocked. Each stall is kept with its length and the innermost frames of ``station_app``
found in the samples, so a test can say "首页 blocked the window 340 ms in services/scoring.py".

The UI tests use it (tests/ui/test_stall_guard.py: every page of a benchmark-size database is
visited with the workers really running in the background). With ``STATION_APP_STALL_GUARD=1``
in the environment each stall is also logged as it is seen (for a probe script driving a window).

Only work done inside the event loop is seen: a test drives the window through posted events
(:func:`StallGuard.run_in_loop`), not by calling a page's methods straight from the test.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, QTimer

log = logging.getLogger(__name__)

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # …/station_app


@dataclass
class Stall:
    """One stretch of time the GUI thread did not turn its event loop."""

    ms: float
    samples: list[list[str]] = field(default_factory=list)  # station_app frames, innermost last

    @property
    def ours(self) -> bool:
        """True when our code was on the GUI thread's stack while it was blocked."""
        return any(self.samples)

    def where(self) -> str:
        """The innermost frames of ours seen while blocked, one line each."""
        seen: list[str] = []
        for sample in self.samples:
            for line in sample[-4:]:
                if line not in seen:
                    seen.append(line)
        return "\n    ".join(seen) or "(no station_app frame sampled)"

    def __str__(self) -> str:
        return f"GUI thread blocked {self.ms:.0f} ms in:\n    {self.where()}"


def _our_frames(frame) -> list[str]:
    out = []
    for entry in traceback.extract_stack(frame):
        if entry.filename.startswith(PACKAGE_DIR) and not entry.filename.endswith("stall_guard.py"):
            rel = os.path.relpath(entry.filename, os.path.dirname(PACKAGE_DIR))
            out.append(f"{rel}:{entry.lineno} {entry.name}")
    return out


class StallGuard(QObject):
    """Watches the GUI thread's event loop while started.

    ``threshold_ms``: a gap between beats longer than this is a stall. ``stalls``: what was seen.
    """

    def __init__(self, threshold_ms: float = 100.0, beat_ms: int = 5, parent: QObject | None = None):
        super().__init__(parent)
        self.threshold = threshold_ms / 1000.0
        self.stalls: list[Stall] = []
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(beat_ms)
        self._timer.timeout.connect(self._on_beat)
        self._last = time.monotonic()
        self._samples: list[list[str]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None
        self._gui_ident = threading.get_ident()

    # -- control ---------------------------------------------------------------------------
    def start(self) -> None:
        self.stalls.clear()
        self._gui_ident = threading.get_ident()
        self._last = time.monotonic()
        self._stop.clear()
        self._timer.start()
        self._watchdog = threading.Thread(target=self._watch, name="stall-guard", daemon=True)
        self._watchdog.start()

    def stop(self) -> None:
        self._timer.stop()
        self._stop.set()
        if self._watchdog is not None:
            self._watchdog.join()
            self._watchdog = None

    def ours(self) -> list[Stall]:
        """The stalls during which our code held the GUI thread."""
        return [s for s in self.stalls if s.ours]

    def run_in_loop(self, qtbot, action, timeout_ms: int = 60_000) -> None:
        """Run ``action()`` from the event loop (as a click's handler would run) and wait for it,
        so the guard sees the time it holds the GUI thread."""
        done = threading.Event()
        errors: list[BaseException] = []

        def call():
            try:
                action()
            except BaseException as exc:  # re-raised in the test below
                errors.append(exc)
            finally:
                done.set()

        QTimer.singleShot(0, call)
        qtbot.waitUntil(done.is_set, timeout=timeout_ms)
        if errors:
            raise errors[0]

    # -- the two sides ---------------------------------------------------------------------
    def _on_beat(self) -> None:
        now = time.monotonic()
        gap = now - self._last
        self._last = now
        with self._lock:
            samples, self._samples = self._samples, []
        if gap > self.threshold:
            stall = Stall(gap * 1000.0, samples)
            self.stalls.append(stall)
            if os.environ.get("STATION_APP_STALL_GUARD") == "1":
                log.warning("%s", stall)

    def _watch(self) -> None:
        period = min(self.threshold / 4, 0.02)
        while not self._stop.wait(period):
            if time.monotonic() - self._last <= self.threshold:
                continue
            frame = sys._current_frames().get(self._gui_ident)
            if frame is None:
                continue
            sample = _our_frames(frame)
            del frame
            with self._lock:
                if len(self._samples) < 50:
                    self._samples.append(sample)
