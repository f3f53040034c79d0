"""载入国务院节假日通知: next year's holidays from the State Council's notice, not typed by hand.

The clerk pastes the notice (国务院办公厅关于YYYY年部分节假日安排的通知) or opens it from a .txt
or .docx file; the dialog reads it as it changes and previews every day off and make-up working
day; 确定 stores it as the year's arrangement (replacing an earlier one of that year) and marks
the year entered, so 生成全年 works for it. A text that is not such a notice says why and 确定
stays disabled: nothing is stored.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from station_app.errors import KnownError
from station_app.services import holiday_notice
from station_app.ui import style

_WEEKDAYS = "一二三四五六日"


class HolidayNoticeDialog(QDialog):
    """Paste box + 打开文件… + preview table + 确定."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("载入国务院节假日安排通知"))
        self.resize(720, 620)
        self.notice = None
        self.stored = None
        lay = QVBoxLayout(self)
        hint = QLabel(self.tr("把“国务院办公厅关于××××年部分节假日安排的通知”全文粘贴到下面，或打开保存好的通知文件"
                              "（.txt 或 .docx）。确定后，该年的放假和调休上班日期即录入，原有的该年设置被替换。"))
        hint.setWordWrap(True)
        lay.addWidget(hint)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(self.tr("一、元旦：1月1日（周三）放假1天，不调休。\n二、春节：……"))
        self.text.textChanged.connect(self._on_text_changed)
        lay.addWidget(self.text, 2)
        row = QHBoxLayout()
        self.open_button = QPushButton(self.tr("打开文件…"))
        self.open_button.clicked.connect(self._on_open)
        row.addWidget(self.open_button)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        row.addWidget(self.summary, 1)
        lay.addLayout(row)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("日期"), self.tr("安排"), self.tr("节日")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        lay.addWidget(self.table, 3)
        self.message = QLabel()
        self.message.setWordWrap(True)
        style.set_text(self.message, style.RED)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("确定"))
        self.ok_button.setEnabled(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _on_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("打开通知文件"), "",
                                              self.tr("通知 (*.txt *.docx);;所有文件 (*)"))
        if not path:
            return
        try:
            text = holiday_notice.read_notice_file(path)
        except KnownError as exc:
            self.message.setText(exc.message)
            return
        self.text.setPlainText(text)

    def _on_text_changed(self) -> None:
        text = self.text.toPlainText()
        self.notice = None
        self.table.setRowCount(0)
        self.summary.clear()
        self.ok_button.setEnabled(False)
        if not text.strip():
            self.message.clear()
            return
        try:
            notice = holiday_notice.parse_notice(text)
        except KnownError as exc:
            self.message.setText(exc.message)
            return
        self.message.clear()
        self.notice = notice
        rows = []
        for h in notice.holidays:
            rows += [(d, self.tr("放假"), h.name) for d in notice.days_off if h.first <= d <= h.last]
            rows += [(d, self.tr("调休上班"), h.name) for d in h.workdays]
        rows.sort(key=lambda r: r[0])
        self.table.setRowCount(len(rows))
        for r, (d, kind, name) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(f"{d.isoformat()}（周{_WEEKDAYS[d.weekday()]}）"))
            self.table.setItem(r, 1, QTableWidgetItem(kind))
            self.table.setItem(r, 2, QTableWidgetItem(name))
        self.table.resizeColumnsToContents()
        self.summary.setText(self.tr("{0} 年：{1} 个节日，放假 {2} 天，调休上班 {3} 天").format(
            notice.year, len(notice.holidays), len(notice.days_off), len(notice.workdays)))
        self.ok_button.setEnabled(True)

    def _on_ok(self) -> None:
        if self.notice is None:
            return
        try:
            self.stored = holiday_notice.store_notice(self.notice)
        except KnownError as exc:
            self.message.setText(exc.message)
            return
        self.accept()
