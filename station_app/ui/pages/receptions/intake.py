"""接待登记: the form's fields, defaults and autocomplete."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.codes import Channel
from station_app.errors import KnownError
from station_app.services import cases, receptions
from station_app.ui import style
from station_app.ui.dialogs.reception_dialog import (
    DeputyChecks,
    from_qdatetime,
    make_datetime_edit,
    to_qdatetime,
)
from station_app.ui.forms import (
    FieldForm,
    hide_popup,
)
from station_app.ui.pages.receptions.common import (
    NAME_ROLE,
    PHONE_ROLE,
    VISITOR_ROLE,
    OpinionRow,
    ReceptionsPart,
    SummaryEdit,
)


class IntakeForm(ReceptionsPart):
    """The intake form of :class:`ReceptionsPage` (a mixin: the page holds the widgets)."""

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
        style.set_text(self.day_label, style.DARK_RED)
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
        style.set_text(ops_title, style.DARK_RED, bold=True)
        ops_head.addWidget(ops_title)
        self.no_opinions = QLabel(self.tr("（本次来访没有意见建议时不用添加）"))
        style.set_text(self.no_opinions, style.FAINT)
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
        comp.activated[QModelIndex].connect(  # type: ignore[index]  # stubs: SignalInstance lacks __getitem__
            self._on_visitor_chosen)
        return comp

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

    # -- visitors -------------------------------------------------------------------------------
    def _offer_visitors(self, text: str, completer: QCompleter) -> None:
        if not self._ready:
            return
        found = receptions.find_visitors(text) if len(text.strip()) >= 1 else []
        self.visitor_model.clear()
        for name, phone, village, shown in found:  # the phone to fill in and the one to show (privacy)
            item = QStandardItem("　".join(p for p in (name, shown, village) if p))
            item.setData((name, phone, village), VISITOR_ROLE)
            item.setData(name, NAME_ROLE)
            item.setData(phone, PHONE_ROLE)
            self.visitor_model.appendRow(item)
        if found:
            completer.complete()
        else:
            hide_popup(completer)

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
