"""Masking of personal numbers (PIPL): whatever the input, the masked text reveals no more than the
characters the format allows, in their own places."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from station_app.domain.masking import mask_id_number, mask_phone
from station_app.domain.validators import id_check_digit


def _revealed(original: str, masked: str) -> set[int]:
    """Positions shown in clear; every other position must be a '*'."""
    assert len(masked) == len(original)
    shown = set()
    for i, (o, m) in enumerate(zip(original, masked, strict=True)):
        if m != "*":
            assert m == o, (original, masked)
            shown.add(i)
    return shown


def _tail_positions(start: int, length: int) -> set[int]:
    keep = min(4, length // 2)
    return set(range(start + length - keep, start + length))


def test_the_documented_formats():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("110101199003071234") == "110101********1234"
    assert mask_phone("0531-12345678") == "0531-****5678"
    assert mask_phone("") == "" and mask_id_number(None) == ""
    assert mask_phone("00000") == "***00"  # a short number does not leak by being odd


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_mobile_numbers_hide_the_middle_four(phone):
    assert _revealed(phone, mask_phone(phone)) == {0, 1, 2, 7, 8, 9, 10}


@given(st.text(alphabet="0123456789-*X ", min_size=1, max_size=24))
def test_any_phone_text_reveals_only_area_code_and_a_short_tail(text):
    p = text.strip()
    masked = mask_phone(text)
    if not p:
        return
    shown = _revealed(p, masked)
    if len(p) == 11 and p.isdigit() and p[0] == "1":
        allowed = {0, 1, 2, 7, 8, 9, 10}
    elif m := re.match(r"^(0\d{2,3})-(.+)$", p):
        area = len(m.group(1)) + 1
        allowed = set(range(area)) | _tail_positions(area, len(p) - area)
    else:
        allowed = _tail_positions(0, len(p))
    assert shown - {i for i, c in enumerate(p) if c == "*"} <= allowed


@given(st.from_regex(r"\d{17}", fullmatch=True))
def test_id_numbers_show_region_and_last_four_only(first17):
    value = first17 + id_check_digit(first17)
    masked = mask_id_number(value)
    assert masked[:6] == value[:6] and masked[6:14] == "*" * 8 and masked[14:] == value[14:]


@given(st.text(alphabet="0123456789X", min_size=1, max_size=24))
def test_any_id_text_reveals_at_most_region_and_a_short_tail(text):
    shown = _revealed(text, mask_id_number(text)) - {i for i, c in enumerate(text) if c == "*"}
    allowed = set(range(6)) | set(range(14, 18)) if len(text) == 18 else _tail_positions(0, len(text))
    assert shown <= allowed
