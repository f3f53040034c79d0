"""QR content of EXCHANGE_FORMAT §4: exact formats, escaping, templates."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station_app.domain.qrcontent import (
    QrOptions,
    check_template,
    deputy_content,
    deputy_text,
    mecard_escape,
    station_content,
)
from station_app.domain.records import DeputyRecord, StationProfile
from station_app.errors import ValidationError

STATION = StationProfile(code="NJ-CG01", name="长官镇人大代表联络站", township="长官镇", county="宁津县",
                         address="宁津县长官镇政府院内一楼", phone="0534-5123456")
DEPUTY = DeputyRecord(name="赛山·托西别克", levels=("township", "county"), phone="13812341234",
                      uid="0b6c1f5e-8a3b-4c1e-9f1a-2d3e4f5a6b7c", station_code="NJ-CG01")
RULE = "每月15日"


def unescape(value: str) -> str:
    out, it = [], iter(value)
    for ch in it:
        out.append(next(it) if ch == "\\" else ch)
    return "".join(out)


def split_unescaped(value: str, sep: str) -> list[str]:
    """Split at ``sep`` characters not escaped by a backslash (escapes kept)."""
    parts, cur, escaped = [], "", False
    for ch in value:
        if escaped:
            cur, escaped = cur + ch, False
        elif ch == "\\":
            cur, escaped = cur + ch, True
        elif ch == sep:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return [*parts, cur]


def parse_mecard(card: str) -> list[tuple[str, str]]:
    assert card.startswith("MECARD:") and card.endswith(";;")
    fields = split_unescaped(card[len("MECARD:"):-2], ";")
    out = []
    for field in fields:
        key, value = split_unescaped(field, ":")[0], field.split(":", 1)[1]
        out.append((key, unescape(value)))
    return out


def test_text_mode_exact():
    assert deputy_content(DEPUTY, STATION, RULE, QrOptions("text"), show_full_numbers=True) == (
        "赛山·托西别克（县、乡镇人大代表）\n长官镇人大代表联络站\n接待日：每月15日\n电话：13812341234")
    # never a masked number nobody can call: the station's phone instead, and no phone line at
    # all when there is no number to call
    assert deputy_text(DEPUTY, STATION, RULE).endswith("\n联络站电话：0534-5123456")
    assert "****" not in deputy_text(DEPUTY, STATION, RULE)
    no_phone = DeputyRecord(name="王芳", levels=("township",), uid="u1")
    assert deputy_text(no_phone, replace(STATION, phone=""), RULE) == (
        "王芳（乡镇人大代表）\n长官镇人大代表联络站\n接待日：每月15日")
    # the deputy's 公开联系电话 is printed in full, with or without full numbers
    public = replace(DEPUTY, public_phone="13900001111")
    for full in (False, True):
        assert deputy_text(public, STATION, RULE, full).endswith("\n电话：13900001111")
    assert station_content(STATION, RULE, QrOptions()) == (
        "长官镇人大代表联络站\n地址：宁津县长官镇政府院内一楼\n接待日：每月15日\n电话：0534-5123456")


def test_mecard_exact():
    assert deputy_content(DEPUTY, STATION, RULE, QrOptions("mecard"), show_full_numbers=True) == (
        "MECARD:N:赛山·托西别克;TEL:13812341234;ORG:长官镇人大代表联络站;NOTE:县、乡镇人大代表;;")
    # a masked number is not a number to save, nor the station's under the deputy's name: no TEL
    assert deputy_content(DEPUTY, STATION, RULE, QrOptions("mecard")) == (
        "MECARD:N:赛山·托西别克;ORG:长官镇人大代表联络站;NOTE:县、乡镇人大代表;;")
    # the 公开联系电话 is saved in full
    assert deputy_content(replace(DEPUTY, public_phone="13900001111"), STATION, RULE, QrOptions("mecard")) == (
        "MECARD:N:赛山·托西别克;TEL:13900001111;ORG:长官镇人大代表联络站;NOTE:县、乡镇人大代表;;")
    assert station_content(STATION, RULE, QrOptions("mecard")) == (
        "MECARD:N:长官镇人大代表联络站;TEL:0534-5123456;ADR:宁津县长官镇政府院内一楼;;")


def test_mecard_escapes_the_four_characters():
    assert mecard_escape(r"a\b;c,d:e") == r"a\\b\;c\,d\:e"
    odd = StationProfile(code="X", name="东;西,南:北\\站", address="1号:2楼")
    assert station_content(odd, "", QrOptions("mecard")) == r"MECARD:N:东\;西\,南\:北\\站;ADR:1号\:2楼;;"


@given(st.text())
def test_escape_round_trips(value):
    escaped = mecard_escape(value)
    assert unescape(escaped) == value
    assert len(split_unescaped(escaped, ";")) == 1 and len(split_unescaped(escaped, ":")) == 1


@given(st.text(min_size=1), st.text(), st.text(min_size=1))
def test_mecard_fields_come_back(name, phone, station_name):
    deputy = DeputyRecord(name=name, levels=("county",), phone=phone, uid="u")
    card = deputy_content(deputy, StationProfile(code="X", name=station_name), RULE, QrOptions("mecard"),
                          show_full_numbers=True)
    expected = [("N", name), ("TEL", phone), ("ORG", station_name), ("NOTE", "县人大代表")]
    assert parse_mecard(card) == [(k, v) for k, v in expected if v]


def test_url_mode_fills_and_encodes():
    options = QrOptions("url", "https://c.cn/d/{deputy_uid}?s={station_code}&n={deputy_name}",
                        "https://c.cn/s/{station_code}")
    assert deputy_content(DEPUTY, STATION, RULE, options) == (
        "https://c.cn/d/0b6c1f5e-8a3b-4c1e-9f1a-2d3e4f5a6b7c?s=NJ-CG01"
        "&n=%E8%B5%9B%E5%B1%B1%C2%B7%E6%89%98%E8%A5%BF%E5%88%AB%E5%85%8B")
    assert station_content(STATION, RULE, options) == "https://c.cn/s/NJ-CG01"


@pytest.mark.parametrize(("deputy_t", "station_t", "field"), [
    ("", "https://c.cn/s/{station_code}", "qr.deputy_template"),
    ("https://c.cn/d/{deputy_uid}", "  ", "qr.station_template"),
    ("https://c.cn/d/{deputy_id}", "https://c.cn/s/{station_code}", "qr.deputy_template"),
    ("https://c.cn/d/{deputy_uid}", "https://c.cn/s/{deputy_uid}", "qr.station_template"),
    ("https://c.cn/d/{deputy_uid", "https://c.cn/s/{station_code}", "qr.deputy_template"),
    ("https://c.cn/d/{}", "https://c.cn/s/{station_code}", "qr.deputy_template"),
    ("https://c.cn/d/{deputy_uid!r}", "https://c.cn/s/{station_code}", "qr.deputy_template"),
])
def test_bad_templates_are_clear_chinese_errors(deputy_t, station_t, field):
    with pytest.raises(ValidationError) as err:
        QrOptions("url", deputy_t, station_t).check()
    assert field in err.value.fields and "模板" in err.value.message


def test_only_the_templates_needed_are_checked():
    cards_only = QrOptions("url", "https://c.cn/d/{deputy_uid}", "")
    cards_only.check(deputy=True, station=False)
    assert deputy_content(DEPUTY, STATION, RULE, cards_only) == f"https://c.cn/d/{DEPUTY.uid}"
    with pytest.raises(ValidationError):
        station_content(STATION, RULE, cards_only)
    with pytest.raises(ValidationError):
        QrOptions("vcard").check()
    assert check_template("x{{literal}}{station_code}", ("station_code",), "联络站") is None
