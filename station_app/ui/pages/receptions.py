"""接待登记: a keyboard-only intake form for a busy desk (with the visitor's earlier visits and
open 意见建议 beside it) above the paged, searchable list of receptions.

Keys: Tab moves on (also out of 接待情况), Enter in 接待情况 saves (Shift+Enter: new line),
Ctrl+S saves, Ctrl+Enter adds an 意见建议, Esc clears the form, Ctrl+F goes to the list's search.

Signals:
    saved(): a visit was recorded, corrected or deleted (意见办理 and 首页 follow)
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.codes import CaseStatus, Category, Channel, Handling, Urgency
from station_app.domain.masking import mask_id_number, mask_phone
from station_app.domain.records import OpinionData, Page, ReceptionData, ReceptionRecord
from station_app.errors import KnownError, ValidationError
from station_app.services import cases, deputies, receptions, settings
from station_app.services.deputies import DeputyFilter
from station_app.ui.dates import confirm_long_past, limit_date_edit
from station_app.ui.dialogs.reception_dialog import (
    DeputyChecks,
    ReceptionDialog,
    from_qdatetime,
    make_datetime_edit,
    to_qdatetime,
)
from station_app.ui.excel_export import ExcelExport, paged_sheet
from station_app.ui.forms import (
    ERROR_STYLE,
    INVALID_STYLE,
    FieldForm,
    PageSearchKeys,
    one_line,
    pydate,
    qdate,
    refill_combo,
)
from station_app.ui.models.paged import Column, PagedTableModel
from station_app.ui.station_view import StationViewMixin

VISITOR_ROLE = Qt.ItemDataRole.UserRole  # (name, phone, village)
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
PHONE_ROLE = Qt.ItemDataRole.UserRole + 2
NO_DATE = QDate(2000, 1, 1)  # the date filters' "不限"
OK_STYLE = "color: #2E7D32;"
SEARCH_DELAY_MS = 250





def show_full_numbers() -> bool:
    try:
        return bool(settings.get("privacy.show_full_numbers"))
    except KnownError:
        return False


class SummaryEdit(QPlainTextEdit):
    """接待情况: Tab moves on; Enter saves the visit (Shift+Enter starts a new line).

    Signals:
        submitted(): Enter was pressed
    """

    submitted = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            self.submitted.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.insertPlainText("\n")
            return
        super().keyPressEvent(event)


class OpinionRow(QFrame):
    """One 意见建议 of the visit: 内容, 类别, 办理方式, 紧急程度, then 承办单位/协办/期限 (交办,
    代表建议) or 答复 (当场答复). Each field has its error line under it.

    Signals:
        remove_requested(): the row's 删除 button
        submitted(): Enter in 内容 or 答复
    """

    remove_requested = Signal()
    submitted = Signal()

    def __init__(self, number: int, departments: list[str], parent=None):
        super().__init__(parent)
        self.setObjectName("opinionRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._deadline_touched = False
        self._setting_deadline = False
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold; color: #8B0000;")
        self.content = QLineEdit()
        self.content.setPlaceholderText(self.tr("群众反映的问题或提出的意见建议"))
        self.remove_button = QToolButton()
        self.remove_button.setText(self.tr("删除"))
        self.remove_button.setToolTip(self.tr("删除这条意见建议"))
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.category = QComboBox()
        self.category.addItem(self.tr("请选择类别"), None)
        for c in Category:
            self.category.addItem(c.label, c.value)
        self.handling = QComboBox()
        for h in Handling:
            self.handling.addItem(h.label, h.value)
        self.urgency = QComboBox()
        for u in Urgency:
            self.urgency.addItem(u.label, u.value)
        self.department = QComboBox()
        self.department.setEditable(True)
        self.department.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.department.lineEdit().setPlaceholderText(self.tr("选择或输入承办单位"))
        self.co_departments = QLineEdit()
        self.co_departments.setPlaceholderText(self.tr("可不填"))
        self.co_departments.setToolTip(self.tr("多个协办单位用“、”分隔"))
        self.deadline = limit_date_edit(QDateEdit())
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.deadline.setCalendarPopup(True)
        self.reply = QLineEdit()
        self.reply.setPlaceholderText(self.tr("当场答复的内容"))
        self.set_departments(departments)

        self.errors: dict[str, QLabel] = {}
        self.fields: dict[str, QWidget] = {"content": self.content, "category": self.category,
                                           "handling": self.handling, "urgency": self.urgency,
                                           "department": self.department, "deadline": self.deadline,
                                           "reply": self.reply}

        def boxed(key: str, widget: QWidget) -> QWidget:
            box = QWidget()
            bl = QVBoxLayout(box)
            bl.setContentsMargins(0, 0, 0, 0)
            bl.setSpacing(1)
            bl.addWidget(widget)
            err = QLabel()
            err.setObjectName(f"error_{key}")
            err.setStyleSheet(ERROR_STYLE)
            err.setWordWrap(True)
            err.hide()
            bl.addWidget(err)
            self.errors[key] = err
            return box

        self.labels: dict[str, QLabel] = {}

        def label(key: str, text: str) -> QLabel:
            lab = QLabel(text)
            lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            lab.setContentsMargins(0, 4, 0, 0)
            self.labels[key] = lab
            return lab

        grid.addWidget(self.title, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(boxed("content", self.content), 0, 1, 1, 5)
        grid.addWidget(self.remove_button, 0, 6, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(label("category", self.tr("类别")), 1, 0)
        grid.addWidget(boxed("category", self.category), 1, 1)
        grid.addWidget(label("handling", self.tr("办理方式")), 1, 2)
        grid.addWidget(boxed("handling", self.handling), 1, 3)
        grid.addWidget(label("urgency", self.tr("紧急程度")), 1, 4)
        grid.addWidget(boxed("urgency", self.urgency), 1, 5)
        grid.addWidget(label("department", self.tr("承办单位")), 2, 0)
        self.department_box = boxed("department", self.department)
        grid.addWidget(self.department_box, 2, 1)
        grid.addWidget(label("co_departments", self.tr("协办")), 2, 2)
        self.co_box = boxed("co_departments", self.co_departments)
        grid.addWidget(self.co_box, 2, 3)
        grid.addWidget(label("deadline", self.tr("办理期限")), 2, 4)
        self.deadline_box = boxed("deadline", self.deadline)
        grid.addWidget(self.deadline_box, 2, 5)
        grid.addWidget(label("reply", self.tr("答复")), 3, 0)
        self.reply_box = boxed("reply", self.reply)
        grid.addWidget(self.reply_box, 3, 1, 1, 5)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 2)
        grid.setColumnStretch(5, 1)

        self.remove_button.clicked.connect(self.remove_requested)
        self.content.returnPressed.connect(self.submitted)
        self.reply.returnPressed.connect(self.submitted)
        self.handling.currentIndexChanged.connect(self._on_handling_changed)
        self.deadline.dateChanged.connect(self._on_deadline_edited)
        self.set_number(number)
        self._on_handling_changed()

    # -- state ----------------------------------------------------------------------------------
    def set_number(self, number: int) -> None:
        self.title.setText(self.tr("意见{0}").format(number))

    def set_departments(self, names: list[str]) -> None:
        current = self.department.currentText()
        self.department.blockSignals(True)
        self.department.clear()
        self.department.addItems(names)
        self.department.setCurrentText(current)
        self.department.blockSignals(False)

    def _on_handling_changed(self, *_args) -> None:
        spot = self.handling.currentData() == Handling.ON_THE_SPOT.value
        for key in ("department", "co_departments", "deadline"):
            self.labels[key].setVisible(not spot)
        for w in (self.department_box, self.co_box, self.deadline_box):
            w.setVisible(not spot)
        self.labels["reply"].setVisible(spot)
        self.reply_box.setVisible(spot)
        if not spot and not self._deadline_touched:
            self._set_default_deadline()

    def _set_default_deadline(self) -> None:
        try:
            default = cases.default_deadline(self.handling.currentData())
        except KnownError:
            default = clock.today()
        self._setting_deadline = True
        self.deadline.setDate(qdate(default))
        self._setting_deadline = False

    def _on_deadline_edited(self, *_args) -> None:
        if not self._setting_deadline:
            self._deadline_touched = True

    def is_empty(self) -> bool:
        return not (self.content.text().strip() or self.reply.text().strip() or self.category.currentData())

    def data(self) -> OpinionData:
        handling = self.handling.currentData()
        spot = handling == Handling.ON_THE_SPOT.value
        co = tuple(p.strip() for p in self.co_departments.text().replace("，", "、").replace(",", "、").split("、")
                   if p.strip())
        return OpinionData(
            content=self.content.text(), category=self.category.currentData() or "", handling=handling,
            urgency=self.urgency.currentData(), department="" if spot else self.department.currentText().strip(),
            co_departments=() if spot else co, reply=self.reply.text().strip() if spot else "",
            deadline=pydate(self.deadline.date()) if (self._deadline_touched and not spot) else None)

    def tab_chain(self) -> list[QWidget]:
        return [self.content, self.category, self.handling, self.urgency, self.department, self.co_departments,
                self.deadline, self.reply]

    # -- errors ---------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for key, lab in self.errors.items():
            lab.hide()
            lab.clear()
            if key in self.fields:
                self.fields[key].setStyleSheet("")

    def show_errors(self, errors: dict[str, str]) -> QWidget | None:
        """``{"content": "…"}`` → messages at the fields; returns the first field with an error."""
        self.clear_errors()
        first = None
        for key in ("content", "category", "handling", "urgency", "department", "deadline", "reply"):
            if key in errors:
                self.errors[key].setText(errors[key])
                self.errors[key].show()
                self.fields[key].setStyleSheet(INVALID_STYLE)
                first = first or self.fields[key]
        rest = [m for k, m in errors.items() if k not in self.fields]
        if rest:
            lab = self.errors["content"]
            lab.setText("；".join([lab.text(), *rest]).strip("；"))
            lab.show()
            first = first or self.content
        return first

    def error_text(self, key: str) -> str:
        lab = self.errors[key]
        return lab.text() if not lab.isHidden() else ""


def reception_columns(page: ReceptionsPage) -> list[Column]:
    tr = page.tr

    def phone(r: ReceptionRecord) -> str:
        return r.visitor_phone if page.show_full else mask_phone(r.visitor_phone)

    return [
        Column(tr("时间"), lambda r: clock.to_local(r.received_at).strftime("%Y-%m-%d %H:%M")),
        Column(tr("来访人"), lambda r: r.visitor_name),
        Column(tr("电话"), phone),
        Column(tr("村（社区）"), lambda r: r.village),
        Column(tr("人数"), lambda r: str(r.visitor_count), centered=True),
        Column(tr("方式"), lambda r: Channel.label_of(r.channel), centered=True),
        Column(tr("接待代表"), lambda r: "、".join(r.deputy_names)),
        Column(tr("意见条数"), lambda r: str(r.case_count), centered=True),
        Column(tr("接待情况"), lambda r: one_line(r.summary)),
    ]


class ReceptionsPage(StationViewMixin, PageSearchKeys, QWidget):
    """Signals:
        saved(): a visit was recorded, corrected or deleted
    """

    refreshes_on_show = True  # its showEvent refreshes: the station in view is caught up there

    saved = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.show_full = False
        self.rows: list[OpinionRow] = []
        self._activity_day_uid: str | None = None
        self._time_touched = False
        self._setting_time = False
        self._history_key: tuple[str, str] | None = None
        self._ready = False

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 10, 16, 10)
        head = QHBoxLayout()
        title = QLabel(self.tr("接待登记"))
        title.setObjectName("pageTitle")
        head.addWidget(title)
        hint = QLabel(self.tr("Tab 下一项　Enter（在接待情况中）或 Ctrl+S 保存　Ctrl+Enter 添加意见　Esc 清空"))
        hint.setStyleSheet("color: #777;")
        hint.setWordWrap(True)  # two lines rather than cut off on a 1024-pixel screen
        hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head.addStretch(1)
        head.addWidget(hint)
        lay.addLayout(head)
        self.read_only_label = QLabel()
        self.read_only_label.setObjectName("readOnlyNote")
        self.read_only_label.setWordWrap(True)
        self.read_only_label.setStyleSheet("color: #8B0000;")
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

    # -- building -------------------------------------------------------------------------------
    def _build_intake(self) -> QWidget:
        self.intake = QWidget()
        outer = QHBoxLayout(self.intake)
        outer.setContentsMargins(0, 0, 0, 0)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        form_widget = QWidget()
        fl = QVBoxLayout(form_widget)
        fl.setContentsMargins(0, 0, 8, 0)

        cols = QHBoxLayout()
        self.form_left = FieldForm(self)
        self.form_right = FieldForm(self)
        self.form_full = FieldForm(self)
        self.name = self.form_left.add("visitor_name", self.tr("来访人"), QLineEdit())
        self.name.setPlaceholderText(self.tr("姓名，或输入电话查找老朋友"))
        self.phone = self.form_right.add("visitor_phone", self.tr("电话"), QLineEdit())
        self.phone.setPlaceholderText(self.tr("手机或座机"))
        self.village = self.form_left.add("village", self.tr("村（社区）"), QLineEdit())
        self.count = self.form_right.add("visitor_count", self.tr("人数"), QSpinBox())
        self.count.setRange(1, 9999)
        self.count.setSuffix(self.tr(" 人"))
        self.count.setToolTip(self.tr("集体来访填总人数"))
        self.channel = self.form_left.add("channel", self.tr("方式"), QComboBox())
        for c in Channel:
            self.channel.addItem(c.label, c.value)
        self.received_at = self.form_right.add("received_at", self.tr("接待时间"), make_datetime_edit(clock.now()))
        cols.addLayout(self.form_left.layout, 1)
        cols.addSpacing(12)
        cols.addLayout(self.form_right.layout, 1)
        fl.addLayout(cols)

        dep = QWidget()
        dl = QVBoxLayout(dep)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.setSpacing(2)
        self.deputy_checks = DeputyChecks()
        self.day_label = QLabel()
        self.day_label.setStyleSheet("color: #8B0000;")
        self.day_label.setWordWrap(True)
        dl.addWidget(self.deputy_checks)
        dl.addWidget(self.day_label)
        self.form_full.add("deputy_uids", self.tr("接待代表"), dep, focus=self.deputy_checks)

        idw = QWidget()
        il = QHBoxLayout(idw)
        il.setContentsMargins(0, 0, 0, 0)
        self.id_toggle = QToolButton()
        self.id_toggle.setText(self.tr("填写身份证号(&I)"))
        self.id_toggle.setCheckable(True)
        self.id_toggle.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.id_toggle.setToolTip(self.tr("选填；Alt+I 展开"))
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText(self.tr("选填，18位"))
        self.id_number.setMaxLength(18)
        self.id_number.hide()
        il.addWidget(self.id_toggle)
        il.addWidget(self.id_number, 1)
        il.addStretch(0)
        self.id_toggle.toggled.connect(self._on_id_toggled)
        self.form_full.add("visitor_id_number", self.tr("身份证号"), idw, focus=self.id_number)

        self.summary = self.form_full.add("summary", self.tr("接待情况"), SummaryEdit())
        self.summary.setPlaceholderText(self.tr("来访事由和接待情况（Enter 保存，Shift+Enter 换行）"))
        self.summary.setFixedHeight(58)
        fl.addLayout(self.form_full.layout)

        ops_head = QHBoxLayout()
        ops_title = QLabel(self.tr("意见建议"))
        ops_title.setStyleSheet("font-weight: bold; color: #8B0000;")
        ops_head.addWidget(ops_title)
        self.no_opinions = QLabel(self.tr("（本次来访没有意见建议时不用添加）"))
        self.no_opinions.setStyleSheet("color: #777;")
        ops_head.addWidget(self.no_opinions)
        ops_head.addStretch(1)
        self.add_opinion_button = QPushButton(self.tr("添加一条意见（Ctrl+Enter）"))
        self.add_opinion_button.setAutoDefault(False)
        self.add_opinion_button.clicked.connect(self.add_opinion_row)
        ops_head.addWidget(self.add_opinion_button)
        fl.addLayout(ops_head)
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setSpacing(6)
        fl.addLayout(self.rows_layout)

        bottom = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        bottom.addWidget(self.status_label, 1)
        self.clear_button = QPushButton(self.tr("清空（Esc）"))
        self.clear_button.clicked.connect(lambda: self.clear_form(ask=True))
        self.save_button = QPushButton(self.tr("保存登记（Ctrl+S）"))
        self.save_button.setStyleSheet("font-weight: bold;")
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.clear_button)
        bottom.addWidget(self.save_button)
        fl.addLayout(bottom)
        fl.addStretch(1)
        scroll.setWidget(form_widget)
        outer.addWidget(scroll, 3)
        outer.addWidget(self._build_history(), 2)

        # completers: earlier visitors by name or phone prefix, villages by prefix
        self.visitor_model = QStandardItemModel(self)
        self.name_completer = self._visitor_completer(NAME_ROLE)
        self.phone_completer = self._visitor_completer(PHONE_ROLE)
        self.name.setCompleter(self.name_completer)
        self.phone.setCompleter(self.phone_completer)
        self.name.textEdited.connect(lambda t: self._offer_visitors(t, self.name_completer))
        self.phone.textEdited.connect(lambda t: self._offer_visitors(t, self.phone_completer))
        self.village_completer = QCompleter([], self)
        self.village_completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.village.setCompleter(self.village_completer)
        self.village.textEdited.connect(self._offer_villages)
        self.name.textEdited.connect(self._on_first_keystroke)

        for edit in (self.name, self.phone, self.village, self.id_number):
            edit.returnPressed.connect(lambda e=edit: e.nextInFocusChain().setFocus(Qt.FocusReason.TabFocusReason))
        self.name.editingFinished.connect(self.update_history)
        self.phone.editingFinished.connect(self.update_history)
        self.summary.submitted.connect(self.save)
        self.received_at.dateTimeChanged.connect(self._on_time_changed)
        self._fix_tab_order()
        return self.intake

    def _visitor_completer(self, role) -> QCompleter:
        comp = QCompleter(self)
        comp.setModel(self.visitor_model)
        comp.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        comp.setCompletionRole(role)
        comp.setMaxVisibleItems(10)
        comp.activated[QModelIndex].connect(self._on_visitor_chosen)
        return comp

    def _build_history(self) -> QWidget:
        box = QGroupBox(self.tr("以往来访"))
        box.setMinimumWidth(300)
        hl = QVBoxLayout(box)
        self.history_title = QLabel(self.tr("输入来访人姓名或电话后，这里显示以往来访和未办结的意见建议"))
        self.history_title.setWordWrap(True)
        hl.addWidget(self.history_title)
        self.history_visits = QTableWidget(0, 2)
        self.history_visits.setHorizontalHeaderLabels([self.tr("日期"), self.tr("接待情况")])
        self.history_cases_label = QLabel(self.tr("未办结的意见建议"))
        self.history_cases_label.setStyleSheet("font-weight: bold;")
        self.history_cases = QTableWidget(0, 4)
        self.history_cases.setHorizontalHeaderLabels([self.tr("编号"), self.tr("状态"), self.tr("承办单位"),
                                                      self.tr("期限")])
        for t in (self.history_visits, self.history_cases):
            t.verticalHeader().hide()
            t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            t.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            t.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
            t.horizontalHeader().setStretchLastSection(True)
            t.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.history_visits.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for c in (0, 1, 2):
            self.history_cases.horizontalHeader().setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        hl.addWidget(self.history_visits, 3)
        hl.addWidget(self.history_cases_label)
        hl.addWidget(self.history_cases, 2)
        return box

    def _build_list(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 4, 0, 0)
        bar = QHBoxLayout()
        list_title = QLabel(self.tr("接待记录"))
        list_title.setStyleSheet("font-weight: bold; color: #8B0000;")
        bar.addWidget(list_title)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("查找：姓名、电话、村（社区）、接待情况（Ctrl+F）"))
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 2)
        bar.addWidget(QLabel(self.tr("日期")))
        self.date_from = self._date_filter()
        self.date_to = self._date_filter()
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel(self.tr("至")))
        bar.addWidget(self.date_to)
        self.village_filter = QComboBox()
        self.village_filter.setMinimumWidth(110)
        self.deputy_filter = QComboBox()
        self.deputy_filter.setMinimumWidth(100)
        self.channel_filter = QComboBox()
        self.channel_filter.addItem(self.tr("全部方式"), None)
        for c in Channel:
            self.channel_filter.addItem(c.label, c.value)
        for b in (self.village_filter, self.deputy_filter, self.channel_filter):
            bar.addWidget(b)
        lay.addLayout(bar)

        self.model = PagedTableModel(reception_columns(self), self._fetch_for({}), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((130, 80, 110, 100, 50, 80, 140, 70)):
            self.table.setColumnWidth(col, width)
        lay.addWidget(self.table, 1)
        foot = QHBoxLayout()
        self.count_label = QLabel()
        foot.addWidget(self.count_label)
        foot.addStretch(1)
        self.edit_button = QPushButton(self.tr("修改所选…"))
        self.delete_button = QPushButton(self.tr("删除所选…"))
        self.excel = ExcelExport(self, lambda: self.tr("接待记录.xlsx"),
                                 lambda: [paged_sheet(self.tr("接待记录"), self.table)],
                                 lambda: receptions.count(self.search.text().strip(), **self.filters()))
        self.edit_button.setEnabled(False)  # nothing selected yet
        self.delete_button.setEnabled(False)
        foot.addWidget(self.excel.button)
        foot.addWidget(self.edit_button)
        foot.addWidget(self.delete_button)
        lay.addLayout(foot)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.village_filter, self.deputy_filter, self.channel_filter):
            combo.currentIndexChanged.connect(self.reload)
        self.date_from.dateChanged.connect(self.reload)
        self.date_to.dateChanged.connect(self.reload)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        return w

    def _date_filter(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setCalendarPopup(True)
        limit_date_edit(edit)  # its minimum (2000-01-01 = NO_DATE) reads 不限
        edit.setSpecialValueText(self.tr("不限"))
        edit.setDate(NO_DATE)
        edit.setMinimumWidth(100)
        return edit

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
        self.show_full = show_full_numbers()
        ready = self.has_view
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
        refill_combo(self.village_filter, self.tr("全部村（社区）"),
                     [(v, v) for v in receptions.villages(limit=200, station_code=code)])
        refill_combo(self.deputy_filter, self.tr("全部代表"),
               [(p.name, p.uid) for p in deputies.all_deputies(DeputyFilter(active=None, station_code=code))])

    def _apply_defaults(self, deputies_too: bool) -> None:
        try:
            d = receptions.form_defaults()
        except KnownError:
            return
        self._set_time(d.received_at)
        self._activity_day_uid = d.activity_day_uid
        if deputies_too:
            self.deputy_checks.set_checked(d.deputy_uids)
        self._update_day_label()

    def _set_time(self, value: dt.datetime) -> None:
        self._setting_time = True
        self.received_at.setDateTime(to_qdatetime(value))
        self._setting_time = False
        self._time_touched = False

    def _on_time_changed(self, *_args) -> None:
        if self._setting_time:
            return
        self._time_touched = True
        when = from_qdatetime(self.received_at.dateTime())
        try:
            self._activity_day_uid = receptions.form_defaults(when.date()).activity_day_uid
        except KnownError:
            self._activity_day_uid = None
        self._update_day_label()

    def _on_first_keystroke(self, _text: str) -> None:
        """A new visitor begins: 'now' is now, unless the clerk set the time."""
        if not self._time_touched and self.is_empty_except(self.name):
            self._set_time(clock.now().replace(second=0, microsecond=0))

    def _update_day_label(self) -> None:
        from station_app.services import activity

        if not self._activity_day_uid:
            self.day_label.setText(self.tr("这一天没有代表活动日；请勾选接待的代表"))
            return
        try:
            day = activity.get(self._activity_day_uid)
        except KnownError:
            self.day_label.clear()
            return
        duty = "、".join(day.duty_names) or self.tr("未排")
        self.day_label.setText(self.tr("代表活动日 {0}月{1}日：{2}　值班代表 {3}").format(
            day.date.month, day.date.day, day.theme or self.tr("接待选民"), duty))

    # -- list -----------------------------------------------------------------------------------
    def filters(self) -> dict:
        f: dict = {"station_code": self.view_code}
        if self.channel_filter.currentData():
            f["channel"] = self.channel_filter.currentData()
        if self.village_filter.currentData():
            f["village"] = self.village_filter.currentData()
        if self.deputy_filter.currentData():
            f["deputy_uid"] = self.deputy_filter.currentData()
        if self.date_from.date() != NO_DATE:
            f["date_from"] = pydate(self.date_from.date())
        if self.date_to.date() != NO_DATE:
            f["date_to"] = pydate(self.date_to.date())
        return f

    def _fetch_for(self, filters: dict, keyword: str = ""):
        return partial(receptions.page, keyword=keyword, **filters)

    def reload(self, *_args) -> None:
        self._search_timer.stop()
        if not self._ready:
            return
        keyword = self.search.text().strip()
        flt = self.filters()
        try:
            self.model.set_fetch(self._fetch_for(flt, keyword))
            n = receptions.count(keyword, **flt)
        except KnownError as exc:
            self.count_label.setText(exc.message)
            return
        self.count_label.setText(self.tr("共 {0} 次接待").format(n))
        self._on_selection_changed()

    def selected(self) -> ReceptionRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _on_selection_changed(self, *_args) -> None:
        has = self.selected() is not None and self.writable
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def select_uid(self, uid: str) -> None:
        row = self.model.row_of(lambda r: r.uid == uid)
        while row < 0 and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.row_of(lambda r: r.uid == uid)
        if row >= 0:
            self.table.selectRow(row)

    def edit_selected(self) -> None:
        rec = self.selected()
        if rec is None:
            return
        dlg = ReceptionDialog(receptions.get(rec.uid), self)
        if dlg.exec() and dlg.saved:
            self.reload()
            self.select_uid(rec.uid)
            self.saved.emit()
        dlg.deleteLater()

    def delete_selected(self) -> None:
        rec = self.selected()
        if rec is None:
            return
        when = clock.to_local(rec.received_at).strftime("%Y-%m-%d %H:%M")
        text = self.tr("确定删除 {0} {1} 的这次接待登记吗？").format(when, rec.visitor_name)
        if rec.case_count:
            text += self.tr("\n这次来访登记的 {0} 条意见建议也会一并删除。").format(rec.case_count)
        if QMessageBox.question(self, self.tr("删除接待登记"), text) != QMessageBox.StandardButton.Yes:
            return
        try:
            receptions.delete(rec.uid)
        except KnownError as exc:
            QMessageBox.warning(self, self.tr("无法删除"), exc.message)
            return
        self.reload()
        self.saved.emit()


    # -- visitors -------------------------------------------------------------------------------
    def _offer_visitors(self, text: str, completer: QCompleter) -> None:
        if not self._ready:
            return
        found = receptions.find_visitors(text) if len(text.strip()) >= 1 else []
        self.visitor_model.clear()
        for name, phone, village in found:
            shown = phone if self.show_full else mask_phone(phone)
            item = QStandardItem("　".join(p for p in (name, shown, village) if p))
            item.setData((name, phone, village), VISITOR_ROLE)
            item.setData(name, NAME_ROLE)
            item.setData(phone, PHONE_ROLE)
            self.visitor_model.appendRow(item)
        if found:
            completer.complete()
        else:
            completer.popup().hide()

    def _on_visitor_chosen(self, index: QModelIndex) -> None:
        value = index.data(VISITOR_ROLE)
        if not value:
            return
        name, phone, village = value
        self.name.setText(name)
        self.phone.setText(phone)
        if village:
            self.village.setText(village)
        self.update_history()

    def _offer_villages(self, text: str) -> None:
        if not self._ready:
            return
        from PySide6.QtCore import QStringListModel

        self.village_completer.setModel(QStringListModel(receptions.villages(text.strip(), station_code=self.view_code),
                                                                self.village_completer))
        if text.strip():
            self.village_completer.setCompletionPrefix(text.strip())
            self.village_completer.complete()

    def update_history(self) -> None:
        """Earlier visits and open 意见建议 of the person typed (by phone, else by name)."""
        if not self._ready:
            return
        name, phone = self.name.text().strip(), self.phone.text().strip()
        key = (name, phone)
        if key == self._history_key:
            return
        self._history_key = key
        if not name and not phone:
            self._show_history(None)
            return
        self._show_history(receptions.visitor_history(name, phone))

    def _show_history(self, hist) -> None:
        self.history_visits.setRowCount(0)
        self.history_cases.setRowCount(0)
        if hist is None:
            self.history_title.setText(self.tr("输入来访人姓名或电话后，这里显示以往来访和未办结的意见建议"))
            return
        if not hist.visits:
            self.history_title.setText(self.tr("没有查到以往来访记录（首次来访）"))
            return
        phone = hist.visitor_phone if self.show_full else mask_phone(hist.visitor_phone)
        who = "，".join(p for p in (phone, hist.village) if p)
        more = self.tr("{0} 次以上").format(len(hist.visits)) if len(hist.visits) >= 10 else str(len(hist.visits))
        self.history_title.setText(self.tr("老朋友：{0}（{1}）以前来过 {2} 次").format(hist.visitor_name, who, more)
                                   if who else self.tr("老朋友：{0} 以前来过 {1} 次").format(hist.visitor_name, more))
        self.history_title.setStyleSheet("color: #8B0000; font-weight: bold;")
        self.history_visits.setRowCount(len(hist.visits))
        for r, v in enumerate(hist.visits):
            self.history_visits.setItem(r, 0, QTableWidgetItem(clock.to_local(v.received_at).strftime("%Y-%m-%d")))
            item = QTableWidgetItem(one_line(v.summary, 60) or self.tr("（未填写）"))
            item.setToolTip(v.summary)
            self.history_visits.setItem(r, 1, item)
        self.history_cases.setRowCount(len(hist.open_cases))
        today = clock.today()
        for r, c in enumerate(hist.open_cases):
            values = (c.number, CaseStatus.label_of(c.status), c.department, c.deadline.isoformat() if c.deadline else "")
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(c.content)
                if col == 3 and c.is_overdue(today):
                    item.setForeground(QColor("#C00000"))
                self.history_cases.setItem(r, col, item)
        self.history_cases_label.setText(self.tr("未办结的意见建议（{0} 条）").format(len(hist.open_cases)))

    def history_cases_numbers(self) -> list[str]:
        return [self.history_cases.item(r, 0).text() for r in range(self.history_cases.rowCount())]

    # -- form -----------------------------------------------------------------------------------
    def _on_id_toggled(self, on: bool) -> None:
        self.id_number.setVisible(on)
        self.id_toggle.setText(self.tr("收起(&I)") if on else self.tr("填写身份证号(&I)"))
        if on:
            self.id_number.setFocus()

    def add_opinion_row(self) -> OpinionRow:
        names = cases.departments() if self._ready else []
        row = OpinionRow(len(self.rows) + 1, names)
        row.remove_requested.connect(lambda r=row: self.remove_opinion_row(r))
        row.submitted.connect(self.save)
        self.rows.append(row)
        self.rows_layout.addWidget(row)
        self.no_opinions.hide()
        self._fix_tab_order()
        row.content.setFocus()
        return row

    def remove_opinion_row(self, row: OpinionRow) -> None:
        if row not in self.rows:
            return
        self.rows.remove(row)
        self.rows_layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        for i, r in enumerate(self.rows):
            r.set_number(i + 1)
        self.no_opinions.setVisible(not self.rows)
        self._fix_tab_order()

    def visit_data(self) -> ReceptionData:
        return ReceptionData(
            received_at=from_qdatetime(self.received_at.dateTime()), channel=self.channel.currentData(),
            visitor_name=self.name.text(), visitor_phone=self.phone.text(), visitor_id_number=self.id_number.text(),
            village=self.village.text(), visitor_count=self.count.value(), deputy_uids=self.deputy_checks.checked(),
            activity_day_uid=self._activity_day_uid, summary=self.summary.toPlainText())

    def opinions(self) -> list[OpinionData]:
        return [r.data() for r in self.rows]

    def _settle_same_id(self, data: ReceptionData) -> bool:
        """The ID number was given before under another name: say who and when, and let the clerk
        register this visit as that same person (the earlier name fills 来访人), keep the name as
        typed, or go back to the form. False: go back, nothing saved."""
        try:
            earlier = receptions.same_id_other_name(data.visitor_id_number, data.visitor_name,
                                                     station_code=self.view_code)
        except KnownError:
            return True  # the save itself will say what is wrong
        if earlier is None:
            return True
        when = clock.to_local(earlier.received_at)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("身份证号已登记过"),
                          self.tr("身份证号 {0} 在 {1} 登记来访时，来访人是“{2}”{3}，与现在填写的“{4}”不同。\n"
                                  "是同一个人吗？").format(
                              mask_id_number(earlier.visitor_id_number) if not show_full_numbers()
                              else earlier.visitor_id_number,
                              f"{when.year}年{when.month}月{when.day}日", earlier.visitor_name,
                              self.tr("（{0}）").format(earlier.village) if earlier.village else "",
                              data.visitor_name.strip()), QMessageBox.StandardButton.NoButton, self)
        same = box.addButton(self.tr("是同一人，按“{0}”登记").format(earlier.visitor_name),
                             QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(self.tr("不是，仍按“{0}”登记").format(data.visitor_name.strip()),
                             QMessageBox.ButtonRole.DestructiveRole)
        back = box.addButton(self.tr("返回修改"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        if box.clickedButton() is same:
            self.name.setText(earlier.visitor_name)
            return True
        if box.clickedButton() is keep:
            return True
        self.id_number.setFocus()
        return False

    def is_empty_except(self, widget=None) -> bool:
        texts = [w.text().strip() for w in (self.name, self.phone, self.village, self.id_number) if w is not widget]
        return not any(texts) and not self.summary.toPlainText().strip() and all(r.is_empty() for r in self.rows)

    def is_empty(self) -> bool:
        return self.is_empty_except(None)

    def clear_errors(self) -> None:
        for f in (self.form_left, self.form_right, self.form_full):
            f.clear_errors()
        for r in self.rows:
            r.clear_errors()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message at its field (``opinions.N.field`` at the N-th opinion); focus the first."""
        self.clear_errors()
        if "visitor_id_number" in errors and not self.id_toggle.isChecked():
            self.id_toggle.setChecked(True)
        forms = (self.form_left, self.form_right, self.form_full)
        known = {name for f in forms for name in f.widgets}
        for f in forms:
            mine = {k: v for k, v in errors.items() if k in f.widgets}
            if mine:
                f.show_errors(mine)
        first: QWidget | None = None
        order = ["visitor_name", "visitor_phone", "village", "visitor_count", "channel", "received_at", "deputy_uids",
                 "visitor_id_number", "summary"]
        for name in order:
            if name in errors:
                first = next(f.widgets[name] for f in forms if name in f.widgets)
                break
        for i, row in enumerate(self.rows):
            prefix = f"opinions.{i}."
            mine = {k[len(prefix):]: v for k, v in errors.items() if k.startswith(prefix)}
            if mine:
                w = row.show_errors(mine)
                first = first or w
        rest = [v for k, v in errors.items() if k not in known and not k.startswith("opinions.")]
        self.status_label.setStyleSheet(ERROR_STYLE)
        self.status_label.setText("；".join(rest) if rest else self.tr("没有保存：请按红字提示改正后再保存"))
        if first is not None:
            first.setFocus()

    def save(self) -> ReceptionRecord | None:
        """Record the visit and its 意见建议 — all or nothing."""
        if not self._ready:
            return None
        for comp in (self.name_completer, self.phone_completer, self.village_completer):
            comp.popup().hide()
        data = self.visit_data()
        if data.received_at is not None and not confirm_long_past(self, data.received_at, self.tr("接待时间")):
            return None
        if not self._settle_same_id(data):
            return None
        data = self.visit_data()
        try:
            rec = receptions.record_visit(data, self.opinions())
        except ValidationError as exc:
            self.show_errors(exc.fields)
            return None
        except KnownError as exc:
            self.clear_errors()
            self.status_label.setStyleSheet(ERROR_STYLE)
            self.status_label.setText(exc.message)
            return None
        numbers = sorted(c.number for c in cases.page(reception_uid=rec.uid, limit=1000, station_code=rec.station_code).rows)
        text = self.tr("已保存：{0}").format(rec.visitor_name)
        if numbers:
            text += self.tr("，意见建议 {0}").format("、".join(numbers))
        self.clear_form(ask=False)
        self.status_label.setStyleSheet(OK_STYLE)
        self.status_label.setText(text)
        self.reload()
        self.saved.emit()
        return rec

    def clear_form(self, ask: bool = True) -> bool:
        """Empty the form for the next visitor (deputies stay ticked, the time goes back to now)."""
        if ask and not self.is_empty():
            answer = QMessageBox.question(self, self.tr("清空表单"), self.tr("已填写的内容还没有保存，确定清空吗？"))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.clear_errors()
        for w in (self.name, self.phone, self.village, self.id_number):
            w.clear()
        self.summary.clear()
        self.count.setValue(1)
        self.channel.setCurrentIndex(max(0, self.channel.findData(Channel.VISIT.value)))
        self.id_toggle.setChecked(False)
        for row in list(self.rows):
            self.remove_opinion_row(row)
        self._apply_defaults(deputies_too=False)
        self._history_key = None
        self._show_history(None)
        self.history_title.setStyleSheet("")
        self.history_cases_label.setText(self.tr("未办结的意见建议"))
        self.status_label.clear()
        self.name.setFocus()
        return True
