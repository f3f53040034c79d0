"""统计分析: the EXCHANGE_FORMAT §3 figures for a month, quarter, year or any date range, with the
headline sentence, charts by category and by month, tables by village, deputy and station, and the
月报/季报/年报 PDF. Every number comes from ``services/stats.statistics`` — the same function behind
the 首页, ``station-app stats --json`` and the report — so they never disagree.

Signals:
    report_saved(str): the report PDF was written to this path
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QHorizontalBarSeries, QLineSeries
from PySide6.QtCore import QSettings, QStandardPaths, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.codes import Category
from station_app.domain.records import Statistics, StatsFigures
from station_app.errors import KnownError
from station_app.services import station, stats
from station_app.services.xlsx_export import Sheet
from station_app.ui import charts, style, tasks
from station_app.ui.dates import limit_date_edit
from station_app.ui.errors import report
from station_app.ui.excel_export import ExcelExport, table_sheet
from station_app.ui.forms import pydate, qdate, show_message
from station_app.ui.pdfview import SavedPdfDialog, show_saved_pdf
from station_app.ui.station_view import StationViewMixin

STYLE = charts.CHART_VIEW_STYLE + f"""
#figure {{ background: {style.WHITE}; border: 1px solid {style.TILE_LINE}; border-radius: 6px; }}
#figureTitle {{ color: {style.BROWN}; font-size: 10pt; }}
#figureValue {{ color: {style.DARK_RED}; font-size: 20pt; font-weight: bold; }}
#figureUnit {{ color: {style.BROWN}; font-size: 10pt; }}
#headline {{ font-size: 11pt; color: #333; background: #FFF8F0; border-left: 4px solid {style.RED}; padding: 8px 10px; }}
#periodLabel {{ color: {style.TEXT_DIM}; }}
#statsBusy {{ color: {style.BROWN}; }}
#sectionTitle {{ color: {style.DARK_RED}; font-weight: bold; font-size: 11pt; padding-top: 6px; }}
#statsMessage[kind="error"] {{ color: {style.RED}; }}
#statsMessage[kind="info"] {{ color: {style.GREEN}; }}
"""

# (key of StatsFigures, title, unit) in the order of EXCHANGE_FORMAT §3
FIGURES = (
    ("deputies_in_station", "进站代表人数", "人"),
    ("receptions", "接待批次", "批次"),
    ("visitors", "接待群众人次", "人次"),
    ("cases_collected", "收集意见建议", "条"),
    ("cases_resolved", "解决实际问题", "件"),
    ("completion_rate", "办结率", ""),
    ("satisfaction_rate", "满意率", ""),
)
KINDS = (("month", "月"), ("quarter", "季"), ("year", "年"), ("custom", "自定义"))
CHART_HEIGHT = 300
CATEGORY_ROW = 28  # pixels a category of the category chart
REPORT_KIND = {"month": "月报", "quarter": "季报", "year": "年报", "custom": "报告"}


def format_figure(key: str, value) -> str:
    """As the report prints it: counts as integers, rates as 12.3%, no rate as —."""
    if key.endswith("_rate"):
        return "—" if value is None else f"{value * 100:.1f}%"
    return str(value)


def _date_label(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


class _FigureTile(QFrame):
    def __init__(self, title: str, unit: str, parent=None):
        super().__init__(parent)
        self.setObjectName("figure")
        self.setMinimumWidth(112)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.setSpacing(2)
        self.title = QLabel(title)
        self.title.setObjectName("figureTitle")
        row = QHBoxLayout()
        row.setSpacing(4)
        self.value = QLabel("—")
        self.value.setObjectName("figureValue")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unit = QLabel(unit)
        self.unit.setObjectName("figureUnit")
        row.addWidget(self.value, 0, Qt.AlignmentFlag.AlignBaseline)
        row.addWidget(self.unit, 0, Qt.AlignmentFlag.AlignBaseline)
        row.addStretch(1)
        lay.addWidget(self.title)
        lay.addLayout(row)


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    header = t.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for c in range(1, len(headers)):
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    return t


def _fill(table: QTableWidget, rows, shown: tuple[int, int] = (3, 12)) -> None:
    """Fill the table and make it as tall as its rows (at least ``shown[0]``, at most ``shown[1]``;
    more rows scroll inside it)."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(str(value))
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            table.setItem(r, c, item)
    lo, hi = shown
    n = min(max(len(rows), lo), hi)
    row_h = table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(table.horizontalHeader().sizeHint().height() + n * row_h + 2 * table.frameWidth() + 2)


class StatsPage(StationViewMixin, QWidget):
    """Signals:
        report_saved(str): the report PDF was written to this path
    """

    refreshes_on_show = True  # its showEvent refreshes: the station in view is caught up there

    report_saved = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setStyleSheet(STYLE)
        self._stats: Statistics | None = None
        self._work = tasks.OneAtATime()
        self._busy = False
        self._loading = False
        self._station_names: dict[str, str] = {}
        self.preview_dialog: SavedPdfDialog | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 8)
        head = QLabel(self.tr("统计分析"))
        head.setObjectName("pageTitle")
        outer.addWidget(head)

        # -- the period ------------------------------------------------------------------------------
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(QLabel(self.tr("统计期间：")))
        self.kind = QComboBox()
        for value, label in KINDS:
            self.kind.addItem(self.tr(label), value)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setSuffix(self.tr(" 年"))
        self.index = QComboBox()
        self.index.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.index.setMinimumContentsLength(5)
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for w in (self.date_from, self.date_to):
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            limit_date_edit(w)
        self.to_label = QLabel(self.tr("至"))
        bar.addWidget(self.kind)
        bar.addWidget(self.year)
        bar.addWidget(self.index)
        bar.addWidget(self.date_from)
        bar.addWidget(self.to_label)
        bar.addWidget(self.date_to)
        self.station_label = QLabel(self.tr("联络站："))
        self.station = QComboBox()
        self.station.setPlaceholderText(self.tr("（无）"))
        self.station.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        bar.addSpacing(12)
        bar.addWidget(self.station_label)
        bar.addWidget(self.station)
        bar.addStretch(1)
        self.print_button = QPushButton(self.tr("打印报告PDF…"))
        self.print_button.setObjectName("printReportButton")
        self.print_button.setToolTip(self.tr("把本期的月报/季报/年报保存为PDF并预览（Ctrl+P）"))
        bar.addWidget(self.print_button)
        self.excel = ExcelExport(self, lambda: self.tr("统计{0}.xlsx").format(self.period_label.text()),
                                 self._excel_sheets)
        bar.addWidget(self.excel.button)
        outer.addLayout(bar)
        period_row = QHBoxLayout()
        self.period_label = QLabel()
        self.period_label.setObjectName("periodLabel")
        period_row.addWidget(self.period_label)
        self.busy = QLabel(self.tr("正在统计…"))
        self.busy.setObjectName("statsBusy")
        self.busy.hide()
        period_row.addWidget(self.busy)
        period_row.addStretch(1)
        outer.addLayout(period_row)
        self.message = QLabel()
        self.message.setObjectName("statsMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)

        # -- the body, scrolling ------------------------------------------------------------------------
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 4, 8, 4)
        lay.setSpacing(10)
        self.headline = QLabel()
        self.headline.setObjectName("headline")
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.headline)
        tiles = QGridLayout()
        tiles.setSpacing(8)
        self.tiles: dict[str, _FigureTile] = {}
        for i, (key, title, unit) in enumerate(FIGURES):
            tile = _FigureTile(self.tr(title), self.tr(unit))
            self.tiles[key] = tile
            tiles.addWidget(tile, i // 4, i % 4)  # two rows: seven tiles in one row are cut on 1024 pixels
        lay.addLayout(tiles)

        chart_row = QHBoxLayout()
        chart_row.setSpacing(10)
        self.category_view = charts.chart_view(CHART_HEIGHT)
        self.month_view = charts.chart_view(CHART_HEIGHT)
        chart_row.addWidget(self.category_view, 2)
        chart_row.addWidget(self.month_view, 3)
        lay.addLayout(chart_row)
        self.category_set: QBarSet | None = None
        self.category_labels: list[str] = []
        self.month_sets: dict[str, QBarSet] = {}
        self.visitor_line: QLineSeries | None = None

        tables = QHBoxLayout()
        tables.setSpacing(10)
        self.village_table = _table([self.tr("村（社区）"), self.tr("接待批次"), self.tr("接待群众人次"),
                                     self.tr("意见建议条数")])
        self.deputy_table = _table([self.tr("代表"), self.tr("接待批次"), self.tr("收集意见建议条数")])
        tables.addLayout(self._section(self.tr("分村（社区）统计"), self.village_table), 1)
        tables.addLayout(self._section(self.tr("代表接待统计"), self.deputy_table), 1)
        lay.addLayout(tables)
        self.station_table = _table([self.tr("联络站")] + [self.tr(t) for _k, t, _u in FIGURES])
        self.station_box = QWidget()
        sb = self._section(self.tr("各联络站对比"), self.station_table)
        sb.setContentsMargins(0, 0, 0, 0)
        self.station_box.setLayout(sb)
        lay.addWidget(self.station_box)
        lay.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.year.valueChanged.connect(self._on_period_changed)
        self.index.currentIndexChanged.connect(self._on_period_changed)
        self.date_from.dateChanged.connect(self._on_period_changed)
        self.date_to.dateChanged.connect(self._on_period_changed)
        self.station.currentIndexChanged.connect(self._on_period_changed)
        self.print_button.clicked.connect(self.request_print)

        self.set_month(clock.today().year, clock.today().month)

    def _section(self, title: str, widget: QWidget) -> QVBoxLayout:
        box = QVBoxLayout()
        box.setSpacing(4)
        label = QLabel(title)
        label.setObjectName("sectionTitle")
        box.addWidget(label)
        box.addWidget(widget)
        box.addStretch(1)
        return box

    # -- the period ---------------------------------------------------------------------------------
    def set_period(self, kind: str, year: int | None = None, index: int = 1) -> None:
        """Pick a month (index 1–12), quarter (1–4) or year and show its figures."""
        self._loading = True
        try:
            self.kind.setCurrentIndex([k for k, _ in KINDS].index(kind))
            self._fill_index(kind)
            if year is not None:
                self.year.setValue(year)
            if kind in ("month", "quarter"):
                self.index.setCurrentIndex(index - 1)
            self._update_visibility()
        finally:
            self._loading = False
        self.refresh()

    def set_month(self, year: int, month: int) -> None:
        self.set_period("month", year, month)

    def set_range(self, date_from: dt.date, date_to: dt.date) -> None:
        """自定义: any closed range of dates."""
        self._loading = True
        try:
            self.kind.setCurrentIndex([k for k, _ in KINDS].index("custom"))
            self.date_from.setDate(qdate(date_from))
            self.date_to.setDate(qdate(date_to))
            self._update_visibility()
        finally:
            self._loading = False
        self.refresh()

    def current_period(self) -> tuple[dt.date, dt.date, str | None]:
        """(from, to, name) of the chosen period; name like 2026年第三季度, None for a custom range."""
        kind = self.kind.currentData()
        if kind == "custom":
            return pydate(self.date_from.date()), pydate(self.date_to.date()), None
        return stats.period(kind, self.year.value(), max(1, self.index.currentIndex() + 1))

    def current_station(self) -> str | None:
        """The station in view (None: 全县, every station of the database)."""
        return self.view_code

    def set_station(self, code: str | None) -> None:
        """Show station ``code`` (None: 全县), as the main window's station selector does."""
        window = self.window()
        if hasattr(window, "set_view_code"):
            window.set_view_code(code)
        else:
            self.set_view(station.view(code))

    def _fill_index(self, kind: str) -> None:
        """Months or quarters in the second combo; the month or quarter picked stays in view when
        switching between them (a year keeps the list it had, hidden)."""
        if kind not in ("month", "quarter") or self.index.count() == (12 if kind == "month" else 4):
            return
        keep = self.index.currentIndex()
        was = self.index.count()
        self.index.blockSignals(True)
        self.index.clear()
        if kind == "month":
            for m in range(1, 13):
                self.index.addItem(self.tr("{0}月").format(m), m)
        elif kind == "quarter":
            for q, name in enumerate(stats.QUARTERS, start=1):
                self.index.addItem(self.tr("第{0}季度").format(name), q)
        if self.index.count():
            if kind == "quarter" and was == 12 and keep >= 0:
                self.index.setCurrentIndex(keep // 3)  # the quarter of the month shown
            elif kind == "month" and was == 4 and keep >= 0:
                self.index.setCurrentIndex(keep * 3)  # the quarter's first month
            else:
                self.index.setCurrentIndex(0)
        self.index.blockSignals(False)

    def _update_visibility(self) -> None:
        kind = self.kind.currentData()
        custom = kind == "custom"
        self.year.setVisible(not custom)
        self.index.setVisible(kind in ("month", "quarter"))
        for w in (self.date_from, self.to_label, self.date_to):
            w.setVisible(custom)

    def _on_kind_changed(self, _i: int) -> None:
        if self._loading:
            return
        kind = self.kind.currentData()
        if kind == "custom":
            # start from the period shown until now, so switching to 自定义 changes nothing at once
            lo, hi = (self._stats.date_from, self._stats.date_to) if self._stats else (clock.today(), clock.today())
            self._loading = True
            self.date_from.setDate(qdate(lo))
            self.date_to.setDate(qdate(hi))
            self._loading = False
        else:
            self._fill_index(kind)
        self._update_visibility()
        self.refresh()

    def _on_period_changed(self, *_args) -> None:
        if not self._loading:
            self.refresh()

    # -- figures -------------------------------------------------------------------------------------
    def _refresh_stations(self) -> None:
        """The stations' names for the by-station table; which station is shown is the station in
        view (the main window's selector), so the page keeps no picker of its own."""
        self._station_names = {s.code: s.name for s in station.stations()}
        self.station_label.setVisible(False)
        self.station.setVisible(False)

    def refresh(self) -> None:
        """Recompute the figures of the chosen period (and station) on a worker and show them (a
        county database of a million receptions takes seconds)."""
        self._refresh_stations()
        date_from, date_to, name = self.current_period()
        code = self.current_station()
        scope = {"month": "本月", "quarter": "本季度", "year": "本年度"}.get(self.kind.currentData(), "本期")
        self._work.submit("stats", lambda: stats.statistics(date_from, date_to, code),
                          lambda s: self._show_statistics(s, name, scope), self.busy, self._failed)

    def _failed(self, exc: Exception) -> None:
        report(exc, show=lambda text: self._show_message(text, "error"))

    def _show_statistics(self, s: Statistics, name: str | None, scope: str) -> None:
        date_from, date_to = s.date_from, s.date_to
        self._show_message("", "info")
        self._stats = s
        label = f"{_date_label(date_from)}至{_date_label(date_to)}"
        self.period_label.setText(f"{name}（{label}）" if name else label)
        self.headline.setText(stats.headline(s.figures, scope))
        for key, tile in self.tiles.items():
            tile.value.setText(format_figure(key, getattr(s.figures, key)))
        self._show_category_chart(s.figures)
        self._show_month_chart(s)
        _fill(self.village_table, s.by_village)
        _fill(self.deputy_table, s.by_deputy)
        _fill(self.station_table, [
            [self._station_names.get(code, code), *(format_figure(k, getattr(f, k)) for k, _t, _u in FIGURES)]
            for code, f in sorted(s.by_station.items())], shown=(1, 12))
        self.station_box.setVisible(bool(s.by_station))

    def _excel_sheets(self) -> list[Sheet]:
        """导出Excel: the period's figures as the tiles show them, then each table as shown."""
        if self._stats is None:
            raise KnownError(self.tr("统计还没有完成，请稍候再导出。"))
        figures = [(self.tr("统计期间"), self.period_label.text(), "")]
        figures += [(tile.title.text(), tile.value.text(), tile.unit.text()) for tile in self.tiles.values()]
        sheets = [Sheet(self.tr("主要数字"), (self.tr("项目"), self.tr("数值"), self.tr("单位")), figures),
                  table_sheet(self.tr("分村（社区）统计"), self.village_table),
                  table_sheet(self.tr("代表接待统计"), self.deputy_table)]
        if not self.station_box.isHidden():
            sheets.append(table_sheet(self.tr("各联络站对比"), self.station_table))
        return sheets

    @property
    def statistics(self) -> Statistics | None:
        """What the page shows."""
        return self._stats

    def figure_texts(self) -> dict[str, str]:
        """The tiles as shown: {figure key: text}."""
        return {key: tile.value.text() for key, tile in self.tiles.items()}

    # -- charts ----------------------------------------------------------------------------------------
    def _show_category_chart(self, f: StatsFigures) -> None:
        # most first, drawn from the top: a horizontal bar chart starts at the bottom, so reverse
        rows = sorted(((Category.label_of(c), n) for c, n in f.by_category.items()), key=lambda t: (-t[1], t[0]))
        chart = charts.chart(self.tr("意见建议分类（条）") if rows else self.tr("意见建议分类：本期没有收集意见建议"))
        self.category_labels = [label for label, _n in reversed(rows)]
        self.category_set = None
        if rows:
            bar_set = charts.bar_set(self.tr("意见建议条数"), charts.BAR_RED)
            for _label, n in reversed(rows):
                bar_set.append(n)
            series = QHorizontalBarSeries()
            series.append(bar_set)
            series.setLabelsVisible(True)
            series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
            series.setLabelsFormat("@value")
            series.setBarWidth(0.6)
            chart.addSeries(series)
            y = QBarCategoryAxis()
            y.append(self.category_labels)
            charts.style_axis(y)
            y.setGridLineVisible(False)
            x = charts.count_axis(max(n for _l, n in rows), headroom=True)
            chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
            chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
            series.attachAxis(y)
            series.attachAxis(x)
            self.category_set = bar_set
        chart.legend().setVisible(False)
        # a row a category with room for its name: squeezed, Qt elides every name to "…"
        self.category_view.setMinimumHeight(max(CHART_HEIGHT, 90 + CATEGORY_ROW * len(rows)))
        charts.set_chart(self.category_view, chart)

    def _show_month_chart(self, s: Statistics) -> None:
        chart = charts.chart(self.tr("分月统计"))
        months = [f"{int(m[5:7])}月" if len({x[0][:4] for x in s.by_month}) == 1 else f"{m[:4]}年{int(m[5:7])}月"
                  for m, *_rest in s.by_month]
        bars = QBarSeries()
        self.month_sets = {}
        for (key, title), color in zip((("receptions", "接待批次"), ("cases_collected", "收集意见建议"),
                                        ("cases_resolved", "解决实际问题")), charts.BAR_COLORS,
                                       strict=True):
            bar_set = charts.bar_set(self.tr(title), color)
            self.month_sets[key] = bar_set
            bars.append(bar_set)
        line = QLineSeries()
        line.setName(self.tr("接待群众人次（右轴）"))
        pen = QPen(QColor(charts.LINE_COLOR))
        pen.setWidth(2)
        line.setPen(pen)
        line.setPointsVisible(True)
        for i, (_m, n_rec, visitors, collected, resolved) in enumerate(s.by_month):
            self.month_sets["receptions"].append(n_rec)
            self.month_sets["cases_collected"].append(collected)
            self.month_sets["cases_resolved"].append(resolved)
            line.append(i, visitors)
        self.visitor_line = line
        chart.addSeries(bars)
        chart.addSeries(line)
        x = QBarCategoryAxis()
        x.append(months)
        charts.style_axis(x)
        x.setGridLineVisible(False)
        left = charts.count_axis(max([max(r[1], r[3], r[4]) for r in s.by_month] or [0]))
        left.setTitleText(self.tr("批次 / 条 / 件"))
        right = charts.count_axis(max([r[2] for r in s.by_month] or [0]))
        right.setTitleText(self.tr("人次"))
        right.setGridLineVisible(False)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(left, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(right, Qt.AlignmentFlag.AlignRight)
        bars.attachAxis(x)
        bars.attachAxis(left)
        line.attachAxis(x)
        line.attachAxis(right)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        charts.set_chart(self.month_view, chart)

    # -- the report --------------------------------------------------------------------------------------
    def report_filename(self) -> str:
        date_from, date_to, name = self.current_period()
        kind = REPORT_KIND[self.kind.currentData()]
        return f"接待工作{kind}-{name or f'{date_from.isoformat()}至{date_to.isoformat()}'}.pdf"

    def request_print(self) -> None:
        """打印报告PDF (Ctrl+P on this page): ask where, write the report, show it."""
        if self._busy:
            return
        folder = QSettings().value("stats/folder") or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存报告PDF"), str(Path(folder) / self.report_filename()),
                                              self.tr("PDF 文件 (*.pdf)"))
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self.save_report(path)

    def save_report(self, path: str, preview: bool = True) -> None:
        """Write the 月报/季报/年报 of the chosen period to ``path`` in a worker, then preview it."""
        if self._busy:
            return
        date_from, date_to, name = self.current_period()
        kind = self.kind.currentData()  # the period kind as a code, not read back from its name
        code = self.current_station()
        self._set_busy(True)

        def done(_result) -> None:
            self._set_busy(False)
            QSettings().setValue("stats/folder", str(Path(path).parent))
            self._show_message(self.tr("报告已保存：{0}").format(path), "info")
            self.report_saved.emit(path)
            if preview:
                self.show_preview(path)

        def fail(exc: Exception) -> None:
            self._set_busy(False)
            report(exc, show=lambda text: self._show_message(text, "error"))

        tasks.run_task(lambda: stats.print_report(date_from, date_to, path, code, name, kind), done, fail)

    def show_preview(self, path: str) -> None:
        self.preview_dialog = show_saved_pdf(self, self.preview_dialog, path, self.tr("报告预览"))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.print_button.setEnabled(not busy)
        if busy:
            self._show_message(self.tr("正在生成报告，请稍候…"), "info")
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        else:
            QApplication.restoreOverrideCursor()

    def _show_message(self, text: str, kind: str) -> None:
        show_message(self.message, text, kind)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.refresh()  # records made on other pages since the page was last shown
