"""What the printed QR codes carry (EXCHANGE_FORMAT §4). Pure: no ReportLab, no database.

Three modes, chosen in the settings (``qr.mode``) or by ``print --qr-mode``:

- ``text`` (the offline default): short lines WeChat shows as readable text, the same lines
  that are printed beside the code. Empty lines (no phone, no address, no rule) are left out.
- ``url``: the county platform's template, filled in. Placeholders ``{station_code}``,
  ``{deputy_uid}``, ``{deputy_name}``; values are percent-encoded (UTF-8, RFC 3986), so a name
  such as 赛山·托西别克 gives a URL every phone opens. Codes and uids need no encoding.
- ``mecard`` (phone cameras offer to save a contact): the formats of §4, with ``\\ ; , :``
  escaped by a backslash. An empty field (no phone, no address) is left out rather than
  written empty.

Which number reaches a deputy (:func:`contact_phone`, the one rule for every printout and
code): the deputy's 公开联系电话 (``public_phone``, the number he or she agreed to publish), in
full; else, only when the print shows full numbers, the private ``phone``; else the station's
office phone, labelled 联络站电话 (the clerk passes the message on). A masked number
(``138****1234``) is never printed for a deputy nor put in a code: nobody can call it. ``mecard``
carries TEL only for the deputy's own number (a contact saved under the deputy's name must not
ring the station). The station's own office phone is public and never masked.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from station_app.domain.codes import levels_label
from station_app.domain.masking import mask_phone
from station_app.errors import ValidationError

if TYPE_CHECKING:  # annotations only: the entry module's parser imports this, the start must not pay for records
    from station_app.domain.records import DeputyRecord, StationProfile

QR_MODES = ("text", "url", "mecard")
MODE_LABELS = {"text": "文字", "url": "网址", "mecard": "名片"}
DEPUTY_FIELDS = ("station_code", "deputy_uid", "deputy_name")
STATION_FIELDS = ("station_code",)


@dataclass(frozen=True)
class QrOptions:
    """What the QR codes carry: plain text or a URL template for deputies and for the station."""
    mode: str = "text"
    deputy_template: str = ""
    station_template: str = ""

    def check(self, deputy: bool = True, station: bool = True) -> None:
        """Raise :class:`ValidationError` (Chinese) when these options cannot make the codes needed."""
        errors: dict[str, str] = {}
        if self.mode not in QR_MODES:
            errors["qr.mode"] = f"不认识的二维码内容方式：{self.mode}（应为 text 文字、url 网址 或 mecard 名片）"
        elif self.mode == "url":
            if deputy:
                msg = check_template(self.deputy_template, DEPUTY_FIELDS, "代表")
                if msg:
                    errors["qr.deputy_template"] = msg
            if station:
                msg = check_template(self.station_template, STATION_FIELDS, "联络站")
                if msg:
                    errors["qr.station_template"] = msg
        if errors:
            raise ValidationError(errors)


def check_template(template: str | None, allowed: tuple[str, ...], whose: str) -> str | None:
    """``None`` when ``template`` is usable; else what to type instead."""
    example = "https://…/d/{deputy_uid}" if "deputy_uid" in allowed else "https://…/s/{station_code}"
    names = "、".join("{" + a + "}" for a in allowed)
    if not (template or "").strip():
        return f"二维码内容选了“网址”，但没有填写{whose}二维码网址模板（如 {example}）"
    try:
        parts = list(string.Formatter().parse(template or ""))
    except ValueError:
        return f"{whose}二维码网址模板中的花括号不成对：{template}"
    for _, field, spec, conv in parts:
        if field is not None and (field not in allowed or spec or conv):
            return f"{whose}二维码网址模板里的 {{{field}}} 不认识；只能用 {names}"
    return None


def fill_template(template: str, **values: str) -> str:
    """Fill a checked template; every value is percent-encoded."""
    return template.format_map({k: quote(v, safe="") for k, v in values.items()})


def mecard_escape(value: str) -> str:
    """Escape ``\\ ; , :`` with a backslash (backslash first, so nothing is escaped twice)."""
    out = value.replace("\\", "\\\\")
    for ch in ";,:":
        out = out.replace(ch, "\\" + ch)
    return out


def _mecard(fields: list[tuple[str, str]]) -> str:
    return "MECARD:" + "".join(f"{k}:{mecard_escape(v)};" for k, v in fields if v) + ";"


def deputy_title(deputy: DeputyRecord) -> str:
    """``县、乡镇人大代表``."""
    return f"{levels_label(deputy.levels)}人大代表"


def shown_phone(phone: str, show_full_numbers: bool) -> str:
    """``phone`` as printed: in full when ``show_full_numbers``, else masked."""
    return phone if show_full_numbers else mask_phone(phone)


@dataclass(frozen=True)
class ContactPhone:
    """The number printed to reach a deputy, and what to call it."""

    label: str = ""  # 电话 (the deputy's own) / 联络站电话
    number: str = ""
    own: bool = False  # the deputy's own number (not the station's)

    def __bool__(self) -> bool:
        return bool(self.number)


def contact_phone(deputy: DeputyRecord, station: StationProfile, show_full_numbers: bool = False) -> ContactPhone:
    """The public number first, the private one only with full numbers on, else the station's."""
    if deputy.public_phone:
        return ContactPhone("电话", deputy.public_phone, True)
    if show_full_numbers and deputy.phone:
        return ContactPhone("电话", deputy.phone, True)
    if station.phone:
        return ContactPhone("联络站电话", station.phone, False)
    return ContactPhone()


def deputy_text(deputy: DeputyRecord, station: StationProfile, rule: str, show_full_numbers: bool = False) -> str:
    """The plain-text content of a deputy's QR code (一人一码) when the content is text."""
    lines = [f"{deputy.name}（{deputy_title(deputy)}）", station.name]
    if rule:
        lines.append(f"接待日：{rule}")
    phone = contact_phone(deputy, station, show_full_numbers)
    if phone:
        lines.append(f"{phone.label}：{phone.number}")
    return "\n".join(lines)


def station_text(station: StationProfile, rule: str) -> str:
    """The plain-text content of the station's QR code (一站一码) when the content is text."""
    lines = [station.name]
    if station.address:
        lines.append(f"地址：{station.address}")
    if rule:
        lines.append(f"接待日：{rule}")
    if station.phone:
        lines.append(f"电话：{station.phone}")
    return "\n".join(lines)


def deputy_content(deputy: DeputyRecord, station: StationProfile, rule: str, options: QrOptions,
                   show_full_numbers: bool = False) -> str:
    """The exact text a deputy's QR code carries."""
    options.check(deputy=True, station=False)
    if options.mode == "url":
        return fill_template(options.deputy_template, station_code=station.code, deputy_uid=deputy.uid,
                             deputy_name=deputy.name)
    if options.mode == "mecard":
        phone = contact_phone(deputy, station, show_full_numbers)
        tel = phone.number if phone.own else ""
        return _mecard([("N", deputy.name), ("TEL", tel), ("ORG", station.name), ("NOTE", deputy_title(deputy))])
    return deputy_text(deputy, station, rule, show_full_numbers)


def station_content(station: StationProfile, rule: str, options: QrOptions) -> str:
    """The exact text the station's QR code carries."""
    options.check(deputy=False, station=True)
    if options.mode == "url":
        return fill_template(options.station_template, station_code=station.code)
    if options.mode == "mecard":
        return _mecard([("N", station.name), ("TEL", station.phone), ("ADR", station.address)])
    return station_text(station, rule)
