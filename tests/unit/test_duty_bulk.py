"""The year's automatic duty records are planned from one read of the facts and written in bulk
(issue 21 item 3; the speed itself is bench/bench_duty.py's, not a test's)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import uuid

import pytest

from station_app.db.connection import database
from station_app.db.models import DutyRecord, new_uids, seeded_uids
from station_app.domain import clock
from station_app.domain.records import DeputyData, ReceptionData
from station_app.domain.scoring import Entry, score
from station_app.services import activity, receptions, scoring
from station_app.services import deputies as deps

Y = 2026


@pytest.fixture
def people(station_db):
    return [deps.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英")]


def test_recompute_reads_the_facts_once_and_writes_what_its_preview_lists(people):
    a, b = people
    day = activity.add_day(dt.date(Y, 3, 16), kind="study")
    activity.sign_in(day.uid, {a: "present", b: "absent"})
    for d in (dt.date(Y, 3, 31), dt.date(Y, 4, 1)):
        receptions.record_visit(ReceptionData(dt.datetime(Y, d.month, d.day, 9, tzinfo=clock.zone()), "home_visit",
                                              "来访人", deputy_uids=(a, b)))
    statements: list[str] = []
    con = database.connection()
    con.set_trace_callback(statements.append)
    try:
        plan = scoring.recompute(Y)
    finally:
        con.set_trace_callback(None)
    reads = [s for s in statements if 'FROM "reception_deputy"' in s and '"received_at"' in s]
    assert len(reads) == 1, reads  # the preview and the writing share one plan (it was read twice)
    auto = DutyRecord.select().where(DutyRecord.source == "auto", DutyRecord.deleted_at.is_null())
    added = sorted((c.indicator_code, c.date) for c in plan.changes if c.kind == "add")
    assert added == sorted((r.indicator_code, r.date) for r in auto)
    assert len(added) == 2 * 2 * 2 + 2 + 1  # 2 visits × 2 deputies × (接待 + 走访), a's study day (A03, C01), b's absence…
    assert scoring.recompute(Y).changes == ()  # …and nothing more the second time


def test_bulk_uids_are_distinct_uuid4_text_and_follow_a_seeded_source():
    uids = new_uids(2000)
    assert len(set(uids)) == 2000
    assert all(uuid.UUID(u).version == 4 and uuid.UUID(u).variant == uuid.RFC_4122 and str(uuid.UUID(u)) == u
               for u in uids)
    counter = itertools.count()
    with seeded_uids(lambda: f"seed-{next(counter)}"):
        assert new_uids(3) == ["seed-0", "seed-1", "seed-2"]


def _traced(preview):
    """``preview(Y)`` and the statements it sent."""
    statements: list[str] = []
    con = database.connection()
    con.set_trace_callback(statements.append)
    try:
        return preview(Y), statements
    finally:
        con.set_trace_callback(None)


def _records_score(rs, deputy_uid: str) -> float:
    rows = DutyRecord.select().where(DutyRecord.deputy_uid == deputy_uid, DutyRecord.deleted_at.is_null(),
                                     (DutyRecord.source == "auto") | (DutyRecord.verified == True))  # noqa: E712
    return score(rs, [Entry(r.uid, r.indicator_code, r.date, r.points) for r in rows]).raw


def _visits(people, days: int) -> None:
    a, b, c = people
    for i in range(days):
        receptions.record_visit(ReceptionData(dt.datetime(Y, 1, 5 + i, 9, tzinfo=clock.zone()), "visit", "来访人",
                                              deputy_uids=(a, b) + ((c,) if i < 3 else ())))


def _rules_with_d01(points: float) -> None:
    rs = scoring.rules(Y)
    scoring.save_rules(dataclasses.replace(rs, indicators=tuple(
        dataclasses.replace(i, points=points) if i.code == "D01" else i for i in rs.indicators)))


@pytest.fixture
def three(station_db):
    return [deps.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英", "张明")]


def test_the_preview_counts_the_scores_from_sums_as_score_counts_the_records(three):
    """Before → after of the 重新计算 preview are summed per deputy and indicator, and counted record
    by record where a sum could differ: a deduction under a cap (b), three-decimal points (c)."""
    a, b, c = three
    _visits(three, 15)  # D01, 1 point a reception, capped at 12 a year
    scoring.recompute(Y)
    first_b = DutyRecord.select().where(DutyRecord.deputy_uid == b).order_by(DutyRecord.date).first()
    DutyRecord.update(points=-1.0).where(DutyRecord.id == first_b.id).execute()
    DutyRecord.update(points=0.004).where(DutyRecord.deputy_uid == c).execute()
    before = {u: _records_score(scoring.applied_rules(Y), u) for u in three}
    assert before == {a: 12.0, b: 10.0, c: 0.0}
    _rules_with_d01(0.5)
    plan, statements = _traced(scoring.preview_recompute)
    one_by_one = [s for s in statements if 'FROM "duty_record"' in s and '"verified" = 1' in s and "GROUP BY" not in s]
    assert one_by_one and all(b in s and c in s and a not in s for s in one_by_one), one_by_one  # b and c only
    scoring.recompute(Y)
    after = {u: _records_score(scoring.applied_rules(Y), u) for u in three}
    assert after == {a: 7.5, b: 7.5, c: 1.5}
    names = {a: "王建国", b: "李秀英", c: "张明"}
    assert plan.scores == tuple(sorted((names[u], before[u], after[u]) for u in three))


def test_the_preview_of_a_summable_year_reads_its_records_summed_not_one_by_one(three):
    _visits(three, 4)
    scoring.recompute(Y)
    _rules_with_d01(2)
    plan, statements = _traced(scoring.preview_recompute)
    assert [s for s in plan.scores if s[0] == "张明"] == [("张明", 3.0, 6.0)]
    counted = [s for s in statements if 'FROM "duty_record"' in s and '"verified" = 1' in s]
    assert counted and [s for s in counted if "GROUP BY" not in s] == []
