"""The records behind a deputy's score (履职积分 › 代表档案), as a table model.

A deputy's year can hold hundreds of records (a sign-in, a visit, a case each): a model the view
reads only for the rows it paints, instead of a QTableWidget filled item by item on the GUI
thread. The rows are :class:`~station_app.services.scoring.DutyRecordView` read on a worker;
``data()`` only looks them up (the texts of a row are made once, the first time it is shown).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QColor, QFont

from station_app.domain.scoring import MANUAL
from station_app.services.scoring import DutyRecordView
from station_app.ui.dialogs.duty_record_dialog import fmt_points
from station_app.ui.models.readonly import (
    ALIGN,
    CENTER,
    DISPLAY,
    FONT,
    FOREGROUND,
    TOOLTIP,
    USER,
    ReadOnlyTableModel,
)

# the columns (the same numbers as ui/pages/points/common.py's R_*)
DATE, IND, CAT, QTY, PTS, COUNTED, SOURCE, STATE, NOTE, EVIDENCE = range(10)
CENTERED = frozenset((DATE, CAT, QTY, PTS, COUNTED, SOURCE, STATE, EVIDENCE))
EVIDENCE_BLUE = QColor("#1F5FA8")


class _Row:
    """One record's texts, tooltips and colours, made once (when the view first asks)."""

    __slots__ = ("rec", "texts", "tips", "colors", "pending")

    def __init__(self, rec: DutyRecordView, texts: tuple[str, ...], tips: dict[int, str],
                 colors: dict[int, QColor], pending: bool):
        self.rec, self.texts, self.tips, self.colors, self.pending = rec, texts, tips, colors, pending


class DutyRecordsModel(ReadOnlyTableModel):
    """A deputy's records of the year: 日期 指标 类别 数量 分值 计入 来源 审核状态 说明 佐证.

    Pending records (待审核) show their state bold in orange and 计入 muted; a record cut by its
    indicator's yearly cap shows 计入 muted with the cap in its tooltip. ``UserRole`` gives the
    row's record. ``muted``/``pending_color``: the page's colours."""

    def __init__(self, muted: QColor, pending_color: QColor, parent=None):
        super().__init__(parent)
        self._muted = muted
        self._pending_color = pending_color
        self._records: list[DutyRecordView] = []
        self._rows: list[_Row | None] = []  # made when first asked for: the view asks for the rows in sight
        self._caps: Mapping[str, float] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        # translated once (tr() is slow in data()); written out so that lupdate finds them
        self._words = {"待审核": self.tr("待审核"), "已审核": self.tr("已审核"), "自动计入": self.tr("自动计入"),
                       "审核通过后计入": self.tr("审核通过后计入"), "双击打开佐证材料": self.tr("双击打开佐证材料"),
                       "手工": self.tr("手工"), "自动": self.tr("自动"), "查看": self.tr("查看")}
        self._headers = [self.tr("日期"), self.tr("指标"), self.tr("类别"), self.tr("数量"), self.tr("分值"),
                         self.tr("计入"), self.tr("来源"), self.tr("审核状态"), self.tr("说明"), self.tr("佐证")]

    # -- rows ------------------------------------------------------------------------------------
    def set_records(self, records: Sequence[DutyRecordView], caps: Mapping[str, float]) -> None:
        """Show ``records``; ``caps``: each indicator's yearly cap (for the 计入 tooltip)."""
        self.beginResetModel()
        self._records = list(records)
        self._rows = [None] * len(self._records)
        self._caps = caps
        self.endResetModel()

    def _row(self, i: int) -> _Row:
        row = self._rows[i]
        if row is None:
            row = self._rows[i] = self._make_row(self._records[i])
        return row

    def _make_row(self, rec: DutyRecordView) -> _Row:
        w = self._words
        manual = rec.source == MANUAL
        pending = manual and not rec.verified
        state = w["待审核"] if pending else (w["已审核"] if manual else w["自动计入"])
        tips = {IND: f"{rec.indicator_code} {rec.indicator_name}"}
        colors: dict[int, QColor] = {}
        if pending:
            tips[COUNTED] = w["审核通过后计入"]
            colors[COUNTED] = self._muted
            colors[STATE] = self._pending_color
        elif abs(rec.counted - rec.points) > 1e-9:
            tips[COUNTED] = self.tr("本指标年度上限 {0} 分已满，超出部分不计入").format(
                fmt_points(self._caps.get(rec.indicator_code, 0.0)))
            colors[COUNTED] = self._muted
        if rec.note:
            tips[NOTE] = rec.note
        if rec.evidence:
            tips[EVIDENCE] = w["双击打开佐证材料"]
            colors[EVIDENCE] = EVIDENCE_BLUE
        texts = (rec.date.isoformat(), rec.indicator_name, rec.category, fmt_points(rec.quantity),
                 fmt_points(rec.points), fmt_points(rec.counted), w["手工"] if manual else w["自动"],
                 state, rec.note, w["查看"] if rec.evidence else "")
        return _Row(rec, texts, tips, colors, pending)

    def record(self, row: int) -> DutyRecordView:
        return self._records[row]

    def records(self) -> list[DutyRecordView]:
        return list(self._records)

    def row_of(self, uid: str) -> int:
        """The row of the record ``uid``, or -1."""
        return next((i for i, r in enumerate(self._records) if r.uid == uid), -1)

    # -- Qt model API ----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._records)


    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row, col = self._row(index.row()), index.column()
        if role == DISPLAY:
            return row.texts[col]
        if role == ALIGN:
            return CENTER if col in CENTERED else None
        if role == FOREGROUND:
            return row.colors.get(col)
        if role == TOOLTIP:
            return row.tips.get(col)
        if role == FONT:
            return self._bold if row.pending and col == STATE else None
        if role == USER:
            return row.rec
        return None

