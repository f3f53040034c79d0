import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station_app.domain.codes import Level, levels_label, levels_to_mask, mask_to_levels, parse_levels_text
from station_app.domain.validators import (
    check_id_number,
    check_phone,
    id_check_digit,
    normalize_phone,
    parse_date,
)


@pytest.mark.parametrize("phone", ["13812345678", "138 1234 5678", "+8613812345678", "0534-5123456", "05345123456",
                                   "5123456", "010-62345678", "１３８１２３４５６７８"])
def test_good_phones(phone):
    assert check_phone(phone) is None


@pytest.mark.parametrize("phone", ["1381234567", "138123456789", "12812345678", "abc", "0534-123", "23812345678x"])
def test_bad_phones_have_a_message(phone):
    msg = check_phone(phone)
    assert msg and ("手机号" in msg or "电话" in msg)


def test_empty_phone_only_when_required():
    assert check_phone("") is None
    assert check_phone("", required=True) == "请填写电话号码"


def test_normalize_phone():
    assert normalize_phone(" +86 138 1234 5678 ") == "13812345678"
    assert normalize_phone("１３８１２３４５６７８") == "13812345678"


def test_known_id_number():
    # GB 11643 example number
    assert check_id_number("11010519491231002X") is None
    assert "校验位" in check_id_number("110105194912310021")
    assert "出生日期" in check_id_number("110105194902301234")
    assert "18位" in check_id_number("1101051949")
    assert check_id_number("") is None


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_digit_roundtrip(first17):
    birth_ok = True
    try:
        dt.date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
    except ValueError:
        birth_ok = False
    number = first17 + id_check_digit(first17)
    assert (check_id_number(number) is None) == birth_ok
    wrong = "0" if number[-1] != "0" else "1"
    if birth_ok:
        assert check_id_number(first17 + wrong) is not None


def test_levels_codes():
    assert levels_label(["township", "county"]) == "县、乡镇"
    assert mask_to_levels(levels_to_mask(["county", "national"])) == [Level.NATIONAL, Level.COUNTY]
    assert parse_levels_text("县级、乡镇级") == [Level.COUNTY, Level.TOWNSHIP]
    assert parse_levels_text("市人大代表,county") == [Level.CITY, Level.COUNTY]
    with pytest.raises(ValueError):
        parse_levels_text("村")


@pytest.mark.parametrize("text,expected", [("1975-03-08", dt.date(1975, 3, 8)), ("1975/3/8", dt.date(1975, 3, 8)),
                                           ("1975年3月8日", dt.date(1975, 3, 8)), ("19750308", dt.date(1975, 3, 8)),
                                           ("", None)])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["1975-13-01", "三月八日", "1975-02-30"])
def test_parse_date_rejects(text):
    with pytest.raises(ValueError):
        parse_date(text)
