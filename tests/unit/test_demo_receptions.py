"""The demo receptions generator: realistic rows written in bulk, deterministic, every case's
stored state equal to what its own timeline replays to, the keyword index fed with the text and
rowids the services use (so search finds exactly what a substring filter finds), and the case
counters left where the services go on from."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

import pytest

from station_app.db import close_database, open_database, search
from station_app.db.connection import database
from station_app.db.fields import TimestampField
from station_app.db.models import Case, CaseCounter, CaseEvent, Reception, ReceptionDeputy
from station_app.domain import clock
from station_app.domain.cases import Step, replay
from station_app.domain.codes import Category, Channel
from station_app.domain.records import DeputyData, OpinionData, ReceptionData
from station_app.services import cases, check, deputies, receptions, station
from station_app.services.demo_receptions import fts_body, generate, uid_text
from tests.conftest import TEST_STATION

TODAY = dt.date(2026, 6, 15)
N = 400


def _deputies() -> list[str]:
    return [deputies.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英", "赵志强", "孙丽")]


def _days() -> list[tuple[str, dt.date]]:
    return [(f"day-{m}", dt.date(2025 + (m < 6), (m % 12) + 1, 15)) for m in range(12)]


@pytest.fixture
def demo(station_db):
    people = _deputies()
    counts = generate(N, seed=5, station_code=TEST_STATION.code, deputy_uids=people, activity_days=_days(),
                      today=TODAY)
    return counts, people


def test_rows_are_generated_and_look_real(demo):
    counts, people = demo
    assert counts["receptions"] == N == Reception.select().count() == receptions.count()
    assert counts["cases"] == Case.select().count() and 0.45 * N < counts["cases"] < 0.75 * N
    assert counts["case_events"] == CaseEvent.select().count()
    rows = list(Reception.select())
    assert all(r.received_at.date() < TODAY for r in rows)
    assert all(dt.time(8, 30) <= clock.to_local(r.received_at).time() <= dt.time(17, 30) for r in rows)
    assert all(1 <= len(r.deputy_uids) <= 3 and set(r.deputy_uids) <= set(people) for r in rows)
    assert ReceptionDeputy.select().count() == sum(len(r.deputy_uids) for r in rows)
    assert all(20 <= len(r.summary) <= 200 for r in rows)
    channels = Counter(r.channel for r in rows)
    assert channels.most_common(1)[0][0] == Channel.VISIT.value and set(channels) <= set(Channel.codes())
    assert any(r.visitor_phone == "" for r in rows) and any(len(r.visitor_phone) == 11 for r in rows)
    assert 5 <= len({r.village for r in rows}) <= 15
    visitors = Counter((r.visitor_name, r.visitor_phone) for r in rows)
    assert visitors.most_common(1)[0][1] >= 2  # somebody came back
    # more visitors on activity days, linked to the day
    linked = [r for r in rows if r.activity_day_uid]
    days = dict(_days())
    assert linked and all(r.received_at.date() == days[r.activity_day_uid] for r in linked)
    assert all(r.activity_day_uid for r in rows if r.received_at.date() in set(days.values()))
    # stored texts are exactly what the fields write
    ts = TimestampField()
    raw = Reception._meta.database.execute_sql("SELECT received_at, created_at FROM reception").fetchall()
    assert all(ts.db_value(v) == v for row in raw for v in row)
    case_rows = list(Case.select())
    assert {c.category for c in case_rows} <= set(Category.codes())
    assert len({(c.station_code, c.number) for c in case_rows}) == len(case_rows)


def test_case_numbers_follow_registration_within_each_year(demo):
    rows = list(Case.select().order_by(Case.registered_at, Case.id))
    by_year: dict[int, list[int]] = {}
    for c in rows:
        year, seq = c.number.split("-")
        assert int(year) == c.registered_at.year
        by_year.setdefault(int(year), []).append(int(seq))
    for seqs in by_year.values():
        assert seqs == list(range(1, len(seqs) + 1))


def test_every_case_replays_to_its_stored_state(demo):
    evs: dict[str, list[CaseEvent]] = {}
    for e in CaseEvent.select().order_by(CaseEvent.at, CaseEvent.id):
        evs.setdefault(e.case_uid, []).append(e)
    for c in Case.select():
        timeline = evs[c.uid]
        assert timeline[0].action == "register"
        state = replay(c.handling, [Step(e.action, e.at, e.note, e.department, e.deadline, e.evaluation)
                                    for e in timeline])
        assert (state.status, state.evaluation, state.rounds, state.department, state.deadline) == (
            c.status, c.evaluation, c.rounds, c.department, c.deadline), c.number
        assert state.resolved_at == c.resolved_at
        assert (c.resolved_at is not None) == (c.status == "resolved")
        assert [e.round for e in timeline][-1] == c.rounds
        assert all(e.at.date() < TODAY for e in timeline)


def test_proportions(demo):
    rows = list(Case.select())
    handling = Counter(c.handling for c in rows)
    assert handling["on_the_spot"] > len(rows) / 2
    assert 0.12 * len(rows) < handling["assigned"] < 0.4 * len(rows)
    assert handling["deputy_proposal"] >= 1
    assigned = [c for c in rows if c.handling != "on_the_spot"]
    assert {c.department for c in assigned} <= set(cases.DEFAULT_DEPARTMENTS)
    assert sum(c.status == "resolved" and c.evaluation in ("satisfied", "basically_satisfied")
               for c in assigned) > len(assigned) / 2
    overdue = [c for c in rows if c.status in ("assigned", "in_progress") and c.deadline < TODAY]
    assert overdue and len(overdue) == cases.count(overdue=True, today=TODAY)
    assert any(c.rounds >= 2 for c in rows)
    assert any(c.status == "closed_unresolved" for c in rows)
    closed = [c.uid for c in rows if c.status == "closed_unresolved"]
    assert all(CaseEvent.select().where(CaseEvent.case_uid == u, CaseEvent.action == "close",
                                        CaseEvent.note != "").exists() for u in closed)
    assert any(r.visitor_count >= 5 for r in Reception.select())


def _all_pages(keyword: str, limit: int = 256, **kw) -> list[str]:
    out, after = [], None
    while True:
        page = receptions.page(after=after, keyword=keyword, limit=limit, **kw)
        out.extend(r.uid for r in page.rows)
        if page.next_key is None:
            return out
        after = page.next_key


@pytest.mark.parametrize("term", ["土地", "光伏", "宅基地", "低保", "村", "东营村 流转"])
def test_keyword_search_equals_a_substring_filter(demo, term, monkeypatch):
    words = term.split()
    rows = sorted(Reception.select(), key=lambda r: r.sort_key, reverse=True)  # the list's order
    expected = [r.uid for r in rows if all(any(w in (v or "") for v in (r.visitor_name, r.visitor_phone, r.village,
                                                                            r.summary)) for w in words)]
    for index in (True, False):  # through the character index, and by LIKE alone (as on PostgreSQL)
        if not index:
            monkeypatch.setattr("station_app.db.search.usable", lambda q: False)
        for limit in (7, 256):  # paged to the end: every hit once, newest first
            assert _all_pages(term, limit=limit) == expected, (term, index, limit)
        assert receptions.count(keyword=term) == len(expected)
    if term in ("土地", "东营村 流转"):
        assert expected  # the common term occurs in a 400-row demo


def test_case_search_uses_the_services_text(demo, monkeypatch):
    monkeypatch.setattr(cases, "INDEX_CAP", 10_000)  # always through the index
    c = Case.select().where(Case.handling == "assigned", Case.rounds == 1).first()
    hits = [r.uid for r in cases.page(keyword=c.number).rows]
    assert hits == [c.uid]


def test_same_seed_same_rows(tmp_path):
    def run(name: str):
        open_database(str(tmp_path / name))
        station.save_home_station(TEST_STATION)
        generate(300, seed=11, station_code=TEST_STATION.code, deputy_uids=["d-1", "d-2", "d-3"],
                 activity_days=_days(), today=TODAY)
        out = (list(Reception.select(Reception.uid, Reception.sort_key, Reception.summary).order_by(Reception.id)
                    .tuples()),
               list(Case.select(Case.uid, Case.number, Case.status).order_by(Case.id).tuples()),
               list(CaseEvent.select(CaseEvent.uid, CaseEvent.at).order_by(CaseEvent.id).tuples()))
        close_database()
        return out

    first, second = run("a.db"), run("b.db")
    assert first == second and len(first[1]) > 100


def test_uid_text_is_uuid4_text():
    import random

    rng = random.Random(3)
    for _ in range(200):
        bits = rng.getrandbits(128)
        assert uid_text(bits) == str(uuid.UUID(int=bits, version=4))


def test_fts_body_is_split_chars():
    samples = [("张三", "13812341234", "东营村", "反映土地流转，费用没有结清。"), ("阿依古丽·买买提", "", "河口村", "a b\tc\u3000d"),
               ("", "", "", ""), ("2026-0001", "李四", "", "镇司法所", " 前后有空格 ")]
    for fields in samples:
        assert fts_body(*fields) == search.split_chars(" ".join(fields))


def _phrase(text: str) -> str:
    return '"' + search.split_chars(text).strip(search.SEP + " ") + '"'


def _indexed(table: str, rowid: int, text: str) -> bool:
    """The index holds ``text`` under ``rowid`` (the whole text as one phrase)."""
    return database.execute_sql(f"SELECT count(*) FROM {table} WHERE {table} MATCH ? AND rowid = ?",
                                (_phrase(text), rowid)).fetchone()[0] == 1


def test_sort_keys_and_index_rows_are_the_services(demo):
    rows = list(Reception.select().order_by(Reception.id))
    keys = [r.sort_key for r in rows]
    assert len(set(keys)) == len(keys)
    assert keys == sorted(keys)  # ids and keys both follow the time of the visit
    for r in rows:  # the visit's own time, moved on by a microsecond per earlier visit of that minute
        assert 0 <= r.sort_key - receptions.time_key(r.received_at) < 100
    assert any(r.sort_key != receptions.time_key(r.received_at) for r in rows)  # some minutes had two
    fts_rowids = [k for (k,) in database.execute_sql("SELECT rowid FROM reception_fts ORDER BY rowid")]
    assert fts_rowids == keys
    assert all(_indexed("reception_fts", r.sort_key, receptions.search_text(r)) for r in rows)
    visitors = {r.uid: r for r in rows}
    moved = 0
    for c in Case.select():
        rec = visitors[c.reception_uid]
        assert _indexed("case_fts", c.id, cases.search_text(c, rec.visitor_name, rec.village)), c.number
        first = (CaseEvent.select().where(CaseEvent.case_uid == c.uid, CaseEvent.action == "assign").first())
        if first is not None and first.department != c.department:  # 再次交办 to another department
            moved += 1
            c.department = first.department
            assert not _indexed("case_fts", c.id, cases.search_text(c, rec.visitor_name, rec.village))
    assert moved  # the demo has reassigned cases whose index follows the new department


def _numbers() -> dict[int, int]:
    top: dict[int, int] = {}
    for (num,) in Case.select(Case.number).tuples():
        year, seq = map(int, num.split("-"))
        top[year] = max(top.get(year, 0), seq)
    return top


def test_services_go_on_from_the_generated_rows(demo):
    counts, people = demo
    top = _numbers()
    assert {(c.year, c.last) for c in CaseCounter.select()} == set(top.items())
    for year, last in top.items():
        with database.atomic() as tx:
            assert cases.next_number(TEST_STATION.code, year) == f"{year}-{last + 1:04d}"
            tx.rollback()
    when = dt.datetime(2026, 6, 12, 9, 30, tzinfo=clock.zone())
    busy = Reception.select().where(Reception.received_at == when).count()
    rec = receptions.record_visit(
        ReceptionData(received_at=when, channel="visit", visitor_name="测试来访人", visitor_phone="13800001111",
                      village="东营村", deputy_uids=tuple(people[:2]), summary="反映光伏板被大风刮坏，希望协调维修"),
        [OpinionData("光伏板被大风刮坏，希望协调维修", "environment", "assigned", department="供电所")])
    assert Reception.get(Reception.uid == rec.uid).sort_key == receptions.time_key(when) + busy
    made = Case.get(Case.reception_uid == rec.uid)
    assert made.number == f"2026-{top[2026] + 1:04d}"
    assert Case.select(Case.number).distinct().count() == Case.select().count() == counts["cases"] + 1
    assert receptions.page(keyword="大风刮坏").rows[0].uid == rec.uid
    assert [r.uid for r in receptions.page(limit=1000).rows].index(rec.uid) == \
        sum(r.received_at > when for r in Reception.select())  # its place in the list
    errors = [f.message for f in check.run_check() if f.severity == "error"]
    assert errors == []


def test_a_second_run_into_the_same_database_goes_on(demo):
    counts, people = demo
    top = _numbers()
    more = generate(200, seed=6, station_code=TEST_STATION.code, deputy_uids=people, activity_days=_days(),
                    today=TODAY)
    keys = [k for (k,) in Reception.select(Reception.sort_key).tuples()]
    assert len(keys) == len(set(keys)) == N + 200
    after = _numbers()
    assert all(after[y] >= top[y] for y in top)
    assert Case.select().count() == counts["cases"] + more["cases"]
    assert Case.select(Case.number).distinct().count() == Case.select().count()
    assert {(c.year, c.last) for c in CaseCounter.select()} == set(after.items())
    assert [f.message for f in check.run_check() if f.severity == "error"] == []
