"""Next year's holidays from the State Council's notice, instead of typing each date in.

:func:`read_notice_file` gives the text of a notice saved as ``.txt`` (UTF-8 or GB18030) or
``.docx`` (read with zipfile + xml from the standard library); :func:`parse_notice` reads it
(:mod:`station_app.domain.holiday_notice`); :func:`store_notice` stores the arrangement as the
year's holiday overrides, replacing every override the year had (and those of the notice's own
dates, e.g. 2022-12-31 of the 2023 notice), marks the year entered, and audits it, all in one
transaction.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from station_app.db.connection import database, db_cache
from station_app.db.models import HolidayOverride
from station_app.domain.holiday_notice import HolidayNotice, NotANotice, parse_notice
from station_app.domain.schedule import HOLIDAY, WORKDAY
from station_app.errors import KnownError, os_reason
from station_app.services import audit, settings

__all__ = ["HolidayNotice", "NotANotice", "StoredNotice", "parse_notice", "parse_notice_file",
           "read_notice_file", "store_notice"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class StoredNotice:
    """A 放假通知 saved: its year, days off and make-up workdays, and how many overrides it replaced."""
    year: int
    days_off: int
    workdays: int
    replaced: int  # overrides of the year there were before


def _docx_text(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("word/document.xml")
            if info.file_size > 20 * _MAX_BYTES:
                raise NotANotice(f"文件太大，不像一份通知：{path}")
            root = ElementTree.fromstring(zf.read(info))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        raise NotANotice(f"无法读取这个 Word 文件（可能已损坏，或不是 .docx 格式）：{path}") from None
    paragraphs = []
    for p in root.iter(_W + "p"):
        paragraphs.append("".join(t.text or "" for t in p.iter(_W + "t")))
    return "\n".join(paragraphs)


def read_notice_file(path) -> str:
    """The text of a notice file: ``.docx``, or text in UTF-8 (with or without BOM) or GB18030."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".docx":
            return _docx_text(path)
        if path.suffix.lower() == ".doc":
            raise NotANotice(f"不能读取旧版 Word（.doc）文件：{path}。请在 Word 中另存为 .docx 或 .txt，"
                             "或把通知全文复制粘贴进来")
        if path.stat().st_size > _MAX_BYTES:
            raise NotANotice(f"文件太大，不像一份通知：{path}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise KnownError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise KnownError(f"这是一个文件夹，不是通知文件：{path}") from None
    except OSError as exc:
        raise KnownError(f"无法读取文件：{path}（{os_reason(exc)}）") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NotANotice(f"无法识别文件的文字编码（应为 UTF-8 或 GB18030 的文本）：{path}")


def parse_notice_file(path) -> HolidayNotice:
    """The holidays of a 国务院办公厅 notice saved as a text, HTML or Word file."""
    return parse_notice(read_notice_file(path))


def store_notice(notice: HolidayNotice) -> StoredNotice:
    """Store ``notice`` as its year's arrangement (replacing an earlier one) and mark the year entered."""
    year = notice.year
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    notes = {}
    for h in notice.holidays:
        for i in range(h.days):
            notes[h.first + dt.timedelta(days=i)] = (HOLIDAY, h.name)
        for d in h.workdays:
            notes[d] = (WORKDAY, f"{h.name}调休上班")
    db_cache().pop("holiday_calendar", None)  # deadlines count on the new calendar
    with database.atomic():
        in_scope = (HolidayOverride.date.between(first, last)) | (HolidayOverride.date.in_(list(notes)))
        before = [(str(o.date), o.kind) for o in HolidayOverride.select().where(in_scope).order_by(HolidayOverride.date)]
        HolidayOverride.delete().where(in_scope).execute()
        HolidayOverride.insert_many([{"date": d, "kind": kind, "note": note[:100]}
                                     for d, (kind, note) in sorted(notes.items())]).execute()
        years = set(settings.get("schedule.extra_holiday_years") or ())
        settings.set("schedule.extra_holiday_years", sorted(years | {year}))
        audit.record("update", "holiday_override", str(year), {"overrides": before} if before else None,
                     notice.to_json(), summary=f"按国务院通知载入{year}年节假日安排")
    return StoredNotice(year, len(notice.days_off), len(notice.workdays), len(before))
