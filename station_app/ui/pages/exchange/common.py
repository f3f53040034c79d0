"""数据交换: what the page's tabs share (stylesheet, labels, chart sizes, small helpers)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QTableWidget,
)

from station_app.domain.package import TABLE_LABELS
from station_app.ui import charts, style

STYLE = charts.CHART_VIEW_STYLE + f"""
#exchangeMessage, #importMessage, #countyMessage {{ padding: 6px 10px; border-left: 4px solid transparent; }}
#exchangeMessage[kind="error"], #importMessage[kind="error"], #countyMessage[kind="error"]
    {{ color: {style.RED}; background: #FDECEC; border-left: 4px solid {style.RED}; }}
#exchangeMessage[kind="info"], #importMessage[kind="info"], #countyMessage[kind="info"]
    {{ color: {style.GREEN}; background: #F4FAF4; border-left: 4px solid {style.GREEN}; }}
#modeLabel {{ color: {style.TEXT_DIM}; }}
#hint {{ color: {style.BROWN}; }}
QPushButton#exportButton {{ background: {style.RED}; color: white; font-weight: bold; padding: 6px 18px;
    border: 1px solid #A00000; border-radius: 4px; }}
QPushButton#exportButton:disabled {{ background: #D9C9C9; border-color: #CCBBBB; }}
#result {{ background: #F4FAF4; border: 1px solid #B9DDB9; border-radius: 6px; }}
#resultTitle {{ color: {style.GREEN}; font-weight: bold; font-size: 11pt; }}
#sectionTitle {{ color: {style.DARK_RED}; font-weight: bold; font-size: 11pt; padding-top: 6px; }}
QGroupBox {{ font-weight: bold; color: {style.DARK_RED}; border: 1px solid {style.TILE_LINE}; border-radius: 6px; margin-top: 10px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; }}
QGroupBox QLabel, QGroupBox QCheckBox, QGroupBox QListWidget, QGroupBox QLineEdit, QGroupBox QTableWidget
    {{ font-weight: normal; color: #222; }}
"""

TABS = ("export", "import", "county")
RED = style.RED
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


def _short(name: str) -> str:
    """A station's name for a chart axis: 长官镇人大代表联络站 → 长官镇."""
    for tail in ("人大代表联络站", "代表联络站", "联络站"):
        if name.endswith(tail) and len(name) > len(tail):
            return name[: -len(tail)]
    return name


if TYPE_CHECKING:
    from typing import ClassVar, Protocol

    from PySide6.QtWidgets import QComboBox, QLabel, QScrollArea, QSpinBox, QWidget

    from station_app.services.exchange.results import StationStatus
    from station_app.ui import tasks

    class ExchangeHost(Protocol):
        """What the tabs of :class:`ExchangePage` rely on: the page's widgets and state, and the
        methods one tab calls on another (type checking only)."""

        exported: ClassVar[Signal]
        imported: ClassVar[Signal]
        _ready: bool
        _busy: bool
        _county_work: tasks.OneAtATime
        _relay: _Progress
        county_rows: list[StationStatus]
        # the county ranking (county.py)
        ranking_year: QSpinBox
        ranking_station: QComboBox
        ranking_busy: QLabel
        ranking_hint: QLabel
        ranking_table: QTableWidget
        ranking_empty: QLabel

        def refresh(self) -> None: ...
        def _title(self, text: str) -> QLabel: ...
        @staticmethod
        def _scrolled(w: QWidget) -> QScrollArea: ...
        @staticmethod
        def _show(label: QLabel, text: str, kind: str) -> None: ...
        def _open_progress(self, text: str, cancellable: bool) -> None: ...
        def _finish_progress(self) -> None: ...
        def _set_busy(self, busy: bool) -> None: ...
        def target_folder(self) -> str | None: ...
        def _county_failed(self, exc: Exception) -> None: ...
        def _fill_ranking_stations(self) -> None: ...
        def _fill_ranking(self) -> None: ...

    class ExchangeTab(ExchangeHost, QWidget):
        """The page as each tab mixin sees it."""

        # set by the tabs themselves as well as by the page: declared here, or mypy takes a
        # tab's first assignment for the attribute's definition
        _folder: str | None  # chosen with 选择文件夹… (None: the selected volume)
else:
    ExchangeTab = object  # at run time the tabs are plain mixins of ExchangePage
