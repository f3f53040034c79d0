"""A table model that pages from SQL through a service function (keyset paging).

The service returns frozen dataclasses (``Page``); ``data()`` only reads them — it never
runs a query. Rows come in pages of 256 through canFetchMore/fetchMore, as in Qt's
``fetchmore`` example, so memory stays flat whatever the table's size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from station_app.domain.records import Page
from station_app.ui.models.readonly import ALIGN, CENTER, DISPLAY, FOREGROUND, HORIZONTAL, TOOLTIP, USER


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    centered: bool = False


class PagedTableModel(QAbstractTableModel):
    """Rows from ``fetch(after_key, limit) -> Page``; ``UserRole`` gives the row's record."""

    PAGE = 256

    def __init__(self, columns: list[Column], fetch: Callable[[tuple | None, int], Page], parent=None):
        super().__init__(parent)
        self._columns = columns
        self._fetch = fetch
        self._rows: list = []
        self._next: tuple | None = None
        self._more = True
        self._foreground: Callable[[Any], Any] | None = None

    # -- paging ------------------------------------------------------------------------
    def set_fetch(self, fetch: Callable[[tuple | None, int], Page]) -> None:
        """New filter: start over from the first page."""
        self.beginResetModel()
        self._fetch = fetch
        self._rows = []
        self._next = None
        self._more = True
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def set_first_page(self, fetch: Callable[[tuple | None, int], Page], first: Page) -> None:
        """New filter whose first page (``fetch(None, PAGE)``) was read already, on a worker: show
        it without a query on the GUI thread; later pages come through fetchMore as usual."""
        self.beginResetModel()
        self._fetch = fetch
        self._rows = list(first.rows)
        self._next = first.next_key
        self._more = first.next_key is not None
        self.endResetModel()

    def reload(self) -> None:
        self.set_fetch(self._fetch)

    def columns(self) -> list[Column]:
        return list(self._columns)

    def fetch_function(self) -> Callable[[tuple | None, int], Page]:
        """The service call behind the rows shown (the current filter): 导出Excel pages it again."""
        return self._fetch

    def set_foreground(self, fn: Callable[[Any], Any]) -> None:
        self._foreground = fn

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or not self._more:
            return
        page = self._fetch(self._next, self.PAGE)
        self._more = page.next_key is not None
        self._next = page.next_key
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()

    # -- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role in (DISPLAY, TOOLTIP):
            return self._columns[index.column()].text(row)
        if role == ALIGN:
            return CENTER if self._columns[index.column()].centered else None
        if role == USER:
            return row
        if role == FOREGROUND and self._foreground is not None:
            return self._foreground(row)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role == DISPLAY and orientation == HORIZONTAL and 0 <= section < len(self._columns):
            return self._columns[section].title
        return None

    def record(self, row: int):
        return self._rows[row]

    def row_of(self, predicate: Callable[[Any], bool]) -> int:
        for i, rec in enumerate(self._rows):
            if predicate(rec):
                return i
        return -1
