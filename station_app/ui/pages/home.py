"""首页: what needs attention today. Tiles whose feature is not built yet say so."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station_app.domain import clock
from station_app.services import deputies, station
from station_app.services.deputies import DeputyFilter


class _Tile(QFrame):
    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setObjectName("tile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        lay = QVBoxLayout(self)
        self.title = QLabel(title)
        self.title.setObjectName("tileTitle")
        self.value = QLabel("")
        self.value.setObjectName("tileValue")
        self.value.setWordWrap(True)
        lay.addWidget(self.title)
        lay.addWidget(self.value)
        lay.addStretch(1)


class HomePage(QWidget):
    """Signals:
        add_deputy_requested(): the clerk clicked 新增代表
    """

    add_deputy_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 16, 24, 16)
        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        lay.addWidget(self.heading)
        self.today = QLabel()
        lay.addWidget(self.today)
        grid = QGridLayout()
        self.tile_deputies = _Tile(self.tr("代表名册"))
        self.tile_activity = _Tile(self.tr("下一个代表活动日"))
        self.tile_cases = _Tile(self.tr("即将到期和已超期的意见建议"))
        self.tile_quota = _Tile(self.tr("未完成履职任务的代表"))
        grid.addWidget(self.tile_deputies, 0, 0)
        grid.addWidget(self.tile_activity, 0, 1)
        grid.addWidget(self.tile_cases, 1, 0)
        grid.addWidget(self.tile_quota, 1, 1)
        lay.addLayout(grid)
        add = QPushButton(self.tr("新增代表（Ctrl+N）"))
        add.clicked.connect(self.add_deputy_requested)
        lay.addWidget(add)
        lay.addStretch(1)
        coming = self.tr("功能建设中，完成后在此显示。")
        self.tile_cases.value.setText(coming)
        self.tile_quota.value.setText(coming)
        self.refresh()

    def refresh(self) -> None:
        st = station.home_station()
        self.heading.setText(st.name if st else self.tr("联络站工作台"))
        today = clock.today()
        weekday = "一二三四五六日"[today.weekday()]
        self.today.setText(self.tr("今天是 {0}年{1}月{2}日 星期{3}").format(today.year, today.month, today.day, weekday))
        active = deputies.count(DeputyFilter(active=True))
        total = deputies.count(DeputyFilter(active=None))
        by_level = []
        from station_app.domain.codes import Level

        for lv in Level:
            n = deputies.count(DeputyFilter(active=True, level=lv.value))
            if n:
                by_level.append(f"{lv.label}级 {n}")
        self._refresh_activity(today)
        text = self.tr("在任代表 {0} 名（共 {1} 名）").format(active, total)
        if by_level:
            text += "\n" + "　".join(by_level)
        self.tile_deputies.value.setText(text)

    def _refresh_activity(self, today) -> None:
        from station_app.domain.codes import ActivityKind
        from station_app.services import activity

        if station.home_station() is None:
            self.tile_activity.value.setText(self.tr("请先填写站点信息"))
            return
        day = activity.next_activity_day(today)
        if day is None:
            self.tile_activity.value.setText(self.tr("还没有安排活动日：到“活动日”页按规则生成全年活动日"))
            return
        weekday = "一二三四五六日"[day.date.weekday()]
        when = self.tr("{0}月{1}日 星期{2}").format(day.date.month, day.date.day, weekday)
        if day.start_time:
            when += f" {day.start_time}" + (f"—{day.end_time}" if day.end_time else "")
        lines = [when + ("（今天）" if day.date == today else "")]
        lines.append(day.theme or ActivityKind.label_of(day.kind))
        duty = "、".join(day.duty_names) or self.tr("未排")
        lines.append(self.tr("值班代表：{0}").format(duty))
        self.tile_activity.value.setText("\n".join(lines))
