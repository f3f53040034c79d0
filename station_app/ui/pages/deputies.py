"""代表档案 → 代表名册: paged list with filters, add/edit/deactivate, Excel import/export."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station_app.domain.codes import Level
from station_app.domain.records import DeputyRecord
from station_app.errors import KnownError
from station_app.services import deputies
from station_app.services.deputies import DeputyFilter
from station_app.ui import style
from station_app.ui.dialogs.deputy_dialog import DeputyDialog
from station_app.ui.errors import report as report_error  # `report` is an import's report here
from station_app.ui.excel_export import ExcelExport, paged_sheet
from station_app.ui.models.paged import Column, PagedTableModel
from station_app.ui.station_view import StationViewMixin

INACTIVE = style.qcolor(style.GREY)


def deputy_columns(tr) -> list[Column]:
    return [
        Column(tr("姓名"), lambda r: r.name),
        Column(tr("性别"), lambda r: r.gender_text, centered=True),
        Column(tr("民族"), lambda r: r.ethnicity, centered=True),
        Column(tr("代表层级"), lambda r: r.levels_text),
        Column(tr("代表小组"), lambda r: r.group),
        Column(tr("界别/行业"), lambda r: r.sector),
        Column(tr("党派"), lambda r: r.party),
        Column(tr("联系电话"), lambda r: r.phone),
        Column(tr("届次"), lambda r: r.term, centered=True),
        Column(tr("状态"), lambda r: "在任" if r.active else "不在任", centered=True),
    ]


class DeputiesPage(StationViewMixin, QWidget):
    """Signals:
        changed(): the roster was changed (home tiles follow)
    """

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        title = QLabel(self.tr("代表名册（一人一档）"))
        title.setObjectName("pageTitle")
        lay.addWidget(title)

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("查找：姓名、电话、界别、小组（Ctrl+F）"))
        self.search.setClearButtonEnabled(True)
        self.level = QComboBox()
        self.level.addItem(self.tr("全部层级"), None)
        for lv in Level:
            self.level.addItem(self.tr("{0}级代表").format(lv.label), lv.value)
        self.group = QComboBox()
        self.status = QComboBox()
        self.status.addItem(self.tr("在任"), True)
        self.status.addItem(self.tr("不在任"), False)
        self.status.addItem(self.tr("全部"), None)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.level)
        bar.addWidget(self.group)
        bar.addWidget(self.status)
        lay.addLayout(bar)

        actions = QHBoxLayout()
        self.add_button = QPushButton(self.tr("新增代表"))
        self.edit_button = QPushButton(self.tr("编辑"))
        self.toggle_button = QPushButton(self.tr("设为不在任"))
        self.import_button = QPushButton(self.tr("从Excel导入…"))
        self.template_button = QPushButton(self.tr("下载导入模板…"))
        # the roster in the import template's columns, to edit and import again
        self.export_button = QPushButton(self.tr("导出名册（导入格式）…"))
        # the list as shown (导出Excel…, like every list page)
        self.excel = ExcelExport(self, lambda: self.tr("代表名册.xlsx"),
                                 lambda: [paged_sheet(self.tr("代表名册"), self.table)],
                                 lambda: deputies.count(self.current_filter()))
        for b in (self.add_button, self.edit_button, self.toggle_button):
            actions.addWidget(b)
        actions.addStretch(1)
        for b in (self.import_button, self.template_button, self.export_button, self.excel.button):
            actions.addWidget(b)
        lay.addLayout(actions)

        self.model = PagedTableModel(deputy_columns(self.tr), self._fetch_for(DeputyFilter()), self)
        self.model.set_foreground(lambda r: None if r.active else INACTIVE)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((130, 50, 70, 110, 110, 120, 90, 120, 80)):
            self.table.setColumnWidth(col, width)
        lay.addWidget(self.table, 1)
        self.count_label = QLabel()
        lay.addWidget(self.count_label)

        self.search.textChanged.connect(self._on_filter_changed)
        self.level.currentIndexChanged.connect(self._on_filter_changed)
        self.group.currentIndexChanged.connect(self._on_filter_changed)
        self.status.currentIndexChanged.connect(self._on_filter_changed)
        self.add_button.clicked.connect(self.add_deputy)
        self.edit_button.clicked.connect(self.edit_selected)
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.import_button.clicked.connect(self._on_import)
        self.template_button.clicked.connect(self._on_save_template)
        self.export_button.clicked.connect(self._on_export)
        self.refresh()

    # -- data ---------------------------------------------------------------------------------
    @staticmethod
    def _fetch_for(flt: DeputyFilter):
        return partial(deputies.page, flt)

    def current_filter(self) -> DeputyFilter:
        return DeputyFilter(text=self.search.text().strip(), level=self.level.currentData(),
                            group=self.group.currentData(), active=self.status.currentData(),
                            station_code=self.view_code)

    def refresh(self) -> None:
        """Reload groups and rows (after a change or a restart)."""
        for b in (self.add_button, self.import_button):
            b.setEnabled(self.writable or self.view is None)
            b.setToolTip("" if b.isEnabled() else self.read_only_reason())
        current = self.group.currentData()
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem(self.tr("全部小组"), None)
        for g in deputies.distinct_values("group"):
            self.group.addItem(g, g)
        idx = self.group.findData(current)
        self.group.setCurrentIndex(max(0, idx))
        self.group.blockSignals(False)
        self._on_filter_changed()

    def _on_filter_changed(self, *_args) -> None:
        flt = self.current_filter()
        self.model.set_fetch(self._fetch_for(flt))
        self.count_label.setText(self.tr("共 {0} 名代表").format(deputies.count(flt)))
        self._on_selection_changed()

    def selected(self) -> DeputyRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select_uid(self, uid: str) -> None:
        row = self.model.row_of(lambda r: r.uid == uid)
        while row < 0 and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.row_of(lambda r: r.uid == uid)
        if row >= 0:
            self.table.selectRow(row)

    def _on_selection_changed(self, *_args) -> None:
        rec = self.selected()
        may = rec is not None and (self.writable or self.view is None)
        self.edit_button.setEnabled(may)
        self.toggle_button.setEnabled(may)
        self.toggle_button.setText(self.tr("恢复在任") if rec is not None and not rec.active else self.tr("设为不在任"))

    # -- actions -------------------------------------------------------------------------------
    def add_deputy(self) -> DeputyRecord | None:
        dlg = DeputyDialog(self)
        if dlg.exec() and dlg.saved:
            self.refresh()
            self.select_uid(dlg.saved.uid)
            self.changed.emit()
            return dlg.saved
        return None

    def edit_selected(self) -> None:
        rec = self.selected()
        if rec is None or not self.edit_button.isEnabled():
            return
        dlg = DeputyDialog(self, deputies.get(rec.uid))
        if dlg.exec() and dlg.saved:
            self.refresh()
            self.select_uid(rec.uid)
            self.changed.emit()

    def toggle_selected(self) -> None:
        rec = self.selected()
        if rec is None:
            return
        if rec.active:
            answer = QMessageBox.question(
                self, self.tr("设为不在任"),
                self.tr("确定将 {0} 设为不在任吗？\n不在任的代表不再参加排班和公示，履职记录保留，可随时恢复。").format(rec.name))
            if answer != QMessageBox.StandardButton.Yes:
                return
        deputies.set_active(rec.uid, not rec.active)
        self.refresh()
        self.changed.emit()

    def _on_save_template(self) -> None:
        from station_app.services import deputy_io

        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存导入模板"), self.tr("代表名册导入模板.xlsx"),
                                              self.tr("Excel 文件 (*.xlsx)"))
        if path:
            self._guard(lambda: deputy_io.save_template(path), self.tr("模板已保存：{0}").format(path))

    def _on_export(self) -> None:
        from station_app.services import deputy_io

        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出代表名册"), self.tr("代表名册.xlsx"),
                                              self.tr("Excel 文件 (*.xlsx)"))
        if path:
            flt = self.current_filter()
            self._guard(lambda: deputy_io.export_deputies(path, flt), self.tr("已导出：{0}").format(path))

    def _on_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择代表名册文件"), "",
                                              self.tr("Excel 或 CSV (*.xlsx *.csv)"))
        if path:
            self.import_file(path)

    def import_file(self, path: str):
        """Import a roster file; any bad row → nothing imported and a row-by-row report."""
        from station_app.services import deputy_io

        try:
            report = deputy_io.import_deputies(path)
        except KnownError as exc:
            report_error(exc, self, self.tr("无法导入"))
            return None
        if report.ok:
            QMessageBox.information(self, self.tr("导入完成"), self.tr("已导入 {0} 名代表。").format(report.imported))
            self.refresh()
            self.changed.emit()
        else:
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("导入未完成"),
                              self.tr("文件中有 {0} 处错误，没有导入任何代表。请改正后重新导入。").format(len(report.errors)),
                              parent=self)
            box.setDetailedText(deputy_io.error_report_text(report))
            box.exec()
        return report

    def _guard(self, fn, done_text: str) -> None:
        try:
            fn()
        except KnownError as exc:
            report_error(exc, self, self.tr("操作失败"))
            return
        QMessageBox.information(self, self.tr("完成"), done_text)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()


