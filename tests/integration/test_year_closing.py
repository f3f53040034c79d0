"""年度评定 on a real database: an open year gives progress and no grade (on screen data, in the
archive and ranking PDFs, in the county ranking); closing the year freezes each deputy's score and
grade (later records change nothing); reopening is explicit, with a reason; both are audited."""

from __future__ import annotations

import datetime as dt

import pytest

from station_app import cli
from station_app.db import close_database, open_database
from station_app.db.models import ScoreYearClosing, ScoreYearGrade
from station_app.domain import clock
from station_app.errors import KnownError, ValidationError
from station_app.printing.archive_docs import points_text
from station_app.services import activity, audit, scoring
from station_app.services.context import set_actor
from tests.integration import test_archive_pdfs
from tests.integration.test_archive_pdfs import Y, text_of

year = test_archive_pdfs.year  # the fixture: three deputies and a year of facts
GRADES = ("优秀", "称职", "基本称职", "不称职")


def _live(name_to_score):
    return {s.name: (s.raw, s.score100) for s in name_to_score}


def test_open_year_has_progress_not_grades_and_closing_freezes_them(year):
    rs = scoring.applied_rules(Y)
    st = scoring.year_status(Y)
    assert not st.closed and st.label == "待年度评定" and st.as_of == dt.date(Y, 12, 31)
    assert "合格进度" in st.progress_note
    before = scoring.ranking(Y)
    assert before and all(s.grade == "" for s in before)
    assert [s.progress for s in before] == [round(s.score100 / 60 * 100) for s in before]
    assert all(c.grade == "" for c in scoring.county_ranking(Y))

    set_actor("站长老王")
    st = scoring.close_year(Y)
    assert st.closed and st.closed_by == "站长老王" and st.as_of == dt.date(Y, 12, 31)
    closed = scoring.ranking(Y)
    assert [(s.name, s.raw, s.score100, s.rank) for s in closed] == [(s.name, s.raw, s.score100, s.rank) for s in before]
    assert [s.grade for s in closed] == [rs.grade_of(s.score100) for s in before]
    assert all(s.progress is None for s in closed)
    assert {c.name: c.grade for c in scoring.county_ranking(Y)} == {s.name: s.grade for s in closed}
    log = audit.entries(table="score_year_closing")
    assert log[0].action == "close" and log[0].actor == "站长老王" and f"{Y}年度评定" in log[0].summary
    with pytest.raises(KnownError, match="已于.*完成年度评定"):
        scoring.close_year(Y)

    # a record entered after the closing changes the live figures, not the frozen grade
    c = year["c"]
    rec = scoring.add_manual(c, dt.date(Y, 11, 2), "A02", 2, "列席人大主席团会议")
    scoring.review(rec.uid)
    frozen_c = next(s for s in closed if s.deputy_uid == c)
    assert scoring.score_of(c, Y) == frozen_c
    assert _live(scoring.ranking(Y)) == _live(closed)

    with pytest.raises(ValidationError, match="原因"):
        scoring.reopen_year(Y, "  ")
    assert scoring.year_status(Y).closed
    st = scoring.reopen_year(Y, "补录11月人代会出席记录")
    assert not st.closed and ScoreYearClosing.select().count() == 0 and ScoreYearGrade.select().count() == 0
    now_c = scoring.score_of(c, Y)
    assert now_c.raw == frozen_c.raw + 4 and now_c.grade == ""
    log = audit.entries(table="score_year_closing")
    assert log[0].action == "reopen" and "补录11月人代会出席记录" in log[0].summary
    assert log[0].before["grades"][frozen_c.name] == [frozen_c.score100, frozen_c.grade]


def test_a_year_not_begun_cannot_be_closed(station_db):
    with pytest.raises(KnownError, match="还没有开始"):
        scoring.close_year(clock.today().year + 1)


def test_pdfs_state_as_of_and_print_date_and_no_grade_in_an_open_year(year, tmp_path):
    today = clock.today().isoformat()
    a = year["a"]
    total = scoring.score_of(a, Y)
    archive = text_of(scoring.print_archive(a, Y, tmp_path / "archive.pdf"))
    for expected in (f"数据截至{Y}-12-31", f"打印日期{today}",
                     f"年度积分百分制合格进度站内排名{points_text(total.raw)}{points_text(total.score100)}"
                     f"{total.progress}%{total.rank}/3",
                     "待年度评定", "不评定等次", "合格进度=百分制得分÷（合格线60分"):
        assert expected in archive, expected
    assert "等次站内排名" not in archive
    assert not any(g in archive.replace("（等次“基本称职”的分数线）", "") for g in GRADES)  # only the pass line's name

    ranking = text_of(scoring.print_ranking(Y, tmp_path / "ranking.pdf"))
    data = scoring.ranking_sheet_data(Y)
    assert f"数据截至{Y}-12-31" in ranking and f"打印日期{today}" in ranking
    assert "年度积分百分制合格进度待审核" in ranking and "年度积分百分制等次" not in ranking
    for row in data.rows:
        cats = "".join(points_text(v) for v in row.by_category)
        assert f"{row.rank}{row.name}{row.levels}{cats}{points_text(row.raw)}{points_text(row.score100)}" \
               f"{row.progress}%" in ranking
    assert "合格进度=百分制得分" in ranking and "不评定等次" in ranking

    scoring.close_year(Y)
    archive = text_of(scoring.print_archive(a, Y, tmp_path / "closed.pdf"))
    final = scoring.score_of(a, Y)
    assert final.grade in GRADES
    assert f"年度积分百分制等次站内排名{points_text(final.raw)}{points_text(final.score100)}{final.grade}" in archive
    assert "等次为年度评定结果" in archive and f"打印日期{today}" in archive and "合格进度=" not in archive
    ranking = text_of(scoring.print_ranking(Y, tmp_path / "closed-ranking.pdf"))
    assert "年度积分百分制等次待审核" in ranking and "等次为年度评定结果" in ranking


def test_the_current_year_is_open_with_figures_to_today(station_db, monkeypatch, tmp_path):
    now = dt.datetime(2026, 6, 15, 10, 0, tzinfo=clock.zone())
    monkeypatch.setattr(clock, "now", lambda: now)
    from station_app.domain.records import DeputyData
    from station_app.services import deputies

    d = deputies.create(DeputyData(name="李秀英", levels=("township",))).uid
    day = activity.add_day(dt.date(2026, 3, 16))
    activity.sign_in(day.uid, {d: "present"})
    scoring.recompute(2026)
    st = scoring.year_status(2026)
    assert st.label == "年度未结束" and st.as_of == dt.date(2026, 6, 15) and "已过天数 166" in st.progress_note
    s = scoring.score_of(d, 2026)
    assert s.grade == "" and s.progress == round(s.score100 / (60 * 166 / 365) * 100)
    text = text_of(scoring.print_archive(d, 2026, tmp_path / "a.pdf"))
    assert "数据截至2026-06-15" in text and "打印日期2026-06-15" in text and "年度未结束" in text


def test_cli_close_status_and_reopen(year, db_path, capsys):
    close_database()
    try:
        assert cli.main(["points", "status", "--db", db_path, "--year", str(Y)]) == 0
        assert "待年度评定" in capsys.readouterr().out
        assert cli.main(["points", "close-year", "--db", db_path, "--year", str(Y), "--actor", "管理员"]) == 0
        assert f"{Y}年度评定完成：已冻结 3 位代表" in capsys.readouterr().out
        assert cli.main(["points", "close-year", "--db", db_path, "--year", str(Y)]) == 1
        assert "完成年度评定" in capsys.readouterr().err
        assert cli.main(["points", "status", "--db", db_path, "--year", str(Y)]) == 0
        assert "已年度评定（管理员" in capsys.readouterr().out
        with pytest.raises(SystemExit):
            cli.main(["points", "reopen-year", "--db", db_path, "--year", str(Y)])  # --reason is required
        assert cli.main(["points", "reopen-year", "--db", db_path, "--year", str(Y), "--reason", "复核"]) == 0
        assert "已重新开放" in capsys.readouterr().out
    finally:
        open_database(db_path)
    assert not scoring.year_status(Y).closed
