"""设置: station profile and the declared settings (stored in the database)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station_app.domain.roles import Permission
from station_app.errors import ValidationError
from station_app.services import context, settings, station
from station_app.ui.dialogs.station_dialog import StationDialog
from station_app.ui.forms import FieldForm
from station_app.ui.small_screen import scrolling


class SettingsPage(QWidget):
    """Signals:
        station_changed(): the station profile was saved
    """

    station_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 16, 24, 16)
        title = QLabel(self.tr("设置"))
        title.setObjectName("pageTitle")
        lay.addWidget(title)

        box = QGroupBox(self.tr("站点信息"))
        bl = QHBoxLayout(box)
        self.station_label = QLabel()
        self.station_label.setWordWrap(True)
        bl.addWidget(self.station_label, 1)
        edit = QPushButton(self.tr("修改站点信息…"))
        edit.clicked.connect(self._on_edit_station)
        bl.addWidget(edit)
        # the profile and the options scroll together, 保存设置 stays under them in view; nothing
        # word-wrapped sits on the page itself (a height-for-width page is sized by the page area
        # to the tallest page's height, and would scroll as a whole)
        body = QVBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(box)
        from station_app.ui.key_box import StationKeyBox

        self.key_box = StationKeyBox()
        body.addWidget(self.key_box)

        box = QGroupBox(self.tr("选项"))
        self.form = FieldForm(self)
        box.setLayout(self.form.layout)
        self.editors: dict[str, QComboBox | QCheckBox | QSpinBox | QLineEdit] = {}
        for spec in settings.SPECS:
            if spec.key == "timezone" or isinstance(spec.default, list):
                continue  # lists (活动日规则, 节假日年份) are edited on their own pages
            if spec.choices:
                w = QComboBox()
                for value, label in spec.choices:
                    w.addItem(label, value)
            elif isinstance(spec.default, bool):
                w = QCheckBox()
            elif isinstance(spec.default, int):
                w = QSpinBox()
                w.setRange(*spec.bounds)
            else:
                w = QLineEdit()
                if "password" in spec.key:
                    w.setEchoMode(QLineEdit.EchoMode.Password)
            self.editors[spec.key] = w
            self.form.add(spec.key, spec.label, w)
        body.addWidget(box)
        body.addStretch(1)
        self.form_scroll = scrolling(body, grow=False)
        lay.addWidget(self.form_scroll, 1)
        self.save_button = save = QPushButton(self.tr("保存设置"))
        save.clicked.connect(self.save)
        self.saved_label = QLabel()
        row = QHBoxLayout()
        row.addWidget(save)
        row.addWidget(self.saved_label, 1)
        lay.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        st = station.home_station()
        if st is None:
            self.station_label.setText(self.tr("尚未填写站点信息"))
        else:
            self.station_label.setText(f"{st.name}（{self.tr('编码')} {st.code}）\n{st.county} {st.township}　{st.address}　{st.phone}")
        self.key_box.refresh()
        values = settings.all_values()
        for key, w in self.editors.items():
            v = values[key]
            if isinstance(w, QComboBox):
                w.setCurrentIndex(max(0, w.findData(v)))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(v))
            elif isinstance(w, QSpinBox):
                w.setValue(int(v))
            else:
                w.setText(str(v))
        self.saved_label.clear()
        self.form.clear_errors()
        self._allow_by_role()

    def _allow_by_role(self) -> None:
        """The house's rules are the 管理员's, the rest anyone's who may change (services/settings
        refuses the same; this only greys out what would be refused)."""
        rules, change = context.may(Permission.MANAGE_RULES), context.may(Permission.CHANGE)
        for key, w in self.editors.items():
            w.setEnabled(rules if key.startswith(settings.ADMIN_PREFIXES) else change)
            w.setToolTip("" if w.isEnabled() else self.tr("只有管理员可以修改") if change else self.tr("只读用户不能修改设置"))
        self.save_button.setEnabled(change)

    def save(self) -> bool:
        """Save every option, or none of them (the reasons shown at their fields)."""
        values = {}
        for key, w in self.editors.items():
            if isinstance(w, QComboBox):
                value = w.currentData()
            elif isinstance(w, QCheckBox):
                value = w.isChecked()
            elif isinstance(w, QSpinBox):
                value = w.value()
            else:
                value = w.text().strip()
            values[key] = value
        try:
            settings.set_many(values)
        except ValidationError as exc:
            self.form.show_errors(exc.fields)
            self.saved_label.setText(self.tr("未保存：请按红字提示修改"))
            return False
        self.form.clear_errors()
        self.saved_label.setText(self.tr("已保存"))
        return True

    def _on_edit_station(self) -> None:
        if StationDialog(self).exec():
            self.refresh()
            self.station_changed.emit()
