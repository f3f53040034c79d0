"""Field types portable across SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import peewee as pw

from station_app.domain import clock


class TimestampField(pw.TextField):
    """An aware timestamp stored as fixed-width ISO 8601 text in local time with its offset.

    Fixed width makes string order equal time order on every backend, and the local date is
    ``value[:10]``; both SQLite and PostgreSQL index it the same way.
    """

    def db_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            return clock.format_ts(clock.parse_ts(value))
        if isinstance(value, dt.datetime):
            return clock.format_ts(value)
        raise TypeError(f"not a timestamp: {value!r}")

    def python_value(self, value: Any) -> Any:
        if value is None:
            return None
        return clock.parse_ts(value)


class IsoDateField(pw.CharField):
    """A calendar date stored as ``YYYY-MM-DD`` text (same on every backend)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(*args, **kwargs)

    def db_value(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        return dt.date.fromisoformat(str(value)).isoformat()

    def python_value(self, value: Any) -> Any:
        if value is None:
            return None
        return dt.date.fromisoformat(value)


class JsonField(pw.TextField):
    """JSON text (lists of uids and the like)."""

    def db_value(self, value: Any) -> Any:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def python_value(self, value: Any) -> Any:
        if value is None:
            return None
        return json.loads(value)
