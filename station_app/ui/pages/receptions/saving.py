"""接待登记: reading, checking and saving the form (errors at the field, nothing half-saved)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.codes import Channel
from station_app.domain.records import OpinionData, ReceptionData, ReceptionRecord
from station_app.errors import KnownError, ValidationError
from station_app.services import cases, receptions
from station_app.ui.dates import confirm_long_past
from station_app.ui.dialogs.reception_dialog import (
    from_qdatetime,
)
from station_app.ui.forms import (
    ERROR_STYLE,
    hide_popup,
)
from station_app.ui.pages.receptions.common import (
    OK_STYLE,
    ReceptionsPart,
)


class IntakeSaving(ReceptionsPart):
    """Saving the intake form of :class:`ReceptionsPage`."""

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
                              earlier.visitor_id_number,  # as the service shows it (privacy)
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
            hide_popup(comp)
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
