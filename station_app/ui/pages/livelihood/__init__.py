"""民生实事: the 票决制 loop in the station's words — 征集 (群众点单), 票决 (代表定单), 实施督查
(政府办单), 评单 (人大评单) — one tab each, and the monthly sheets of 公开 (意见建议办理结果公开,
代表履职情况通报). The station in view comes from the window (StationViewMixin): 全县 lists every
station's projects; imported stations, 全县 and 只读 users see it read-only.

Signals:
    changed(): a project, session, milestone or rating changed (首页 follows)"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.services import livelihood_print
from station_app.ui import style
from station_app.ui.pages.livelihood.collect import CollectTab
from station_app.ui.pages.livelihood.common import Messages, PdfOut
from station_app.ui.pages.livelihood.implement import ImplementTab
from station_app.ui.pages.livelihood.rating import RatingTab
from station_app.ui.pages.livelihood.vote import VoteTab
from station_app.ui.station_view import StationViewMixin

__all__ = ["LivelihoodPage"]


class LivelihoodPage(StationViewMixin, Messages, PdfOut, QWidget):
    """Signals:
        changed(): something was saved
    """

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 10, 16, 10)
        head = QHBoxLayout()
        title = QLabel(self.tr("民生实事项目票决"))
        title.setObjectName("pageTitle")
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(QLabel(self.tr("年度：")))
        self.year_box = QSpinBox()
        self.year_box.setRange(2000, clock.today().year + 5)
        self.year_box.setValue(clock.today().year)
        self.year_box.valueChanged.connect(lambda _v: self.refresh())
        head.addWidget(self.year_box)
        head.addSpacing(12)
        head.addWidget(QLabel(self.tr("公开月份：")))
        self.month = QDateEdit()
        self.month.setDisplayFormat("yyyy-MM")
        self.month.setDate(QDate(clock.today()))
        head.addWidget(self.month)
        self.outcomes_button = QPushButton(self.tr("意见办理结果公开…"))
        self.bulletin_button = QPushButton(self.tr("代表履职通报…"))
        self.outcomes_button.clicked.connect(lambda: self.print_month("outcomes"))
        self.bulletin_button.clicked.connect(lambda: self.print_month("bulletin"))
        head.addWidget(self.outcomes_button)
        head.addWidget(self.bulletin_button)
        lay.addLayout(head)
        self.readonly = QLabel()
        self.readonly.setWordWrap(True)
        style.set_text(self.readonly, style.ORANGE)
        lay.addWidget(self.readonly)

        self.tabs = QTabWidget()
        self.collect = CollectTab(self)
        self.vote = VoteTab(self)
        self.implement = ImplementTab(self)
        self.rating = RatingTab(self)
        for tab, label in ((self.collect, "征集（群众点单）"), (self.vote, "票决（代表定单）"),
                           (self.implement, "实施督查（政府办单）"), (self.rating, "评单（人大评单）")):
            self.tabs.addTab(tab, self.tr(label))
        self.tabs.currentChanged.connect(lambda _i: self._refresh_tab())
        lay.addWidget(self.tabs, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        lay.addWidget(self.message)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        """As tall as the page must be, not as it would like: on a small screen (1024×640) the
        lists and tables of the tabs shrink and scroll inside, instead of the page scrolling its
        buttons out of view."""
        return self.minimumSizeHint().height()

    def year(self) -> int:
        return self.year_box.value()

    def refresh(self) -> None:
        """Show the station in view (and the year); the tab on screen reads now."""
        self.readonly.setText("" if self.writable or not self.has_view
                              else self.tr("只读：") + (self.read_only_reason() or self.tr("全县汇总只能查看")))
        self.readonly.setVisible(bool(self.readonly.text()))
        single = self.has_view and not self.county_view
        self.outcomes_button.setEnabled(single)
        self.bulletin_button.setEnabled(single)
        self._refresh_tab()

    def _refresh_tab(self) -> None:
        self.tabs.currentWidget().refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.refresh()

    def changed_here(self) -> None:
        self._refresh_tab()
        self.changed.emit()

    def month_text(self) -> str:
        d: dt.date = self.month.date().toPython()
        return f"{d.year}-{d.month:02d}"

    def print_month(self, kind: str) -> None:
        month, code = self.month_text(), self.view_code
        if kind == "outcomes":
            make, title = (lambda p: livelihood_print.print_outcomes(month, p, code)), self.tr("意见建议办理结果公开")
        else:
            make, title = (lambda p: livelihood_print.print_bulletin(month, p, code)), self.tr("代表履职情况通报")
        self.ask_pdf(make, f"{title}-{month}.pdf", title)
