"""Validators for what people type. Each returns ``None`` when fine, or a Chinese message
saying what to type instead."""

from __future__ import annotations

import datetime as dt
import re

from station_app.domain import clock

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Landline: optional area code 0xx/0xxx, then 7–8 digits, optional extension.
_LANDLINE = re.compile(r"^(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,6})?$")


def normalize_phone(text: str | None) -> str:
    """Strip spaces, full-width digits and a +86 prefix."""
    if not text:
        return ""
    text = text.strip().translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))
    text = re.sub(r"[\s()（）]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    return text


def check_phone(text: str | None, required: bool = False) -> str | None:
    """``None`` when ``text`` is a mobile or landline number (or empty and not ``required``), else what
    to type."""
    phone = normalize_phone(text)
    if not phone:
        return "请填写电话号码" if required else None
    if _MOBILE.match(phone) or _LANDLINE.match(phone):
        return None
    if phone.isdigit() and phone.startswith("1"):
        return "手机号应为11位数字，以1开头，如 13812345678"
    return "电话格式不对：请填11位手机号（如 13812345678）或座机号（如 0531-12345678）"


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character (0–9 or X) of the first 17 digits of an ID number."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def check_id_number(text: str | None, required: bool = False) -> str | None:
    """GB 11643-1999 citizen ID: 17 digits + check digit (0–9 or X), with a valid birth date."""
    value = (text or "").strip().upper()
    if not value:
        return "请填写身份证号" if required else None
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return "身份证号应为18位：17位数字加1位校验码（数字或X）"
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期不存在，请核对第7–14位"
    if id_check_digit(value[:17]) != value[17]:
        return "身份证号校验位不对，请逐位核对"
    return None


def check_name(text: str | None, what: str = "姓名") -> str | None:
    """``None`` when ``text`` is a usable name, else what to type (``what`` names the field)."""
    name = (text or "").strip()
    if not name:
        return f"请填写{what}"
    if len(name) > 40:
        return f"{what}太长（最多40个字）"
    return None


def parse_date(text: str | None) -> dt.date | None:
    """Accept 2024-07-15, 2024/7/15, 2024.7.15, 20240715, 2024年7月15日. Raises ValueError."""
    if text is None:
        return None
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    value = str(text).strip()
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", value)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", value)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise ValueError(value)


EARLIEST_DATE = dt.date(2000, 1, 1)
YEARS_AHEAD = 5


def latest_date(today: dt.date | None = None) -> dt.date:
    """The last date anyone may enter: today plus :data:`YEARS_AHEAD` years (29 Feb → 28 Feb)."""
    today = today or clock.today()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def check_date_range(value: dt.date | None, what: str = "日期", today: dt.date | None = None,
                     earliest: dt.date = EARLIEST_DATE, latest: dt.date | None = None) -> str | None:
    """The one range rule of dates people enter: from 2000-01-01 (``earliest``) to today plus
    five years (``latest``). ``None`` when fine (or no date), else what to type instead."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        return f"{what}格式应为 2026-01-31"
    latest = latest or latest_date(today)
    if value < earliest or value > latest:
        return (f"{what}超出合理范围：应在 {earliest.isoformat()} 到 {latest.isoformat()} 之间，"
                f"不是 {value.isoformat()}")
    return None


def check_birth_date(value: dt.date | None, today: dt.date | None = None) -> str | None:
    """Birth dates: 1900-01-01 up to today."""
    return check_date_range(value, "出生日期", today, dt.date(1900, 1, 1), today or clock.today())
