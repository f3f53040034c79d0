"""接待登记 and the 意见建议 loop on a real SQLite file: intake, the state machine with its timeline,
deadlines in working days, lists, Chinese keyword search, and the property that no sequence of
actions leaves a case inconsistent with its own events."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from station_app.db.models import AuditLog, Case, CaseEvent, Reception
from station_app.domain import clock
from station_app.domain.cases import CaseState, IllegalStep, Step, add_working_days, replay, step
from station_app.domain.records import DeputyData, OpinionData, ReceptionData
from station_app.errors import ValidationError
from station_app.services import cases, deputies, receptions

D = dt.date
NOW = clock.now().replace(microsecond=0)


@pytest.fixture
def people(station_db):
    return [deputies.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英")]


def visit(name="张大爷", phone="13812341234", village="前进村", summary="反映村道破损", count=1, deputies_=(),
          when=None):
    return ReceptionData(received_at=when or NOW - dt.timedelta(minutes=5), channel="visit", visitor_name=name,
                         visitor_phone=phone, village=village, visitor_count=count, deputy_uids=tuple(deputies_),
                         summary=summary)


ASSIGNED = OpinionData("前进村到镇上的道路坑洼严重，雨天无法通行", "infrastructure", "assigned", department="镇农业农村办")
SPOT = OpinionData("咨询新农合缴费时间", "health", "on_the_spot", reply="已当场告知缴费时间为每年9至12月")


def test_a_visit_with_two_opinions_goes_round_the_loop(people):
    rec = receptions.record_visit(visit(deputies_=people), [ASSIGNED, SPOT])
    assert rec.case_count == 2 and rec.deputy_names == ("王建国", "李秀英")
    year = NOW.year
    road, spot = sorted(cases.page(reception_uid=rec.uid).rows, key=lambda c: c.number)
    assert (road.number, spot.number) == (f"{year}-0001", f"{year}-0002")
    assert spot.status == "resolved" and spot.resolved_at is not None  # 当场答复 closes at once
    assert road.status == "assigned" and road.department == "镇农业农村办" and road.deadline > NOW.date()

    cases.supervise(road.uid, "电话督办，已安排施工队勘察")
    cases.reply(road.uid, "已完成路面修补300米")
    cases.evaluate(road.uid, "dissatisfied", "还有一段没修")
    with pytest.raises(IllegalStep, match="再次交办"):
        cases.evaluate(road.uid, "satisfied")
    again = cases.reassign(road.uid, "县交通运输局", note="转县交通局")
    assert again.rounds == 2 and again.status == "assigned" and again.evaluation is None
    cases.reply(road.uid, "剩余路段已硬化")
    done = cases.evaluate(road.uid, "satisfied")
    assert done.status == "resolved" and done.evaluation == "satisfied" and done.resolved_at is not None
    actions = [e.action for e in cases.events(road.uid)]
    assert actions == ["register", "assign", "supervise", "reply", "evaluate", "reassign", "reply", "evaluate",
                       "resolve"]
    with pytest.raises(IllegalStep, match="已办结"):
        cases.supervise(road.uid, "再督办")
    # the stored row is what the timeline replays to
    evs = [Step(e.action, e.at, e.note, e.department, e.deadline, e.evaluation) for e in cases.events(road.uid)]
    assert replay("assigned", evs).status == "resolved"


def test_illegal_steps_are_refused_and_write_nothing(people):
    rec = receptions.record_visit(visit(), [ASSIGNED])
    case = cases.page(reception_uid=rec.uid).rows[0]
    n_events, n_audit = CaseEvent.select().count(), AuditLog.select().count()
    with pytest.raises(IllegalStep, match="还没有答复"):
        cases.evaluate(case.uid, "satisfied")
    with pytest.raises(IllegalStep, match="不满意.后才能再次交办"):
        cases.reassign(case.uid, "镇派出所")
    with pytest.raises(IllegalStep, match="答复内容"):
        cases.reply(case.uid, "  ")
    with pytest.raises(IllegalStep, match="原因"):
        cases.close(case.uid, "")
    assert (CaseEvent.select().count(), AuditLog.select().count()) == (n_events, n_audit)
    assert cases.get(case.uid).status == "assigned"
    closed = cases.close(case.uid, "群众已搬离，联系不上")
    assert closed.status == "closed_unresolved" and not closed.is_open


def test_bad_input_names_each_field_and_saves_nothing(people):
    bad = ReceptionData(received_at=NOW, channel="visit", visitor_name="", visitor_phone="1381234",
                        visitor_id_number="110101199003071235", visitor_count=0)
    with pytest.raises(ValidationError) as err:
        receptions.record_visit(bad, [OpinionData("", "nonsense", "assigned")])
    f = err.value.fields
    assert {"visitor_name", "visitor_phone", "visitor_id_number", "visitor_count", "opinions.0.content",
            "opinions.0.category", "opinions.0.department"} <= set(f)
    assert "校验位" in f["visitor_id_number"]
    assert Reception.select().count() == 0 and Case.select().count() == 0
    # a correct ID number passes the GB 11643 check
    ok = receptions.record_visit(ReceptionData(
        received_at=NOW, channel="visit", visitor_name="赵六", visitor_id_number="11010519491231002x"))
    assert ok.visitor_id_number == "11010519491231002X"


def test_deadlines_count_working_days_around_holidays(station_db):
    # 2026-09-30 (Wed) + 3 working days: 10-01..10-07 is 国庆, 10-10 (Sat) is a 调休 working day
    assert add_working_days(D(2026, 9, 30), 3, cases.is_workday) == D(2026, 10, 10)
    assert cases.default_deadline("assigned", D(2026, 3, 2)) == D(2026, 3, 23)  # 15 working days, no holiday
    assert cases.default_deadline("on_the_spot", D(2026, 3, 2)) == D(2026, 3, 2)
    # beyond the holiday data, Monday–Friday
    assert add_working_days(D(2027, 3, 5), 1, cases.is_workday) == D(2027, 3, 8)


def test_overdue_and_due_soon_lists(people):
    long_ago = NOW - dt.timedelta(days=40)
    late = OpinionData("路灯不亮", "infrastructure", "assigned", department="供电所", deadline=None)
    receptions.record_visit(visit(when=long_ago), [late])
    soon = OpinionData("低保复核", "social_security", "assigned", department="镇社会事务办",
                       deadline=add_working_days(NOW.date(), 2, cases.is_workday))
    receptions.record_visit(visit(name="钱七", phone=""), [soon])
    counts = cases.attention_counts()
    assert counts["overdue"] == 1 and counts["due_soon"] == 1 and counts["open"] == 2
    assert cases.overdue()[0].content == "路灯不亮"
    assert cases.due_soon()[0].content == "低保复核"


def test_visitor_history_shows_earlier_visits_and_open_cases(people):
    receptions.record_visit(visit(when=NOW - dt.timedelta(days=30)), [ASSIGNED])
    receptions.record_visit(visit(when=NOW - dt.timedelta(days=10)), [SPOT])
    h = receptions.visitor_history(phone="138 1234 1234")
    assert len(h.visits) == 2 and h.village == "前进村"
    assert [c.content for c in h.open_cases] == [ASSIGNED.content]
    assert receptions.find_visitors("1381")[0] == ("张大爷", "13812341234", "前进村", "138****1234")
    assert receptions.find_visitors("张")[0][0] == "张大爷"
    assert receptions.villages("前") == ["前进村"]


def test_keyset_pages_cover_every_row_once(people):
    for i in range(25):
        receptions.record_visit(visit(name=f"来访{i:02d}", when=NOW - dt.timedelta(hours=i % 7, minutes=i)))
    seen, after = [], None
    while True:
        p = receptions.page(after, limit=4)
        seen += [r.uid for r in p.rows]
        if p.next_key is None:
            break
        after = p.next_key
    assert len(seen) == 25 == len(set(seen))
    times = [receptions.get(u).received_at for u in seen]
    assert times == sorted(times, reverse=True)


TEXTS = ["宅基地纠纷需要调解", "申请土地确权", "光伏板安装补贴", "村口土路需要硬化", "地土不平", "养老金发放",
         "土，地之间", "低保申请", "土地流转费用", "镇上的地价", "Wi-Fi 信号差", "wifi不稳，土地"]


@pytest.mark.parametrize("term", ["土地", "光伏", "宅基地", "土", "低保", "地土", "地价 镇上", "土，地", "WiFi",
                                  "wi-fi", "，", "地，"])
def test_keyword_search_is_exact_for_short_chinese_terms(people, term, monkeypatch):
    for i, t in enumerate(TEXTS):
        receptions.record_visit(visit(name=f"村民{i}", summary=t, phone=""),
                                [OpinionData(t, "other", "on_the_spot", reply="已答复")])
    expected = {t for t in TEXTS if all(w.lower() in t.lower() for w in term.split())}
    # receptions: through the character index (SQLite), and by LIKE alone (as on PostgreSQL)
    for index in (True, False):
        if not index:
            monkeypatch.setattr("station_app.db.search.usable", lambda q: False)
        found = {r.summary for r in receptions.page(keyword=term).rows}
        assert found == expected, (term, index)
        assert receptions.count(keyword=term) == len(expected)
        small = receptions.page(keyword=term, limit=2)  # paging through the hits finds them all once
        seen = [r.summary for r in small.rows]
        while small.next_key:
            small = receptions.page(small.next_key, limit=2, keyword=term)
            seen += [r.summary for r in small.rows]
        assert sorted(seen) == sorted(expected), (term, index)
    monkeypatch.undo()
    # cases: a rare term through the index, a common one by walking the newest with LIKE
    for cap in (10_000, 0):
        monkeypatch.setattr(cases, "INDEX_CAP", cap)
        assert {c.content for c in cases.page(keyword=term).rows} == expected, (term, cap)
        assert cases.count(keyword=term) == len(expected)


def test_search_follows_edits_and_deletes(people):
    rec = receptions.record_visit(visit(summary="反映光伏补贴未到账"), [ASSIGNED])
    assert [r.uid for r in receptions.page(keyword="光伏").rows] == [rec.uid]
    receptions.update(rec.uid, visit(summary="反映秸秆禁烧问题"))
    assert receptions.page(keyword="光伏").rows == ()
    assert [r.uid for r in receptions.page(keyword="秸秆").rows] == [rec.uid]
    assert len(cases.page(keyword="坑洼").rows) == 1
    assert len(cases.page(keyword="张大爷").rows) == 1  # by the visitor's name
    receptions.delete(rec.uid)
    assert receptions.page(keyword="秸秆").rows == () and cases.page(keyword="坑洼").rows == ()


def test_departments_list_is_managed(station_db):
    names = cases.departments()
    assert "镇农业农村办" in names
    assert "县住建局" in cases.add_department("县住建局")
    assert "镇派出所" not in cases.remove_department("镇派出所")
    with pytest.raises(ValidationError):
        cases.add_department(" ")


# --- property: random action sequences never reach an inconsistent case ------------------------

ACTIONS = st.sampled_from(["assign", "supervise", "reply", "evaluate", "reassign", "resolve", "close"])
STEP = st.tuples(ACTIONS, st.sampled_from(["satisfied", "basically_satisfied", "dissatisfied"]),
                 st.sampled_from(["", "已处理"]), st.sampled_from(["", "镇派出所"]))


def _consistent(state: CaseState, evs: list[Step], handling: str) -> None:
    assert state.status in ("registered", "assigned", "in_progress", "replied", "resolved", "closed_unresolved")
    assert state.rounds == 1 + sum(e.action == "reassign" for e in evs)
    assert (state.status == "resolved") == (state.resolved_at is not None)
    if state.evaluation is not None:
        assert state.status in ("replied", "resolved", "closed_unresolved")
    if state.status in ("assigned", "in_progress"):
        assert state.department and state.deadline is not None
    assert replay(handling, evs) == state


@hsettings(max_examples=150, deadline=None)
@given(st.lists(STEP, max_size=14))
def test_random_steps_in_the_pure_machine(seq):
    state, evs = CaseState(handling="assigned"), []
    at = dt.datetime(2026, 3, 2, 9, tzinfo=clock.zone())
    for i, (action, ev, note, dept) in enumerate(seq):
        s = Step(action, at + dt.timedelta(hours=i), note, dept, D(2026, 4, 1), ev)
        try:
            state = step(state, s)
        except IllegalStep:
            continue
        evs.append(s)
        _consistent(state, evs, "assigned")


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(STEP, max_size=10))
def test_random_steps_through_the_service_keep_row_and_timeline_in_step(people, seq):
    rec = receptions.record_visit(visit(), [OpinionData("测试", "other", "assigned", department="镇司法所")])
    uid = cases.page(reception_uid=rec.uid).rows[0].uid
    for action, ev, note, dept in seq:
        try:
            cases.act(uid, action, note=note, department=dept, evaluation=ev)
        except (IllegalStep, ValidationError):
            pass
    c = cases.get(uid)
    evs = [Step(e.action, e.at, e.note, e.department, e.deadline, e.evaluation) for e in cases.events(uid)]
    replayed = replay("assigned", evs)
    assert (replayed.status, replayed.evaluation, replayed.rounds, replayed.department) == (
        c.status, c.evaluation, c.rounds, c.department)
    assert (c.status == "resolved") == (c.resolved_at is not None)


def test_check_finds_a_case_that_disagrees_with_its_timeline(people):
    from station_app.db.connection import database
    from station_app.services.check import run_check

    rec = receptions.record_visit(visit(), [ASSIGNED, SPOT])
    road = next(c for c in cases.page(reception_uid=rec.uid).rows if c.handling == "assigned")
    cases.reply(road.uid, "已修")
    assert [f.message for f in run_check() if f.severity == "error"] == []
    Case.update(status="resolved").where(Case.uid == road.uid).execute()
    database.execute_sql("INSERT INTO reception_fts(rowid, body) VALUES (999, '多 余')")
    errors = [f.message for f in run_check() if f.severity == "error"]
    assert any(road.number in m and "不一致" in m for m in errors)
    assert any("reception_fts" in m for m in errors)


def test_editing_the_visitor_keeps_the_case_index_in_step(people):
    from station_app.services.check import run_check

    rec = receptions.record_visit(visit(), [ASSIGNED])
    receptions.update(rec.uid, visit(name="李四", village="红旗村"))
    assert len(cases.page(keyword="李四").rows) == 1 and cases.page(keyword="张大爷").rows == ()
    assert len(cases.page(keyword="红旗").rows) == 1
    assert [f.message for f in run_check() if f.severity == "error"] == []
    receptions.delete(rec.uid)  # deleting with the old text in the index corrupted the FTS table
    assert cases.page(keyword="李四").rows == ()
    assert [f.message for f in run_check() if f.severity == "error"] == []


def test_case_numbers_keep_counting_past_9999_and_follow_a_reassigned_department(people, monkeypatch):
    from station_app.db.models import CaseCounter

    rec = receptions.record_visit(visit(), [ASSIGNED])
    CaseCounter.update(last=9998).execute()
    numbers = [cases.create_in_transaction(ASSIGNED, Reception.get(Reception.uid == rec.uid), NOW, "T01").number
               for _ in range(3)]
    assert numbers == [f"{NOW.year}-9999", f"{NOW.year}-10000", f"{NOW.year}-10001"]
    case = cases.page(reception_uid=rec.uid, limit=1000).rows[-1]
    cases.reply(case.uid, "已办")
    cases.evaluate(case.uid, "dissatisfied")
    cases.reassign(case.uid, "县交通运输局")
    monkeypatch.setattr(cases, "INDEX_CAP", 10_000)  # through the index
    assert [c.number for c in cases.page(keyword="交通运输").rows] == [case.number]
    assert cases.page(keyword="农业农村").rows and case.number not in {
        c.number for c in cases.page(keyword="农业农村").rows}
