"""履职积分: the 年度评定 step (close the year, reopen it with a reason)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QInputDialog,
    QMessageBox,
)

from station_app.domain import clock
from station_app.errors import KnownError
from station_app.services import scoring
from station_app.ui.pages.points.common import PointsTab


class YearClosing(PointsTab):
    """年度评定 of :class:`PointsPage`."""

    # -- printouts -----------------------------------------------------------------------------------
    # -- 年度评定 ------------------------------------------------------------------------------------
    def request_year_closing(self) -> bool:
        """The 年度评定 button: close the open year after a confirmation, or reopen a closed one
        with a reason."""
        st = self._status
        if st is None:
            return False
        if st.closed:
            reason, ok = QInputDialog.getText(
                self, self.tr("重新开放年度"),
                self.tr("重新开放{0}年后，已冻结的等次将撤销，积分按现有记录显示进度，直至再次年度评定。\n"
                        "请写明原因（记入操作日志）：").format(st.year))
            if not ok:
                return False
            return self.reopen_year(reason)
        warn = "" if st.as_of >= dt.date(st.year, 12, 31) and clock.today() > dt.date(st.year, 12, 31) else self.tr(
            "\n\n注意：{0}年尚未结束（今天 {1}），现在评定将按截至今天的积分确定全年等次。").format(
            st.year, clock.today().isoformat())
        answer = QMessageBox.question(
            self, self.tr("年度评定"),
            self.tr("对{0}年进行年度评定？\n将按现有记录冻结 {1} 位代表的年度积分和最终等次，之后录入的记录不再改变评定结果；"
                    "如需修改，须由管理员重新开放该年度。{2}").format(st.year, len(self._ranking), warn),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self.close_year()

    def close_year(self) -> bool:
        year = self.year.value()
        try:
            scoring.close_year(year)
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return False
        self.refresh()
        self._show_message(self.tr("{0}年度评定完成：已冻结 {1} 位代表的积分和等次").format(year, len(self._ranking)), "info")
        self.changed.emit()
        return True

    def reopen_year(self, reason: str) -> bool:
        year = self.year.value()
        try:
            scoring.reopen_year(year, reason)
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return False
        self.refresh()
        self._show_message(self.tr("{0}年度已重新开放：等次撤销，改为显示合格进度").format(year), "info")
        self.changed.emit()
        return True
