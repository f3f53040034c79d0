"""民生实事 → 票决 (代表定单): the 票决 session at the 乡镇人代会 — date, meeting, deputies present, the
number to approve — the votes (per deputy: a grid deputy × project of 赞成/反对/弃权; or the counts of
the paper ballots per project), the result with quorum and approval by more than half of ALL
deputies, 确认结果, and the 选票 / 计票结果公告 PDFs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.domain import clock
from station_app.domain.livelihood import (
    ProjectStatus,
    SessionRecord,
    SessionResult,
    SessionStatus,
    SessionVotes,
    Tally,
    VoteChoice,
)
from station_app.services import deputies, livelihood, livelihood_print
from station_app.services.deputies import DeputyFilter
from station_app.ui import style
from station_app.ui.dates import limit_date_edit
from station_app.ui.forms import qdate
from station_app.ui.pages.livelihood.common import Rows

NO_VOTE = ""
HEAD_CHARS = 6  # a project's title in the per-deputy grid's head, cut to this many characters


def _checked(widget: QListWidget) -> list[str]:
    return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


def _fill_checks(widget: QListWidget, items: list[tuple[str, str]], checked: set[str]) -> None:
    widget.clear()
    for uid, text in items:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, uid)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if uid in checked else Qt.CheckState.Unchecked)
        widget.addItem(item)


class VoteTab(QWidget):
    """票决: the session on the left, the votes and the result on the right."""

    def __init__(self, page):
        super().__init__()
        from PySide6.QtWidgets import QDateEdit

        self.page = page
        self.session: SessionRecord | None = None
        self.result: SessionResult | None = None
        self.recorded: SessionVotes | None = None  # the votes saved, shown in the grid
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 6, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("票决会议：")))
        self.sessions = QComboBox()
        self.sessions.currentIndexChanged.connect(self._on_session)
        top.addWidget(self.sessions, 1)
        self.new_session_button = QPushButton(self.tr("新的票决"))
        self.new_session_button.clicked.connect(lambda: self.show_session(None))
        top.addWidget(self.new_session_button)
        outer.addLayout(top)
        split = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(split, 1)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 6, 0)
        form = QFormLayout()
        self.date = limit_date_edit(QDateEdit())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.meeting = QLineEdit()
        self.meeting.setPlaceholderText(self.tr("如 某某镇第十八届人民代表大会第三次会议"))
        self.total = QSpinBox()
        self.total.setRange(0, 9999)
        self.total.setToolTip(self.tr("全体代表人数：过半数按这个人数计算"))
        self.quota = QSpinBox()
        self.quota.setRange(0, 999)
        form.addRow(self.tr("票决日期："), self.date)
        form.addRow(self.tr("会议名称："), self.meeting)
        form.addRow(self.tr("全体代表人数："), self.total)
        form.addRow(self.tr("拟确定项目数："), self.quota)
        ll.addLayout(form)
        ll.addWidget(QLabel(self.tr("选票上的项目（初审通过的）：")))
        self.ballot = QListWidget()
        ll.addWidget(self.ballot, 1)
        self.present_label = QLabel(self.tr("出席代表："))
        ll.addWidget(self.present_label)
        self.present = QListWidget()
        self.present.itemChanged.connect(self._count_present)
        ll.addWidget(self.present, 2)
        self.save_session_button = QPushButton(self.tr("保存票决安排"))
        self.save_session_button.clicked.connect(self.save_session)
        ll.addWidget(self.save_session_button)
        split.addWidget(left)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        modes = QHBoxLayout()
        self.per_deputy = QRadioButton(self.tr("逐人录入表决票"))
        self.paper = QRadioButton(self.tr("录入纸质选票汇总数"))
        self.per_deputy.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.per_deputy)
        group.addButton(self.paper)
        self.per_deputy.toggled.connect(self._fill_votes)
        modes.addWidget(self.per_deputy)
        modes.addWidget(self.paper)
        modes.addStretch(1)
        rl.addLayout(modes)
        self.votes = QTableWidget()
        self.votes.verticalHeader().setDefaultSectionSize(30)
        rl.addWidget(self.votes, 3)
        self.save_votes_button = QPushButton(self.tr("保存表决票"))
        self.save_votes_button.clicked.connect(self.save_votes)
        rl.addWidget(self.save_votes_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        rl.addWidget(self.result_label)
        self.result_model = Rows([
            (self.tr("名次"), lambda r: r.rank, None),
            (self.tr("项目"), lambda r: r.title, None),
            (self.tr("赞成"), lambda r: r.votes_for, None),
            (self.tr("反对"), lambda r: r.against, None),
            (self.tr("弃权"), lambda r: r.abstain, None),
            (self.tr("结果"), lambda r: (self.tr("通过，入选") if r.approved else self.tr("通过，未入选"))
             if r.passed else self.tr("未通过"), lambda r: style.GREEN if r.approved else (None if r.passed else style.RED)),
        ], self)
        self.result_table = QTableView()
        self.result_table.setModel(self.result_model)
        self.result_table.verticalHeader().hide()
        self.result_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.result_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.result_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        rl.addWidget(self.result_table, 2)
        row = QHBoxLayout()
        self.close_button = QPushButton(self.tr("确认票决结果"))
        self.ballot_pdf_button = QPushButton(self.tr("打印选票…"))
        self.tally_pdf_button = QPushButton(self.tr("打印计票结果公告…"))
        self.close_button.clicked.connect(self.close_session)
        self.ballot_pdf_button.clicked.connect(lambda: self.print_sheet("ballot"))
        self.tally_pdf_button.clicked.connect(lambda: self.print_sheet("tally"))
        for b in (self.close_button, self.ballot_pdf_button, self.tally_pdf_button):
            row.addWidget(b)
        row.addStretch(1)
        rl.addLayout(row)
        split.addWidget(right)
        split.setStretchFactor(1, 2)

    # -- reading --------------------------------------------------------------------------------
    def refresh(self) -> None:
        keep = self.session.uid if self.session else None
        page = self.page
        found = livelihood.list_sessions(page.year(), page.view_code) if page.has_view else []
        self.sessions.blockSignals(True)
        self.sessions.clear()
        for s in found:  # 全县: which station's session
            where = f"［{s.station_code}］" if page.county_view else ""
            self.sessions.addItem(f"{where}{s.date.isoformat()}　{s.meeting_name}（{s.status_label}）", s.uid)
        self.sessions.blockSignals(False)
        index = self.sessions.findData(keep) if keep else (self.sessions.count() - 1)
        if index >= 0:
            self.sessions.setCurrentIndex(index)
            self.show_session(livelihood.get_session(self.sessions.itemData(index)))
        else:
            self.show_session(None)

    def _on_session(self, index: int) -> None:
        if index >= 0:
            self.show_session(livelihood.get_session(self.sessions.itemData(index)))

    def _deputies(self, code: str | None):
        return deputies.all_deputies(DeputyFilter(active=True, station_code=code)) if code else []

    def show_session(self, s: SessionRecord | None) -> None:
        self.session = s
        page = self.page
        code = s.station_code if s else page.view_code
        people = self._deputies(code)
        if s is None:
            self.sessions.setCurrentIndex(-1)
            self.date.setDate(qdate(clock.today()))
            self.meeting.clear()
            self.total.setValue(len(people))
            self.quota.setValue(0)
            ballot = [p for p in livelihood.list_projects(page.year(), code, ProjectStatus.SHORTLISTED.value)] \
                if code else []
            _fill_checks(self.ballot, [(p.uid, p.title) for p in ballot], {p.uid for p in ballot})
            _fill_checks(self.present, [(d.uid, d.name) for d in people], set())
        else:
            self.date.setDate(qdate(s.date))
            self.meeting.setText(s.meeting_name)
            self.meeting.setCursorPosition(0)  # the name's beginning when the field is narrow
            self.meeting.setToolTip(s.meeting_name)
            self.total.setValue(s.deputies_total)
            self.quota.setValue(s.quota)
            titles = {p.uid: p.title for p in livelihood.list_projects(None, s.station_code)}
            _fill_checks(self.ballot, [(u, titles.get(u, u)) for u in s.project_uids], set(s.project_uids))
            _fill_checks(self.present, [(d.uid, d.name) for d in people], set(s.present_deputy_uids))
        planned = s is None or s.status == SessionStatus.PLANNED.value
        for w in (self.date, self.meeting, self.total, self.quota, self.ballot, self.present,
                  self.save_session_button):
            w.setEnabled(page.writable and planned)
        for w in (self.save_votes_button, self.close_button, self.votes):
            w.setEnabled(page.writable and s is not None and planned)
        self.ballot_pdf_button.setEnabled(s is not None)
        self.tally_pdf_button.setEnabled(s is not None)
        self._count_present()
        self.recorded = livelihood.votes_of(s.uid) if s else None
        if self.recorded and (self.recorded.paper and not self.recorded.choices) != self.paper.isChecked():
            self.per_deputy.blockSignals(True)  # show the way the session was counted
            (self.paper if self.recorded.paper else self.per_deputy).setChecked(True)
            self.per_deputy.blockSignals(False)
        self._fill_votes()
        self._show_result()

    def _count_present(self, *_a) -> None:
        n = len(_checked(self.present))
        total = self.total.value()
        ok = total > 0 and 2 * n > total
        self.present_label.setText(self.tr("出席代表：{0} 人（全体 {1} 人，{2}）").format(
            n, total, self.tr("超过半数") if ok else self.tr("未过半数")))
        style.set_text(self.present_label, None if ok else style.RED)

    def _ballot_titles(self) -> list[tuple[str, str]]:
        return [(self.ballot.item(i).data(Qt.ItemDataRole.UserRole), self.ballot.item(i).text())
                for i in range(self.ballot.count())]

    def _fill_votes(self, *_a) -> None:
        s = self.session
        self.votes.clear()
        if s is None:
            self.votes.setRowCount(0)
            self.votes.setColumnCount(0)
            return
        projects = [(u, t) for u, t in self._ballot_titles() if u in s.project_uids]
        saved = self.recorded or SessionVotes(s.uid, {}, {}, {})
        if self.per_deputy.isChecked():
            names = dict(zip(s.present_deputy_uids, s.present_names, strict=True))
            self.votes.setColumnCount(len(projects))
            self.votes.setRowCount(len(s.present_deputy_uids))
            for c, (_u, title) in enumerate(projects):  # a short head, the whole title on hover
                head = QTableWidgetItem(title if len(title) <= HEAD_CHARS else title[:HEAD_CHARS] + "…")
                head.setToolTip(title)
                self.votes.setHorizontalHeaderItem(c, head)
            self.votes.setVerticalHeaderLabels([names[u] for u in s.present_deputy_uids])
            for r, deputy in enumerate(s.present_deputy_uids):
                for c, (project, _t) in enumerate(projects):
                    box = QComboBox()
                    box.addItem(self.tr("（未录）"), NO_VOTE)
                    for v in VoteChoice:
                        box.addItem(v.label, v.value)
                    box.setCurrentIndex(max(0, box.findData(saved.choice(deputy, project) or NO_VOTE)))
                    self.votes.setCellWidget(r, c, box)
        else:
            self.votes.setColumnCount(3)
            self.votes.setRowCount(len(projects))
            self.votes.setHorizontalHeaderLabels([v.label for v in VoteChoice])
            self.votes.setVerticalHeaderLabels([t for _u, t in projects])
            for r, (project, _t) in enumerate(projects):
                counts = saved.paper.get(project, Tally())
                for c, n in enumerate((counts.votes_for, counts.against, counts.abstain)):
                    spin = QSpinBox()
                    spin.setRange(0, 9999)
                    spin.setValue(n)
                    self.votes.setCellWidget(r, c, spin)
        # a grid of many projects scrolls sideways rather than squeezing 赞成 to "赞"
        self.votes.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents if self.per_deputy.isChecked() else QHeaderView.ResizeMode.Stretch)

    def set_vote(self, deputy_uid: str, project_uid: str, choice: str) -> None:
        """Set one cell of the per-deputy grid (the clerk's pick)."""
        box = self._vote_box(deputy_uid, project_uid)
        box.setCurrentIndex(box.findData(choice))

    def shown_vote(self, deputy_uid: str, project_uid: str) -> str:
        """The label a cell of the per-deputy grid shows (赞成/反对/弃权/（未录）)."""
        return self._vote_box(deputy_uid, project_uid).currentText()

    def _vote_box(self, deputy_uid: str, project_uid: str) -> QComboBox:
        s = self.session
        assert s is not None, "the per-deputy grid shows a saved session"
        box = self.votes.cellWidget(s.present_deputy_uids.index(deputy_uid), list(s.project_uids).index(project_uid))
        assert isinstance(box, QComboBox), "each cell of the per-deputy grid is a choice of 赞成/反对/弃权"
        return box

    def _show_result(self) -> None:
        s = self.session
        self.result = livelihood.session_result(s.uid) if s else None
        res = self.result
        self.result_model.set_rows(res.rows if res else [])
        if s is None or res is None:  # a result is there exactly when a session is
            self.result_label.setText(self.tr("保存票决安排后录入表决票。"))
            style.set_text(self.result_label, style.HINT)
            return
        quorum = self.tr("出席 {0} 人，超过全体代表 {1} 人的半数，票决有效").format(res.present, s.deputies_total) \
            if res.quorum_ok else self.tr("出席 {0} 人，未超过全体代表 {1} 人的半数，票决无效").format(
                res.present, s.deputies_total)
        text = self.tr("{0}。以全体代表过半数赞成为通过：赞成票至少 {1} 票；拟确定 {2} 项，入选 {3} 项。").format(
            quorum, res.majority, s.quota, len(res.approved))
        if res.missing:
            text += self.tr("还没有录入表决票的项目：{0}。").format("、".join(res.missing))
        if s.status == SessionStatus.HELD.value:
            text += self.tr("（结果已确认）")
        self.result_label.setText(text)
        style.set_text(self.result_label, None if res.quorum_ok else style.RED)

    # -- changing -------------------------------------------------------------------------------
    def save_session(self) -> None:
        values = {"date": self.date.date().toPython(), "meeting_name": self.meeting.text(),
                  "deputies_total": self.total.value(), "quota": self.quota.value(),
                  "present_deputy_uids": _checked(self.present), "project_uids": _checked(self.ballot)}
        try:
            s = livelihood.create_session(values, self.session.uid if self.session else None)
        except Exception as exc:  # noqa: BLE001 - messages on the page's line, bugs to report()
            self.page.failed(exc)
            return
        self.session = s
        self.page.say(self.tr("已保存票决安排：{0}").format(s.meeting_name))
        self.page.changed_here()

    def save_votes(self) -> None:
        s = self.session
        if s is None:
            return
        projects = list(s.project_uids)
        votes: dict[str, dict[str, str]] = {}
        tallies: dict[str, tuple[int, int, int]] = {}
        if self.per_deputy.isChecked():
            for r, deputy in enumerate(s.present_deputy_uids):
                votes[deputy] = {project: self.votes.cellWidget(r, c).currentData()
                                 for c, project in enumerate(projects) if self.votes.cellWidget(r, c).currentData()}
        else:
            for r, project in enumerate(projects):
                f, a, ab = (self.votes.cellWidget(r, c).value() for c in range(3))
                if f or a or ab:
                    tallies[project] = (f, a, ab)
        try:  # every deputy's ballot, or none (nothing half-saved)
            livelihood.save_ballots(s.uid, votes, tallies)
        except Exception as exc:  # noqa: BLE001
            self.page.failed(exc)
            self._show_result()
            return
        self.recorded = livelihood.votes_of(s.uid)
        self.page.say(self.tr("已保存表决票"))
        self._show_result()

    def close_session(self) -> None:
        if self.session is None:
            return
        try:
            res = livelihood.close_session(self.session.uid)
        except Exception as exc:  # noqa: BLE001
            self.page.failed(exc)
            return
        self.page.say(self.tr("票决结果已确认：通过 {0} 项").format(len(res.approved)))
        self.page.changed_here()

    def print_sheet(self, kind: str) -> None:
        s = self.session
        if s is None:
            return
        uid = s.uid
        if kind == "ballot":
            make, title = (lambda path: livelihood_print.print_ballot(uid, path, None)), self.tr("民生实事项目票决选票")
        else:
            make, title = (lambda path: livelihood_print.print_tally(uid, path, None)), self.tr("计票结果公告")
        self.page.ask_pdf(make, f"{title}-{s.date.isoformat()}.pdf", title)
