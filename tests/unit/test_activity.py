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


def test_monthly_theme_reaches_later_days_and_spares_a_days_own_theme(people):
    settings.set("schedule.rules", ["每月15日", "每月最后一个周五"])
    assert activity.set_monthly_theme("2026-03", "农村人居环境整治") == 0  # no days yet: stored for later
    activity.generate_year(2026, today=D(2026, 1, 1))
    march = activity.month_days(2026, 3)
    assert [d.theme for d in march] == ["农村人居环境整治"] * 2
    assert activity.monthly_themes(2026) == {"2026-03": "农村人居环境整治"}

    own = activity.update_day(march[1].uid, {"theme": "垃圾分类专题调研"})  # the clerk's own theme for that day
    assert own.theme == "垃圾分类专题调研"
    extra = activity.add_day(D(2026, 3, 20))  # a one-off day: the month's theme by default
    assert extra.theme == "农村人居环境整治"
    bare = activity.update_day(extra.uid, theme="")
    assert activity.set_monthly_theme((2026, 3), "农村人居环境整治") == 1  # the same again fills an empty day
    assert activity.get(bare.uid).theme == "农村人居环境整治"
    assert activity.set_monthly_theme((2026, 3), "春季植树与人居环境") == 2  # the rule day and the one-off
    themes = {d.uid: d.theme for d in activity.month_days(2026, 3)}
    assert themes == {march[0].uid: "春季植树与人居环境", march[1].uid: "垃圾分类专题调研",
                      extra.uid: "春季植树与人居环境"}
    assert activity.set_monthly_theme("2026-03", "春季植树与人居环境") == 0  # unchanged: nothing to do
    assert activity.set_monthly_theme("2026-03", "防汛", apply=False) == 0  # stored only
    assert activity.month_days(2026, 3)[0].theme == "春季植树与人居环境"

    assert activity.set_monthly_theme("2026-04", "") == 0  # clearing an unset month changes nothing
    activity.set_monthly_theme("2026-05", "优化营商环境")
    assert activity.set_monthly_theme("2026-05", "") == 2  # cleared from the days that carried it
    assert {d.theme for d in activity.month_days(2026, 5)} == {""}
    assert "2026-05" not in activity.monthly_themes(2026)
    assert AuditLog.select().where(AuditLog.table_name == "monthly_theme").count() == 5
    for bad in ("2026-13", "三月", "2026-03-01", ("2026", "三")):
        with pytest.raises(ValidationError, match="月份"):
            activity.set_monthly_theme(bad, "主题")
    with pytest.raises(ValidationError, match="请填写本月主题"):
        activity.set_month_theme(2026, 6, "  ")


def test_attendance_points_contract(people):
    settings.set("schedule.rules", ["每月15日"])
    activity.generate_year(2026, today=D(2026, 1, 1))
    jan, feb, march, april = (activity.month_days(2026, m)[0] for m in (1, 2, 3, 4))
    activity.sign_in(jan.uid, {people[0]: "present", people[1]: "late", people[2]: "leave"})
    activity.sign_in(feb.uid, people[0], "absent")  # one deputy at a time
    activity.sign_in(feb.uid, people[1], "present")
    activity.sign_in(march.uid, {people[0]: "present", people[2]: "absent"})
    activity.sign_in(march.uid, people[2], None)  # withdrawn: a tombstone, not counted
    activity.sign_in(april.uid, {people[3]: "leave"})  # nobody came: the day is not held ...
    assert activity.get(april.uid).status == "planned"
    assert activity.attendance_points(people[3], D(2026, 1, 1), D(2026, 12, 31))[0].days == 0

    first = activity.attendance_points(people[0], D(2026, 1, 1), D(2026, 12, 31))
    assert len(first) == 1
    f = first[0]
    assert (f.present, f.late, f.leave, f.absent) == (2, 0, 0, 1)
    assert f.day_uids == (jan.uid, feb.uid, march.uid) and f.dates == (jan.date, feb.date, march.date)
    assert f.statuses == ("present", "absent", "present") and f.attended == 2

    everyone = activity.attendance_points(None, D(2026, 1, 1), D(2026, 2, 28))
    assert [x.deputy_uid for x in everyone] == sorted([people[0], people[1], people[2]],
                                                      key=lambda u: deputies.get(u).name)
    by_uid = {x.deputy_uid: x for x in everyone}
    assert (by_uid[people[1]].late, by_uid[people[1]].present) == (1, 1)
    assert by_uid[people[2]].leave == 1 and by_uid[people[2]].attended == 0
    nobody = activity.attendance_points(people[5], D(2026, 1, 1), D(2026, 12, 31))  # no sign-ins: zeros
    assert nobody[0].deputy_uid == people[5] and nobody[0].days == 0 and nobody[0].dates == ()

    activity.mark_held(april.uid)  # ... until the clerk says it was held
    assert activity.attendance_points(people[3], D(2026, 4, 1), D(2026, 4, 30))[0].leave == 1
    assert activity.attendance_points(people[0], jan.date, jan.date)[0].day_uids == (jan.uid,)  # both ends included
    assert activity.attendance_facts(D(2026, 1, 1), D(2026, 12, 31))[people[0]] == first[0]


def test_sign_in_refuses_strangers_and_cancelled_or_future_days(people, station_db):
    from station_app.db.models import Deputy

    settings.set("schedule.rules", ["每月15日"])
    activity.generate_year(2026, today=D(2026, 1, 1))
    jan, dec = activity.month_days(2026, 1)[0], activity.month_days(2026, 12)[0]
    stranger = Deputy.create(station_code="X99", name="外站代表", levels_mask=16)
    with pytest.raises(ValidationError, match="不是本站代表"):
        activity.sign_in(jan.uid, {people[0]: "present", stranger.uid: "present"})
    assert activity.attendance_of(jan.uid) == {}  # all or nothing
    with pytest.raises(ValidationError, match="还没到"):
        activity.mark_held(dec.uid)
    activity.cancel_day(activity.month_days(2026, 2)[0].uid, "春节")
    with pytest.raises(ValidationError, match="已取消"):
        activity.sign_in(activity.month_days(2026, 2)[0].uid, people[0], "present")
    with pytest.raises(ValidationError, match="已经举行"):
        activity.cancel_day(activity.sign_in(jan.uid, people[0], "late").uid, "补录")


def test_leave_is_listed_withdrawn_and_avoided(people):
    settings.set("schedule.rules", ["每月15日"])
    settings.set("schedule.duty_per_day", 3)
    for uid in people[:4]:  # four of seven away in June: the other three take the day
        activity.add_unavailable(uid, D(2026, 6, 1), D(2026, 6, 30), "外出考察")
    wrong = activity.add_unavailable(people[4], D(2026, 7, 1), D(2026, 7, 31), "录错了")
    with pytest.raises(ValidationError, match="结束日期"):
        activity.add_unavailable(people[4], D(2026, 7, 31), D(2026, 7, 1))
    with pytest.raises(ValidationError, match="找不到这位代表"):
        activity.add_unavailable("no-such-deputy", D(2026, 7, 1), D(2026, 7, 2))
    assert [r.deputy_name for r in activity.unavailable_dates(year=2026)][:4] == [deputies.get(u).name for u in people[:4]]
    activity.remove_unavailable(wrong.id)
    assert [r.id for r in activity.unavailable_dates(people[4])] == []
    activity.generate_year(2026, today=D(2026, 1, 1))
    june = activity.month_days(2026, 6)[0]
    assert {d.uid for d in june.duty} == set(people[4:])
    july = activity.month_days(2026, 7)[0]
    assert len(july.duty) == 3


def test_rules_can_be_listed_and_deleted_but_not_all(people):
    activity.save_rules(["每月15日", "每周三"])
    assert activity.delete_rule("每周三") == ["每月15日"]
    with pytest.raises(ValidationError, match="至少填写一条"):
        activity.delete_rule("每月15日")
    from station_app.errors import NotFoundError

    with pytest.raises(NotFoundError):
        activity.delete_rule("每周五")
    assert activity.rules() == ["每月15日"]


def test_photos_are_tombstoned_and_checked(people, tmp_path):
    from PIL import Image

    from station_app.db.models import ActivityPhoto
    from station_app.services.check import run_check

    src = tmp_path / "现场.png"
    Image.new("RGB", (2400, 1200), (200, 30, 30)).save(src)
    day = activity.add_day(D(2026, 3, 5), theme="视察村道")
    uid = activity.add_photo(day.uid, src, "代表查看村道")
    [(got, path, caption)] = activity.photos(day.uid)
    assert got == uid and caption == "代表查看村道" and path.is_file()
    with Image.open(path) as img:
        assert max(img.size) == 1600
    activity.remove_photo(uid)
    assert activity.photos(day.uid) == [] and path.is_file()  # the file stays: it may have been exported
    assert ActivityPhoto.get(ActivityPhoto.uid == uid).deleted_at is not None
    ActivityPhoto.create(station_code="T01", activity_day_uid="no-such-day", photo="attachments/x.jpg")
    assert any("活动照片" in f.message and "不存在的活动日" in f.message for f in run_check())
