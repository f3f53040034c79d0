"""节假日设置: the clerk's corrections to the holiday calendar, and next year's arrangement.

The State Council announces the next year's holidays and 调休 each November; the bundled
calendar stops at the last year it knows. Here the clerk enters each day off (放假) and each
working weekend day (调休上班), then ticks "已录入全年安排" so that year can be scheduled.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from station_app.domain.schedule import HOLIDAY, WORKDAY
from station_app.errors import KnownError
from station_app.services import activity
from station_app.ui import style
from station_app.ui.dates import limit_date_edit
from station_app.ui.forms import cell

KIND_LABELS = {HOLIDAY: "放假", WORKDAY: "调休上班"}


class HolidayDialog(QDialog):
    def __init__(self, year: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("节假日设置"))
        self.resize(560, 480)
        lay = QVBoxLayout(self)
        note = QLabel(self.tr("程序自带的节假日安排只到已公布的年份。国务院公布下一年的放假和调休安排后，"
                              "请在这里逐日录入，并勾选“已录入全年安排”，才能为那一年生成活动日。"))
        note.setWordWrap(True)
        lay.addWidget(note)
        row = QHBoxLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.year.setSuffix(self.tr(" 年"))
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.entered = QCheckBox(self.tr("已录入全年安排"))
        self.entered.toggled.connect(self._on_entered)
        self.covered = QLabel()
        row.addWidget(self.year)
        row.addWidget(self.entered)
        row.addWidget(self.covered, 1)
        lay.addLayout(row)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("日期"), self.tr("安排"), self.tr("说明")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        lay.addWidget(self.table, 1)
        add = QHBoxLayout()
        self.date = limit_date_edit(QDateEdit(QDate(year, 1, 1)))
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setCalendarPopup(True)
        self.kind = QComboBox()
        for code, label in KIND_LABELS.items():
            self.kind.addItem(self.tr(label), code)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("如：春节"))
        self.add_button = QPushButton(self.tr("添加"))
        self.add_button.clicked.connect(self._on_add)
        self.remove_button = QPushButton(self.tr("删除所选"))
        self.remove_button.clicked.connect(self._on_remove)
        for w in (self.date, self.kind, self.note, self.add_button, self.remove_button):
            add.addWidget(w)
        lay.addLayout(add)
        self.message = QLabel()
        style.set_text(self.message, style.RED)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        y = self.year.value()
        rows = activity.holiday_overrides(y)
        self.table.setRowCount(len(rows))
        for r, (day, kind, note) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(day.isoformat()))
            self.table.setItem(r, 1, QTableWidgetItem(self.tr(KIND_LABELS[kind])))
            self.table.setItem(r, 2, QTableWidgetItem(note))
        self.entered.blockSignals(True)
        self.entered.setChecked(activity.year_entered(y))
        self.entered.blockSignals(False)
        known = activity.holiday_calendar().covers(y)
        self.covered.setText(self.tr("可以为 {0} 年生成活动日").format(y) if known
                             else self.tr("{0} 年的节假日安排尚未收录").format(y))

    def _on_add(self) -> None:
        q = self.date.date()
        try:
            activity.set_holiday_override(dt.date(q.year(), q.month(), q.day()), self.kind.currentData(), self.note.text())
        except KnownError as exc:
            self.message.setText(exc.message)
            return
        self.message.clear()
        self.refresh()

    def _on_remove(self) -> None:
        for index in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            activity.set_holiday_override(dt.date.fromisoformat(cell(self.table, index, 0).text()), None)
        self.refresh()

    def _on_entered(self, checked: bool) -> None:
        activity.mark_year_entered(self.year.value(), checked)
        self.refresh()
