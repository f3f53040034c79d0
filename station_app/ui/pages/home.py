"""首页: what needs attention today. Tiles whose feature is not built yet say so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station_app.domain import clock
from station_app.domain.records import ActivityDayRecord, StatsFigures
from station_app.errors import KnownError
from station_app.ui import style, tasks
from station_app.ui.station_view import StationViewMixin

OVERDUE_COLOR = style.RED
DUE_SOON_COLOR = style.ORANGE
QUOTA_NAMES = 5  # names shown per quota on the tile


class _Tile(QFrame):
    """Signals:
        clicked(): the tile was clicked (only when made with ``clickable=True``)
    """

    clicked = Signal()

    def __init__(self, title: str, parent=None, clickable: bool = False):
        super().__init__(parent)
        self.setObjectName("tile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._clickable = clickable
        if clickable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 10, 14, 10)
        self.title = QLabel(title)
        self.title.setObjectName("tileTitle")
        self.value = QLabel("")
        self.value.setObjectName("tileValue")
        self.value.setWordWrap(True)
        lay.addWidget(self.title)
        lay.addWidget(self.value)
        lay.addStretch(1)
        self.hint = QLabel()
        self.hint.setObjectName("tileHint")
        style.set_text(self.hint, style.TAUPE)
        self.hint.hide()
        lay.addWidget(self.hint)

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().mouseReleaseEvent(event)
        if self._clickable and event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            self.clicked.emit()


class HomePage(StationViewMixin, QWidget):
    """Signals:
        add_deputy_requested(): the clerk clicked 新增代表
        cases_requested(str): show the 意见办理 page for "overdue", "due_soon", "awaiting_evaluation" or "open"
        stats_requested(): show the 统计分析 page
        quota_requested(): show who is behind their duty tasks (履职积分 → 任务完成情况)
    """

    refreshes_on_show = True  # its showEvent refreshes: the station in view is caught up there

    add_deputy_requested = Signal()
    cases_requested = Signal(str)
    stats_requested = Signal()
    quota_requested = Signal()
    answered = Signal()  # the tiles' worker has answered (figures or an error): the start is over

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 16, 24, 16)
        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        lay.addWidget(self.heading)
        self.today = QLabel()
        self._filled = False  # the tiles have shown figures (later refreshes keep them until the new ones)
        self._fresh = False  # a refresh was asked for since the page was last hidden
        self._work = tasks.OneAtATime()
        self.busy = QLabel(self.tr("正在统计…"))
        style.set_text(self.busy, style.TAUPE)
        self.busy.hide()
        top = QHBoxLayout()
        top.addWidget(self.today)
        top.addStretch(1)
        top.addWidget(self.busy)
        lay.addLayout(top)
        grid = QGridLayout()
        self.tile_deputies = _Tile(self.tr("代表名册"))
        self.tile_activity = _Tile(self.tr("下一个代表活动日"))
        self.tile_cases = _Tile(self.tr("意见建议办理提醒"), clickable=True)
        self.tile_cases.setToolTip(self.tr("点击查看意见办理"))
        self.tile_cases.set_hint(self.tr("点击各项查看对应的意见建议 ›"))
        self.tile_cases.value.setTextFormat(Qt.TextFormat.RichText)
        self.tile_cases.value.linkActivated.connect(self.cases_requested)
        self.tile_cases.clicked.connect(lambda: self.cases_requested.emit(self._cases_focus()))
        self.tile_month = _Tile(self.tr("本月接待"), clickable=True)
        self.tile_month.setToolTip(self.tr("点击查看统计分析"))
        self.tile_month.set_hint(self.tr("点击查看统计分析 ›"))
        self.tile_month.clicked.connect(self.stats_requested)
        self.tile_quota = _Tile(self.tr("未完成履职任务的代表"), clickable=True)
        self.tile_quota.setToolTip(self.tr("点击查看履职任务完成情况"))
        self.tile_quota.set_hint(self.tr("点击查看履职积分 › 任务完成情况 ›"))
        self.tile_quota.clicked.connect(self.quota_requested)
        self.shortfalls = []
        grid.setSpacing(12)
        grid.addWidget(self.tile_deputies, 0, 0)
        grid.addWidget(self.tile_activity, 0, 1)
        grid.addWidget(self.tile_cases, 1, 0)
        grid.addWidget(self.tile_month, 1, 1)
        grid.addWidget(self.tile_quota, 2, 0)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        lay.addLayout(grid)
        self.attention: dict[str, int] = {}
        self.month_figures = None
        add = self.add_button = QPushButton(self.tr("新增代表（Ctrl+N）"))
        add.clicked.connect(self.add_deputy_requested)
        lay.addWidget(add)
        lay.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        """Ask for the tiles' figures on a worker (a county database of a million receptions takes
        a moment); the tiles show what they had, or a placeholder the first time, until then."""
        view = self.view
        self.heading.setText(view.name if view else self.tr("联络站工作台"))
        self.add_button.setVisible(self.writable or view is None)
        today = clock.today()
        weekday = "一二三四五六日"[today.weekday()]
        self.today.setText(self.tr("今天是 {0}年{1}月{2}日 星期{3}").format(today.year, today.month, today.day, weekday))
        if view is None:
            self._filled = False
            self.attention, self.month_figures, self.shortfalls = {}, None, []
            for tile in self._tiles():
                tile.value.setText(self.tr("请先填写站点信息"))
            return
        if not self._filled:
            for tile in self._tiles():
                tile.value.setText(self.tr("正在统计…"))
        self._fresh = True
        code, writable = view.code, view.writable
        self._work.submit("home", lambda: home_snapshot(code, writable, today), self._show, self.busy, self._failed)

    def on_view_changed(self) -> None:
        """The dashboard follows the station in view even while hidden (its figures come from a
        worker and other pages' changes refresh it too)."""
        self.refresh()

    def _tiles(self) -> tuple:
        return self.tile_deputies, self.tile_activity, self.tile_cases, self.tile_month, self.tile_quota

    def _failed(self, exc: Exception) -> None:
        self.answered.emit()
        if not isinstance(exc, KnownError):
            raise exc
        for tile in self._tiles():
            tile.value.setText(exc.message)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._fresh:
            self.refresh()  # visits and cases recorded on other pages since

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().hideEvent(event)
        self._fresh = False  # shown again later: look again

    def _show(self, snap: HomeSnapshot) -> None:
        self._filled = True
        text = self.tr("在任代表 {0} 名（共 {1} 名）").format(snap.active, snap.total)
        if snap.by_level:
            text += "\n" + "　".join(self.tr("{0}级 {1}").format(label, n) for label, n in snap.by_level)
        self.tile_deputies.value.setText(text)
        self._show_activity(snap)
        self._show_cases(snap)
        self._show_month(snap)
        self._show_quota(snap)
        self.answered.emit()

    def _show_activity(self, snap: HomeSnapshot) -> None:
        from station_app.domain.codes import ActivityKind

        day, today = snap.next_day, snap.today
        if day is None:
            self.tile_activity.value.setText(self.tr("还没有安排活动日：到“活动日”页按规则生成全年活动日")
                                             if snap.writable else self.tr("没有待举行的活动日"))
            return
        weekday = "一二三四五六日"[day.date.weekday()]
        when = self.tr("{0}月{1}日 星期{2}").format(day.date.month, day.date.day, weekday)
        if day.start_time:
            when += f" {day.start_time}" + (f"—{day.end_time}" if day.end_time else "")
        lines = [when + ("（今天）" if day.date == today else "")]
        if snap.next_day_station:
            lines[0] = snap.next_day_station + "　" + lines[0]
        lines.append(day.theme or ActivityKind.label_of(day.kind))
        duty = "、".join(day.duty_names) or self.tr("未排")
        lines.append(self.tr("值班代表：{0}").format(duty))
        self.tile_activity.value.setText("\n".join(lines))

    def _cases_focus(self) -> str:
        """What a click on the cases tile shows: the most pressing list that has cases."""
        for key in ("overdue", "due_soon", "awaiting_evaluation"):
            if self.attention.get(key):
                return key
        return "open"

    def _show_cases(self, snap: HomeSnapshot) -> None:
        n = self.attention = dict(snap.attention)
        days = snap.due_soon_days

        def line(key: str, text: str, color: str = "") -> str:
            if not n.get(key):
                return f'<span style="color:#555;">{text}</span>'
            style = f"color:{color}; font-weight:bold;" if color else "color:#222;"
            return f'<a href="{key}" style="{style} text-decoration:none;">{text}</a>'

        lines = [
            line("overdue", self.tr("超期 {0} 件").format(n["overdue"]), OVERDUE_COLOR),
            line("due_soon", self.tr("{0} 件将在 {1} 个工作日内到期").format(n["due_soon"], days), DUE_SOON_COLOR),
            line("awaiting_evaluation", self.tr("待群众评价 {0} 件").format(n["awaiting_evaluation"])),
            line("open", self.tr("未办结 {0} 件").format(n["open"])),
        ]
        late = snap.overdue_milestones
        if late:
            first = late[0]
            text = self.tr("民生实事节点逾期 {0} 个：{1}“{2}”已逾期 {3} 天").format(
                len(late), first.project_title, first.milestone.title, first.days_late)
            lines.append(f'<span style="color:{OVERDUE_COLOR}; font-weight:bold;">{text}</span>')
        self.tile_cases.value.setText("<br>".join(lines))

    def cases_text(self) -> str:
        """The cases tile as plain text (what the clerk reads)."""
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        doc.setHtml(self.tile_cases.value.text())
        return doc.toPlainText()

    def _show_month(self, snap: HomeSnapshot) -> None:
        f = self.month_figures = snap.month

        def rate(value: float | None) -> str:  # as the report prints it
            return "—" if value is None else f"{value * 100:.1f}%"

        lines = [
            self.tr("接待群众 {0} 人次（{1} 批次），进站代表 {2} 人").format(f.visitors, f.receptions,
                                                                    f.deputies_in_station),
            self.tr("收集意见建议 {0} 条，解决实际问题 {1} 件").format(f.cases_collected, f.cases_resolved),
            self.tr("办结率 {0}　满意率 {1}").format(rate(f.completion_rate), rate(f.satisfaction_rate)),
        ]
        self.tile_month.value.setText("\n".join(lines))

    def _show_quota(self, snap: HomeSnapshot) -> None:
        """Who is behind a quota of this quarter or year, grouped by quota (a few names each)."""
        self.shortfalls = list(snap.shortfalls)
        if snap.county:
            self.tile_quota.value.setText(self.tr("全县：请在上方选择一个联络站，查看该站代表的履职任务完成情况"))
            return
        if snap.quota_error:
            self.tile_quota.value.setText(snap.quota_error)
            return
        if not self.shortfalls:
            self.tile_quota.value.setText(self.tr("在任代表均已完成本季度和本年度至今的履职任务"))
            return
        groups: dict[str, list] = {}
        for s in self.shortfalls:
            groups.setdefault(s.quota, []).append(s)
        lines = []
        for quota, rows in groups.items():
            names = "、".join(r.name for r in rows[:QUOTA_NAMES])
            more = self.tr("等") if len(rows) > QUOTA_NAMES else ""
            period = self.tr("本季度") if rows[0].period_label.endswith("季度") else self.tr("本年度")
            lines.append(self.tr("{0}：{1}未完成 {2} 人——{3}{4}").format(quota, period, len(rows), names, more))
        self.tile_quota.value.setText("\n".join(lines))


@dataclass(frozen=True)
class HomeSnapshot:
    """Everything the tiles show, computed at once on a worker (plain data, no queries later)."""

    today: dt.date
    writable: bool
    county: bool
    active: int
    total: int
    by_level: tuple[tuple[str, int], ...]
    next_day: ActivityDayRecord | None
    next_day_station: str
    attention: dict
    due_soon_days: int
    month: StatsFigures
    shortfalls: tuple
    quota_error: str
    overdue_milestones: tuple = ()  # 民生实事 milestones past their planned date, not done


def home_snapshot(code: str | None, writable: bool, today: dt.date) -> HomeSnapshot:
    """The tiles' figures of station ``code`` (None: 全县): a handful of indexed counts and grouped
    queries, whatever the size of the database. Its services are imported here, on the worker: the
    window's first paint does not wait for them."""
    from station_app.domain.codes import Level
    from station_app.services import activity, cases, deputies, livelihood, scoring, settings, station, stats
    from station_app.services.deputies import DeputyFilter

    by_level = []
    for lv in Level:
        n = deputies.count(DeputyFilter(active=True, level=lv.value, station_code=code))
        if n:
            by_level.append((lv.label, n))
    day = activity.next_activity_day(today, station_code=code)
    where = station.profile(day.station_code).name if day is not None and code is None else ""
    shortfalls: tuple = ()
    quota_error = ""
    if code is not None:
        try:
            shortfalls = tuple(scoring.quota_shortfalls(today, station_code=code))
        except KnownError as exc:
            quota_error = exc.message
    return HomeSnapshot(
        today=today, writable=writable, county=code is None,
        active=deputies.count(DeputyFilter(active=True, station_code=code)),
        total=deputies.count(DeputyFilter(active=None, station_code=code)), by_level=tuple(by_level),
        next_day=day, next_day_station=where, attention=cases.attention_counts(today, station_code=code),
        due_soon_days=int(settings.get("cases.due_soon_days")),
        month=stats.figures(today.replace(day=1), today, code), shortfalls=shortfalls, quota_error=quota_error,
        overdue_milestones=tuple(livelihood.overdue_milestones(code, today)))
