"""数据交换 › 导出: the package to the county on a USB stick."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.errors import KnownError
from station_app.services import exchange
from station_app.ui import drives, style, tasks
from station_app.ui.dates import limit_date_edit
from station_app.ui.errors import report
from station_app.ui.forms import cell, header_item, pydate, qdate, table_item
from station_app.ui.pages.exchange.common import (
    TABLE_NAMES,
    ExchangeTab,
    _fit_height,
    _period_text,
)


class ExportTab(ExchangeTab):
    """The 导出 tab of :class:`ExchangePage` (a mixin: the page holds the widgets)."""

    # -- building ------------------------------------------------------------------------------------
    def _build_export(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(8)

        where = QGroupBox(self.tr("导出到哪里"))
        wl = QVBoxLayout(where)
        self.volume_list = QListWidget()
        self.volume_list.setObjectName("volumeList")
        self.volume_list.setMaximumHeight(110)
        wl.addWidget(self.volume_list)
        self.no_volume = QLabel(self.tr("没有找到U盘。请插入U盘后点“刷新”，或点“选择文件夹…”导出到任意文件夹。"))
        self.no_volume.setObjectName("hint")
        self.no_volume.setWordWrap(True)
        wl.addWidget(self.no_volume)
        row = QHBoxLayout()
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setToolTip(self.tr("重新查找插入的U盘"))
        self.folder_button = QPushButton(self.tr("选择文件夹…"))
        self.target_label = QLabel()
        self.target_label.setObjectName("targetLabel")
        self.target_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.refresh_button)
        row.addWidget(self.folder_button)
        row.addSpacing(12)
        row.addWidget(self.target_label, 1)
        wl.addLayout(row)
        lay.addWidget(where)

        what = QGroupBox(self.tr("导出内容"))
        grid = QGridLayout(what)
        grid.setHorizontalSpacing(8)
        grid.addWidget(QLabel(self.tr("期间：")), 0, 0)
        period = QHBoxLayout()
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            limit_date_edit(d)
        period.addWidget(self.date_from)
        period.addWidget(QLabel(self.tr("至")))
        period.addWidget(self.date_to)
        period.addSpacing(16)
        self.full = QCheckBox(self.tr("全部数据"))
        self.full.setToolTip(self.tr("导出本站的全部记录（第一次报送或县里要求重新报送时勾选）"))
        period.addWidget(self.full)
        period.addStretch(1)
        grid.addLayout(period, 0, 1)
        self.period_hint = QLabel()
        self.period_hint.setObjectName("hint")
        self.period_hint.setWordWrap(True)
        grid.addWidget(self.period_hint, 1, 1)
        grid.addWidget(QLabel(self.tr("加密：")), 2, 0)
        enc = QHBoxLayout()
        self.encrypt = QCheckBox(self.tr("加密数据包（AES-256，可用7-Zip打开）"))
        self.password_state = QLabel()
        self.password_state.setObjectName("hint")
        enc.addWidget(self.encrypt)
        enc.addSpacing(12)
        enc.addWidget(self.password_state)
        enc.addStretch(1)
        grid.addLayout(enc, 2, 1)
        pw = QHBoxLayout()
        self.export_password = QLineEdit()
        self.export_password.setObjectName("exportPassword")
        self.export_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.export_password.setPlaceholderText(self.tr("导出密码：至少12个字符，或点“生成口令”"))
        self.export_password.setMinimumWidth(340)
        pw.addWidget(self.export_password)
        self.generate_button = QPushButton(self.tr("生成口令"))
        self.generate_button.setObjectName("generatePassphrase")
        self.generate_button.setToolTip(self.tr("生成一个随机口令（5组4个字符），请抄下来交给县里"))
        pw.addWidget(self.generate_button)
        pw.addStretch(1)
        grid.addLayout(pw, 3, 1)
        grid.addWidget(QLabel(self.tr("附带：")), 4, 0)
        self.reports = QCheckBox(self.tr("台账（Excel）和汇总（PDF）"))
        self.reports.setObjectName("exportReports")
        self.reports.setToolTip(self.tr(
            "供没有安装本软件的人直接查看；县里导入时不读取它们。数据包里的数据总是完整的，"
            "不附也不缺任何记录。第一次导出全部数据时，附带会使导出时间增加一倍以上。"))
        self.reports.setChecked(QSettings().value("exchange/reports", False, type=bool) is True)
        self.reports.toggled.connect(lambda on: QSettings().setValue("exchange/reports", bool(on)))
        extras = QHBoxLayout()
        extras.addWidget(self.reports)
        extras.addSpacing(12)
        extras_hint = QLabel(self.tr("供没有安装本软件的人查看；数据包里的数据不附也是完整的"))
        extras_hint.setObjectName("hint")
        extras.addWidget(extras_hint)
        extras.addStretch(1)
        grid.addLayout(extras, 4, 1)
        grid.setColumnStretch(1, 1)
        lay.addWidget(what)

        go = QHBoxLayout()
        self.export_button = QPushButton(self.tr("导出"))
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.export_button.setMinimumWidth(120)
        go.addWidget(self.export_button)
        go.addStretch(1)
        lay.addLayout(go)
        self.message = QLabel()
        self.message.setObjectName("exchangeMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        lay.addWidget(self.message)

        self.result_box = QFrame()
        self.result_box.setObjectName("result")
        rl = QVBoxLayout(self.result_box)
        rl.setContentsMargins(12, 8, 12, 8)
        self.result_title = QLabel(self.tr("数据包已导出"))
        self.result_title.setObjectName("resultTitle")
        rl.addWidget(self.result_title)
        self.result_path = QLabel()
        self.result_path.setObjectName("resultPath")
        self.result_path.setWordWrap(True)
        self.result_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rl.addWidget(self.result_path)
        self.result_info = QLabel()
        rl.addWidget(self.result_info)
        self.counts_table = QTableWidget(1, 0)  # one column per table: the counts in one line
        self.counts_table.verticalHeader().setVisible(False)
        self.counts_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counts_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.counts_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.counts_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rl.addWidget(self.counts_table)
        rb = QHBoxLayout()
        self.open_folder_button = QPushButton(self.tr("打开所在文件夹"))
        rb.addWidget(self.open_folder_button)
        rb.addStretch(1)
        rl.addLayout(rb)
        self.result_box.hide()
        lay.addWidget(self.result_box)
        lay.addStretch(1)

        self.refresh_button.clicked.connect(self.refresh_volumes)
        self.folder_button.clicked.connect(self.choose_folder)
        self.volume_list.currentRowChanged.connect(self._on_volume_picked)
        self.full.toggled.connect(self._update_export_state)
        self.encrypt.toggled.connect(self._update_export_state)
        self.encrypt.clicked.connect(self._on_encrypt_clicked)
        self.generate_button.clicked.connect(self._on_generate)
        self.export_button.clicked.connect(lambda: self.export_to())
        self.open_folder_button.clicked.connect(self.open_result_folder)
        return self._scrolled(w)

    # -- export ----------------------------------------------------------------------------------------
    @staticmethod
    def _last_package():
        """The newest package this database exported (``exchange.SentPackage``), or None."""
        try:
            return exchange.last_export()
        except KnownError:  # no station profile yet
            return None

    def _refresh_export_defaults(self) -> None:
        if self._busy:
            return
        today = clock.today()
        last = self._last_package()
        self._defaults_key = (last.package_id if last else None, today)
        if last is not None:
            start = min(last.period_to + dt.timedelta(days=1), today)
            self._incremental_hint = self.tr("上次报送：{0}（截至 {1}）。数据包含上次报送以来新增和修改的全部记录，"
                                             "期间写在数据包的名称里。").format(last.file_name, last.period_to.isoformat())
            self.full.setChecked(False)
        else:
            start = dt.date(today.year, 1, 1)
            self._incremental_hint = self.tr("还没有报送过数据包：第一次请导出全部数据。")
            self.full.setChecked(True)
        self.date_from.setDate(qdate(start))
        self.date_to.setDate(qdate(today))
        self.encrypt.setChecked(True)  # encrypted unless the clerk chooses otherwise and confirms the risk
        if not self.export_password.text():
            self.export_password.setText(self._kept_password() or "")
        self._update_export_state()

    def _kept_password(self) -> str | None:
        from station_app.services import secret_store
        from station_app.services.station import home_station

        home = home_station()
        return secret_store.get_password(home.code) if home is not None else None

    def _on_generate(self) -> None:
        from station_app.domain import passphrase

        self.export_password.setEchoMode(QLineEdit.EchoMode.Normal)  # to be copied down for the county
        self.export_password.setText(passphrase.generate())
        self.encrypt.setChecked(True)

    def _on_encrypt_clicked(self, checked: bool) -> None:
        if checked:
            return
        answer = QMessageBox.warning(
            self, self.tr("不加密导出"),
            self.tr("不加密的数据包中，群众的姓名、电话、身份证号等个人信息以明文存放在U盘上，"
                    "U盘丢失或被他人拷贝就会泄露。\n\n确定不加密导出吗？"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            self.encrypt.setChecked(True)

    def _update_export_state(self, *_args) -> None:
        full = self.full.isChecked()
        self.date_from.setEnabled(not full)
        self.date_to.setEnabled(not full)
        self.period_hint.setText(self.tr("全部数据：本站的全部记录，期间从第一条记录算起到今天。") if full
                                 else self._incremental_hint)
        from station_app.services import secret_store

        encrypted = self.encrypt.isChecked()
        self.password_state.setText(
            "" if not encrypted else self.tr("密码保存在系统钥匙串中") if secret_store.available()
            else self.tr("密码不保存，每次导出时输入"))
        self.export_password.setEnabled(encrypted)
        self.generate_button.setEnabled(encrypted)

    def refresh_volumes(self) -> None:
        """Look for USB sticks again (刷新)."""
        current = self.volume_list.currentItem().data(Qt.ItemDataRole.UserRole) \
            if self.volume_list.currentItem() else None
        self.volumes = drives.removable_volumes()
        self.volume_list.blockSignals(True)
        self.volume_list.clear()
        for v in self.volumes:
            text = self.tr("{0}　可用 {1} / 共 {2}").format(v.label(), drives.format_bytes(v.free),
                                                          drives.format_bytes(v.total))
            if v.read_only:
                text += self.tr("（只读，不能导出）")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, v.root)
            if v.read_only:
                item.setForeground(style.qcolor(style.MUTED))
            self.volume_list.addItem(item)
        self.volume_list.blockSignals(False)
        self.volume_list.setVisible(bool(self.volumes))
        self.no_volume.setVisible(not self.volumes)
        if self.volumes and self._folder is None:
            roots = [v.root for v in self.volumes]
            writable = [i for i, v in enumerate(self.volumes) if not v.read_only]
            row = roots.index(current) if current in roots else (writable[0] if writable else 0)
            self.volume_list.setCurrentRow(row)
        self._update_target()

    def _on_volume_picked(self, row: int) -> None:
        if row >= 0:
            self._folder = None
        self._update_target()

    def choose_folder(self) -> None:
        start = self.target_folder() or QSettings().value("exchange/folder") or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择导出到的文件夹"), str(start))
        if folder:
            self.set_folder(folder)

    def set_folder(self, folder: str) -> None:
        """Export to ``folder`` instead of a listed volume (选择文件夹…)."""
        self._folder = str(folder)
        self.volume_list.blockSignals(True)
        self.volume_list.setCurrentRow(-1)
        self.volume_list.clearSelection()
        self.volume_list.blockSignals(False)
        self._update_target()

    def target_folder(self) -> str | None:
        """Where the package goes: the chosen folder, else the selected volume."""
        if self._folder:
            return self._folder
        item = self.volume_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update_target(self) -> None:
        target = self.target_folder()
        self.target_label.setText(self.tr("导出到：{0}").format(target) if target
                                  else self.tr("请选择U盘或文件夹"))
        self.export_button.setEnabled(bool(target) and not self._busy)

    def export_to(self, folder: str | None = None) -> None:
        """导出: write one package into ``folder`` (default: the target shown) in a worker."""
        if self._busy:
            return
        if folder is not None:
            self.set_folder(folder)
        out_dir = self.target_folder()
        if not out_dir:
            self._show(self.message, self.tr("请先选择U盘或文件夹"), "error")
            return
        full = self.full.isChecked()
        reports = self.reports.isChecked()
        date_from, date_to = pydate(self.date_from.date()), pydate(self.date_to.date())
        if not full and date_to < date_from:
            self._show(self.message, self.tr("结束日期不能早于开始日期"), "error")
            return
        password = ""  # "": not encrypted (the clerk confirmed the risk)
        if self.encrypt.isChecked():
            from station_app.domain import passphrase

            password = self.export_password.text()
            why = passphrase.problem(password)
            if why:
                self._show(self.message, self.tr(why), "error")
                self.export_password.setFocus()
                return
        self.result_box.hide()
        self._show(self.message, self.tr("正在导出，请不要拔出U盘…"), "info")
        self._cancel = False
        self._set_busy(True)
        self._open_progress(self.tr("正在导出数据包，请不要拔出U盘…"), cancellable=True)

        def progress(done: int, total: int) -> bool:  # worker thread: no widgets here
            self._relay.step.emit(int(done), int(total))
            return not self._cancel

        def work():
            if full:  # every record: the service labels it from the first record's date to today
                return exchange.export_package(out_dir, full=True, password=password, progress=progress,
                                               reports=reports)
            return exchange.export_package(out_dir, date_from, date_to, password=password, progress=progress,
                                           reports=reports)

        def done(result) -> None:
            self._finish_progress()
            self._set_busy(False)
            self.last_export = result
            if password:  # kept in the OS keyring where one works (never in the database)
                from station_app.services import secret_store
                from station_app.services.station import home_station

                home = home_station()
                if home is not None:
                    secret_store.set_password(home.code, password)
            self._refresh_export_defaults()  # the next export starts where this one ended
            QSettings().setValue("exchange/folder", str(Path(result.path).parent))
            self._show(self.message, "", "info")
            self._show_result(result)
            self.exported.emit(str(result.path))

        def fail(exc: Exception) -> None:
            self._finish_progress()
            self._set_busy(False)
            if isinstance(exc, exchange.ExportCancelled):
                self._show(self.message, exc.message, "info")
                return
            report(exc, show=lambda text: self._show(self.message, text, "error"))

        tasks.run_task(work, done, fail)

    def _show_result(self, result) -> None:
        path = Path(result.path)
        self.result_path.setText(self.tr("文件：{0}").format(str(path)))
        kind = {"full": self.tr("全部数据"), "incremental": self.tr("增量数据")}.get(result.kind, result.kind)
        self.result_info.setText(self.tr("期间：{0}　大小：{1}　类型：{2}").format(
            _period_text(result.period_from, result.period_to), drives.format_bytes(result.bytes), kind)
            + (self.tr("　附：台账和汇总") if result.reports else ""))
        rows = [(self.tr(TABLE_NAMES.get(k, k)), n) for k, n in result.counts.items()]
        self.result_title.setText(self.tr("数据包已导出") if any(n for _k, n in rows)
                                  else self.tr("数据包已导出（上次报送以来没有新增或修改的记录）"))
        t = self.counts_table
        t.setColumnCount(len(rows))
        t.setHorizontalHeaderLabels([name for name, _n in rows])
        for c, (_name, n) in enumerate(rows):
            t.setItem(0, c, table_item(n, centered=True))
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        t.resizeColumnsToContents()
        for c in range(len(rows)):
            t.setColumnWidth(c, max(t.columnWidth(c) + 16, 72))
        _fit_height(t, 1, 1)
        t.setFixedWidth(sum(t.columnWidth(c) for c in range(len(rows))) + 2 * t.frameWidth() + 2)
        self.result_box.show()

    def result_counts(self) -> dict[str, str]:
        """The exported counts as shown: {table in Chinese: count}."""
        t = self.counts_table
        return {header_item(t, c).text(): cell(t, 0, c).text() for c in range(t.columnCount())}

    def open_result_folder(self) -> None:
        if self.last_export is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.last_export.path).parent)))
