"""意见办理: every 意见建议 with filters (status, 超期, 即将到期, category, department, deputy,
village, dates, keyword), and for the selected one its details, its timeline, one button per
step its state allows (交办 → 督办 → 答复 → 评价 → 再次交办 … 办结/结案) and its printable sheets.

Signals:
    changed(): a case moved a step (首页 follows)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.codes import CaseAction, CaseStatus, Category, Evaluation, Handling, Urgency
from station_app.domain.masking import mask_phone
from station_app.domain.records import CaseEventRecord, CaseRecord, Page
from station_app.errors import KnownError
from station_app.services import cases, deputies, receptions, settings
from station_app.services.deputies import DeputyFilter
from station_app.ui import tasks
from station_app.ui.dates import limit_date_edit
from station_app.ui.excel_export import ExcelExport, paged_sheet
from station_app.ui.forms import PageSearchKeys, one_line, refill_combo
from station_app.ui.models.paged import DISPLAY, FOREGROUND, Column, PagedTableModel
from station_app.ui.small_screen import scrolling
from station_app.ui.station_view import StationViewMixin

RED = QColor("#C00000")
ORANGE = QColor("#B35C00")
NO_DATE = QDate(2000, 1, 1)
SEARCH_DELAY_MS = 250
SHEETS = {"assign": "交办通知单", "feedback": "反馈单"}


@dataclass(frozen=True)
class CaseRow:
    """A case as the list shows it, with what needs the calendar worked out before data()."""

    rec: CaseRecord
    deadline_text: str
    overdue: bool
    due_soon: bool


def _deadline_text(rec: CaseRecord, today: dt.date) -> tuple[str, bool, bool]:
    if rec.deadline is None:
        return "", False, False
    text = rec.deadline.isoformat()
    if rec.status not in ("assigned", "in_progress"):
        return text, False, False
    left = cases.working_days_left(rec.deadline, today)
    if rec.is_overdue(today):
        return f"{text}（超期{max(1, -left)}个工作日）", True, False
    return f"{text}（剩{left}个工作日）", False, left <= int(settings.get("cases.due_soon_days"))


def case_rows(page: Page) -> Page:
    today = clock.today()
    rows = []
    for rec in page.rows:
        text, overdue, soon = _deadline_text(rec, today)
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


class CasesPage(StationViewMixin, PageSearchKeys, QWidget):
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
        self.preview_dialog: QDialog | None = None

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 10, 16, 10)
        head = QHBoxLayout()
        title = QLabel(self.tr("意见建议办理"))
        title.setObjectName("pageTitle")
        head.addWidget(title)
        head.addStretch(1)
        self.overdue_button = QPushButton(self.tr("超期 0"))
        self.overdue_button.setStyleSheet("color: #C00000; font-weight: bold;")
        self.overdue_button.setToolTip(self.tr("只看超过办理期限的"))
        self.due_soon_button = QPushButton(self.tr("即将到期 0"))
        self.due_soon_button.setStyleSheet("color: #B35C00; font-weight: bold;")
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
        self.date_from = self._date_filter()
        self.date_to = self._date_filter()
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

    def _date_filter(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setCalendarPopup(True)
        limit_date_edit(edit)  # its minimum (2000-01-01 = NO_DATE) reads 不限
        edit.setSpecialValueText(self.tr("不限"))
        edit.setDate(NO_DATE)
        edit.setMinimumWidth(100)
        return edit

    def _build_detail(self) -> QWidget:
        w = QFrame()
        w.setObjectName("caseDetail")
        outer = QHBoxLayout(w)
        outer.setContentsMargins(0, 6, 0, 0)
        left = QWidget()
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 8, 0)
        info = QVBoxLayout()  # the case's text and fields scroll; its action buttons stay in view
        info.setContentsMargins(0, 0, 0, 0)
        self.detail_title = QLabel(self.tr("在上面的列表中选择一条意见建议"))
        self.detail_title.setStyleSheet("font-size: 12pt; font-weight: bold; color: #8B0000;")
        self.detail_title.setWordWrap(True)
        info.addWidget(self.detail_title)
        self.detail_content = QLabel()
        self.detail_content.setWordWrap(True)
        self.detail_content.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_content.setStyleSheet("font-size: 11pt; padding: 2px 0 4px 0;")
        info.addWidget(self.detail_content)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(3)
        self.fields: dict[str, QLabel] = {}
        spec = (("registered", "登记时间"), ("status", "状态"), ("category", "类别"), ("urgency", "紧急程度"),
                ("handling", "办理方式"), ("rounds", "轮次"), ("visitor", "来访人"), ("village", "村（社区）"),
                ("deputies", "接待代表"), ("evaluation", "群众评价"), ("department", "承办单位"),
                ("co_departments", "协办单位"), ("deadline", "办理期限"))
        for i, (key, label) in enumerate(spec):
            r, c = divmod(i, 2)
            name = QLabel(self.tr(label) + "：")
            name.setStyleSheet("color: #666;")
            value = QLabel()
            value.setWordWrap(True)
            value.setObjectName(f"field_{key}")
            self.fields[key] = value
            grid.addWidget(name, r, c * 2, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, r, c * 2 + 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        info.addLayout(grid)
        info.addStretch(1)
        self.detail_scroll = scrolling(info, grow=False)
        lay.addWidget(self.detail_scroll, 1)
        self.actions_row = QHBoxLayout()
        self.actions_hint = QLabel()
        self.actions_hint.setStyleSheet("color: #666;")
        self.actions_row.addWidget(self.actions_hint)
        self.actions_row.addStretch(1)
        lay.addLayout(self.actions_row)
        prints = QHBoxLayout()
        self.assign_pdf_button = QPushButton(self.tr("交办通知单PDF…"))
        self.feedback_pdf_button = QPushButton(self.tr("反馈单PDF…"))
        self.assign_pdf_button.clicked.connect(lambda: self._on_sheet("assign"))
        self.feedback_pdf_button.clicked.connect(lambda: self._on_sheet("feedback"))
        prints.addWidget(self.assign_pdf_button)
        prints.addWidget(self.feedback_pdf_button)
        prints.addStretch(1)
        lay.addLayout(prints)
        self.message = QLabel()
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        outer.addWidget(left, 5)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(8, 0, 0, 0)
        tl = QLabel(self.tr("办理过程"))
        tl.setStyleSheet("font-weight: bold; color: #8B0000;")
        rl.addWidget(tl)
        self.timeline = QTableWidget(0, 4)
        self.timeline.setHorizontalHeaderLabels([self.tr("时间"), self.tr("环节"), self.tr("经办人"), self.tr("说明")])
        self.timeline.verticalHeader().hide()
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.timeline.setWordWrap(True)
        th = self.timeline.horizontalHeader()
        for c in (0, 1, 2):
            th.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        th.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        rl.addWidget(self.timeline, 1)
        outer.addWidget(right, 6)
        return w

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
        code = self.view_code
        names = cases.departments(include_inactive=True) if self.writable else cases.used_departments(code)
        refill_combo(self.department, self.tr("全部承办单位"), [(d, d) for d in names])
        refill_combo(self.deputy, self.tr("全部接待代表"),
               [(p.name, p.uid) for p in deputies.all_deputies(DeputyFilter(active=None, station_code=code))])
        refill_combo(self.village, self.tr("全部村（社区）"),
                     [(v, v) for v in receptions.villages(limit=200, station_code=code)])

    def filters(self) -> dict:
        f: dict = {"station_code": self.view_code}
        for key, combo in (("status", self.status), ("category", self.category), ("department", self.department),
                           ("deputy_uid", self.deputy), ("village", self.village)):
            if combo.currentData():
                f[key] = combo.currentData()
        if self.overdue.isChecked():
            f["overdue"] = True
        if self.due_soon.isChecked():
            f["due_within"] = int(settings.get("cases.due_soon_days"))
        if self.date_from.date() != NO_DATE:
            q = self.date_from.date()
            f["date_from"] = dt.date(q.year(), q.month(), q.day())
        if self.date_to.date() != NO_DATE:
            q = self.date_to.date()
            f["date_to"] = dt.date(q.year(), q.month(), q.day())
        return f

    def reload(self, *_args) -> None:
        """Run the filters again; keep the selected case selected when it is still listed."""
        self._search_timer.stop()
        if not self._ready:
            return
        keep = self._current.uid if self._current else None
        keyword = self.search.text().strip()
        flt = self.filters()
        try:
            self.model.set_fetch(partial(_fetch, keyword, flt))
            n = cases.count(keyword, **flt)
            counts = cases.attention_counts(station_code=self.view_code)
        except KnownError as exc:
            self.count_label.setText(exc.message)
            return
        self.count_label.setText(self.tr("共 {0} 条").format(n))
        self.overdue_button.setText(self.tr("超期 {0}").format(counts["overdue"]))
        self.due_soon_button.setText(self.tr("即将到期 {0}").format(counts["due_soon"]))
        self.awaiting_button.setText(self.tr("待评价 {0}").format(counts["awaiting_evaluation"]))
        if keep:
            self.select_uid(keep, load_more=False)
        self._show_case(self._reload_current(keep))

    def _reload_current(self, uid: str | None) -> CaseRecord | None:
        if not uid:
            return None
        try:
            return cases.get(uid)
        except KnownError:
            return None

    def _on_overdue_toggled(self, on: bool) -> None:
        if on and self.due_soon.isChecked():
            self.due_soon.blockSignals(True)
            self.due_soon.setChecked(False)
            self.due_soon.blockSignals(False)
        self.reload()

    def _on_due_soon_toggled(self, on: bool) -> None:
        if on and self.overdue.isChecked():
            self.overdue.blockSignals(True)
            self.overdue.setChecked(False)
            self.overdue.blockSignals(False)
        self.reload()

    def reset_filters(self) -> None:
        widgets = (self.search, self.status, self.category, self.department, self.deputy, self.village,
                   self.overdue, self.due_soon, self.date_from, self.date_to)
        for w in widgets:
            w.blockSignals(True)
        self.search.clear()
        for combo in (self.status, self.category, self.department, self.deputy, self.village):
            combo.setCurrentIndex(0)
        self.overdue.setChecked(False)
        self.due_soon.setChecked(False)
        self.date_from.setDate(NO_DATE)
        self.date_to.setDate(NO_DATE)
        for w in widgets:
            w.blockSignals(False)
        self.reload()

    def show_attention(self, which: str) -> None:
        """The quick buttons: only the overdue / due-soon / awaiting-evaluation cases."""
        self.reset_filters()
        if which == "overdue":
            self.overdue.setChecked(True)
        elif which == "due_soon":
            self.due_soon.setChecked(True)
        else:
            self.status.setCurrentIndex(self.status.findData(CaseStatus.REPLIED.value))

    def rows(self) -> list[CaseRecord]:
        return [self.model.record(r).rec for r in range(self.model.rowCount())]

    def select_uid(self, uid: str, load_more: bool = True) -> bool:
        row = self.model.row_of(lambda r: r.rec.uid == uid)
        while row < 0 and load_more and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.row_of(lambda r: r.rec.uid == uid)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
            return True
        return False

    def select_number(self, number: str) -> bool:
        return self.select_uid(cases.get(number).uid)

    def selected(self) -> CaseRecord | None:
        return self._current

    def _on_selection_changed(self, *_args) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            rec = self.model.record(rows[0].row()).rec
            if self._current is None or rec.uid != self._current.uid or rec.updated_at != self._current.updated_at:
                self.message.clear()
                self._show_case(rec)

    # -- detail ---------------------------------------------------------------------------------
    def _show_case(self, rec: CaseRecord | None) -> None:
        self._current = rec
        for b in self.action_buttons.values():
            self.actions_row.removeWidget(b)
            b.hide()
            b.deleteLater()
        self.action_buttons = {}
        if rec is None:
            self.detail_title.setText(self.tr("在上面的列表中选择一条意见建议"))
            self.detail_content.clear()
            for v in self.fields.values():
                v.clear()
            self.timeline.setRowCount(0)
            self.actions_hint.clear()
            self.assign_pdf_button.setEnabled(False)
            self.feedback_pdf_button.setEnabled(False)
            return
        today = clock.today()
        show_full = bool(settings.get("privacy.show_full_numbers"))
        self.detail_title.setText(self.tr("{0}　{1}").format(rec.number, CaseStatus.label_of(rec.status)))
        self.detail_content.setText(rec.content)
        phone = rec.visitor_phone if show_full else mask_phone(rec.visitor_phone)
        text, overdue, soon = _deadline_text(rec, today)
        values = {
            "registered": clock.to_local(rec.registered_at).strftime("%Y-%m-%d %H:%M"),
            "status": CaseStatus.label_of(rec.status), "category": Category.label_of(rec.category),
            "urgency": Urgency.label_of(rec.urgency), "handling": Handling.label_of(rec.handling),
            "rounds": self.tr("第 {0} 轮").format(rec.rounds),
            "visitor": "　".join(p for p in (rec.visitor_name, phone) if p),
            "village": rec.village, "deputies": "、".join(rec.deputy_names),
            "evaluation": Evaluation.label_of(rec.evaluation) or self.tr("（未评价）"),
            "department": rec.department or "—", "co_departments": "、".join(rec.co_departments) or "—",
            "deadline": text or "—",
        }
        for key, value in values.items():
            self.fields[key].setText(value)
        self.fields["deadline"].setStyleSheet("color: #C00000; font-weight: bold;" if overdue
                                              else ("color: #B35C00;" if soon else ""))
        self.fields["status"].setStyleSheet("font-weight: bold;")
        self._events = cases.events(rec.uid)
        self._fill_timeline(self._events)
        actions = cases.next_actions(rec.uid)
        self.actions_hint.setText(self.tr("下一步：") if actions else self.tr("已办理完毕"))
        if actions and not self.writable:  # another station's case: its own clerk moves it on
            self.actions_hint.setText(self.tr("只读：") + self.read_only_reason())
            actions = []
        for i, action in enumerate(actions):
            b = QPushButton(self.tr("{0}…").format(CaseAction.label_of(action)))
            b.setObjectName(f"action_{action}")
            b.clicked.connect(lambda _=False, a=action: self.open_action(a))
            self.actions_row.insertWidget(1 + i, b)
            self.action_buttons[action] = b
        has_reply = any(e.action == CaseAction.REPLY.value for e in self._events)
        self.assign_pdf_button.setEnabled(rec.handling != Handling.ON_THE_SPOT.value)
        self.feedback_pdf_button.setEnabled(has_reply)

    def _fill_timeline(self, events: list[CaseEventRecord]) -> None:
        self.timeline.setRowCount(len(events))
        for r, e in enumerate(events):
            note = e.note
            if e.evaluation:
                note = Evaluation.label_of(e.evaluation) + (f"：{note}" if note else "")
            if e.department:
                extra = self.tr("承办单位：{0}").format(e.department)
                if e.deadline:
                    extra += self.tr("，期限 {0}").format(e.deadline.isoformat())
                note = f"{extra}" + (f"；{note}" if note else "")
            label = CaseAction.label_of(e.action)
            if e.round > 1 and e.action in (CaseAction.REASSIGN.value,):
                label += self.tr("（第{0}轮）").format(e.round)
            values = (clock.to_local(e.at).strftime("%Y-%m-%d %H:%M"), label, e.actor, note)
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if c == 3:
                    item.setToolTip(v)
                self.timeline.setItem(r, c, item)
        self.timeline.resizeRowsToContents()

    def timeline_actions(self) -> list[str]:
        """The step labels the timeline shows, oldest first (for tests and a quick check)."""
        return [CaseAction.label_of(e.action) for e in self._events]

    # -- steps ----------------------------------------------------------------------------------
    def open_action(self, action: str) -> CaseRecord | None:
        from station_app.ui.dialogs.case_action_dialog import CaseActionDialog

        rec = self._current
        if rec is None:
            return None
        dlg = CaseActionDialog(rec, action, cases.departments(), self)
        done = None
        if dlg.exec() and dlg.result_record is not None:
            done = dlg.result_record
        dlg.deleteLater()
        if done is not None:
            self.message.setStyleSheet("color: #2E7D32;")
            self.message.setText(self.tr("{0}：已{1}，现在{2}").format(
                done.number, CaseAction.label_of(action), CaseStatus.label_of(done.status)))
            self._current = done
            self.reload()
            self.changed.emit()
        return done

    def manage_departments(self) -> None:
        from station_app.ui.dialogs.departments_dialog import DepartmentsDialog

        dlg = DepartmentsDialog(self)
        dlg.exec()
        changed = dlg.changed
        dlg.deleteLater()
        if changed:
            self._fill_filters()

    # -- sheets ---------------------------------------------------------------------------------
    def _on_sheet(self, kind: str) -> None:
        rec = self._current
        if rec is None:
            return
        default = self.tr("{0}-{1}.pdf").format(SHEETS[kind], rec.number)
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存PDF"), default, self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save_sheet(kind, path)

    def save_sheet(self, kind: str, path: str, preview: bool = True) -> None:
        """Write the 交办通知单 (``assign``) or 反馈单 (``feedback``) of the selected case, then preview it."""
        rec = self._current
        if rec is None:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        uid = rec.uid
        self.message.setStyleSheet("color: #555;")
        self.message.setText(self.tr("正在生成PDF…"))

        def done(_result) -> None:
            self.message.setStyleSheet("color: #2E7D32;")
            self.message.setText(self.tr("已保存：{0}").format(path))
            if preview:
                self.show_preview(path, self.tr("{0} {1}").format(SHEETS[kind], rec.number))

        def failed(exc: Exception) -> None:
            if isinstance(exc, KnownError):
                self.message.setStyleSheet("color: #C00000;")
                self.message.setText(exc.message)
                return
            raise exc

        tasks.run_task(lambda: cases.print_sheet(uid, kind, path), done, failed)

    def show_preview(self, path: str, title: str) -> None:
        from station_app.ui.pdfview import SavedPdfDialog

        if self.preview_dialog is not None:
            self.preview_dialog.close()
            self.preview_dialog.deleteLater()
        self.preview_dialog = SavedPdfDialog(path, self.tr("预览：{0}").format(title), self)
        self.preview_dialog.show()

    # -- keys -----------------------------------------------------------------------------------
