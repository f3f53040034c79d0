"""接待登记: what the page's parts share (the opinion row, the list's columns, constants)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.codes import Category, Channel, Handling, Urgency
from station_app.domain.records import OpinionData
from station_app.errors import KnownError
from station_app.services import cases
from station_app.ui import style
from station_app.ui.dates import (
    limit_date_edit,
)
from station_app.ui.forms import (
    ERROR_STYLE,
    INVALID_STYLE,
    combo_line,
    one_line,
    pydate,
    qdate,
)
from station_app.ui.models.paged import Column

VISITOR_ROLE = Qt.ItemDataRole.UserRole  # (name, phone, village)
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
PHONE_ROLE = Qt.ItemDataRole.UserRole + 2
OK_STYLE = style.css(style.GREEN)
SEARCH_DELAY_MS = 250


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
        style.set_text(self.title, style.DARK_RED, bold=True)
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
        combo_line(self.department).setPlaceholderText(self.tr("选择或输入承办单位"))
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


def reception_columns(page: QWidget) -> list[Column]:
    tr = page.tr

    return [
        Column(tr("时间"), lambda r: clock.to_local(r.received_at).strftime("%Y-%m-%d %H:%M")),
        Column(tr("来访人"), lambda r: r.visitor_name),
        Column(tr("电话"), lambda r: r.visitor_phone),  # as the service shows it to the user (privacy)
        Column(tr("村（社区）"), lambda r: r.village),
        Column(tr("人数"), lambda r: str(r.visitor_count), centered=True),
        Column(tr("方式"), lambda r: Channel.label_of(r.channel), centered=True),
        Column(tr("接待代表"), lambda r: "、".join(r.deputy_names)),
        Column(tr("意见条数"), lambda r: str(r.case_count), centered=True),
        Column(tr("接待情况"), lambda r: one_line(r.summary)),
    ]




if TYPE_CHECKING:
    from typing import ClassVar, Protocol

    from PySide6.QtWidgets import QCompleter, QDateTimeEdit, QSpinBox

    from station_app.domain.records import ReceptionRecord
    from station_app.services.receptions import VisitorHistory
    from station_app.ui.dialogs.reception_dialog import DeputyChecks
    from station_app.ui.forms import FieldForm
    from station_app.ui.station_view import StationViewHost

    class ReceptionsHost(StationViewHost, Protocol):
        """What the parts of :class:`ReceptionsPage` rely on: the page's widgets and state, and
        the methods one part calls on another (type checking only)."""

        saved: ClassVar[Signal]
        _ready: bool
        _activity_day_uid: str | None
        rows: list[OpinionRow]
        # the intake form (intake.py)
        form_left: FieldForm
        form_right: FieldForm
        form_full: FieldForm
        name: QLineEdit
        phone: QLineEdit
        village: QLineEdit
        id_number: QLineEdit
        id_toggle: QToolButton
        count: QSpinBox
        channel: QComboBox
        received_at: QDateTimeEdit
        summary: SummaryEdit
        deputy_checks: DeputyChecks
        status_label: QLabel
        name_completer: QCompleter
        phone_completer: QCompleter
        village_completer: QCompleter
        # the visitor's history (history.py)
        history_title: QLabel
        history_cases_label: QLabel

        def _fix_tab_order(self) -> None: ...
        def _apply_defaults(self, deputies_too: bool) -> None: ...
        def remove_opinion_row(self, row: OpinionRow) -> None: ...
        def _build_history(self) -> QWidget: ...
        def update_history(self) -> None: ...
        def _show_history(self, hist: VisitorHistory | None) -> None: ...
        def is_empty_except(self, widget: QWidget | None = None) -> bool: ...
        def save(self) -> ReceptionRecord | None: ...
        def clear_form(self, ask: bool = True) -> bool: ...
        def reload(self, *_args: object) -> None: ...

    class ReceptionsPart(ReceptionsHost, QWidget):
        """The page as each of its parts (mixins) sees it."""

        # set by the parts themselves as well as by the page: declared here, or mypy takes a
        # part's first assignment for the attribute's definition
        _history_key: tuple[str, str] | None
else:
    ReceptionsPart = object  # at run time the parts are plain mixins of ReceptionsPage
