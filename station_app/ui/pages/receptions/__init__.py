"""接待登记: a keyboard-only intake form for a busy desk (with the visitor's earlier visits and
open 意见建议 beside it) above the paged, searchable list of receptions.

Keys: Tab moves on (also out of 接待情况), Enter in 接待情况 saves (Shift+Enter: new line),
Ctrl+S saves, Ctrl+Enter adds an 意见建议, Esc clears the form, Ctrl+F goes to the list's search.

Signals:
    saved(): a visit was recorded, corrected or deleted (意见办理 and 首页 follow)"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from station_app.domain.records import Page
from station_app.services import cases, deputies, receptions
from station_app.services.deputies import DeputyFilter
from station_app.ui import style
from station_app.ui.dates import NO_DATE
from station_app.ui.errors import report
from station_app.ui.forms import (
    ERROR_STYLE,
    PageSearchKeys,
    refill_combo,
)
from station_app.ui.pages.receptions.common import (
    NAME_ROLE,
    OK_STYLE,
    PHONE_ROLE,
    SEARCH_DELAY_MS,
    VISITOR_ROLE,
    OpinionRow,
    SummaryEdit,
    reception_columns,
)
from station_app.ui.pages.receptions.history import VisitorHistory
from station_app.ui.pages.receptions.intake import IntakeForm
from station_app.ui.pages.receptions.listing import ReceptionList
from station_app.ui.pages.receptions.saving import IntakeSaving
from station_app.ui.station_view import StationViewMixin

__all__ = [
    "NAME_ROLE",
    "NO_DATE",
    "OK_STYLE",
    "OpinionRow",
    "PHONE_ROLE",
    "ReceptionsPage",
    "SEARCH_DELAY_MS",
    "SummaryEdit",
    "VISITOR_ROLE",
    "reception_columns",
]


class ReceptionsPage(StationViewMixin, PageSearchKeys, IntakeForm, IntakeSaving, VisitorHistory, ReceptionList,
                     QWidget):
    """Signals:
        saved(): a visit was recorded, corrected or deleted
    """

    refreshes_on_show = True  # its showEvent refreshes: the station in view is caught up there

    saved = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[OpinionRow] = []
        self._activity_day_uid: str | None = None
        self._time_touched = False
        self._setting_time = False
        self._history_key = None  # typed in ReceptionsPart (common.py)
        self._ready = False

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 10, 16, 10)
        head = QHBoxLayout()
        title = QLabel(self.tr("接待登记"))
        title.setObjectName("pageTitle")
        head.addWidget(title)
        hint = QLabel(self.tr("Tab 下一项　Enter（在接待情况中）或 Ctrl+S 保存　Ctrl+Enter 添加意见　Esc 清空"))
        style.set_text(hint, style.FAINT)
        hint.setWordWrap(True)  # two lines rather than cut off on a 1024-pixel screen
        hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head.addStretch(1)
        head.addWidget(hint)
        lay.addLayout(head)
        self.read_only_label = QLabel()
        self.read_only_label.setObjectName("readOnlyNote")
        self.read_only_label.setWordWrap(True)
        style.set_text(self.read_only_label, style.DARK_RED)
        self.read_only_label.hide()
        lay.addWidget(self.read_only_label)

        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_intake())
        split.addWidget(self._build_list())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([470, 300])
        lay.addWidget(split, 1)
        self.splitter = split

        for seq, slot in ((QKeySequence("Ctrl+S"), self.save), (QKeySequence("Ctrl+Return"), self.add_opinion_row),
                          (QKeySequence("Ctrl+Enter"), self.add_opinion_row)):
            sc = QShortcut(seq, self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.intake)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        esc.activated.connect(lambda: self.clear_form(ask=True))
        self.refresh()

    def _fix_tab_order(self) -> None:
        chain = [self.name, self.phone, self.village, self.count, self.channel, self.received_at, self.deputy_checks,
                 self.id_number, self.summary]
        for row in self.rows:
            chain += row.tab_chain()
        chain += [self.add_opinion_button, self.save_button]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    # -- refresh --------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Deputies, departments, filters and the list (after a restart or a change elsewhere)."""
        ready = self.has_view
        self.sync_full_numbers()
        self.save_button.setEnabled(self.writable)
        self.intake.setVisible(self.writable or not ready)  # another station's visits: the list only
        if not ready:
            self.status_label.setStyleSheet(ERROR_STYLE)
            self.status_label.setText(self.tr("请先在“设置”中填写站点信息"))
            self.model.set_fetch(lambda _after, _limit: Page(()))
            self.count_label.clear()
            return
        if not self._ready:
            self.status_label.clear()
        first = not self._ready
        self._ready = True
        self.read_only_label.setVisible(not self.writable)
        self.read_only_label.setText(self.tr("只读：") + self.read_only_reason())
        if not self.writable:
            self._fill_filters()
            self.reload()
            return
        self.deputy_checks.load(keep=None if first else self.deputy_checks.checked())
        if first:
            self._apply_defaults(deputies_too=True)
        else:
            self._update_day_label()
        names = cases.departments()
        for row in self.rows:
            row.set_departments(names)
        self._fill_filters()
        self.reload()

    def _fill_filters(self) -> None:
        code = self.view_code
        self._work.submit("filters", lambda: _filter_lists(code), self._show_filter_lists, self.busy,
                          lambda exc: report(exc, show=self.count_label.setText))

    def _show_filter_lists(self, lists: tuple[list[str], list[tuple[str, str]]]) -> None:
        villages, people = lists
        refill_combo(self.village_filter, self.tr("全部村（社区）"), [(v, v) for v in villages])
        refill_combo(self.deputy_filter, self.tr("全部代表"), people)


def _filter_lists(code: str | None) -> tuple[list[str], list[tuple[str, str]]]:
    """The filter combos' lists (村（社区）, 代表) of the station in view, read on a worker."""
    people = [(p.name, p.uid) for p in deputies.all_deputies(DeputyFilter(active=None, station_code=code))]
    return receptions.villages(limit=200, station_code=code), people
