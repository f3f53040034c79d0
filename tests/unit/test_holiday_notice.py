"""The State Council's holiday notices (2020–2026, as published) read into days off and make-up
working days, checked day by day against the chinese_calendar package; stored as a year's
arrangement that generating the year then uses."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import chinese_calendar
import pytest

from station_app.domain.holiday_notice import NotANotice, parse_notice

NOTICES = Path(__file__).resolve().parents[1] / "fixtures" / "holiday_notices"
YEARS = range(2020, 2027)
# 国务院办公厅关于延长2020年春节假期的通知 (a second notice, not an annual one): 1月31日–2月2日 off,
# the make-up Saturday 2月1日 cancelled. The library holds the extended arrangement.
EXTENSION_2020 = {dt.date(2020, 1, 31), dt.date(2020, 2, 1), dt.date(2020, 2, 2)}
# The 2024 notice says 元旦 "1月1日放假，与周末连休": the announced span is 1月1日; the library
# also counts the weekend before it (not so for 端午 6月10日, worded the same).
LIBRARY_EXTRA_2024 = {dt.date(2023, 12, 30), dt.date(2023, 12, 31)}


def notice(year: int):
    return parse_notice((NOTICES / f"{year}.txt").read_text(encoding="utf-8"))


def _days(first: dt.date, last: dt.date):
    d = first
    while d <= last:
        yield d
        d += dt.timedelta(days=1)


@pytest.mark.parametrize("year", YEARS)
def test_each_notice_agrees_day_by_day_with_chinese_calendar(year):
    n = notice(year)
    assert n.year == year
    off, work = set(n.days_off), set(n.workdays)
    assert not off & work
    for d in off:  # every announced day off is a holiday to the library, weekends included
        if not (year == 2020 and d in EXTENSION_2020):
            assert chinese_calendar.is_holiday(d) and (d.weekday() >= 5 or chinese_calendar.get_holiday_detail(d)[1])
    for d in work:  # every make-up working day is a weekend day the library makes a workday
        if not (year == 2020 and d in EXTENSION_2020):
            assert d.weekday() >= 5 and chinese_calendar.is_workday(d), d
    for d in _days(dt.date(year, 1, 1), dt.date(year, 12, 31)):
        if chinese_calendar.is_in_lieu(d):  # a weekday off in exchange lies inside a span
            assert d in off, d


def test_all_notices_together_are_exactly_the_librarys_arrangement():
    off, work = set(), set()
    for year in YEARS:
        n = notice(year)
        off |= set(n.days_off)
        work |= set(n.workdays)
    span = list(_days(dt.date(2020, 1, 1), dt.date(2026, 12, 31)))
    # include_weekends=False: the dates of the library's holiday table (the announced spans), not
    # every Saturday and Sunday
    library_off = set(chinese_calendar.get_holidays(span[0], span[-1], include_weekends=False))
    library_work = {d for d in span if d.weekday() >= 5 and chinese_calendar.is_workday(d)}
    assert library_off - off == EXTENSION_2020 | LIBRARY_EXTRA_2024
    assert off - library_off == set()
    assert work == library_work | {dt.date(2020, 2, 1)}


def test_the_2025_notice_read_as_the_brief_quotes_it():
    n = notice(2025)
    spring = n.holidays[1]
    assert (spring.name, spring.first, spring.last, spring.days) == ("春节", dt.date(2025, 1, 28), dt.date(2025, 2, 4), 8)
    assert spring.workdays == (dt.date(2025, 1, 26), dt.date(2025, 2, 8))
    assert n.to_json()["workdays"] == ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]
    assert [h.name for h in n.holidays] == ["元旦", "春节", "清明节", "劳动节", "端午节", "国庆节、中秋节"]


def test_a_span_across_the_new_year_and_an_aside_in_brackets():
    n = notice(2023)
    assert n.holidays[0].first == dt.date(2022, 12, 31) and n.holidays[0].last == dt.date(2023, 1, 2)
    n = notice(2024)
    assert dt.date(2024, 2, 9) not in n.days_off  # 鼓励……在除夕（2月9日）休息: not an arrangement
    assert n.holidays[0].first == n.holidays[0].last == dt.date(2024, 1, 1)


def test_pasted_text_with_full_width_digits_and_line_breaks():
    text = ("国务院办公厅关于２０２５年部分节假日安排的通知\n一、元旦：１月１日（周三）放假１天，不调休。\n"
            "二、春节：1月28日（农历除夕、周二）至\n2月4日（农历正月初七、周二）放假调休，共8天。"
            "1月26日（周日）、2月8日（周六）上班。")
    n = parse_notice(text)
    assert n.year == 2025 and len(n.days_off) == 9 and n.workdays == (dt.date(2025, 1, 26), dt.date(2025, 2, 8))


@pytest.mark.parametrize("text, words", [
    ("", "内容为空"),
    ("关于召开代表活动日的通知：3月15日在联络站接待选民。", "不是国务院办公厅关于部分节假日安排的通知"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n节假日期间，各地区要安排好值班。", "找不到2027年各节日的放假安排"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n一、春节：2月30日至3月5日放假，共6天。", "日期无效"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n一、春节：2月6日至12日放假调休，共8天。", "共8天"),
])
def test_what_is_not_a_notice_is_refused_plainly(text, words):
    with pytest.raises(NotANotice) as info:
        parse_notice(text)
    assert words in info.value.message


def _docx(path: Path, paragraphs: list[str]) -> Path:
    body = "".join(f"<w:p><w:r><w:t>{p[:5]}</w:t></w:r><w:r><w:t>{p[5:]}</w:t></w:r></w:p>" for p in paragraphs)
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
           '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + body + "</w:body></w:document>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", xml.encode("utf-8"))
    return path


def test_files_in_gb18030_utf8_with_bom_and_docx(tmp_path):
    from station_app.services.holiday_notice import parse_notice_file

    text = (NOTICES / "2024.txt").read_text(encoding="utf-8")
    gbk = tmp_path / "通知.txt"
    gbk.write_bytes(text.encode("gb18030"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    docx = _docx(tmp_path / "通知.docx", text.splitlines())
    assert parse_notice_file(gbk) == parse_notice_file(bom) == parse_notice_file(docx) == notice(2024)
    broken = tmp_path / "坏.docx"
    broken.write_bytes(b"PK not really")
    with pytest.raises(NotANotice, match="无法读取这个 Word 文件"):
        parse_notice_file(broken)


def test_storing_a_notice_replaces_the_years_arrangement_and_lets_the_year_be_generated(station_db):
    from station_app.services import activity
    from station_app.services.holiday_notice import store_notice

    text = (NOTICES / "2025.txt").read_text(encoding="utf-8").replace("2025", "2031")
    activity.set_holiday_override(dt.date(2031, 3, 3), "holiday", "手工录入")  # an earlier, wrong entry
    activity.set_holiday_override(dt.date(2030, 12, 29), "holiday", "上一年的")
    stored = store_notice(parse_notice(text))
    assert (stored.year, stored.days_off, stored.workdays, stored.replaced) == (2031, 28, 5, 1)
    rows = activity.holiday_overrides(2031)
    assert (dt.date(2031, 3, 3), "holiday", "手工录入") not in rows
    assert (dt.date(2031, 1, 28), "holiday", "春节") in rows and (dt.date(2031, 1, 26), "workday", "春节调休上班") in rows
    assert activity.holiday_overrides(2030) == [(dt.date(2030, 12, 29), "holiday", "上一年的")]
    assert activity.year_entered(2031)
    cal = activity.holiday_calendar()
    assert cal.covers(2031) and not cal.is_workday(dt.date(2031, 10, 8)) and cal.is_workday(dt.date(2031, 10, 11))
    again = store_notice(parse_notice(text))  # loading again replaces, never doubles
    assert again.replaced == 33 and len(activity.holiday_overrides(2031)) == 33
