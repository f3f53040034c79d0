"""Period kinds of the statistics and reports, carried as codes (``month``/``quarter``/``year``/
``custom``), never as their Chinese names: each kind's dates, name, scope word (本月/本季度/本年度/本期)
and report word (月报/季报/年报/报告) are decided here."""

from __future__ import annotations

import datetime as dt

from station_app.errors import ValidationError

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
KINDS = (MONTH, QUARTER, YEAR, CUSTOM)
QUARTERS = ("一", "二", "三", "四")
SCOPE = {MONTH: "本月", QUARTER: "本季度", YEAR: "本年度", CUSTOM: "本期"}
REPORT = {MONTH: "月报", QUARTER: "季报", YEAR: "年报", CUSTOM: "报告"}


def period(kind: str, year: int, index: int = 1) -> tuple[dt.date, dt.date, str]:
    """(from, to, name) of a month (index 1–12), quarter (1–4) or year: ``2026年第三季度``."""
    if kind == MONTH:
        if not 1 <= index <= 12:
            raise ValidationError({"month": f"没有这个月份：{index}"})
        start = dt.date(year, index, 1)
        end = (dt.date(year + (index == 12), index % 12 + 1, 1) - dt.timedelta(days=1))
        return start, end, f"{year}年{index}月"
    if kind == QUARTER:
        if not 1 <= index <= 4:
            raise ValidationError({"quarter": f"没有这个季度：{index}"})
        start = dt.date(year, 3 * index - 2, 1)
        end = dt.date(year + (index == 4), (3 * index) % 12 + 1, 1) - dt.timedelta(days=1)
        return start, end, f"{year}年第{QUARTERS[index - 1]}季度"
    if kind == YEAR:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年"
    raise ValidationError({"kind": f"不认识的期间：{kind}"})


def kind_of_title(title: str | None) -> str:
    """The kind a free title names (the CLI's ``--title``, where no kind code is given):
    ``2026年`` a year, ``…季度`` a quarter, any other title a month; no title: custom."""
    if not title:
        return CUSTOM
    return YEAR if title.endswith("年") else QUARTER if "季度" in title else MONTH
