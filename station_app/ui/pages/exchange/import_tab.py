"""数据交换 › 导入: stations' packages in, with a report for each."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station_app.services import exchange
from station_app.ui import style, tasks
from station_app.ui.errors import report
from station_app.ui.forms import read_only_table, table_item, table_texts
from station_app.ui.pages.exchange.common import (
    RED,
    STATUS_NAMES,
    ExchangeTab,
)


class ImportTab(ExchangeTab):
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
        self.import_password.setPlaceholderText(self.tr("数据包加密时填写"))
        self.import_password.setMaximumWidth(320)
        row.addWidget(self.import_password, 1)
        row.addStretch(1)
        self.reenrol_button = QPushButton(self.tr("重新登记站点密钥…"))
        self.reenrol_button.setObjectName("reenrolStation")
        self.reenrol_button.setToolTip(self.tr("联络站换了电脑（密钥变了）时，由管理员核对新指纹后重新登记"))
        row.addWidget(self.reenrol_button)
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
        self.reenrol_button.clicked.connect(self.choose_reenrolment)
        return w

    # -- import ------------------------------------------------------------------------------------------
    def choose_packages(self) -> None:
        start = QSettings().value("exchange/import_folder") or self.target_folder() or ""
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("选择数据包"), str(start),
                                                self.tr("数据包 (*.zip)"))
        if paths:
            QSettings().setValue("exchange/import_folder", str(Path(paths[0]).parent))
            self.import_files(paths)

    def confirm_enrolment(self, signer) -> bool:
        """Ask the admin to enrol a station not yet enrolled, showing its fingerprint (§2.3a)."""
        answer = QMessageBox.question(
            self, self.tr("登记新的联络站"),
            self.tr("数据包来自尚未登记的联络站：\n\n{0}（站点编码 {1}）\n密钥指纹：{2}\n\n"
                    "请与该站核对：指纹应与该站“设置”页显示的完全一致（可电话核对）。"
                    "一致才登记；不一致说明数据包可能是伪造的。\n\n登记这个联络站并导入？").format(
                signer.station_name, signer.station_code, signer.grouped),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _enrolments(self, paths: list[str], password: str | None) -> set[str]:
        """The fingerprints the admin confirms for the packages' stations not yet enrolled (a user
        who may not enrol is not asked: those packages are refused with the reason)."""
        from station_app.domain.roles import Permission
        from station_app.services import context

        if not context.may(Permission.ENROL):
            return set()
        confirmed: set[str] = set()
        asked: set[str] = set()
        for signer in exchange.package_signers(paths, password):
            if signer.state == "unknown" and signer.fingerprint not in asked:
                asked.add(signer.fingerprint)
                if self.confirm_enrolment(signer):
                    confirmed.add(signer.fingerprint)
        return confirmed

    def choose_reenrolment(self) -> None:
        start = QSettings().value("exchange/import_folder") or self.target_folder() or ""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择该站新电脑导出的数据包"), str(start),
                                              self.tr("数据包 (*.zip)"))
        if path:
            self.reenrol_from(path)

    def reenrol_from(self, path: str) -> bool:
        """Re-enrol the station of the package ``path`` with the key that signed it, after the admin
        compares the old and the new fingerprint (the change is audited by the service)."""
        from station_app.domain.package_signing import grouped
        from station_app.errors import KnownError
        from station_app.services.exchange import keys

        signers = exchange.package_signers([path], self.import_password.text() or None)
        if not signers:
            self._show(self.import_message, self.tr("无法读取这个数据包的签名（文件损坏、未签名或密码不对）"), "error")
            return False
        signer = signers[0]
        old = keys.enrolled(signer.station_code)
        if old is None or signer.state == "known":
            self._show(self.import_message, self.tr("站点 {0} 的这个密钥不需要重新登记：直接导入即可").format(
                signer.station_code), "info")
            return False
        answer = QMessageBox.question(
            self, self.tr("重新登记站点密钥"),
            self.tr("{0}（站点编码 {1}）\n原登记的指纹：{2}\n数据包的新指纹：{3}\n\n"
                    "只有在该站确实更换了电脑、并且电话核对新指纹一致时才重新登记。重新登记？").format(
                signer.station_name, signer.station_code, grouped(old.fingerprint), signer.grouped),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            exchange.reenroll_from_package(path, self.import_password.text() or None)
        except KnownError as exc:
            self._show(self.import_message, exc.message, "error")
            return False
        self._show(self.import_message, self.tr("已重新登记站点 {0} 的密钥（指纹 {1}），现在可以导入它的数据包").format(
            signer.station_code, signer.grouped), "info")
        return True

    def import_files(self, paths: list[str]) -> None:
        """导入: merge ``paths`` in a worker, then show a row per package."""
        if self._busy or not paths:
            return
        password = self.import_password.text() or None
        paths = [str(p) for p in paths]
        enroll = self._enrolments(paths, password)
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

        tasks.run_task(lambda: exchange.import_packages(paths, password=password, progress=progress, enroll=enroll),
                       done, fail)

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
        return table_texts(self.results_table)
