"""民生实事 → 评单 (人大评单): at year end each deputy rates each approved project (满意/基本满意/
不满意); the tally and the 再督办 flag (more 不满意 than the other two together) per project; 转入
下一年度再督办 carries the flagged ones over."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.domain.livelihood import APPROVED_STATUSES, ProjectRating, RatingResult
from station_app.services import deputies, livelihood
from station_app.services.deputies import DeputyFilter
from station_app.ui import style

NOT_RATED = ""


class RatingTab(QWidget):
    """评单: one project at a time, a row per deputy."""

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.result: RatingResult | None = None
        self.people: list = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 6, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("项目：")))
        self.projects = QComboBox()
        self.projects.currentIndexChanged.connect(self._on_project)
        top.addWidget(self.projects, 1)
        lay.addLayout(top)
        self.grid = QTableWidget(0, 3)
        self.grid.setHorizontalHeaderLabels([self.tr("代表"), self.tr("评价"), self.tr("意见")])
        self.grid.verticalHeader().hide()
        self.grid.verticalHeader().setDefaultSectionSize(30)
        self.grid.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.grid, 1)
        self.tally = QLabel()
        self.tally.setWordWrap(True)
        lay.addWidget(self.tally)
        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("保存评价"))
        self.save_button.clicked.connect(self.save)
        self.carry_button = QPushButton(self.tr("不满意项目转入下一年度再督办"))
        self.carry_button.clicked.connect(self.carry_over)
        row.addWidget(self.save_button)
        row.addWidget(self.carry_button)
        row.addStretch(1)
        lay.addLayout(row)

    def refresh(self) -> None:
        page = self.page
        keep = self.projects.currentData()
        self.projects.blockSignals(True)
        self.projects.clear()
        if page.has_view:
            for p in livelihood.list_projects(page.year(), page.view_code, APPROVED_STATUSES):
                self.projects.addItem(p.title + (f"（{p.station_code}）" if page.county_view else ""), p.uid)
        self.projects.blockSignals(False)
        index = max(0, self.projects.findData(keep)) if self.projects.count() else -1
        self.projects.setCurrentIndex(index)
        self._on_project(index)
        self.carry_button.setEnabled(page.writable)

    def _on_project(self, index: int) -> None:
        uid = self.projects.itemData(index) if index >= 0 else None
        self.result = livelihood.rating_result(uid) if uid else None
        project = livelihood.get_project(uid) if uid else None
        self.people = deputies.all_deputies(DeputyFilter(active=True, station_code=project.station_code)) \
            if project else []
        given = {line.deputy_uid: line for line in self.result.lines} if self.result else {}
        self.grid.setRowCount(len(self.people))
        for r, d in enumerate(self.people):
            self.grid.setItem(r, 0, QTableWidgetItem(d.name))
            box = QComboBox()
            box.addItem(self.tr("（未评）"), NOT_RATED)
            for rating in ProjectRating:
                box.addItem(rating.label, rating.value)
            line = given.get(d.uid)
            box.setCurrentIndex(box.findData(line.rating) if line else 0)
            box.setEnabled(self.page.writable)
            self.grid.setCellWidget(r, 1, box)
            self.grid.setItem(r, 2, QTableWidgetItem(line.note if line else ""))
        self.save_button.setEnabled(self.page.writable and uid is not None)
        self._show_tally()

    def set_rating(self, deputy_uid: str, rating: str) -> None:
        r = [d.uid for d in self.people].index(deputy_uid)
        box = self.grid.cellWidget(r, 1)
        box.setCurrentIndex(box.findData(rating))

    def _show_tally(self) -> None:
        res = self.result
        if res is None:
            self.tally.setText(self.tr("本年度还没有票决通过的项目。"))
            style.set_text(self.tally, style.HINT)
            return
        t = res.tally
        text = self.tr("评价 {0} 人：满意 {1}，基本满意 {2}，不满意 {3}。").format(
            t.total, t.satisfied, t.basically_satisfied, t.dissatisfied)
        if res.redo:
            text += self.tr("不满意多于满意与基本满意之和：列为下一年度再督办项目。")
        self.tally.setText(text)
        style.set_text(self.tally, style.RED if res.redo else None, bold=res.redo)

    def save(self) -> None:
        uid = self.projects.currentData()
        if not uid:
            return
        try:
            for r, d in enumerate(self.people):
                rating = self.grid.cellWidget(r, 1).currentData()
                if rating:
                    note = self.grid.item(r, 2).text() if self.grid.item(r, 2) else ""
                    livelihood.rate(uid, d.uid, rating, note)
        except Exception as exc:  # noqa: BLE001 - messages on the page's line, bugs to report()
            self.page.failed(exc)
            return
        self.page.say(self.tr("已保存评价"))
        self._on_project(self.projects.currentIndex())

    def carry_over(self) -> None:
        try:
            made = livelihood.carry_over(self.page.year())
        except Exception as exc:  # noqa: BLE001
            self.page.failed(exc)
            return
        self.page.say(self.tr("已将 {0} 个项目转入{1}年再督办").format(len(made), self.page.year() + 1))
        self.page.changed_here()
