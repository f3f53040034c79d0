"""录入履职记录 (a manual duty record: deputy, date, one of the year's manual indicators, quantity,
事由 and an evidence file) and 退回 (reject a pending record with a reason).

Everything is checked by ``scoring.add_manual`` / ``scoring.review``; a ``ValidationError`` is shown
at its fields and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.scoring import MANUAL, Indicator
from station_app.errors import KnownError, ValidationError
from station_app.services import scoring
from station_app.services.scoring import DutyRecordView
from station_app.ui import style
from station_app.ui.dates import confirm_long_past, limit_date_edit
from station_app.ui.forms import FieldForm, pydate, qdate


def fmt_points(value: float) -> str:
    """2 → 2, 0.5 → 0.5, -2 → -2 (as the tables show points)."""
    return f"{round(float(value), 2):g}"


def grow_to_fit(dialog: QDialog) -> None:
    """Make room for the error lines just shown (word-wrapped labels are left out of the
    dialog's minimum height, so without this they would sit on top of their fields)."""
    lay = dialog.layout()
    assert lay is not None, "a dialog showing errors has its form laid out"
    lay.activate()
    need = dialog.sizeHint().height()
    if dialog.height() < need:
        dialog.resize(dialog.width(), need)


EVIDENCE_FILTER = "佐证材料 (*.jpg *.jpeg *.png *.pdf *.doc *.docx *.xls *.xlsx *.txt);;所有文件 (*)"


class DutyRecordDialog(QDialog):
    """录入履职记录. ``saved`` holds the new record (待审核) after OK."""

    def __init__(self, people: list[tuple[str, str]], deputy_uid: str | None = None, year: int | None = None,
                 parent=None):
        super().__init__(parent)
        self.saved: DutyRecordView | None = None
        self._indicators: list[Indicator] = []
        self._rules_year: int | None = None
        self.setWindowTitle(self.tr("录入履职记录"))
        self.setMinimumWidth(560)
        lay = QVBoxLayout(self)
        intro = QLabel(self.tr("手工录入的履职记录审核通过后才计入积分。出席会议、提出建议等需附佐证材料的，请选择文件。"))
        intro.setWordWrap(True)
        style.set_text(intro, style.TEXT_DIM)
        lay.addWidget(intro)
        self.form = f = FieldForm(self)
        self.deputy = f.add("deputy", self.tr("代表"), QComboBox())
        self.deputy.setPlaceholderText(self.tr("请选择代表…") if people else self.tr("（暂无在任代表）"))
        for uid, name in people:
            self.deputy.addItem(name, uid)
        if deputy_uid is not None:
            self.deputy.setCurrentIndex(max(0, self.deputy.findData(deputy_uid)))
        today = clock.today()
        default = today if year is None or year >= today.year else dt.date(year, 12, 31)
        self.date = f.add("date", self.tr("日期"), QDateEdit(qdate(default)))
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setCalendarPopup(True)
        limit_date_edit(self.date, latest=today)
        self.indicator = f.add("indicator", self.tr("指标"), QComboBox())
        self.indicator.setMinimumContentsLength(24)
        self.indicator.setPlaceholderText(self.tr("请选择指标…"))
        self.quantity = f.add("quantity", self.tr("数量"), QDoubleSpinBox())
        self.quantity.setRange(0, 1000)
        self.quantity.setDecimals(1)
        self.quantity.setValue(1)
        self.points_label = QLabel()
        self.points_label.setObjectName("pointsPreview")
        style.set_text(self.points_label, style.DARK_RED)
        f.layout.addRow("", self.points_label)
        self.note = f.add("note", self.tr("事由"), QPlainTextEdit())
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(70)
        self.note.setPlaceholderText(self.tr("如：出席镇第十八届人大第三次会议；《关于修缮前进村村道的建议》"))
        ev = QWidget()
        el = QHBoxLayout(ev)
        el.setContentsMargins(0, 0, 0, 0)
        self.evidence = QLineEdit()
        self.evidence.setReadOnly(True)
        self.evidence.setPlaceholderText(self.tr("未选择"))
        self.choose_button = QPushButton(self.tr("选择文件…"))
        self.clear_button = QPushButton(self.tr("清除"))
        el.addWidget(self.evidence, 1)
        el.addWidget(self.choose_button)
        el.addWidget(self.clear_button)
        f.add("evidence", self.tr("佐证材料"), ev, focus=self.evidence)
        lay.addLayout(f.layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存（待审核）"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._on_save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

        self.date.dateChanged.connect(self._load_indicators)
        self.indicator.currentIndexChanged.connect(self._update_points)
        self.quantity.valueChanged.connect(self._update_points)
        self.choose_button.clicked.connect(self.choose_evidence)
        self.clear_button.clicked.connect(self.evidence.clear)
        self._load_indicators()
        self.indicator.setFocus()

    # -- indicators ----------------------------------------------------------------------------------
    def _load_indicators(self, *_args) -> None:
        """The manual indicators of the rules the date's year is scored by."""
        year = pydate(self.date.date()).year
        if year == self._rules_year:
            return
        self._rules_year = year
        keep = self.indicator.currentData()
        try:
            rs = scoring.applied_rules(year)
        except KnownError as exc:
            self.form.show_errors({"indicator": exc.message})
            return
        self._indicators = [i for i in rs.indicators if i.source == MANUAL]
        self.indicator.blockSignals(True)
        self.indicator.clear()
        for ind in self._indicators:
            sign = "" if ind.points < 0 else "+"
            text = self.tr("{0} {1}（{2}{3}分/{4}）").format(ind.code, ind.name, sign, fmt_points(ind.points), ind.unit)
            if ind.evidence_required:
                text += self.tr("，需佐证")
            self.indicator.addItem(text, ind.code)
        self.indicator.setCurrentIndex(max(0, self.indicator.findData(keep)))
        self.indicator.blockSignals(False)
        self._update_points()

    def current_indicator(self) -> Indicator | None:
        code = self.indicator.currentData()
        return next((i for i in self._indicators if i.code == code), None)

    def set_indicator(self, code: str) -> bool:
        i = self.indicator.findData(code)
        if i >= 0:
            self.indicator.setCurrentIndex(i)
        return i >= 0

    def indicator_codes(self) -> list[str]:
        return [self.indicator.itemData(i) for i in range(self.indicator.count())]

    def _update_points(self, *_args) -> None:
        ind = self.current_indicator()
        if ind is None:
            self.points_label.setText(self.tr("{0}年的指标中没有可手工录入的项目").format(self._rules_year))
            return
        self.quantity.setSuffix(f" {ind.unit}")
        pts = round(ind.points * self.quantity.value(), 2)
        text = self.tr("计 {0} 分，审核通过后计入").format(fmt_points(pts))
        if ind.cap is not None:
            text += self.tr("（本指标每年最多 {0} 分）").format(fmt_points(ind.cap))
        self.points_label.setText(text)

    # -- evidence ------------------------------------------------------------------------------------
    def choose_evidence(self) -> None:
        folder = QSettings().value("points/evidence_folder") or ""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择佐证材料"), str(folder), self.tr(EVIDENCE_FILTER))
        if path:
            self.evidence.setText(path)
            QSettings().setValue("points/evidence_folder", str(Path(path).parent))

    # -- save ----------------------------------------------------------------------------------------
    def _on_save(self) -> None:
        self.form.clear_errors()
        if not confirm_long_past(self, pydate(self.date.date()), self.tr("日期")):
            return
        try:
            self.saved = scoring.add_manual(
                self.deputy.currentData() or "", pydate(self.date.date()), self.indicator.currentData() or "",
                self.quantity.value(), self.note.toPlainText(), self.evidence.text().strip() or None)
        except ValidationError as exc:
            self.form.show_errors(exc.fields)
            grow_to_fit(self)
            return
        except KnownError as exc:
            self.form.show_errors({"": exc.message})
            grow_to_fit(self)
            return
        self.accept()

    def error_text(self, name: str) -> str:
        return self.form.error_text(name)


class RejectDialog(QDialog):
    """退回 a pending manual record with a reason (the record is withdrawn; the reason is audited)."""

    def __init__(self, record: DutyRecordView, deputy_name: str, parent=None):
        super().__init__(parent)
        self.record = record
        self.done_ok = False
        self.setWindowTitle(self.tr("退回履职记录"))
        self.setMinimumWidth(460)
        lay = QVBoxLayout(self)
        head = QLabel(self.tr("{0}　{1}　{2}（{3}分）\n{4}").format(
            deputy_name, record.date.isoformat(), record.indicator_name, fmt_points(record.points), record.note))
        head.setWordWrap(True)
        style.set_text(head, style.TEXT_DARK)
        lay.addWidget(head)
        self.form = FieldForm(self)
        self.note = self.form.add("note", self.tr("退回原因"), QPlainTextEdit())
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(70)
        self.note.setPlaceholderText(self.tr("如：佐证材料不清晰，请重新上传会议签到表"))
        lay.addLayout(self.form.layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("确定退回"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.note.setFocus()

    def _on_ok(self) -> None:
        try:
            scoring.review(self.record.uid, approve=False, note=self.note.toPlainText().strip())
        except ValidationError as exc:
            self.form.show_errors(exc.fields if set(exc.fields) <= {"note"} else {"note": exc.message})
            grow_to_fit(self)
            return
        except KnownError as exc:
            self.form.show_errors({"note": exc.message})
            grow_to_fit(self)
            return
        self.done_ok = True
        self.accept()
