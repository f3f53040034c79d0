"""民生实事 page driven through real widgets on a real database: candidates (one linked to a case,
which the case detail then shows), 初审, a 票决 session with the deputies present, votes per deputy,
确认结果 with the approved ones ranked, a milestone added and completed, the 评单 with the 再督办
flag, the PDFs from the page; and the page read-only for a 只读 user."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from PySide6.QtCore import QDate, Qt

from station_app.domain import clock
from station_app.domain.records import DeputyData, OpinionData, ReceptionData
from station_app.services import cases, deputies, livelihood, receptions, station
from tests.conftest import TEST_STATION
from tests.ui.conftest import type_text

SHOTS = "/tmp/l2png"


def _setup():
    station.save_home_station(TEST_STATION)
    people = [deputies.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英", "张伟")]
    data = ReceptionData(received_at=clock.now() - dt.timedelta(minutes=5), channel="visit", visitor_name="赵大娘",
                         village="青石村")
    rec = receptions.record_visit(data, [OpinionData("村里到镇上的路坑洼不平，下雨天没法走", "infrastructure", "assigned",
                                                     department="镇交通办")])
    return people, cases.page(reception_uid=rec.uid).rows[0]


def _grab(page, name):
    page.grab().save(f"{SHOTS}/{name}.png")


def _new_candidate(qtbot, tab, title, cost, case_uids=()):
    tab.new_button.click()
    type_text(qtbot, tab.title, title)
    tab.cost.setText(cost)
    tab.department.setEditText("镇交通办")
    if case_uids:
        tab.set_cases(case_uids)
    tab.save_button.click()


def test_from_candidate_to_rating(open_window, qtbot, db_path, tmp_path):
    import os

    os.makedirs(SHOTS, exist_ok=True)
    win = open_window(str(db_path))
    (wang, li, zhang), case = _setup()
    win.resize(1280, 800)
    win.show_page("livelihood")
    page = win.page("livelihood")
    page.refresh()
    year = page.year()

    # 征集: three candidates, the road linked to the villager's opinion
    tab = page.collect
    _new_candidate(qtbot, tab, "青石村通组道路硬化", "1200000", (case.uid,))
    assert "已保存" in page.message.text()
    _new_candidate(qtbot, tab, "镇卫生院康复科建设", "850000")
    _new_candidate(qtbot, tab, "文化广场亮化", "300000")
    assert [p.title for p in tab.model.rows] == ["文化广场亮化", "镇卫生院康复科建设", "青石村通组道路硬化"]
    road = next(p for p in tab.model.rows if p.title == "青石村通组道路硬化")
    assert road.case_numbers == (case.number,) and road.estimated_cost == 120000000
    # bad input is stopped at the field, nothing saved
    tab.new_button.click()
    tab.save_button.click()
    assert tab.errors["title"].isVisibleTo(page) and "项目名称" in tab.errors["title"].text()
    assert len(livelihood.list_projects(year)) == 3
    _grab(page, "livelihood-collect")

    # the case detail shows the project it went into
    win.show_page("cases")
    cases_page = win.page("cases")
    cases_page.refresh()
    cases_page._show_case(cases.get(case.uid))
    assert "青石村通组道路硬化" in cases_page.fields["livelihood"].text()
    win.show_page("livelihood")

    # 初审: all three onto the ballot
    tab.table.selectAll()
    tab.shortlist_button.click()
    assert {p.status_label for p in tab.model.rows} == {"初审通过"}

    # 票决: session with two of three deputies present (a quorum), quota 1
    page.tabs.setCurrentWidget(page.vote)
    vote = page.vote
    vote.new_session_button.click()
    vote.date.setDate(QDate(year, 1, 10))
    type_text(qtbot, vote.meeting, "青石镇第十八届人民代表大会第三次会议")
    assert vote.total.value() == 3
    vote.quota.setValue(1)
    for i in range(vote.present.count()):
        if vote.present.item(i).text() in ("王建国", "李秀英"):
            vote.present.item(i).setCheckState(Qt.CheckState.Checked)
    assert "2 人（全体 3 人，超过半数）" in vote.present_label.text()
    vote.save_session_button.click()
    s = vote.session
    assert s is not None and len(s.project_uids) == 3 and set(s.present_deputy_uids) == {wang, li}
    titles = {p.title: p.uid for p in livelihood.list_projects(year)}
    for deputy in (wang, li):
        vote.set_vote(deputy, titles["青石村通组道路硬化"], "for")
        vote.set_vote(deputy, titles["文化广场亮化"], "against")
    vote.set_vote(wang, titles["镇卫生院康复科建设"], "for")
    vote.set_vote(li, titles["镇卫生院康复科建设"], "abstain")
    vote.save_votes_button.click()
    assert "已保存表决票" in page.message.text()
    assert "赞成票至少 2 票" in vote.result_label.text()
    _grab(page, "livelihood-vote")
    vote.close_button.click()
    assert "通过 1 项" in page.message.text()
    ranked = [(r.rank, r.title, r.votes_for, r.approved) for r in vote.result_model.rows]
    assert ranked[0] == (1, "青石村通组道路硬化", 2, True)
    assert not any(r[3] for r in ranked[1:])  # 卫生院 has 1 of 3: not more than half of ALL deputies
    assert not vote.save_votes_button.isEnabled()
    # the closed session's grid shows each deputy's votes as entered, read back from the database
    assert vote.session.status == "held" and vote.per_deputy.isChecked()
    assert [vote.shown_vote(d, titles["镇卫生院康复科建设"]) for d in (wang, li)] == ["赞成", "弃权"]
    assert vote.shown_vote(li, titles["文化广场亮化"]) == "反对"
    ballot, tally = tmp_path / "ballot.pdf", tmp_path / "tally.pdf"
    page.save_pdf(lambda p: __import__("station_app.services.livelihood_print", fromlist=["x"]).print_ballot(
        s.uid, p, None), str(ballot), "选票", preview=False)
    vote_pdf_text = _pdf_text(tally, lambda p: __import__(
        "station_app.services.livelihood_print", fromlist=["x"]).print_tally(s.uid, p, None), page)
    assert ballot.exists()
    assert "应到代表3名，实到2名" in vote_pdf_text and "票决产生民生实事项目1件" in vote_pdf_text

    # 实施督查: the approved project, a milestone added (overdue: in red) and completed
    page.tabs.setCurrentWidget(page.implement)
    imp = page.implement
    assert [p.title for p in imp.model.rows] == ["青石村通组道路硬化"]
    imp.select(road.uid)
    type_text(qtbot, imp.ms_title, "完成招标")
    imp.ms_planned.setDate(QDate(clock.today() - dt.timedelta(days=3)))
    imp.add_ms_button.click()
    assert [m.title for m in imp.ms_model.rows] == ["完成招标"]
    red = imp.ms_model.data(imp.ms_model.index(0, 3), Qt.ItemDataRole.ForegroundRole)
    assert red is not None and red.name().upper() == "#C00000"
    assert "民生实事节点逾期 1 个" in win.home.cases_text() or _home_after(win, "民生实事节点逾期 1 个")
    imp.progress.setValue(40)
    imp.progress_button.click()
    _grab(page, "livelihood-implement")
    imp.ms_table.selectRow(0)
    imp.done_ms_button.click()
    assert imp.ms_model.rows[0].actual_date == clock.today() and not imp.ms_model.rows[0].overdue
    assert livelihood.get_project(road.uid).progress == 40

    # 评单: two 不满意, one 满意 → 再督办
    page.tabs.setCurrentWidget(page.rating)
    rt = page.rating
    rt.set_rating(wang, "dissatisfied")
    rt.set_rating(li, "dissatisfied")
    rt.set_rating(zhang, "satisfied")
    rt.save_button.click()
    assert "满意 1，基本满意 0，不满意 2" in rt.tally.text() and "再督办" in rt.tally.text()
    _grab(page, "livelihood-rating")
    rt.carry_button.click()
    assert f"转入{year + 1}年再督办" in page.message.text()
    assert [p.title for p in livelihood.list_projects(year + 1)] == ["青石村通组道路硬化"]

    # the small window still shows the page
    win.resize(1024, 640)
    page.tabs.setCurrentWidget(page.vote)
    _grab(page, "livelihood-vote-small")


def _home_after(win, text):
    win.home.refresh()
    return text in win.home.cases_text()


def _pdf_text(path, make, page):
    page.save_pdf(make, str(path), "x", preview=False)
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed")
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.replace(" ", "").replace("\n", "")


def test_read_only_for_a_readonly_user(open_window, qtbot, db_path):
    from station_app.domain.roles import Role
    from station_app.services import context

    win = open_window(str(db_path))
    _setup()
    livelihood.save_project({"title": "文化广场亮化", "year": clock.today().year})
    context.set_user(context.Actor("guest", Role.READONLY))
    try:
        win.set_view_code(station.home_code())
        win.show_page("livelihood")
        page = win.page("livelihood")
        page.refresh()
        tab = page.collect
        assert [p.title for p in tab.model.rows] == ["文化广场亮化"]
        assert not tab.save_button.isEnabled() and not tab.shortlist_button.isEnabled()
        assert page.readonly.isVisibleTo(page) and "只读" in page.readonly.text()
        page.tabs.setCurrentWidget(page.vote)
        assert not page.vote.save_session_button.isEnabled()
    finally:
        context.set_user(None)


def test_paper_counts_read_back_before_and_after_closing(open_window, db_path):
    win = open_window(str(db_path))
    (wang, li, _zhang), _case = _setup()
    year = clock.today().year
    road = livelihood.save_project({"title": "青石村通组道路硬化", "year": year}).uid
    livelihood.shortlist([road])
    s = livelihood.create_session({"date": dt.date(year, 1, 10), "meeting_name": "青石镇人代会",
                                   "deputies_total": 3, "present_deputy_uids": [wang, li], "quota": 1})
    livelihood.record_tally(s.uid, road, 2, 0, 0)
    assert livelihood.votes_of(s.uid).paper[road].votes_for == 2
    win.show_page("livelihood")
    page = win.page("livelihood")
    page.tabs.setCurrentWidget(page.vote)
    vote = page.vote
    page.refresh()

    def shown():
        return [vote.votes.cellWidget(0, c).value() for c in range(3)]

    assert vote.paper.isChecked() and shown() == [2, 0, 0]
    vote.close_button.click()
    assert "通过 1 项" in page.message.text()
    assert vote.session.status == "held" and vote.paper.isChecked() and shown() == [2, 0, 0]
