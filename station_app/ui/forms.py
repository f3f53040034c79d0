"""Form helpers: a field with its own error line, so bad input is stopped at the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.ui import style

ERROR_STYLE = style.css(style.RED)
INVALID_STYLE = f"border: 1px solid {style.RED};"
GROWING = (QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding, QSizePolicy.Policy.Ignored)
W = TypeVar("W", bound=QWidget)  # FieldForm.add hands back the field it was given, as its own type


class FieldForm(QObject):
    """A QFormLayout whose fields each carry an error label under them.

    ``show_errors({"phone": "…"})`` shows each message at its field, marks the field and
    focuses the first one; ``clear_errors()`` hides them all.
    """

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.layout = QFormLayout()
        self.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._order: list[str] = []

    def add(self, name: str, label: str, widget: W, focus: QWidget | None = None) -> W:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        if widget.sizePolicy().horizontalPolicy() in GROWING:
            lay.addWidget(widget)
        else:
            # a narrow field (a number, a short list) keeps its width, while the row takes the
            # form's width so that its error line wraps across it instead of being clipped
            lay.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
            box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        err = QLabel()
        err.setObjectName(f"error_{name}")
        err.setStyleSheet(ERROR_STYLE)
        err.setWordWrap(True)
        err.hide()
        lay.addWidget(err)
        self.layout.addRow(label, box)
        self.widgets[name] = focus or widget
        self.errors[name] = err
        self._order.append(name)
        return widget

    def clear_errors(self) -> None:
        for name, label in self.errors.items():
            label.hide()
            label.clear()
            self.widgets[name].setStyleSheet("")

    def show_errors(self, errors: dict[str, str]) -> None:
        self.clear_errors()
        first = None
        for name in self._order:
            if name in errors:
                self.errors[name].setText(errors[name])
                self.errors[name].show()
                self.widgets[name].setStyleSheet(INVALID_STYLE)
                first = first or name
        unknown = [msg for key, msg in errors.items() if key not in self.errors]
        if unknown and self._order:
            label = self.errors[self._order[0]]
            label.setText("；".join([label.text(), *unknown]).strip("；"))
            label.show()
        if first:
            self.widgets[first].setFocus()

    def error_text(self, name: str) -> str:
        label = self.errors[name]
        return label.text() if not label.isHidden() else ""


def qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


def one_line(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut with an ellipsis at ``limit`` characters (for table cells)."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


if TYPE_CHECKING:
    _SearchKeysBase = QWidget  # the mixin's super() calls go to the page's QWidget
else:
    _SearchKeysBase = object


class PageSearchKeys(_SearchKeysBase):
    """Mixin for a page with its own ``self.search`` box: Ctrl+F inside the page goes there
    (not to the main window's roster search)."""

    search: QLineEdit

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def event(self, e) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and e.matches(QKeySequence.StandardKey.Find):
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, e) -> None:  # noqa: N802 - Qt API
        if e.matches(QKeySequence.StandardKey.Find):
            self.focus_search()
            return
        super().keyPressEvent(e)


def refill_combo(combo: QComboBox, first: str, items: Sequence[tuple[str, object]]) -> None:
    """A filter combo: ``first`` (data None, "all") then ``items`` (text, data), keeping the
    current choice when it is still offered; no signal while refilling."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(first, None)
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


def combo_line(combo: QComboBox) -> QLineEdit:
    """The text line of an editable combo box (``setEditable(True)`` made it)."""
    line = combo.lineEdit()
    assert line is not None, "the combo box is editable"
    return line


def hide_popup(completer: QCompleter) -> None:
    popup = completer.popup()  # Qt makes the default list the first time it is asked for
    assert popup is not None, "a completer always has its popup"
    popup.hide()


def show_message(label, text: str, kind: str) -> None:
    """A page's message line: ``kind`` (info / error / …) picks its style sheet rule; empty hides it."""
    label.setProperty("kind", kind)
    label.setText(text)
    label.setVisible(bool(text))
    label.style().unpolish(label)
    label.style().polish(label)


EVERY_COLUMN = -1  # read_only_table: every column shares the spare width


def read_only_table(headers: list[str], stretch: int | None = None, single: bool = False) -> QTableWidget:
    """A table of whole rows that cannot be edited, rows in alternating colours, no row numbers.
    ``stretch``: the column that takes the spare width (:data:`EVERY_COLUMN`: all share it; None:
    none, every column as wide as its contents); ``single``: one row selected at a time."""
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    header = t.horizontalHeader()
    for c in range(len(headers)):
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if stretch in (c, EVERY_COLUMN)
                                    else QHeaderView.ResizeMode.ResizeToContents)
    return t


def table_item(text, centered: bool = False, color: QColor | str | None = None, tip: str = "") -> QTableWidgetItem:
    """A cell showing ``text`` (centred or not, in ``color``, with a tooltip)."""
    item = QTableWidgetItem(str(text))
    if centered:
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    if color:
        item.setForeground(QColor(color))
    if tip:
        item.setToolTip(tip)
    return item


def cell(table: QTableWidget, row: int, col: int) -> QTableWidgetItem:
    """The item at (``row``, ``col``) of a table whose every cell was filled (with :func:`table_item`)."""
    item = table.item(row, col)
    assert item is not None, f"cell ({row}, {col}) was never filled"
    return item


def header_item(table: QTableWidget, col: int) -> QTableWidgetItem:
    """The header item of column ``col`` (set by setHorizontalHeaderLabels)."""
    item = table.horizontalHeaderItem(col)
    assert item is not None, f"column {col} has no header"
    return item


def table_texts(table: QTableWidget, columns: int | None = None) -> list[list[str]]:
    """Every row's text as shown, the first ``columns`` columns (None: all of them)."""
    cols = table.columnCount() if columns is None else columns
    return [[cell(table, r, c).text() for c in range(cols)] for r in range(table.rowCount())]
