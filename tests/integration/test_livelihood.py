"""民生实事项目票决制 (issue 22) through the services on a real SQLite file: candidate → 初审 →
票决 (approval by more than half of ALL deputies) → milestones and 督查 → 评单 → 再督办; the
refusals; the statistics of EXCHANGE_FORMAT §3 ``livelihood_projects``; the points."""

from __future__ import annotations

import datetime as dt

import pytest

from station_app.db.models import Case
from station_app.domain.records import DeputyData, OpinionData, ReceptionData
from station_app.errors import KnownError, ValidationError
from station_app.services import activity, deputies, livelihood, receptions, stats

Y = 2026


def _deputies(n: int) -> list[str]:
    return [deputies.create(DeputyData(f"代表{'甲乙丙丁戊己庚辛壬癸'[i]}", ("township",))).uid for i in range(n)]


def _project(title: str, **over) -> str:
    values = dict(year=Y, title=title, village="青石村", estimated_cost="120000", department="镇交通办",
                  source="government", registered_on=dt.date(Y, 1, 5), description="说明")
    values.update(over)
    return livelihood.save_project(values).uid


def _case() -> str:
    at = dt.datetime(Y, 1, 3, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    receptions.record_visit(ReceptionData(at, "visit", "张大爷", village="青石村"),
                            [OpinionData("村里道路坑洼，雨天难走", "infrastructure", handling="assigned",
                                         department="镇交通办")])
    return Case.select(Case.uid).order_by(Case.id.desc()).first().uid


def _session(projects: list[str], present: list[str], total: int, quota: int) -> str:
    return livelihood.create_session(dict(date=dt.date(Y, 1, 10), meeting_name="青石镇第十八届人民代表大会第三次会议",
                                          deputies_total=total, present_deputy_uids=present, quota=quota,
                                          project_uids=projects)).uid


def test_bad_project_is_refused_field_by_field_and_nothing_saved(station_db):
    with pytest.raises(ValidationError) as err:
        livelihood.save_project(dict(year=1999, title="  ", estimated_cost="-5"))
    assert set(err.value.fields) == {"title", "year", "estimated_cost"}
    assert "项目名称" in err.value.fields["title"] and "不能为负数" in err.value.fields["estimated_cost"]
    with pytest.raises(ValidationError) as err:
        livelihood.save_project(dict(year=Y, title="道路", estimated_cost="十万"))
    assert "金额" in err.value.fields["estimated_cost"]
    assert livelihood.list_projects(None) == []


def test_the_whole_loop_from_candidate_to_carry_over(station_db):
    deps = _deputies(7)
    case = _case()
    road = _project("青石村通组道路硬化", source="opinion", case_uids=[case])
    clinic = _project("镇卫生院康复科建设", estimated_cost="850000.50")
    water = _project("东河村饮水安全提升")
    lamp = _project("文化广场亮化")
    assert livelihood.get_project(road).case_numbers and livelihood.get_project(clinic).estimated_cost == 85000050
    assert [p.uid for p in livelihood.projects_of_case(case)] == [road]  # the case shows the link

    livelihood.shortlist([road, clinic, water])
    with pytest.raises(ValidationError, match="初审通过"):  # lamp was not shortlisted: not on the ballot
        _session([road, lamp], deps[:5], 7, 1)
    s = _session([road, clinic, water], deps[:5], total=7, quota=2)
    # 5 of 7 present. road: 5 for; clinic: 4 for; water: 3 for — a majority of those present (5)
    # but not of all 7 deputies, so it fails
    for i, dep in enumerate(deps[:5]):
        livelihood.record_votes(s, dep, {road: "for", clinic: "for" if i < 4 else "against",
                                         water: "for" if i < 3 else "abstain"})
    res = livelihood.session_result(s)
    assert res.quorum_ok and res.majority == 4
    by = {r.project_uid: r for r in res.rows}
    assert (by[road].rank, by[road].votes_for, by[road].approved) == (1, 5, True)
    assert (by[clinic].rank, by[clinic].votes_for, by[clinic].against, by[clinic].approved) == (2, 4, 1, True)
    assert (by[water].votes_for, by[water].passed, by[water].approved) == (3, False, False)
    assert "全体代表" in res.approval_rule

    livelihood.close_session(s)
    status = {p.uid: p.status for p in livelihood.list_projects(Y)}
    assert status == {road: "approved", clinic: "approved", water: "rejected", lamp: "candidate"}
    with pytest.raises(KnownError, match="已经确认"):
        livelihood.record_votes(s, deps[0], {road: "against"})

    m1 = livelihood.add_milestone(road, "完成招标", dt.date(Y, 3, 1))
    livelihood.add_milestone(road, "路基完工", dt.date(Y, 6, 30))
    livelihood.complete_milestone(m1.uid, dt.date(Y, 2, 27))
    late = livelihood.overdue_milestones(today=dt.date(Y, 7, 15))
    assert [(o.milestone.title, o.project_title, o.days_late) for o in late] == [("路基完工", "青石村通组道路硬化", 15)]
    with pytest.raises(KnownError, match="票决通过后"):
        livelihood.add_milestone(water, "开工", dt.date(Y, 4, 1))

    day = activity.add_day(dt.date(Y, 5, 20), kind="livelihood", theme="督查道路硬化")
    activity.sign_in(day.uid, {deps[0]: "present", deps[1]: "late"})
    ins = livelihood.link_inspection(day.uid, road, "路基压实不够，要求返工")
    assert ins.findings.startswith("路基") and set(ins.present_names) == {"代表甲", "代表乙"}
    other = activity.add_day(dt.date(Y, 5, 21), kind="reception")
    with pytest.raises(ValidationError, match="民生实事督查"):
        livelihood.link_inspection(other.uid, road, "")

    livelihood.update_progress(clinic, 60)
    assert livelihood.get_project(clinic).status == "in_progress"
    livelihood.update_progress(road, 100, completed_at=dt.date(Y, 11, 30), budget="1180000")
    done = livelihood.get_project(road)
    assert done.status == "completed" and done.completed_at.date() == dt.date(Y, 11, 30) and done.budget == 118000000
    assert livelihood.overdue_milestones(today=dt.date(Y, 12, 1)) == []  # a completed project alerts no more

    for dep, rating in zip(deps[:4], ("satisfied", "basically_satisfied", "satisfied", "dissatisfied"), strict=True):
        livelihood.rate(road, dep, rating, rated_on=dt.date(Y, 12, 20))
    for dep, rating in zip(deps[:3], ("dissatisfied", "dissatisfied", "satisfied"), strict=True):
        livelihood.rate(clinic, dep, rating, rated_on=dt.date(Y, 12, 20))
    livelihood.rate(clinic, deps[2], "dissatisfied", rated_on=dt.date(Y, 12, 21))  # a change of mind replaces
    r_road, r_clinic = livelihood.rating_result(road), livelihood.rating_result(clinic)
    assert (r_road.tally.good, r_road.tally.dissatisfied, r_road.redo) == (3, 1, False)
    assert (r_clinic.tally.total, r_clinic.tally.dissatisfied, r_clinic.redo) == (3, 3, True)

    carried = livelihood.carry_over(Y)
    assert [(p.year, p.title, p.carried_from_uid, p.status) for p in carried] == \
        [(Y + 1, "镇卫生院康复科建设", clinic, "approved")]
    assert livelihood.carry_over(Y) == []  # once only

    f = stats.statistics(dt.date(Y, 1, 1), dt.date(Y, 12, 31)).figures.to_json()["livelihood_projects"]
    assert f == {"candidates": 4, "voted": 3, "approved": 2, "completed": 1, "rated": 2, "rated_satisfied": 1}
    assert stats.figures(dt.date(Y, 2, 1), dt.date(Y, 12, 31)).livelihood_projects["voted"] == 0  # session in Jan


def test_quorum_not_met_refuses_to_close_and_changes_nothing(station_db):
    deps = _deputies(6)
    a, b = _project("甲项目"), _project("乙项目")
    livelihood.shortlist([a, b])
    s = _session([a, b], deps[:3], total=6, quota=1)  # 3 of 6: not more than half
    livelihood.record_tally(s, a, 3, 0, 0)
    livelihood.record_tally(s, b, 2, 1, 0)
    assert not livelihood.session_result(s).quorum_ok
    with pytest.raises(KnownError, match="未超过全体代表 6 人的半数"):
        livelihood.close_session(s)
    assert {p.status for p in livelihood.list_projects(Y)} == {"shortlisted"}
    assert livelihood.get_session(s).status == "planned"


def test_per_deputy_and_paper_tally_on_one_project_are_refused(station_db):
    deps = _deputies(5)
    a, b = _project("甲项目"), _project("乙项目")
    livelihood.shortlist([a, b])
    s = _session([a, b], deps, total=5, quota=2)
    livelihood.record_votes(s, deps[0], {a: "for"})
    with pytest.raises(ValidationError, match="同一项目只能用一种方式计票"):
        livelihood.record_tally(s, a, 4, 0, 0)
    with pytest.raises(KnownError, match="1 个项目没有录入表决票：乙项目"):
        livelihood.close_session(s)
    livelihood.record_tally(s, b, 4, 1, 0)
    with pytest.raises(ValidationError, match="同一项目只能用一种方式计票"):
        livelihood.record_votes(s, deps[1], {b: "for"})
    with pytest.raises(ValidationError, match="超过了出席代表 5 人"):
        livelihood.record_tally(s, b, 4, 1, 1)
    res = livelihood.session_result(s)
    assert res.paper == (b,) and {r.project_uid: r.votes_for for r in res.rows} == {a: 1, b: 4}


def _small_year(n_projects: int, approve: int, ratings: tuple[str, ...]) -> None:
    """One station's year: ``n_projects`` shortlisted, all present vote for the first ``approve``,
    the first approved project completed and rated with ``ratings``."""
    deps = _deputies(5)
    uids = [_project(f"项目{i}") for i in range(n_projects)]
    livelihood.shortlist(uids)
    s = _session(uids, deps[:4], total=5, quota=approve)
    for i, u in enumerate(uids):
        livelihood.record_tally(s, u, 4 if i < approve else 1, 0 if i < approve else 3, 0)
    livelihood.close_session(s)
    livelihood.add_milestone(uids[0], "完工", dt.date(Y, 6, 1))
    livelihood.update_progress(uids[0], 100, completed_at=dt.date(Y, 9, 1))
    for dep, r in zip(deps, ratings, strict=False):
        livelihood.rate(uids[0], dep, r, rated_on=dt.date(Y, 12, 1))


def _stats_json(capsys, db: str, *extra: str) -> dict:
    import json

    from station_app import cli

    capsys.readouterr()
    assert cli.main(["stats", "--db", db, "--from", f"{Y}-01-01", "--to", f"{Y}-12-31", *extra, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_county_sums_livelihood_projects_across_stations(tmp_path, capsys):
    from station_app.db import close_database, open_database
    from station_app.services import exchange, station
    from tests.conftest import TEST_STATION
    from tests.county_data import COUNTY, SECOND

    home: dict[str, dict] = {}
    packages = []
    for profile, args in ((TEST_STATION, (4, 2, ("satisfied", "dissatisfied", "basically_satisfied"))),
                          (SECOND, (3, 1, ("dissatisfied", "dissatisfied")))):
        path = str(tmp_path / profile.code / "station.db")
        open_database(path)
        try:
            station.save_home_station(profile)
            _small_year(*args)
            packages.append(exchange.export_package(tmp_path / "stick", full=True, password="").path)
        finally:
            close_database()
        home[profile.code] = _stats_json(capsys, path)["livelihood_projects"]
    assert home["T01"] == {"candidates": 4, "voted": 4, "approved": 2, "completed": 1, "rated": 1, "rated_satisfied": 1}
    assert home["T02"] == {"candidates": 3, "voted": 3, "approved": 1, "completed": 1, "rated": 1, "rated_satisfied": 0}

    county = str(tmp_path / "county.db")
    open_database(county)
    try:
        station.save_home_station(COUNTY)
        reports = exchange.import_packages([str(p) for p in packages], password="", enroll=True)
        assert [r.status for r in reports] == ["imported", "imported"], [r.reason for r in reports]
        assert reports[0].tables["livelihood_votes"]["inserted"] == 4
        assert len(livelihood.list_projects(Y, station_code=None)) == 7
        again = exchange.import_packages([str(p) for p in packages], password="", enroll=True)
        assert [(r.inserted, r.updated) for r in again] == [(0, 0), (0, 0)]  # merged by uid
    finally:
        close_database()
    out = _stats_json(capsys, county, "--station", "all")
    assert out["by_station"]["T01"]["livelihood_projects"] == home["T01"]
    assert out["by_station"]["T02"]["livelihood_projects"] == home["T02"]
    assert out["livelihood_projects"] == {k: home["T01"][k] + home["T02"][k] for k in home["T01"]}
    assert _stats_json(capsys, county, "--station", "T02")["livelihood_projects"] == home["T02"]


def test_the_period_report_says_how_many_projects_were_voted_and_completed(station_db):
    _small_year(3, 2, ("satisfied",))
    data = stats.report_data(dt.date(Y, 1, 1), dt.date(Y, 12, 31), name=f"{Y}年")
    assert "本年度票决民生实事项目2件、已完成1件，代表评单1件（满意1件）。" in data.headline
    assert "民生实事" not in stats.report_data(dt.date(Y, 2, 1), dt.date(Y, 2, 28), name=f"{Y}年2月").headline


def test_votes_inspections_and_ratings_earn_points(station_db):
    from station_app.services import scoring

    _small_year(2, 1, ("satisfied", "dissatisfied"))
    day = activity.add_day(dt.date(Y, 5, 20), kind="livelihood", theme="督查")
    first = livelihood.list_projects(Y, status="completed")[0]
    dep = livelihood.get_session(livelihood.list_sessions(Y)[0].uid).present_deputy_uids[0]
    activity.sign_in(day.uid, {dep: "present"})
    livelihood.link_inspection(day.uid, first.uid, "按期完工")
    scoring.sync_auto(Y)
    by = {r.indicator_code: r.points for r in scoring.records(dep, Y)}
    assert by["E03"] == 2 and by["E04"] == 2 and by["E05"] == 0.5  # 督查, 票决, 评单


def test_a_session_ballots_are_saved_whole_or_not_at_all(station_db):
    """保存表决票: when one deputy's ballot is refused, the others of the same save are not kept."""
    from station_app.db.models import LivelihoodVote

    deps = _deputies(3)
    road, well = _project("村道硬化"), _project("水井改造")
    livelihood.shortlist([road, well])
    s = _session([road, well], deps[:2], total=3, quota=1)
    absent = deps[2]  # not present at the session: their ballot is refused
    with pytest.raises(ValidationError, match="出席"):
        livelihood.save_ballots(s, {deps[0]: {road: "for"}, absent: {road: "for"}})
    assert LivelihoodVote.alive().count() == 0  # the first deputy's ballot was not kept either
    livelihood.save_ballots(s, {deps[0]: {road: "for"}, deps[1]: {well: "against", road: "for"}})
    assert LivelihoodVote.alive().count() == 3
