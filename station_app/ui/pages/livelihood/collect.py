"""民生实事 → 征集 (群众点单): the year's candidate projects and the form of one — title, description,
village, estimated cost, responsible department, source, and the opinions (意见建议) it comes from;
初审 moves the chosen candidates onto the shortlist the 主席团 agreed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station_app.domain.livelihood import ProjectRecord, ProjectSource, ProjectStatus, yuan
from station_app.services import cases, livelihood
from station_app.ui import style
from station_app.ui.pages.livelihood.common import Rows, field_errors


class CasePicker(QDialog):
    """Tick the 意见建议 a project comes from: a search over the station's cases (newest first)."""

    def __init__(self, station_code, chosen: tuple[str, ...], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("关联意见建议"))
        self.resize(560, 420)
        self.station_code = station_code
        self.chosen = dict.fromkeys(chosen)
        lay = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("查找：编号、内容、村（社区）"))
        self.search.textChanged.connect(self.fill)
        lay.addWidget(self.search)
        self.list = QListWidget()
        self.list.itemChanged.connect(self._on_item)
        lay.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.fill()

    def fill(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for rec in cases.page(limit=200, keyword=self.search.text().strip(), station_code=self.station_code).rows:
            item = QListWidgetItem(f"{rec.number}　{rec.village or ''}　{rec.content[:40]}")
            item.setData(Qt.ItemDataRole.UserRole, rec.uid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if rec.uid in self.chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)

    def _on_item(self, item: QListWidgetItem) -> None:
        uid = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self.chosen[uid] = None
        else:
            self.chosen.pop(uid, None)

    def case_uids(self) -> tuple[str, ...]:
        return tuple(self.chosen)


class CollectTab(QWidget):
    """征集: the list on top, the form below."""

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.current: ProjectRecord | None = None
        self.case_uids: tuple[str, ...] = ()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 6, 0, 0)
        self.model = Rows([
            (self.tr("站点"), lambda p: p.station_code, None),
            (self.tr("项目名称"), lambda p: p.title, None),
            (self.tr("村（社区）"), lambda p: p.village, None),
            (self.tr("估算资金"), lambda p: yuan(p.estimated_cost) or "—", None),
            (self.tr("责任单位"), lambda p: p.department, None),
            (self.tr("来源"), lambda p: p.source_label, None),
            (self.tr("关联意见建议"), lambda p: "、".join(p.case_numbers), None),
            (self.tr("状态"), lambda p: p.status_label,
             lambda p: style.GREEN if p.status == ProjectStatus.SHORTLISTED.value else None),
        ], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_select)
        lay.addWidget(self.table, 3)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.title = QLineEdit()
        self.title.setPlaceholderText(self.tr("如 东村至西村道路硬化"))
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText(self.tr("建设内容、规模、受益群众"))
        self.description.setFixedHeight(54)
        self.village = QLineEdit()
        self.cost = QLineEdit()
        self.cost.setPlaceholderText(self.tr("元，如 1200000"))
        self.department = QComboBox()
        self.department.setEditable(True)
        self.source = QComboBox()
        for s in ProjectSource:
            self.source.addItem(s.label, s.value)
        self.errors: dict[str, QLabel] = {}
        for key, label, widget in (("title", "项目名称", self.title), ("description", "项目内容", self.description),
                                   ("village", "村（社区）", self.village), ("estimated_cost", "估算资金（元）", self.cost),
                                   ("department", "责任单位", self.department), ("source", "来源", self.source)):
            box = QVBoxLayout()
            box.setSpacing(0)
            box.addWidget(widget)
            err = QLabel()
            style.set_text(err, style.RED)
            err.hide()
            box.addWidget(err)
            self.errors[key] = err
            form.addRow(self.tr(label) + "：", box)
        link = QHBoxLayout()
        self.cases_label = QLabel(self.tr("（无）"))
        self.cases_label.setWordWrap(True)
        self.pick_button = QPushButton(self.tr("选择意见建议…"))
        self.pick_button.clicked.connect(self.pick_cases)
        link.addWidget(self.cases_label, 1)
        link.addWidget(self.pick_button)
        form.addRow(self.tr("关联意见建议："), link)
        lay.addLayout(form, 2)

        row = QHBoxLayout()
        self.new_button = QPushButton(self.tr("新建"))
        self.save_button = QPushButton(self.tr("保存项目"))
        self.save_button.setDefault(True)
        self.shortlist_button = QPushButton(self.tr("初审通过（列入票决）"))
        self.unlist_button = QPushButton(self.tr("退回征集"))
        self.new_button.clicked.connect(lambda: self.show_project(None))
        self.save_button.clicked.connect(self.save)
        self.shortlist_button.clicked.connect(lambda: self.set_shortlisted(True))
        self.unlist_button.clicked.connect(lambda: self.set_shortlisted(False))
        for b in (self.new_button, self.save_button, self.shortlist_button, self.unlist_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)

    # -- reading --------------------------------------------------------------------------------
    def refresh(self) -> None:
        page = self.page
        self.table.setColumnHidden(0, not page.county_view)
        self.model.set_rows(livelihood.list_projects(page.year(), page.view_code) if page.has_view else [])
        current = self.department.currentText()
        self.department.clear()
        self.department.addItems(cases.departments())
        self.department.setEditText(current)
        for w in (self.new_button, self.save_button, self.shortlist_button, self.unlist_button, self.pick_button):
            w.setEnabled(page.writable)
        for field in (self.title, self.village, self.cost, self.description):  # readable, not typeable, for 只读
            field.setReadOnly(not page.writable)
        for combo in (self.department, self.source):
            combo.setEnabled(page.writable)
        if self.current is not None:
            fresh = [p for p in self.model.rows if p.uid == self.current.uid]
            self.show_project(fresh[0] if fresh else None)

    def selected(self) -> list[ProjectRecord]:
        return [self.model.rows[i.row()] for i in self.table.selectionModel().selectedRows()]

    def _on_select(self, *_a) -> None:
        chosen = self.selected()
        if len(chosen) == 1:
            self.show_project(chosen[0])

    def show_project(self, p: ProjectRecord | None) -> None:
        self.current = p
        self.title.setText(p.title if p else "")
        self.description.setPlainText(p.description if p else "")
        self.village.setText(p.village if p else "")
        self.cost.setText(f"{p.estimated_cost / 100:g}" if p and p.estimated_cost else "")
        self.department.setEditText(p.department if p else "")
        self.source.setCurrentIndex(max(0, self.source.findData(p.source if p else ProjectSource.OPINION.value)))
        self.case_uids = p.case_uids if p else ()
        self.cases_label.setText("、".join(p.case_numbers) if p and p.case_numbers else self.tr("（无）"))
        for err in self.errors.values():
            err.hide()
        if p is None:
            self.table.clearSelection()
            self.title.setFocus()

    # -- changing -------------------------------------------------------------------------------
    def pick_cases(self) -> None:
        dlg = CasePicker(self.page.view_code, self.case_uids, self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.set_cases(dlg.case_uids())
        dlg.deleteLater()

    def set_cases(self, uids: tuple[str, ...]) -> None:
        self.case_uids = tuple(uids)
        numbers = [cases.get(u).number for u in self.case_uids]
        self.cases_label.setText("、".join(numbers) or self.tr("（无）"))

    def values(self) -> dict:
        p = self.current  # what the form does not show stays as it is
        return {"title": self.title.text(), "description": self.description.toPlainText(),
                "village": self.village.text(), "estimated_cost": self.cost.text().strip() or None,
                "department": self.department.currentText(), "source": self.source.currentData(),
                "year": p.year if p else self.page.year(), "case_uids": list(self.case_uids),
                "registered_on": p.registered_on if p else None, "note": p.note if p else "",
                "budget": f"{p.budget / 100:.2f}" if p and p.budget is not None else None}

    def save(self) -> None:
        try:
            rec = livelihood.save_project(self.values(), self.current.uid if self.current else None)
        except Exception as exc:  # noqa: BLE001 - a field's message at the field, the rest to report()
            if field_errors(exc, self.errors):
                self.page.say(self.tr("请按红字提示修改后再保存"), error=True)
            else:
                self.page.failed(exc)
            return
        self.current = rec
        self.page.say(self.tr("已保存：{0}").format(rec.title))
        self.page.changed_here()

    def set_shortlisted(self, on: bool) -> None:
        chosen = self.selected() or ([self.current] if self.current else [])
        if not chosen:
            self.page.say(self.tr("请先在列表中选择项目"), error=True)
            return
        try:
            livelihood.shortlist([p.uid for p in chosen], on)
        except Exception as exc:  # noqa: BLE001
            self.page.failed(exc)
            return
        self.page.say(self.tr("{0} 个项目{1}").format(len(chosen), self.tr("初审通过") if on else self.tr("已退回征集")))
        self.page.changed_here()
