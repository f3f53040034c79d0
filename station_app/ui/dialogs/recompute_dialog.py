"""重新计算: what ``scoring.recompute(year)`` would change — records added, withdrawn or re-valued,
and the deputies whose points move — shown before anything is written. 确定重新计算 applies it;
取消 changes nothing.

Neither holds the GUI thread (issue 21): the preview is computed on a worker (ui/tasks.run_task)
while the dialog shows 正在核对…, and 确定重新计算 writes on a worker with the buttons disabled. A
year never recomputed lists every automatic record (25k lines on a busy station), so the changes
are a view of a table model that formats only the rows it is asked for (the ones in sight)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
)

from station_app.services import scoring
from station_app.services.scoring import RecomputePlan, RecordChange
from station_app.ui import style, tasks
from station_app.ui.dialogs.duty_record_dialog import fmt_points
from station_app.ui.errors import report
from station_app.ui.forms import ERROR_STYLE, EVERY_COLUMN, read_only_table, table_item, table_texts
from station_app.ui.models.readonly import ALIGN, CENTER, DISPLAY, FOREGROUND, TOOLTIP, ReadOnlyTableModel

UP = style.qcolor(style.GREEN)
DOWN = style.qcolor(style.RED)

# the changes' columns: 变化 代表 指标 日期 原分值 新分值 说明
KIND, NAME, IND, DATE, BEFORE, AFTER, NOTE = range(7)
CENTERED = frozenset((KIND, DATE, BEFORE, AFTER))
# the columns' widths, as the text that should fit (说明 takes the rest); the clerk may widen them
WIDTH_OF = {KIND: "分值变化", NAME: "欧阳建国", IND: "D00 推动解决群众反映的问题", DATE: "2026-12-31", BEFORE: "原分值",
            AFTER: "新分值"}


def _preview(year: int) -> tuple[RecomputePlan, tuple[RecordChange, ...], dict[str, str]]:
    """On a worker: the plan, its changes' lines (made here, not on the GUI thread) and the
    indicators' names (the applied rules', then the edited rules' over them)."""
    plan = scoring.preview_recompute(year)
    names = {i.code: i.name for i in scoring.applied_rules(year).indicators}
    names.update({i.code: i.name for i in scoring.rules(year).indicators})
    return plan, tuple(plan.changes), names


class ChangesModel(ReadOnlyTableModel):
    """The records a recount changes, one per row, in the plan's order (not sortable). A row's
    texts are made the first time the view asks for it: the view asks for the rows in sight."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._changes: Sequence[RecordChange] = ()
        self._names: Mapping[str, str] = {}
        self._rows: list[tuple[str, ...] | None] = []
        # translated once (tr() is slow in data()); written out so that lupdate finds them
        self._kinds = {"add": self.tr("新增"), "remove": self.tr("删除"), "change": self.tr("分值变化")}
        self._headers = [self.tr("变化"), self.tr("代表"), self.tr("指标"), self.tr("日期"),
                         self.tr("原分值"), self.tr("新分值"), self.tr("说明")]

    def set_changes(self, changes: Sequence[RecordChange], names: Mapping[str, str]) -> None:
        self.beginResetModel()
        self._changes, self._names = changes, names
        self._rows = [None] * len(changes)
        self.endResetModel()

    def rows_made(self) -> int:
        """How many rows' texts have been made so far (the view makes only the ones it shows)."""
        return sum(row is not None for row in self._rows)

    def texts(self, i: int) -> tuple[str, ...]:
        """Row ``i`` as shown."""
        row = self._rows[i]
        if row is None:
            ch = self._changes[i]
            row = self._rows[i] = (
                self._kinds.get(ch.kind, ch.kind), ch.deputy_name,
                f"{ch.indicator_code} {self._names.get(ch.indicator_code, '')}".strip(), ch.date.isoformat(),
                "—" if ch.before is None else fmt_points(ch.before), "—" if ch.after is None else fmt_points(ch.after),
                ch.note)
        return row

    # -- Qt model API ----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)


    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        col = index.column()
        if role == DISPLAY:
            return self.texts(index.row())[col]
        if role == ALIGN:
            return CENTER if col in CENTERED else None
        if role == FOREGROUND and col == KIND:
            kind = self._changes[index.row()].kind
            return UP if kind == "add" else (DOWN if kind == "remove" else None)
        if role == TOOLTIP and col in (IND, NOTE):
            return self.texts(index.row())[col] or None
        return None



def changes_view(model: ChangesModel) -> QTableView:
    """The changes as whole rows, not editable, with set widths: fitting the columns to their
    contents would read every row."""
    t = QTableView()
    t.setModel(model)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    header = t.horizontalHeader()
    metrics = t.fontMetrics()
    for c, text in WIDTH_OF.items():
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(c, metrics.horizontalAdvance(text) + 24)
    header.setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)
    t.verticalHeader().setDefaultSectionSize(metrics.height() + 8)  # every row alike: nothing is measured
    t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    return t


class RecomputeDialog(QDialog):
    """Preview (on a worker), then (on OK) run ``scoring.recompute(year)`` (on a worker);
    ``result_plan`` holds what was applied. ``plan`` is None until the preview is in."""

    def __init__(self, year: int, parent=None):
        super().__init__(parent)
        self.year = year
        self.result_plan: RecomputePlan | None = None
        self.plan: RecomputePlan | None = None
        self._busy = False  # 确定重新计算 is writing: the dialog stays until it is done
        self.setWindowTitle(self.tr("重新计算{0}年履职积分").format(year))
        self.resize(860, 600)

        lay = QVBoxLayout(self)
        self.summary = QLabel(self.tr("正在核对{0}年的履职记录…").format(year))
        self.summary.setObjectName("recomputeSummary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 11pt;")
        lay.addWidget(self.summary)

        self.scores_title = QLabel(self.tr("积分变化的代表"))
        style.set_text(self.scores_title, style.DARK_RED, bold=True)
        lay.addWidget(self.scores_title)
        self.scores_table = read_only_table([self.tr("代表"), self.tr("原积分"), self.tr("新积分"), self.tr("增减")],
                                            EVERY_COLUMN)
        lay.addWidget(self.scores_table, 2)

        self.changes_title = QLabel(self.tr("变化的履职记录"))
        style.set_text(self.changes_title, style.DARK_RED, bold=True)
        lay.addWidget(self.changes_title)
        self.changes_model = ChangesModel(self)
        self.changes_table = changes_view(self.changes_model)
        lay.addWidget(self.changes_table, 3)

        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("确定重新计算"))
        self.ok_button.setEnabled(False)  # until the preview is in
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(self.tr("取消"))
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.cancel_button.setFocus()
        tasks.run_task(lambda: _preview(year), self._on_preview, self._on_preview_failed)

    def _on_preview(self, result: tuple[RecomputePlan, tuple[RecordChange, ...], dict[str, str]]) -> None:
        if not shiboken6.isValid(self):  # closed (取消) before the preview was in
            return
        plan, changes, names = result
        self.plan = plan
        year = self.year
        lines = []
        if plan.rules_changed:
            lines.append(self.tr("{0}年的积分指标已修改，将按修改后的指标重新计算全年积分。").format(year))
        else:
            lines.append(self.tr("按{0}年现行指标核对全年的自动履职记录。").format(year))
        if plan.changes or plan.scores:
            lines.append(self.tr("将有 {0} 条履职记录变化，{1} 名代表的积分变化。确定后才会写入，可随时再次重新计算。")
                         .format(len(plan.changes), len(plan.scores)))
        else:
            lines.append(self.tr("没有记录或积分需要变化。"))
        self.summary.setText("\n".join(lines))
        self.scores_title.setText(self.tr("积分变化的代表（{0} 名）").format(len(plan.scores)))
        self.scores_table.setRowCount(len(plan.scores))
        for r, (name, before, after) in enumerate(plan.scores):
            delta = round(after - before, 2)
            color = UP if delta > 0 else DOWN
            for c, item in enumerate((table_item(name), table_item(fmt_points(before), True), table_item(fmt_points(after), True),
                                      table_item(("+" if delta > 0 else "") + fmt_points(delta), True, color))):
                self.scores_table.setItem(r, c, item)
        self.changes_title.setText(self.tr("变化的履职记录（{0} 条）").format(len(changes)))
        self.changes_model.set_changes(changes, names)
        self.ok_button.setEnabled(True)

    def _on_preview_failed(self, exc: Exception) -> None:
        if shiboken6.isValid(self):
            self.summary.setText(self.tr("无法核对{0}年的履职记录。").format(self.year))
            report(exc, show=self._show_error)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def change_rows(self) -> list[tuple[str, ...]]:
        """The changes table as shown (for tests and a quick check)."""
        return [self.changes_model.texts(r) for r in range(self.changes_model.rowCount())]

    def score_rows(self) -> list[tuple[str, ...]]:
        return [tuple(row) for row in table_texts(self.scores_table)]

    def apply(self) -> None:
        """确定重新计算: written on a worker; the dialog closes when it is done, or shows why not."""
        if self.plan is None or self._busy:
            return
        self._set_busy(True)
        self.error.hide()
        tasks.run_task(lambda: scoring.recompute(self.year), self._on_applied, self._on_apply_failed)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.ok_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        self.ok_button.setText(self.tr("正在重新计算…") if busy else self.tr("确定重新计算"))

    def _on_applied(self, plan: RecomputePlan) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.result_plan = plan
        self.accept()

    def _on_apply_failed(self, exc: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        report(exc, show=self._show_error)

    def reject(self) -> None:
        """取消, Esc or the window's close: not while 确定重新计算 is writing."""
        if not self._busy:
            super().reject()
