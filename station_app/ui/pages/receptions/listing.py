"""接待登记: the paged list of receptions with its filters, edit and delete."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.codes import Channel
from station_app.domain.records import ReceptionRecord
from station_app.errors import KnownError
from station_app.services import privacy, receptions
from station_app.ui import style, tasks
from station_app.ui.dates import NO_DATE, filter_date_edit
from station_app.ui.dialogs.reception_dialog import (
    ReceptionDialog,
)
from station_app.ui.errors import report
from station_app.ui.excel_export import ExcelExport, paged_sheet
from station_app.ui.forms import (
    pydate,
)
from station_app.ui.models.paged import PagedTableModel
from station_app.ui.pages.receptions.common import (
    SEARCH_DELAY_MS,
    ReceptionsPart,
    reception_columns,
)


class ReceptionList(ReceptionsPart):
    """The list of :class:`ReceptionsPage`."""

    def _build_list(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 4, 0, 0)
        bar = QHBoxLayout()
        list_title = QLabel(self.tr("接待记录"))
        style.set_text(list_title, style.DARK_RED, bold=True)
        bar.addWidget(list_title)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("查找：姓名、电话、村（社区）、接待情况（Ctrl+F）"))
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 2)
        bar.addWidget(QLabel(self.tr("日期")))
        self.date_from = filter_date_edit(self)
        self.date_to = filter_date_edit(self)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel(self.tr("至")))
        bar.addWidget(self.date_to)
        self.village_filter = QComboBox()
        self.village_filter.setMinimumWidth(110)
        self.deputy_filter = QComboBox()
        self.deputy_filter.setMinimumWidth(100)
        self.channel_filter = QComboBox()
        self.channel_filter.addItem(self.tr("全部方式"), None)
        for c in Channel:
            self.channel_filter.addItem(c.label, c.value)
        for b in (self.village_filter, self.deputy_filter, self.channel_filter):
            bar.addWidget(b)
        self.full_numbers = QCheckBox(self.tr("显示完整号码"))
        self.full_numbers.setToolTip(self.tr("仅管理员可用：本次登录期间在列表中显示完整的电话和身份证号（记入审计日志）"))
        self.full_numbers.toggled.connect(self._on_full_numbers_toggled)
        bar.addWidget(self.full_numbers)
        lay.addLayout(bar)

        self.model = PagedTableModel(reception_columns(self), self._fetch_for({}), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((130, 80, 110, 100, 50, 80, 140, 70)):
            self.table.setColumnWidth(col, width)
        lay.addWidget(self.table, 1)
        foot = QHBoxLayout()
        self.count_label = QLabel()
        foot.addWidget(self.count_label)
        self._work = tasks.OneAtATime()  # the filters' lists and the list's first page, on a worker
        self.busy = QLabel(self.tr("正在读取…"))
        style.set_text(self.busy, style.TAUPE)
        self.busy.hide()
        foot.addWidget(self.busy)
        foot.addStretch(1)
        self.edit_button = QPushButton(self.tr("修改所选…"))
        self.delete_button = QPushButton(self.tr("删除所选…"))
        self.excel = ExcelExport(self, lambda: self.tr("接待记录.xlsx"),
                                 lambda: [paged_sheet(self.tr("接待记录"), self.table)],
                                 lambda: receptions.count(self.search.text().strip(), **self.filters()))
        self.edit_button.setEnabled(False)  # nothing selected yet
        self.delete_button.setEnabled(False)
        foot.addWidget(self.excel.button)
        foot.addWidget(self.edit_button)
        foot.addWidget(self.delete_button)
        lay.addLayout(foot)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.village_filter, self.deputy_filter, self.channel_filter):
            combo.currentIndexChanged.connect(self.reload)
        self.date_from.dateChanged.connect(self.reload)
        self.date_to.dateChanged.connect(self.reload)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        return w

    # -- list -----------------------------------------------------------------------------------
    def filters(self) -> dict:
        f: dict = {"station_code": self.view_code}
        if self.channel_filter.currentData():
            f["channel"] = self.channel_filter.currentData()
        if self.village_filter.currentData():
            f["village"] = self.village_filter.currentData()
        if self.deputy_filter.currentData():
            f["deputy_uid"] = self.deputy_filter.currentData()
        if self.date_from.date() != NO_DATE:
            f["date_from"] = pydate(self.date_from.date())
        if self.date_to.date() != NO_DATE:
            f["date_to"] = pydate(self.date_to.date())
        return f

    def _fetch_for(self, filters: dict, keyword: str = ""):
        return partial(receptions.page, keyword=keyword, **filters)

    def sync_full_numbers(self) -> None:
        """The 显示完整号码 box: offered only to a role that may unmask, checked as the session is."""
        self.full_numbers.setVisible(privacy.may_reveal())
        self.full_numbers.blockSignals(True)
        self.full_numbers.setChecked(privacy.chosen())
        self.full_numbers.blockSignals(False)

    def _on_full_numbers_toggled(self, on: bool) -> None:
        try:
            privacy.set_revealed(on)  # the service checks the role and writes the audit log
        except KnownError as exc:
            self.sync_full_numbers()
            report(exc, self, self.tr("显示完整号码"))
            return
        self.reload()

    def reload(self, *_args) -> None:
        self._search_timer.stop()
        if not self._ready:
            return
        keyword = self.search.text().strip()
        flt = self.filters()
        fetch = self._fetch_for(flt, keyword)
        # the first page and the count: a worker's job (ui/stall_guard)
        self._work.submit("list", lambda: (fetch(None, PagedTableModel.PAGE), receptions.count(keyword, **flt)),
                          lambda got: self._show_listing(fetch, *got), self.busy,
                          lambda exc: report(exc, show=self.count_label.setText))

    def _show_listing(self, fetch, first, n: int) -> None:
        self.model.set_first_page(fetch, first)
        self.count_label.setText(self.tr("共 {0} 次接待").format(n))
        self._on_selection_changed()

    def selected(self) -> ReceptionRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _on_selection_changed(self, *_args) -> None:
        has = self.selected() is not None and self.writable
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def select_uid(self, uid: str) -> None:
        row = self.model.row_of(lambda r: r.uid == uid)
        while row < 0 and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.row_of(lambda r: r.uid == uid)
        if row >= 0:
            self.table.selectRow(row)

    def edit_selected(self) -> None:
        rec = self.selected()
        if rec is None:
            return
        dlg = ReceptionDialog(receptions.get_for_edit(rec.uid), self)
        if dlg.exec() and dlg.saved:
            self.reload()
            self.select_uid(rec.uid)
            self.saved.emit()
        dlg.deleteLater()

    def delete_selected(self) -> None:
        rec = self.selected()
        if rec is None:
            return
        when = clock.to_local(rec.received_at).strftime("%Y-%m-%d %H:%M")
        text = self.tr("确定删除 {0} {1} 的这次接待登记吗？").format(when, rec.visitor_name)
        if rec.case_count:
            text += self.tr("\n这次来访登记的 {0} 条意见建议也会一并删除。").format(rec.case_count)
        if QMessageBox.question(self, self.tr("删除接待登记"), text) != QMessageBox.StandardButton.Yes:
            return
        try:
            receptions.delete(rec.uid)
        except KnownError as exc:
            report(exc, self, self.tr("无法删除"))
            return
        self.reload()
        self.saved.emit()
