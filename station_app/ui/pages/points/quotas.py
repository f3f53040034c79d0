"""履职积分 › 任务完成情况: who is behind the quarter's and year's tasks."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.services.scoring import QuotaShortfall
from station_app.ui.forms import read_only_table, table_item, table_texts
from station_app.ui.pages.points.common import (
    RED,
    PointsTab,
)


class QuotasTab(PointsTab):
    """The 任务完成情况 tab of :class:`PointsPage`."""

    def _build_tasks(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(8, 8, 8, 8)
        self.tasks_summary = QLabel()
        self.tasks_summary.setWordWrap(True)
        lay.addWidget(self.tasks_summary)
        self.tasks_table = read_only_table([self.tr("代表"), self.tr("任务"), self.tr("期间"), self.tr("已完成"),
                                            self.tr("要求")], stretch=1, single=True)
        self.tasks_table.setToolTip(self.tr("双击查看代表的履职档案"))
        lay.addWidget(self.tasks_table, 1)
        self.tasks_table.cellDoubleClicked.connect(self._on_task_double_clicked)
        return w

    # -- 任务完成情况 --------------------------------------------------------------------------------
    def _tasks_day(self) -> dt.date:
        today = clock.today()
        year = self.year.value()
        return today if year >= today.year else dt.date(year, 12, 31)

    def _fill_tasks(self, shortfalls: list[QuotaShortfall]) -> None:
        """Show the tasks not done (read with the rest of the year on the page's worker)."""
        day = self._tasks_day()
        self._shortfalls = shortfalls
        rows = self._shortfalls
        t = self.tasks_table
        t.setRowCount(len(rows))
        for r, q in enumerate(rows):
            values = (table_item(q.name), table_item(q.quota), table_item(q.period_label, True),
                      table_item(str(q.have), True, QColor(RED)), table_item(str(q.need), True))
            values[0].setData(Qt.ItemDataRole.UserRole, q.deputy_uid)
            for c, item in enumerate(values):
                t.setItem(r, c, item)
        people = len({q.deputy_uid for q in rows})
        if day.year != self.year.value():
            text = self.tr("{0}年还未开始。").format(self.year.value())
        elif rows:
            text = self.tr("截至 {0}：{1} 名代表共 {2} 项任务未完成（本季度的任务按本季度计，全年的任务按年初至今计）").format(
                day.isoformat(), people, len(rows))
        else:
            text = self.tr("截至 {0}：全部在任代表均已完成本期履职任务。").format(day.isoformat())
        self.tasks_summary.setText(text)

    def task_rows(self) -> list[tuple[str, ...]]:
        return [tuple(row) for row in table_texts(self.tasks_table)]

    def _on_task_double_clicked(self, row: int, _col: int) -> None:
        if 0 <= row < len(self._shortfalls):
            self.show_deputy(self._shortfalls[row].deputy_uid)
