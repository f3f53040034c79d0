"""A short list the clerk ticks (which deputies to print): keys, texts and check boxes.

For lists of tens to a few hundred entries that are loaded whole (a station's active
deputies); long lists page from SQL through :mod:`station_app.ui.models.paged` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

KEY_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class CheckItem:
    key: str
    text: str
    tooltip: str = ""


class CheckListModel(QAbstractListModel):
    """Items with a check box each; the ticks survive a reload for the keys still there.

    Signals:
        checks_changed(): an item was ticked or unticked (by the user or in code)
    """

    checks_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items: list[CheckItem] = []
        self._checked: set[str] = set()

    # -- Qt model API ---------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.text
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if item.key in self._checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.tooltip or None
        if role == KEY_ROLE:
            return item.key
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemNeverHasChildren)

    def setData(self, index: QModelIndex | QPersistentModelIndex, value,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or not 0 <= index.row() < len(self._items):
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked if isinstance(value, int | Qt.CheckState) else bool(value)
        key = self._items[index.row()].key
        if checked == (key in self._checked):
            return True
        if checked:
            self._checked.add(key)
        else:
            self._checked.discard(key)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checks_changed.emit()
        return True

    # -- our API ----------------------------------------------------------------------------------
    def set_items(self, items: Sequence[CheckItem]) -> None:
        """Replace the list; ticks are kept for keys that are still in it."""
        self.beginResetModel()
        self._items = list(items)
        before = set(self._checked)
        self._checked &= {i.key for i in self._items}
        self.endResetModel()
        if self._checked != before:
            self.checks_changed.emit()

    def keys(self) -> list[str]:
        return [i.key for i in self._items]

    def checked_keys(self) -> tuple[str, ...]:
        """The ticked keys, in list order."""
        return tuple(i.key for i in self._items if i.key in self._checked)

    def set_checked(self, keys: Iterable[str], checked: bool = True) -> None:
        keys = set(keys) & set(self.keys())
        changed = keys - self._checked if checked else keys & self._checked
        if not changed:
            return
        if checked:
            self._checked |= changed
        else:
            self._checked -= changed
        if self._items:
            self.dataChanged.emit(self.index(0), self.index(len(self._items) - 1), [Qt.ItemDataRole.CheckStateRole])
        self.checks_changed.emit()

    def set_all(self, checked: bool) -> None:
        self.set_checked(self.keys(), checked)
