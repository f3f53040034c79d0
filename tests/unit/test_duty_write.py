"""重新计算 writes a year's automatic duty records without making its 25k preview lines unless they are
read, and binds only the columns that differ from record to record (issue 21 item 3; the speed itself
is bench/bench_duty.py's, not a test's)."""

from __future__ import annotations

import datetime as dt
import gc
import math

import pytest

from station_app.db.bulk import bulk_insert, insert_sql
from station_app.db.models import DutyRecord, new_uids
from station_app.domain import clock
from station_app.domain.records import DeputyData, ReceptionData
from station_app.services import activity, receptions, scoring
from station_app.services import deputies as deps
from station_app.services.scoring import RecordChange
from station_app.services.station import home_code

Y = 2026


def _lines_alive() -> int:
    gc.collect()
    return sum(isinstance(o, RecordChange) for o in gc.get_objects())


@pytest.fixture
def year(station_db):
    a, b = (deps.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英"))
    day = activity.add_day(dt.date(Y, 3, 16), kind="study")
    activity.sign_in(day.uid, {a: "present", b: "absent"})
    for d in (dt.date(Y, 3, 31), dt.date(Y, 4, 1)):
        receptions.record_visit(ReceptionData(dt.datetime(Y, d.month, d.day, 9, tzinfo=clock.zone()), "home_visit",
                                              "来访人", deputy_uids=(a, b)))
    return a, b


def test_recompute_makes_its_lines_when_read_and_they_are_the_previews(year):
    preview = scoring.preview_recompute(Y)
    listed = tuple(preview.changes)  # what the dialog shows
    baseline = _lines_alive()
    before = clock.now_ts()
    plan = scoring.recompute(Y)
    rows = list(DutyRecord.select().where(DutyRecord.source == "auto"))
    assert sorted((r.indicator_code, r.date) for r in rows) == sorted((c.indicator_code, c.date) for c in listed)
    for r in rows:  # the columns every record of the write shares, written into the INSERT
        assert (r.station_code, r.source, r.evidence, r.verified, r.reviewer, r.deleted_at, r.reviewed_at) == \
            (home_code(), "auto", None, True, "自动", None, None)
        assert r.created_at == r.updated_at and r.created_at >= clock.parse_ts(before)
    assert _lines_alive() == baseline  # nothing made for the 25k lines of a year nobody lists…
    assert len(plan.changes) == len(listed) == 11  # …yet how many is known (the page says so)
    assert plan.changes == listed and listed == plan.changes and tuple(plan.changes) == listed
    assert _lines_alive() == baseline + len(listed)  # made once read, in the preview's order
    assert [c.date for c in plan.changes] == sorted(c.date for c in listed)
    assert plan.changes[0] == listed[0] and hash(plan.changes) == hash(listed)
    assert plan.scores == preview.scores
    again = scoring.recompute(Y)
    assert again.changes == () and len(again.changes) == 0
    assert scoring.recompute(Y, listed=False).changes == ()


def test_bulk_insert_binds_only_the_columns_that_differ(db):
    bulk_with_shared_columns(db)


def bulk_with_shared_columns(db) -> None:
    """Shared columns written into the statement (a quote, ``%``, NULL, truth values, a number),
    inside and outside a transaction; also run on PostgreSQL (tests/integration/test_postgres.py)."""
    fields = (DutyRecord.uid, DutyRecord.deputy_uid, DutyRecord.date, DutyRecord.indicator_code,
              DutyRecord.quantity, DutyRecord.points, DutyRecord.note)
    shared = {DutyRecord.station_code: "O'Neil 100%", DutyRecord.created_at: "2026-05-01T09:00:00.000000+08:00",
              DutyRecord.updated_at: "2026-05-01T09:00:00.000000+08:00", DutyRecord.source: "manual",
              DutyRecord.evidence: None, DutyRecord.verified: False, DutyRecord.reviewer: "审核'员"}
    sql = insert_sql(DutyRecord, fields, shared)
    assert sql.count(db.param) == len(fields)  # the shared ones are in the statement, not bound a row at a time
    uids = new_uids(3)
    with db.atomic():
        assert bulk_insert(DutyRecord, fields, [(u, "d", f"2026-05-0{i + 1}", "A01", 1.0, 2.5 * i, f"事由{i}")
                                                for i, u in enumerate(uids)], constants=shared) == 3
    assert bulk_insert(DutyRecord, fields[:5] + fields[6:], [(new_uids(1)[0], "e", "2026-06-01", "A02", 2.0, "不在事务中")],
                       constants={**shared, DutyRecord.verified: True, DutyRecord.points: 4}) == 1
    got = [(r.station_code, r.reviewer, r.verified, r.evidence, r.points, r.note, r.date.isoformat())
           for r in DutyRecord.select().order_by(DutyRecord.date)]
    assert got == [("O'Neil 100%", "审核'员", False, None, 0.0, "事由0", "2026-05-01"),
                   ("O'Neil 100%", "审核'员", False, None, 2.5, "事由1", "2026-05-02"),
                   ("O'Neil 100%", "审核'员", False, None, 5.0, "事由2", "2026-05-03"),
                   ("O'Neil 100%", "审核'员", True, None, 4.0, "不在事务中", "2026-06-01")]


@pytest.mark.parametrize("bad", [math.nan, math.inf, b"bytes", "nul\x00", dt.date(2026, 1, 1)])
def test_a_shared_value_that_cannot_be_written_into_the_statement_is_refused(db, bad):
    with pytest.raises(TypeError, match="not a constant"):
        insert_sql(DutyRecord, (DutyRecord.uid,), {DutyRecord.note: bad})


def test_a_read_only_user_cannot_recompute(station_db):
    """重新计算 writes records: the service refuses a 只读 user itself (the page only greys its button)."""
    from station_app.domain.roles import Role
    from station_app.services import context

    context.set_user(context.Actor("小李", Role.READONLY))
    try:
        with pytest.raises(context.PermissionDenied, match="只读"):
            scoring.recompute(Y)
    finally:
        context.set_user(None)
    scoring.recompute(Y)  # nobody logged in on a plain database: allowed as before
