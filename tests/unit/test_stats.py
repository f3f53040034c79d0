"""Statistics (EXCHANGE_FORMAT §3): the service against the same figures recomputed in Python from
the raw rows of the SQLite file, for random data and random periods (hypothesis)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from station_app.cli import main
from station_app.domain import clock
from station_app.domain.records import DeputyData, OpinionData, ReceptionData
from station_app.services import activity, cases, deputies, receptions, stats

D = dt.date
BASE = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.zone())


def _raw(db_path: str, lo: D, hi: D, code: str) -> dict:
    """§3 recomputed from raw rows, in Python, without the app's code."""
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    try:
        def in_period(ts):
            return ts is not None and lo.isoformat() <= ts[:10] <= hi.isoformat()

        recs = [r for r in con.execute("SELECT * FROM reception WHERE deleted_at IS NULL AND station_code=?", (code,))
                if in_period(r["received_at"])]
        cs = [r for r in con.execute('SELECT * FROM "case" WHERE deleted_at IS NULL AND station_code=?', (code,))]
        collected = [c for c in cs if in_period(c["registered_at"])]
        deps = set()
        for r in recs:
            deps |= set(json.loads(r["deputy_uids"]))
        for row in con.execute("SELECT a.deputy_uid, a.status, d.date, d.status AS ds FROM attendance a "
                               "JOIN activity_day d ON d.uid = a.activity_day_uid "
                               "WHERE a.deleted_at IS NULL AND d.deleted_at IS NULL AND d.station_code=?", (code,)):
            if row["ds"] == "held" and row["status"] in ("present", "late") and lo.isoformat() <= row["date"] <= hi.isoformat():
                deps.add(row["deputy_uid"])
        evaluated = [c for c in collected if c["evaluation"]]
        by_cat: dict[str, int] = {}
        for c in collected:
            by_cat[c["category"]] = by_cat.get(c["category"], 0) + 1
        return {
            "deputies_in_station": len(deps), "receptions": len(recs),
            "visitors": sum(r["visitor_count"] for r in recs), "cases_collected": len(collected),
            "cases_resolved": sum(1 for c in cs if c["status"] == "resolved" and in_period(c["resolved_at"])),
            "completion_rate": round(sum(c["status"] in ("resolved", "closed_unresolved") for c in collected)
                                     / len(collected), 4) if collected else None,
            "satisfaction_rate": round(sum(c["evaluation"] in ("satisfied", "basically_satisfied") for c in evaluated)
                                       / len(evaluated), 4) if evaluated else None,
            "by_category": by_cat,
            "livelihood_projects": _raw_livelihood(con, lo, hi, code),
        }
    finally:
        con.close()


def _raw_livelihood(con, lo: D, hi: D, code: str) -> dict:
    """§3 ``livelihood_projects`` from the raw rows (definitions in docs/exchange-format.md)."""
    def day_in(text):
        return text is not None and lo.isoformat() <= text[:10] <= hi.isoformat()

    projects = list(con.execute("SELECT * FROM livelihood_project WHERE deleted_at IS NULL AND station_code=?", (code,)))
    held = {r["uid"] for r in con.execute("SELECT uid, date FROM livelihood_session WHERE deleted_at IS NULL AND "
                                          "station_code=? AND status='held'", (code,)) if day_in(r["date"])}
    voted = [p for p in projects if p["session_uid"] in held]
    ratings: dict[str, list[str]] = {}
    for r in con.execute("SELECT * FROM livelihood_rating WHERE deleted_at IS NULL AND station_code=?", (code,)):
        if day_in(r["rated_on"]) and any(p["uid"] == r["project_uid"] for p in projects):
            ratings.setdefault(r["project_uid"], []).append(r["rating"])
    return {
        "candidates": sum(day_in(p["registered_on"]) for p in projects),
        "voted": len(voted),
        "approved": sum(p["status"] in ("approved", "in_progress", "completed") for p in voted),
        "completed": sum(p["status"] == "completed" and day_in(p["completed_at"]) for p in projects),
        "rated": len(ratings),
        "rated_satisfied": sum(2 * sum(x in ("satisfied", "basically_satisfied") for x in rs) > len(rs)
                               for rs in ratings.values()),
    }


def _raw_breakdowns(db_path: str, lo: D, hi: D) -> tuple[tuple, tuple]:
    """By deputy ((name, receptions, opinions collected), ...) and by village ((village,
    receptions, visitors, opinions collected), ...), recomputed from raw rows, most first."""
    con = sqlite3.connect(db_path)
    try:
        names = dict(con.execute("SELECT uid, name FROM deputy"))
        lists = {uid: (json.loads(d), v) for uid, d, v in con.execute("SELECT uid, deputy_uids, village FROM reception")}
        rec: dict[str, int] = {}
        opinions: dict[str, int] = {}
        villages: dict[str, list[int]] = {}
        for uid, at, n in con.execute("SELECT uid, received_at, visitor_count FROM reception WHERE deleted_at IS NULL"):
            if lo.isoformat() <= at[:10] <= hi.isoformat():
                for d in lists[uid][0]:
                    rec[d] = rec.get(d, 0) + 1
                row = villages.setdefault(lists[uid][1], [0, 0, 0])
                row[0], row[1] = row[0] + 1, row[1] + n
        for r_uid, at in con.execute('SELECT reception_uid, registered_at FROM "case" WHERE deleted_at IS NULL'):
            if lo.isoformat() <= at[:10] <= hi.isoformat():
                deps, village = lists.get(r_uid, ((), ""))
                for d in deps:
                    opinions[d] = opinions.get(d, 0) + 1
                villages.setdefault(village, [0, 0, 0])[2] += 1
        by_deputy = tuple(sorted(((names[u], rec.get(u, 0), opinions.get(u, 0)) for u in set(rec) | set(opinions)),
                                 key=lambda t: (-t[1], -t[2], t[0])))
        by_village = tuple((v or "（未填）", *row) for v, row in sorted(villages.items(),
                                                                       key=lambda t: (-t[1][0], -t[1][2], t[0])))
        return by_deputy, by_village
    finally:
        con.close()


@pytest.fixture
def people(station_db):
    return [deputies.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英", "张伟")]


VISIT = st.tuples(
    st.integers(0, 90),  # day offset
    st.integers(1, 30),  # visitor count
    st.sampled_from(["", "东关村", "西庄村"]),  # village
    st.sets(st.integers(0, 2), max_size=2),  # deputies
    st.lists(st.tuples(st.sampled_from(["infrastructure", "health", "agriculture", "other"]),
                       st.sampled_from(["on_the_spot", "assigned"]),
                       st.sampled_from(["none", "reply", "satisfied", "dissatisfied", "closed", "reassigned"])),
             max_size=3),
)


def _fill(people, visits):
    for offset, count, village, deps, ops in visits:
        when = BASE + dt.timedelta(days=offset)
        opinions = [OpinionData(f"意见{i}", cat, h, department="镇司法所" if h == "assigned" else "",
                                reply="已当场答复" if h == "on_the_spot" else "",
                                deadline=when.date() + dt.timedelta(days=20) if h == "assigned" else None)
                    for i, (cat, h, _) in enumerate(ops)]
        clock_now = clock.now
        try:
            clock.now = lambda w=when: w + dt.timedelta(minutes=1)  # the visit is "now" for its own checks
            rec = receptions.record_visit(ReceptionData(when, "visit", "来访人", visitor_count=count, village=village,
                                                        deputy_uids=tuple(people[d] for d in sorted(deps))), opinions)
        finally:
            clock.now = clock_now
        created = sorted(cases.page(reception_uid=rec.uid).rows, key=lambda c: c.number)
        for c, (_, h, outcome) in zip(created, ops, strict=True):
            if h != "assigned" or outcome == "none":
                continue
            later = when + dt.timedelta(days=3)
            cases.act(c.uid, "reply", note="已办", at=later)
            if outcome in ("satisfied", "dissatisfied", "closed", "reassigned"):
                ev = "satisfied" if outcome == "satisfied" else "dissatisfied"
                cases.act(c.uid, "evaluate", evaluation=ev, at=later + dt.timedelta(days=40))
            if outcome == "closed":
                cases.act(c.uid, "close", note="群众诉求超出政策", at=later + dt.timedelta(days=41))
            if outcome == "reassigned":
                cases.act(c.uid, "reassign", department="镇派出所", deadline=D(2026, 12, 31),
                          at=later + dt.timedelta(days=41))


@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(VISIT, max_size=8), st.integers(0, 100), st.integers(0, 100))
def test_statistics_equal_the_raw_rows_recomputed(people, db_path, visits, a, b):
    from station_app.db.models import Case, CaseEvent, Reception, ReceptionDeputy

    for model in (CaseEvent, Case, ReceptionDeputy, Reception):  # hypothesis reuses the fixture's database
        model.delete().execute()
    _fill(people, visits)
    lo, hi = sorted((BASE.date() + dt.timedelta(days=a), BASE.date() + dt.timedelta(days=b)))
    got = stats.statistics(lo, hi)
    assert got.to_json() == _raw(db_path, lo, hi, "T01")
    assert (got.by_deputy, got.by_village) == _raw_breakdowns(db_path, lo, hi)


def test_a_held_activity_day_counts_its_present_deputies(people, db_path):
    day = activity.add_day(D(2026, 3, 16))
    activity.sign_in(day.uid, {people[0]: "present", people[1]: "absent"})
    f = stats.figures(D(2026, 3, 1), D(2026, 3, 31))
    assert f.deputies_in_station == 1
    assert stats.figures(D(2026, 4, 1), D(2026, 4, 30)).deputies_in_station == 0


def test_periods_and_headline(people):
    assert stats.period("quarter", 2026, 3)[:2] == (D(2026, 7, 1), D(2026, 9, 30))
    assert stats.period("quarter", 2026, 4)[:2] == (D(2026, 10, 1), D(2026, 12, 31))
    assert stats.period("month", 2026, 2)[:2] == (D(2026, 2, 1), D(2026, 2, 28))
    assert stats.period("year", 2026)[2] == "2026年"
    _fill(people, [(0, 3, "东关村", {0}, [("health", "on_the_spot", "none"), ("other", "assigned", "satisfied")])])
    text = stats.headline(stats.figures(D(2026, 3, 1), D(2026, 6, 30)), "本季度")
    assert text.startswith("本季度共接待群众3人次") and "收集意见建议2条" in text and "解决实际问题2件" in text


def test_stats_cli_json_matches_the_service(people, db_path, capsys):
    _fill(people, [(5, 2, "", {0, 1}, [("health", "assigned", "satisfied")]), (40, 1, "西庄村", set(), [])])
    from station_app.db import close_database

    expected = stats.statistics(D(2026, 3, 1), D(2026, 4, 30)).to_json()
    close_database()
    assert main(["stats", "--db", db_path, "--from", "2026-03-01", "--to", "2026-04-30", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == expected
    assert set(out) == {"deputies_in_station", "receptions", "visitors", "cases_collected", "cases_resolved",
                        "completion_rate", "satisfaction_rate", "by_category", "livelihood_projects"}
    assert out["receptions"] == 2 and out["visitors"] == 3 and out["satisfaction_rate"] == 1.0
    assert main(["stats", "--db", db_path, "--from", "2026-05-01", "--to", "2026-04-30", "--json"]) == 1
    assert "结束日期不能早于开始日期" in capsys.readouterr().err


def test_a_report_whose_overdue_list_is_cut_short_knows_how_many_there_are(people, monkeypatch):
    """The 月报 lists at most cases.OVERDUE_LISTED overdue opinions and says how many there are."""
    monkeypatch.setattr(cases, "OVERDUE_LISTED", 2)
    _fill(people, [(i, 1, "", {0}, [("health", "assigned", "none")]) for i in range(3)])
    today = BASE.date() + dt.timedelta(days=60)  # every deadline (20 days on) has passed
    data = stats.report_data(BASE.date(), today, today=today)
    assert len(data.overdue_rows) == 2 and data.overdue_total == 3
    monkeypatch.setattr(cases, "OVERDUE_LISTED", 5)
    data = stats.report_data(BASE.date(), today, today=today)
    assert len(data.overdue_rows) == 3 and data.overdue_total == 3


@pytest.mark.parametrize("months", [(1, 12), (1, 3), (4, 6), (7, 12)])
def test_livelihood_figures_equal_the_raw_rows_on_a_year_of_demo_projects(db, db_path, months):
    """票决民生实事 (§3 ``livelihood_projects``) on the demo's year of projects: every figure, for the
    year and for parts of it, equals the count taken from the raw rows."""
    from station_app.demo import make as demo_make
    from station_app.services import station

    demo_make.make_demo(seed=5, deputies=20, receptions=60)
    year = clock.today().year
    lo, hi = D(year, months[0], 1), D(year, months[1], 28 if months[1] == 2 else 30)
    got = stats.statistics(lo, hi).to_json()["livelihood_projects"]
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    try:
        assert got == _raw_livelihood(con, lo, hi, station.home_code())
    finally:
        con.close()
    if months == (1, 12):
        assert got["approved"] > 0 and got["voted"] >= got["approved"] and got["rated"] > 0


def test_statistics_with_breakdowns_read_the_period_once_per_table(people):
    """统计分析 with its breakdowns (by village, deputy, month) reads the period's receptions in two
    statements (the counts by station, village and month; the deputy lists) and its cases in three
    (collected; resolved; with their reception for village and deputy), whatever the breakdowns: a
    county of a million receptions is a handful of scans (issue 21, bench/bench_stats.py). The
    months add up to the period's figures."""
    import re
    from collections import Counter

    from station_app.db.connection import database

    _fill(people, [(0, 3, "东关村", {0}, [("health", "on_the_spot", "none"), ("other", "assigned", "satisfied")]),
                   (35, 2, "", {0, 1}, [("health", "assigned", "closed")]), (70, 1, "西庄村", set(), [])])
    seen: list[str] = []
    con = database.connection()
    con.set_trace_callback(seen.append)
    try:
        got = stats.statistics(D(2026, 3, 1), D(2026, 6, 30))
    finally:
        con.set_trace_callback(None)
    reads = Counter(t for sql in seen for t in ("reception", "case") if re.search(rf'\bFROM "{t}"', sql))
    assert reads == {"reception": 2, "case": 3}
    f = got.figures
    assert [m for m, *_ in got.by_month] == ["2026-03", "2026-04", "2026-05", "2026-06"]
    assert [sum(row[i] for row in got.by_month) for i in (1, 2, 3, 4)] == \
        [f.receptions, f.visitors, f.cases_collected, f.cases_resolved] == [3, 6, 3, 2]
    assert got.by_village == (("东关村", 1, 3, 2), ("（未填）", 1, 2, 1), ("西庄村", 1, 1, 0))


def test_statistics_of_every_station_read_the_receptions_in_table_order(people):
    """For every station (the county path) the receptions are grouped by station without walking
    the ``(station_code, …)`` indexes: SQLite reads the table in order instead of fetching each row
    where the index points, 4–5× faster on a county whose imports interleave stations
    (bench/bench_stats.py). For one station its ``(station_code, received_at)`` index finds the
    period."""
    from station_app.db.connection import database

    _fill(people, [(0, 3, "东关村", {0}, [("health", "on_the_spot", "none")]), (35, 2, "", {0, 1}, [])])
    con = database.connection()

    def reception_plans(code):
        seen: list[str] = []
        con.set_trace_callback(seen.append)
        try:
            got = stats.statistics(D(2026, 3, 1), D(2026, 6, 30), code)
        finally:
            con.set_trace_callback(None)
        assert got.figures.receptions == 2
        return [" ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql))
                for sql in seen if sql.startswith("SELECT") and 'FROM "reception"' in sql]

    every = reception_plans(None)
    assert len(every) == 2 and all("SCAN" in p and "INDEX" not in p for p in every), every
    one = reception_plans("T01")
    assert len(one) == 2 and all("reception_station_code_received_at" in p for p in one), one
