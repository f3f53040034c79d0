"""修改接待登记: the visit's own fields (its 意见建议 keep their own state), plus the deputy
check list that the intake form on the 接待登记 page uses too."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QSize, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.codes import Channel
from station_app.domain.records import ReceptionData, ReceptionRecord
from station_app.errors import KnownError, ValidationError
from station_app.services import deputies, receptions
from station_app.services.deputies import DeputyFilter
from station_app.ui.dates import limit_date_edit
from station_app.ui.forms import FieldForm
from station_app.ui.models.checklist import CheckItem, CheckListModel
from station_app.ui.small_screen import fit_to_screen, scrolling


def to_qdatetime(value: dt.datetime) -> QDateTime:
    """A stored (aware) time as the wall-clock time of the station's zone."""
    v = clock.to_local(value)
    return QDateTime(QDate(v.year, v.month, v.day), QTime(v.hour, v.minute))


def from_qdatetime(value: QDateTime) -> dt.datetime:
    d, t = value.date(), value.time()
    return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=clock.zone())


class TimeEdit(QDateTimeEdit):
    """A date and time where Tab leaves the field (instead of walking its five sections):
    ←/→ pick the section, ↑/↓ or typing change it."""

    def focusNextPrevChild(self, next_: bool) -> bool:  # noqa: N802 - Qt API
        return QWidget.focusNextPrevChild(self, next_)


def make_datetime_edit(value: dt.datetime) -> QDateTimeEdit:
    edit = TimeEdit(to_qdatetime(value))
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setCalendarPopup(True)
    edit.setToolTip(edit.tr("←→ 选择年月日时分，↑↓ 调整"))
    return limit_date_edit(edit)


class DeputyChecks(QListView):
    """Active deputies as tick boxes that wrap like chips (Space ticks the current one).

    ``checks_changed`` of :attr:`model_` tells when the ticks change."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model_ = CheckListModel(self)
        self.setModel(self.model_)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSpacing(2)
        self.setUniformItemSizes(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setMaximumHeight(76)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(360, 56)

    def load(self, keep: tuple[str, ...] | None = None) -> None:
        """(Re)load the active deputies; ticks are kept for those still there."""
        people = deputies.all_deputies(DeputyFilter(active=True))
        self.model_.set_items([CheckItem(p.uid, p.name, p.group) for p in people])
        if keep is not None:
            self.set_checked(keep)

    def checked(self) -> tuple[str, ...]:
        return self.model_.checked_keys()

    def set_checked(self, uids) -> None:
        self.model_.set_all(False)
        self.model_.set_checked(uids)

    def add_missing(self, uids_names: dict[str, str]) -> None:
        """Deputies of an old visit who are no longer active still show (ticked)."""
        items = [CheckItem(k, self.model_.data(self.model_.index(i))) for i, k in enumerate(self.model_.keys())]
        known = set(self.model_.keys())
        items += [CheckItem(u, n) for u, n in uids_names.items() if u not in known]
        checked = self.checked()
        self.model_.set_items(items)
        self.set_checked(checked)


class ReceptionDialog(QDialog):
    """Correct one visit (``receptions.update``). ``saved`` holds the result."""

    def __init__(self, record: ReceptionRecord, parent=None):
        super().__init__(parent)
        self.record = record
        self.saved: ReceptionRecord | None = None
        self.setWindowTitle(self.tr("修改接待登记：{0}").format(record.visitor_name))
        self.setMinimumWidth(560)
        lay = QVBoxLayout(self)
        self.form = f = FieldForm(self)
        self.name = f.add("visitor_name", self.tr("来访人"), QLineEdit(record.visitor_name))
        self.phone = f.add("visitor_phone", self.tr("电话"), QLineEdit(record.visitor_phone))
        self.village = f.add("village", self.tr("村（社区）"), QLineEdit(record.village))
        self.count = f.add("visitor_count", self.tr("人数"), QSpinBox())
        self.count.setRange(1, 9999)
        self.count.setValue(record.visitor_count)
        self.channel = f.add("channel", self.tr("方式"), QComboBox())
        for c in Channel:
            self.channel.addItem(c.label, c.value)
        self.channel.setCurrentIndex(max(0, self.channel.findData(record.channel)))
        self.received_at = f.add("received_at", self.tr("接待时间"), make_datetime_edit(record.received_at))
        self.deputies = f.add("deputy_uids", self.tr("接待代表"), DeputyChecks())
        self.deputies.load()
        self.deputies.add_missing(dict(zip(record.deputy_uids, record.deputy_names, strict=False)))
        self.deputies.set_checked(record.deputy_uids)
        self.id_number = f.add("visitor_id_number", self.tr("身份证号"), QLineEdit(record.visitor_id_number))
        self.summary = f.add("summary", self.tr("接待情况"), QPlainTextEdit(record.summary))
        self.summary.setTabChangesFocus(True)
        self.form_scroll = scrolling(f.layout)  # on a small screen the form scrolls, 保存 stays in view
        lay.addWidget(self.form_scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._on_save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        fit_to_screen(self)

    def data(self) -> ReceptionData:
        return ReceptionData(
            received_at=from_qdatetime(self.received_at.dateTime()), channel=self.channel.currentData(),
            visitor_name=self.name.text(), visitor_phone=self.phone.text(), visitor_id_number=self.id_number.text(),
            village=self.village.text(), visitor_count=self.count.value(), deputy_uids=self.deputies.checked(),
            activity_day_uid=self.record.activity_day_uid, summary=self.summary.toPlainText())

    def _on_save(self) -> None:
        try:
            self.saved = receptions.update(self.record.uid, self.data(), expected_updated_at=self.record.updated_at)
        except ValidationError as exc:
            self.form.show_errors(exc.fields)
            return
        except KnownError as exc:
            self.form.show_errors({"": exc.message})
            return
        self.accept()
