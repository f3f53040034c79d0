"""审计日志: every audit entry — who, when, what — for an administrator (issue 19 item 3).

Filters 用户 / 操作 / 数据表 / 日期, a paged table (``services.audit.page``: keyset from SQL, flat
memory however long the log), 导出Excel of the current filter, and the hash chain's state
(完整, or the first entry edited, deleted or inserted). Shown only when the logged-in user may
read the log (``Permission.READ_AUDIT``: an administrator, or nobody logged in on a plain
database); otherwise the page says so and reads nothing.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.audit_chain import action_label, table_label
from station_app.domain.records import Page
from station_app.domain.roles import Permission
from station_app.services import audit, context
from station_app.ui import style
from station_app.ui.dates import NO_DATE, filter_date_edit
from station_app.ui.excel_export import ExcelExport, paged_sheet
from station_app.ui.models.paged import Column, PagedTableModel


def audit_columns(tr) -> list[Column]:
    return [
        Column(tr("序号"), lambda r: "" if r.seq is None else str(r.seq), centered=True),
        Column(tr("时间"), lambda r: clock.to_local(r.at).strftime("%Y-%m-%d %H:%M:%S")),
        Column(tr("用户"), lambda r: r.actor),
        Column(tr("操作"), lambda r: r.action_label, centered=True),
        Column(tr("数据表"), lambda r: r.table_label),
        Column(tr("站点"), lambda r: r.station_code),
        Column(tr("记录"), lambda r: r.record_uid),
        Column(tr("说明"), lambda r: r.summary),
    ]


class AuditPage(QWidget):
    """The audit log, filtered and paged, with its chain's state and an Excel export."""

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        title = QLabel(self.tr("审计日志"))
        title.setObjectName("pageTitle")
        lay.addWidget(title)
        self.denied = QLabel(self.tr("只有管理员可以查看审计日志。"))
        self.denied.setObjectName("auditDenied")
        lay.addWidget(self.denied)
        self.chain_label = QLabel()
        self.chain_label.setObjectName("auditChain")
        self.chain_label.setWordWrap(True)
        lay.addWidget(self.chain_label)

        bar = QHBoxLayout()
        self.user_filter = QComboBox()
        self.action_filter = QComboBox()
        self.table_filter = QComboBox()
        for combo, width in ((self.user_filter, 110), (self.action_filter, 110), (self.table_filter, 120)):
            combo.setMinimumWidth(width)
            bar.addWidget(combo)
        bar.addWidget(QLabel(self.tr("日期")))
        self.date_from = filter_date_edit(self)
        self.date_to = filter_date_edit(self)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel(self.tr("至")))
        bar.addWidget(self.date_to)
        bar.addStretch(1)
        self.check_button = QPushButton(self.tr("重新校验"))
        bar.addWidget(self.check_button)
        lay.addLayout(bar)

        self.model = PagedTableModel(audit_columns(self.tr), self._fetch_for({}), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((60, 150, 90, 90, 90, 60, 150)):
            self.table.setColumnWidth(col, width)
        lay.addWidget(self.table, 1)

        foot = QHBoxLayout()
        self.count_label = QLabel()
        foot.addWidget(self.count_label)
        foot.addStretch(1)
        self.excel = ExcelExport(self, lambda: self.tr("审计日志.xlsx"),
                                 lambda: [paged_sheet(self.tr("审计日志"), self.table)],
                                 lambda: audit.count(**self.filters()))
        foot.addWidget(self.excel.button)
        lay.addLayout(foot)

        for combo in (self.user_filter, self.action_filter, self.table_filter):
            combo.currentIndexChanged.connect(self.reload)
        self.date_from.dateChanged.connect(self.reload)
        self.date_to.dateChanged.connect(self.reload)
        self.check_button.clicked.connect(self.show_chain)
        self._loading = False
        self.refresh()

    # -- data -----------------------------------------------------------------------------------
    @property
    def allowed(self) -> bool:
        return context.may(Permission.READ_AUDIT)

    def filters(self) -> dict:
        f: dict = {}
        for key, combo in (("user", self.user_filter), ("action", self.action_filter), ("table", self.table_filter)):
            if combo.currentData():
                f[key] = combo.currentData()
        for key, edit in (("date_from", self.date_from), ("date_to", self.date_to)):
            if edit.date() != NO_DATE:
                f[key] = dt.date.fromisoformat(edit.date().toString("yyyy-MM-dd"))
        return f

    def _fetch_for(self, filters: dict):
        if not self.allowed:
            return lambda _after, _limit: Page(())
        return lambda after, limit: audit.page(after, limit, **filters)

    def _fill_choices(self) -> None:
        choices = audit.choices()
        self._loading = True
        try:
            for combo, everything, values, label in (
                    (self.user_filter, self.tr("全部用户"), choices.users, str),
                    (self.action_filter, self.tr("全部操作"), choices.actions, action_label),
                    (self.table_filter, self.tr("全部数据表"), choices.tables, table_label)):
                chosen = combo.currentData()
                combo.clear()
                combo.addItem(everything, "")
                for value in values:
                    combo.addItem(label(value), value)
                combo.setCurrentIndex(max(0, combo.findData(chosen)))
        finally:
            self._loading = False

    def refresh(self) -> None:
        """Read the filters' choices, the list and the chain's state again."""
        allowed = self.allowed
        self.denied.setVisible(not allowed)
        for w in (self.table, self.excel.button, self.check_button, self.user_filter, self.action_filter,
                  self.table_filter, self.date_from, self.date_to):
            w.setEnabled(allowed)
        if allowed:
            self._fill_choices()
        self.reload()
        self.show_chain()

    def reload(self) -> None:
        if self._loading:
            return
        filters = self.filters()
        self.model.set_fetch(self._fetch_for(filters))
        n = audit.count(**filters) if self.allowed else 0
        self.count_label.setText(self.tr("共 {0} 条").format(n))

    def show_chain(self) -> None:
        """校验 the whole chain and say 完整 or where it breaks."""
        if not self.allowed:
            self.chain_label.setText("")
            return
        finding = audit.verify_chain()
        if finding is None:
            self.chain_label.setText(self.tr("校验：完整（每一条都未被改动、删除或插入）"))
            self.chain_label.setStyleSheet(f"color: {style.GREEN};")
        else:
            self.chain_label.setText(self.tr("校验：{0}").format(finding.message))
            self.chain_label.setStyleSheet(f"color: {style.RED}; font-weight: bold;")

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.refresh()
