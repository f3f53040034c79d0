"""数据交换: a station exports its data to a USB stick (EXCHANGE_FORMAT §2); the county imports
every station's packages and compares the stations.

Three tabs, always reachable:

- 导出到U盘: the removable volumes (``ui/drives.py``) or any folder, the period (since the last
  package by default), 全部数据, 加密 with the password of 设置 (or one typed for this export only);
  ``exchange.export_package`` runs in a worker with a progress dialog whose 取消 stops it.
- 导入数据包: pick packages (.zip), an optional password; ``exchange.import_packages`` in a worker,
  then one row per package (已导入/已拒绝, why, 新增/更新/未变).
- 各站情况: ``exchange.county_stations()`` (packages, last import, period covered, 断档 in red) and
  the §3 figures of a period per station (``stats.statistics(...).by_station``) as a table and a
  grouped bar chart; 代表履职积分排名（全县）: ``scoring.county_ranking`` of a year, for every station
  or one, scored with the county database's own 指标设置.

A station database opens on 导出; a county database (more than one station, or 县级汇总模式 ticked)
opens on 导入 with 各站情况 beside it.

Signals:
    exported(str): a package was written to this path
    imported(): packages were imported (the database changed: refresh what shows its data)
    progressed(int, int): (done, total) of the running export or import, on the GUI thread
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QHorizontalBarSeries
from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.package import TABLE_LABELS
from station_app.errors import KnownError
from station_app.services import exchange, scoring, settings, station, stats
from station_app.ui import charts, drives, tasks
from station_app.ui.dates import limit_date_edit
from station_app.ui.dialogs.duty_record_dialog import fmt_points
from station_app.ui.forms import pydate, qdate, read_only_table, show_message, table_item
from station_app.ui.pages.stats import FIGURES, format_figure

STYLE = charts.CHART_VIEW_STYLE + """
#exchangeMessage, #importMessage, #countyMessage { padding: 6px 10px; border-left: 4px solid transparent; }
#exchangeMessage[kind="error"], #importMessage[kind="error"], #countyMessage[kind="error"]
    { color: #C00000; background: #FDECEC; border-left: 4px solid #C00000; }
#exchangeMessage[kind="info"], #importMessage[kind="info"], #countyMessage[kind="info"]
    { color: #2E7D32; background: #F4FAF4; border-left: 4px solid #2E7D32; }
#modeLabel { color: #555; }
#hint { color: #6B4E3D; }
QPushButton#exportButton { background: #C00000; color: white; font-weight: bold; padding: 6px 18px;
    border: 1px solid #A00000; border-radius: 4px; }
QPushButton#exportButton:disabled { background: #D9C9C9; border-color: #CCBBBB; }
#result { background: #F4FAF4; border: 1px solid #B9DDB9; border-radius: 6px; }
#resultTitle { color: #2E7D32; font-weight: bold; font-size: 11pt; }
#sectionTitle { color: #8B0000; font-weight: bold; font-size: 11pt; padding-top: 6px; }
QGroupBox { font-weight: bold; color: #8B0000; border: 1px solid #E6D8CF; border-radius: 6px; margin-top: 10px; }
QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; }
QGroupBox QLabel, QGroupBox QCheckBox, QGroupBox QListWidget, QGroupBox QLineEdit, QGroupBox QTableWidget
    { font-weight: normal; color: #222; }
"""

TABS = ("export", "import", "county")
RED = "#C00000"
# the tables of EXCHANGE_FORMAT §2.3 (and the attachments) with the words a clerk knows
TABLE_NAMES = {**TABLE_LABELS, "attachments": "附件（照片）"}
STATUS_NAMES = {"imported": "已导入", "rejected": "已拒绝"}
PRESETS = (("month", "本月"), ("quarter", "本季度"), ("year", "本年"), ("last_year", "上一年"), ("custom", "自定义"))
CHART_FIGURES = (("receptions", "接待批次"), ("cases_collected", "收集意见建议"), ("cases_resolved", "解决实际问题"))
CHART_HEIGHT = 280
CHART_COLUMNS_MAX = 12  # more stations than this: one row of bars a station
CHART_ROW = 30  # pixels a station row


def _when(value) -> str:
    """A time as ``2026-05-20 15:00`` (a datetime or an ISO text), — when there is none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return text[:16].replace("T", " ")


def _day(value) -> str:
    if value is None or value == "":
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def _period_text(a, b) -> str:
    a, b = _day(a), _day(b)
    if not a and not b:
        return "—"
    return f"{a or '…'} 至 {b or '…'}"


def _fit_height(table: QTableWidget, lo: int = 2, hi: int = 12) -> None:
    n = min(max(table.rowCount(), lo), hi)
    row_h = table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(table.horizontalHeader().sizeHint().height() + n * row_h + 2 * table.frameWidth() + 2)


class _Progress(QObject):
    """Carries (done, total) from the worker thread to the GUI thread (a queued signal)."""

    step = Signal(int, int)


class ExchangePage(QWidget):
    """Signals:
        exported(str): a package was written to this path
        imported(): packages were imported (the database changed)
        progressed(int, int): (done, total) of the running export or import, on the GUI thread
    """

    exported = Signal(str)
    imported = Signal()
    progressed = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setStyleSheet(STYLE)
        self._busy = False
        self._cancel = False
        self._folder: str | None = None  # chosen with 选择文件夹… (None: the selected volume)
        self._county: bool | None = None  # the mode the tabs were last ordered for
        self._ready = False
        # the county's statistics and ranking are computed on a worker (seconds on a county of
        # 90 stations and a million receptions)
        self._county_work = tasks.OneAtATime()
        self._defaults_key = None  # (last package, today) the export period and options were set for
        self._incremental_hint = ""
        self.volumes: list[drives.Volume] = []
        self.last_export = None  # ExportResult
        self.last_reports: list = []  # ImportReport
        self.county_rows: list = []  # StationStatus
        self.county_stats = None  # Statistics
        self.chart_sets: dict[str, QBarSet] = {}
        self.chart_labels: list[str] = []
        self.progress_dialog: QProgressDialog | None = None
        self._relay = _Progress(self)
        self._relay.step.connect(self._on_progress)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 8)
        head = QHBoxLayout()
        title = QLabel(self.tr("数据交换"))
        title.setObjectName("pageTitle")
        head.addWidget(title)
        head.addSpacing(16)
        self.mode_label = QLabel()
        self.mode_label.setObjectName("modeLabel")
        head.addWidget(self.mode_label)
        head.addStretch(1)
        self.county_mode = QCheckBox(self.tr("县级汇总模式"))
        self.county_mode.setToolTip(self.tr("在县人大常委会代表工委汇总各联络站数据时勾选：先显示导入和各站情况"))
        head.addWidget(self.county_mode)
        outer.addLayout(head)

        self.tabs = QTabWidget()
        self.tab_widgets = {"export": self._build_export(), "import": self._build_import(),
                            "county": self._build_county()}
        self.tab_titles = {"export": self.tr("导出到U盘"), "import": self.tr("导入数据包"),
                           "county": self.tr("各站情况")}
        outer.addWidget(self.tabs, 1)

        self.county_mode.setChecked(QSettings().value("exchange/county_mode", False, type=bool))
        self.county_mode.toggled.connect(self._on_county_mode)
        self._order_tabs(self.is_county())
        # filled when shown (showEvent)

    # -- building ------------------------------------------------------------------------------------
    def _build_export(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(8)

        where = QGroupBox(self.tr("导出到哪里"))
        wl = QVBoxLayout(where)
        self.volume_list = QListWidget()
        self.volume_list.setObjectName("volumeList")
        self.volume_list.setMaximumHeight(110)
        wl.addWidget(self.volume_list)
        self.no_volume = QLabel(self.tr("没有找到U盘。请插入U盘后点“刷新”，或点“选择文件夹…”导出到任意文件夹。"))
        self.no_volume.setObjectName("hint")
        self.no_volume.setWordWrap(True)
        wl.addWidget(self.no_volume)
        row = QHBoxLayout()
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setToolTip(self.tr("重新查找插入的U盘"))
        self.folder_button = QPushButton(self.tr("选择文件夹…"))
        self.target_label = QLabel()
        self.target_label.setObjectName("targetLabel")
        self.target_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.refresh_button)
        row.addWidget(self.folder_button)
        row.addSpacing(12)
        row.addWidget(self.target_label, 1)
        wl.addLayout(row)
        lay.addWidget(where)

        what = QGroupBox(self.tr("导出内容"))
        grid = QGridLayout(what)
        grid.setHorizontalSpacing(8)
        grid.addWidget(QLabel(self.tr("期间：")), 0, 0)
        period = QHBoxLayout()
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            limit_date_edit(d)
        period.addWidget(self.date_from)
        period.addWidget(QLabel(self.tr("至")))
        period.addWidget(self.date_to)
        period.addSpacing(16)
        self.full = QCheckBox(self.tr("全部数据"))
        self.full.setToolTip(self.tr("导出本站的全部记录（第一次报送或县里要求重新报送时勾选）"))
        period.addWidget(self.full)
        period.addStretch(1)
        grid.addLayout(period, 0, 1)
        self.period_hint = QLabel()
        self.period_hint.setObjectName("hint")
        self.period_hint.setWordWrap(True)
        grid.addWidget(self.period_hint, 1, 1)
        grid.addWidget(QLabel(self.tr("加密：")), 2, 0)
        enc = QHBoxLayout()
        self.encrypt = QCheckBox(self.tr("加密数据包（AES-256，可用7-Zip打开）"))
        self.password_state = QLabel()
        self.password_state.setObjectName("hint")
        enc.addWidget(self.encrypt)
        enc.addSpacing(12)
        enc.addWidget(self.password_state)
        enc.addStretch(1)
        grid.addLayout(enc, 2, 1)
        pw = QHBoxLayout()
        self.export_password = QLineEdit()
        self.export_password.setObjectName("exportPassword")
        self.export_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.export_password.setPlaceholderText(self.tr("本次导出使用的密码（留空则用设置中的密码）"))
        self.export_password.setMinimumWidth(340)
        pw.addWidget(self.export_password)
        pw.addStretch(1)
        grid.addLayout(pw, 3, 1)
        grid.setColumnStretch(1, 1)
        lay.addWidget(what)

        go = QHBoxLayout()
        self.export_button = QPushButton(self.tr("导出"))
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.export_button.setMinimumWidth(120)
        go.addWidget(self.export_button)
        go.addStretch(1)
        lay.addLayout(go)
        self.message = QLabel()
        self.message.setObjectName("exchangeMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        lay.addWidget(self.message)

        self.result_box = QFrame()
        self.result_box.setObjectName("result")
        rl = QVBoxLayout(self.result_box)
        rl.setContentsMargins(12, 8, 12, 8)
        self.result_title = QLabel(self.tr("数据包已导出"))
        self.result_title.setObjectName("resultTitle")
        rl.addWidget(self.result_title)
        self.result_path = QLabel()
        self.result_path.setObjectName("resultPath")
        self.result_path.setWordWrap(True)
        self.result_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rl.addWidget(self.result_path)
        self.result_info = QLabel()
        rl.addWidget(self.result_info)
        self.counts_table = QTableWidget(1, 0)  # one column per table: the counts in one line
        self.counts_table.verticalHeader().setVisible(False)
        self.counts_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counts_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.counts_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.counts_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rl.addWidget(self.counts_table)
        rb = QHBoxLayout()
        self.open_folder_button = QPushButton(self.tr("打开所在文件夹"))
        rb.addWidget(self.open_folder_button)
        rb.addStretch(1)
        rl.addLayout(rb)
        self.result_box.hide()
        lay.addWidget(self.result_box)
        lay.addStretch(1)

        self.refresh_button.clicked.connect(self.refresh_volumes)
        self.folder_button.clicked.connect(self.choose_folder)
        self.volume_list.currentRowChanged.connect(self._on_volume_picked)
        self.full.toggled.connect(self._update_export_state)
        self.encrypt.toggled.connect(self._update_export_state)
        self.export_button.clicked.connect(lambda: self.export_to())
        self.open_folder_button.clicked.connect(self.open_result_folder)
        return self._scrolled(w)

    def _build_import(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(8)
        hint = QLabel(self.tr("把各联络站报送的数据包（.zip）导入本库。同一数据包导入两次不会重复；"
                              "有问题的数据包整个不导入，并说明原因。"))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        row = QHBoxLayout()
        self.pick_button = QPushButton(self.tr("选择数据包…"))
        self.pick_button.setObjectName("pickPackages")
        self.pick_button.setMinimumWidth(120)
        row.addWidget(self.pick_button)
        row.addSpacing(16)
        row.addWidget(QLabel(self.tr("密码：")))
        self.import_password = QLineEdit()
        self.import_password.setObjectName("importPassword")
        self.import_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.import_password.setPlaceholderText(self.tr("数据包加密时填写（留空则用设置中的密码）"))
        self.import_password.setMaximumWidth(320)
        row.addWidget(self.import_password, 1)
        row.addStretch(1)
        lay.addLayout(row)
        self.import_message = QLabel()
        self.import_message.setObjectName("importMessage")
        self.import_message.setWordWrap(True)
        self.import_message.hide()
        lay.addWidget(self.import_message)
        self.results_table = read_only_table([self.tr("文件"), self.tr("结果"), self.tr("原因"), self.tr("新增"),
                                              self.tr("更新"), self.tr("未变")], stretch=2)
        self.results_table.setWordWrap(True)
        lay.addWidget(self.results_table, 1)
        self.pick_button.clicked.connect(self.choose_packages)
        return w

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
        self.station_stats_table = read_only_table([self.tr("联络站")] + [self.tr(t) for _k, t, _u in FIGURES], stretch=0)
        lay.addWidget(self.station_stats_table)
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

    def _title(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("sectionTitle")
        return label

    @staticmethod
    def _scrolled(w: QWidget) -> QScrollArea:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(w)
        return scroll

    # -- mode and tabs ---------------------------------------------------------------------------------
    def is_county(self) -> bool:
        """A county database (more than one station) or 县级汇总模式 ticked."""
        try:
            many = len(stats.station_codes()) > 1
        except Exception:  # noqa: BLE001 - no database yet (building the window before opening one)
            many = False
        return many or self.county_mode.isChecked()

    def _order_tabs(self, county: bool) -> None:
        """County: 导入, 各站情况, 导出; station: 导出, 导入, 各站情况. The first tab is shown."""
        if county == self._county:
            return
        self._county = county
        order = ("import", "county", "export") if county else TABS
        self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        for key in order:
            self.tabs.addTab(self.tab_widgets[key], self.tab_titles[key])
        self.tabs.setCurrentIndex(0)
        self.tabs.blockSignals(False)

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentWidget(self.tab_widgets[key])

    def current_tab(self) -> str:
        w = self.tabs.currentWidget()
        return next(k for k, v in self.tab_widgets.items() if v is w)

    def tab_order(self) -> list[str]:
        return [next(k for k, v in self.tab_widgets.items() if v is self.tabs.widget(i))
                for i in range(self.tabs.count())]

    def _on_county_mode(self, on: bool) -> None:
        QSettings().setValue("exchange/county_mode", on)
        self.refresh()

    def _update_mode(self) -> None:
        codes = stats.station_codes()
        many = len(codes) > 1
        self.county_mode.blockSignals(True)
        if many:
            self.county_mode.setChecked(True)
        else:
            self.county_mode.setChecked(QSettings().value("exchange/county_mode", False, type=bool))
        self.county_mode.blockSignals(False)
        self.county_mode.setEnabled(not many)
        home = station.home_station()
        if many:
            self.mode_label.setText(self.tr("县级汇总数据库：共 {0} 个联络站").format(len(codes)))
        elif self.county_mode.isChecked():
            self.mode_label.setText(self.tr("县级汇总模式"))
        elif home is not None:
            self.mode_label.setText(self.tr("本站：{0}（{1}）").format(home.name, home.code))
        else:
            self.mode_label.setText(self.tr("尚未填写站点信息"))
        self._order_tabs(many or self.county_mode.isChecked())

    # -- refreshing ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Everything from the database: mode, export defaults, volumes, the county view."""
        self._ready = True
        self._update_mode()
        last = self._last_package()
        if self._defaults_key != (last.package_id if last else None, clock.today()):
            self._refresh_export_defaults()  # a new package or a new day; otherwise keep the clerk's choices
        self._update_export_state()
        self.refresh_volumes()
        self.refresh_county()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._busy:
            self.refresh()

    # -- export ----------------------------------------------------------------------------------------
    @staticmethod
    def _last_package():
        """The newest package this database exported (``exchange.SentPackage``), or None."""
        try:
            return exchange.last_export()
        except KnownError:  # no station profile yet
            return None

    def _refresh_export_defaults(self) -> None:
        if self._busy:
            return
        today = clock.today()
        last = self._last_package()
        self._defaults_key = (last.package_id if last else None, today)
        if last is not None:
            start = min(last.period_to + dt.timedelta(days=1), today)
            self._incremental_hint = self.tr("上次报送：{0}（截至 {1}）。数据包含上次报送以来新增和修改的全部记录，"
                                             "期间写在数据包的名称里。").format(last.file_name, last.period_to.isoformat())
            self.full.setChecked(False)
        else:
            start = dt.date(today.year, 1, 1)
            self._incremental_hint = self.tr("还没有报送过数据包：第一次请导出全部数据。")
            self.full.setChecked(True)
        self.date_from.setDate(qdate(start))
        self.date_to.setDate(qdate(today))
        self.encrypt.setChecked(bool(settings.get("export.password")))
        self._update_export_state()

    def _update_export_state(self, *_args) -> None:
        full = self.full.isChecked()
        self.date_from.setEnabled(not full)
        self.date_to.setEnabled(not full)
        self.period_hint.setText(self.tr("全部数据：本站的全部记录，期间从第一条记录算起到今天。") if full
                                 else self._incremental_hint)
        has_pw = bool(settings.get("export.password"))
        self.password_state.setText(self.tr("设置中已设置导出密码") if has_pw
                                    else self.tr("设置中未设置导出密码，请在下面输入"))
        self.export_password.setEnabled(self.encrypt.isChecked())

    def refresh_volumes(self) -> None:
        """Look for USB sticks again (刷新)."""
        current = self.volume_list.currentItem().data(Qt.ItemDataRole.UserRole) \
            if self.volume_list.currentItem() else None
        self.volumes = drives.removable_volumes()
        self.volume_list.blockSignals(True)
        self.volume_list.clear()
        for v in self.volumes:
            text = self.tr("{0}　可用 {1} / 共 {2}").format(v.label(), drives.format_bytes(v.free),
                                                          drives.format_bytes(v.total))
            if v.read_only:
                text += self.tr("（只读，不能导出）")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, v.root)
            if v.read_only:
                item.setForeground(QColor("#999999"))
            self.volume_list.addItem(item)
        self.volume_list.blockSignals(False)
        self.volume_list.setVisible(bool(self.volumes))
        self.no_volume.setVisible(not self.volumes)
        if self.volumes and self._folder is None:
            roots = [v.root for v in self.volumes]
            writable = [i for i, v in enumerate(self.volumes) if not v.read_only]
            row = roots.index(current) if current in roots else (writable[0] if writable else 0)
            self.volume_list.setCurrentRow(row)
        self._update_target()

    def _on_volume_picked(self, row: int) -> None:
        if row >= 0:
            self._folder = None
        self._update_target()

    def choose_folder(self) -> None:
        start = self.target_folder() or QSettings().value("exchange/folder") or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择导出到的文件夹"), str(start))
        if folder:
            self.set_folder(folder)

    def set_folder(self, folder: str) -> None:
        """Export to ``folder`` instead of a listed volume (选择文件夹…)."""
        self._folder = str(folder)
        self.volume_list.blockSignals(True)
        self.volume_list.setCurrentRow(-1)
        self.volume_list.clearSelection()
        self.volume_list.blockSignals(False)
        self._update_target()

    def target_folder(self) -> str | None:
        """Where the package goes: the chosen folder, else the selected volume."""
        if self._folder:
            return self._folder
        item = self.volume_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update_target(self) -> None:
        target = self.target_folder()
        self.target_label.setText(self.tr("导出到：{0}").format(target) if target
                                  else self.tr("请选择U盘或文件夹"))
        self.export_button.setEnabled(bool(target) and not self._busy)

    def export_to(self, folder: str | None = None) -> None:
        """导出: write one package into ``folder`` (default: the target shown) in a worker."""
        if self._busy:
            return
        if folder is not None:
            self.set_folder(folder)
        out_dir = self.target_folder()
        if not out_dir:
            self._show(self.message, self.tr("请先选择U盘或文件夹"), "error")
            return
        full = self.full.isChecked()
        date_from, date_to = pydate(self.date_from.date()), pydate(self.date_to.date())
        if not full and date_to < date_from:
            self._show(self.message, self.tr("结束日期不能早于开始日期"), "error")
            return
        password = ""  # "" : not encrypted (None would take the setting)
        if self.encrypt.isChecked():
            password = self.export_password.text() or settings.get("export.password") or ""
            if not password:
                self._show(self.message, self.tr("要加密请输入密码，或在“设置”中设置导出密码"), "error")
                self.export_password.setFocus()
                return
        self.result_box.hide()
        self._show(self.message, self.tr("正在导出，请不要拔出U盘…"), "info")
        self._cancel = False
        self._set_busy(True)
        self._open_progress(self.tr("正在导出数据包，请不要拔出U盘…"), cancellable=True)

        def progress(done: int, total: int) -> bool:  # worker thread: no widgets here
            self._relay.step.emit(int(done), int(total))
            return not self._cancel

        def work():
            if full:  # every record: the service labels it from the first record's date to today
                return exchange.export_package(out_dir, full=True, password=password, progress=progress)
            return exchange.export_package(out_dir, date_from, date_to, password=password, progress=progress)

        def done(result) -> None:
            self._finish_progress()
            self._set_busy(False)
            self.last_export = result
            self._refresh_export_defaults()  # the next export starts where this one ended
            QSettings().setValue("exchange/folder", str(Path(result.path).parent))
            self._show(self.message, "", "info")
            self._show_result(result)
            self.exported.emit(str(result.path))

        def fail(exc: Exception) -> None:
            self._finish_progress()
            self._set_busy(False)
            if isinstance(exc, exchange.ExportCancelled):
                self._show(self.message, exc.message, "info")
                return
            if not isinstance(exc, KnownError):
                raise exc
            self._show(self.message, exc.message, "error")

        tasks.run_task(work, done, fail)

    def _show_result(self, result) -> None:
        path = Path(result.path)
        self.result_path.setText(self.tr("文件：{0}").format(str(path)))
        kind = {"full": self.tr("全部数据"), "incremental": self.tr("增量数据")}.get(result.kind, result.kind)
        self.result_info.setText(self.tr("期间：{0}　大小：{1}　类型：{2}").format(
            _period_text(result.period_from, result.period_to), drives.format_bytes(result.bytes), kind))
        rows = [(self.tr(TABLE_NAMES.get(k, k)), n) for k, n in result.counts.items()]
        self.result_title.setText(self.tr("数据包已导出") if any(n for _k, n in rows)
                                  else self.tr("数据包已导出（上次报送以来没有新增或修改的记录）"))
        t = self.counts_table
        t.setColumnCount(len(rows))
        t.setHorizontalHeaderLabels([name for name, _n in rows])
        for c, (_name, n) in enumerate(rows):
            t.setItem(0, c, table_item(n, centered=True))
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        t.resizeColumnsToContents()
        for c in range(len(rows)):
            t.setColumnWidth(c, max(t.columnWidth(c) + 16, 72))
        _fit_height(t, 1, 1)
        t.setFixedWidth(sum(t.columnWidth(c) for c in range(len(rows))) + 2 * t.frameWidth() + 2)
        self.result_box.show()

    def result_counts(self) -> dict[str, str]:
        """The exported counts as shown: {table in Chinese: count}."""
        t = self.counts_table
        return {t.horizontalHeaderItem(c).text(): t.item(0, c).text() for c in range(t.columnCount())}

    def open_result_folder(self) -> None:
        if self.last_export is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.last_export.path).parent)))

    # -- progress ----------------------------------------------------------------------------------------
    def _open_progress(self, text: str, cancellable: bool) -> None:
        dlg = QProgressDialog(text, self.tr("取消") if cancellable else "", 0, 0, self)
        dlg.setWindowTitle(self.tr("数据交换"))
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(300)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        if not cancellable:
            dlg.setCancelButton(None)
        else:
            dlg.canceled.connect(self._on_cancel)
        self.progress_dialog = dlg

    def _on_cancel(self) -> None:
        self._cancel = True
        if self.progress_dialog is not None:
            self.progress_dialog.setLabelText(self.tr("正在取消…"))

    def _on_progress(self, done: int, total: int) -> None:
        dlg = self.progress_dialog
        if dlg is not None and not self._cancel:
            dlg.setMaximum(max(total, 1) if total > 0 else 0)
            dlg.setValue(min(done, total) if total > 0 else 0)
        self.progressed.emit(done, total)
        if self.progress_dialog is not None and self.progress_dialog.wasCanceled() and not self._cancel:
            self._on_cancel()  # 取消, Esc or the dialog closed: the worker stops at its next step

    def _finish_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for w in (self.export_button, self.pick_button, self.refresh_button, self.folder_button):
            w.setEnabled(not busy)
        if busy:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        else:
            QApplication.restoreOverrideCursor()
            self._update_target()

    # -- import ------------------------------------------------------------------------------------------
    def choose_packages(self) -> None:
        start = QSettings().value("exchange/import_folder") or self.target_folder() or ""
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("选择数据包"), str(start),
                                                self.tr("数据包 (*.zip)"))
        if paths:
            QSettings().setValue("exchange/import_folder", str(Path(paths[0]).parent))
            self.import_files(paths)

    def import_files(self, paths: list[str]) -> None:
        """导入: merge ``paths`` in a worker, then show a row per package."""
        if self._busy or not paths:
            return
        password = self.import_password.text() or None  # None: the service takes the setting
        paths = [str(p) for p in paths]
        self._show(self.import_message, self.tr("正在导入 {0} 个数据包…").format(len(paths)), "info")
        self._set_busy(True)
        self._cancel = False
        self._open_progress(self.tr("正在导入数据包…"), cancellable=True)

        def progress(done: int, total: int) -> bool:  # worker thread
            self._relay.step.emit(int(done), int(total))
            return not self._cancel

        def done(reports) -> None:
            self._finish_progress()
            self._set_busy(False)
            self.show_reports(list(reports))
            if any(r.status == "imported" for r in reports):
                self.imported.emit()
            self.refresh()

        def fail(exc: Exception) -> None:
            self._finish_progress()
            self._set_busy(False)
            if not isinstance(exc, KnownError):
                raise exc
            self._show(self.import_message, exc.message, "error")

        tasks.run_task(lambda: exchange.import_packages(paths, password=password, progress=progress), done, fail)

    def show_reports(self, reports: list) -> None:
        self.last_reports = reports
        t = self.results_table
        t.setRowCount(len(reports))
        for r, rep in enumerate(reports):
            ok = rep.status == "imported"
            color = None if ok else RED
            t.setItem(r, 0, table_item(Path(str(rep.package)).name, tip=str(rep.package)))
            t.setItem(r, 1, table_item(self.tr(STATUS_NAMES.get(rep.status, rep.status)), centered=True,
                                       color="#2E7D32" if ok else RED))
            reason = rep.reason or ""
            if ok and not reason and not (rep.inserted or rep.updated):
                reason = self.tr("数据都已存在，没有变化") if rep.unchanged else self.tr("数据包中没有记录")
            t.setItem(r, 2, table_item(reason, color=color, tip=rep.reason or ""))
            for c, n in enumerate((rep.inserted, rep.updated, rep.unchanged), start=3):
                t.setItem(r, c, table_item(n if ok else "—", centered=True))
        t.resizeRowsToContents()
        n_ok = sum(r.status == "imported" for r in reports)
        n_bad = len(reports) - n_ok
        text = self.tr("共 {0} 个数据包：已导入 {1} 个，已拒绝 {2} 个。").format(len(reports), n_ok, n_bad)
        if n_ok:
            ins = sum(r.inserted for r in reports if r.status == "imported")
            upd = sum(r.updated for r in reports if r.status == "imported")
            same = sum(r.unchanged for r in reports if r.status == "imported")
            text += self.tr("新增 {0} 条，更新 {1} 条，未变 {2} 条。").format(ins, upd, same)
        self._show(self.import_message, text, "error" if n_bad else "info")

    def result_rows(self) -> list[list[str]]:
        """The results table as shown."""
        t = self.results_table
        return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]

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
                gap = table_item(self.tr("连续"), color="#2E7D32")
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
        t = self.stations_table
        return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]

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
        if not isinstance(exc, KnownError):
            raise exc
        self._show(self.county_message, exc.message, "error")

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
        rows = [[names.get(code, code), *(format_figure(k, getattr(f, k)) for k, _t, _u in FIGURES)]
                for code, f in by_station.items()]
        if len(by_station) > 1:
            rows.append([self.tr("合计"), *(format_figure(k, getattr(s.figures, k)) for k, _t, _u in FIGURES)])
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
        t = self.station_stats_table
        return {t.item(r, 0).text(): [t.item(r, c).text() for c in range(1, t.columnCount())]
                for r in range(t.rowCount())}

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

    # -- 代表履职积分排名（全县） ------------------------------------------------------------------------------
    def _fill_ranking_stations(self) -> None:
        """全部联络站 and every station of the database; the choice stays when it is still there."""
        keep = self.ranking_station.currentData()
        combo = self.ranking_station
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("全部联络站"), None)
        for s in self.county_rows:
            combo.addItem(f"{s.name}（{s.code}）", s.code)
        combo.setCurrentIndex(max(0, combo.findData(keep)))
        combo.blockSignals(False)

    def set_ranking_year(self, year: int) -> None:
        self.ranking_year.setValue(year)

    def set_ranking_station(self, code: str | None) -> None:
        """Rank the deputies of one station (None: 全部联络站)."""
        i = self.ranking_station.findData(code)
        if i >= 0:
            self.ranking_station.setCurrentIndex(i)

    def _fill_ranking(self) -> None:
        """``scoring.county_ranking`` of the chosen year and station, under the county's rules."""
        if not self._ready:
            return
        year = self.ranking_year.value()
        code = self.ranking_station.currentData()
        self._county_work.submit(
            "ranking", lambda: (scoring.county_ranking(year, None if code is None else [code]), scoring.county_rules(year)),
            lambda result: self._show_ranking(year, code, *result), self.ranking_busy, self._county_failed)

    def _standing_item(self, year: int, s, rs):
        """The final grade once the station's year is closed here (年度评定); else no grade: the
        合格进度, defined in its tooltip."""
        if s.grade:
            return table_item(s.grade, centered=True, tip=self.tr("年度评定结果"))
        from station_app.domain.scoring import as_of_date, open_year_label, progress_definition

        today = clock.today()
        tip = open_year_label(year, today) + "：" + progress_definition(rs, year, as_of_date(year, today))
        return table_item("—" if s.progress is None else f"{s.progress}%", centered=True, tip=tip)

    def _show_ranking(self, year: int, code: str | None, rows, rs) -> None:
        self.county_ranking = rows
        self.ranking_hint.setText(self.tr(
            "积分按本数据库“履职积分 → 指标设置”中{0}年的指标计算（满分 {1} 分折合百分制）：各站的指标不随数据包报送，"
            "全县用同一套指标比较。手工录入尚未审核的记录不计入。").format(year, fmt_points(rs.full_marks)))
        t = self.ranking_table
        t.setRowCount(len(rows))
        for r, s in enumerate(rows):
            score = table_item(fmt_points(s.raw), centered=True, color=RED if s.raw < 0 else None)
            if s.pending:
                score.setToolTip(self.tr("另有 {0} 条手工记录待审核，审核通过后计入").format(s.pending))
            values = (table_item(s.rank, centered=True), table_item(s.name), table_item(s.station_name, tip=s.station_code), score,
                      table_item(f"{s.score100:.1f}", centered=True), self._standing_item(year, s, rs))
            for c, item in enumerate(values):
                if c in (3, 4, 5):
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                t.setItem(r, c, item)
        _fit_height(t, 2, 15)
        if code is None:
            empty = self.tr("还没有在任代表：请先在“导入数据包”中导入各站报送的数据包。")
        else:
            empty = self.tr("{0}没有在任代表。").format(self.ranking_station.currentText())
        self.ranking_empty.setText(empty if not rows else "")
        self.ranking_empty.setVisible(not rows)

    def ranking_rows(self) -> list[list[str]]:
        """The ranking table as shown: 名次, 代表, 联络站, 年度积分, 百分制, 等次."""
        t = self.ranking_table
        return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]

    # -- helpers -----------------------------------------------------------------------------------------
    @staticmethod
    def _show(label: QLabel, text: str, kind: str) -> None:
        show_message(label, text, kind)


def _short(name: str) -> str:
    """A station's name for a chart axis: 长官镇人大代表联络站 → 长官镇."""
    for tail in ("人大代表联络站", "代表联络站", "联络站"):
        if name.endswith(tail) and len(name) > len(tail):
            return name[: -len(tail)]
    return name


