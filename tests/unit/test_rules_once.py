"""Rules written once in domain/ (issue 17 item 1): where a case stands (open, waiting, overdue, due
soon), counted attendance, and period kinds carried as codes — and the services agree with them."""

from __future__ import annotations

import datetime as dt

import pytest

from station_app.domain import attendance, clock, periods
from station_app.domain.cases import add_working_days, deadline_state, is_open, is_overdue
from station_app.domain.records import DeputyData, OpinionData, ReceptionData
from station_app.services import cases, deputies, receptions, stats

D = dt.date
MON = D(2027, 3, 1)  # beyond the holiday data: Monday–Friday


def weekdays(d: dt.date) -> bool:
    return d.weekday() < 5


@pytest.mark.parametrize(("status", "deadline", "want"), [
    # status, deadline, (open, waiting, overdue, due_soon, days_left) on Monday with 3 due-soon days
    ("registered", MON, (True, False, False, False, None)),
    ("assigned", None, (True, True, False, False, None)),
    ("assigned", MON - dt.timedelta(days=3), (True, True, True, False, -1)),  # last Friday
    ("in_progress", MON, (True, True, False, True, 0)),
    ("assigned", D(2027, 3, 4), (True, True, False, True, 3)),  # Thursday: the 3rd working day
    ("assigned", D(2027, 3, 5), (True, True, False, False, 4)),
    ("replied", MON - dt.timedelta(days=9), (True, False, False, False, None)),  # waits for evaluation
    ("resolved", MON - dt.timedelta(days=9), (False, False, False, False, None)),
    ("closed_unresolved", None, (False, False, False, False, None)),
])
def test_deadline_state_decides_each_status(status, deadline, want):
    s = deadline_state(status, deadline, MON, 3, weekdays)
    assert (s.open, s.waiting, s.overdue, s.due_soon, s.days_left) == want
    assert is_open(status) is want[0] and is_overdue(status, deadline, MON) is want[2]


def test_due_soon_ends_on_the_last_working_day_not_after_it():
    """A deadline on the Saturday after the 3rd working day is not due soon (the SQL filter's rule:
    the page colours what the 即将到期 list holds)."""
    tue = D(2027, 3, 2)
    assert add_working_days(tue, 3, weekdays) == D(2027, 3, 5)
    assert deadline_state("assigned", D(2027, 3, 5), tue, 3, weekdays).due_soon
    assert not deadline_state("assigned", D(2027, 3, 6), tue, 3, weekdays).due_soon


def test_the_list_colours_what_the_due_soon_filter_holds(station_db):
    today = clock.today()
    ops = [OpinionData(f"意见{n}", "infrastructure", "assigned", department="镇党政办",
                       deadline=add_working_days(today, n, cases.is_workday) + dt.timedelta(days=extra))
           for n in range(0, 7) for extra in (0, 1)]
    receptions.record_visit(ReceptionData(received_at=clock.now() - dt.timedelta(minutes=5),
                                          channel="visit", visitor_name="张三"), ops)
    listed = {c.uid for c in cases.due_soon(today, 3)}
    coloured = {c.uid for c in cases.page(limit=100).rows if cases.deadline_state(c, today, 3).due_soon}
    assert listed == coloured and 4 <= len(listed) < len(ops)


def test_counted_attendance():
    assert attendance.counts("present") and attendance.counts("late")
    assert not attendance.counts("leave") and not attendance.counts("absent") and not attendance.counts(None)
    assert not attendance.counts("present", "planned") and not attendance.counts("late", "cancelled")
    assert attendance.anyone_came(["absent", "late"]) and not attendance.anyone_came(["leave", "absent"])


def test_period_kinds_are_codes():
    assert periods.period(periods.QUARTER, 2026, 3) == (D(2026, 7, 1), D(2026, 9, 30), "2026年第三季度")
    assert stats.period is periods.period
    assert periods.kind_of_title("2026年") == "year" and periods.kind_of_title("") == "custom"
    with pytest.raises(Exception, match="不认识的期间"):
        periods.period("季度", 2026, 1)  # the Chinese name is not a kind


def test_the_report_takes_its_kind_as_a_code_not_from_its_title(station_db):
    deputies.create(DeputyData(name="王建国", levels=("township",)))
    q = stats.report_data(D(2026, 7, 1), D(2026, 9, 30), name="今年夏天", kind="quarter")
    assert q.title == "今年夏天接待工作季报" and q.headline.startswith("本季度")
    y = stats.report_data(D(2026, 1, 1), D(2026, 12, 31), name="2026年度（全）", kind="year")
    assert y.title.endswith("年报") and y.headline.startswith("本年度")
    # without a kind, a free title keeps the old reading (the CLI's --title)
    assert stats.report_data(D(2026, 7, 1), D(2026, 9, 30), name="2026年第三季度").title.endswith("季报")
