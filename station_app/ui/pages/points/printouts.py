"""履职积分: the ranking and the archive as PDFs, with their preview."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QFileDialog,
)

from station_app.services import scoring
from station_app.ui import tasks
from station_app.ui.errors import report
from station_app.ui.pages.points.common import PointsTab
from station_app.ui.pdfview import show_saved_pdf


class PointsPrintouts(PointsTab):
    """Printing of :class:`PointsPage` (排名表, 履职档案)."""

    def request_print(self) -> None:
        """Ctrl+P on this page: the archive on the 代表档案 tab, the ranking elsewhere."""
        if self.current_tab() == "archive":
            self.request_print_archive()
        else:
            self.request_print_ranking()

    def request_print_ranking(self) -> None:
        if not self._ready or self._busy:
            return
        year = self.year.value()
        default = str(Path(self._folder()) / self.tr("{0}年度代表履职积分排名.pdf").format(year))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存排名表PDF"), default, self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save_ranking(path)

    def request_print_archive(self) -> None:
        if not self._ready or self._busy or self._score is None:
            return
        default = str(Path(self._folder()) / self.tr("履职档案-{0}-{1}年.pdf").format(
            self._score.name, self.year.value()))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存履职档案PDF"), default, self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save_archive(path)

    def save_ranking(self, path: str, preview: bool = True) -> None:
        year, code = self.year.value(), self.view_code
        self._print(lambda out: scoring.print_ranking(year, out, code), path,
                    self.tr("{0}年度履职积分排名").format(year), preview)

    def save_archive(self, path: str, preview: bool = True) -> None:
        if self._score is None:
            return
        uid, year, name = self._score.deputy_uid, self.year.value(), self._score.name
        self._print(lambda out: scoring.print_archive(uid, year, out), path,
                    self.tr("{0} {1}年履职档案").format(name, year), preview)

    def _print(self, fn, path: str, title: str, preview: bool) -> None:
        if self._busy or not self._ready:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self._set_busy(True)

        def done(_result) -> None:
            self._set_busy(False)
            QSettings().setValue("points/folder", str(Path(path).parent))
            self._show_message(self.tr("已保存：{0}").format(path), "info")
            if preview:
                self.show_preview(path, title)

        def fail(exc: Exception) -> None:
            self._set_busy(False)
            report(exc, show=lambda text: self._show_message(text, "error"))

        tasks.run_task(lambda: fn(path), done, fail)

    def show_preview(self, path: str, title: str) -> None:
        self.preview_dialog = show_saved_pdf(self, self.preview_dialog, path, self.tr("预览：{0}").format(title))
