"""履职积分 › 代表档案: the records behind the score (录入 / 审核 / 退回 / 删除, evidence)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QMessageBox,
)

from station_app.domain.scoring import MANUAL, RuleSet
from station_app.errors import KnownError
from station_app.services import scoring
from station_app.services.scoring import DeputyScore, DutyRecordView
from station_app.ui import style
from station_app.ui.dialogs.duty_record_dialog import fmt_points
from station_app.ui.pages.points.common import (
    R_COUNTED,
    RED,
    PointsTab,
    _cap_of,
)


class RecordsTab(PointsTab):
    """The records table of the 代表档案 tab of :class:`PointsPage`."""

    def _fill_records(self, rs: RuleSet) -> None:
        """The records of :attr:`_records` (counted under ``rs``), keeping the row selected."""
        keep = self._select_next or self.selected_record()
        self._select_next = None
        caps = {i.code: _cap_of(rs, i.code) for i in rs.indicators}
        sel = self.records_table.selectionModel()
        sel.blockSignals(True)
        self.records_model.set_records(self._records, caps)
        sel.blockSignals(False)
        row = -1 if keep is None else self.records_model.row_of(keep if isinstance(keep, str) else keep.uid)
        if row >= 0:
            self.records_table.selectRow(row)
        total = round(sum(r.counted for r in self._records), 2)
        score = self._score.raw if self._score else 0.0
        self.explain.setText(self.tr("合计 {0} 分 = 年度积分 {1} 分").format(fmt_points(total), fmt_points(score)))
        if abs(total - score) > 1e-9:  # never expected: the service guarantees it
            style.set_text(self.explain, RED)

    def record_rows(self) -> list[tuple[str, ...]]:
        """The records table as shown."""
        m = self.records_model
        return [tuple(self.record_cell(r, c) for c in range(m.columnCount())) for r in range(m.rowCount())]

    def record_cell(self, row: int, column: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole):
        """What the records table shows in a cell (``role``: the text, its tooltip, colour, font…)."""
        return self.records_model.index(row, column).data(role)

    def counted_total(self) -> float:
        """The sum of the 计入 column as shown."""
        m = self.records_model
        return round(sum(float(self.record_cell(r, R_COUNTED)) for r in range(m.rowCount())), 2)

    def archive_score(self) -> DeputyScore | None:
        return self._score

    def current_deputy(self) -> str | None:
        return self._deputy_uid

    def select_record(self, uid: str) -> bool:
        """Select the record ``uid``; one not shown yet (its deputy's archive is being read) is
        selected when it arrives."""
        r = self.records_model.row_of(uid)
        if r < 0:
            self._select_next = uid
            return False
        self.records_table.selectRow(r)
        self.records_table.scrollTo(self.records_model.index(r, 0))
        return True

    def selected_record(self) -> DutyRecordView | None:
        rows = self.records_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= self.records_model.rowCount():
            return None
        return self.records_model.record(rows[0].row())

    def _update_record_buttons(self) -> None:
        rec = self.selected_record()
        manual = rec is not None and rec.source == MANUAL
        pending = rec is not None and manual and not rec.verified
        may = self._ready and self.writable
        self.approve_button.setEnabled(may and pending)
        self.reject_button.setEnabled(may and pending)
        self.delete_button.setEnabled(may and manual)
        self.evidence_button.setEnabled(rec is not None and bool(rec.evidence))
        self.add_button.setEnabled(may and bool(self._ranking))
        self.print_archive_button.setEnabled(self._ready and self._score is not None)
        tip = ""
        if rec is not None and not manual:
            tip = self.tr("自动记录来自签到、接待登记和意见办理，无需审核，也不能删除")
        self.delete_button.setToolTip(tip)

    # -- records: add, review, delete, evidence --------------------------------------------------------
    def _people(self) -> list[tuple[str, str]]:
        return [(self.deputy.itemData(i), self.deputy.itemText(i)) for i in range(self.deputy.count())]

    def add_record(self) -> DutyRecordView | None:
        """录入履职记录…: the dialog; the new record shows 待审核 on its deputy's archive."""
        from station_app.ui.dialogs.duty_record_dialog import DutyRecordDialog

        if not self._ready:
            return None
        dlg = DutyRecordDialog(self._people(), self._deputy_uid, self.year.value(), self)
        saved = dlg.saved if dlg.exec() else None
        dlg.deleteLater()
        if saved is None:
            return None
        if saved.date.year != self.year.value():
            self.year.blockSignals(True)
            self.year.setValue(saved.date.year)
            self.year.blockSignals(False)
        self._deputy_uid = saved.deputy_uid
        self.refresh()
        self.show_deputy(saved.deputy_uid)
        self.select_record(saved.uid)
        self._show_message(self.tr("已录入：{0} {1}，{2} 分，待审核（审核通过后计入积分）").format(
            self.deputy.currentText(), saved.indicator_name, fmt_points(saved.points)), "info")
        self.changed.emit()
        return saved

    def approve_selected(self) -> bool:
        rec = self.selected_record()
        if rec is None or rec.source != MANUAL or rec.verified:
            return False
        try:
            scoring.review(rec.uid, approve=True)
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return False
        self.refresh()
        self.select_record(rec.uid)
        self._show_message(self.tr("已审核通过：{0} {1}，计入 {2} 分").format(
            self.deputy.currentText(), rec.indicator_name,
            fmt_points(next((r.counted for r in self._records if r.uid == rec.uid), 0.0))), "info")
        self.changed.emit()
        return True

    def reject_selected(self) -> bool:
        from station_app.ui.dialogs.duty_record_dialog import RejectDialog

        rec = self.selected_record()
        if rec is None or rec.source != MANUAL or rec.verified:
            return False
        dlg = RejectDialog(rec, self.deputy.currentText(), self)
        ok = bool(dlg.exec()) and dlg.done_ok
        dlg.deleteLater()
        if ok:
            self.refresh()
            self._show_message(self.tr("已退回：{0} {1}").format(self.deputy.currentText(), rec.indicator_name), "info")
            self.changed.emit()
        return ok

    def delete_selected(self) -> bool:
        rec = self.selected_record()
        if rec is None or rec.source != MANUAL:
            return False
        answer = QMessageBox.question(
            self, self.tr("删除履职记录"),
            self.tr("删除这条手工录入的履职记录？\n{0}　{1}　{2}（{3}分）\n{4}").format(
                self.deputy.currentText(), rec.date.isoformat(), rec.indicator_name, fmt_points(rec.points), rec.note),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            scoring.delete_record(rec.uid)
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return False
        self.refresh()
        self._show_message(self.tr("已删除：{0} {1}").format(self.deputy.currentText(), rec.indicator_name), "info")
        self.changed.emit()
        return True

    def _on_record_double_clicked(self, row: int, _col: int) -> None:
        if 0 <= row < len(self._records) and self._records[row].evidence:
            self.open_evidence(self._records[row])

    def open_evidence(self, rec: DutyRecordView | None) -> bool:
        """Show the record's evidence in the app's own viewer (an image or a PDF; never handed to
        the system, whose default program could run a file named .bat)."""
        from station_app.ui.attachment_viewer import viewer_for

        if rec is None or not rec.evidence:
            return False
        path = scoring.evidence_path(rec.evidence)
        if not path.is_file():
            self._show_message(self.tr("找不到佐证材料文件：{0}").format(path), "error")
            return False
        try:
            self.evidence_viewer = viewer_for(path, self.tr("佐证材料"), self)
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return False
        self.evidence_viewer.open()
        return True
