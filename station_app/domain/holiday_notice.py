"""The State Council's annual notice of holidays (国务院办公厅关于YYYY年部分节假日安排的通知).

Each November the State Council publishes the next year's days off and make-up working days in
standard sentences, one numbered item per festival::

    一、元旦：1月1日（周三）放假1天，不调休。
    二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。
    1月26日（周日）、2月8日（周六）上班。

:func:`parse_notice` reads such a text (pasted, or taken from a .txt/.docx file by the service)
into a :class:`HolidayNotice`: ``days_off`` every date inside an announced span (weekend days
within it included), ``workdays`` the make-up working days (调休上班). Text that is not such a
notice raises :class:`NotANotice` with a plain Chinese message. Pure Python, no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from station_app.errors import KnownError

_FULLWIDTH = str.maketrans("０１２３４５６７８９：（），；", "0123456789:(),;")
_YEAR_PATTERNS = (
    re.compile(r"关于\s*(\d{4})\s*年\s*部分节假日安排"),
    re.compile(r"现将\s*(\d{4})\s*年[^。]{0,60}?(?:放假|调休)"),
    re.compile(r"(\d{4})\s*年\s*部分节假日安排"),
)
_ITEM = re.compile(r"([一二三四五六七八九十]{1,3})、([^:。、\d]{1,12}(?:、[^:。、\d]{1,12})*):")
_DATE = r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日"
_SPAN = re.compile(_DATE + r"(?:(?:至|-|—|～|~)" + _DATE + r")?放假")
_ONE_DATE = re.compile(_DATE)
_COUNT = re.compile(r"共\s*(\d{1,2})\s*天")
_DAYS_N = re.compile(r"放假\s*(\d{1,2})\s*天")


class NotANotice(KnownError):
    """The text is not (or not readably) a notice of a year's holidays."""


@dataclass(frozen=True)
class NoticeHoliday:
    """One item of the notice: a festival, its days off and its make-up working days."""

    name: str
    first: dt.date
    last: dt.date
    workdays: tuple[dt.date, ...]

    @property
    def days(self) -> int:
        """The holiday's length in days, first and last included."""
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class HolidayNotice:
    """A year's 放假通知 as parsed: its holidays with their days off and make-up workdays."""
    year: int
    holidays: tuple[NoticeHoliday, ...]

    @property
    def days_off(self) -> tuple[dt.date, ...]:
        """Every day off of the notice's holidays, sorted."""
        out: set[dt.date] = set()
        for h in self.holidays:
            out.update(h.first + dt.timedelta(days=i) for i in range(h.days))
        return tuple(sorted(out))

    @property
    def workdays(self) -> tuple[dt.date, ...]:
        """Every make-up workday (调休上班) of the notice, sorted."""
        return tuple(sorted({d for h in self.holidays for d in h.workdays}))

    def to_json(self) -> dict[str, Any]:
        """The ``holidays parse --json`` object: year, days_off, workdays (ISO dates)."""
        return {"year": self.year, "days_off": [d.isoformat() for d in self.days_off],
                "workdays": [d.isoformat() for d in self.workdays]}


def _normalise(text: str) -> str:
    text = text.translate(_FULLWIDTH)
    text = re.sub(r"\s+", "", text)
    # parentheses hold weekdays and lunar dates (（周三）, （农历除夕、周二）) and asides such as
    # 除夕（2月9日）: none of them is part of an arrangement
    return re.sub(r"\([^()]*\)", "", text)


def notice_year(text: str) -> int | None:
    """The year a notice is about, or None when the text does not say."""
    flat = _normalise(text)
    for pattern in _YEAR_PATTERNS:
        m = pattern.search(flat)
        if m:
            return int(m.group(1))
    return None


def _date(year_text: str | None, month_text: str | None, day_text: str, year: int, month: int | None,
          where: str) -> dt.date:
    y = int(year_text) if year_text else year
    if month_text is None and month is None:
        raise NotANotice(f"“{where}”中的日期缺少月份")
    m = int(month_text) if month_text else month
    if m is None:
        raise NotANotice(f"“{where}”中的日期缺少月份")
    try:
        return dt.date(y, m, int(day_text))
    except ValueError:
        raise NotANotice(f"“{where}”中的日期无效：{y}年{m}月{day_text}日") from None


def _parse_item(name: str, body: str, year: int) -> NoticeHoliday:
    sentences = [s for s in body.split("。") if s]
    first: dt.date | None = None
    last: dt.date | None = None
    workdays: list[dt.date] = []
    for sentence in sentences:
        span = _SPAN.search(sentence)
        if span and first is None and "上班" not in sentence[: span.start()]:
            y1, m1, d1, y2, m2, d2 = span.groups()
            first = _date(y1, m1, d1, year, None, sentence)
            if d2 is None:
                last = first
            else:
                end_year = first.year
                if y2 is None and m2 is not None and int(m2) < first.month:  # 12月31日至1月2日
                    end_year += 1
                last = _date(y2, m2, d2, end_year, first.month, sentence)
            if last < first:
                raise NotANotice(f"“{name}”的放假日期先后颠倒：{sentence}")
            count = _COUNT.search(sentence) or _DAYS_N.search(sentence)
            if count and int(count.group(1)) != (last - first).days + 1:
                raise NotANotice(f"“{name}”写的是共{count.group(1)}天，但{first.month}月{first.day}日至"
                                 f"{last.month}月{last.day}日是{(last - first).days + 1}天，请核对通知原文")
            rest = sentence[span.end():]
            if "上班" in rest:  # 放假…，…日上班 in one sentence
                sentence = rest
            else:
                continue
        if "上班" in sentence:
            head = sentence[: sentence.rindex("上班")]
            month = None
            for m in _ONE_DATE.finditer(head):
                d = _date(m.group(1), m.group(2), m.group(3), year, month, sentence)
                month = d.month
                workdays.append(d)
    if first is None or last is None:  # last is set with first
        raise NotANotice(f"“{name}”一项中找不到放假日期")
    return NoticeHoliday(name, first, last, tuple(workdays))


def parse_notice(text: str) -> HolidayNotice:
    """Read the notice in ``text``; :class:`NotANotice` when it is not one."""
    if not text or not text.strip():
        raise NotANotice("内容为空：请粘贴国务院办公厅关于节假日安排的通知全文，或打开通知文件")
    year = notice_year(text)
    if year is None:
        raise NotANotice("这不是国务院办公厅关于部分节假日安排的通知：找不到“关于YYYY年部分节假日安排”或"
                         "“现将YYYY年……放假调休日期的具体安排通知如下”")
    flat = _normalise(text)
    items = list(_ITEM.finditer(flat))
    holidays = []
    for i, m in enumerate(items):
        body = flat[m.end(): items[i + 1].start() if i + 1 < len(items) else len(flat)]
        if not (_SPAN.search(body) or "上班" in body):
            continue  # a numbered paragraph of the closing text (值班、安全…)
        holidays.append(_parse_item(m.group(2), body, year))
    if not holidays:
        raise NotANotice(f"通知中找不到{year}年各节日的放假安排（如“一、元旦：1月1日放假，共1天。”）")
    return HolidayNotice(year, tuple(holidays))
