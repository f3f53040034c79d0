"""意见办理: what the page's parts share (the paged model, columns, colours)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from station_app.domain import clock
from station_app.domain.codes import CaseStatus, Category, Evaluation
from station_app.domain.records import CaseRecord, Page
from station_app.services import cases, settings
from station_app.ui import style
from station_app.ui.forms import one_line
from station_app.ui.models.paged import Column, PagedTableModel
from station_app.ui.models.readonly import DISPLAY, FOREGROUND

RED = style.qcolor(style.RED)
ORANGE = style.qcolor(style.ORANGE)
SEARCH_DELAY_MS = 250
SHEETS = {"assign": "交办通知单", "feedback": "反馈单"}


@dataclass(frozen=True)
class CaseRow:
    """A case as the list shows it, with what needs the calendar worked out before data()."""

    rec: CaseRecord
    deadline_text: str
    overdue: bool
    due_soon: bool


def _deadline_text(rec: CaseRecord, today: dt.date, due_soon_days: int) -> tuple[str, bool, bool]:
    """The 期限 cell and whether it is overdue / due soon: the state comes from the service."""
    if rec.deadline is None:
        return "", False, False
    text = rec.deadline.isoformat()
    state = cases.deadline_state(rec, today, due_soon_days)
    if state.days_left is None:
        return text, False, False
    if state.overdue:
        return f"{text}（超期{max(1, -state.days_left)}个工作日）", True, False
    return f"{text}（剩{state.days_left}个工作日）", False, state.due_soon


def case_rows(page: Page) -> Page:
    today = clock.today()
    due_soon_days = int(settings.get("cases.due_soon_days"))  # once a page, not once a row
    rows = []
    for rec in page.rows:
        text, overdue, soon = _deadline_text(rec, today, due_soon_days)
        rows.append(CaseRow(rec, text, overdue, soon))
    return Page(tuple(rows), page.next_key)


def _fetch(keyword: str, filters: dict, after, limit) -> Page:
    return case_rows(cases.page(after, limit, keyword=keyword, **filters))


def case_columns(tr) -> list[Column]:
    return [
        Column(tr("编号"), lambda r: r.rec.number),
        Column(tr("登记日期"), lambda r: clock.to_local(r.rec.registered_at).strftime("%Y-%m-%d")),
        Column(tr("类别"), lambda r: Category.label_of(r.rec.category), centered=True),
        Column(tr("内容"), lambda r: one_line(r.rec.content)),
        Column(tr("来访人"), lambda r: r.rec.visitor_name),
        Column(tr("村（社区）"), lambda r: r.rec.village),
        Column(tr("承办单位"), lambda r: r.rec.department),
        Column(tr("期限"), lambda r: r.deadline_text),
        Column(tr("状态"), lambda r: CaseStatus.label_of(r.rec.status), centered=True),
        Column(tr("评价"), lambda r: Evaluation.label_of(r.rec.evaluation), centered=True),
        Column(tr("轮次"), lambda r: str(r.rec.rounds), centered=True),
    ]


DEADLINE_COLUMN = 7


class CaseTableModel(PagedTableModel):
    """The paged list; the 期限 cell is red when overdue, orange when due soon."""

    def data(self, index, role: int = DISPLAY):
        if role == FOREGROUND and index.isValid() and index.column() == DEADLINE_COLUMN:
            row = self.record(index.row())
            return RED if row.overdue else (ORANGE if row.due_soon else None)
        return super().data(index, role)


    # -- keys -----------------------------------------------------------------------------------


if TYPE_CHECKING:
    from typing import ClassVar, Protocol

    from PySide6.QtCore import QTimer, Signal
    from PySide6.QtWidgets import (
        QCheckBox,
        QComboBox,
        QDateEdit,
        QLabel,
        QLineEdit,
        QPushButton,
        QTableView,
        QWidget,
    )

    from station_app.ui import tasks
    from station_app.ui.pdfview import SavedPdfDialog
    from station_app.ui.station_view import StationViewHost

    class CasesHost(StationViewHost, Protocol):
        """What the parts of :class:`CasesPage` rely on: the page's widgets and state, and the
        methods one part calls on another (type checking only)."""

        changed: ClassVar[Signal]
        _ready: bool
        _work: tasks.OneAtATime
        _search_timer: QTimer
        _current: CaseRecord | None
        busy: QLabel
        message: QLabel
        count_label: QLabel
        overdue_button: QPushButton
        due_soon_button: QPushButton
        awaiting_button: QPushButton
        # the list's filters and table (__init__.py)
        search: QLineEdit
        status: QComboBox
        category: QComboBox
        department: QComboBox
        deputy: QComboBox
        village: QComboBox
        overdue: QCheckBox
        due_soon: QCheckBox
        date_from: QDateEdit
        date_to: QDateEdit
        model: CaseTableModel
        table: QTableView

        def _fill_filters(self) -> None: ...
        def _show_case(self, rec: CaseRecord | None) -> None: ...
        def reload(self, *_args: object) -> None: ...

    class CasesPart(CasesHost, QWidget):
        """The page as each of its parts (mixins) sees it."""

        # set by the parts themselves as well as by the page: declared here, or mypy takes a
        # part's first assignment for the attribute's definition
        preview_dialog: SavedPdfDialog | None
        action_buttons: dict[str, QPushButton]
else:
    CasesPart = object  # at run time the parts are plain mixins of CasesPage
