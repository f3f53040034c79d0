"""One step of a 意见建议 (交办, 督办, 答复, 评价, 再次交办, 办结, 结案): the dialog asks only what
that step needs and calls ``cases.act``. A refused step (``IllegalStep`` or any ``KnownError``)
is shown in the dialog and nothing changes."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from station_app.domain.codes import CaseAction, CaseStatus, Evaluation
from station_app.domain.records import CaseRecord
from station_app.errors import KnownError
from station_app.services import cases
from station_app.ui import style
from station_app.ui.dates import limit_date_edit
from station_app.ui.forms import ERROR_STYLE, combo_line

ASSIGNING = (CaseAction.ASSIGN.value, CaseAction.REASSIGN.value)
NOTE_LABELS = {
    CaseAction.ASSIGN.value: ("交办说明", "可不填"),
    CaseAction.REASSIGN.value: ("再次交办说明", "如：群众对答复不满意，转县交通局"),
    CaseAction.SUPERVISE.value: ("督办情况", "如：电话督办，承办单位已安排勘察"),
    CaseAction.REPLY.value: ("答复内容", "承办单位的办理情况和答复"),
    CaseAction.EVALUATE.value: ("群众意见", "可不填"),
    CaseAction.RESOLVE.value: ("办结说明", "群众未评价就办结时请写明原因（如联系不上）"),
    CaseAction.CLOSE.value: ("结案原因", "如：不属于本级职权，已向群众解释"),
}


class CaseActionDialog(QDialog):
    """Ask for what ``action`` needs on ``case`` and apply it. ``result_record`` holds the case after."""

    def __init__(self, case: CaseRecord, action: str, departments: list[str], parent=None):
        super().__init__(parent)
        self.case = case
        self.action = action
        self.result_record: CaseRecord | None = None
        label = CaseAction.label_of(action)
        self.setWindowTitle(self.tr("{0}：{1}").format(label, case.number))
        self.setMinimumWidth(480)
        lay = QVBoxLayout(self)
        head = QLabel(self.tr("{0}　{1}　现在：{2}\n{3}").format(
            case.number, case.visitor_name or "", CaseStatus.label_of(case.status), case.content))
        head.setWordWrap(True)
        style.set_text(head, style.TEXT_DARK)
        lay.addWidget(head)
        form = QFormLayout()
        self.department: QComboBox | None = None
        self.deadline: QDateEdit | None = None
        self.evaluation_group: QButtonGroup | None = None
        self.evaluation_buttons: dict[str, QRadioButton] = {}
        if action in ASSIGNING:
            self.department = QComboBox()
            self.department.setEditable(True)
            self.department.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            self.department.addItems(departments)
            self.department.setCurrentText(case.department if action == CaseAction.REASSIGN.value else "")
            combo_line(self.department).setPlaceholderText(self.tr("选择或输入承办单位"))
            form.addRow(self.tr("承办单位"), self.department)
            default = cases.default_deadline(case.handling)
            self.deadline = QDateEdit(QDate(default.year, default.month, default.day))
            self.deadline.setDisplayFormat("yyyy-MM-dd")
            self.deadline.setCalendarPopup(True)
            limit_date_edit(self.deadline)
            days = cases.deadline_days(case.handling)
            form.addRow(self.tr("办理期限"), self.deadline)
            form.addRow("", QLabel(self.tr("默认 {0} 个工作日（节假日顺延）").format(days)))
        if action == CaseAction.EVALUATE.value:
            row = QWidget()
            rl = QHBoxLayout(row)
            rl.setContentsMargins(0, 0, 0, 0)
            self.evaluation_group = QButtonGroup(self)
            for ev in Evaluation:
                rb = QRadioButton(ev.label)
                self.evaluation_group.addButton(rb)
                self.evaluation_buttons[ev.value] = rb
                rl.addWidget(rb)
            rl.addStretch(1)
            form.addRow(self.tr("群众评价"), row)
        note_label, placeholder = NOTE_LABELS.get(action, ("说明", ""))
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(self.tr(placeholder))
        self.note.setFixedHeight(80)
        form.addRow(self.tr(note_label), self.note)
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("确定{0}").format(label))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        first = self.department or (next(iter(self.evaluation_buttons.values())) if self.evaluation_buttons else self.note)
        first.setFocus()

    def set_evaluation(self, code: str) -> None:
        self.evaluation_buttons[code].setChecked(True)

    def evaluation(self) -> str | None:
        return next((code for code, rb in self.evaluation_buttons.items() if rb.isChecked()), None)

    def deadline_date(self) -> dt.date | None:
        if self.deadline is None:
            return None
        q = self.deadline.date()
        return dt.date(q.year(), q.month(), q.day())

    def apply(self) -> bool:
        """Call ``cases.act``; on a refusal show why and keep the dialog open."""
        try:
            self.result_record = cases.act(
                self.case.uid, self.action, note=self.note.toPlainText().strip(),
                department=self.department.currentText().strip() if self.department else "",
                deadline=self.deadline_date(), evaluation=self.evaluation(),
                expected_updated_at=self.case.updated_at)
        except KnownError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return False
        self.accept()
        return True

    def error_text(self) -> str:
        return self.error.text() if not self.error.isHidden() else ""
