"""The station in view, as the pages hold it.

The main window decides it at the top (its station selector, or the home station of a station
database) and hands it to every page: :meth:`StationViewMixin.follow` gives the page the window's
``current_view`` to ask, :meth:`StationViewMixin.set_view` fixes one (a page on its own, in a
test). A page passes ``self.view_code`` to every service it reads from, and asks
:attr:`writable` before it offers a change. A page never looks the home station up itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from station_app.domain.records import StationView

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    _PageBase = QWidget  # the mixin's self and super() are the page's QWidget
else:
    _PageBase = object


class StationViewMixin(_PageBase):
    """For a page (a QWidget) that shows one station's data, or the whole county's."""

    if TYPE_CHECKING:
        def refresh(self) -> None: ...  # every page has its own

    _view: StationView | None = None
    _view_source: Callable[[], StationView | None] | None = None
    _view_stale = False
    refreshes_on_show = False  # True: the page refreshes in its own showEvent anyway

    def follow(self, source: Callable[[], StationView | None]) -> None:
        """Show whatever ``source`` says is in view (the main window's ``current_view``)."""
        self._view_source = source

    def set_view(self, view: StationView | None) -> None:
        """Show ``view`` from now on, whatever the window shows (None: nothing to show yet)."""
        self._view_source = None
        self._view = view
        self.on_view_changed()

    @property
    def view(self) -> StationView | None:
        if self._view_source is not None:
            return self._view_source()
        return self._view

    def on_view_changed(self) -> None:
        """The station in view changed: a page on screen refreshes now, a hidden one when it is
        next shown (a county start must not compute every page's figures before the first paint)."""
        if self.isVisible():
            self._view_stale = False
            self.refresh()
        else:
            self._view_stale = True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._view_stale:
            self._view_stale = False
            if not self.refreshes_on_show:
                self.refresh()

    @property
    def view_code(self) -> str | None:
        """The station code to pass to the services; None for 全县 (every station)."""
        view = self.view
        return None if view is None else view.code

    @property
    def has_view(self) -> bool:
        return self.view is not None

    @property
    def county_view(self) -> bool:
        """True when 全县 is in view (the sum of every station)."""
        view = self.view
        return view is not None and view.code is None

    @property
    def writable(self) -> bool:
        """True when the records in view may be changed here (the home station's own)."""
        view = self.view
        return view is not None and view.writable

    def read_only_reason(self) -> str:
        view = self.view
        if view is None:
            return "请先填写站点信息（设置 → 站点信息）"
        return view.read_only_reason


class StationViewHost(Protocol):
    """What a page's tab mixins use of :class:`StationViewMixin` (for type checking: each tabbed
    page's host protocol in its ``common.py`` extends this one)."""

    @property
    def view_code(self) -> str | None: ...

    @property
    def has_view(self) -> bool: ...

    @property
    def county_view(self) -> bool: ...

    @property
    def writable(self) -> bool: ...

    def read_only_reason(self) -> str: ...
