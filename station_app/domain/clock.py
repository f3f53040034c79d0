"""Times: stored with an offset, shown in local time (Asia/Shanghai by default).

Every stored timestamp is an ISO 8601 string in the station's zone with microseconds,
``2024-07-15T09:30:00.000000+08:00``: fixed width, so string order is time order, and the
local date is its first ten characters. China has kept +08:00 without daylight saving since
1991, so a fixed offset is the fallback where the IANA database is missing.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

DEFAULT_TZ = "Asia/Shanghai"


@lru_cache(maxsize=8)
def zone(name: str = DEFAULT_TZ) -> dt.tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # no tz database (Windows without tzdata)
        return dt.timezone(dt.timedelta(hours=8), name)


def now() -> dt.datetime:
    """The current time, aware, in the local zone."""
    return dt.datetime.now(zone())


def to_local(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone())
    return value.astimezone(zone())


def format_ts(value: dt.datetime) -> str:
    """Fixed-width ISO string with microseconds and offset, in local time."""
    return to_local(value).isoformat(timespec="microseconds")


def parse_ts(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return to_local(value)


def now_ts() -> str:
    return format_ts(now())


def today() -> dt.date:
    return now().date()


def day_start_ts(day: dt.date) -> str:
    return format_ts(dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone()))
