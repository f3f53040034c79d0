"""意见办理: one case's detail, timeline, actions and printed sheets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.codes import CaseAction, CaseStatus, Category, Evaluation, Handling, Urgency
from station_app.domain.records import CaseEventRecord, CaseRecord
from station_app.services import cases, livelihood, settings
from station_app.ui import style, tasks
from station_app.ui.errors import report
from station_app.ui.pages.cases.common import (
    SHEETS,
    CasesPart,
    _deadline_text,
)
from station_app.ui.small_screen import scrolling


class CaseDetail(CasesPart):
    """The detail pane of :class:`CasesPage`."""

    def _build_detail(self) -> QWidget:
        w = QFrame()
        w.setObjectName("caseDetail")
        outer = QHBoxLayout(w)
        outer.setContentsMargins(0, 6, 0, 0)
        left = QWidget()
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 8, 0)
        info = QVBoxLayout()  # the case's text and fields scroll; its action buttons stay in view
        info.setContentsMargins(0, 0, 0, 0)
        self.detail_title = QLabel(self.tr("在上面的列表中选择一条意见建议"))
        style.set_text(self.detail_title, style.DARK_RED, bold=True, size_pt=12)
        self.detail_title.setWordWrap(True)
        info.addWidget(self.detail_title)
        self.detail_content = QLabel()
        self.detail_content.setWordWrap(True)
        self.detail_content.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_content.setStyleSheet("font-size: 11pt; padding: 2px 0 4px 0;")
        info.addWidget(self.detail_content)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(3)
        self.fields: dict[str, QLabel] = {}
        spec = (("registered", "登记时间"), ("status", "状态"), ("category", "类别"), ("urgency", "紧急程度"),
                ("handling", "办理方式"), ("rounds", "轮次"), ("visitor", "来访人"), ("village", "村（社区）"),
                ("deputies", "接待代表"), ("evaluation", "群众评价"), ("department", "承办单位"),
                ("co_departments", "协办单位"), ("deadline", "办理期限"), ("livelihood", "民生实事项目"))
        for i, (key, label) in enumerate(spec):
            r, c = divmod(i, 2)
            name = QLabel(self.tr(label) + "：")
            style.set_text(name, style.HINT)
            value = QLabel()
            value.setWordWrap(True)
            value.setObjectName(f"field_{key}")
            self.fields[key] = value
            grid.addWidget(name, r, c * 2, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, r, c * 2 + 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        info.addLayout(grid)
        info.addStretch(1)
        self.detail_scroll = scrolling(info, grow=False)
        lay.addWidget(self.detail_scroll, 1)
        self.actions_row = QHBoxLayout()
        self.actions_hint = QLabel()
        style.set_text(self.actions_hint, style.HINT)
        self.actions_row.addWidget(self.actions_hint)
        self.actions_row.addStretch(1)
        lay.addLayout(self.actions_row)
        prints = QHBoxLayout()
        self.assign_pdf_button = QPushButton(self.tr("交办通知单PDF…"))
        self.feedback_pdf_button = QPushButton(self.tr("反馈单PDF…"))
        self.assign_pdf_button.clicked.connect(lambda: self._on_sheet("assign"))
        self.feedback_pdf_button.clicked.connect(lambda: self._on_sheet("feedback"))
        prints.addWidget(self.assign_pdf_button)
        prints.addWidget(self.feedback_pdf_button)
        prints.addStretch(1)
        lay.addLayout(prints)
        self.message = QLabel()
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        outer.addWidget(left, 5)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(8, 0, 0, 0)
        tl = QLabel(self.tr("办理过程"))
        style.set_text(tl, style.DARK_RED, bold=True)
        rl.addWidget(tl)
        self.timeline = QTableWidget(0, 4)
        self.timeline.setHorizontalHeaderLabels([self.tr("时间"), self.tr("环节"), self.tr("经办人"), self.tr("说明")])
        self.timeline.verticalHeader().hide()
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.timeline.setWordWrap(True)
        th = self.timeline.horizontalHeader()
        for c in (0, 1, 2):
            th.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        th.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        rl.addWidget(self.timeline, 1)
        outer.addWidget(right, 6)
        return w

    # -- detail ---------------------------------------------------------------------------------
    def _show_case(self, rec: CaseRecord | None) -> None:
        self._current = rec
        for b in self.action_buttons.values():
            self.actions_row.removeWidget(b)
            b.hide()
            b.deleteLater()
        self.action_buttons = {}
        if rec is None:
            self.detail_title.setText(self.tr("在上面的列表中选择一条意见建议"))
            self.detail_content.clear()
            for v in self.fields.values():
                v.clear()
            self.timeline.setRowCount(0)
            self.actions_hint.clear()
            self.assign_pdf_button.setEnabled(False)
            self.feedback_pdf_button.setEnabled(False)
            return
        today = clock.today()
        self.detail_title.setText(self.tr("{0}　{1}").format(rec.number, CaseStatus.label_of(rec.status)))
        self.detail_content.setText(rec.content)
        text, overdue, soon = _deadline_text(rec, today, int(settings.get("cases.due_soon_days")))
        values = {
            "registered": clock.to_local(rec.registered_at).strftime("%Y-%m-%d %H:%M"),
            "status": CaseStatus.label_of(rec.status), "category": Category.label_of(rec.category),
            "urgency": Urgency.label_of(rec.urgency), "handling": Handling.label_of(rec.handling),
            "rounds": self.tr("第 {0} 轮").format(rec.rounds),
            "visitor": "　".join(p for p in (rec.visitor_name, rec.visitor_phone) if p),  # masked by the service
            "village": rec.village, "deputies": "、".join(rec.deputy_names),
            "evaluation": Evaluation.label_of(rec.evaluation) or self.tr("（未评价）"),
            "department": rec.department or "—", "co_departments": "、".join(rec.co_departments) or "—",
            "deadline": text or "—",
            "livelihood": "、".join(f"{p.title}（{p.year}年，{p.status_label}）"
                                   for p in livelihood.projects_of_case(rec.uid)) or "—",
        }
        for key, value in values.items():
            self.fields[key].setText(value)
        self.fields["deadline"].setStyleSheet(style.css(style.RED, bold=True) if overdue
                                              else (style.css(style.ORANGE) if soon else ""))
        self.fields["status"].setStyleSheet("font-weight: bold;")
        self._events = cases.events(rec.uid)
        self._fill_timeline(self._events)
        actions = cases.next_actions(rec.uid)
        self.actions_hint.setText(self.tr("下一步：") if actions else self.tr("已办理完毕"))
        if actions and not self.writable:  # another station's case: its own clerk moves it on
            self.actions_hint.setText(self.tr("只读：") + self.read_only_reason())
            actions = []
        for i, action in enumerate(actions):
            b = QPushButton(self.tr("{0}…").format(CaseAction.label_of(action)))
            b.setObjectName(f"action_{action}")
            b.clicked.connect(lambda _=False, a=action: self.open_action(a))
            self.actions_row.insertWidget(1 + i, b)
            self.action_buttons[action] = b
        has_reply = any(e.action == CaseAction.REPLY.value for e in self._events)
        self.assign_pdf_button.setEnabled(rec.handling != Handling.ON_THE_SPOT.value)
        self.feedback_pdf_button.setEnabled(has_reply)

    def _fill_timeline(self, events: list[CaseEventRecord]) -> None:
        self.timeline.setRowCount(len(events))
        for r, e in enumerate(events):
            note = e.note
            if e.evaluation:
                note = Evaluation.label_of(e.evaluation) + (f"：{note}" if note else "")
            if e.department:
                extra = self.tr("承办单位：{0}").format(e.department)
                if e.deadline:
                    extra += self.tr("，期限 {0}").format(e.deadline.isoformat())
                note = f"{extra}" + (f"；{note}" if note else "")
            label = CaseAction.label_of(e.action)
            if e.round > 1 and e.action in (CaseAction.REASSIGN.value,):
                label += self.tr("（第{0}轮）").format(e.round)
            values = (clock.to_local(e.at).strftime("%Y-%m-%d %H:%M"), label, e.actor, note)
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if c == 3:
                    item.setToolTip(v)
                self.timeline.setItem(r, c, item)
        self.timeline.resizeRowsToContents()

    def timeline_actions(self) -> list[str]:
        """The step labels the timeline shows, oldest first (for tests and a quick check)."""
        return [CaseAction.label_of(e.action) for e in self._events]

    # -- steps ----------------------------------------------------------------------------------
    def open_action(self, action: str) -> CaseRecord | None:
        from station_app.ui.dialogs.case_action_dialog import CaseActionDialog

        rec = self._current
        if rec is None:
            return None
        dlg = CaseActionDialog(rec, action, cases.departments(), self)
        done = None
        if dlg.exec() and dlg.result_record is not None:
            done = dlg.result_record
        dlg.deleteLater()
        if done is not None:
            style.set_text(self.message, style.GREEN)
            self.message.setText(self.tr("{0}：已{1}，现在{2}").format(
                done.number, CaseAction.label_of(action), CaseStatus.label_of(done.status)))
            self._current = done
            self.reload()
            self.changed.emit()
        return done

    def manage_departments(self) -> None:
        from station_app.ui.dialogs.departments_dialog import DepartmentsDialog

        dlg = DepartmentsDialog(self)
        dlg.exec()
        changed = dlg.changed
        dlg.deleteLater()
        if changed:
            self._fill_filters()

    # -- sheets ---------------------------------------------------------------------------------
    def _on_sheet(self, kind: str) -> None:
        rec = self._current
        if rec is None:
            return
        default = self.tr("{0}-{1}.pdf").format(SHEETS[kind], rec.number)
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存PDF"), default, self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save_sheet(kind, path)

    def save_sheet(self, kind: str, path: str, preview: bool = True) -> None:
        """Write the 交办通知单 (``assign``) or 反馈单 (``feedback``) of the selected case, then preview it."""
        rec = self._current
        if rec is None:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        uid = rec.uid
        style.set_text(self.message, style.TEXT_DIM)
        self.message.setText(self.tr("正在生成PDF…"))

        def done(_result) -> None:
            style.set_text(self.message, style.GREEN)
            self.message.setText(self.tr("已保存：{0}").format(path))
            if preview:
                self.show_preview(path, self.tr("{0} {1}").format(SHEETS[kind], rec.number))

        def failed(exc: Exception) -> None:
            def show(text: str) -> None:
                style.set_text(self.message, style.RED)
                self.message.setText(text)

            report(exc, show=show)

        tasks.run_task(lambda: cases.print_sheet(uid, kind, path), done, failed)

    def show_preview(self, path: str, title: str) -> None:
        from station_app.ui.pdfview import show_saved_pdf

        self.preview_dialog = show_saved_pdf(self, self.preview_dialog, path, self.tr("预览：{0}").format(title))
