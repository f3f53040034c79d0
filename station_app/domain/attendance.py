"""Counted attendance, written once: a sign-in counts as having attended (出席) when its status is
出席 or 迟到 and its activity day was held (已举行). The activity pages, the scoring facts and the
statistics count by this rule (in SQL through :data:`COUNTED` and :data:`COUNTED_DAY`)."""

from __future__ import annotations

from collections.abc import Iterable

from station_app.domain.codes import ActivityStatus, AttendanceStatus

COUNTED = (AttendanceStatus.PRESENT.value, AttendanceStatus.LATE.value)  # sign-ins that count as attended
COUNTED_DAY = ActivityStatus.HELD.value  # only at a day that was held


def counts(status: str | None, day_status: str = COUNTED_DAY) -> bool:
    """Does a sign-in of ``status`` at a day of ``day_status`` count as attended?"""
    return status in COUNTED and day_status == COUNTED_DAY


def anyone_came(statuses: Iterable[str | None]) -> bool:
    """Did anybody attend (a planned day with such sign-ins has been held)?"""
    return any(s in COUNTED for s in statuses)
