"""Issue 16, items 1, 4 and 5 on real SQLite files: 当场答复 needs an answer; every date a user
gives keeps one range (2000-01-01 … today + 5 years) and any other date gets a Chinese message,
never another exception, in the services and the CLI; the same ID number under two names and
two deputies of one name are found."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from station_app.cli import main
from station_app.db import close_database, open_database
from station_app.db.models import Case, Reception
from station_app.domain import clock
from station_app.domain.records import DeputyData, OpinionData, ReceptionData
from station_app.domain.validators import check_birth_date, check_date_range, latest_date
from station_app.errors import KnownError, ValidationError
from station_app.services import activity, cases, deputies, receptions, scoring, stats

D = dt.date
ANY_DATE = st.dates(D(1, 1, 1), D(9999, 12, 31))
SLOW = hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _visit(name="张大爷", id_number="", minutes_ago=30, when=None):
    return ReceptionData(received_at=when or clock.now() - dt.timedelta(minutes=minutes_ago), channel="visit",
                         visitor_name=name, visitor_id_number=id_number, village="前进村")


# --- item 1: 当场答复 only with an answer ---------------------------------------------------------


def test_an_on_the_spot_opinion_without_an_answer_is_refused_and_nothing_is_saved(station_db):
    for empty in ("", "   "):
        with pytest.raises(ValidationError) as err:
            receptions.record_visit(_visit(), [OpinionData("咨询医保缴费", "health", "on_the_spot", reply=empty)])
        assert "当场答复请填写答复内容" in err.value.fields["opinions.0.reply"]
    assert Reception.select().count() == 0 and Case.select().count() == 0
    rec = receptions.record_visit(_visit(), [OpinionData("咨询医保缴费", "health", "on_the_spot", reply="已告知")])
    with pytest.raises(ValidationError) as err:
        receptions.add_opinion(rec.uid, OpinionData("再问一件事", "other", "on_the_spot"))
    assert "reply" in err.value.fields and Case.select().count() == 1


# --- item 4: one date range everywhere ----------------------------------------------------------


def test_the_range_rule():
    today = D(2026, 12, 6)
    assert check_date_range(D(2000, 1, 1), today=today) is None
    assert check_date_range(D(2031, 12, 6), today=today) is None
    assert "2000-01-01" in check_date_range(D(1900, 1, 1), today=today)
    assert "2031-12-06" in check_date_range(D(2031, 12, 7), "结束日期", today=today)
    assert latest_date(D(2028, 2, 29)) == D(2033, 2, 28)
    assert check_birth_date(D(1900, 1, 1), today=today) is None
    assert "出生日期" in check_birth_date(D(1899, 12, 31), today=today)
    assert check_birth_date(D(2026, 12, 7), today=today)


def _fine_or_chinese(call) -> None:
    """``call()`` succeeds, or fails with a KnownError whose message is Chinese."""
    try:
        call()
    except KnownError as exc:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.message), exc.message


@pytest.fixture
def deputy(station_db):
    return deputies.create(DeputyData(name="王建国", levels=("township",))).uid


@SLOW
@given(a=ANY_DATE, b=ANY_DATE)
def test_every_service_date_input_gives_a_chinese_message_never_another_exception(deputy, a, b):
    in_range = check_date_range(a) is None
    _fine_or_chinese(lambda: stats.statistics(a, b, "T01"))
    _fine_or_chinese(lambda: stats.statistics(a, b, None, breakdowns=False))
    _fine_or_chinese(lambda: cases.page(date_from=a, date_to=b, station_code="T01"))
    _fine_or_chinese(lambda: receptions.page(date_from=a, date_to=b, station_code="T01"))
    _fine_or_chinese(lambda: activity.add_day(a))
    _fine_or_chinese(lambda: activity.add_unavailable(deputy, a, b, "外出学习"))
    _fine_or_chinese(lambda: scoring.add_manual(deputy, a, "A02", 1, "列席主席团会议"))
    _fine_or_chinese(lambda: receptions.record_visit(_visit(when=dt.datetime.combine(a, dt.time(9), clock.zone()))))
    errors = cases.check_opinion(OpinionData("修路", "infrastructure", "assigned", department="镇司法所", deadline=a))
    assert ("deadline" in errors) or in_range
    birth = deputies.validate(DeputyData(name="李四", levels=("township",), birth_date=a))
    assert ("birth_date" in birth) == (check_birth_date(a) is not None)
    if not in_range:  # refused, whatever else is right or wrong
        with pytest.raises(ValidationError):
            stats.statistics(a, a)
        with pytest.raises(ValidationError):
            activity.add_day(a)


@SLOW
@given(a=ANY_DATE, b=ANY_DATE)
def test_cli_dates_exit_2_with_the_range_never_a_crash(station_db, db_path, capsys, a, b):
    close_database()
    try:
        code = main(["stats", "--db", db_path, "--from", a.isoformat(), "--to", b.isoformat(), "--json"])
    except SystemExit as exc:  # argparse refuses an argument with exit 2
        code = exc.code
    finally:
        close_database()
    err = capsys.readouterr().err
    assert "程序内部错误" not in err and "Traceback" not in err
    if check_date_range(a) or check_date_range(b):
        assert code == 2 and "超出合理范围" in err
    elif b < a:
        assert code == 1 and "结束日期不能早于开始日期" in err
    else:
        assert code == 0
    open_database(db_path)


# --- item 5: duplicates -------------------------------------------------------------------------

ID = "110101199003077777"


def test_the_same_id_number_under_another_name_finds_the_earlier_visitor(station_db):
    from station_app.domain.validators import id_check_digit

    number = ID[:17] + id_check_digit(ID[:17])
    first = receptions.record_visit(_visit("张三", number, minutes_ago=600))
    assert receptions.same_id_other_name(number, "张三", station_code="T01") is None  # the same person
    assert receptions.same_id_other_name("", "张山", station_code="T01") is None
    found = receptions.same_id_other_name(number.lower(), "张山", station_code="T01")
    assert found is not None and found.uid == first.uid and found.visitor_name == "张三"
    assert found.received_at == first.received_at
    assert receptions.same_id_other_name(number, "张山", station_code="T99") is None
    assert receptions.same_id_other_name(number, "张山", station_code="T01", except_uid=first.uid) is None


def test_deputies_of_the_same_name(station_db):
    a = deputies.create(DeputyData(name="王建国", levels=("township",), group="第一代表小组", sector="农业"))
    assert [d.uid for d in deputies.same_name("王建国", station_code="T01")] == [a.uid]
    assert deputies.same_name("王建国", station_code="T01", except_uid=a.uid) == []
    assert deputies.same_name("李秀英", station_code="T01") == []


def test_cli_archive_with_a_name_two_deputies_share_lists_them_and_exits_2(station_db, db_path, capsys, tmp_path):
    a = deputies.create(DeputyData(name="王建国", levels=("township",), group="第一代表小组", sector="农业"))
    b = deputies.create(DeputyData(name="王建国", levels=("county",), group="第三代表小组", sector="教育"))
    close_database()
    args = ["print", "archive", "--db", db_path, "--out", str(tmp_path / "a.pdf"), "--deputy", "王建国",
            "--year", "2026"]
    assert main(args) == 2
    err = capsys.readouterr().err
    for text in ("2 位代表名叫“王建国”", "第一代表小组", "第三代表小组", "农业", "教育", a.uid, b.uid):
        assert text in err, text
    assert not (tmp_path / "a.pdf").exists()
