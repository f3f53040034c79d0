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
    """The time zone ``name`` (Asia/Shanghai by default); a fixed UTC+8 where tzdata is missing."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # no tz database (Windows without tzdata)
        return dt.timezone(dt.timedelta(hours=8), name)


def now() -> dt.datetime:
    """The current time, aware, in the local zone."""
    return dt.datetime.now(zone())


def to_local(value: dt.datetime) -> dt.datetime:
    """``value`` in the local zone (a naive value is taken as local time)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone())
    return value.astimezone(zone())


def format_ts(value: dt.datetime) -> str:
    """Fixed-width ISO string with microseconds and offset, in local time."""
    return to_local(value).isoformat(timespec="microseconds")


def parse_ts(text: str) -> dt.datetime:
    """A stored timestamp (ISO 8601 with offset) as an aware local datetime."""
    value = dt.datetime.fromisoformat(text)
    return to_local(value)


def now_ts() -> str:
    """Now, as a stored timestamp (local time with its offset)."""
    return format_ts(now())


def today() -> dt.date:
    """Today's local date."""
    return now().date()


def day_start_ts(day: dt.date) -> str:
    """The stored timestamp of local midnight at the start of ``day``."""
    return format_ts(dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone()))
