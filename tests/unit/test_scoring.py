"""履职积分 on a real SQLite file: automatic records from sign-ins and receptions, caps, deductions,
quarter boundaries, manual records with evidence and review, explicit recompute, rankings, quotas,
and the property that every score is the sum of the records it lists."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from station_app.db.models import AuditLog, DutyRecord
from station_app.domain import clock
from station_app.domain.records import DeputyData, ReceptionData
from station_app.domain.scoring import (
    Entry,
    Indicator,
    RuleSet,
    default_rules,
    ruleset_from_json,
    score,
    score_sums,
    summable,
)
from station_app.errors import ValidationError
from station_app.services import activity, receptions, scoring
from station_app.services import deputies as deps

D = dt.date
Y = 2026


def at(d: D, hour=9) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, hour, tzinfo=clock.zone())


@pytest.fixture
def people(station_db):
    return [deps.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英", "张伟")]


def visit(day: D, who, channel="visit"):
    return receptions.record_visit(ReceptionData(at(day), channel, "来访人", deputy_uids=tuple(who)))


def held_day(day: D, marks: dict, kind="reception"):
    rec = activity.add_day(day, kind=kind)
    activity.sign_in(rec.uid, marks)
    return rec


def test_automatic_records_follow_the_facts_and_recompute_is_idempotent(people):
    a, b, c = people
    held_day(D(Y, 3, 16), {a: "present", b: "late", c: "absent"})
    held_day(D(Y, 4, 15), {a: "present"}, kind="study")
    visit(D(Y, 3, 31), [a])
    visit(D(Y, 4, 1), [a, b], channel="home_visit")
    plan = scoring.recompute(Y)
    assert plan.changes and plan.scores
    by = {s.name: s for s in scoring.ranking(Y)}
    # a: 2 days ×2 (A03) + study 2 (C01) + 2 receptions ×1 (D01) + 1 home visit 0.5 (D02) = 8.5
    assert by["王建国"].raw == 8.5 and by["王建国"].rank == 1
    assert by["李秀英"].raw == 2 + 1 + 0.5
    assert by["张伟"].raw == -2  # 无故缺席
    n = DutyRecord.select().count()
    assert scoring.recompute(Y).changes == () and DutyRecord.select().count() == n  # idempotent
    assert scoring.sync_auto(Y) == 0
    # a new sign-in arrives: sync adds it, nothing else moves
    held_day(D(Y, 5, 15), {b: "present"})
    assert scoring.sync_auto(Y) == 1
    assert {s.name: s.raw for s in scoring.ranking(Y)}["李秀英"] == 5.5


def test_caps_limit_an_indicator_and_the_explanation_sums_to_the_score(people):
    a = people[0]
    for i in range(15):  # 15 receptions; D01 is capped at 12 points a year
        visit(D(Y, 1, 5) + dt.timedelta(days=i), [a])
    scoring.recompute(Y)
    s, recs = scoring.explain(a, Y)
    assert s.by_indicator["D01"] == 12 and s.raw == 12
    assert sum(r.counted for r in recs) == s.raw
    assert [r.counted for r in recs][-3:] == [0, 0, 0]  # the last three came after the cap


def test_quarter_boundary_and_quotas(people):
    a, b, _c = people
    visit(D(Y, 3, 31), [a])  # first quarter
    visit(D(Y, 4, 1), [b])  # second quarter
    short = scoring.quota_shortfalls(today=D(Y, 4, 20))
    behind_q = {x.name for x in short if x.quota == "每季度至少进站活动1次"}
    assert behind_q == {"王建国", "张伟"}  # a's visit was in the first quarter
    per_year = {(x.name, x.have) for x in short if x.quota == "每年进站接待群众不少于2次"}
    assert ("王建国", 1) in per_year and ("李秀英", 1) in per_year and ("张伟", 0) in per_year
    assert {x.period_label for x in short if x.quota.startswith("每季度")} == {f"{Y}年第二季度"}


def test_manual_record_needs_note_and_evidence_and_counts_once_reviewed(people, tmp_path):
    a = people[0]
    with pytest.raises(ValidationError) as err:
        scoring.add_manual(a, D(Y, 3, 1), "B01", 1, "")
    assert {"note", "evidence"} <= set(err.value.fields)
    with pytest.raises(ValidationError, match="自动计分"):
        scoring.add_manual(a, D(Y, 3, 1), "D01", 1, "接待")
    proof = tmp_path / "建议.pdf"
    proof.write_bytes(b"%PDF-1.4 proof")
    rec = scoring.add_manual(a, D(Y, 3, 1), "B01", 2, "关于修缮村道的建议", evidence=proof)
    assert rec.points == 6 and not rec.verified and scoring.evidence_path(rec.evidence).read_bytes() == proof.read_bytes()
    assert scoring.score_of(a, Y).raw == 0 and scoring.score_of(a, Y).pending == 1
    scoring.review(rec.uid, approve=True)
    assert scoring.score_of(a, Y).raw == 6
    with pytest.raises(ValidationError, match="原因"):
        scoring.review(rec.uid, approve=False)


def test_changing_rules_changes_nothing_until_recompute(people):
    a = people[0]
    visit(D(Y, 2, 2), [a])
    scoring.recompute(Y)
    assert scoring.score_of(a, Y).raw == 1
    rs = scoring.rules(Y)
    changed = dataclasses.replace(rs, indicators=tuple(
        dataclasses.replace(i, points=3) if i.code == "D01" else i for i in rs.indicators))
    scoring.save_rules(changed)
    assert scoring.rules_pending(Y) and scoring.score_of(a, Y).raw == 1  # not silently rewritten
    plan = scoring.preview_recompute(Y)
    assert [(c.kind, c.before, c.after) for c in plan.changes] == [("change", 1, 3)]
    assert plan.scores == (("王建国", 1, 3),)
    assert scoring.score_of(a, Y).raw == 1  # previewing writes nothing
    scoring.recompute(Y)
    assert scoring.score_of(a, Y).raw == 3 and not scoring.rules_pending(Y)
    logged = AuditLog.select().where(AuditLog.action == "recompute").order_by(AuditLog.id.desc()).first()
    assert logged.after["changed"] == 1 and logged.after["scores"] == [["王建国", 1, 3]]


def test_edited_rules_of_a_never_recomputed_year_wait_for_recompute(people):
    a = people[0]
    visit(D(Y, 2, 2), [a])
    rs = scoring.rules(Y)
    scoring.save_rules(dataclasses.replace(rs, indicators=tuple(
        dataclasses.replace(i, points=5) if i.code == "D01" else i for i in rs.indicators)))
    scoring.sync_auto(Y)  # the page syncs whenever it is shown
    assert scoring.rules_pending(Y) and scoring.score_of(a, Y).raw == 1  # still the default 1 point
    scoring.recompute(Y)
    assert scoring.score_of(a, Y).raw == 5 and not scoring.rules_pending(Y)


def test_rules_file_round_trip_and_bad_files(station_db, tmp_path):
    path = scoring.export_rules(Y, tmp_path / "rules.json")
    assert ruleset_from_json(path.read_text(encoding="utf-8")) == default_rules(Y)
    assert len(default_rules(Y).indicators) >= 20
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "station-scoring-rules", "version": 1, "year": 2026, "indicators": '
                   '[{"code": "X", "name": "x", "category": "c", "points": 0}]}', encoding="utf-8")
    with pytest.raises(ValidationError, match="分值不能为 0"):
        scoring.import_rules(bad)
    bad.write_text("not json", encoding="utf-8")
    with pytest.raises(ValidationError, match="JSON"):
        scoring.import_rules(bad)
    assert not scoring.rules_pending(Y)  # nothing stored from a rejected file


def test_grades_and_hundred_point_scale():
    rs = RuleSet(Y, (Indicator("X", "x", "c", 10, None),), full_marks=50)
    assert score(rs, [Entry("1", "X", D(Y, 1, 1), 10)] * 1).score100 == 20.0
    s = score(default_rules(Y).__class__(Y, (Indicator("X", "x", "c", 10, None),), (),
                                         default_rules(Y).grades, 100), [Entry(str(i), "X", D(Y, 1, 1), 10) for i in range(12)])
    assert s.score100 == 100.0 and s.grade == "优秀"  # capped at 100


ENTRY = st.tuples(st.sampled_from(["D01", "G01", "B01", "ZZ"]), st.integers(1, 365),
                  st.floats(-5, 10, allow_nan=False).map(lambda x: round(x, 1)))


@given(st.lists(ENTRY, max_size=40))
def test_property_sum_of_listed_records_is_the_score(items):
    rs = default_rules(Y)
    entries = [Entry(str(i), code, D(Y, 1, 1) + dt.timedelta(days=day - 1), pts)
               for i, (code, day, pts) in enumerate(items)]
    s = score(rs, entries)
    assert round(sum(c.counted for c in s.lines), 2) == s.raw
    for code, total in s.by_indicator.items():
        ind = rs.indicator(code)
        if ind is not None and ind.cap is not None:
            assert abs(total) <= ind.cap + 1e-9
    assert 0 <= s.score100 <= 100


SUM_RULES = RuleSet(Y, (Indicator("A", "a", "c", 2, None), Indicator("B", "b", "c", 1.5, 7.25),
                        Indicator("C", "c", "c", -3, 10), Indicator("E", "e", "c", 1, 0.333)), full_marks=40)
CENTS = st.integers(-900, 900).map(lambda c: c / 100)


@given(st.lists(st.tuples(st.sampled_from("ABCZ"), st.integers(1, 365), CENTS), max_size=40),
       st.fixed_dictionaries({"B": st.sampled_from([1, -1]), "C": st.sampled_from([1, -1])}))
def test_property_sums_score_as_the_records_when_summable(items, signs):
    """score_sums over per-indicator sums equals score over the records, line by line in date
    order, whenever summable says so (two-decimal points, one sign under a cap)."""
    entries = [Entry(str(i), code, D(Y, 1, 1) + dt.timedelta(days=day - 1), abs(pts) * signs.get(code, 1)
                     if code in signs else pts) for i, (code, day, pts) in enumerate(items)]
    by_code: dict[str, list[float]] = {}
    for e in entries:
        by_code.setdefault(e.indicator_code, []).append(e.points)
    assert all(summable(SUM_RULES, code, pts) for code, pts in by_code.items())
    whole = score(SUM_RULES, entries)
    summed = score_sums(SUM_RULES, {code: sum(pts) for code, pts in by_code.items()})
    assert (summed.raw, summed.score100, summed.grade, summed.by_indicator) == \
        (whole.raw, whole.score100, whole.grade, whole.by_indicator)


def test_summable_refuses_what_order_or_rounding_decides():
    assert summable(SUM_RULES, "A", [1.25, -3.5]) and summable(SUM_RULES, "Z", [0.1])
    assert not summable(SUM_RULES, "A", [1.255])  # three decimals: rounding line by line differs
    assert not summable(SUM_RULES, "B", [1.5, -1.5])  # a deduction between additions uses the cap
    assert summable(SUM_RULES, "B", [1.5, 1.5]) and summable(SUM_RULES, "C", [-3, -3])
    assert not summable(SUM_RULES, "E", [1])  # a cap of three decimals
    # the order does matter there: the same records in two orders score differently
    plus, minus = Entry("1", "B", D(Y, 1, 1), 6.0), Entry("2", "B", D(Y, 1, 2), -6.0)
    later = dataclasses.replace(minus, date=D(Y, 2, 1))
    first = dataclasses.replace(plus, date=D(Y, 3, 1))
    assert score(SUM_RULES, [plus, later]).raw != score(SUM_RULES, [first, later]).raw


@hsettings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(1, 300), st.booleans()), max_size=25))
def test_property_service_scores_are_explained_by_their_records(people, visits):
    from station_app.db.models import Reception, ReceptionDeputy

    DutyRecord.delete().execute()
    ReceptionDeputy.delete().execute()
    Reception.delete().execute()
    from station_app.db.connection import database

    database.execute_sql("INSERT INTO reception_fts(reception_fts) VALUES ('delete-all')")
    for who, day, home in visits:
        visit(D(Y, 1, 1) + dt.timedelta(days=day - 1), [people[who]], "home_visit" if home else "visit")
    scoring.recompute(Y)
    for s in scoring.ranking(Y):
        total, recs = scoring.explain(s.deputy_uid, Y)
        assert round(sum(r.counted for r in recs), 2) == total.raw == s.raw


def test_rankings_summed_in_sql_equal_the_records_counted_one_by_one(people):
    """ranking and county_ranking sum records in SQL where that cannot change a score and count
    the rest record by record: a deduction under a cap, and points of three decimals whose
    rounding line by line differs from the rounded sum, must score as ``score`` over the records."""
    a, b, c = people
    for i in range(15):  # D01 (1 point a reception) is capped at 12 a year
        visit(D(Y, 1, 5) + dt.timedelta(days=i), [a, b] + ([c] if i < 3 else []))
    scoring.recompute(Y)
    first_b = DutyRecord.select().where(DutyRecord.deputy_uid == b).order_by(DutyRecord.date).first()
    DutyRecord.update(points=-1.0).where(DutyRecord.id == first_b.id).execute()  # takes its share of the cap first
    DutyRecord.update(points=0.004).where(DutyRecord.deputy_uid == c).execute()  # 0.00 a line, 0.01 summed
    rs = scoring.applied_rules(Y)

    def one_by_one(uid: str) -> float:
        rows = DutyRecord.select().where(DutyRecord.deputy_uid == uid, DutyRecord.deleted_at.is_null())
        return score(rs, [Entry(r.uid, r.indicator_code, r.date, r.points) for r in rows]).raw

    expected = {u: one_by_one(u) for u in people}
    assert expected == {a: 12.0, b: 10.0, c: 0.0}
    assert {s.deputy_uid: s.raw for s in scoring.ranking(Y)} == expected
    assert {s.deputy_uid: s.raw for s in scoring.county_ranking(Y)} == expected
    # summing those two would have scored them otherwise
    assert score_sums(rs, {"D01": 13.0}).raw == 12.0 and score_sums(rs, {"D01": 0.012}).raw == 0.01
