"""意见办理: every 意见建议 with filters (status, 超期, 即将到期, category, department, deputy,
village, dates, keyword), and for the selected one its details, its timeline, one button per
step its state allows (交办 → 督办 → 答复 → 评价 → 再次交办 … 办结/结案) and its printable sheets.

Signals:
    changed(): a case moved a step (首页 follows)"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station_app.domain.codes import CaseStatus, Category
from station_app.domain.records import CaseEventRecord, CaseRecord, Page
from station_app.services import cases, deputies, receptions
from station_app.services.deputies import DeputyFilter
from station_app.ui import style, tasks
from station_app.ui.dates import NO_DATE, filter_date_edit
from station_app.ui.errors import report
from station_app.ui.excel_export import ExcelExport, paged_sheet
from station_app.ui.forms import PageSearchKeys, refill_combo
from station_app.ui.pages.cases.common import (
    DEADLINE_COLUMN,
    ORANGE,
    RED,
    SEARCH_DELAY_MS,
    SHEETS,
    CaseRow,
    CaseTableModel,
    _fetch,
    case_columns,
    case_rows,
)
from station_app.ui.pages.cases.detail import CaseDetail
from station_app.ui.pages.cases.listing import CaseList
from station_app.ui.station_view import StationViewMixin

__all__ = [
    "CaseRow",
    "CaseTableModel",
    "CasesPage",
    "DEADLINE_COLUMN",
    "NO_DATE",
    "ORANGE",
    "RED",
    "SEARCH_DELAY_MS",
    "SHEETS",
    "case_columns",
    "case_rows",
]


class CasesPage(StationViewMixin, PageSearchKeys, CaseList, CaseDetail, QWidget):
    """Signals:
        changed(): a case moved a step
    """

    refreshes_on_show = True  # its showEvent refreshes: the station in view is caught up there

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._ready = False
        self._current: CaseRecord | None = None
        self._events: list[CaseEventRecord] = []
        self.action_buttons: dict[str, QPushButton] = {}
        self.preview_dialog = None  # typed in CasesPart (common.py)
        self._work = tasks.OneAtATime()  # the filters' lists and the list's first page, on a worker

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 10, 16, 10)
        head = QHBoxLayout()
        title = QLabel(self.tr("意见建议办理"))
        title.setObjectName("pageTitle")
        head.addWidget(title)
        self.busy = QLabel(self.tr("正在读取…"))
        style.set_text(self.busy, style.TAUPE)
        self.busy.hide()
        head.addWidget(self.busy)
        head.addStretch(1)
        self.overdue_button = QPushButton(self.tr("超期 0"))
        style.set_text(self.overdue_button, style.RED, bold=True)
        self.overdue_button.setToolTip(self.tr("只看超过办理期限的"))
        self.due_soon_button = QPushButton(self.tr("即将到期 0"))
        style.set_text(self.due_soon_button, style.ORANGE, bold=True)
        self.awaiting_button = QPushButton(self.tr("待评价 0"))
        self.awaiting_button.setToolTip(self.tr("已答复、等群众评价的"))
        self.departments_button = QPushButton(self.tr("承办单位管理…"))
        for b in (self.overdue_button, self.due_soon_button, self.awaiting_button, self.departments_button):
            head.addWidget(b)
        self.excel = ExcelExport(self, lambda: self.tr("意见建议.xlsx"),
                                 lambda: [paged_sheet(self.tr("意见建议"), self.table)],
                                 lambda: cases.count(self.search.text().strip(), **self.filters()))
        head.addWidget(self.excel.button)
        lay.addLayout(head)

        bar1 = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("查找：编号、内容、承办单位、来访人、电话、村（社区）（Ctrl+F）"))
        self.search.setClearButtonEnabled(True)
        bar1.addWidget(self.search, 3)
        self.status = QComboBox()
        self.status.addItem(self.tr("全部状态"), None)
        self.status.addItem(self.tr("未办结"), "open")
        for s in CaseStatus:
            self.status.addItem(s.label, s.value)
        self.overdue = QCheckBox(self.tr("超期"))
        self.due_soon = QCheckBox(self.tr("即将到期"))
        self.category = QComboBox()
        self.category.addItem(self.tr("全部类别"), None)
        for c in Category:
            self.category.addItem(c.label, c.value)
        for w in (self.status, self.overdue, self.due_soon, self.category):
            bar1.addWidget(w)
        lay.addLayout(bar1)
        bar2 = QHBoxLayout()
        self.department = QComboBox()
        self.department.setMinimumWidth(130)
        self.deputy = QComboBox()
        self.deputy.setMinimumWidth(100)
        self.village = QComboBox()
        self.village.setMinimumWidth(110)
        for w in (self.department, self.deputy, self.village):
            bar2.addWidget(w)
        bar2.addWidget(QLabel(self.tr("登记日期")))
        self.date_from = filter_date_edit(self)
        self.date_to = filter_date_edit(self)
        bar2.addWidget(self.date_from)
        bar2.addWidget(QLabel(self.tr("至")))
        bar2.addWidget(self.date_to)
        self.reset_button = QPushButton(self.tr("清除筛选"))
        bar2.addWidget(self.reset_button)
        bar2.addStretch(1)
        self.count_label = QLabel()
        bar2.addWidget(self.count_label)
        lay.addLayout(bar2)

        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        self.model = CaseTableModel(case_columns(self.tr), partial(_fetch, "", {}), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((80, 86, 72, 206, 70, 86, 110, 204, 66, 50, 44)):
            self.table.setColumnWidth(col, width)
        split.addWidget(self.table)
        split.addWidget(self._build_detail())
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([320, 330])
        lay.addWidget(split, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.status, self.category, self.department, self.deputy, self.village):
            combo.currentIndexChanged.connect(self.reload)
        self.overdue.toggled.connect(self._on_overdue_toggled)
        self.due_soon.toggled.connect(self._on_due_soon_toggled)
        self.date_from.dateChanged.connect(self.reload)
        self.date_to.dateChanged.connect(self.reload)
        self.overdue_button.clicked.connect(lambda: self.show_attention("overdue"))
        self.due_soon_button.clicked.connect(lambda: self.show_attention("due_soon"))
        self.awaiting_button.clicked.connect(lambda: self.show_attention("awaiting"))
        self.reset_button.clicked.connect(self.reset_filters)
        self.departments_button.clicked.connect(self.manage_departments)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.refresh()

    # -- data -----------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Filters' lists, counts, the list and the selected case (after a change elsewhere)."""
        self._ready = self.has_view
        self.departments_button.setEnabled(self.writable)
        if not self._ready:
            self.count_label.setText(self.tr("请先在“设置”中填写站点信息"))
            self.model.set_fetch(lambda _a, _l: Page(()))
            self._show_case(None)
            return
        self._fill_filters()
        self.reload()

    def _fill_filters(self) -> None:
        code, writable = self.view_code, self.writable
        self._work.submit("filters", lambda: _filter_lists(code, writable), self._show_filter_lists, self.busy,
                          lambda exc: report(exc, show=self.count_label.setText))

    def _show_filter_lists(self, lists: tuple[list[str], list[tuple[str, str]], list[str]]) -> None:
        names, people, villages = lists
        refill_combo(self.department, self.tr("全部承办单位"), [(d, d) for d in names])
        refill_combo(self.deputy, self.tr("全部接待代表"), people)
        refill_combo(self.village, self.tr("全部村（社区）"), [(v, v) for v in villages])


def _filter_lists(code: str | None, writable: bool) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """The filter combos' lists (承办单位, 接待代表, 村（社区）) of the station in view, read on a worker."""
    names = cases.departments(include_inactive=True) if writable else cases.used_departments(code)
    people = [(p.name, p.uid) for p in deputies.all_deputies(DeputyFilter(active=None, station_code=code))]
    return names, people, receptions.villages(limit=200, station_code=code)
