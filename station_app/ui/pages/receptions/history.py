"""接待登记: the visitor's earlier visits and opinions beside the form."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.codes import CaseStatus
from station_app.services import receptions
from station_app.ui import style
from station_app.ui.forms import (
    cell,
    one_line,
)
from station_app.ui.pages.receptions.common import ReceptionsPart


class VisitorHistory(ReceptionsPart):
    """The visitor's history of :class:`ReceptionsPage`."""

    def _build_history(self) -> QWidget:
        box = QGroupBox(self.tr("以往来访"))
        box.setMinimumWidth(300)
        hl = QVBoxLayout(box)
        self.history_title = QLabel(self.tr("输入来访人姓名或电话后，这里显示以往来访和未办结的意见建议"))
        self.history_title.setWordWrap(True)
        hl.addWidget(self.history_title)
        self.history_visits = QTableWidget(0, 2)
        self.history_visits.setHorizontalHeaderLabels([self.tr("日期"), self.tr("接待情况")])
        self.history_cases_label = QLabel(self.tr("未办结的意见建议"))
        self.history_cases_label.setStyleSheet("font-weight: bold;")
        self.history_cases = QTableWidget(0, 4)
        self.history_cases.setHorizontalHeaderLabels([self.tr("编号"), self.tr("状态"), self.tr("承办单位"),
                                                      self.tr("期限")])
        for t in (self.history_visits, self.history_cases):
            t.verticalHeader().hide()
            t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            t.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            t.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
            t.horizontalHeader().setStretchLastSection(True)
            t.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.history_visits.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for c in (0, 1, 2):
            self.history_cases.horizontalHeader().setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        hl.addWidget(self.history_visits, 3)
        hl.addWidget(self.history_cases_label)
        hl.addWidget(self.history_cases, 2)
        return box

    def update_history(self) -> None:
        """Earlier visits and open 意见建议 of the person typed (by phone, else by name)."""
        if not self._ready:
            return
        name, phone = self.name.text().strip(), self.phone.text().strip()
        key = (name, phone)
        if key == self._history_key:
            return
        self._history_key = key
        if not name and not phone:
            self._show_history(None)
            return
        self._show_history(receptions.visitor_history(name, phone))

    def _show_history(self, hist: receptions.VisitorHistory | None) -> None:
        self.history_visits.setRowCount(0)
        self.history_cases.setRowCount(0)
        if hist is None:
            self.history_title.setText(self.tr("输入来访人姓名或电话后，这里显示以往来访和未办结的意见建议"))
            return
        if not hist.visits:
            self.history_title.setText(self.tr("没有查到以往来访记录（首次来访）"))
            return
        who = "，".join(p for p in (hist.visitor_phone, hist.village) if p)
        more = self.tr("{0} 次以上").format(len(hist.visits)) if len(hist.visits) >= 10 else str(len(hist.visits))
        self.history_title.setText(self.tr("老朋友：{0}（{1}）以前来过 {2} 次").format(hist.visitor_name, who, more)
                                   if who else self.tr("老朋友：{0} 以前来过 {1} 次").format(hist.visitor_name, more))
        style.set_text(self.history_title, style.DARK_RED, bold=True)
        self.history_visits.setRowCount(len(hist.visits))
        for r, v in enumerate(hist.visits):
            self.history_visits.setItem(r, 0, QTableWidgetItem(clock.to_local(v.received_at).strftime("%Y-%m-%d")))
            item = QTableWidgetItem(one_line(v.summary, 60) or self.tr("（未填写）"))
            item.setToolTip(v.summary)
            self.history_visits.setItem(r, 1, item)
        self.history_cases.setRowCount(len(hist.open_cases))
        today = clock.today()
        for r, c in enumerate(hist.open_cases):
            values = (c.number, CaseStatus.label_of(c.status), c.department, c.deadline.isoformat() if c.deadline else "")
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(c.content)
                if col == 3 and c.is_overdue(today):
                    item.setForeground(style.qcolor(style.RED))
                self.history_cases.setItem(r, col, item)
        self.history_cases_label.setText(self.tr("未办结的意见建议（{0} 条）").format(len(hist.open_cases)))

    def history_cases_numbers(self) -> list[str]:
        return [cell(self.history_cases, r, 0).text() for r in range(self.history_cases.rowCount())]
