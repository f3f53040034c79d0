"""Recurrence rules, holidays and 调休, and one year's 代表活动日 (station_app.domain.schedule)."""

import calendar as pycal
import datetime as dt
import json
from itertools import pairwise

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station_app.domain.schedule import (
    HolidayCalendar,
    HolidayDataMissing,
    MonthlyDayRule,
    NthWeekdayRule,
    OccurrenceChange,
    OneOffRule,
    ShiftPolicy,
    WeeklyRule,
    generate,
    missing_year_warning,
    parse_rule,
    rule_from_dict,
)
from station_app.errors import KnownError

D = dt.date
CAL = HolidayCalendar()


def _by_original(result):
    return {p.original_date: p for p in result.dates}


def _year_days(year):
    d = D(year, 1, 1)
    while d.year == year:
        yield d
        d += dt.timedelta(days=1)


# ------------------------------------------------------------------------------ recurrence


def test_monthly_day_is_the_same_day_every_month():
    assert MonthlyDayRule(15).occurrences(2025) == [D(2025, m, 15) for m in range(1, 13)]


def test_day_31_in_short_months_last_day_policy():
    got = MonthlyDayRule(31).occurrences(2025)
    assert got == [D(2025, m, pycal.monthrange(2025, m)[1]) for m in range(1, 13)]
    assert D(2025, 4, 30) in got and D(2025, 2, 28) in got and D(2025, 12, 31) in got


def test_day_31_in_short_months_skip_policy():
    got = MonthlyDayRule(31, "skip").occurrences(2025)
    assert [d.month for d in got] == [1, 3, 5, 7, 8, 10, 12]
    assert all(d.day == 31 for d in got)


@pytest.mark.parametrize(("year", "feb_last_day"), [(2024, 29), (2025, 28), (2000, 29), (2100, 28)])
def test_february_under_both_policies(year, feb_last_day):
    for day in (29, 30, 31):
        feb_last = [d for d in MonthlyDayRule(day, "last_day").occurrences(year) if d.month == 2]
        assert feb_last == [D(year, 2, min(day, feb_last_day))]
        feb_skip = [d for d in MonthlyDayRule(day, "skip").occurrences(year) if d.month == 2]
        assert feb_skip == ([D(year, 2, 29)] if day == 29 and feb_last_day == 29 else [])


def test_leap_day_2024():
    assert D(2024, 2, 29) in MonthlyDayRule(29).occurrences(2024)
    assert D(2024, 2, 29) in MonthlyDayRule(29, "skip").occurrences(2024)
    assert D(2025, 2, 28) in MonthlyDayRule(29).occurrences(2025)


def test_first_tuesday_means_the_tuesday_on_the_1st_to_7th():
    got = parse_rule("每月第一周的周二").occurrences(2025)
    assert got[3] == D(2025, 4, 1)      # April 1st is itself a Tuesday
    assert got[9] == D(2025, 10, 7)     # October 1st is a Wednesday: not September 30th
    assert all(d.weekday() == 1 and 1 <= d.day <= 7 for d in got)
    assert [d.month for d in got] == list(range(1, 13))


def test_last_friday_and_fourth_monday_in_february():
    fridays = NthWeekdayRule(-1, 4).occurrences(2025)
    assert fridays[0] == D(2025, 1, 31) and fridays[1] == D(2025, 2, 28) and fridays[11] == D(2025, 12, 26)
    assert all(d.weekday() == 4 and (d + dt.timedelta(days=7)).month != d.month for d in fridays)
    # February 2021 starts on a Monday and has exactly four of them
    assert NthWeekdayRule(4, 0).in_month(2021, 2) == D(2021, 2, 22)
    assert NthWeekdayRule(-1, 0).in_month(2021, 2) == D(2021, 2, 22)


@given(st.integers(1, 4) | st.just(-1), st.integers(0, 6), st.integers(1990, 2100))
def test_nth_weekday_always_lands_in_its_month(n, weekday, year):
    for month, d in enumerate(NthWeekdayRule(n, weekday).occurrences(year), start=1):
        assert (d.year, d.month, d.weekday()) == (year, month, weekday)
        if n > 0:
            assert 7 * (n - 1) < d.day <= 7 * n
        else:
            assert (d + dt.timedelta(days=7)).month != month


def test_weekly_rule():
    wednesdays = WeeklyRule(2).occurrences(2025)  # 2025-01-01 is a Wednesday
    assert len(wednesdays) == 53 and wednesdays[0] == D(2025, 1, 1) and wednesdays[-1] == D(2025, 12, 31)
    assert len(WeeklyRule(2).occurrences(2024)) == 52
    assert all(b - a == dt.timedelta(days=7) for a, b in pairwise(wednesdays))


def test_one_off_only_in_its_year():
    rule = OneOffRule(D(2025, 3, 15))
    assert rule.occurrences(2025) == [D(2025, 3, 15)]
    assert rule.occurrences(2026) == []


@pytest.mark.parametrize(("rule", "label"), [
    (MonthlyDayRule(15), "每月15日"),
    (MonthlyDayRule(31), "每月31日"),
    (MonthlyDayRule(31, "skip"), "每月31日（当月无此日则不安排）"),
    (NthWeekdayRule(1, 1), "每月第一个周二"),
    (NthWeekdayRule(-1, 4), "每月最后一个周五"),
    (NthWeekdayRule(3, 6), "每月第三个周日"),
    (WeeklyRule(2), "每周三"),
    (OneOffRule(D(2025, 3, 15)), "2025年3月15日"),
])
def test_labels(rule, label):
    assert rule.label == label
    assert parse_rule(label) == rule


@pytest.mark.parametrize(("text", "rule"), [
    ("每月15日", MonthlyDayRule(15)),
    (" 每月15号 ", MonthlyDayRule(15)),
    ("每月十五日", MonthlyDayRule(15)),
    ("每月２０日", MonthlyDayRule(20)),
    ("每月三十一日", MonthlyDayRule(31)),
    ("每月最后一天", MonthlyDayRule(31, "last_day")),
    ("每月31日(当月无此日则不安排)", MonthlyDayRule(31, "skip")),
    ("每月第一周的周二", NthWeekdayRule(1, 1)),
    ("每月第一周周二", NthWeekdayRule(1, 1)),
    ("每月第一个星期二", NthWeekdayRule(1, 1)),
    ("每月第2个礼拜四", NthWeekdayRule(2, 3)),
    ("每月最后一个周五", NthWeekdayRule(-1, 4)),
    ("每月最后一周的周五", NthWeekdayRule(-1, 4)),
    ("每周三", WeeklyRule(2)),
    ("每星期日", WeeklyRule(6)),
    ("每周星期天", WeeklyRule(6)),
    ("2025-03-15", OneOffRule(D(2025, 3, 15))),
    ("2025/3/5", OneOffRule(D(2025, 3, 5))),
])
def test_parse_rule_accepts_what_clerks_type(text, rule):
    assert parse_rule(text) == rule


@pytest.mark.parametrize("text", ["", "每月", "每月32日", "每月0日", "每月第五个周二", "每月第一个周八", "每两周三",
                                  "2025年2月30日", "十五号", "随时"])
def test_parse_rule_rejects_with_a_hint(text):
    with pytest.raises(ValueError, match="每月15日") as info:
        parse_rule(text)
    assert text.strip() in str(info.value)


@pytest.mark.parametrize("make", [lambda: MonthlyDayRule(0), lambda: MonthlyDayRule(32), lambda: MonthlyDayRule(15, "next"),
                                  lambda: NthWeekdayRule(5, 1), lambda: NthWeekdayRule(0, 1),
                                  lambda: NthWeekdayRule(1, 7), lambda: WeeklyRule(-1),
                                  lambda: OneOffRule("2025-03-15")])
def test_invalid_rules_are_refused(make):
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize("data", [{}, {"kind": "fortnightly"}, {"kind": "monthly_day"}, {"kind": "weekly", "weekday": 9},
                                  {"kind": "one_off", "date": "2025-02-30"}, "每月15日"])
def test_rule_from_dict_rejects_bad_data(data):
    with pytest.raises(ValueError):
        rule_from_dict(data)


rules = st.one_of(
    st.builds(MonthlyDayRule, st.integers(1, 31), st.sampled_from(["last_day", "skip"])),
    st.builds(NthWeekdayRule, st.sampled_from([1, 2, 3, 4, -1]), st.integers(0, 6)),
    st.builds(WeeklyRule, st.integers(0, 6)),
    st.builds(OneOffRule, st.dates(D(2000, 1, 1), D(2040, 12, 31))),
)


@given(rules)
def test_rule_serialises_and_parses_back(rule):
    assert rule_from_dict(json.loads(json.dumps(rule.to_dict()))) == rule
    assert parse_rule(rule.label) == rule


# -------------------------------------------------------------------------------- holidays


def test_national_day_2025_and_the_adjusted_working_weekends_from_the_library():
    for d in (D(2025, 10, 1), D(2025, 10, 6), D(2025, 10, 8)):
        assert not CAL.is_workday(d) and CAL.is_holiday(d) and CAL.is_rest_day(d)
    assert CAL.holiday_name(D(2025, 10, 1)) == "国庆节"
    assert CAL.is_workday(D(2025, 10, 9))
    working_weekends = [d for d in _year_days(2025) if d.weekday() >= 5 and chinese_calendar.is_workday(d)]
    assert {D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)} <= set(working_weekends)
    for d in working_weekends:
        assert CAL.is_workday(d) and CAL.is_adjusted_workday(d) and not CAL.is_holiday(d)


def test_an_ordinary_weekend_is_a_rest_day_but_not_a_holiday():
    saturday = D(2025, 3, 1)
    assert not CAL.is_workday(saturday) and CAL.is_rest_day(saturday)
    assert not CAL.is_holiday(saturday) and CAL.holiday_name(saturday) is None
    assert CAL.describe_rest_day(saturday) == "周六"
    assert CAL.describe_rest_day(D(2025, 10, 4)) == "国庆节假期"


def test_coverage_ends_with_the_library_data():
    assert CAL.covers(2025) and CAL.covers(2026)
    assert not CAL.covers(2031)
    with pytest.raises(HolidayDataMissing, match="2031年") as info:
        CAL.is_workday(D(2031, 3, 3))
    assert isinstance(info.value, KnownError) and info.value.year == 2031
    with pytest.raises(HolidayDataMissing):
        CAL.is_holiday(D(2031, 10, 1))


def test_overrides_win_over_the_library():
    cal = HolidayCalendar({D(2025, 3, 3): "holiday", D(2025, 3, 8): "workday", D(2025, 10, 8): "workday"})
    assert not cal.is_workday(D(2025, 3, 3)) and cal.is_holiday(D(2025, 3, 3))
    assert cal.describe_rest_day(D(2025, 3, 3)) == "节假日"
    assert cal.is_workday(D(2025, 3, 8)) and cal.is_adjusted_workday(D(2025, 3, 8))
    assert cal.is_workday(D(2025, 10, 8)) and not cal.is_holiday(D(2025, 10, 8))
    assert CAL.is_workday(D(2025, 3, 3))  # the default calendar is untouched


def test_overrides_alone_do_not_make_a_year_covered():
    cal = HolidayCalendar({D(2031, 10, 1): "holiday"})
    assert not cal.covers(2031)
    assert cal.is_holiday(D(2031, 10, 1))          # the one date it was told about
    with pytest.raises(HolidayDataMissing):
        cal.is_workday(D(2031, 10, 9))             # nothing guessed for the rest
    full = HolidayCalendar({D(2031, 10, 1): "holiday", D(2031, 9, 28): "workday"}, extra_years={2031})
    assert full.covers(2031)
    assert not full.is_workday(D(2031, 10, 1)) and full.is_workday(D(2031, 9, 28))
    assert full.is_workday(D(2031, 10, 9)) and not full.is_workday(D(2031, 10, 11))  # Thursday, Saturday


@pytest.mark.parametrize("overrides", [{D(2025, 1, 1): "day off"}, {"2025-01-01": "holiday"}])
def test_bad_override_table(overrides):
    with pytest.raises(ValueError):
        HolidayCalendar(overrides)


@pytest.mark.parametrize(("start", "n", "expected"), [
    (D(2025, 9, 30), 1, D(2025, 10, 9)),     # across the National Day holiday
    (D(2025, 9, 26), 1, D(2025, 9, 28)),     # the 调休 Sunday counts
    (D(2025, 9, 30), 3, D(2025, 10, 11)),    # 10-09, 10-10, then the 调休 Saturday
    (D(2025, 10, 9), -1, D(2025, 9, 30)),
    (D(2025, 10, 3), 0, D(2025, 10, 3)),
    (D(2025, 3, 3), 15, D(2025, 3, 24)),
])
def test_add_working_days(start, n, expected):
    assert CAL.add_working_days(start, n) == expected


def test_add_working_days_into_an_unknown_year():
    with pytest.raises(HolidayDataMissing, match="2027年"):
        CAL.add_working_days(D(2026, 12, 31), 1)
    assert CAL.add_working_days(D(2026, 12, 31), 1, assume_weekends=True) == D(2027, 1, 1)  # a Friday
    cal = HolidayCalendar({D(2027, 1, 1): "holiday"})
    assert cal.add_working_days(D(2026, 12, 31), 1, assume_weekends=True) == D(2027, 1, 4)


# ------------------------------------------------------------------------------ generation


@pytest.mark.parametrize(("policy", "expected", "reason"), [
    (ShiftPolicy.NEXT_WORKDAY, D(2025, 10, 9), "顺延"),
    ("next_workday", D(2025, 10, 9), "顺延"),
    (ShiftPolicy.PREVIOUS_WORKDAY, D(2025, 9, 30), "提前"),
    (ShiftPolicy.KEEP, D(2025, 10, 7), None),
])
def test_first_tuesday_of_october_2025_meets_national_day(policy, expected, reason):
    result = generate([parse_rule("每月第一周的周二")], 2025, CAL, policy)
    october = _by_original(result)[D(2025, 10, 7)]
    assert october.date == expected and october.rule_label == "每月第一个周二"
    if reason is None:
        assert october.shifted_reason is None
    else:
        assert reason in october.shifted_reason and "国庆节" in october.shifted_reason
    assert len(result.dates) == 12 and result.warnings == []


def test_default_policy_is_next_workday():
    assert ShiftPolicy("next_workday").label == "顺延至下一个工作日"
    assert _by_original(generate([NthWeekdayRule(1, 1)], 2025))[D(2025, 10, 7)].date == D(2025, 10, 9)


def _adjusted_working_15ths():
    return [D(y, m, 15) for y in range(2004, 2027) for m in range(1, 13)
            if D(y, m, 15).weekday() >= 5 and chinese_calendar.is_workday(D(y, m, 15))]


def test_a_15th_on_an_adjusted_working_weekend_is_kept_by_default():
    found = _adjusted_working_15ths()
    assert D(2015, 2, 15) in found  # a Sunday worked before the 2015 Spring Festival
    for day in found:
        planned = _by_original(generate([MonthlyDayRule(15)], day.year, CAL))[day]
        assert planned.date == day and planned.shifted_reason is None


def test_a_15th_on_an_adjusted_working_weekend_moves_when_weekends_are_excluded():
    day = D(2015, 2, 15)
    nxt = _by_original(generate([MonthlyDayRule(15)], 2015, CAL, keep_adjusted_workdays=False))[day]
    assert nxt.date == D(2015, 2, 16) and "调休" in nxt.shifted_reason
    prev = _by_original(generate([MonthlyDayRule(15)], 2015, CAL, "previous_workday", keep_adjusted_workdays=False))[day]
    assert prev.date == D(2015, 2, 13)


def test_shifting_never_lands_on_a_working_weekend_when_they_are_excluded():
    # 2025-09-28 (Sunday) is a working day; a weekly Sunday rule must skip it too.
    result = generate([WeeklyRule(6)], 2025, CAL, keep_adjusted_workdays=False)
    assert all(p.date.weekday() < 5 and CAL.is_workday(p.date) for p in result.dates)
    kept = generate([WeeklyRule(6)], 2025, CAL)
    assert D(2025, 9, 28) in [p.date for p in kept.dates]


def test_a_year_beyond_the_data_warns_and_does_not_guess():
    rule = MonthlyDayRule(15)
    result = generate([rule], 2031, CAL)
    assert result.warnings == [missing_year_warning(2031)]
    assert result.warnings[0] == ("2031年的法定节假日安排尚未收录，日期未按节假日调整，"
                                  "请在“节假日设置”中补充国务院公布的安排")
    assert not result.holidays_covered
    assert [p.date for p in result.dates] == rule.occurrences(2031)  # 2031-02-15 is a Saturday: not moved
    assert all(p.shifted_reason is None for p in result.dates)
    assert generate([rule], 2031, CAL, ShiftPolicy.KEEP).warnings == []


def test_a_year_entered_by_the_clerk_is_adjusted():
    overrides = {D(2031, 10, d): "holiday" for d in range(1, 8)}
    cal = HolidayCalendar(overrides, extra_years={2031})
    result = generate([NthWeekdayRule(1, 2)], 2031, cal)   # first Wednesday: 2031-10-01
    assert result.warnings == [] and result.holidays_covered
    assert _by_original(result)[D(2031, 10, 1)].date == D(2031, 10, 8)


def test_weekly_rule_collisions_after_the_spring_festival_are_merged_with_a_warning():
    result = generate([WeeklyRule(2)], 2025, CAL)
    dates = [p.date for p in result.dates]
    assert len(dates) == len(set(dates))
    # 2025-01-29 is in the Spring Festival (01-28..02-04); its next workday is 02-05, a Wednesday itself
    assert D(2025, 1, 29) not in _by_original(result)
    assert _by_original(result)[D(2025, 2, 5)].shifted_reason is None
    assert any("2025年1月29日" in w and "合并" in w for w in result.warnings)
    # 10-01 and 10-08 both move to 10-09: one activity day, the earlier original kept
    assert _by_original(result)[D(2025, 10, 1)].date == D(2025, 10, 9)
    assert D(2025, 10, 8) not in _by_original(result)


def test_the_same_date_from_two_rules_is_one_activity_day():
    result = generate([MonthlyDayRule(15), MonthlyDayRule(4), NthWeekdayRule(1, 1)], 2025, CAL)
    march = [p for p in result.dates if p.date.month == 3]
    assert [(p.date, p.rule_label) for p in march] == [(D(2025, 3, 4), "每月4日"), (D(2025, 3, 17), "每月15日")]
    assert not any("年3月" in w for w in result.warnings)  # identical dates merge silently
    # shifts that collide are reported: 05-04 (Labour Day holiday) moves onto 05-06, the first Tuesday
    assert any("2025年5月4日" in w and "合并" in w for w in result.warnings)


def test_a_one_off_on_a_rule_date_wins_and_is_not_shifted():
    # 2025-03-15 is a Saturday: the 15日 rule alone moves it to Monday 03-17
    assert _by_original(generate([MonthlyDayRule(15)], 2025, CAL))[D(2025, 3, 15)].date == D(2025, 3, 17)
    result = generate([MonthlyDayRule(15), OneOffRule(D(2025, 3, 15))], 2025, CAL)
    march = [p for p in result.dates if p.date.month == 3]
    assert [(p.date, p.rule_label, p.shifted_reason) for p in march] == [(D(2025, 3, 15), "2025年3月15日", None)]
    assert result.warnings == []


def test_one_off_dates_are_not_shifted():
    result = generate([OneOffRule(D(2025, 10, 3))], 2025, CAL)
    assert [(p.date, p.shifted_reason) for p in result.dates] == [(D(2025, 10, 3), None)]


def test_month_end_shift_stays_in_the_year():
    # 2022-12-31 is a Saturday inside the New Year holiday, and 2023-01-01/02 are holidays too
    assert not chinese_calendar.is_workday(D(2022, 12, 31)) and chinese_calendar.is_workday(D(2022, 12, 30))
    result = generate([MonthlyDayRule(31)], 2022, CAL)
    assert _by_original(result)[D(2022, 12, 31)].date == D(2022, 12, 30)
    assert any("2023年" in w for w in result.warnings)
    first = generate([MonthlyDayRule(1)], 2025, CAL, ShiftPolicy.PREVIOUS_WORKDAY)
    assert _by_original(first)[D(2025, 1, 1)].date == D(2025, 1, 2)
    assert any("2024年" in w for w in first.warnings)


def test_cancelled_and_moved_occurrences():
    changes = [OccurrenceChange.cancel(D(2025, 3, 15), "县人代会期间"),
               OccurrenceChange.move(D(2025, 4, 15), D(2025, 4, 18), "与镇党委会议冲突"),
               OccurrenceChange.move(D(2025, 2, 15), D(2025, 2, 15))]  # 2025-02-15 is a Saturday: pinned
    result = generate([MonthlyDayRule(15)], 2025, CAL, exceptions=changes)
    by = _by_original(result)
    assert D(2025, 3, 15) not in by
    assert [(c.original_date, c.shifted_reason) for c in result.cancelled] == [(D(2025, 3, 15), "取消：县人代会期间")]
    assert by[D(2025, 4, 15)].date == D(2025, 4, 18) and "与镇党委会议冲突" in by[D(2025, 4, 15)].shifted_reason
    assert by[D(2025, 2, 15)].date == D(2025, 2, 15) and by[D(2025, 2, 15)].shifted_reason is None
    assert len(result.dates) == 11 and result.warnings == []


def test_a_shifted_occurrence_is_changed_by_its_original_date():
    move = OccurrenceChange.move(D(2025, 10, 7), D(2025, 10, 10), "上级调研")
    result = generate([NthWeekdayRule(1, 1)], 2025, CAL, exceptions=[move])
    assert _by_original(result)[D(2025, 10, 7)].date == D(2025, 10, 10)


def test_changes_that_cannot_apply_are_reported():
    changes = [OccurrenceChange.cancel(D(2025, 3, 16)),                          # not an activity day
               OccurrenceChange.move(D(2025, 12, 15), D(2026, 1, 5)),            # leaves the year
               OccurrenceChange.move(D(2025, 5, 15), D(2025, 5, 17)),            # onto a Saturday
               OccurrenceChange.cancel(D(2025, 5, 15))]                          # second change for 05-15
    result = generate([MonthlyDayRule(15)], 2025, CAL, exceptions=changes)
    by = _by_original(result)
    assert by[D(2025, 12, 15)].date == D(2025, 12, 15)
    assert by[D(2025, 5, 15)].date == D(2025, 5, 17)
    text = "\n".join(result.warnings)
    assert "2025年3月16日不是按规则产生的活动日" in text
    assert "不在2025年内" in text
    assert "周六" in text and "请确认" in text
    assert "多条调整" in text
    assert len(result.warnings) == 4


def test_a_move_onto_another_activity_day_keeps_one():
    move = OccurrenceChange.move(D(2025, 5, 6), D(2025, 5, 15), "合并开展")
    result = generate([MonthlyDayRule(15), NthWeekdayRule(1, 1)], 2025, CAL, exceptions=[move])
    may = [p for p in result.dates if p.date.month == 5]
    assert [(p.date, p.original_date) for p in may] == [(D(2025, 5, 15), D(2025, 5, 6))]
    assert any("已合并为一次" in w for w in result.warnings)


policies = st.sampled_from(list(ShiftPolicy))


@settings(max_examples=150, deadline=None)
@given(st.lists(rules, min_size=1, max_size=4), st.integers(2004, 2035), policies, st.booleans())
def test_generated_dates_are_increasing_unique_and_in_the_year(rule_list, year, policy, keep_adjusted):
    result = generate(rule_list, year, CAL, policy, keep_adjusted_workdays=keep_adjusted)
    dates = [p.date for p in result.dates]
    assert all(a < b for a, b in pairwise(dates))
    assert all(d.year == year for d in dates)
    for p in result.dates:
        assert (p.shifted_reason is None) == (p.date == p.original_date)
        assert p.rule_label in {r.label for r in rule_list}
    wanted = {d for r in rule_list for d in r.occurrences(year)}
    assert {p.original_date for p in result.dates} <= wanted
    assert bool(wanted) == bool(dates)
    if CAL.covers(year) and policy is not ShiftPolicy.KEEP:
        one_offs = {r.date for r in rule_list if isinstance(r, OneOffRule)}
        for p in result.dates:
            if p.original_date not in one_offs:
                assert CAL.is_workday(p.date)
                assert keep_adjusted or p.date.weekday() < 5
    elif not CAL.covers(year) and policy is not ShiftPolicy.KEEP:
        assert result.warnings[0] == missing_year_warning(year)
        assert all(p.date == p.original_date for p in result.dates)
