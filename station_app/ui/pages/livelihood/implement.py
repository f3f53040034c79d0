"""民生实事 → 实施督查 (政府办单): the approved projects with budget, progress and department; the
milestones of the one chosen (planned/actual; overdue ones in red); its 督查 — activity days of kind
民生实事督查 linked to it with their findings and photos; and the year's 公示 PDF."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.codes import ActivityKind
from station_app.domain.livelihood import APPROVED_STATUSES, ProjectRecord, yuan
from station_app.services import activity, livelihood, livelihood_print
from station_app.ui import style
from station_app.ui.dates import limit_date_edit
from station_app.ui.forms import qdate
from station_app.ui.pages.livelihood.common import Rows


def _date_edit() -> QDateEdit:
    edit = limit_date_edit(QDateEdit())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(qdate(clock.today()))
    return edit


class ImplementTab(QWidget):
    """实施督查."""

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.current: ProjectRecord | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 6, 0, 0)
        self.model = Rows([
            (self.tr("站点"), lambda p: p.station_code, None),
            (self.tr("项目名称"), lambda p: p.title, None),
            (self.tr("责任单位"), lambda p: p.department, None),
            (self.tr("预算"), lambda p: yuan(p.budget) or yuan(p.estimated_cost) or "—", None),
            (self.tr("进度"), lambda p: f"{p.progress}%", None),
            (self.tr("状态"), lambda p: p.status_label, None),
        ], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_select)
        lay.addWidget(self.table, 2)

        prog = QHBoxLayout()
        self.heading = QLabel(self.tr("在上面选择一个票决通过的项目"))
        style.set_text(self.heading, style.DARK_RED, bold=True)
        prog.addWidget(self.heading, 1)
        prog.addWidget(QLabel(self.tr("预算（元）：")))
        self.budget = QLineEdit()
        self.budget.setFixedWidth(110)
        prog.addWidget(self.budget)
        prog.addWidget(QLabel(self.tr("进度：")))
        self.progress = QSpinBox()
        self.progress.setRange(0, 100)
        self.progress.setSuffix("%")
        prog.addWidget(self.progress)
        self.progress_button = QPushButton(self.tr("保存进度"))
        self.progress_button.clicked.connect(self.save_progress)
        prog.addWidget(self.progress_button)
        lay.addLayout(prog)

        self.ms_model = Rows([
            (self.tr("节点"), lambda m: m.title, None),
            (self.tr("计划完成"), lambda m: m.planned_date.isoformat(), lambda m: style.RED if m.overdue else None),
            (self.tr("实际完成"), lambda m: m.actual_date.isoformat() if m.actual_date else "—", None),
            (self.tr("情况"), lambda m: (self.tr("已完成") if m.actual_date else
                                        (self.tr("已逾期") if m.overdue else self.tr("未完成"))),
             lambda m: style.RED if m.overdue else (style.GREEN if m.actual_date else None)),
        ], self)
        self.ms_table = QTableView()
        self.ms_table.setModel(self.ms_model)
        self.ms_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.ms_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.ms_table.verticalHeader().hide()
        self.ms_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.ms_table, 2)
        ms = QHBoxLayout()
        self.ms_title = QLineEdit()
        self.ms_title.setPlaceholderText(self.tr("节点名称，如 完成招标"))
        self.ms_planned = _date_edit()
        self.add_ms_button = QPushButton(self.tr("添加节点"))
        self.add_ms_button.clicked.connect(self.add_milestone)
        self.ms_done = _date_edit()
        self.done_ms_button = QPushButton(self.tr("所选节点已完成"))
        self.done_ms_button.clicked.connect(self.complete_milestone)
        for w in (self.ms_title, QLabel(self.tr("计划：")), self.ms_planned, self.add_ms_button,
                  QLabel(self.tr("实际：")), self.ms_done, self.done_ms_button):
            ms.addWidget(w)
        lay.addLayout(ms)

        self.insp_model = Rows([
            (self.tr("督查日期"), lambda i: i.date.isoformat(), None),
            (self.tr("参加代表"), lambda i: "、".join(i.present_names) or "—", None),
            (self.tr("发现的问题和意见"), lambda i: i.findings or "—", None),
            (self.tr("照片"), lambda i: self.tr("{0} 张").format(i.photos), None),
        ], self)
        self.insp_table = QTableView()
        self.insp_table.setModel(self.insp_model)
        self.insp_table.verticalHeader().hide()
        self.insp_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.insp_table, 1)
        insp = QHBoxLayout()
        self.days = QComboBox()
        self.days.setToolTip(self.tr("活动日页中活动形式为“民生实事督查”的活动日"))
        self.findings = QLineEdit()
        self.findings.setPlaceholderText(self.tr("督查发现的问题和意见"))
        self.link_button = QPushButton(self.tr("记录督查"))
        self.link_button.clicked.connect(self.link_inspection)
        self.publicity_button = QPushButton(self.tr("打印项目公示…"))
        self.publicity_button.clicked.connect(self.print_publicity)
        for w in (QLabel(self.tr("督查活动日：")), self.days):
            insp.addWidget(w)
        insp.addWidget(self.findings, 1)
        insp.addWidget(self.link_button)
        insp.addWidget(self.publicity_button)
        lay.addLayout(insp)

    # -- reading --------------------------------------------------------------------------------
    def refresh(self) -> None:
        page = self.page
        keep = self.current.uid if self.current else None
        self.table.setColumnHidden(0, not page.county_view)
        rows = livelihood.list_projects(page.year(), page.view_code, APPROVED_STATUSES) if page.has_view else []
        self.model.set_rows(rows)
        self.days.clear()
        if page.view_code is not None:
            year = page.year()
            for d in activity.days_in_range(dt.date(year, 1, 1), dt.date(year, 12, 31),
                                            include_cancelled=False, station_code=page.view_code):
                if d.kind == ActivityKind.LIVELIHOOD.value:
                    self.days.addItem(f"{d.date.isoformat()}　{d.theme or ''}", d.uid)
        found = [i for i, p in enumerate(rows) if p.uid == keep]
        if found:
            self.table.selectRow(found[0])
        self.show_project(rows[found[0]] if found else None)

    def _on_select(self, *_a) -> None:
        idx = self.table.selectionModel().selectedRows()
        self.show_project(self.model.rows[idx[0].row()] if idx else None)

    def select(self, project_uid: str) -> None:
        for i, p in enumerate(self.model.rows):
            if p.uid == project_uid:
                self.table.selectRow(i)

    def show_project(self, p: ProjectRecord | None) -> None:
        self.current = p
        w = self.page.writable and p is not None
        for b in (self.progress_button, self.add_ms_button, self.done_ms_button, self.link_button,
                  self.budget, self.progress, self.ms_title):
            b.setEnabled(w)
        self.publicity_button.setEnabled(self.page.has_view)
        if p is None:
            self.heading.setText(self.tr("在上面选择一个票决通过的项目"))
            self.ms_model.set_rows([])
            self.insp_model.set_rows([])
            return
        self.heading.setText(p.title)
        self.budget.setText(f"{p.budget / 100:g}" if p.budget is not None else "")
        self.progress.setValue(p.progress)
        self.ms_model.set_rows(livelihood.milestones(p.uid))
        self.insp_model.set_rows(livelihood.inspections(p.uid))

    # -- changing -------------------------------------------------------------------------------
    def _do(self, fn, done_text: str) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - messages on the page's line, bugs to report()
            self.page.failed(exc)
            return
        self.page.say(done_text)
        self.page.changed_here()

    def _project(self) -> ProjectRecord:
        """The project chosen (the buttons acting on one are enabled only while one is)."""
        assert self.current is not None, "no project is chosen"
        return self.current

    def save_progress(self) -> None:
        p = self._project()
        budget = self.budget.text().strip() or None
        self._do(lambda: livelihood.update_progress(p.uid, self.progress.value(), budget=budget),
                 self.tr("已保存进度：{0}%").format(self.progress.value()))

    def add_milestone(self) -> None:
        p = self._project()
        self._do(lambda: livelihood.add_milestone(p.uid, self.ms_title.text(), self.ms_planned.date().toPython()),
                 self.tr("已添加节点：{0}").format(self.ms_title.text().strip()))
        self.ms_title.clear()

    def complete_milestone(self) -> None:
        idx = self.ms_table.selectionModel().selectedRows()
        if not idx:
            self.page.say(self.tr("请先在节点列表中选择一个节点"), error=True)
            return
        m = self.ms_model.rows[idx[0].row()]
        self._do(lambda: livelihood.complete_milestone(m.uid, self.ms_done.date().toPython()),
                 self.tr("节点“{0}”已完成").format(m.title))

    def link_inspection(self) -> None:
        p, day = self._project(), self.days.currentData()
        if not day:
            self.page.say(self.tr("请先在活动日页安排一次“民生实事督查”活动日"), error=True)
            return
        self._do(lambda: livelihood.link_inspection(day, p.uid, self.findings.text().strip()), self.tr("已记录督查"))

    def print_publicity(self) -> None:
        year, code = self.page.year(), self.page.view_code
        title = self.tr("{0}年民生实事项目实施情况公示").format(year)
        self.page.ask_pdf(lambda path: livelihood_print.print_publicity(year, path, code), f"{title}.pdf", title)
