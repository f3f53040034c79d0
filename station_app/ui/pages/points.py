"""履职积分: the year's ranking (百分制 and grade), each deputy's 履职档案 (score, charts by category
and by month, the records behind the score with their evidence, 录入 / 审核 / 退回 / 删除), who is
behind the quarter's and year's tasks, and the year's indicators (import / export / default) with
the explicit, previewed 重新计算.

Every figure comes from ``services/scoring``: the page never adds points itself, and the archive's
合计 is the sum of the 计入 column, which equals the score shown. Showing or refreshing the page
runs ``scoring.sync_auto`` first, so sign-ins and visits recorded elsewhere count at once.

Signals:
    changed(): records, reviews or rules changed (首页 follows)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QHorizontalBarSeries
from PySide6.QtCore import QSettings, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.codes import levels_label
from station_app.domain.scoring import AUTO_SOURCES, CATEGORIES, MANUAL, PERIODS, RuleSet, default_rules
from station_app.errors import KnownError
from station_app.services import deputies, scoring
from station_app.services.deputies import DeputyFilter
from station_app.services.scoring import DeputyScore, DutyRecordView, QuotaShortfall
from station_app.ui import charts, tasks
from station_app.ui.dialogs.duty_record_dialog import fmt_points
from station_app.ui.excel_export import ExcelExport, table_sheet
from station_app.ui.forms import read_only_table, show_message, table_item
from station_app.ui.pdfview import SavedPdfDialog
from station_app.ui.station_view import StationViewMixin

STYLE = charts.CHART_VIEW_STYLE + """
#banner { background: #FFF4E5; border: 1px solid #F0B45A; border-radius: 4px; }
#bannerText { color: #8A4B00; font-weight: bold; }
#scoreLine { font-size: 12pt; }
#profileLine { color: #555; }
#explainLine { font-size: 11pt; color: #8B0000; font-weight: bold; }
#sectionTitle { color: #8B0000; font-weight: bold; font-size: 11pt; }
#rulesState { color: #555; }
#pointsMessage[kind="error"] { color: #C00000; }
#pointsMessage[kind="info"] { color: #2E7D32; }
"""

TABS = ("ranking", "archive", "tasks", "rules")
RED = "#C00000"
GREEN = "#2E7D32"
PENDING = QColor("#B35C00")
MUTED = QColor("#999999")
CHART_HEIGHT = 230

# archive records table columns
R_DATE, R_IND, R_CAT, R_QTY, R_PTS, R_COUNTED, R_SOURCE, R_STATE, R_NOTE, R_EVIDENCE = range(10)


class PointsPage(StationViewMixin, QWidget):
    """Signals:
        changed(): records, reviews or rules changed
    """

    refreshes_on_show = True  # its showEvent refreshes: the station in view is caught up there

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setStyleSheet(STYLE)
        self._ready = False
        self._busy = False
        self._ranking: list[DeputyScore] = []
        self._status: scoring.YearStatus | None = None
        self._records: list[DutyRecordView] = []
        self._shortfalls: list[QuotaShortfall] = []
        self._score: DeputyScore | None = None
        self._deputy_uid: str | None = None
        self._rules: RuleSet | None = None
        self.preview_dialog: SavedPdfDialog | None = None
        self.month_values: list[float] = []
        self.category_values: dict[str, float] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 8)
        head = QHBoxLayout()
        title = QLabel(self.tr("履职积分"))
        title.setObjectName("pageTitle")
        head.addWidget(title)
        head.addSpacing(16)
        head.addWidget(QLabel(self.tr("年度：")))
        self.year = QSpinBox()
        today = clock.today()
        self.year.setRange(2000, today.year + 1)
        self.year.setValue(today.year)
        self.year.setSuffix(self.tr(" 年"))
        head.addWidget(self.year)
        head.addSpacing(12)
        # 年度未结束 / 已年度评定 and the date the figures run to, on every tab; the 年度评定 step
        self.year_state = QLabel()
        self.year_state.setObjectName("yearState")
        head.addWidget(self.year_state)
        self.close_year_button = QPushButton(self.tr("年度评定…"))
        self.close_year_button.setObjectName("closeYear")
        head.addWidget(self.close_year_button)
        head.addStretch(1)
        outer.addLayout(head)

        self.banner = QFrame()
        self.banner.setObjectName("banner")
        bl = QHBoxLayout(self.banner)
        bl.setContentsMargins(10, 6, 10, 6)
        self.banner_text = QLabel(self.tr("指标已修改，积分尚未重新计算"))
        self.banner_text.setObjectName("bannerText")
        self.banner_button = QPushButton(self.tr("重新计算…"))
        self.banner_button.setObjectName("bannerRecompute")
        bl.addWidget(self.banner_text)
        bl.addStretch(1)
        bl.addWidget(self.banner_button)
        self.banner.hide()
        outer.addWidget(self.banner)
        self.message = QLabel()
        self.message.setObjectName("pointsMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_ranking(), self.tr("排名"))
        self.tabs.addTab(self._build_archive(), self.tr("代表档案"))
        self.tabs.addTab(self._build_tasks(), self.tr("任务完成情况"))
        self.tabs.addTab(self._build_rules(), self.tr("指标设置"))
        outer.addWidget(self.tabs, 1)

        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.banner_button.clicked.connect(self.open_recompute)
        # filled when shown (showEvent): building the main window writes nothing

    # -- building ------------------------------------------------------------------------------------
    def _build_ranking(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(8, 8, 8, 8)
        bar = QHBoxLayout()
        self.ranking_summary = QLabel()
        self.ranking_summary.setWordWrap(True)  # a small screen wraps it instead of widening the page
        bar.addWidget(self.ranking_summary, 1)
        self.print_ranking_button = QPushButton(self.tr("打印排名表PDF…"))
        self.print_ranking_button.setToolTip(self.tr("把本年度的积分排名表保存为PDF并预览（Ctrl+P）"))
        bar.addWidget(self.print_ranking_button)
        self.excel = ExcelExport(self, lambda: self.tr("{0}年履职积分排名.xlsx").format(self.year.value()),
                                 lambda: [table_sheet(self.tr("{0}年积分排名").format(self.year.value()),
                                                      self.ranking_table)])
        bar.addWidget(self.excel.button)
        lay.addLayout(bar)
        self.ranking_table = read_only_table(self._ranking_headers(CATEGORIES), single=True)
        self.ranking_table.setToolTip(self.tr("双击查看代表的履职档案"))
        lay.addWidget(self.ranking_table, 1)
        self.formula = QLabel()
        self.formula.setWordWrap(True)
        self.formula.setStyleSheet("color: #666;")
        lay.addWidget(self.formula)
        self.print_ranking_button.clicked.connect(self.request_print_ranking)
        self.close_year_button.clicked.connect(self.request_year_closing)
        self.ranking_table.itemSelectionChanged.connect(self._on_ranking_selected)
        self.ranking_table.cellDoubleClicked.connect(lambda r, _c: self._open_archive_row(r))
        return w

    def _build_archive(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(8, 8, 8, 4)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("代表：")))
        self.deputy = QComboBox()
        self.deputy.setPlaceholderText(self.tr("（暂无代表）"))  # shown when the station has none
        self.deputy.setMinimumContentsLength(6)
        self.deputy.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        top.addWidget(self.deputy)
        self.profile = QLabel()
        self.profile.setObjectName("profileLine")
        top.addSpacing(8)
        top.addWidget(self.profile, 1)
        self.print_archive_button = QPushButton(self.tr("打印履职档案PDF…"))
        self.print_archive_button.setToolTip(self.tr("把这位代表本年度的履职档案保存为PDF并预览（Ctrl+P）"))
        top.addWidget(self.print_archive_button)
        lay.addLayout(top)
        self.score_line = QLabel()
        self.score_line.setObjectName("scoreLine")
        self.score_line.setTextFormat(Qt.TextFormat.RichText)
        self.score_line.setWordWrap(True)  # the 合格进度 line is long: wrap it on a small screen
        lay.addWidget(self.score_line)

        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        chart_box = QWidget()
        cl = QHBoxLayout(chart_box)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(8)
        self.category_view = charts.chart_view(170)
        self.month_view = charts.chart_view(170)
        cl.addWidget(self.category_view, 2)
        cl.addWidget(self.month_view, 3)
        split.addWidget(chart_box)

        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 4, 0, 0)
        self.records_table = read_only_table([self.tr("日期"), self.tr("指标"), self.tr("类别"), self.tr("数量"),
                                              self.tr("分值"), self.tr("计入"), self.tr("来源"), self.tr("审核状态"),
                                              self.tr("说明"), self.tr("佐证")], stretch=R_NOTE, single=True)
        self.records_table.setMinimumHeight(140)
        bl.addWidget(self.records_table, 1)
        foot = QHBoxLayout()
        self.explain = QLabel()
        self.explain.setObjectName("explainLine")
        self.explain.setToolTip(self.tr("计入：每条记录按指标的年度上限封顶后计入年度积分的分值；待审核的记录不计入"))
        foot.addWidget(self.explain)
        foot.addStretch(1)
        self.add_button = QPushButton(self.tr("录入履职记录…"))
        self.approve_button = QPushButton(self.tr("审核通过"))
        self.reject_button = QPushButton(self.tr("退回…"))
        self.delete_button = QPushButton(self.tr("删除"))
        self.evidence_button = QPushButton(self.tr("查看佐证"))
        for b in (self.add_button, self.approve_button, self.reject_button, self.delete_button, self.evidence_button):
            foot.addWidget(b)
        bl.addLayout(foot)
        split.addWidget(bottom)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([CHART_HEIGHT, 400])
        lay.addWidget(split, 1)

        self.deputy.currentIndexChanged.connect(self._on_deputy_changed)
        self.records_table.itemSelectionChanged.connect(self._update_record_buttons)
        self.records_table.cellDoubleClicked.connect(self._on_record_double_clicked)
        self.add_button.clicked.connect(self.add_record)
        self.approve_button.clicked.connect(self.approve_selected)
        self.reject_button.clicked.connect(self.reject_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.evidence_button.clicked.connect(lambda: self.open_evidence(self.selected_record()))
        self.print_archive_button.clicked.connect(self.request_print_archive)
        return w

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

    def _build_rules(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(8, 8, 8, 8)
        bar = QHBoxLayout()
        self.rules_state = QLabel()
        self.rules_state.setObjectName("rulesState")
        self.rules_state.setWordWrap(True)
        bar.addWidget(self.rules_state, 1)
        self.import_button = QPushButton(self.tr("导入指标文件…"))
        self.export_button = QPushButton(self.tr("导出指标文件…"))
        self.default_button = QPushButton(self.tr("恢复默认"))
        self.recompute_button = QPushButton(self.tr("重新计算…"))
        self.recompute_button.setToolTip(self.tr("先列出将要变化的记录和积分，确定后才写入"))
        for b in (self.import_button, self.export_button, self.default_button, self.recompute_button):
            bar.addWidget(b)
        lay.addLayout(bar)
        t = QLabel(self.tr("积分指标"))
        t.setObjectName("sectionTitle")
        lay.addWidget(t)
        self.indicators_table = read_only_table([self.tr("代码"), self.tr("名称"), self.tr("类别"), self.tr("分值"),
                                                 self.tr("年度上限"), self.tr("来源"), self.tr("单位"), self.tr("需佐证")],
                                                stretch=5, single=True)
        lay.addWidget(self.indicators_table, 3)
        row = QHBoxLayout()
        left = QVBoxLayout()
        t = QLabel(self.tr("履职任务"))
        t.setObjectName("sectionTitle")
        left.addWidget(t)
        self.quotas_table = read_only_table([self.tr("任务"), self.tr("计数来源"), self.tr("周期"), self.tr("至少")],
                                            stretch=1, single=True)
        left.addWidget(self.quotas_table)
        row.addLayout(left, 3)
        right = QVBoxLayout()
        t = QLabel(self.tr("等次"))
        t.setObjectName("sectionTitle")
        right.addWidget(t)
        self.grades_table = read_only_table([self.tr("等次"), self.tr("百分制不低于")], stretch=0, single=True)
        right.addWidget(self.grades_table)
        row.addLayout(right, 1)
        lay.addLayout(row, 2)
        self.import_button.clicked.connect(self.request_import)
        self.export_button.clicked.connect(self.request_export)
        self.default_button.clicked.connect(self.restore_default)
        self.recompute_button.clicked.connect(self.open_recompute)
        return w

    # -- navigation ----------------------------------------------------------------------------------
    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(TABS.index(key))

    def current_tab(self) -> str:
        return TABS[self.tabs.currentIndex()]

    def current_year(self) -> int:
        return self.year.value()

    def set_year(self, year: int) -> None:
        """Show ``year`` (refreshes when it changes)."""
        if self.year.value() != year:
            self.year.setValue(year)

    def show_deputy(self, uid: str) -> bool:
        """The 代表档案 tab for this deputy."""
        i = self.deputy.findData(uid)
        if i < 0:
            return False
        self.show_tab("archive")
        if i != self.deputy.currentIndex():
            self.deputy.setCurrentIndex(i)
        else:
            self._show_archive()
        return True

    # -- data ----------------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self._show_message("", "info")
        self.refresh()  # sign-ins and visits recorded elsewhere count at once

    def refresh(self) -> None:
        """Bring the automatic records up to date, then show the year's ranking, the archive of the
        deputy picked, the tasks and the indicators."""
        self._ready = self.has_view and not self.county_view
        if not self._ready:
            self._show_message(self.tr("全县：请在上方选择一个联络站查看它的代表履职积分（全县代表排名见“数据交换 → 各站情况”）")
                               if self.county_view else self.tr("请先在“设置”中填写站点信息"),
                               "info" if self.county_view else "error")
            self._ranking, self._records, self._shortfalls = [], [], []
            self.ranking_table.setRowCount(0)
            self.records_table.setRowCount(0)
            self.tasks_table.setRowCount(0)
            self.banner.hide()
            self._set_enabled(False)
            return
        self._set_enabled(True)
        year = self.year.value()
        code = self.view_code
        try:
            if self.writable:  # another station's records are those its packages brought
                scoring.sync_auto(year)
            self._ranking = scoring.ranking(year, station_code=code)
            self._status = scoring.year_status(year, code)
            self._rules = scoring.rules(year) if self.writable else scoring.applied_rules(year, code)
            pending = scoring.rules_pending(year) if self.writable else False
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return
        self.banner_text.setText(self.tr("{0}年的指标已修改，积分尚未重新计算（现在的积分仍按修改前的指标）").format(year))
        self.banner.setVisible(pending)
        self._fill_ranking()
        self._fill_deputies()
        self._show_archive()
        self._fill_tasks()
        self._fill_rules(pending)

    def _set_enabled(self, on: bool) -> None:
        for b in (self.print_ranking_button, self.print_archive_button, self.add_button, self.import_button,
                  self.export_button, self.default_button, self.recompute_button, self.close_year_button):
            b.setEnabled(on)
        if on and not self.writable:  # another station's points: looked at here, kept there
            for b in (self.add_button, self.import_button, self.default_button, self.recompute_button,
                      self.close_year_button):
                b.setEnabled(False)
                b.setToolTip(self.read_only_reason())
        if not on:
            for b in (self.approve_button, self.reject_button, self.delete_button, self.evidence_button):
                b.setEnabled(False)

    # -- 排名 ----------------------------------------------------------------------------------------
    def _ranking_headers(self, cats, final: bool = True) -> list[str]:
        return [self.tr("排名"), self.tr("姓名"), self.tr("年度积分"), self.tr("百分制"),
                self.tr("等次") if final else self.tr("合格进度"), self.tr("待审核"), *cats]

    def _final(self) -> bool:
        return self._status is not None and self._status.closed

    def _standing_text(self, s: DeputyScore) -> str:
        """The final grade of a closed year, else the 合格进度 (no grade while the year is open)."""
        if self._final():
            return s.grade
        return "—" if s.progress is None else f"{s.progress}%"

    def _fill_ranking(self) -> None:
        rows = self._ranking
        t = self.ranking_table
        keep = self._deputy_uid
        rs = scoring.applied_rules(self.year.value(), self.view_code)
        cats = [c for c in CATEGORIES if any(i.category == c for i in rs.indicators)]
        cats += sorted({i.category for i in rs.indicators} - set(cats))
        t.blockSignals(True)
        t.setColumnCount(6 + len(cats))
        t.setHorizontalHeaderLabels(self._ranking_headers(cats, self._final()))
        st = self._status
        if st is not None and not st.closed:
            t.horizontalHeaderItem(4).setToolTip(st.progress_note)
        h = t.horizontalHeader()
        for c in range(t.columnCount()):
            h.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents if c == 0
                                   else QHeaderView.ResizeMode.Stretch)
        for c in range(6, t.columnCount()):
            t.horizontalHeaderItem(c).setToolTip(self.tr("“{0}”类计入的积分").format(t.horizontalHeaderItem(c).text()))
        t.setRowCount(len(rows))
        for r, s in enumerate(rows):
            values = (
                table_item(str(s.rank), True), table_item(s.name), table_item(fmt_points(s.raw), True),
                table_item(f"{s.score100:.1f}", True),
                table_item(self._standing_text(s), True, tip="" if st is None or st.closed else st.progress_note),
                table_item(str(s.pending) if s.pending else "", True, PENDING,
                           self.tr("{0} 条手工记录待审核，审核通过后计入").format(s.pending) if s.pending else ""),
            )
            values += tuple(table_item(fmt_points(s.by_category[c]) if c in s.by_category else "", True,
                                       QColor(RED) if s.by_category.get(c, 0) < 0 else None) for c in cats)
            for c, item in enumerate(values):
                if c == 1:
                    item.setData(Qt.ItemDataRole.UserRole, s.deputy_uid)
                if c in (2, 3, 4):
                    f = item.font()
                    f.setBold(True)
                    item.setFont(f)
                t.setItem(r, c, item)
        for r, s in enumerate(rows):
            if s.deputy_uid == keep:
                t.selectRow(r)
        t.blockSignals(False)
        pending = sum(s.pending for s in rows)
        text = self.tr("{0}年度　在任代表 {1} 名").format(self.year.value(), len(rows))
        if pending:
            text += self.tr("　待审核记录 {0} 条（审核通过后计入）").format(pending)
        self.ranking_summary.setText(text)
        grades = "　".join(self.tr("{0} ≥{1}").format(g.name, fmt_points(g.min_score)) for g in rs.grades)
        lines = [scoring.FORMULA.format(full=rs.full_marks), self.tr("等次：{0}").format(grades)]
        if st is not None and st.closed:
            lines.append(self.tr("等次为年度评定结果：{0} 于 {1} 评定，积分截至 {2} 冻结；之后的记录不改变评定结果。").format(
                st.closed_by, f"{st.closed_at:%Y-%m-%d %H:%M}", st.as_of.isoformat()))
        elif st is not None:
            lines.append(self.tr("{0}：尚未年度评定，不显示等次。").format(st.label) + st.progress_note)
        self.formula.setText("\n".join(lines))
        self._show_year_state()

    def _show_year_state(self) -> None:
        st = self._status
        if st is None:
            self.year_state.clear()
            return
        if st.closed:
            self.year_state.setText(self.tr("已年度评定　积分截至 {0}").format(st.as_of.isoformat()))
            self.close_year_button.setText(self.tr("重新开放年度…"))
            self.close_year_button.setToolTip(self.tr("撤销{0}年的年度评定（须写明原因，记入操作日志）").format(st.year))
        else:
            self.year_state.setText(self.tr("{0}　数据截至 {1}").format(st.label, st.as_of.isoformat()))
            self.close_year_button.setText(self.tr("年度评定…"))
            self.close_year_button.setToolTip(self.tr("冻结{0}年每位代表的积分和最终等次（管理员操作，记入操作日志）")
                                              .format(st.year))
        self.year_state.setToolTip(st.progress_note)

    def ranking_rows(self) -> list[tuple[str, ...]]:
        """The ranking table as shown: 排名, 姓名, 年度积分, 百分制, 等次, 待审核."""
        t = self.ranking_table
        return [tuple(t.item(r, c).text() for c in range(6)) for r in range(t.rowCount())]

    def _on_ranking_selected(self) -> None:
        rows = self.ranking_table.selectionModel().selectedRows()
        if rows:
            uid = self.ranking_table.item(rows[0].row(), 1).data(Qt.ItemDataRole.UserRole)
            i = self.deputy.findData(uid)
            if i >= 0 and i != self.deputy.currentIndex():
                self.deputy.setCurrentIndex(i)

    def _open_archive_row(self, row: int) -> None:
        item = self.ranking_table.item(row, 1)
        if item is not None:
            self.show_deputy(item.data(Qt.ItemDataRole.UserRole))

    # -- 代表档案 ------------------------------------------------------------------------------------
    def _fill_deputies(self) -> None:
        keep = self._deputy_uid or self.deputy.currentData()
        self.deputy.blockSignals(True)
        self.deputy.clear()
        order = {p.uid: i for i, p in enumerate(deputies.all_deputies(DeputyFilter(active=True,
                                                                                   station_code=self.view_code)))}
        for s in sorted(self._ranking, key=lambda s: order.get(s.deputy_uid, len(order))):
            self.deputy.addItem(s.name, s.deputy_uid)
        i = self.deputy.findData(keep)
        self.deputy.setCurrentIndex(i if i >= 0 else (0 if self.deputy.count() else -1))
        self.deputy.blockSignals(False)
        self._deputy_uid = self.deputy.currentData()

    def _on_deputy_changed(self, _i: int) -> None:
        self._deputy_uid = self.deputy.currentData()
        self._show_archive()

    def _show_archive(self) -> None:
        uid = self._deputy_uid
        year = self.year.value()
        self._score = next((s for s in self._ranking if s.deputy_uid == uid), None)
        if uid is None or self._score is None:
            self._records = []
            self.profile.setText(self.tr("本站还没有在任代表") if not self._ranking else "")
            self.score_line.clear()
            self.records_table.setRowCount(0)
            self.explain.clear()
            self._show_charts({}, [0.0] * 12)
            self._update_record_buttons()
            return
        try:
            person = deputies.get(uid)
            self._records = scoring.records(uid, year)
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return
        bits = [levels_label(person.levels) + self.tr("人大代表") if person.levels else "",
                person.gender_text, person.party, person.sector, person.group, person.term]
        self.profile.setText("　".join(b for b in bits if b))
        s = self._score
        grades = scoring.applied_rules(year, self.view_code).grades
        lowest = min(grades, key=lambda g: g.min_score).name if grades else ""
        grade_color = RED if s.grade == lowest else "#8B0000"
        if self._final():
            standing = self.tr('等次 <b style="color:{0};">{1}</b>').format(grade_color, s.grade)
        else:
            label = self._status.label if self._status else ""
            standing = self.tr('合格进度 <b>{0}</b>（{1}，不评等次）').format(self._standing_text(s), label)
        text = self.tr('年度积分 <b style="color:#8B0000; font-size:15pt;">{0}</b> 分　百分制 <b>{1}</b>　'
                       '{2}　排名 第 <b>{3}</b> 名（共 {4} 名）　截至 {5}').format(
            fmt_points(s.raw), f"{s.score100:.1f}", standing, s.rank, len(self._ranking),
            self._status.as_of.isoformat() if self._status else "")
        self.score_line.setToolTip(self._status.progress_note if self._status else "")
        if s.pending:
            text += self.tr('　<span style="color:#B35C00;">待审核 {0} 条</span>').format(s.pending)
        self.score_line.setText(text)
        self._fill_records()
        months = [0.0] * 12
        for r in self._records:
            months[r.date.month - 1] = round(months[r.date.month - 1] + r.counted, 2)
        self._show_charts(s.by_category, months)
        self._update_record_buttons()

    def _fill_records(self) -> None:
        t = self.records_table
        keep = self.selected_record()
        rs = scoring.applied_rules(self.year.value(), self.view_code)  # once: a row each read it again
        t.blockSignals(True)
        t.setRowCount(len(self._records))
        for r, rec in enumerate(self._records):
            manual = rec.source == MANUAL
            pending = manual and not rec.verified
            state = self.tr("待审核") if pending else (self.tr("已审核") if manual else self.tr("自动计入"))
            counted_tip = ""
            counted_color = None
            if pending:
                counted_tip = self.tr("审核通过后计入")
                counted_color = MUTED
            elif abs(rec.counted - rec.points) > 1e-9:
                counted_tip = self.tr("本指标年度上限 {0} 分已满，超出部分不计入").format(
                    fmt_points(_cap_of(rs, rec.indicator_code)))
                counted_color = MUTED
            ev_name = self.tr("查看") if rec.evidence else ""
            values = (
                table_item(rec.date.isoformat(), True),
                table_item(rec.indicator_name, tip=f"{rec.indicator_code} {rec.indicator_name}"),
                table_item(rec.category, True),
                table_item(fmt_points(rec.quantity), True),
                table_item(fmt_points(rec.points), True),
                table_item(fmt_points(rec.counted), True, counted_color, counted_tip),
                table_item(self.tr("手工") if manual else self.tr("自动"), True),
                table_item(state, True, PENDING if pending else None),
                table_item(rec.note, tip=rec.note),
                table_item(ev_name, True, QColor("#1F5FA8") if rec.evidence else None,
                           self.tr("双击打开佐证材料") if rec.evidence else ""),
            )
            for c, item in enumerate(values):
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, rec.uid)
                t.setItem(r, c, item)
            if pending:
                f = t.item(r, R_STATE).font()
                f.setBold(True)
                t.item(r, R_STATE).setFont(f)
        if keep is not None:
            for r, rec in enumerate(self._records):
                if rec.uid == keep.uid:
                    t.selectRow(r)
        t.blockSignals(False)
        total = round(sum(r.counted for r in self._records), 2)
        score = self._score.raw if self._score else 0.0
        self.explain.setText(self.tr("合计 {0} 分 = 年度积分 {1} 分").format(fmt_points(total), fmt_points(score)))
        if abs(total - score) > 1e-9:  # never expected: the service guarantees it
            self.explain.setStyleSheet(f"color: {RED};")

    def record_rows(self) -> list[tuple[str, ...]]:
        """The records table as shown."""
        t = self.records_table
        return [tuple(t.item(r, c).text() for c in range(t.columnCount())) for r in range(t.rowCount())]

    def counted_total(self) -> float:
        """The sum of the 计入 column as shown."""
        t = self.records_table
        return round(sum(float(t.item(r, R_COUNTED).text()) for r in range(t.rowCount())), 2)

    def archive_score(self) -> DeputyScore | None:
        return self._score

    def current_deputy(self) -> str | None:
        return self._deputy_uid

    def select_record(self, uid: str) -> bool:
        for r, rec in enumerate(self._records):
            if rec.uid == uid:
                self.records_table.selectRow(r)
                return True
        return False

    def selected_record(self) -> DutyRecordView | None:
        rows = self.records_table.selectionModel().selectedRows() if self.records_table.selectionModel() else []
        if not rows or rows[0].row() >= len(self._records):
            return None
        return self._records[rows[0].row()]

    def _update_record_buttons(self) -> None:
        rec = self.selected_record()
        manual = rec is not None and rec.source == MANUAL
        pending = manual and not rec.verified
        may = self._ready and self.writable
        self.approve_button.setEnabled(may and pending)
        self.reject_button.setEnabled(may and pending)
        self.delete_button.setEnabled(may and manual)
        self.evidence_button.setEnabled(rec is not None and bool(rec.evidence))
        self.add_button.setEnabled(may and bool(self._ranking))
        self.print_archive_button.setEnabled(self._ready and self._score is not None)
        tip = ""
        if rec is not None and not manual:
            tip = self.tr("自动记录来自签到、接待登记和意见办理，无需审核，也不能删除")
        self.delete_button.setToolTip(tip)

    def _show_charts(self, by_category: dict, months: list[float]) -> None:
        rs = scoring.applied_rules(self.year.value(), self.view_code)
        cats = [c for c in CATEGORIES if any(i.category == c for i in rs.indicators)]
        cats += [c for c in by_category if c not in cats]
        self.category_values = {c: float(by_category.get(c, 0.0)) for c in cats}
        self.month_values = list(months)

        # by category: horizontal bars, listed from the top in the indicators' order
        chart = charts.chart(self.tr("分类积分（计入）"), margin=4, larger_title=False, legend=False)
        labels = list(reversed(cats))
        bar_set = charts.bar_set(self.tr("积分"), charts.BAR_RED)
        for c in labels:
            bar_set.append(self.category_values[c])
        series = QHorizontalBarSeries()
        series.append(bar_set)
        series.setBarWidth(0.65)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        chart.addSeries(series)
        y = QBarCategoryAxis()
        y.append(labels)
        charts.style_axis(y)
        y.setGridLineVisible(False)
        y.setTruncateLabels(False)  # 会议履职 …, not "…"
        values = list(self.category_values.values()) or [0.0]
        x = charts.points_axis(min(values), max(values), headroom=True)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(y)
        series.attachAxis(x)
        charts.set_chart(self.category_view, chart)

        # by month: vertical bars, 1月 … 12月
        chart = charts.chart(self.tr("分月积分（计入）"), margin=4, larger_title=False, legend=False)
        bar_set = charts.bar_set(self.tr("积分"), charts.BAR_RED)
        for v in months:
            bar_set.append(v)
        series = QBarSeries()
        series.append(bar_set)
        series.setBarWidth(0.6)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append([self.tr("{0}月").format(m) for m in range(1, 13)])
        charts.style_axis(x)
        x.setGridLineVisible(False)
        y = charts.points_axis(min(months or [0.0]), max(months or [0.0]), headroom=True)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
        charts.set_chart(self.month_view, chart)

    # -- records: add, review, delete, evidence --------------------------------------------------------
    def _people(self) -> list[tuple[str, str]]:
        return [(self.deputy.itemData(i), self.deputy.itemText(i)) for i in range(self.deputy.count())]

    def add_record(self) -> DutyRecordView | None:
        """录入履职记录…: the dialog; the new record shows 待审核 on its deputy's archive."""
        from station_app.ui.dialogs.duty_record_dialog import DutyRecordDialog

        if not self._ready:
            return None
        dlg = DutyRecordDialog(self._people(), self._deputy_uid, self.year.value(), self)
        saved = dlg.saved if dlg.exec() else None
        dlg.deleteLater()
        if saved is None:
            return None
        if saved.date.year != self.year.value():
            self.year.blockSignals(True)
            self.year.setValue(saved.date.year)
            self.year.blockSignals(False)
        self._deputy_uid = saved.deputy_uid
        self.refresh()
        self.show_deputy(saved.deputy_uid)
        self.select_record(saved.uid)
        self._show_message(self.tr("已录入：{0} {1}，{2} 分，待审核（审核通过后计入积分）").format(
            self.deputy.currentText(), saved.indicator_name, fmt_points(saved.points)), "info")
        self.changed.emit()
        return saved

    def approve_selected(self) -> bool:
        rec = self.selected_record()
        if rec is None or rec.source != MANUAL or rec.verified:
            return False
        try:
            scoring.review(rec.uid, approve=True)
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return False
        self.refresh()
        self.select_record(rec.uid)
        self._show_message(self.tr("已审核通过：{0} {1}，计入 {2} 分").format(
            self.deputy.currentText(), rec.indicator_name,
            fmt_points(next((r.counted for r in self._records if r.uid == rec.uid), 0.0))), "info")
        self.changed.emit()
        return True

    def reject_selected(self) -> bool:
        from station_app.ui.dialogs.duty_record_dialog import RejectDialog

        rec = self.selected_record()
        if rec is None or rec.source != MANUAL or rec.verified:
            return False
        dlg = RejectDialog(rec, self.deputy.currentText(), self)
        ok = bool(dlg.exec()) and dlg.done_ok
        dlg.deleteLater()
        if ok:
            self.refresh()
            self._show_message(self.tr("已退回：{0} {1}").format(self.deputy.currentText(), rec.indicator_name), "info")
            self.changed.emit()
        return ok

    def delete_selected(self) -> bool:
        rec = self.selected_record()
        if rec is None or rec.source != MANUAL:
            return False
        answer = QMessageBox.question(
            self, self.tr("删除履职记录"),
            self.tr("删除这条手工录入的履职记录？\n{0}　{1}　{2}（{3}分）\n{4}").format(
                self.deputy.currentText(), rec.date.isoformat(), rec.indicator_name, fmt_points(rec.points), rec.note),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            scoring.delete_record(rec.uid)
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return False
        self.refresh()
        self._show_message(self.tr("已删除：{0} {1}").format(self.deputy.currentText(), rec.indicator_name), "info")
        self.changed.emit()
        return True

    def _on_record_double_clicked(self, row: int, _col: int) -> None:
        if 0 <= row < len(self._records) and self._records[row].evidence:
            self.open_evidence(self._records[row])

    def open_evidence(self, rec: DutyRecordView | None) -> bool:
        """Open the record's evidence file with the system's viewer."""
        if rec is None or not rec.evidence:
            return False
        path = scoring.evidence_path(rec.evidence)
        if not path.is_file():
            self._show_message(self.tr("找不到佐证材料文件：{0}").format(path), "error")
            return False
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self._show_message(self.tr("无法打开佐证材料（没有能打开这种文件的程序）：{0}").format(path), "error")
            return False
        return True

    # -- 任务完成情况 --------------------------------------------------------------------------------
    def _tasks_day(self) -> dt.date:
        today = clock.today()
        year = self.year.value()
        return today if year >= today.year else dt.date(year, 12, 31)

    def _fill_tasks(self) -> None:
        day = self._tasks_day()
        if day.year != self.year.value():  # a future year: nothing to check yet
            self._shortfalls = []
        else:
            try:
                self._shortfalls = scoring.quota_shortfalls(day, station_code=self.view_code)
            except KnownError as exc:
                self._show_message(exc.message, "error")
                self._shortfalls = []
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
        t = self.tasks_table
        return [tuple(t.item(r, c).text() for c in range(t.columnCount())) for r in range(t.rowCount())]

    def _on_task_double_clicked(self, row: int, _col: int) -> None:
        if 0 <= row < len(self._shortfalls):
            self.show_deputy(self._shortfalls[row].deputy_uid)

    # -- 指标设置 ------------------------------------------------------------------------------------
    def _fill_rules(self, pending: bool) -> None:
        rs = self._rules
        if rs is None:
            return
        state = self.tr("{0}　满分积分 {1} 分（折算为百分制100分）").format(
            rs.name or self.tr("{0}年度指标").format(rs.year), fmt_points(rs.full_marks))
        if pending:
            state += self.tr("　<b style='color:#B35C00;'>已修改，尚未重新计算</b>")
        self.rules_state.setText(state)
        t = self.indicators_table
        t.setRowCount(len(rs.indicators))
        for r, ind in enumerate(rs.indicators):
            source = self.tr("手工录入") if ind.source == MANUAL else self.tr("自动：{0}").format(
                AUTO_SOURCES.get(ind.source, ind.source))
            values = (table_item(ind.code, True), table_item(ind.name), table_item(ind.category, True),
                      table_item(("+" if ind.points > 0 else "") + fmt_points(ind.points), True,
                                 QColor(RED) if ind.points < 0 else None),
                      table_item("—" if ind.cap is None else fmt_points(ind.cap), True),
                      table_item(source, tip=source), table_item(ind.unit, True),
                      table_item(self.tr("是") if ind.evidence_required else "", True))
            for c, item in enumerate(values):
                t.setItem(r, c, item)
        t = self.quotas_table
        t.setRowCount(len(rs.quotas))
        for r, q in enumerate(rs.quotas):
            sources = "、".join(AUTO_SOURCES.get(s, s).split("（")[0] for s in q.sources)
            values = (table_item(q.name), table_item(sources, tip=sources), table_item(PERIODS.get(q.period, q.period), True),
                      table_item(str(q.minimum), True))
            for c, item in enumerate(values):
                t.setItem(r, c, item)
        t = self.grades_table
        t.setRowCount(len(rs.grades))
        for r, g in enumerate(sorted(rs.grades, key=lambda g: -g.min_score)):
            t.setItem(r, 0, table_item(g.name, True))
            t.setItem(r, 1, table_item(fmt_points(g.min_score), True))

    def indicator_rows(self) -> list[tuple[str, ...]]:
        t = self.indicators_table
        return [tuple(t.item(r, c).text() for c in range(t.columnCount())) for r in range(t.rowCount())]

    def _folder(self) -> str:
        return str(QSettings().value("points/folder") or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation))

    def request_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("导入指标文件"), self._folder(),
                                              self.tr("履职积分指标文件 (*.json);;所有文件 (*)"))
        if path:
            self.import_rules_file(path)

    def import_rules_file(self, path: str) -> bool:
        """Store the file's rules as the edited rules of its year (scores follow only after 重新计算)."""
        try:
            rs = scoring.import_rules(path)
        except KnownError as exc:
            self._show_message(self.tr("导入失败：{0}").format(exc.message), "error")
            return False
        QSettings().setValue("points/folder", str(Path(path).parent))
        if self.year.value() != rs.year:
            self.year.setValue(rs.year)  # refreshes
        else:
            self.refresh()
        if scoring.rules_pending(rs.year):
            text = self.tr("已导入{0}年指标（{1} 项）。积分尚未按新指标计算，请点“重新计算…”查看变化并确定。").format(
                rs.year, len(rs.indicators))
        else:
            text = self.tr("已导入{0}年指标（{1} 项），与现用指标相同。").format(rs.year, len(rs.indicators))
        self._show_message(text, "info")
        self.changed.emit()
        return True

    def request_export(self) -> None:
        year = self.year.value()
        default = str(Path(self._folder()) / self.tr("{0}年度代表履职积分指标.json").format(year))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出指标文件"), default,
                                              self.tr("履职积分指标文件 (*.json)"))
        if path:
            if not path.lower().endswith(".json"):
                path += ".json"
            self.export_rules_file(path)

    def export_rules_file(self, path: str) -> bool:
        try:
            scoring.export_rules(self.year.value(), path)
        except KnownError as exc:
            self._show_message(self.tr("导出失败：{0}").format(exc.message), "error")
            return False
        QSettings().setValue("points/folder", str(Path(path).parent))
        self._show_message(self.tr("已导出：{0}").format(path), "info")
        return True

    def restore_default(self) -> bool:
        year = self.year.value()
        answer = QMessageBox.question(
            self, self.tr("恢复默认指标"),
            self.tr("把{0}年的指标恢复为程序自带的默认指标？\n恢复后需“重新计算”才会改变积分。").format(year),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            scoring.save_rules(default_rules(year))
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return False
        self.refresh()
        self._show_message(self.tr("已恢复{0}年的默认指标").format(year) + (
            self.tr("，请点“重新计算…”查看变化并确定") if scoring.rules_pending(year) else ""), "info")
        self.changed.emit()
        return True

    def open_recompute(self) -> bool:
        """重新计算…: preview every change; only OK writes."""
        from station_app.ui.dialogs.recompute_dialog import RecomputeDialog

        if not self._ready:
            return False
        try:
            dlg = RecomputeDialog(self.year.value(), self)
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return False
        plan = dlg.result_plan if dlg.exec() else None
        dlg.deleteLater()
        if plan is None:
            return False
        self.refresh()
        self._show_message(self.tr("已重新计算{0}年积分：{1} 条记录变化，{2} 名代表积分变化").format(
            plan.year, len(plan.changes), len(plan.scores)), "info")
        self.changed.emit()
        return True

    # -- printouts -----------------------------------------------------------------------------------
    # -- 年度评定 ------------------------------------------------------------------------------------
    def request_year_closing(self) -> bool:
        """The 年度评定 button: close the open year after a confirmation, or reopen a closed one
        with a reason."""
        st = self._status
        if st is None:
            return False
        if st.closed:
            reason, ok = QInputDialog.getText(
                self, self.tr("重新开放年度"),
                self.tr("重新开放{0}年后，已冻结的等次将撤销，积分按现有记录显示进度，直至再次年度评定。\n"
                        "请写明原因（记入操作日志）：").format(st.year))
            if not ok:
                return False
            return self.reopen_year(reason)
        warn = "" if st.as_of >= dt.date(st.year, 12, 31) and clock.today() > dt.date(st.year, 12, 31) else self.tr(
            "\n\n注意：{0}年尚未结束（今天 {1}），现在评定将按截至今天的积分确定全年等次。").format(
            st.year, clock.today().isoformat())
        answer = QMessageBox.question(
            self, self.tr("年度评定"),
            self.tr("对{0}年进行年度评定？\n将按现有记录冻结 {1} 位代表的年度积分和最终等次，之后录入的记录不再改变评定结果；"
                    "如需修改，须由管理员重新开放该年度。{2}").format(st.year, len(self._ranking), warn),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self.close_year()

    def close_year(self) -> bool:
        year = self.year.value()
        try:
            scoring.close_year(year)
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return False
        self.refresh()
        self._show_message(self.tr("{0}年度评定完成：已冻结 {1} 位代表的积分和等次").format(year, len(self._ranking)), "info")
        self.changed.emit()
        return True

    def reopen_year(self, reason: str) -> bool:
        year = self.year.value()
        try:
            scoring.reopen_year(year, reason)
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return False
        self.refresh()
        self._show_message(self.tr("{0}年度已重新开放：等次撤销，改为显示合格进度").format(year), "info")
        self.changed.emit()
        return True

    def request_print(self) -> None:
        """Ctrl+P on this page: the archive on the 代表档案 tab, the ranking elsewhere."""
        if self.current_tab() == "archive":
            self.request_print_archive()
        else:
            self.request_print_ranking()

    def request_print_ranking(self) -> None:
        if not self._ready or self._busy:
            return
        year = self.year.value()
        default = str(Path(self._folder()) / self.tr("{0}年度代表履职积分排名.pdf").format(year))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存排名表PDF"), default, self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save_ranking(path)

    def request_print_archive(self) -> None:
        if not self._ready or self._busy or self._score is None:
            return
        default = str(Path(self._folder()) / self.tr("履职档案-{0}-{1}年.pdf").format(
            self._score.name, self.year.value()))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存履职档案PDF"), default, self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save_archive(path)

    def save_ranking(self, path: str, preview: bool = True) -> None:
        year, code = self.year.value(), self.view_code
        self._print(lambda out: scoring.print_ranking(year, out, code), path,
                    self.tr("{0}年度履职积分排名").format(year), preview)

    def save_archive(self, path: str, preview: bool = True) -> None:
        if self._score is None:
            return
        uid, year, name = self._score.deputy_uid, self.year.value(), self._score.name
        self._print(lambda out: scoring.print_archive(uid, year, out), path,
                    self.tr("{0} {1}年履职档案").format(name, year), preview)

    def _print(self, fn, path: str, title: str, preview: bool) -> None:
        if self._busy or not self._ready:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self._set_busy(True)

        def done(_result) -> None:
            self._set_busy(False)
            QSettings().setValue("points/folder", str(Path(path).parent))
            self._show_message(self.tr("已保存：{0}").format(path), "info")
            if preview:
                self.show_preview(path, title)

        def fail(exc: Exception) -> None:
            self._set_busy(False)
            if not isinstance(exc, KnownError):
                raise exc
            self._show_message(exc.message, "error")

        tasks.run_task(lambda: fn(path), done, fail)

    def show_preview(self, path: str, title: str) -> None:
        if self.preview_dialog is not None:
            self.preview_dialog.close()
            self.preview_dialog.deleteLater()
        self.preview_dialog = SavedPdfDialog(path, self.tr("预览：{0}").format(title), self)
        self.preview_dialog.show()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.print_ranking_button.setEnabled(not busy)
        self.print_archive_button.setEnabled(not busy and self._score is not None)
        if busy:
            self._show_message(self.tr("正在生成PDF，请稍候…"), "info")
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        else:
            QApplication.restoreOverrideCursor()

    # -- messages ------------------------------------------------------------------------------------
    def _show_message(self, text: str, kind: str) -> None:
        show_message(self.message, text, kind)

    def message_text(self) -> str:
        return self.message.text() if not self.message.isHidden() else ""


def _cap_of(rs, code: str) -> float:
    ind = rs.indicator(code)
    return ind.cap if ind is not None and ind.cap is not None else 0.0
