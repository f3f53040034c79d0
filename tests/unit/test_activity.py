"""代表活动日 services on a real SQLite file: generating a year, clashes, moves, rota, sign-in."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from station_app.db.models import ActivityDay, AuditLog
from station_app.domain.records import DeputyData
from station_app.domain.schedule import HolidayDataMissing
from station_app.errors import ValidationError
from station_app.services import activity, deputies, settings

D = dt.date


@pytest.fixture
def people(station_db):
    names = ["赛山·托西别克", "王建国", "李秀英", "阿依古丽", "张伟", "刘洋", "陈静"]
    return [deputies.create(DeputyData(name=n, levels=("township",), phone="13912345678")).uid for n in names]


def test_generate_2026_moves_holiday_dates_and_is_idempotent(people):
    settings.set("schedule.rules", ["每月第一个周二"])
    s = activity.generate_year(2026, today=D(2026, 1, 1))
    assert s.created == 12 and s.existing == 0
    days = activity.days_in_range(D(2026, 1, 1), D(2026, 12, 31))
    october = next(d for d in days if d.date.month == 10)
    assert october.original_date == D(2026, 10, 6) and october.date > D(2026, 10, 7)  # out of 国庆
    assert october.change_reason  # says why it moved
    again = activity.generate_year(2026, today=D(2026, 1, 1))
    assert again.created == 0 and again.existing == 12
    assert ActivityDay.select().count() == 12


def test_a_year_without_holiday_data_is_refused_until_entered(people):
    with pytest.raises(HolidayDataMissing, match="2027年的法定节假日安排尚未收录"):
        activity.generate_year(2027)
    activity.set_holiday_override(D(2027, 1, 1), "holiday", "元旦")
    activity.mark_year_entered(2027)
    s = activity.generate_year(2027, today=D(2027, 1, 1))
    assert s.created == 12
    assert all(d.date.weekday() < 5 for d in activity.days_in_range(D(2027, 1, 1), D(2027, 12, 31)))


def test_never_two_days_on_one_date(people):
    settings.set("schedule.rules", ["每月15日"])
    activity.generate_year(2026, today=D(2026, 1, 1))
    june = activity.month_days(2026, 6)[0]
    with pytest.raises(ValidationError, match="已经有一个活动日"):
        activity.add_day(june.date, theme="临时")
    july = activity.month_days(2026, 7)[0]
    with pytest.raises(ValidationError, match="同一天不能安排两个活动日"):
        activity.move_day(july.uid, june.date, "冲突")
    with pytest.raises(ValidationError, match="改期原因"):
        activity.move_day(july.uid, D(2026, 7, 16), " ")
    moved = activity.move_day(july.uid, D(2026, 7, 16), "镇里召开防汛会议")
    assert moved.date == D(2026, 7, 16) and moved.original_date == july.date
    cancelled = activity.cancel_day(june.uid, "台风预警")
    assert cancelled.status == "cancelled"
    activity.add_day(june.date, theme="补开")  # a cancelled day frees its date
    assert activity.generate_year(2026, today=D(2026, 1, 1)).created == 0  # moved/cancelled stay
    actions = [a.action for a in AuditLog.select().where(AuditLog.table_name == "activity_day")]
    assert {"move", "cancel", "create", "generate"} <= set(actions)


def test_rota_is_fair_respects_leave_and_keeps_swaps(people):
    settings.set("schedule.rules", ["每周三"])
    settings.set("schedule.duty_per_day", 2)
    activity.add_unavailable(people[0], D(2026, 3, 1), D(2026, 5, 31), "外出学习")
    activity.generate_year(2026, today=D(2026, 1, 1))
    days = activity.days_in_range(D(2026, 1, 1), D(2026, 12, 31))
    turns = Counter(d.uid for day in days for d in day.duty)
    assert all(len(day.duty) == 2 for day in days)
    assert max(turns.values()) - min(turns[p] for p in people) <= 1
    assert not any(people[0] in {d.uid for d in day.duty} for day in days if D(2026, 3, 1) <= day.date <= D(2026, 5, 31))

    day = days[10]
    out_uid = day.duty[0].uid
    in_uid = next(p for p in people if p not in {d.uid for d in day.duty})
    swapped = activity.swap_duty(day.uid, out_uid, in_uid, "家中有事")
    assert in_uid in {d.uid for d in swapped.duty} and out_uid not in {d.uid for d in swapped.duty}
    activity.reassign_rota(2026, today=D(2026, 1, 1))
    assert {d.uid for d in activity.get(day.uid).duty} == {d.uid for d in swapped.duty}
    with pytest.raises(ValidationError, match="当天不值班"):
        activity.swap_duty(day.uid, out_uid, in_uid, "")


def test_sign_in_marks_held_and_feeds_attendance_facts(people):
    settings.set("schedule.rules", ["每月15日"])
    activity.generate_year(2026, today=D(2026, 1, 1))
    march, april = activity.month_days(2026, 3)[0], activity.month_days(2026, 4)[0]
    with pytest.raises(ValidationError, match="还没到"):
        activity.sign_in(activity.month_days(2026, 12)[0].uid, {people[0]: "present"})
    held = activity.sign_in(march.uid, {people[0]: "present", people[1]: "late", people[2]: "absent"})
    assert held.status == "held"
    activity.sign_in(april.uid, {people[0]: "present", people[3]: "leave"})
    activity.sign_in(april.uid, {people[3]: None, people[1]: "present"})  # corrected
    facts = activity.attendance_facts(D(2026, 1, 1), D(2026, 3, 31))
    assert facts[people[0]].present == 1 and facts[people[1]].late == 1 and facts[people[2]].absent == 1
    assert facts[people[0]].day_uids == (march.uid,)
    year = activity.attendance_facts(D(2026, 1, 1), D(2026, 12, 31))
    assert year[people[0]].attended == 2 and year[people[1]].attended == 2 and people[3] not in year
    with pytest.raises(ValidationError):
        activity.sign_in(april.uid, {people[0]: "sleeping"})
    saved = activity.save_minutes(march.uid, "一、学习", "群众反映道路问题", "交办交通所", "月底前回复")
    assert saved.decisions == "交办交通所"


def test_next_day_and_month_theme(people):
    settings.set("schedule.rules", ["每月15日"])
    activity.generate_year(2026, today=D(2026, 1, 1))
    nxt = activity.next_activity_day(D(2026, 11, 22))
    assert nxt.date == D(2026, 12, 15) and len(nxt.duty) == 2
    assert activity.set_month_theme(2026, 12, "优化营商环境") == 1
    assert activity.next_activity_day(D(2026, 11, 22)).theme == "优化营商环境"
    with pytest.raises(ValidationError):
        activity.update_day(nxt.uid, start_time="9点")
    with pytest.raises(ValidationError, match="看不懂规则"):
        activity.save_rules(["每月15日", "逢年过节"])
    assert activity.rules() == ["每月15日"]


def test_the_database_itself_refuses_a_second_live_day(people):
    import peewee as pw

    first = activity.add_day(D(2026, 5, 20))
    with pytest.raises(pw.IntegrityError):
        ActivityDay.create(station_code="T01", date=D(2026, 5, 20))
    activity.cancel_day(first.uid, "改期")
    ActivityDay.create(station_code="T01", date=D(2026, 5, 20))  # a cancelled day does not block
