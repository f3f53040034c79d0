"""Which automatic backups to keep: 7 daily, 4 weekly, 12 monthly (grandfather–father–son).

A backup is kept when it is the newest of its day among the 7 most recent days that have one, the
newest of its ISO week among the 4 most recent such weeks, or the newest of its month among the 12
most recent such months. Everything else may go. Pure: the caller lists and deletes the files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

DAILY, WEEKLY, MONTHLY = 7, 4, 12


def _newest_per(times: list[dt.datetime], bucket: Callable[[dt.datetime], object], keep: int) -> set[dt.datetime]:
    newest: dict[object, dt.datetime] = {}
    for t in times:
        key = bucket(t)
        if key not in newest or t > newest[key]:
            newest[key] = t
    recent = sorted(newest, key=lambda k: newest[k], reverse=True)[:keep]
    return {newest[k] for k in recent}


def to_keep(times: Iterable[dt.datetime], daily: int = DAILY, weekly: int = WEEKLY,
            monthly: int = MONTHLY) -> set[dt.datetime]:
    """The times (of backups) to keep."""
    times = list(times)
    return (_newest_per(times, lambda t: t.date(), daily)
            | _newest_per(times, lambda t: t.isocalendar()[:2], weekly)
            | _newest_per(times, lambda t: (t.year, t.month), monthly))
