"""履职积分 › 指标设置: the year's indicators (import / export / default) and the previewed 重新计算."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.domain.scoring import AUTO_SOURCES, MANUAL, PERIODS, default_rules
from station_app.errors import KnownError
from station_app.services import scoring
from station_app.ui.dialogs.duty_record_dialog import fmt_points
from station_app.ui.forms import read_only_table, table_item, table_texts
from station_app.ui.pages.points.common import (
    RED,
    PointsTab,
)


class RulesTab(PointsTab):
    """The 指标设置 tab of :class:`PointsPage`."""

    def _build_rules(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(8, 8, 8, 8)
        bar = QHBoxLayout()
        self.rules_state = QLabel()
        self.rules_state.setObjectName("rulesState")
        self.rules_state.setWordWrap(True)
        bar.addWidget(self.rules_state, 1)
        self.import_button = QPushButton(self.tr("导入指标文件…"))
        self.export_button = QPushButton(self.tr("导出指标文件…"))
        self.default_button = QPushButton(self.tr("恢复默认"))
        self.recompute_button = QPushButton(self.tr("重新计算…"))
        self.recompute_button.setToolTip(self.tr("先列出将要变化的记录和积分，确定后才写入"))
        for b in (self.import_button, self.export_button, self.default_button, self.recompute_button):
            bar.addWidget(b)
        lay.addLayout(bar)
        t = QLabel(self.tr("积分指标"))
        t.setObjectName("sectionTitle")
        lay.addWidget(t)
        self.indicators_table = read_only_table([self.tr("代码"), self.tr("名称"), self.tr("类别"), self.tr("分值"),
                                                 self.tr("年度上限"), self.tr("来源"), self.tr("单位"), self.tr("需佐证")],
                                                stretch=5, single=True)
        lay.addWidget(self.indicators_table, 3)
        row = QHBoxLayout()
        left = QVBoxLayout()
        t = QLabel(self.tr("履职任务"))
        t.setObjectName("sectionTitle")
        left.addWidget(t)
        self.quotas_table = read_only_table([self.tr("任务"), self.tr("计数来源"), self.tr("周期"), self.tr("至少")],
                                            stretch=1, single=True)
        left.addWidget(self.quotas_table)
        row.addLayout(left, 3)
        right = QVBoxLayout()
        t = QLabel(self.tr("等次"))
        t.setObjectName("sectionTitle")
        right.addWidget(t)
        self.grades_table = read_only_table([self.tr("等次"), self.tr("百分制不低于")], stretch=0, single=True)
        right.addWidget(self.grades_table)
        row.addLayout(right, 1)
        lay.addLayout(row, 2)
        self.import_button.clicked.connect(self.request_import)
        self.export_button.clicked.connect(self.request_export)
        self.default_button.clicked.connect(self.restore_default)
        self.recompute_button.clicked.connect(self.open_recompute)
        return w

    # -- 指标设置 ------------------------------------------------------------------------------------
    def _fill_rules(self, pending: bool) -> None:
        rs = self._rules
        if rs is None:
            return
        state = self.tr("{0}　满分积分 {1} 分（折算为百分制100分）").format(
            rs.name or self.tr("{0}年度指标").format(rs.year), fmt_points(rs.full_marks))
        if pending:
            state += self.tr("　<b style='color:#B35C00;'>已修改，尚未重新计算</b>")
        self.rules_state.setText(state)
        t = self.indicators_table
        t.setRowCount(len(rs.indicators))
        for r, ind in enumerate(rs.indicators):
            source = self.tr("手工录入") if ind.source == MANUAL else self.tr("自动：{0}").format(
                AUTO_SOURCES.get(ind.source, ind.source))
            values: tuple[QTableWidgetItem, ...] = (
                table_item(ind.code, True), table_item(ind.name), table_item(ind.category, True),
                      table_item(("+" if ind.points > 0 else "") + fmt_points(ind.points), True,
                                 QColor(RED) if ind.points < 0 else None),
                      table_item("—" if ind.cap is None else fmt_points(ind.cap), True),
                      table_item(source, tip=source), table_item(ind.unit, True),
                      table_item(self.tr("是") if ind.evidence_required else "", True))
            for c, item in enumerate(values):
                t.setItem(r, c, item)
        t = self.quotas_table
        t.setRowCount(len(rs.quotas))
        for r, q in enumerate(rs.quotas):
            sources = "、".join(AUTO_SOURCES.get(s, s).split("（")[0] for s in q.sources)
            values = (table_item(q.name), table_item(sources, tip=sources), table_item(PERIODS.get(q.period, q.period), True),
                      table_item(str(q.minimum), True))
            for c, item in enumerate(values):
                t.setItem(r, c, item)
        t = self.grades_table
        t.setRowCount(len(rs.grades))
        for r, g in enumerate(sorted(rs.grades, key=lambda g: -g.min_score)):
            t.setItem(r, 0, table_item(g.name, True))
            t.setItem(r, 1, table_item(fmt_points(g.min_score), True))

    def indicator_rows(self) -> list[tuple[str, ...]]:
        return [tuple(row) for row in table_texts(self.indicators_table)]

    def _folder(self) -> str:
        return str(QSettings().value("points/folder") or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation))

    def request_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("导入指标文件"), self._folder(),
                                              self.tr("履职积分指标文件 (*.json);;所有文件 (*)"))
        if path:
            self.import_rules_file(path)

    def import_rules_file(self, path: str) -> bool:
        """Store the file's rules as the edited rules of its year (scores follow only after 重新计算)."""
        try:
            rs = scoring.import_rules(path)
        except KnownError as exc:
            self._show_message(self.tr("导入失败：{0}").format(exc.message), "error")
            return False
        QSettings().setValue("points/folder", str(Path(path).parent))
        if self.year.value() != rs.year:
            self.year.setValue(rs.year)  # refreshes
        else:
            self.refresh()
        if scoring.rules_pending(rs.year):
            text = self.tr("已导入{0}年指标（{1} 项）。积分尚未按新指标计算，请点“重新计算…”查看变化并确定。").format(
                rs.year, len(rs.indicators))
        else:
            text = self.tr("已导入{0}年指标（{1} 项），与现用指标相同。").format(rs.year, len(rs.indicators))
        self._show_message(text, "info")
        self.changed.emit()
        return True

    def request_export(self) -> None:
        year = self.year.value()
        default = str(Path(self._folder()) / self.tr("{0}年度代表履职积分指标.json").format(year))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出指标文件"), default,
                                              self.tr("履职积分指标文件 (*.json)"))
        if path:
            if not path.lower().endswith(".json"):
                path += ".json"
            self.export_rules_file(path)

    def export_rules_file(self, path: str) -> bool:
        try:
            scoring.export_rules(self.year.value(), path)
        except KnownError as exc:
            self._show_message(self.tr("导出失败：{0}").format(exc.message), "error")
            return False
        QSettings().setValue("points/folder", str(Path(path).parent))
        self._show_message(self.tr("已导出：{0}").format(path), "info")
        return True

    def restore_default(self) -> bool:
        year = self.year.value()
        answer = QMessageBox.question(
            self, self.tr("恢复默认指标"),
            self.tr("把{0}年的指标恢复为程序自带的默认指标？\n恢复后需“重新计算”才会改变积分。").format(year),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            scoring.save_rules(default_rules(year))
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return False
        self.refresh()
        self._show_message(self.tr("已恢复{0}年的默认指标").format(year) + (
            self.tr("，请点“重新计算…”查看变化并确定") if scoring.rules_pending(year) else ""), "info")
        self.changed.emit()
        return True

    def open_recompute(self) -> bool:
        """重新计算…: preview every change; only OK writes."""
        from station_app.ui.dialogs.recompute_dialog import RecomputeDialog

        if not self._ready:
            return False
        try:
            dlg = RecomputeDialog(self.year.value(), self)
        except KnownError as exc:
            self._show_message(exc.message, "error")
            return False
        plan = dlg.result_plan if dlg.exec() else None
        dlg.deleteLater()
        if plan is None:
            return False
        self.refresh()
        self._show_message(self.tr("已重新计算{0}年积分：{1} 条记录变化，{2} 名代表积分变化").format(
            plan.year, len(plan.changes), len(plan.scores)), "info")
        self.changed.emit()
        return True
