"""新增/编辑代表: keyboard-first form with field-level validation and a 3:4 photo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station_app.domain.codes import ETHNICITIES, PARTIES, SECTORS, Gender, Level
from station_app.domain.records import DeputyData, DeputyRecord
from station_app.domain.validators import parse_date
from station_app.errors import KnownError, ValidationError
from station_app.services import deputies
from station_app.ui import style
from station_app.ui.forms import FieldForm, combo_line
from station_app.ui.small_screen import fit_to_screen, scrolling

PHOTO_W, PHOTO_H = 96, 128


def _editable_combo(items, current: str = "") -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.addItems([i for i in dict.fromkeys(items) if i])
    box.setCurrentText(current)
    combo_line(box).setPlaceholderText(box.tr("选择或输入"))
    return box


class DeputyDialog(QDialog):
    """Add a deputy (``record is None``) or edit one. ``saved`` holds the result."""

    def __init__(self, parent=None, record: DeputyRecord | None = None):
        super().__init__(parent)
        self.record = record
        self.saved: DeputyRecord | None = None
        self._photo_source: str | None = None
        self._remove_photo = False
        self.setWindowTitle(self.tr("编辑代表") if record else self.tr("新增代表"))
        self.setMinimumWidth(560)

        self.form = FieldForm(self)
        f = self.form
        self.name = f.add("name", self.tr("姓名*"), QLineEdit())
        self.name.setPlaceholderText(self.tr("如 王建国、赛山·托西别克"))
        self.gender = f.add("gender", self.tr("性别"), QComboBox())
        self.gender.addItem("", None)
        for g in Gender:
            self.gender.addItem(g.label, g.value)
        levels_box = QWidget()
        lay = QHBoxLayout(levels_box)
        lay.setContentsMargins(0, 0, 0, 0)
        self.level_checks: dict[str, QCheckBox] = {}
        for lv in Level:
            cb = QCheckBox(lv.label)
            cb.setObjectName(f"level_{lv.value}")
            self.level_checks[lv.value] = cb
            lay.addWidget(cb)
        lay.addStretch(1)
        f.add("levels", self.tr("代表层级*"), levels_box, focus=self.level_checks[Level.TOWNSHIP.value])
        self.phone = f.add("phone", self.tr("联系电话"), QLineEdit())
        self.phone.setPlaceholderText(self.tr("11位手机号，或座机如 0534-5123456"))
        self.public_phone = f.add("public_phone", self.tr("公开联系电话"), QLineEdit())
        self.public_phone.setObjectName("public_phone")
        self.public_phone.setPlaceholderText(self.tr("代表同意公开的号码，可与联系电话相同"))
        self.public_phone_hint = QLabel(self.tr("完整印在联系卡、公示栏和二维码上；不填则印联络站电话"))
        self.public_phone_hint.setObjectName("public_phone_hint")
        style.set_text(self.public_phone_hint, style.HINT)
        self.public_phone_hint.setToolTip(self.tr("公开联系电话群众可直接拨打。上面的联系电话只供站内联系，"
                                                  "打印时不会印出（除非打印时选择显示完整号码）。"))
        f.layout.addRow("", self.public_phone_hint)
        self.ethnicity = f.add("ethnicity", self.tr("民族"), _editable_combo(ETHNICITIES, "汉族"))
        self.birth_date = f.add("birth_date", self.tr("出生日期"), QLineEdit())
        self.birth_date.setPlaceholderText(self.tr("如 1975-03-08"))
        self.party = f.add("party", self.tr("党派"), _editable_combo(PARTIES, ""))
        self.sector = f.add("sector", self.tr("界别/行业"), _editable_combo([*deputies.distinct_values("sector"), *SECTORS]))
        self.group = f.add("group", self.tr("代表小组"), _editable_combo(deputies.distinct_values("group")))
        self.term = f.add("term", self.tr("届次"), _editable_combo(deputies.distinct_values("term"), ""))
        self.active = f.add("active", self.tr("在任"), QCheckBox(self.tr("在任（不在任的代表不参加排班和公示）")))
        self.active.setChecked(True)
        self.commitment = f.add("commitment", self.tr("履职承诺"), QPlainTextEdit())
        self.commitment.setPlaceholderText(self.tr("亮承诺：如 每月进站接待选民不少于一次"))
        self.commitment.setTabChangesFocus(True)
        self.commitment.setFixedHeight(56)
        self.note = f.add("note", self.tr("备注"), QLineEdit())

        photo_box = QWidget()
        pl = QVBoxLayout(photo_box)
        pl.setContentsMargins(0, 0, 0, 0)
        self.photo_label = QLabel(self.tr("无照片"))
        self.photo_label.setFixedSize(PHOTO_W, PHOTO_H)
        self.photo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        style.set_text(self.photo_label, style.FAINT, extra="border: 1px dashed #999;")
        pl.addWidget(self.photo_label)
        choose = QPushButton(self.tr("选择照片…"))
        choose.setAutoDefault(False)  # Enter in a field saves; it must never open the file picker
        choose.clicked.connect(self._on_choose_photo)
        pl.addWidget(choose)
        remove = QPushButton(self.tr("移除照片"))
        remove.setAutoDefault(False)
        remove.clicked.connect(self._on_remove_photo)
        pl.addWidget(remove)
        self.photo_error = QLabel()
        style.set_text(self.photo_error, style.RED)
        self.photo_error.setWordWrap(True)
        self.photo_error.setFixedWidth(PHOTO_W + 20)
        self.photo_error.hide()
        pl.addWidget(self.photo_error)
        pl.addStretch(1)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addLayout(self.form.layout, 1)
        top.addWidget(photo_box)
        outer = QVBoxLayout(self)
        self.form_scroll = scrolling(top)  # on a small screen the form scrolls, 保存 stays in view
        outer.addWidget(self.form_scroll, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存"))
        self.save_button.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

        if record is not None:
            self._load(record)
        self.name.setFocus()
        fit_to_screen(self)

    # -- loading and reading -------------------------------------------------------------
    def _load(self, r: DeputyRecord) -> None:
        self.name.setText(r.name)
        self.gender.setCurrentIndex(max(0, self.gender.findData(r.gender)))
        for code, cb in self.level_checks.items():
            cb.setChecked(code in r.levels)
        self.phone.setText(r.phone)
        self.public_phone.setText(r.public_phone)
        self.ethnicity.setCurrentText(r.ethnicity)
        self.birth_date.setText(r.birth_date.isoformat() if r.birth_date else "")
        self.party.setCurrentText(r.party)
        self.sector.setCurrentText(r.sector)
        self.group.setCurrentText(r.group)
        self.term.setCurrentText(r.term)
        self.active.setChecked(r.active)
        self.commitment.setPlainText(r.commitment)
        self.note.setText(r.note)
        if r.photo:
            self._show_photo(str(deputies.photo_path(r.photo)))

    def data(self) -> DeputyData:
        """The form as DeputyData; raises ValidationError for a date that cannot be read."""
        text = self.birth_date.text().strip()
        try:
            birth = parse_date(text)
        except ValueError:
            raise ValidationError({"birth_date": self.tr("出生日期请按 1975-03-08 的格式填写")}) from None
        return DeputyData(
            name=self.name.text(), gender=self.gender.currentData(),
            levels=tuple(code for code, cb in self.level_checks.items() if cb.isChecked()),
            phone=self.phone.text(), ethnicity=self.ethnicity.currentText(), birth_date=birth,
            party=self.party.currentText(), sector=self.sector.currentText(), group=self.group.currentText(),
            term=self.term.currentText(), active=self.active.isChecked(),
            commitment=self.commitment.toPlainText(), note=self.note.text(),
            sort_order=self.record.sort_order if self.record else 0, public_phone=self.public_phone.text(),
        )

    # -- photo ------------------------------------------------------------------------------
    def _show_photo(self, path: str) -> None:
        pix = QPixmap(path)
        if pix.isNull():
            self.photo_label.setText(self.tr("无照片"))
            return
        self.photo_label.setPixmap(pix.scaled(PHOTO_W, PHOTO_H, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                                              Qt.TransformationMode.SmoothTransformation))

    def set_photo_source(self, path: str) -> None:
        self._photo_source = path
        self._remove_photo = False
        self._show_photo(path)

    def _on_choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择代表照片"), str(Path.home()),
                                              self.tr("照片 (*.jpg *.jpeg *.png *.bmp)"))
        if path:
            self.set_photo_source(path)

    def _on_remove_photo(self) -> None:
        self._photo_source = None
        self._remove_photo = True
        self.photo_label.clear()
        self.photo_label.setText(self.tr("无照片"))

    # -- saving -----------------------------------------------------------------------------
    def _confirm_same_name(self, data: DeputyData) -> bool:
        """A new name that another deputy of the station already has: say who (代表小组, 界别) and
        ask before saving a second deputy of that name. True: go on saving."""
        from station_app.services.station import home_code

        name = (data.name or "").strip()
        if not name or (self.record is not None and self.record.name.strip() == name) or deputies.validate(data):
            return True
        code = self.record.station_code if self.record is not None else home_code()
        same = deputies.same_name(name, station_code=code, except_uid=self.record.uid if self.record else None)
        if not same:
            return True
        who = "\n".join(self.tr("· {0}（代表小组：{1}，界别/单位：{2}{3}）").format(
            d.name, d.group or self.tr("未填"), d.sector or self.tr("未填"), "" if d.active else self.tr("，已离任"))
            for d in same)
        answer = QMessageBox.question(
            self, self.tr("已有同名代表"),
            self.tr("本站已有 {0} 位名叫“{1}”的代表：\n{2}\n\n确定再保存一位同名代表吗？"
                    "（打印和查找时请用代表小组、界别区分）").format(len(same), name, who),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            self.name.setFocus()
            return False
        return True

    def accept(self) -> None:
        self.form.clear_errors()
        self.photo_error.hide()
        try:
            data = self.data()
            if not self._confirm_same_name(data):
                return
            if self.record is None:
                self.saved = deputies.create(data, photo_source=self._photo_source)
            else:
                self.saved = deputies.update(self.record.uid, data, photo_source=self._photo_source,
                                             remove_photo=self._remove_photo,
                                             expected_updated_at=self.record.updated_at)
        except ValidationError as exc:
            fields = dict(exc.fields)
            if "photo" in fields:
                self.photo_error.setText(fields.pop("photo"))
                self.photo_error.show()
            self.form.show_errors(fields)
            return
        except KnownError as exc:
            self.form.show_errors({"name": exc.message})
            return
        super().accept()
