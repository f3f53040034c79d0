"""履职积分 › 代表档案: one deputy's score and charts by category and by month."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QHorizontalBarSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station_app.domain.codes import levels_label
from station_app.domain.records import DeputyRecord
from station_app.domain.scoring import CATEGORIES, RuleSet
from station_app.services import deputies, scoring
from station_app.services.deputies import DeputyFilter
from station_app.services.scoring import DeputyScore, DutyRecordView
from station_app.ui import charts, style
from station_app.ui.dialogs.duty_record_dialog import fmt_points
from station_app.ui.models.duty_records import DutyRecordsModel
from station_app.ui.pages.points.common import (
    CHART_HEIGHT,
    MUTED,
    PENDING,
    R_NOTE,
    RED,
    PointsTab,
)


@dataclass(frozen=True)
class ArchiveData:
    """One deputy's archive of a year, read on a worker: the profile, the records behind the score
    and the rules they count under."""

    uid: str
    year: int
    code: str | None
    person: DeputyRecord
    records: list[DutyRecordView]
    rules: RuleSet


def load_archive(uid: str, year: int, code: str | None) -> ArchiveData:
    """Read the deputy's archive (on a worker: a busy deputy has hundreds of records)."""
    return ArchiveData(uid, year, code, deputies.get(uid), scoring.records(uid, year), scoring.applied_rules(year, code))


def roster_order(code: str | None) -> tuple[str, ...]:
    """The station's active deputies' uids in roster order (the picker's order)."""
    return tuple(p.uid for p in deputies.all_deputies(DeputyFilter(active=True, station_code=code)))


def in_roster_order(ranking: list[DeputyScore], roster: tuple[str, ...]) -> list[DeputyScore]:
    order = {uid: i for i, uid in enumerate(roster)}
    return sorted(ranking, key=lambda s: order.get(s.deputy_uid, len(order)))


def picked(keep: str | None, ranking: list[DeputyScore], roster: tuple[str, ...]) -> str | None:
    """The deputy the picker shows: ``keep`` when ranked, else the first in roster order."""
    people = in_roster_order(ranking, roster)
    if any(s.deputy_uid == keep for s in people):
        return keep
    return people[0].deputy_uid if people else None


class ArchiveTab(PointsTab):
    """The 代表档案 tab of :class:`PointsPage`: the deputy, the score line and the charts."""

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
        self.records_model = DutyRecordsModel(MUTED, PENDING, self)
        self.records_table = self._records_view(self.records_model)
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
        self.records_table.selectionModel().selectionChanged.connect(lambda *_a: self._update_record_buttons())
        self.records_table.doubleClicked.connect(lambda index: self._on_record_double_clicked(index.row(), index.column()))
        self.add_button.clicked.connect(self.add_record)
        self.approve_button.clicked.connect(self.approve_selected)
        self.reject_button.clicked.connect(self.reject_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.evidence_button.clicked.connect(lambda: self.open_evidence(self.selected_record()))
        self.print_archive_button.clicked.connect(self.request_print_archive)
        return w

    def _records_view(self, model: DutyRecordsModel) -> QTableView:
        """The records as a view of ``model``: whole rows, one at a time, not editable."""
        t = QTableView()
        t.setModel(model)
        t.verticalHeader().setVisible(False)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setAlternatingRowColors(True)
        t.setWordWrap(False)
        header = t.horizontalHeader()
        # fit the columns to the rows in sight, not to every row (hundreds of records)
        header.setResizeContentsPrecision(0)
        for c in range(model.columnCount()):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if c == R_NOTE
                                        else QHeaderView.ResizeMode.ResizeToContents)
        t.setMinimumHeight(140)
        return t

    # -- 代表档案 ------------------------------------------------------------------------------------
    def _fill_deputies(self, roster: tuple[str, ...]) -> None:
        """The picker: the ranked deputies in roster order; keeps the one picked."""
        keep = self._deputy_uid or self.deputy.currentData()
        self.deputy.blockSignals(True)
        self.deputy.clear()
        for s in in_roster_order(self._ranking, roster):
            self.deputy.addItem(s.name, s.deputy_uid)
        i = self.deputy.findData(keep)
        self.deputy.setCurrentIndex(i if i >= 0 else (0 if self.deputy.count() else -1))
        self.deputy.blockSignals(False)
        self._deputy_uid = self.deputy.currentData()

    def _on_deputy_changed(self, _i: int) -> None:
        self._deputy_uid = self.deputy.currentData()
        self._show_archive()

    def _show_archive(self) -> None:
        """The archive of the deputy picked: at once when it has been read, else read on a worker."""
        uid, year, code = self._deputy_uid, self.year.value(), self.view_code
        score = self._score = next((s for s in self._ranking if s.deputy_uid == uid), None)
        if uid is None or score is None:
            self._archive = None
            self._records = []
            self.profile.setText(self.tr("本站还没有在任代表") if not self._ranking else "")
            self.score_line.clear()
            self.records_model.set_records([], {})
            self.explain.clear()
            self._show_charts({}, [0.0] * 12, None)
            self._update_record_buttons()
            return
        data = self._archive
        if data is not None and (data.uid, data.year, data.code) == (uid, year, code):
            self._show_archive_data(data, score)
            return
        self._work.submit("archive", lambda: load_archive(uid, year, code), self._archive_loaded, self.busy,
                          self._load_failed)

    def _archive_loaded(self, data: ArchiveData) -> None:
        if (data.uid, data.year, data.code) != (self._deputy_uid, self.year.value(), self.view_code):
            return  # another deputy, year or station was picked meanwhile: its answer follows
        self._archive = data
        self._show_archive()

    def _show_archive_data(self, data: ArchiveData, s: DeputyScore) -> None:
        """``data`` and ``s``, the deputy's score in the ranking shown."""
        person = data.person
        self._records = data.records
        bits = [levels_label(person.levels) + self.tr("人大代表") if person.levels else "",
                person.gender_text, person.party, person.sector, person.group, person.term]
        self.profile.setText("　".join(b for b in bits if b))
        grades = data.rules.grades
        lowest = min(grades, key=lambda g: g.min_score).name if grades else ""
        grade_color = RED if s.grade == lowest else style.DARK_RED
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
        self._fill_records(data.rules)
        months = [0.0] * 12
        for r in self._records:
            months[r.date.month - 1] = round(months[r.date.month - 1] + r.counted, 2)
        self._show_charts(s.by_category, months, data.rules)
        self._update_record_buttons()

    def _show_charts(self, by_category: dict, months: list[float], rs: RuleSet | None) -> None:
        """The two charts; ``rs``: the rules the records count under (their categories; None: no
        deputy shown, the rules read last)."""
        rs = rs or self._rules or RuleSet(year=self.year.value(), indicators=(), grades=())
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
        month_series = QBarSeries()
        month_series.append(bar_set)
        month_series.setBarWidth(0.6)
        month_series.setLabelsVisible(True)
        month_series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        month_series.setLabelsFormat("@value")
        chart.addSeries(month_series)
        month_axis = QBarCategoryAxis()
        month_axis.append([self.tr("{0}月").format(m) for m in range(1, 13)])
        charts.style_axis(month_axis)
        month_axis.setGridLineVisible(False)
        points_axis = charts.points_axis(min(months or [0.0]), max(months or [0.0]), headroom=True)
        chart.addAxis(month_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(points_axis, Qt.AlignmentFlag.AlignLeft)
        month_series.attachAxis(month_axis)
        month_series.attachAxis(points_axis)
        charts.set_chart(self.month_view, chart)
