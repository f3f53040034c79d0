"""备份与恢复: the backups beside the database, what each holds; back up now; restore with a
preview; the automatic daily backup (a QTimer) and the one on exit (MainWindow.closeEvent)."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import peewee as pw
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.core.paths import backups_dir, sqlite_file_of
from station_app.domain import clock
from station_app.domain.roles import Permission
from station_app.errors import KnownError
from station_app.services import backup_store, context, settings
from station_app.services.session import close_database, current_url, open_database

log = logging.getLogger(__name__)

TICK_MS = 10 * 60 * 1000  # look every ten minutes whether today's backup is due


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


class BackupPage(QWidget):
    """Signals:
        restored(): the database was replaced by a backup (pages should re-read everything)
    """

    restored = Signal()
    COLUMNS = ("时间", "类型", "大小", "站点", "代表", "接待登记", "意见建议", "最新接待", "文件")

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 16, 24, 16)
        title = QLabel(self.tr("备份与恢复"))
        title.setObjectName("pageTitle")
        lay.addWidget(title)
        self.note = QLabel()
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        row = QHBoxLayout()  # above the list: in view on a small screen however long the list
        self.backup_now = QPushButton(self.tr("立即备份"))
        self.backup_now.clicked.connect(self.on_backup_now)
        self.restore_selected = QPushButton(self.tr("用所选备份恢复…"))
        self.restore_selected.clicked.connect(self.on_restore_selected)
        self.restore_file = QPushButton(self.tr("从其他备份文件恢复…"))
        self.restore_file.clicked.connect(self.on_restore_file)
        refresh = QPushButton(self.tr("刷新"))
        refresh.clicked.connect(self.refresh)
        for b in (self.backup_now, self.restore_selected, self.restore_file, refresh):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.empty = QLabel(self.tr("还没有备份。点“立即备份”做第一份；打开自动备份后，程序每天和退出时各备份一次。"))
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #8A7A70;")
        lay.addWidget(self.empty)
        lay.addWidget(self.table, 1)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.backups: list[backup_store.BackupInfo] = []
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.refresh()

    # -- what is there ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return current_url()

    def is_sqlite(self) -> bool:
        return bool(self.url) and sqlite_file_of(self.url) is not None

    def refresh(self) -> None:
        sqlite = self.is_sqlite()
        for b in (self.backup_now, self.restore_selected, self.restore_file):
            b.setEnabled(sqlite)
        if not context.may(Permission.RESTORE):  # restoring is the 管理员's (services/backup refuses too)
            self.restore_file.setEnabled(False)
            self.restore_file.setToolTip(self.tr("只有管理员可以从备份恢复"))
        if not sqlite:
            self.note.setText(backup_store.POSTGRES_NOTE)
            self.backups = []
            self.table.setRowCount(0)
            return
        place = str(settings.get("backup.second_place") or "").strip()
        auto = settings.get("backup.auto")
        self.note.setText(self.tr("备份存放在：{0}\n自动备份：{1}；第二存放位置：{2}（在“设置”中修改）").format(
            backups_dir(self.url),
            self.tr("开启（每天一次和退出时，保留最近7天、4周、12个月）") if auto else self.tr("关闭"),
            place or self.tr("未设置")))
        self.backups = backup_store.list_backups(self.url)
        self.table.setRowCount(len(self.backups))
        for r, b in enumerate(self.backups):
            if b.ok:
                who = (self.tr("县级汇总库（{0} 个站）").format(b.stations) if b.county
                       else f"{b.station_name}（{b.station_code}）" if b.station_code else self.tr("未设置站点"))
                cells = [who, str(b.deputies), str(b.receptions), str(b.cases), str(b.newest_reception or "—")]
            else:
                cells = [self.tr("不可用：{0}").format(b.problem), "", "", "", ""]
            values = [f"{b.taken_at:%Y-%m-%d %H:%M}", b.kind_label, _size(b.size), *cells, b.path.name]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if c in (2, 4, 5, 6):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.empty.setVisible(not self.backups)
        if self.backups:
            self.table.selectRow(0)
        self._on_selection()

    def _on_selection(self) -> None:
        """用所选备份恢复… only with a backup chosen that can be restored."""
        chosen = self.selected()
        self.restore_selected.setEnabled(self.is_sqlite() and chosen is not None and chosen.ok
                                         and context.may(Permission.RESTORE))

    # -- backing up ------------------------------------------------------------------------------
    def on_backup_now(self) -> None:
        try:
            result = backup_store.auto_backup(self.url)
        except KnownError as exc:
            QMessageBox.warning(self, self.tr("备份失败"), exc.message)
            return
        self.refresh()
        text = self.tr("已备份并校验：{0}").format(result.path)
        if result.second_copy:
            text += "\n" + self.tr("另存一份到：{0}").format(result.second_copy)
        if result.second_problem:
            text += "\n" + self.tr("第二存放位置没有备份上：{0}").format(result.second_problem)
        QMessageBox.information(self, self.tr("备份完成"), text)

    def _auto(self) -> backup_store.AutoBackupResult | None:
        """An automatic backup when switched on; never raises (logged), never blocks the clerk."""
        if not self.is_sqlite() or not settings.get("backup.auto"):
            return None
        try:
            result = backup_store.auto_backup(self.url)
        except (KnownError, pw.PeeweeException, sqlite3.Error, OSError) as exc:
            log.warning("automatic backup failed: %s", exc)
            return None
        self.refresh()
        return result

    def tick(self) -> backup_store.AutoBackupResult | None:
        """The daily backup, when today has none yet."""
        if self.is_sqlite() and backup_store.daily_due(self.url, clock.today()):
            return self._auto()
        return None

    def backup_on_exit(self) -> backup_store.AutoBackupResult | None:
        self.timer.stop()
        return self._auto()

    # -- restoring -------------------------------------------------------------------------------
    def selected(self) -> backup_store.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def on_restore_selected(self) -> None:
        b = self.selected()
        if b is None:
            QMessageBox.information(self, self.tr("恢复"), self.tr("请先在列表中选择一个备份。"))
            return
        self.restore_from(b.path)

    def on_restore_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择备份文件"), str(backups_dir(self.url)),
                                              self.tr("数据库备份 (*.db)"))
        if path:
            self.restore_from(Path(path))

    def restore_from(self, path: Path) -> bool:
        """Preview, confirm, restore. True when the database was replaced."""
        from station_app.services import backup as restore_service
        from station_app.services.backup import restore

        url = self.url
        try:
            info = backup_store.inspect(path, full=True)
            warnings = backup_store.restore_warnings(url, path)
        except KnownError as exc:
            QMessageBox.warning(self, self.tr("不能恢复"), exc.message)
            return False
        box = QMessageBox(QMessageBox.Icon.Question if not warnings else QMessageBox.Icon.Warning,
                          self.tr("从备份恢复"), self.tr("用这个备份替换当前数据库？"), parent=self)
        box.setObjectName("restorePreview")
        lines = [self.tr("备份：{0}（{1}，{2}）").format(path.name, f"{info.taken_at:%Y-%m-%d %H:%M}", _size(info.size)),
                 self.tr("内容：{0}").format(info.holds())]
        lines += ["⚠ " + self.tr("注意：{0}").format(w) for w in warnings]
        lines.append(self.tr("当前数据库会先原样另存一份，恢复后可以找回。"))
        box.setInformativeText("\n".join(lines))
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("恢复"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return False
        close_database()
        try:
            kept = restore(url, path)
        except KnownError as exc:
            open_database(url)
            QMessageBox.warning(self, self.tr("恢复失败"), exc.message)
            return False
        open_database(url)
        restore_service.note_restored(path, kept)
        self.refresh()
        self.restored.emit()
        QMessageBox.information(self, self.tr("恢复完成"),
                                self.tr("已从 {0} 恢复。原数据库另存为：{1}").format(path.name, kept))
        return True
