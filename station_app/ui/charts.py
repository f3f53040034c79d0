"""Qt Charts in the house style, shared by the pages that draw charts (统计分析, 履职积分 and the
county view of 数据交换): a chart in the app font, styled axes, value axes with round steps, bar
sets in the house colours, the chart view and the style sheet rule that frames it.

Qt Charts keeps its own fonts: a chart not made here would not use the bundled CJK font on a PC
without Chinese fonts.
"""

from __future__ import annotations

import math

from PySide6.QtCharts import QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QMargins
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QApplication

from station_app.ui import style

# chart colours of the house style (red first), the colour of a line over bars, and the rest
BAR_COLORS = (style.RED, "#E0884B", "#7A9A3A")
BAR_RED = BAR_COLORS[0]
LINE_COLOR = "#2F5F8A"
TITLE_COLOR = style.DARK_RED
GRID_COLOR = "#EEE6E0"
VALUE_LABEL_COLOR = "#333333"
# the frame of a chart view (object name ``chart``, as :func:`chart_view` makes it); put it in the
# page's style sheet
CHART_VIEW_STYLE = "QChartView#chart { background: #FFFFFF; border: 1px solid #E6D8CF; border-radius: 6px; }"

_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000)
_POINT_STEPS = (0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 10_000, 100_000)


def chart(title: str = "", *, margin: int = 6, larger_title: bool = True, legend: bool = True) -> QChart:
    """A plain chart in the app font: no animation, square corners, a bold dark-red title (one
    point larger than the text unless ``larger_title`` is False), the legend shown or not."""
    c = QChart()
    c.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    c.setBackgroundRoundness(0)
    c.setMargins(QMargins(margin, margin, margin, margin))
    base = QFont(QApplication.font())
    title_font = QFont(base)
    if larger_title:
        title_font.setPointSize(base.pointSize() + 1)
    title_font.setBold(True)
    c.setTitleFont(title_font)
    c.setTitleBrush(QColor(TITLE_COLOR))
    c.setTitle(title)
    c.legend().setFont(base)
    c.legend().setVisible(legend)
    return c


def style_axis(axis) -> None:
    """Labels and title of an axis in the app font, light grid lines."""
    font = QFont(QApplication.font())
    axis.setLabelsFont(font)
    axis.setTitleFont(font)
    axis.setGridLineColor(QColor(GRID_COLOR))


def count_axis(top: int, headroom: bool = False) -> QValueAxis:
    """A value axis of whole numbers from 0 with round steps (``headroom``: room beyond the
    largest value for the value printed at the end of a bar)."""
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    top = max(1, int(top))
    if headroom:
        top += max(1, -(-top * 15 // 100))
    step = next(s for s in _STEPS + (top,) if top / s <= 5)
    ticks = -(-top // step)  # ceil
    axis.setRange(0, ticks * step)
    axis.setTickCount(ticks + 1)
    style_axis(axis)
    return axis


def points_axis(lo: float, hi: float, headroom: bool = False) -> QValueAxis:
    """A value axis over [lo, hi] (0 always inside) with round steps, for points that may be
    negative or fractional; ``headroom`` leaves room for the value printed at a bar's end."""
    lo, hi = min(0.0, lo), max(0.0, hi)
    if headroom:
        span = (hi - lo) or 1.0
        hi = hi + span * 0.15 if hi > 0 else hi
        lo = lo - span * 0.15 if lo < 0 else lo
    if lo == hi == 0:
        hi = 1.0
    span = hi - lo
    step = next(s for s in _POINT_STEPS if span / s <= 6)
    low = math.floor(lo / step) * step
    high = math.ceil(hi / step) * step
    axis = QValueAxis()
    axis.setRange(low, high)
    axis.setTickCount(int(round((high - low) / step)) + 1)
    axis.setLabelFormat("%.1f" if step < 1 else "%d")
    style_axis(axis)
    return axis


def bar_set(name: str, color: str, value_font: bool = True) -> QBarSet:
    """A bar set in one colour whose values (when the series shows them) are dark grey, in the
    app font unless ``value_font`` is False."""
    s = QBarSet(name)
    s.setColor(QColor(color))
    s.setBorderColor(QColor(color))
    s.setLabelColor(QColor(VALUE_LABEL_COLOR))
    if value_font:
        s.setLabelFont(QFont(QApplication.font()))
    return s


def chart_view(min_height: int) -> QChartView:
    """An antialiased chart view named ``chart`` (framed by :data:`CHART_VIEW_STYLE`)."""
    view = QChartView()
    view.setObjectName("chart")
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(min_height)
    return view


def set_chart(view: QChartView, new: QChart) -> None:
    """Show ``new`` in ``view``; the chart shown until now is deleted (the view does not own it)."""
    old = view.chart()
    view.setChart(new)
    if old is not None:
        old.deleteLater()
