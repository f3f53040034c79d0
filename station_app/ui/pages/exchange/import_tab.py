"""数据交换 › 导入: stations' packages in, with a report for each."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station_app.services import exchange
from station_app.ui import style, tasks
from station_app.ui.errors import report
from station_app.ui.forms import read_only_table, table_item
from station_app.ui.pages.exchange.common import (
    RED,
    STATUS_NAMES,
)


class ImportTab:
    """The 导入 tab of :class:`ExchangePage`."""

    def _build_import(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(8)
        hint = QLabel(self.tr("把各联络站报送的数据包（.zip）导入本库。同一数据包导入两次不会重复；"
                              "有问题的数据包整个不导入，并说明原因。"))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        row = QHBoxLayout()
        self.pick_button = QPushButton(self.tr("选择数据包…"))
        self.pick_button.setObjectName("pickPackages")
        self.pick_button.setMinimumWidth(120)
        row.addWidget(self.pick_button)
        row.addSpacing(16)
        row.addWidget(QLabel(self.tr("密码：")))
        self.import_password = QLineEdit()
        self.import_password.setObjectName("importPassword")
        self.import_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.import_password.setPlaceholderText(self.tr("数据包加密时填写（留空则用设置中的密码）"))
        self.import_password.setMaximumWidth(320)
        row.addWidget(self.import_password, 1)
        row.addStretch(1)
        lay.addLayout(row)
        self.import_message = QLabel()
        self.import_message.setObjectName("importMessage")
        self.import_message.setWordWrap(True)
        self.import_message.hide()
        lay.addWidget(self.import_message)
        self.results_table = read_only_table([self.tr("文件"), self.tr("结果"), self.tr("原因"), self.tr("新增"),
                                              self.tr("更新"), self.tr("未变")], stretch=2)
        self.results_table.setWordWrap(True)
        lay.addWidget(self.results_table, 1)
        self.pick_button.clicked.connect(self.choose_packages)
        return w

    # -- import ------------------------------------------------------------------------------------------
    def choose_packages(self) -> None:
        start = QSettings().value("exchange/import_folder") or self.target_folder() or ""
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("选择数据包"), str(start),
                                                self.tr("数据包 (*.zip)"))
        if paths:
            QSettings().setValue("exchange/import_folder", str(Path(paths[0]).parent))
            self.import_files(paths)

    def import_files(self, paths: list[str]) -> None:
        """导入: merge ``paths`` in a worker, then show a row per package."""
        if self._busy or not paths:
            return
        password = self.import_password.text() or None  # None: the service takes the setting
        paths = [str(p) for p in paths]
        self._show(self.import_message, self.tr("正在导入 {0} 个数据包…").format(len(paths)), "info")
        self._set_busy(True)
        self._cancel = False
        self._open_progress(self.tr("正在导入数据包…"), cancellable=True)

        def progress(done: int, total: int) -> bool:  # worker thread
            self._relay.step.emit(int(done), int(total))
            return not self._cancel

        def done(reports) -> None:
            self._finish_progress()
            self._set_busy(False)
            self.show_reports(list(reports))
            if any(r.status == "imported" for r in reports):
                self.imported.emit()
            self.refresh()

        def fail(exc: Exception) -> None:
            self._finish_progress()
            self._set_busy(False)
            report(exc, show=lambda text: self._show(self.import_message, text, "error"))

        tasks.run_task(lambda: exchange.import_packages(paths, password=password, progress=progress), done, fail)

    def show_reports(self, reports: list) -> None:
        self.last_reports = reports
        t = self.results_table
        t.setRowCount(len(reports))
        for r, rep in enumerate(reports):
            ok = rep.status == "imported"
            color = None if ok else RED
            t.setItem(r, 0, table_item(Path(str(rep.package)).name, tip=str(rep.package)))
            t.setItem(r, 1, table_item(self.tr(STATUS_NAMES.get(rep.status, rep.status)), centered=True,
                                       color=style.GREEN if ok else RED))
            reason = rep.reason or ""
            if ok and not reason and not (rep.inserted or rep.updated):
                reason = self.tr("数据都已存在，没有变化") if rep.unchanged else self.tr("数据包中没有记录")
            t.setItem(r, 2, table_item(reason, color=color, tip=rep.reason or ""))
            for c, n in enumerate((rep.inserted, rep.updated, rep.unchanged), start=3):
                t.setItem(r, c, table_item(n if ok else "—", centered=True))
        t.resizeRowsToContents()
        n_ok = sum(r.status == "imported" for r in reports)
        n_bad = len(reports) - n_ok
        text = self.tr("共 {0} 个数据包：已导入 {1} 个，已拒绝 {2} 个。").format(len(reports), n_ok, n_bad)
        if n_ok:
            ins = sum(r.inserted for r in reports if r.status == "imported")
            upd = sum(r.updated for r in reports if r.status == "imported")
            same = sum(r.unchanged for r in reports if r.status == "imported")
            text += self.tr("新增 {0} 条，更新 {1} 条，未变 {2} 条。").format(ins, upd, same)
        self._show(self.import_message, text, "error" if n_bad else "info")

    def result_rows(self) -> list[list[str]]:
        """The results table as shown."""
        t = self.results_table
        return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]
