"""重新计算: what ``scoring.recompute(year)`` would change — records added, withdrawn or re-valued,
and the deputies whose points move — shown before anything is written. 确定重新计算 applies it;
取消 changes nothing."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
)

from station_app.errors import KnownError
from station_app.services import scoring
from station_app.services.scoring import RecomputePlan
from station_app.ui import style
from station_app.ui.dialogs.duty_record_dialog import fmt_points
from station_app.ui.forms import ERROR_STYLE, EVERY_COLUMN, read_only_table, table_item, table_texts

KINDS = {"add": "新增", "remove": "删除", "change": "分值变化"}
UP = style.qcolor(style.GREEN)
DOWN = style.qcolor(style.RED)


class RecomputeDialog(QDialog):
    """Preview, then (on OK) run ``scoring.recompute(year)``; ``result_plan`` holds what was applied."""

    def __init__(self, year: int, parent=None):
        super().__init__(parent)
        self.year = year
        self.result_plan: RecomputePlan | None = None
        self.plan = scoring.preview_recompute(year)
        self.setWindowTitle(self.tr("重新计算{0}年履职积分").format(year))
        self.resize(860, 600)
        names = {i.code: i.name for i in scoring.applied_rules(year).indicators}
        names.update({i.code: i.name for i in scoring.rules(year).indicators})
        plan = self.plan

        lay = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("recomputeSummary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 11pt;")
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
        lay.addWidget(self.summary)

        t1 = QLabel(self.tr("积分变化的代表（{0} 名）").format(len(plan.scores)))
        style.set_text(t1, style.DARK_RED, bold=True)
        lay.addWidget(t1)
        self.scores_table = read_only_table([self.tr("代表"), self.tr("原积分"), self.tr("新积分"), self.tr("增减")],
                                            EVERY_COLUMN)
        self.scores_table.setRowCount(len(plan.scores))
        for r, (name, before, after) in enumerate(plan.scores):
            delta = round(after - before, 2)
            color = UP if delta > 0 else DOWN
            for c, item in enumerate((table_item(name), table_item(fmt_points(before), True), table_item(fmt_points(after), True),
                                      table_item(("+" if delta > 0 else "") + fmt_points(delta), True, color))):
                self.scores_table.setItem(r, c, item)
        lay.addWidget(self.scores_table, 2)

        t2 = QLabel(self.tr("变化的履职记录（{0} 条）").format(len(plan.changes)))
        style.set_text(t2, style.DARK_RED, bold=True)
        lay.addWidget(t2)
        self.changes_table = read_only_table([self.tr("变化"), self.tr("代表"), self.tr("指标"), self.tr("日期"),
                                              self.tr("原分值"), self.tr("新分值"), self.tr("说明")], 6)
        self.changes_table.setRowCount(len(plan.changes))
        for r, ch in enumerate(plan.changes):
            kind_color = UP if ch.kind == "add" else (DOWN if ch.kind == "remove" else None)
            values = (
                table_item(self.tr(KINDS.get(ch.kind, ch.kind)), True, kind_color),
                table_item(ch.deputy_name),
                table_item(f"{ch.indicator_code} {names.get(ch.indicator_code, '')}".strip()),
                table_item(ch.date.isoformat(), True),
                table_item("—" if ch.before is None else fmt_points(ch.before), True),
                table_item("—" if ch.after is None else fmt_points(ch.after), True),
                table_item(ch.note),
            )
            for c, item in enumerate(values):
                self.changes_table.setItem(r, c, item)
        lay.addWidget(self.changes_table, 3)

        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("确定重新计算"))
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(self.tr("取消"))
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.cancel_button.setFocus()

    def change_rows(self) -> list[tuple[str, ...]]:
        """The changes table as shown (for tests and a quick check)."""
        return [tuple(row) for row in table_texts(self.changes_table)]

    def score_rows(self) -> list[tuple[str, ...]]:
        return [tuple(row) for row in table_texts(self.scores_table)]

    def apply(self) -> bool:
        try:
            self.result_plan = scoring.recompute(self.year)
        except KnownError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return False
        self.accept()
        return True
