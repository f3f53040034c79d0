"""履职积分: the year's ranking (百分制 and grade), each deputy's 履职档案 (score, charts by category
and by month, the records behind the score with their evidence, 录入 / 审核 / 退回 / 删除), who is
behind the quarter's and year's tasks, and the year's indicators (import / export / default) with
the explicit, previewed 重新计算.

Every figure comes from ``services/scoring``: the page never adds points itself, and the archive's
合计 is the sum of the 计入 column, which equals the score shown. Showing or refreshing the page
runs ``scoring.sync_auto`` first, so sign-ins and visits recorded elsewhere count at once.

Signals:
    changed(): records, reviews or rules changed (首页 follows)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.roles import Permission
from station_app.domain.scoring import RuleSet
from station_app.services import context, scoring
from station_app.services.scoring import DeputyScore, DutyRecordView, QuotaShortfall
from station_app.ui import style, tasks
from station_app.ui.errors import report
from station_app.ui.forms import show_message
from station_app.ui.pages.points.archive import ArchiveData, ArchiveTab, load_archive, picked, roster_order
from station_app.ui.pages.points.common import (
    CHART_HEIGHT,
    GREEN,
    MUTED,
    PENDING,
    R_CAT,
    R_COUNTED,
    R_DATE,
    R_EVIDENCE,
    R_IND,
    R_NOTE,
    R_PTS,
    R_QTY,
    R_SOURCE,
    R_STATE,
    RED,
    STYLE,
    TABS,
)
from station_app.ui.pages.points.printouts import PointsPrintouts
from station_app.ui.pages.points.quotas import QuotasTab
from station_app.ui.pages.points.ranking import RankingTab
from station_app.ui.pages.points.records import RecordsTab
from station_app.ui.pages.points.rules import RulesTab
from station_app.ui.pages.points.year_closing import YearClosing
from station_app.ui.station_view import StationViewMixin

__all__ = [
    "CHART_HEIGHT",
    "GREEN",
    "MUTED",
    "PENDING",
    "PointsPage",
    "RED",
    "R_CAT",
    "R_COUNTED",
    "R_DATE",
    "R_EVIDENCE",
    "R_IND",
    "R_NOTE",
    "R_PTS",
    "R_QTY",
    "R_SOURCE",
    "R_STATE",
    "STYLE",
    "TABS",
]


@dataclass(frozen=True)
class _Loaded:
    """What the page shows of a year, read on a worker."""

    year: int
    code: str | None
    ranking: list[DeputyScore]
    status: scoring.YearStatus
    rules: RuleSet
    pending: bool
    shortfalls: list[QuotaShortfall]
    roster: tuple[str, ...]  # the active deputies' uids in roster order (the archive's picker)
    archive: ArchiveData | None  # the archive of the deputy the picker will show


def _load(year: int, code: str | None, writable: bool, day: dt.date, keep: str | None) -> _Loaded:
    """Bring the automatic records up to date (the home station's: another station's records are
    those its packages brought), then read the year's ranking, status, indicators, the tasks
    not done by ``day`` (none for a year not begun) and the archive of the deputy ``keep`` (or of
    the first deputy when ``keep`` is not ranked)."""
    if writable:
        scoring.sync_auto(year)
    shortfalls = scoring.quota_shortfalls(day, station_code=code) if day.year == year else []
    ranking, roster = scoring.ranking(year, station_code=code), roster_order(code)
    uid = picked(keep, ranking, roster)
    return _Loaded(year, code, ranking, scoring.year_status(year, code),
                   scoring.rules(year) if writable else scoring.applied_rules(year, code),
                   scoring.rules_pending(year) if writable else False, shortfalls, roster,
                   load_archive(uid, year, code) if uid is not None else None)


class PointsPage(StationViewMixin, RankingTab, ArchiveTab, RecordsTab, QuotasTab, RulesTab, YearClosing,
                 PointsPrintouts, QWidget):
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
        self._deputy_uid = None  # these four are typed in PointsHost (common.py)
        self._archive = None  # the archive read last (ui/pages/points/archive.py)
        self._select_next = None  # a record to select once its archive is shown
        self._rules: RuleSet | None = None
        self.preview_dialog = None
        self._work = tasks.OneAtATime()
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
        self.busy = QLabel(self.tr("正在计算积分…"))
        style.set_text(self.busy, style.TAUPE)
        self.busy.hide()
        head.addWidget(self.busy)
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
            self._archive = None
            self.records_model.set_records([], {})
            self.tasks_table.setRowCount(0)
            self.banner.hide()
            self._set_enabled(False)
            return
        self._set_enabled(True)
        year, code, writable, day = self.year.value(), self.view_code, self.writable, self._tasks_day()
        keep = self._deputy_uid or self.deputy.currentData()
        # the automatic records' sync and the ranking walk the year's sign-ins, visits and cases:
        # seconds at county size, so on a worker (ui/stall_guard: nothing long on the GUI thread)
        self._work.submit("points", lambda: _load(year, code, writable, day, keep), self._show_loaded, self.busy,
                          self._load_failed)

    def _load_failed(self, exc: Exception) -> None:
        report(exc, show=lambda text: self._show_message(text, "error"))

    def _show_loaded(self, loaded: _Loaded) -> None:
        if loaded.year != self.year.value() or loaded.code != self.view_code:
            return  # the year or the station changed meanwhile: a newer refresh is on its way
        self._ranking, self._status, self._rules = loaded.ranking, loaded.status, loaded.rules
        self._archive = loaded.archive
        self.banner_text.setText(self.tr("{0}年的指标已修改，积分尚未重新计算（现在的积分仍按修改前的指标）").format(loaded.year))
        self.banner.setVisible(loaded.pending)
        self._fill_ranking()
        self._fill_deputies(loaded.roster)
        self._show_archive()
        self._fill_tasks(loaded.shortfalls)
        self._fill_rules(loaded.pending)

    def _set_enabled(self, on: bool) -> None:
        for b in (self.print_ranking_button, self.print_archive_button, self.add_button, self.import_button,
                  self.export_button, self.default_button, self.recompute_button, self.close_year_button):
            b.setEnabled(on)
        if on and not self.writable:  # another station's points: looked at here, kept there
            for b in (self.add_button, self.import_button, self.default_button, self.recompute_button,
                      self.close_year_button):
                b.setEnabled(False)
                b.setToolTip(self.read_only_reason())
        if on and self.writable and not context.may(Permission.MANAGE_RULES):  # the indicators: 管理员's
            for b in (self.import_button, self.default_button):
                b.setEnabled(False)
                b.setToolTip(self.tr("只有管理员可以修改积分指标"))
        if not on:
            for b in (self.approve_button, self.reject_button, self.delete_button, self.evidence_button):
                b.setEnabled(False)

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
