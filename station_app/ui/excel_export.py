"""导出Excel… for the list pages: what the table shows, to .xlsx, off the GUI thread.

A page builds an :class:`ExcelExport` once (it owns the 导出Excel… button) and hands it, per
click, the sheets to write: the headers of the columns the table shows in the order they are
shown (:func:`shown_columns`), and rows with the same texts as the table — for a paged list
every row of the current filter, fetched again from the same service function the table model
uses (:func:`paged_sheet`); for a small table filled at once, the table's own cells
(:func:`table_sheet`). The workbook is written by ``services.xlsx_export`` in a worker
(``ui/tasks.py``) with a progress dialog whose 取消 stops it and leaves no file.

Signals:
    exported(str): a workbook was written to this path
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QPushButton, QTableView, QWidget

from station_app.errors import KnownError
from station_app.services import xlsx_export
from station_app.services.xlsx_export import Sheet
from station_app.ui import tasks
from station_app.ui.models.paged import PagedTableModel

POLL_MS = 100


def shown_columns(view: QTableView) -> list[int]:
    """The model columns the view shows, in the order shown (moved columns follow the header)."""
    header = view.horizontalHeader()
    model = view.model()
    out = []
    for visual in range(header.count()):
        logical = header.logicalIndex(visual)
        if 0 <= logical < model.columnCount() and not view.isColumnHidden(logical):
            out.append(logical)
    return out


def shown_headers(view: QTableView, columns: Sequence[int]) -> tuple[str, ...]:
    model = view.model()
    return tuple(str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in columns)


def paged_sheet(title: str, view: QTableView) -> Sheet:
    """Every row of a ``PagedTableModel``'s current filter (not only the pages fetched so far),
    fetched again from its service function, with the table's column texts."""
    model = view.model()
    assert isinstance(model, PagedTableModel), "paged_sheet is for a table showing a PagedTableModel"
    columns = shown_columns(view)
    every = model.columns()
    texts = [every[c].text for c in columns]
    return Sheet(title, shown_headers(view, columns), xlsx_export.paged_rows(model.fetch_function(), texts))


def table_sheet(title: str, view: QTableView) -> Sheet:
    """A small table filled at once (积分排名, 统计): its cells as shown."""
    model = view.model()
    columns = shown_columns(view)
    rows = [tuple(str(model.index(r, c).data() or "") for c in columns) for r in range(model.rowCount())]
    return Sheet(title, shown_headers(view, columns), rows)


class ExcelExport(QObject):
    """The 导出Excel… button of one page and the export it runs.

    ``sheets()`` is called on the GUI thread when the clerk clicks (it reads the filter and the
    columns); the rows it returns are iterated on the worker. ``total()`` (optional, also on the
    GUI thread) says how many rows to expect — the list's count from the same service count
    function and filters the page uses — so the bar shows a percentage."""

    exported = Signal(str)

    def __init__(self, page: QWidget, default_name: Callable[[], str], sheets: Callable[[], list[Sheet]],
                 total: Callable[[], int | None] | None = None):
        super().__init__(page)
        self.page = page
        self.default_name = default_name
        self.sheets = sheets
        self.total = total
        self.button = QPushButton(self.tr("导出Excel…"))
        self.button.setObjectName("exportExcelButton")
        self.button.setToolTip(self.tr("把列表中显示的内容（当前筛选的全部记录）导出为Excel文件"))
        self.button.clicked.connect(lambda: self.run())
        self.progress_dialog: QProgressDialog | None = None
        self.last_path: str | None = None
        self.last_message = ""
        self.result_box: QMessageBox | None = None
        self._cancel: threading.Event | None = None
        self._done = 0  # rows written so far (set on the worker, read by the timer)
        self._total = 0  # rows expected (0: unknown, the bar shows only that it is busy)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_tick)

    def ask_path(self) -> str:
        folder = QSettings().value("export/xlsx_folder") or ""
        start = f"{folder}/{self.default_name()}" if folder else self.default_name()
        path, _ = QFileDialog.getSaveFileName(self.page, self.tr("导出Excel"), start, self.tr("Excel 文件 (*.xlsx)"))
        if path and not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        return path

    def run(self, path: str | None = None) -> None:
        """Ask where (unless ``path`` is given), then write the workbook on a worker."""
        if self._cancel is not None:  # one export at a time
            return
        path = path or self.ask_path()
        if not path:
            return
        from pathlib import Path

        QSettings().setValue("export/xlsx_folder", str(Path(path).parent))
        try:
            sheets = self.sheets()
            total = self.total() if self.total is not None else None
        except KnownError as exc:
            self._finish(self.tr("无法导出：{0}").format(exc.message), error=True)
            return
        cancel = threading.Event()
        self._cancel = cancel
        self._done = 0
        self._total = max(total or 0, 0)
        sheets = [Sheet(s.title, s.headers, self._counted(s.rows)) for s in sheets]
        self.button.setEnabled(False)
        dlg = QProgressDialog(self.tr("正在导出Excel…"), self.tr("取消"), 0, max(total or 0, 0), self.page)
        dlg.setWindowTitle(self.tr("导出Excel"))
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(500)  # small lists finish before it would show
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.canceled.connect(self.cancel)
        self.progress_dialog = dlg
        self._timer.start()

        def work():  # rows are counted as they are written (_counted): only a number crosses over
            return xlsx_export.write_sheets(path, sheets, None, cancel, audited=True)

        def done(result) -> None:
            self.last_path = result.path
            self._finish(self.tr("已导出 {0} 行：{1}").format(result.rows, result.path))
            self.exported.emit(result.path)

        def fail(exc: Exception) -> None:
            if isinstance(exc, xlsx_export.ExportCancelled):
                self._finish(exc.message, cancelled=True)
                return
            if not isinstance(exc, KnownError):
                self._finish("", error=True)
                raise exc
            self._finish(self.tr("导出失败：{0}").format(exc.message), error=True)

        tasks.run_task(work, done, fail)

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            if self.progress_dialog is not None:
                self.progress_dialog.setLabelText(self.tr("正在取消…"))

    def _counted(self, rows):
        """``rows`` as they are iterated on the worker, counting each one into ``_done``."""
        for row in rows:
            yield row
            self._done += 1

    def _on_tick(self) -> None:
        dlg = self.progress_dialog
        if dlg is not None and self._cancel is not None and not self._cancel.is_set():
            if dlg.maximum() > 0:
                # the list may grow while it is written: the bar stops just short of full
                dlg.setValue(min(self._done, dlg.maximum() - 1))
                dlg.setLabelText(self.tr("正在导出Excel…已写入 {0} / {1} 行").format(self._done, self._total))
            else:
                dlg.setLabelText(self.tr("正在导出Excel…已写入 {0} 行").format(self._done))

    def _finish(self, message: str, error: bool = False, cancelled: bool = False) -> None:
        self._timer.stop()
        self._cancel = None
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        self.button.setEnabled(True)
        self.last_message = message
        if not message or cancelled:
            return
        # opened, not exec()'d: the answer shows without a nested event loop
        box = QMessageBox(QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information, self.tr("导出Excel"),
                          message, QMessageBox.StandardButton.Ok, self.page)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.result_box = box
