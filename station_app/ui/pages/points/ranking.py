"""履职积分 › 排名: the year's ranking (百分制 and grade)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.domain.scoring import CATEGORIES
from station_app.services import scoring
from station_app.services.scoring import DeputyScore
from station_app.ui import style
from station_app.ui.dialogs.duty_record_dialog import fmt_points
from station_app.ui.excel_export import ExcelExport, table_sheet
from station_app.ui.forms import cell, header_item, read_only_table, table_item, table_texts
from station_app.ui.pages.points.common import (
    PENDING,
    RED,
    PointsTab,
)


class RankingTab(PointsTab):
    """The 排名 tab of :class:`PointsPage` (a mixin: the page holds the widgets)."""

    # -- building ------------------------------------------------------------------------------------
    def _build_ranking(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(8, 8, 8, 8)
        bar = QHBoxLayout()
        self.ranking_summary = QLabel()
        self.ranking_summary.setWordWrap(True)  # a small screen wraps it instead of widening the page
        bar.addWidget(self.ranking_summary, 1)
        self.print_ranking_button = QPushButton(self.tr("打印排名表PDF…"))
        self.print_ranking_button.setToolTip(self.tr("把本年度的积分排名表保存为PDF并预览（Ctrl+P）"))
        bar.addWidget(self.print_ranking_button)
        self.excel = ExcelExport(self, lambda: self.tr("{0}年履职积分排名.xlsx").format(self.year.value()),
                                 lambda: [table_sheet(self.tr("{0}年积分排名").format(self.year.value()),
                                                      self.ranking_table)])
        bar.addWidget(self.excel.button)
        lay.addLayout(bar)
        self.ranking_table = read_only_table(self._ranking_headers(CATEGORIES), single=True)
        self.ranking_table.setToolTip(self.tr("双击查看代表的履职档案"))
        lay.addWidget(self.ranking_table, 1)
        self.formula = QLabel()
        self.formula.setWordWrap(True)
        style.set_text(self.formula, style.HINT)
        lay.addWidget(self.formula)
        self.print_ranking_button.clicked.connect(self.request_print_ranking)
        self.close_year_button.clicked.connect(self.request_year_closing)
        self.ranking_table.itemSelectionChanged.connect(self._on_ranking_selected)
        self.ranking_table.cellDoubleClicked.connect(lambda r, _c: self._open_archive_row(r))
        return w

    # -- 排名 ----------------------------------------------------------------------------------------
    def _ranking_headers(self, cats, final: bool = True) -> list[str]:
        return [self.tr("排名"), self.tr("姓名"), self.tr("年度积分"), self.tr("百分制"),
                self.tr("等次") if final else self.tr("合格进度"), self.tr("待审核"), *cats]

    def _final(self) -> bool:
        return self._status is not None and self._status.closed

    def _standing_text(self, s: DeputyScore) -> str:
        """The final grade of a closed year, else the 合格进度 (no grade while the year is open)."""
        if self._final():
            return s.grade
        return "—" if s.progress is None else f"{s.progress}%"

    def _fill_ranking(self) -> None:
        rows = self._ranking
        t = self.ranking_table
        keep = self._deputy_uid
        rs = scoring.applied_rules(self.year.value(), self.view_code)
        cats = [c for c in CATEGORIES if any(i.category == c for i in rs.indicators)]
        cats += sorted({i.category for i in rs.indicators} - set(cats))
        t.blockSignals(True)
        t.setColumnCount(6 + len(cats))
        t.setHorizontalHeaderLabels(self._ranking_headers(cats, self._final()))
        st = self._status
        if st is not None and not st.closed:
            header_item(t, 4).setToolTip(st.progress_note)
        h = t.horizontalHeader()
        for c in range(t.columnCount()):
            h.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents if c == 0
                                   else QHeaderView.ResizeMode.Stretch)
        for c in range(6, t.columnCount()):
            header = header_item(t, c)
            header.setToolTip(self.tr("“{0}”类计入的积分").format(header.text()))
        t.setRowCount(len(rows))
        for r, s in enumerate(rows):
            values: tuple[QTableWidgetItem, ...] = (
                table_item(str(s.rank), True), table_item(s.name), table_item(fmt_points(s.raw), True),
                table_item(f"{s.score100:.1f}", True),
                table_item(self._standing_text(s), True, tip="" if st is None or st.closed else st.progress_note),
                table_item(str(s.pending) if s.pending else "", True, PENDING,
                           self.tr("{0} 条手工记录待审核，审核通过后计入").format(s.pending) if s.pending else ""),
            )
            values += tuple(table_item(fmt_points(s.by_category[c]) if c in s.by_category else "", True,
                                       QColor(RED) if s.by_category.get(c, 0) < 0 else None) for c in cats)
            for c, item in enumerate(values):
                if c == 1:
                    item.setData(Qt.ItemDataRole.UserRole, s.deputy_uid)
                if c in (2, 3, 4):
                    f = item.font()
                    f.setBold(True)
                    item.setFont(f)
                t.setItem(r, c, item)
        for r, s in enumerate(rows):
            if s.deputy_uid == keep:
                t.selectRow(r)
        t.blockSignals(False)
        pending = sum(s.pending for s in rows)
        text = self.tr("{0}年度　在任代表 {1} 名").format(self.year.value(), len(rows))
        if pending:
            text += self.tr("　待审核记录 {0} 条（审核通过后计入）").format(pending)
        self.ranking_summary.setText(text)
        grades = "　".join(self.tr("{0} ≥{1}").format(g.name, fmt_points(g.min_score)) for g in rs.grades)
        lines = [scoring.FORMULA.format(full=rs.full_marks), self.tr("等次：{0}").format(grades)]
        if st is not None and st.closed:
            lines.append(self.tr("等次为年度评定结果：{0} 于 {1} 评定，积分截至 {2} 冻结；之后的记录不改变评定结果。").format(
                st.closed_by, f"{st.closed_at:%Y-%m-%d %H:%M}", st.as_of.isoformat()))
        elif st is not None:
            lines.append(self.tr("{0}：尚未年度评定，不显示等次。").format(st.label) + st.progress_note)
        self.formula.setText("\n".join(lines))
        self._show_year_state()

    def _show_year_state(self) -> None:
        st = self._status
        if st is None:
            self.year_state.clear()
            return
        if st.closed:
            self.year_state.setText(self.tr("已年度评定　积分截至 {0}").format(st.as_of.isoformat()))
            self.close_year_button.setText(self.tr("重新开放年度…"))
            self.close_year_button.setToolTip(self.tr("撤销{0}年的年度评定（须写明原因，记入操作日志）").format(st.year))
        else:
            self.year_state.setText(self.tr("{0}　数据截至 {1}").format(st.label, st.as_of.isoformat()))
            self.close_year_button.setText(self.tr("年度评定…"))
            self.close_year_button.setToolTip(self.tr("冻结{0}年每位代表的积分和最终等次（管理员操作，记入操作日志）")
                                              .format(st.year))
        self.year_state.setToolTip(st.progress_note)

    def ranking_rows(self) -> list[tuple[str, ...]]:
        """The ranking table as shown: 排名, 姓名, 年度积分, 百分制, 等次, 待审核."""
        return [tuple(row) for row in table_texts(self.ranking_table, 6)]

    def _on_ranking_selected(self) -> None:
        rows = self.ranking_table.selectionModel().selectedRows()
        if rows:
            uid = cell(self.ranking_table, rows[0].row(), 1).data(Qt.ItemDataRole.UserRole)
            i = self.deputy.findData(uid)
            if i >= 0 and i != self.deputy.currentIndex():
                self.deputy.setCurrentIndex(i)

    def _open_archive_row(self, row: int) -> None:
        item = self.ranking_table.item(row, 1)
        if item is not None:
            self.show_deputy(item.data(Qt.ItemDataRole.UserRole))
