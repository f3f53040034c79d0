"""意见办理: the paged list of cases with its filters and selection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from station_app.domain.codes import CaseStatus
from station_app.domain.records import CaseRecord, Page
from station_app.errors import KnownError
from station_app.services import cases, settings
from station_app.ui.dates import NO_DATE
from station_app.ui.errors import report
from station_app.ui.models.paged import PagedTableModel
from station_app.ui.pages.cases.common import (
    CasesPart,
    _fetch,
)


@dataclass(frozen=True)
class _Listing:
    """What the list shows for a filter, read on a worker."""

    first: Page
    count: int
    attention: dict[str, int]
    current: CaseRecord | None  # the case selected before, as it is now

    @staticmethod
    def read(fetch, keyword: str, flt: dict, code: str | None, keep: str | None) -> _Listing:
        current = None
        if keep:
            try:
                current = cases.get(keep)
            except KnownError:
                current = None
        return _Listing(fetch(None, PagedTableModel.PAGE), cases.count(keyword, **flt),
                        cases.attention_counts(station_code=code), current)


class CaseList(CasesPart):
    """The list of :class:`CasesPage` (a mixin: the page holds the widgets)."""

    def filters(self) -> dict:
        f: dict = {"station_code": self.view_code}
        for key, combo in (("status", self.status), ("category", self.category), ("department", self.department),
                           ("deputy_uid", self.deputy), ("village", self.village)):
            if combo.currentData():
                f[key] = combo.currentData()
        if self.overdue.isChecked():
            f["overdue"] = True
        if self.due_soon.isChecked():
            f["due_within"] = int(settings.get("cases.due_soon_days"))
        if self.date_from.date() != NO_DATE:
            q = self.date_from.date()
            f["date_from"] = dt.date(q.year(), q.month(), q.day())
        if self.date_to.date() != NO_DATE:
            q = self.date_to.date()
            f["date_to"] = dt.date(q.year(), q.month(), q.day())
        return f

    def reload(self, *_args) -> None:
        """Run the filters again; keep the selected case selected when it is still listed."""
        self._search_timer.stop()
        if not self._ready:
            return
        keep = self._current.uid if self._current else None
        keyword = self.search.text().strip()
        flt = self.filters()
        fetch, code = partial(_fetch, keyword, flt), self.view_code
        # the first page, the count and the attention counts: a worker's job (ui/stall_guard)
        self._work.submit("list", lambda: _Listing.read(fetch, keyword, flt, code, keep),
                          lambda got: self._show_listing(fetch, got, keep), self.busy,
                          lambda exc: report(exc, show=self.count_label.setText))

    def _show_listing(self, fetch, got: _Listing, keep: str | None) -> None:
        self.model.set_first_page(fetch, got.first)
        n, counts = got.count, got.attention
        self.count_label.setText(self.tr("共 {0} 条").format(n))
        self.overdue_button.setText(self.tr("超期 {0}").format(counts["overdue"]))
        self.due_soon_button.setText(self.tr("即将到期 {0}").format(counts["due_soon"]))
        self.awaiting_button.setText(self.tr("待评价 {0}").format(counts["awaiting_evaluation"]))
        if keep:
            self.select_uid(keep, load_more=False)
        self._show_case(got.current)

    def _reload_current(self, uid: str | None) -> CaseRecord | None:
        if not uid:
            return None
        try:
            return cases.get(uid)
        except KnownError:
            return None

    def _on_overdue_toggled(self, on: bool) -> None:
        if on and self.due_soon.isChecked():
            self.due_soon.blockSignals(True)
            self.due_soon.setChecked(False)
            self.due_soon.blockSignals(False)
        self.reload()

    def _on_due_soon_toggled(self, on: bool) -> None:
        if on and self.overdue.isChecked():
            self.overdue.blockSignals(True)
            self.overdue.setChecked(False)
            self.overdue.blockSignals(False)
        self.reload()

    def reset_filters(self) -> None:
        widgets = (self.search, self.status, self.category, self.department, self.deputy, self.village,
                   self.overdue, self.due_soon, self.date_from, self.date_to)
        for w in widgets:
            w.blockSignals(True)
        self.search.clear()
        for combo in (self.status, self.category, self.department, self.deputy, self.village):
            combo.setCurrentIndex(0)
        self.overdue.setChecked(False)
        self.due_soon.setChecked(False)
        self.date_from.setDate(NO_DATE)
        self.date_to.setDate(NO_DATE)
        for w in widgets:
            w.blockSignals(False)
        self.reload()

    def show_attention(self, which: str) -> None:
        """The quick buttons: only the overdue / due-soon / awaiting-evaluation cases."""
        self.reset_filters()
        if which == "overdue":
            self.overdue.setChecked(True)
        elif which == "due_soon":
            self.due_soon.setChecked(True)
        else:
            self.status.setCurrentIndex(self.status.findData(CaseStatus.REPLIED.value))

    def rows(self) -> list[CaseRecord]:
        return [self.model.record(r).rec for r in range(self.model.rowCount())]

    def select_uid(self, uid: str, load_more: bool = True) -> bool:
        row = self.model.row_of(lambda r: r.rec.uid == uid)
        while row < 0 and load_more and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.row_of(lambda r: r.rec.uid == uid)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
            return True
        return False

    def select_number(self, number: str) -> bool:
        return self.select_uid(cases.get(number).uid)

    def selected(self) -> CaseRecord | None:
        return self._current

    def _on_selection_changed(self, *_args) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            rec = self.model.record(rows[0].row()).rec
            if self._current is None or rec.uid != self._current.uid or rec.updated_at != self._current.updated_at:
                self.message.clear()
                self._show_case(rec)
