"""The pro-rata rule of an open scoring year (domain.scoring): 合格进度 = 百分制得分 ÷ (合格线 ×
已过天数 ÷ 全年天数), 100% on course for the pass line; no grade until the year is closed."""

from __future__ import annotations

import datetime as dt

from station_app.domain.scoring import (
    YEAR_AWAITING,
    YEAR_OPEN,
    Grade,
    as_of_date,
    days_elapsed,
    default_rules,
    expected_score,
    open_year_label,
    pass_grade,
    pass_line,
    progress,
    progress_definition,
)


def test_pass_line_is_the_lowest_positive_band():
    rs = default_rules(2026)
    assert pass_line(rs) == 60 and pass_grade(rs) == "基本称职"
    import dataclasses

    other = dataclasses.replace(rs, grades=(Grade("合格", 50), Grade("不合格", 0)))
    assert pass_line(other) == 50 and pass_grade(other) == "合格"


def test_days_elapsed_and_as_of():
    assert days_elapsed(2026, dt.date(2026, 1, 1)) == 1
    assert days_elapsed(2026, dt.date(2026, 6, 30)) == 181
    assert days_elapsed(2026, dt.date(2025, 12, 31)) == 0
    assert days_elapsed(2024, dt.date(2024, 12, 31)) == 366  # leap year
    assert days_elapsed(2026, dt.date(2027, 3, 1)) == 365
    assert as_of_date(2026, dt.date(2026, 6, 15)) == dt.date(2026, 6, 15)
    assert as_of_date(2025, dt.date(2026, 6, 15)) == dt.date(2025, 12, 31)
    assert as_of_date(2027, dt.date(2026, 6, 15)) == dt.date(2027, 1, 1)


def test_progress_is_pro_rata_against_the_pass_line():
    rs = default_rules(2026)
    mid = dt.date(2026, 7, 2)  # day 183 of 365
    assert expected_score(rs, 2026, mid) == 60 * 183 / 365
    # 30 points in 百分制 at the middle of the year is exactly on course for 60 at its end
    assert progress(rs, 30.0, 2026, mid) == round(30 / (60 * 183 / 365) * 100) == 100
    assert progress(rs, 15.0, 2026, mid) == 50
    # the whole year: plain score against the pass line
    assert progress(rs, 45.0, 2026, dt.date(2026, 12, 31)) == 75
    assert progress(rs, 0.0, 2026, dt.date(2026, 1, 1)) == 0
    assert progress(rs, 10.0, 2027, dt.date(2026, 12, 31)) is None  # the year has not begun


def test_labels_say_what_the_figure_means():
    rs = default_rules(2026)
    text = progress_definition(rs, 2026, dt.date(2026, 6, 15))
    for part in ("合格进度", "百分制得分", "合格线 60 分", "基本称职", "已过天数 166", "全年天数 365",
                 "2026-06-15", "不是年度等次"):
        assert part in text, part
    assert open_year_label(2026, dt.date(2026, 6, 15)) == YEAR_OPEN == "年度未结束"
    assert open_year_label(2025, dt.date(2026, 1, 3)) == YEAR_AWAITING == "待年度评定"
