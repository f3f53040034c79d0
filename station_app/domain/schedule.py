"""Rules of the 代表活动日 schedule: recurrence, holidays and 调休, shifting, one year's dates.

Pure Python over :mod:`chinese_calendar`: no Qt, no database, no I/O.

Recurrence rules (frozen dataclasses, each with a Chinese ``label``, ``to_dict`` and
``occurrences(year)``):

- :class:`MonthlyDayRule` — 每月15日. Day 29–31 in a month without that day follows
  ``short_month``: ``'last_day'`` (default, the month's last day) or ``'skip'`` (no activity day
  that month).
- :class:`NthWeekdayRule` — 每月第一个周二 / 每月最后一个周五. The stations' own wording
  "每月第一周的周二" is read as **the first Tuesday of the month** (the Tuesday that falls on the
  1st–7th), never as "the Tuesday of the calendar week that contains the 1st", which can lie in
  the previous month. :func:`parse_rule` accepts both wordings.
- :class:`WeeklyRule` — 每周三.
- :class:`OneOffRule` — a single date (2025年3月15日). One-off dates are the clerk's explicit
  choice: they are never shifted by the holiday policy.

Holidays: :class:`HolidayCalendar` answers "is this an official workday?" from the State
Council's arrangement (chinese_calendar), including 调休: a working Saturday/Sunday is a
workday, a weekday inside a holiday is not. The clerk's override table (date → ``'holiday'`` or
``'workday'``) wins over the library. A year the library does not cover counts as covered only
when it is listed in ``extra_years`` (the clerk entered that year's whole arrangement as
overrides); otherwise questions about it raise :class:`HolidayDataMissing` — nothing is guessed.

Shifting (:func:`generate`): a rule date that is not a workday moves per :class:`ShiftPolicy`
(next workday by default). A rule date on a 调休 working weekend day is kept by default
(``keep_adjusted_workdays=True``): it is an official workday, the township government and the
deputies who work there are at work, and the published "每月15日" stays true. With
``keep_adjusted_workdays=False`` such days are treated like ordinary weekends: rule dates on them
move, and shifting never lands on them. Shifting never leaves the year: if the target would be
in the previous/next year, the date moves the other way instead (with a warning).

In a year without holiday data nothing is shifted (policy aside) and the result carries a plain
warning asking the clerk to add the State Council's arrangement.
"""

from __future__ import annotations

import calendar as _pycal
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import chinese_calendar

from station_app.domain.codes import CodeEnum
from station_app.errors import KnownError

WEEKDAY_NAMES = ("一", "二", "三", "四", "五", "六", "日")
_ORDINALS = {1: "第一个", 2: "第二个", 3: "第三个", 4: "第四个", -1: "最后一个"}

HOLIDAY = "holiday"
WORKDAY = "workday"

# chinese_calendar names its holidays in English.
_HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def format_date(d: dt.date, *, with_year: bool = True) -> str:
    """``2025年3月5日`` (or ``3月5日``)."""
    md = f"{d.month}月{d.day}日"
    return f"{d.year}年{md}" if with_year else md


# --------------------------------------------------------------------------- recurrence rules


def _check_weekday(weekday: int) -> None:
    if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6:
        raise ValueError(f"星期应为0（周一）到6（周日），而不是 {weekday!r}")


@dataclass(frozen=True)
class MonthlyDayRule:
    """每月 *day* 日. ``short_month`` says what happens in a month without that day."""

    day: int
    short_month: Literal["last_day", "skip"] = "last_day"

    kind = "monthly_day"

    def __post_init__(self) -> None:
        if not isinstance(self.day, int) or isinstance(self.day, bool) or not 1 <= self.day <= 31:
            raise ValueError(f"每月的日期应在1到31之间，而不是 {self.day!r}")
        if self.short_month not in ("last_day", "skip"):
            raise ValueError(f"short_month 应为 'last_day' 或 'skip'，而不是 {self.short_month!r}")
        if self.day <= 28 and self.short_month != "last_day":
            # every month has days 1–28: the policy means nothing, keep equal rules equal
            object.__setattr__(self, "short_month", "last_day")

    @property
    def label(self) -> str:
        """The rule in Chinese, e.g. 每月15日 (and what happens in a short month)."""
        text = f"每月{self.day}日"
        if self.day > 28 and self.short_month == "skip":
            text += "（当月无此日则不安排）"
        return text

    def occurrences(self, year: int) -> list[dt.date]:
        """The rule's dates in ``year``, before any holiday shift."""
        out = []
        for month in range(1, 13):
            last = _pycal.monthrange(year, month)[1]
            if self.day <= last:
                out.append(dt.date(year, month, self.day))
            elif self.short_month == "last_day":
                out.append(dt.date(year, month, last))
        return out

    def to_dict(self) -> dict[str, Any]:
        """The rule as stored (``kind`` and its parameters; :func:`rule_from_dict` reads it back)."""
        return {"kind": self.kind, "day": self.day, "short_month": self.short_month}


@dataclass(frozen=True)
class NthWeekdayRule:
    """每月第 *n* 个周X (``n`` 1–4, or -1 for the last one). ``weekday`` 0 = Monday."""

    n: int
    weekday: int

    kind = "nth_weekday"

    def __post_init__(self) -> None:
        if self.n not in _ORDINALS or isinstance(self.n, bool):
            raise ValueError(f"第几个应为1到4，或 -1 表示最后一个，而不是 {self.n!r}")
        _check_weekday(self.weekday)

    @property
    def label(self) -> str:
        """The rule in Chinese, e.g. 每月第一个周三."""
        return f"每月{_ORDINALS[self.n]}周{WEEKDAY_NAMES[self.weekday]}"

    def in_month(self, year: int, month: int) -> dt.date:
        """The rule's day in ``month`` of ``year`` (the month's last such weekday when ``n`` < 0)."""
        if self.n > 0:
            first = dt.date(year, month, 1)
            offset = (self.weekday - first.weekday()) % 7
            return first + dt.timedelta(days=offset + 7 * (self.n - 1))
        last = dt.date(year, month, _pycal.monthrange(year, month)[1])
        return last - dt.timedelta(days=(last.weekday() - self.weekday) % 7)

    def occurrences(self, year: int) -> list[dt.date]:
        """The rule's dates in ``year``, before any holiday shift."""
        return [self.in_month(year, month) for month in range(1, 13)]

    def to_dict(self) -> dict[str, Any]:
        """The rule as stored (``kind`` and its parameters; :func:`rule_from_dict` reads it back)."""
        return {"kind": self.kind, "n": self.n, "weekday": self.weekday}


@dataclass(frozen=True)
class WeeklyRule:
    """每周X. ``weekday`` 0 = Monday."""

    weekday: int

    kind = "weekly"

    def __post_init__(self) -> None:
        _check_weekday(self.weekday)

    @property
    def label(self) -> str:
        """The rule in Chinese, e.g. 每周三."""
        return f"每周{WEEKDAY_NAMES[self.weekday]}"

    def occurrences(self, year: int) -> list[dt.date]:
        """The rule's dates in ``year``, before any holiday shift."""
        first = dt.date(year, 1, 1)
        d = first + dt.timedelta(days=(self.weekday - first.weekday()) % 7)
        out = []
        while d.year == year:
            out.append(d)
            d += dt.timedelta(days=7)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The rule as stored (``kind`` and its parameters; :func:`rule_from_dict` reads it back)."""
        return {"kind": self.kind, "weekday": self.weekday}


@dataclass(frozen=True)
class OneOffRule:
    """A single activity day, kept as given (never shifted)."""

    date: dt.date

    kind = "one_off"

    def __post_init__(self) -> None:
        if not isinstance(self.date, dt.date) or isinstance(self.date, dt.datetime):
            raise ValueError(f"单次活动日应为日期，而不是 {self.date!r}")

    @property
    def label(self) -> str:
        """The rule's single date, as printed."""
        return format_date(self.date)

    def occurrences(self, year: int) -> list[dt.date]:
        """The rule's dates in ``year``, before any holiday shift."""
        return [self.date] if self.date.year == year else []

    def to_dict(self) -> dict[str, Any]:
        """The rule as stored (``kind`` and its parameters; :func:`rule_from_dict` reads it back)."""
        return {"kind": self.kind, "date": self.date.isoformat()}


Rule = MonthlyDayRule | NthWeekdayRule | WeeklyRule | OneOffRule


def rule_from_dict(data: Mapping[str, Any]) -> Rule:
    """Inverse of ``rule.to_dict()``. Raises ``ValueError`` on anything malformed."""
    if not isinstance(data, Mapping):
        raise ValueError(f"活动日规则应为字典，而不是 {data!r}")
    kind = data.get("kind")
    try:
        if kind == MonthlyDayRule.kind:
            return MonthlyDayRule(int(data["day"]), data.get("short_month", "last_day"))
        if kind == NthWeekdayRule.kind:
            return NthWeekdayRule(int(data["n"]), int(data["weekday"]))
        if kind == WeeklyRule.kind:
            return WeeklyRule(int(data["weekday"]))
        if kind == OneOffRule.kind:
            return OneOffRule(dt.date.fromisoformat(str(data["date"])))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"活动日规则不完整：{data!r}") from exc
    raise ValueError(f"未知的活动日规则类型：{kind!r}")


# ----------------------------------------------------------------------------------- parsing

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_NUM = r"[0-9一二两三四五六七八九十〇零]+"
_WD = r"(?:周|星期|礼拜)([一二三四五六日天1-7])"
_FULLWIDTH = str.maketrans("０１２３４５６７８９－／", "0123456789-/")


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            raise ValueError(text)
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    if len(text) == 1:
        return _CN_DIGITS[text]
    raise ValueError(text)


def _weekday(ch: str) -> int:
    if ch in "日天7":
        return 6
    if ch.isdigit():
        return int(ch) - 1
    return WEEKDAY_NAMES.index(ch)


_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\d{4})[年\-/.](\d{1,2})[月\-/.](\d{1,2})[日号]?$"), "one_off"),
    (re.compile(rf"^每月(?:的)?({_NUM})[日号](?:（(当月无此日则不安排|小月不安排|跳过)）)?$"), "monthly"),
    (re.compile(r"^每月(?:的)?(?:最后一天|月底|月末)$"), "month_end"),
    (re.compile(rf"^每月(?:的)?第({_NUM})(?:个|周的?)?{_WD}$"), "nth"),
    (re.compile(rf"^每月(?:的)?最后(?:一)?(?:个|周的?)?{_WD}$"), "last"),
    (re.compile(r"^每(?:周|星期|礼拜)(?:的)?(?:周|星期)?([一二三四五六日天1-7])$"), "weekly"),
]


def parse_rule(text: str) -> Rule:
    """Parse the Chinese a clerk types: 每月15日, 每月第一周的周二, 每月第一个周二, 每周三,
    每月最后一个周五, 2025年3月15日, 2025-03-15. Raises ``ValueError`` with a Chinese message."""
    raw = text
    s = re.sub(r"\s+", "", (text or "").translate(_FULLWIDTH)).replace("(", "（").replace(")", "）")
    for pattern, kind in _PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        try:
            if kind == "one_off":
                return OneOffRule(dt.date(int(m[1]), int(m[2]), int(m[3])))
            if kind == "monthly":
                return MonthlyDayRule(_number(m[1]), "skip" if m[2] else "last_day")
            if kind == "month_end":
                return MonthlyDayRule(31, "last_day")
            if kind == "nth":
                return NthWeekdayRule(_number(m[1]), _weekday(m[2]))
            if kind == "last":
                return NthWeekdayRule(-1, _weekday(m[1]))
            if kind == "weekly":
                return WeeklyRule(_weekday(m[1]))
        except (ValueError, KeyError):
            break
    raise ValueError(f"无法识别的活动日规则“{raw}”：请写成“每月15日”“每月第一个周二”“每月最后一个周五”"
                     f"“每周三”或“2025年3月15日”")


# ---------------------------------------------------------------------------------- holidays


class HolidayDataMissing(KnownError):
    """The holiday arrangement of a year is not known (neither in chinese_calendar nor entered)."""

    def __init__(self, year: int):
        super().__init__(f"{year}年的法定节假日安排尚未收录，请在“节假日设置”中补充国务院公布的安排")
        self.year = year


def _library_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


class HolidayCalendar:
    """Official workdays and holidays (chinese_calendar) plus the clerk's overrides.

    ``overrides`` maps a date to ``'holiday'`` (a day off) or ``'workday'`` (a working day) and
    wins over the library. ``extra_years`` lists years the library does not cover whose whole
    arrangement has been entered as overrides: in them a date without an override is a workday
    exactly when it is Monday–Friday. Any other uncovered year raises
    :class:`HolidayDataMissing` instead of guessing.
    """

    def __init__(self, overrides: Mapping[dt.date, str] | None = None, extra_years: Iterable[int] = ()):
        table = dict(overrides or {})
        for day, value in table.items():
            if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
                raise ValueError(f"节假日设置中的日期无效：{day!r}")
            if value not in (HOLIDAY, WORKDAY):
                raise ValueError(f"{format_date(day)}的设置应为“holiday”（放假）或“workday”（上班），而不是 {value!r}")
        self._overrides: dict[dt.date, str] = table
        self._extra_years = frozenset(int(y) for y in extra_years)
        self._covered: dict[int, bool] = {}
        self._workdays: dict[dt.date, bool] = {}

    @property
    def overrides(self) -> dict[dt.date, str]:
        """{date: "holiday" or "workday"}: the days the settings override (a copy)."""
        return dict(self._overrides)

    @property
    def extra_years(self) -> frozenset[int]:
        """The years the settings cover in full, besides those the bundled calendar knows."""
        return self._extra_years

    def covers(self, year: int) -> bool:
        """Whether every date of *year* can be answered without guessing."""
        if year in self._extra_years:
            return True
        if year not in self._covered:
            self._covered[year] = _library_covers(year)
        return self._covered[year]

    def is_workday(self, d: dt.date) -> bool:
        """An official working day, 调休 working Saturdays/Sundays included (remembered per date:
        chinese_calendar checks its whole range on every call, and a deadline asks 15–60 times)."""
        known = self._workdays.get(d)
        if known is None:
            known = self._workdays[d] = self._is_workday(d)
        return known

    def _is_workday(self, d: dt.date) -> bool:
        override = self._overrides.get(d)
        if override is not None:
            return override == WORKDAY
        if d.year in self._extra_years and not self._library_year(d.year):
            return d.weekday() < 5
        if not self.covers(d.year):
            raise HolidayDataMissing(d.year)
        return bool(chinese_calendar.is_workday(d))

    def is_rest_day(self, d: dt.date) -> bool:
        """Not a workday: an ordinary weekend or a holiday."""
        return not self.is_workday(d)

    def is_holiday(self, d: dt.date) -> bool:
        """A day off of a statutory holiday (法定节假日 incl. its weekend days) or marked
        ``'holiday'`` by the clerk. An ordinary weekend is *not* a holiday (see
        :meth:`is_rest_day`); this differs from ``chinese_calendar.is_holiday``."""
        override = self._overrides.get(d)
        if override is not None:
            return override == HOLIDAY
        if d.year in self._extra_years and not self._library_year(d.year):
            return False
        if not self.covers(d.year):
            raise HolidayDataMissing(d.year)
        off, name = chinese_calendar.get_holiday_detail(d)
        return bool(off and name)

    def is_adjusted_workday(self, d: dt.date) -> bool:
        """A Saturday or Sunday that is a working day (调休上班)."""
        return d.weekday() >= 5 and self.is_workday(d)

    def holiday_name(self, d: dt.date) -> str | None:
        """Chinese name of the holiday *d* belongs to (for a day off), else ``None``."""
        if not self.is_holiday(d):
            return None
        if self._overrides.get(d) == HOLIDAY or not self._library_year(d.year):
            return None
        name: str | None = chinese_calendar.get_holiday_detail(d)[1]
        return None if name is None else _HOLIDAY_NAMES_ZH.get(name, name)

    def describe_rest_day(self, d: dt.date) -> str:
        """Why *d* is not a workday, in Chinese: ``国庆节假期``, ``周六``, ``节假日``."""
        name = self.holiday_name(d)
        if name:
            return f"{name}假期"
        if self.is_holiday(d):
            return "节假日"
        return f"周{WEEKDAY_NAMES[d.weekday()]}"

    def add_working_days(self, d: dt.date, n: int, *, assume_weekends: bool = False) -> dt.date:
        """The *n*-th workday after *d* (before it when *n* < 0; *d* itself for 0), for deadlines.

        Holiday-aware: holidays are skipped and 调休 working weekend days count. Crossing into a
        year without holiday data raises :class:`HolidayDataMissing` unless *assume_weekends*,
        which judges such days by Monday–Friday alone (an estimate the caller must label).
        """
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        day = d
        while remaining:
            day += dt.timedelta(days=step)
            if self._workday_or_estimate(day, assume_weekends):
                remaining -= 1
        return day

    # -- helpers

    def _library_year(self, year: int) -> bool:
        if year not in self._covered:
            self._covered[year] = _library_covers(year)
        return self._covered[year]

    def _workday_or_estimate(self, d: dt.date, assume_weekends: bool) -> bool:
        if assume_weekends and d not in self._overrides and not self.covers(d.year):
            return d.weekday() < 5
        return self.is_workday(d)


# ------------------------------------------------------------------------------ generation


class ShiftPolicy(CodeEnum):
    """What happens to a rule date that is not a workday."""

    NEXT_WORKDAY = ("next_workday", "顺延至下一个工作日")
    PREVIOUS_WORKDAY = ("previous_workday", "提前至上一个工作日")
    KEEP = ("keep", "不调整")


@dataclass(frozen=True)
class OccurrenceChange:
    """The clerk's change to one occurrence, found by its original (rule) date.

    ``new_date=None`` cancels it; a ``new_date`` moves it there (kept as given, not shifted;
    equal to ``original_date`` it pins the date against the holiday policy)."""

    original_date: dt.date
    new_date: dt.date | None = None
    reason: str = ""

    @classmethod
    def cancel(cls, original_date: dt.date, reason: str = "") -> OccurrenceChange:
        """Cancel the occurrence of ``original_date``."""
        return cls(original_date, None, reason)

    @classmethod
    def move(cls, original_date: dt.date, new_date: dt.date, reason: str = "") -> OccurrenceChange:
        """Move the occurrence of ``original_date`` to ``new_date``."""
        return cls(original_date, new_date, reason)

    @property
    def cancelled(self) -> bool:
        """Whether the change cancels the date rather than moving it."""
        return self.new_date is None


@dataclass(frozen=True)
class PlannedDate:
    """One activity day. ``shifted_reason`` is ``None`` exactly when ``date == original_date``."""

    date: dt.date
    original_date: dt.date
    rule_label: str
    shifted_reason: str | None = None


@dataclass(frozen=True)
class ScheduleResult:
    """A year's planned activity dates with warnings, the dates cancelled, and whether holidays were known."""
    year: int
    dates: list[PlannedDate]
    warnings: list[str] = field(default_factory=list)
    cancelled: list[PlannedDate] = field(default_factory=list)
    holidays_covered: bool = True


def missing_year_warning(year: int) -> str:
    """The warning shown when ``year``'s official holiday arrangement is not known."""
    return f"{year}年的法定节假日安排尚未收录，日期未按节假日调整，请在“节假日设置”中补充国务院公布的安排"


@dataclass
class _Occ:
    original: dt.date
    label: str
    one_off: bool
    date: dt.date  # where it lands: the original date until moved or shifted
    reason: str | None = None
    moved: bool = False


def _meeting_day(cal: HolidayCalendar, d: dt.date, keep_adjusted: bool) -> bool:
    return cal.is_workday(d) and (keep_adjusted or d.weekday() < 5)


def _find(cal: HolidayCalendar, d: dt.date, step: int, keep_adjusted: bool) -> dt.date | None:
    day = d + dt.timedelta(days=step)
    while day.year == d.year:
        if _meeting_day(cal, day, keep_adjusted):
            return day
        day += dt.timedelta(days=step)
    return None


def generate(rules: Sequence[Rule], year: int, calendar: HolidayCalendar | None = None,
             policy: ShiftPolicy | str = ShiftPolicy.NEXT_WORKDAY,
             exceptions: Iterable[OccurrenceChange] = (), *,
             keep_adjusted_workdays: bool = True) -> ScheduleResult:
    """All activity days of *year* from *rules*, shifted around holidays, with the clerk's changes.

    Order of work: rule dates (an identical date from several rules is kept once, labelled by the
    first rule, or by a one-off rule if one names that date: the clerk's explicit date wins and
    is not shifted) → changes by original date (cancel / move) → shift per *policy* (one-off and
    moved dates are not shifted) → one activity day per date (a collision keeps the moved, then
    the unshifted, then the earliest original occurrence, and says so in a warning) → sorted.
    Every returned date lies in *year*.
    """
    calendar = calendar if calendar is not None else HolidayCalendar()
    policy = ShiftPolicy(policy)
    warnings: list[str] = []
    covered = calendar.covers(year)
    adjust = covered and policy is not ShiftPolicy.KEEP
    if not covered and policy is not ShiftPolicy.KEEP:
        warnings.append(missing_year_warning(year))

    occs: dict[dt.date, _Occ] = {}
    for rule in rules:
        for d in rule.occurrences(year):
            one_off = isinstance(rule, OneOffRule)
            if d not in occs or (one_off and not occs[d].one_off):
                occs[d] = _Occ(d, rule.label, one_off, d)

    cancelled: list[PlannedDate] = []
    seen_changes: set[dt.date] = set()
    for change in exceptions:
        key = change.original_date
        if key in seen_changes:
            warnings.append(f"{format_date(key)}的活动日有多条调整，只采用第一条")
            continue
        seen_changes.add(key)
        if key.year != year:
            continue
        occ = occs.get(key)
        if occ is None:
            warnings.append(f"{format_date(key)}不是按规则产生的活动日，对它的调整未采用")
            continue
        why = change.reason.strip()
        if change.new_date is None:  # change.cancelled, spelled so that mypy narrows new_date
            del occs[key]
            cancelled.append(PlannedDate(key, key, occ.label, f"取消：{why}" if why else "取消"))
            continue
        if change.new_date.year != year:
            warnings.append(f"{format_date(key)}的活动日不能调整到{format_date(change.new_date)}（不在{year}年内），"
                            f"仍按原安排")
            continue
        occ.moved = True
        occ.date = change.new_date
        if change.new_date != key:
            occ.reason = f"调整：{why}" if why else "手动调整"
            if covered and not calendar.is_workday(change.new_date):
                warnings.append(f"{format_date(key)}的活动日调整到{format_date(change.new_date)}，"
                                f"当天是{calendar.describe_rest_day(change.new_date)}，请确认")

    step = 1 if policy is ShiftPolicy.NEXT_WORKDAY else -1
    for occ in occs.values():
        if occ.moved:
            continue
        occ.date = occ.original
        if occ.one_off or not adjust or _meeting_day(calendar, occ.original, keep_adjusted_workdays):
            continue
        d = occ.original
        what = calendar.describe_rest_day(d)
        if calendar.is_adjusted_workday(d):
            what += "（调休上班日，按设置不在周末安排活动）"
        target = _find(calendar, d, step, keep_adjusted_workdays)
        how = policy.label
        if target is None:
            target = _find(calendar, d, -step, keep_adjusted_workdays)
            how = ShiftPolicy.PREVIOUS_WORKDAY.label if step == 1 else ShiftPolicy.NEXT_WORKDAY.label
            if target is not None:
                warnings.append(f"{format_date(d)}逢{what}，{policy.label}会跨到{year + step}年，"
                                f"已改为{how}（{format_date(target, with_year=False)}）")
        if target is None:  # a year without a single workday: not a real calendar
            warnings.append(f"{format_date(d)}逢{what}，{year}年内找不到可调整的工作日，仍按原日期安排")
            continue
        occ.date = target
        occ.reason = f"原定{format_date(d, with_year=False)}逢{what}，{how}"

    by_date: dict[dt.date, list[_Occ]] = {}
    for occ in occs.values():
        by_date.setdefault(occ.date, []).append(occ)
    planned: list[PlannedDate] = []
    for d in sorted(by_date):
        group = sorted(by_date[d], key=lambda o: (not o.moved, o.original != d, o.original))
        keep = group[0]
        for other in group[1:]:
            warnings.append(f"{format_date(other.original)}的活动日（{other.label}）调整后与"
                            f"{format_date(keep.original)}的活动日同在{format_date(d, with_year=False)}，已合并为一次")
        planned.append(PlannedDate(d, keep.original, keep.label, keep.reason if d != keep.original else None))
    cancelled.sort(key=lambda p: p.original_date)
    return ScheduleResult(year, planned, warnings, cancelled, covered)


__all__ = [
    "HOLIDAY", "WORKDAY", "WEEKDAY_NAMES", "HolidayCalendar", "HolidayDataMissing", "MonthlyDayRule",
    "NthWeekdayRule", "OccurrenceChange", "OneOffRule", "PlannedDate", "Rule", "ScheduleResult",
    "ShiftPolicy", "WeeklyRule", "format_date", "generate", "missing_year_warning", "parse_rule",
    "rule_from_dict",
]
