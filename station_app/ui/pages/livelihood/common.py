"""What the 民生实事 tabs share: the page's message line, PDFs written on the pool and previewed,
and small item models for the short lists (a year's projects, a session's ballot)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from station_app.ui import style, tasks
from station_app.ui.errors import report


class Rows(QAbstractTableModel):
    """A short list (tens of rows) shown as given: ``columns`` are (header, value of a row, colour
    of a row or None). Rows are frozen dataclasses; ``data()`` never queries."""

    def __init__(self, columns: Sequence[tuple[str, Callable, Callable | None]], parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list = []

    def set_rows(self, rows: Sequence) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        _head, value, colour = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(value(row))
        if role == Qt.ItemDataRole.ForegroundRole and colour is not None:
            name = colour(row)
            return style.qcolor(name) if name else None
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][0]
        return None

if TYPE_CHECKING:
    from station_app.ui.pdfview import SavedPdfDialog

    class LivelihoodHost(Protocol):
        """What :class:`PdfOut` relies on of the page it is mixed into (type checking only)."""

        preview_dialog: SavedPdfDialog | None

        def say(self, text: str, error: bool = False) -> None: ...
        def failed(self, exc: Exception) -> None: ...

    class LivelihoodPart(LivelihoodHost, QWidget):
        """The page as its mixins see it."""
else:
    LivelihoodPart = object  # at run time the parts are plain mixins of LivelihoodPage


class Messages:
    """The page's one message line (``self.message``): info in green, errors in red."""

    message: QLabel

    def say(self, text: str, error: bool = False) -> None:
        style.set_text(self.message, style.RED if error else style.GREEN)
        self.message.setText(text)

    def failed(self, exc: Exception) -> None:
        """A KnownError's message on the line; anything else goes on to the crash handler."""
        report(exc, show=lambda text: self.say(text, error=True))


class PdfOut(LivelihoodPart):
    """Write a PDF on the pool, then say where and preview it (``preview`` False in tests)."""

    preview_dialog: SavedPdfDialog | None = None

    def save_pdf(self, make: Callable[[str], object], path: str, title: str, preview: bool = True) -> None:
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self.say(self.tr("正在生成PDF…"))

        def done(_result) -> None:
            self.say(self.tr("已保存：{0}").format(path))
            if preview:
                self.show_preview(path, title)

        tasks.run_task(lambda: make(path), done, self.failed)

    def ask_pdf(self, make: Callable[[str], object], default_name: str, title: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存PDF"), default_name, self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save_pdf(make, path, title)

    def show_preview(self, path: str, title: str) -> None:
        from station_app.ui.pdfview import show_saved_pdf

        self.preview_dialog = show_saved_pdf(self, self.preview_dialog, path, self.tr("预览：{0}").format(title))


def field_errors(exc: Exception, labels: dict[str, QLabel]) -> bool:
    """Show a ValidationError's messages under the fields it names; True when it did."""
    from station_app.errors import ValidationError

    if not isinstance(exc, ValidationError):
        return False
    shown = False
    for key, label in labels.items():
        text = exc.fields.get(key, "")
        label.setText(text)
        label.setVisible(bool(text))
        shown = shown or bool(text)
    return shown
