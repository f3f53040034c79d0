"""数据交换 › 全县汇总: the stations, their figures for a period and the chart."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QHorizontalBarSeries
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.errors import KnownError
from station_app.services import exchange, livelihood, scoring, station, stats
from station_app.ui import charts, style
from station_app.ui.dates import limit_date_edit
from station_app.ui.errors import report
from station_app.ui.forms import header_item, pydate, qdate, read_only_table, table_item, table_texts
from station_app.ui.pages.exchange.common import (
    CHART_COLUMNS_MAX,
    CHART_FIGURES,
    CHART_HEIGHT,
    CHART_ROW,
    PRESETS,
    RED,
    ExchangeTab,
    _fit_height,
    _period_text,
    _short,
    _when,
)
from station_app.ui.pages.stats import FIGURES, format_figure

# 民生实事项目票决制 compared across stations: (key of livelihood_projects, column title)
LIVELIHOOD_COLUMNS = (("approved", "票决民生实事"), ("completed", "民生实事已完成"))


class CountyTab(ExchangeTab):
    """The 全县汇总 tab of :class:`ExchangePage`."""

    def _build_county(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(8, 4, 8, 8)
        lay.setSpacing(6)
        lay.addWidget(self._title(self.tr("各站报送情况")))
        self.stations_table = read_only_table([self.tr("站点"), self.tr("名称"), self.tr("数据包数"), self.tr("最近导入"),
                                               self.tr("覆盖期间"), self.tr("断档")], stretch=5)
        self.stations_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        lay.addWidget(self.stations_table)
        self.county_message = QLabel()
        self.county_message.setObjectName("countyMessage")
        self.county_message.setWordWrap(True)
        self.county_message.hide()
        lay.addWidget(self.county_message)

        bar = QHBoxLayout()
        bar.addWidget(self._title(self.tr("各站工作对比")))
        bar.addSpacing(16)
        bar.addWidget(QLabel(self.tr("统计期间：")))
        self.preset = QComboBox()
        for key, label in PRESETS:
            self.preset.addItem(self.tr(label), key)
        self.preset.setCurrentIndex(self.preset.findData("year"))
        bar.addWidget(self.preset)
        self.stats_from = QDateEdit()
        self.stats_to = QDateEdit()
        for d in (self.stats_from, self.stats_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            limit_date_edit(d)
        bar.addWidget(self.stats_from)
        bar.addWidget(QLabel(self.tr("至")))
        bar.addWidget(self.stats_to)
        self.stats_busy = QLabel(self.tr("正在统计…"))
        self.stats_busy.setObjectName("hint")
        self.stats_busy.hide()
        bar.addWidget(self.stats_busy)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.station_stats_table = read_only_table([self.tr("联络站")] + [self.tr(t) for _k, t, _u in FIGURES]
                                                   + [self.tr(t) for _k, t in LIVELIHOOD_COLUMNS], stretch=0)
        lay.addWidget(self.station_stats_table)
        self.livelihood_note = QLabel(self.tr("民生实事（件）——") + self.tr("；").join(
            livelihood.FIGURE_NOTES[k] for k, _t in LIVELIHOOD_COLUMNS))
        self.livelihood_note.setObjectName("hint")
        self.livelihood_note.setWordWrap(True)
        lay.addWidget(self.livelihood_note)
        for i, (k, _t) in enumerate(LIVELIHOOD_COLUMNS, start=1 + len(FIGURES)):
            header_item(self.station_stats_table, i).setToolTip(livelihood.FIGURE_NOTES[k])
        self.chart_view = charts.chart_view(CHART_HEIGHT)
        lay.addWidget(self.chart_view)

        lay.addSpacing(6)
        bar = QHBoxLayout()
        bar.addWidget(self._title(self.tr("代表履职积分排名（全县）")))
        bar.addSpacing(16)
        bar.addWidget(QLabel(self.tr("年度：")))
        self.ranking_year = QSpinBox()
        self.ranking_year.setObjectName("rankingYear")
        today = clock.today()
        self.ranking_year.setRange(2000, today.year + 1)
        self.ranking_year.setValue(today.year)
        self.ranking_year.setSuffix(self.tr(" 年"))
        bar.addWidget(self.ranking_year)
        bar.addSpacing(12)
        bar.addWidget(QLabel(self.tr("联络站：")))
        self.ranking_station = QComboBox()
        self.ranking_station.setObjectName("rankingStation")
        self.ranking_station.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.ranking_station.addItem(self.tr("全部联络站"), None)
        bar.addWidget(self.ranking_station)
        self.ranking_busy = QLabel(self.tr("正在计算…"))
        self.ranking_busy.setObjectName("hint")
        self.ranking_busy.hide()
        bar.addWidget(self.ranking_busy)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.ranking_hint = QLabel()
        self.ranking_hint.setObjectName("hint")
        self.ranking_hint.setWordWrap(True)
        lay.addWidget(self.ranking_hint)
        self.ranking_table = read_only_table([self.tr("名次"), self.tr("代表"), self.tr("联络站"), self.tr("年度积分"),
                                              self.tr("百分制"), self.tr("等次 / 合格进度")], stretch=0)
        self.ranking_table.setObjectName("countyRanking")
        h = self.ranking_table.horizontalHeader()
        for c in range(1, self.ranking_table.columnCount()):  # 名次 as narrow as it can be, the rest share
            h.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        lay.addWidget(self.ranking_table)
        self.ranking_empty = QLabel()
        self.ranking_empty.setObjectName("hint")
        self.ranking_empty.hide()
        lay.addWidget(self.ranking_empty)
        lay.addStretch(1)
        self.county_ranking: list[scoring.CountyScore] = []

        self.preset.currentIndexChanged.connect(self._on_preset)
        self.ranking_year.valueChanged.connect(lambda _v: self._fill_ranking())
        self.ranking_station.currentIndexChanged.connect(lambda _i: self._fill_ranking())
        self.stats_from.dateChanged.connect(self._on_stats_dates)
        self.stats_to.dateChanged.connect(self._on_stats_dates)
        self._loading_dates = False
        self._apply_preset("year")
        return self._scrolled(w)

    # -- county view ---------------------------------------------------------------------------------
    def refresh_county(self) -> None:
        self._fill_stations()
        self._fill_station_stats()
        self._fill_ranking_stations()
        self._fill_ranking()

    def _fill_stations(self) -> None:
        rows = []
        try:
            rows = list(exchange.county_stations())
        except KnownError as exc:
            self._show(self.county_message, exc.message, "error")
        self.county_rows = rows
        t = self.stations_table
        t.setRowCount(len(rows))
        for r, s in enumerate(rows):
            t.setItem(r, 0, table_item(s.code))
            t.setItem(r, 1, table_item(s.name))
            t.setItem(r, 2, table_item(s.packages, centered=True))
            t.setItem(r, 3, table_item(_when(s.last_imported_at), centered=True))
            t.setItem(r, 4, table_item(_period_text(s.period_from, s.period_to), centered=True))
            if s.gap:
                gap = table_item(self.tr("断档：{0}").format(s.gap_note) if s.gap_note else self.tr("断档"),
                                 color=RED, tip=s.gap_note or "")
                font = QFont(gap.font())
                font.setBold(True)
                gap.setFont(font)
                gap.setBackground(QColor("#FDECEC"))
            elif not s.packages:
                gap = table_item("—")
            else:
                gap = table_item(self.tr("连续"), color=style.GREEN)
            t.setItem(r, 5, gap)
        _fit_height(t, 2, 15)
        if not any(s.packages for s in rows):
            self._show(self.county_message, self.tr("还没有导入任何数据包。请在“导入数据包”中选择各站报送的数据包。"),
                       "info")
        else:
            gaps = [s for s in rows if s.gap]
            text = "\n".join(self.tr("{0}（{1}）断档：{2}").format(s.name, s.code, s.gap_note or self.tr("缺少数据包"))
                             for s in gaps)
            self._show(self.county_message, text + self.tr("\n请联系以上联络站补报缺少的数据包。") if gaps else "", "error")

    def station_rows(self) -> list[list[str]]:
        return table_texts(self.stations_table)

    def _apply_preset(self, key: str) -> None:
        today = clock.today()
        if key == "month":
            lo = today.replace(day=1)
        elif key == "quarter":
            lo = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        elif key == "year":
            lo = dt.date(today.year, 1, 1)
        elif key == "last_year":
            lo, today = dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
        else:
            return
        self._loading_dates = True
        self.stats_from.setDate(qdate(lo))
        self.stats_to.setDate(qdate(today))
        self._loading_dates = False

    def _on_preset(self, _i: int) -> None:
        self._apply_preset(self.preset.currentData())
        self._fill_station_stats()

    def _on_stats_dates(self, *_args) -> None:
        if self._loading_dates:
            return
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(self.preset.findData("custom"))
        self.preset.blockSignals(False)
        self._fill_station_stats()

    def set_stats_period(self, date_from: dt.date, date_to: dt.date) -> None:
        """各站工作对比 over ``date_from``–``date_to`` (自定义)."""
        self._loading_dates = True
        self.stats_from.setDate(qdate(date_from))
        self.stats_to.setDate(qdate(date_to))
        self._loading_dates = False
        self._on_stats_dates()

    def stats_period(self) -> tuple[dt.date, dt.date]:
        return pydate(self.stats_from.date()), pydate(self.stats_to.date())

    def _county_failed(self, exc: Exception) -> None:
        report(exc, show=lambda text: self._show(self.county_message, text, "error"))

    def _fill_station_stats(self) -> None:
        if not self._ready:
            return
        lo, hi = self.stats_period()
        self._county_work.submit("stats", lambda: stats.statistics(lo, hi, breakdowns=False),
                                 self._show_station_stats, self.stats_busy, self._county_failed)

    def _show_station_stats(self, s) -> None:
        self.county_stats = s
        names = {p.code: p.name for p in station.stations()}
        shown = {row.code for row in self.county_rows}  # the county's own empty profile is not a station
        by_station = {code: f for code, f in sorted(s.by_station.items()) if code in shown} \
            or {code: s.figures for code in stats.station_codes() if code in shown}
        def figures_shown(f) -> list[str]:
            return [*(format_figure(k, getattr(f, k)) for k, _t, _u in FIGURES),
                    *(str(f.livelihood_projects.get(k, 0)) for k, _t in LIVELIHOOD_COLUMNS)]

        rows = [[names.get(code, code), *figures_shown(f)] for code, f in by_station.items()]
        if len(by_station) > 1:
            rows.append([self.tr("合计"), *figures_shown(s.figures)])
        t = self.station_stats_table
        t.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = table_item(value, centered=bool(c))
                if len(by_station) > 1 and r == len(rows) - 1:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                t.setItem(r, c, item)
        _fit_height(t, 2, 15)
        self._show_chart(by_station, names)

    def station_stats_rows(self) -> dict[str, list[str]]:
        """{station name (or 合计): the seven figures as shown}."""
        return {row[0]: row[1:1 + len(FIGURES)] for row in table_texts(self.station_stats_table)}

    def station_livelihood_rows(self) -> dict[str, list[str]]:
        """{station name (or 合计): 票决民生实事, 民生实事已完成 as shown (LIVELIHOOD_COLUMNS)}."""
        return {row[0]: row[1 + len(FIGURES):] for row in table_texts(self.station_stats_table)}

    def _show_chart(self, by_station: dict, names: dict[str, str]) -> None:
        chart = charts.chart(self.tr("各站接待和办理情况") if by_station else self.tr("各站接待和办理情况：还没有联络站"))
        many = len(by_station) > CHART_COLUMNS_MAX
        if many:  # rows of bars are drawn from the bottom up: the first station goes last
            by_station = dict(reversed(by_station.items()))
        self.chart_labels = [names.get(code, code) for code in by_station]  # in the axis' order
        self.chart_sets = {}
        if by_station:
            # a few stations side by side as columns with their values; a county of many stations
            # as rows of bars, one row a station, the chart as tall as they need (the values are
            # in the table above)
            bars = QHorizontalBarSeries() if many else QBarSeries()
            for (key, title), color in zip(CHART_FIGURES, charts.BAR_COLORS, strict=True):
                bar_set = charts.bar_set(self.tr(title), color, value_font=False)
                for f in by_station.values():
                    bar_set.append(getattr(f, key))
                self.chart_sets[key] = bar_set
                bars.append(bar_set)
            if not many:
                bars.setLabelsVisible(True)
                bars.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
                bars.setLabelsFormat("@value")
            chart.addSeries(bars)
            names_axis = QBarCategoryAxis()
            names_axis.append([_short(n) for n in self.chart_labels])
            charts.style_axis(names_axis)
            names_axis.setGridLineVisible(False)
            top = max((getattr(f, k) for f in by_station.values() for k, _t in CHART_FIGURES), default=0)
            values = charts.count_axis(top, headroom=not many)
            values.setTitleText(self.tr("批次 / 条 / 件"))
            chart.addAxis(names_axis, Qt.AlignmentFlag.AlignLeft if many else Qt.AlignmentFlag.AlignBottom)
            chart.addAxis(values, Qt.AlignmentFlag.AlignTop if many else Qt.AlignmentFlag.AlignLeft)
            bars.attachAxis(names_axis)
            bars.attachAxis(values)
            chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop if many else Qt.AlignmentFlag.AlignBottom)
        else:
            chart.legend().setVisible(False)
        self.chart_view.setMinimumHeight(CHART_HEIGHT + CHART_ROW * len(by_station) if many else CHART_HEIGHT)
        charts.set_chart(self.chart_view, chart)
