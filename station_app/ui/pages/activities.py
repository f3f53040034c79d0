"""活动日: the month calendar with activity days marked, the month's list, and one day's
details — duty deputies, 签到 and 会议纪要.

Signals:
    changed(): activity days, duty or attendance changed (首页 refreshes)
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.codes import ActivityKind, ActivityStatus, AttendanceStatus
from station_app.domain.records import ActivityDayRecord
from station_app.domain.schedule import format_date
from station_app.domain.validators import EARLIEST_DATE, latest_date
from station_app.errors import KnownError
from station_app.services import activity, deputies
from station_app.services.deputies import DeputyFilter
from station_app.ui import style
from station_app.ui.dates import limit_date_edit
from station_app.ui.errors import report
from station_app.ui.forms import pydate, qdate
from station_app.ui.station_view import StationViewMixin

WEEKDAYS = "一二三四五六日"
STATUS_COLORS = {"planned": "#FCE4E4", "held": "#DFF3E0", "cancelled": "#E6E6E6"}
MINUTES_FIELDS = (("agenda", "议程"), ("discussion", "讨论情况"), ("decisions", "议定事项"), ("follow_ups", "后续跟进"))




class MoveDialog(QDialog):
    """改期: a new date and the reason (both required)."""

    def __init__(self, day: ActivityDayRecord, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("活动日改期"))
        lay = QFormLayout(self)
        lay.addRow(QLabel(self.tr("原定：{0}").format(format_date(day.date))))
        self.date = limit_date_edit(QDateEdit(qdate(day.date)))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("如：镇里召开防汛会议"))
        lay.addRow(self.tr("改到"), self.date)
        lay.addRow(self.tr("改期原因"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addRow(buttons)


class DayDialog(QDialog):
    """编辑活动日: kind, theme, time, place, host. Bad input is shown at its field; nothing saved."""

    def __init__(self, day: ActivityDayRecord, parent=None):
        from station_app.ui.forms import FieldForm

        super().__init__(parent)
        self.setWindowTitle(self.tr("编辑活动日 {0}").format(format_date(day.date)))
        lay = QVBoxLayout(self)
        self.form = FieldForm(self)
        self.kind = QComboBox()
        for k in ActivityKind:
            self.kind.addItem(k.label, k.value)
        self.kind.setCurrentIndex(self.kind.findData(day.kind))
        self.edits = {}
        self.form.add("kind", self.tr("活动形式"), self.kind)
        for key, label, value in (("theme", "主题", day.theme), ("start_time", "开始时间", day.start_time or ""),
                                  ("end_time", "结束时间", day.end_time or ""), ("place", "地点", day.place),
                                  ("host", "主持人", day.host)):
            self.edits[key] = self.form.add(key, self.tr(label), QLineEdit(value))
        lay.addLayout(self.form.layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._on_save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.uid = day.uid
        self.loaded_version = activity.version_of(day.uid)  # a save over a newer change is refused

    def _on_save(self) -> None:
        from station_app.errors import KnownError, ValidationError

        values = {k: e.text() for k, e in self.edits.items()}
        values["kind"] = self.kind.currentData()
        try:
            activity.update_day(self.uid, expected_updated_at=self.loaded_version, **values)
        except ValidationError as exc:
            self.form.show_errors(exc.fields)
            return
        except KnownError as exc:  # changed meanwhile (another window, an import), locked, read-only
            self.form.show_errors({"theme": exc.message})
            return
        self.accept()


class LeaveDialog(QDialog):
    """代表请假: a deputy cannot take duty from one date to another (the rota avoids those days)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("代表请假（不能值班的日期）"))
        lay = QFormLayout(self)
        self.deputy = QComboBox()
        for p in deputies.all_deputies(DeputyFilter(active=True)):
            self.deputy.addItem(p.name, p.uid)
        # nobody is put on leave by default: the clerk picks the deputy, 确定 waits for it
        self.deputy.setPlaceholderText(self.tr("请选择代表…") if self.deputy.count() else self.tr("（暂无在任代表）"))
        self.deputy.setCurrentIndex(-1)
        today = clock.today()
        self.start = QDateEdit(qdate(today))
        self.end = QDateEdit(qdate(today))
        for w in (self.start, self.end):
            w.setDisplayFormat("yyyy-MM-dd")
            w.setCalendarPopup(True)
            limit_date_edit(w)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("如：外出学习"))
        lay.addRow(self.tr("代表"), self.deputy)
        lay.addRow(self.tr("从"), self.start)
        lay.addRow(self.tr("到"), self.end)
        lay.addRow(self.tr("原因"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addRow(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.deputy.currentIndexChanged.connect(lambda i: self.ok_button.setEnabled(i >= 0))

    def values(self) -> tuple[str, dt.date, dt.date, str]:
        return (self.deputy.currentData(), pydate(self.start.date()), pydate(self.end.date()),
                self.reason.text().strip())


class ActivitiesPage(StationViewMixin, QWidget):
    """Signals:
        changed(): something about activity days changed
    """

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._days: list[ActivityDayRecord] = []
        self._current: ActivityDayRecord | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 16, 24, 16)
        top = QHBoxLayout()
        title = QLabel(self.tr("代表活动日"))
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addStretch(1)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(clock.today().year)
        self.year.setSuffix(self.tr(" 年"))
        top.addWidget(self.year)
        self.generate_button = QPushButton(self.tr("按规则生成全年活动日…"))
        self.generate_button.clicked.connect(self._on_generate)
        top.addWidget(self.generate_button)
        self.add_button = QPushButton(self.tr("新增活动日…"))
        self.add_button.clicked.connect(self._on_add)
        top.addWidget(self.add_button)
        self.theme_button = QPushButton(self.tr("本月主题…"))
        self.theme_button.clicked.connect(self._on_theme)
        top.addWidget(self.theme_button)
        self.notice_button = QPushButton(self.tr("本月接访计划公示PDF…"))
        self.notice_button.clicked.connect(self._on_notice_pdf)
        top.addWidget(self.notice_button)
        lay.addLayout(top)
        top = QHBoxLayout()  # a second row for the rules behind the days: one row does not fit 1024 pixels
        top.addStretch(1)
        self.rules_button = QPushButton(self.tr("活动日规则…"))
        self.rules_button.clicked.connect(self._on_rules)
        top.addWidget(self.rules_button)
        self.leave_button = QPushButton(self.tr("代表请假…"))
        self.leave_button.clicked.connect(self._on_leave)
        top.addWidget(self.leave_button)
        self.holiday_button = QPushButton(self.tr("节假日设置…"))
        self.holiday_button.clicked.connect(self._on_holidays)
        top.addWidget(self.holiday_button)
        self.holiday_notice_button = QPushButton(self.tr("载入国务院节假日通知…"))
        self.holiday_notice_button.setToolTip(self.tr("粘贴或打开“国务院办公厅关于××××年部分节假日安排的通知”，"
                                                      "一次录入全年的放假和调休上班日期"))
        self.holiday_notice_button.clicked.connect(self._on_holiday_notice)
        top.addWidget(self.holiday_notice_button)
        lay.addLayout(top)
        self.rules_label = QLabel()
        style.set_text(self.rules_label, style.TEXT_DIM)
        lay.addWidget(self.rules_label)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.calendar = QCalendarWidget()
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setDateRange(qdate(EARLIEST_DATE), qdate(latest_date()))
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.currentPageChanged.connect(lambda _y, _m: self.refresh())
        self.calendar.clicked.connect(self._on_calendar_clicked)
        ll.addWidget(self.calendar)
        legend = QLabel(self.tr("■ 粉色：计划　■ 绿色：已举行　■ 灰色：已取消"))
        style.set_text(legend, style.HINT)
        ll.addWidget(legend)
        self.list = QTableWidget(0, 5)
        self.list.setHorizontalHeaderLabels([self.tr("日期"), self.tr("星期"), self.tr("主题"), self.tr("值班代表"),
                                             self.tr("状态")])
        self.list.verticalHeader().hide()
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.list.horizontalHeader()
        for col in (0, 1, 3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.list.itemSelectionChanged.connect(self._on_list_selection)
        ll.addWidget(self.list, 1)
        split.addWidget(left)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(12, 0, 0, 0)
        self.detail = QLabel(self.tr("在日历或列表中选择一个活动日"))
        self.detail.setWordWrap(True)
        self.detail.setObjectName("tileValue")
        rl.addWidget(self.detail)
        actions = QHBoxLayout()
        self.edit_button = QPushButton(self.tr("编辑…"))
        self.edit_button.clicked.connect(self._on_edit)
        actions.addWidget(self.edit_button)
        self.move_button = QPushButton(self.tr("改期…"))
        self.move_button.clicked.connect(self._on_move)
        self.cancel_button = QPushButton(self.tr("取消活动日…"))
        self.cancel_button.clicked.connect(self._on_cancel)
        self.swap_button = QPushButton(self.tr("换班…"))
        self.swap_button.clicked.connect(self._on_swap)
        self.minutes_pdf_button = QPushButton(self.tr("活动记录PDF…"))
        self.minutes_pdf_button.clicked.connect(self._on_minutes_pdf)
        for b in (self.move_button, self.cancel_button, self.swap_button, self.minutes_pdf_button):
            actions.addWidget(b)
        actions.addStretch(1)
        rl.addLayout(actions)
        self.tabs = QTabWidget()
        sign = QWidget()
        sl = QVBoxLayout(sign)
        self.sign_table = QTableWidget(0, 3)
        self.sign_table.setHorizontalHeaderLabels([self.tr("代表"), self.tr("值班"), self.tr("签到")])
        self.sign_table.verticalHeader().hide()
        self.sign_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.sign_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        sl.addWidget(self.sign_table, 1)
        row = QHBoxLayout()
        self.all_present = QPushButton(self.tr("值班代表全部出席"))
        self.all_present.clicked.connect(self._on_all_duty_present)
        self.save_sign = QPushButton(self.tr("保存签到"))
        self.save_sign.clicked.connect(self._on_save_sign_in)
        row.addWidget(self.all_present)
        row.addStretch(1)
        row.addWidget(self.save_sign)
        sl.addLayout(row)
        self.tabs.addTab(sign, self.tr("签到"))
        minutes = QWidget()
        ml = QFormLayout(minutes)
        self.minutes: dict[str, QPlainTextEdit] = {}
        for key, label in MINUTES_FIELDS:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            self.minutes[key] = edit
            ml.addRow(self.tr(label), edit)
        self.save_minutes_button = QPushButton(self.tr("保存纪要"))
        self.save_minutes_button.clicked.connect(self._on_save_minutes)
        ml.addRow("", self.save_minutes_button)
        self.tabs.addTab(minutes, self.tr("会议纪要"))
        pics = QWidget()
        pl = QVBoxLayout(pics)
        self.photo_list = QListWidget()
        self.photo_list.setViewMode(QListWidget.ViewMode.IconMode)
        self.photo_list.setIconSize(QSize(200, 150))
        self.photo_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        pl.addWidget(self.photo_list, 1)
        prow = QHBoxLayout()
        self.add_photo_button = QPushButton(self.tr("添加照片…"))
        self.add_photo_button.clicked.connect(self._on_add_photo)
        self.remove_photo_button = QPushButton(self.tr("删除所选照片"))
        self.remove_photo_button.clicked.connect(self._on_remove_photo)
        prow.addWidget(self.add_photo_button)
        prow.addWidget(self.remove_photo_button)
        prow.addStretch(1)
        pl.addLayout(prow)
        self.tabs.addTab(pics, self.tr("活动照片"))
        rl.addWidget(self.tabs, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        rl.addWidget(self.message)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        lay.addWidget(split, 1)
        self._set_day(None)
        self.refresh()

    # -- data -----------------------------------------------------------------------------------
    def _write_widgets(self) -> tuple:
        return (self.generate_button, self.add_button, self.theme_button, self.rules_button, self.leave_button,
                self.holiday_button, self.holiday_notice_button, self.edit_button, self.move_button,
                self.cancel_button, self.swap_button, self.all_present, self.save_sign, self.save_minutes_button,
                self.add_photo_button, self.remove_photo_button)

    def refresh(self) -> None:
        from station_app.services import station

        if not self.has_view:
            self.rules_label.setText(self.tr("请先在“设置”中填写站点信息"))
            return
        code = self.view_code
        if code is None:  # a view, so 全县
            self.rules_label.setText(self.tr("全县各联络站的活动日（只读）；选择一个联络站查看它的规则和签到"))
        else:
            rules = activity.rules() if self.writable else list(station.profile(code).schedule_rules)
            text = self.tr("活动日规则：{0}").format("；".join(rules) or self.tr("（未报送）"))
            if not self.writable:
                text += "　" + self.tr("只读：") + self.read_only_reason()
            self.rules_label.setText(text)
        self.notice_button.setEnabled(not self.county_view)
        for w in (self.generate_button, self.add_button, self.theme_button, self.rules_button, self.leave_button,
                  self.holiday_button, self.holiday_notice_button):
            w.setEnabled(self.writable)
            w.setToolTip("" if self.writable else self.read_only_reason())
        y, m = self.calendar.yearShown(), self.calendar.monthShown()
        self._days = activity.month_days(y, m, station_code=self.view_code)
        names = {st.code: st.name for st in station.stations()} if self.county_view else {}
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())  # clear all marks
        for day in self._days:
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(STATUS_COLORS[day.status]))
            fmt.setFontWeight(700)
            self.calendar.setDateTextFormat(qdate(day.date), fmt)
        self.list.blockSignals(True)
        self.list.setRowCount(len(self._days))
        for r, day in enumerate(self._days):
            theme = day.theme or ActivityKind.label_of(day.kind)
            if names:
                theme = f"{names.get(day.station_code, day.station_code)}：{theme}"
            values = (day.date.isoformat(), WEEKDAYS[day.date.weekday()], theme,
                      "、".join(day.duty_names), ActivityStatus.label_of(day.status))
            for c, v in enumerate(values):
                self.list.setItem(r, c, QTableWidgetItem(v))
        self.list.blockSignals(False)
        if self._current is not None:
            keep = next((d for d in self._days if d.uid == self._current.uid), None)
            self._set_day(keep)

    def select_date(self, day: dt.date) -> None:
        self.calendar.setSelectedDate(qdate(day))
        self.calendar.setCurrentPage(day.year, day.month)
        self.refresh()
        self._set_day(next((d for d in self._days if d.date == day), None))

    def current_day(self) -> ActivityDayRecord | None:
        return self._current

    def _day(self) -> ActivityDayRecord:
        """The day chosen, for the buttons and tabs that act on it (enabled only while one is)."""
        assert self._current is not None, "no activity day is chosen"
        return self._current

    def _set_day(self, day: ActivityDayRecord | None) -> None:
        self._current = day
        for w in (self.edit_button, self.move_button, self.cancel_button, self.swap_button, self.minutes_pdf_button,
                  self.tabs):
            w.setEnabled(day is not None)
        if self.has_view and not self.writable:  # another station's days: looked at, changed there
            for w in self._write_widgets():
                w.setEnabled(False)
                w.setToolTip(self.read_only_reason())
        if day is None:
            self.detail.setText(self.tr("在日历或列表中选择一个活动日"))
            self.sign_table.setRowCount(0)
            for edit in self.minutes.values():
                edit.clear()
            return
        when = f"{format_date(day.date)} 星期{WEEKDAYS[day.date.weekday()]}"
        if day.start_time:
            when += f" {day.start_time}—{day.end_time or ''}"
        lines = [when, f"{ActivityKind.label_of(day.kind)}　{ActivityStatus.label_of(day.status)}",
                 self.tr("主题：{0}").format(day.theme or "（未定）"),
                 self.tr("地点：{0}").format(day.place or "（未填）"),
                 self.tr("值班代表：{0}").format("、".join(day.duty_names) or "（未排）")]
        if day.change_reason:
            lines.append(self.tr("变动说明：{0}").format(day.change_reason))
        self.detail.setText("\n".join(lines))
        self._fill_sign_in(day)
        for key, _label in MINUTES_FIELDS:
            self.minutes[key].setPlainText(getattr(day, key))
        self._fill_photos(day)

    def _fill_photos(self, day: ActivityDayRecord) -> None:
        self.photo_list.clear()
        for uid, path, caption in activity.photos(day.uid):
            item = QListWidgetItem(QIcon(QPixmap(str(path))), caption or path.name[:8])
            item.setData(Qt.ItemDataRole.UserRole, uid)
            self.photo_list.addItem(item)

    def _fill_sign_in(self, day: ActivityDayRecord) -> None:
        duty = {d.uid for d in day.duty}
        people = [p for p in deputies.all_deputies(DeputyFilter(active=True, station_code=day.station_code))]
        people.sort(key=lambda p: p.uid not in duty)  # duty deputies first, roster order kept
        marks = activity.attendance_of(day.uid)
        self.sign_table.setRowCount(len(people))
        for r, p in enumerate(people):
            item = QTableWidgetItem(p.name)
            item.setData(Qt.ItemDataRole.UserRole, p.uid)
            self.sign_table.setItem(r, 0, item)
            self.sign_table.setItem(r, 1, QTableWidgetItem(self.tr("值班") if p.uid in duty else ""))
            combo = QComboBox()
            combo.addItem("—", None)
            for st in AttendanceStatus:
                combo.addItem(st.label, st.value)
            combo.setCurrentIndex(max(0, combo.findData(marks.get(p.uid))))
            self.sign_table.setCellWidget(r, 2, combo)

    def sign_in_combo(self, deputy_uid: str) -> QComboBox | None:
        for r in range(self.sign_table.rowCount()):
            if self.sign_table.item(r, 0).data(Qt.ItemDataRole.UserRole) == deputy_uid:
                return self.sign_table.cellWidget(r, 2)
        return None

    # -- actions --------------------------------------------------------------------------------
    def _run(self, fn, ok_text: str = "") -> bool:
        try:
            result = fn()
        except KnownError as exc:
            style.set_text(self.message, style.RED)
            self.message.setText(exc.message)
            return False
        style.set_text(self.message, style.GREEN)
        self.message.setText(ok_text)
        current = self._current
        self.refresh()
        if isinstance(result, ActivityDayRecord):
            self.select_date(result.date)
        elif current is not None:
            self._set_day(next((d for d in self._days if d.uid == current.uid), None))
        self.changed.emit()
        return True

    def _on_calendar_clicked(self, qd: QDate) -> None:
        day = pydate(qd)
        self._set_day(next((d for d in self._days if d.date == day), None))

    def _on_list_selection(self) -> None:
        rows = self.list.selectionModel().selectedRows()
        if rows:
            self._set_day(self._days[rows[0].row()])

    def _on_generate(self) -> None:
        year = self.year.value()
        try:
            preview = activity.preview_year(year)
        except KnownError as exc:
            report(exc, self, self.tr("无法生成"))
            return
        text = self.tr("按规则 {0} 在 {1} 年有 {2} 个活动日（遇节假日已调整）。已有的活动日保留不变，只补上缺少的，"
                       "并重新安排今后的值班表。").format("；".join(activity.rules()), year, len(preview.dates))
        if preview.warnings:
            text += "\n\n" + "\n".join(preview.warnings)
        if QMessageBox.question(self, self.tr("生成全年活动日"), text) != QMessageBox.StandardButton.Yes:
            return
        self._run(lambda: activity.generate_year(year), self.tr("已生成 {0} 年活动日").format(year))

    def _on_add(self) -> None:
        dlg = MoveDialog(ActivityDayRecord("", "", clock.today(), None, None, "reception", "", "", "", "planned", "", "",
                                           "", "", "manual", None, ""), self)
        dlg.setWindowTitle(self.tr("新增活动日"))
        dlg.reason.setPlaceholderText(self.tr("主题（可不填）"))
        if dlg.exec():
            day, theme = pydate(dlg.date.date()), dlg.reason.text()
            self._run(lambda: activity.add_day(day, theme=theme), self.tr("已新增活动日"))
        dlg.deleteLater()

    def _on_theme(self) -> None:
        y, m = self.calendar.yearShown(), self.calendar.monthShown()
        theme, ok = QInputDialog.getText(self, self.tr("本月主题"), self.tr("{0}年{1}月的活动主题：").format(y, m))
        if ok:
            self._run(lambda: activity.set_month_theme(y, m, theme), self.tr("主题已用于本月的活动日"))

    def _on_rules(self) -> None:
        text, ok = QInputDialog.getMultiLineText(self, self.tr("活动日规则"),
                                                 self.tr("每行一条，如：每月15日、每月第一个周二、每周三"),
                                                 "\n".join(activity.rules()))
        if ok:
            self._run(lambda: activity.save_rules(text.splitlines()), self.tr("规则已保存"))

    def _on_edit(self) -> None:
        day = self._day()
        dlg = DayDialog(day, self)
        if dlg.exec():
            self._run(lambda: activity.get(day.uid), self.tr("已保存"))
        dlg.deleteLater()

    def _on_leave(self) -> None:
        dlg = LeaveDialog(self)
        if dlg.exec():
            uid, start, end, reason = dlg.values()
            year = self.year.value()

            def record():
                activity.add_unavailable(uid, start, end, reason)
                return activity.reassign_rota(year)

            self._run(record, self.tr("已登记请假，今后的值班表已重新安排"))
        dlg.deleteLater()

    def _on_holidays(self) -> None:
        from station_app.ui.dialogs.holiday_dialog import HolidayDialog

        dlg = HolidayDialog(self.year.value(), self)
        dlg.exec()
        dlg.deleteLater()
        self.refresh()

    def _on_holiday_notice(self) -> None:
        from station_app.ui.dialogs.holiday_notice_dialog import HolidayNoticeDialog

        dlg = HolidayNoticeDialog(self)
        if dlg.exec() and dlg.stored is not None:
            self.year.setValue(dlg.stored.year)
            self.message.setText(self.tr("已载入 {0} 年节假日安排：放假 {1} 天，调休上班 {2} 天，可以生成全年活动日了")
                                 .format(dlg.stored.year, dlg.stored.days_off, dlg.stored.workdays))
        dlg.deleteLater()
        self.refresh()

    def _on_move(self) -> None:
        day = self._day()
        dlg = MoveDialog(day, self)
        if dlg.exec():
            new, reason = pydate(dlg.date.date()), dlg.reason.text()
            self._run(lambda: activity.move_day(day.uid, new, reason), self.tr("已改期"))
        dlg.deleteLater()

    def _on_cancel(self) -> None:
        day = self._day()
        reason, ok = QInputDialog.getText(self, self.tr("取消活动日"),
                                          self.tr("取消 {0} 的活动日，原因：").format(format_date(day.date)))
        if ok:
            self._run(lambda: activity.cancel_day(day.uid, reason), self.tr("已取消"))

    def _on_swap(self) -> None:
        day = self._day()
        if not day.duty:
            self.message.setText(self.tr("这一天还没有值班代表"))
            return
        out_name, ok = QInputDialog.getItem(self, self.tr("换班"), self.tr("谁不能来："), list(day.duty_names), 0, False)
        if not ok:
            return
        others = [p for p in deputies.all_deputies(DeputyFilter(active=True)) if p.uid not in {d.uid for d in day.duty}]
        in_name, ok = QInputDialog.getItem(self, self.tr("换班"), self.tr("由谁替班："), [p.name for p in others], 0, False)
        if not ok:
            return
        out_uid = next(d.uid for d in day.duty if d.name == out_name)
        in_uid = next(p.uid for p in others if p.name == in_name)
        self._run(lambda: activity.swap_duty(day.uid, out_uid, in_uid, ""), self.tr("已换班并记录"))

    def _save_pdf(self, default_name: str, write) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存PDF"), default_name, self.tr("PDF 文件 (*.pdf)"))
        if path:
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
            self._run(lambda: write(path), self.tr("已保存：{0}").format(path))

    def _on_minutes_pdf(self) -> None:
        day = self._day()
        self._save_pdf(f"活动记录-{day.date.isoformat()}.pdf", lambda p: activity.print_minutes(day.uid, p, day.station_code))

    def _on_notice_pdf(self) -> None:
        y, m = self.calendar.yearShown(), self.calendar.monthShown()
        first = dt.date(y, m, 1)
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        self._save_pdf(f"接访计划公示-{y}年{m}月.pdf", lambda p: activity.print_notice(first, last, p, self.view_code))

    def _on_add_photo(self) -> None:
        day = self._day()
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("选择活动照片"), "", self.tr("照片 (*.jpg *.jpeg *.png)"))
        if files:
            self._run(lambda: [activity.add_photo(day.uid, f) for f in files],
                      self.tr("已添加 {0} 张照片").format(len(files)))

    def _on_remove_photo(self) -> None:
        items = self.photo_list.selectedItems()
        if items:
            uids = [i.data(Qt.ItemDataRole.UserRole) for i in items]
            def remove() -> None:
                for u in uids:
                    activity.remove_photo(u)

            self._run(remove, self.tr("已删除照片"))

    def _on_all_duty_present(self) -> None:
        for d in self._day().duty:
            combo = self.sign_in_combo(d.uid)
            if combo is not None:
                combo.setCurrentIndex(combo.findData(AttendanceStatus.PRESENT.value))

    def _on_save_sign_in(self) -> None:
        day = self._day()
        marks = {}
        for r in range(self.sign_table.rowCount()):
            uid = self.sign_table.item(r, 0).data(Qt.ItemDataRole.UserRole)
            marks[uid] = self.sign_table.cellWidget(r, 2).currentData()
        before = activity.attendance_of(day.uid)
        changed = {u: s for u, s in marks.items() if before.get(u) != s}
        self._run(lambda: activity.sign_in(day.uid, changed), self.tr("签到已保存"))

    def _on_save_minutes(self) -> None:
        day = self._day()
        values = {k: self.minutes[k].toPlainText() for k, _ in MINUTES_FIELDS}
        self._run(lambda: activity.save_minutes(day.uid, **values), self.tr("纪要已保存"))
