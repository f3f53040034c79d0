"""数据交换 › 全县汇总: the county's ranking of deputies for a year."""

from __future__ import annotations

from PySide6.QtGui import QFont

from station_app.domain import clock
from station_app.services import scoring
from station_app.ui.dialogs.duty_record_dialog import fmt_points
from station_app.ui.forms import table_item, table_texts
from station_app.ui.pages.exchange.common import (
    RED,
    ExchangeTab,
    _fit_height,
)


class CountyRanking(ExchangeTab):
    """The ranking of the 全县汇总 tab of :class:`ExchangePage`."""

    # -- 代表履职积分排名（全县） ------------------------------------------------------------------------------
    def _fill_ranking_stations(self) -> None:
        """全部联络站 and every station of the database; the choice stays when it is still there."""
        keep = self.ranking_station.currentData()
        combo = self.ranking_station
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("全部联络站"), None)
        for s in self.county_rows:
            combo.addItem(f"{s.name}（{s.code}）", s.code)
        combo.setCurrentIndex(max(0, combo.findData(keep)))
        combo.blockSignals(False)

    def set_ranking_year(self, year: int) -> None:
        self.ranking_year.setValue(year)

    def set_ranking_station(self, code: str | None) -> None:
        """Rank the deputies of one station (None: 全部联络站)."""
        i = self.ranking_station.findData(code)
        if i >= 0:
            self.ranking_station.setCurrentIndex(i)

    def _fill_ranking(self) -> None:
        """``scoring.county_ranking`` of the chosen year and station, under the county's rules."""
        if not self._ready:
            return
        year = self.ranking_year.value()
        code = self.ranking_station.currentData()
        self._county_work.submit(
            "ranking", lambda: (scoring.county_ranking(year, None if code is None else [code]), scoring.county_rules(year)),
            lambda result: self._show_ranking(year, code, *result), self.ranking_busy, self._county_failed)

    def _standing_item(self, year: int, s, rs):
        """The final grade once the station's year is closed here (年度评定); else no grade: the
        合格进度, defined in its tooltip."""
        if s.grade:
            return table_item(s.grade, centered=True, tip=self.tr("年度评定结果"))
        from station_app.domain.scoring import as_of_date, open_year_label, progress_definition

        today = clock.today()
        tip = open_year_label(year, today) + "：" + progress_definition(rs, year, as_of_date(year, today))
        return table_item("—" if s.progress is None else f"{s.progress}%", centered=True, tip=tip)

    def _show_ranking(self, year: int, code: str | None, rows, rs) -> None:
        self.county_ranking = rows
        self.ranking_hint.setText(self.tr(
            "积分按本数据库“履职积分 → 指标设置”中{0}年的指标计算（满分 {1} 分折合百分制）：各站的指标不随数据包报送，"
            "全县用同一套指标比较。手工录入尚未审核的记录不计入。").format(year, fmt_points(rs.full_marks)))
        t = self.ranking_table
        t.setRowCount(len(rows))
        for r, s in enumerate(rows):
            score = table_item(fmt_points(s.raw), centered=True, color=RED if s.raw < 0 else None)
            if s.pending:
                score.setToolTip(self.tr("另有 {0} 条手工记录待审核，审核通过后计入").format(s.pending))
            values = (table_item(s.rank, centered=True), table_item(s.name), table_item(s.station_name, tip=s.station_code), score,
                      table_item(f"{s.score100:.1f}", centered=True), self._standing_item(year, s, rs))
            for c, item in enumerate(values):
                if c in (3, 4, 5):
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                t.setItem(r, c, item)
        _fit_height(t, 2, 15)
        if code is None:
            empty = self.tr("还没有在任代表：请先在“导入数据包”中导入各站报送的数据包。")
        else:
            empty = self.tr("{0}没有在任代表。").format(self.ranking_station.currentText())
        self.ranking_empty.setText(empty if not rows else "")
        self.ranking_empty.setVisible(not rows)

    def ranking_rows(self) -> list[list[str]]:
        """The ranking table as shown: 名次, 代表, 联络站, 年度积分, 百分制, 等次."""
        return table_texts(self.ranking_table)
