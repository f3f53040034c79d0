"""The import's guards against a hostile package (EXCHANGE_FORMAT §2.4, issue 19), pure.

- no text holds control characters other than tab and newline, nor bidirectional overrides
  (U+202A–U+202E, U+2066–U+2069): :func:`text_fault`, with a quick test on a record's raw JSON
  line (:func:`line_suspect`) so that a million clean lines cost one regex search each;
- no record's ``created_at``/``updated_at``/``deleted_at`` (nor the manifest's ``created_at``) lies
  more than one day after the import's own time: :class:`FutureGuard`;
- attachments are only ``jpg``, ``png`` or ``pdf`` and their bytes are of that type:
  :func:`attachment_fault`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from station_app.domain import clock

# a control character other than tab (9) and newline (10), C1 controls, bidi overrides
_BAD_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# the same in a raw JSON line: an escape of a control character (\u0000–\u001f except \u0009/\u000a,
# \u007f–\u009f, \b \f \r), a bidi override written as an escape or as raw UTF-8, a raw C1 control;
# a hit only sends the record to :func:`text_fault`, which decides
_SUSPECT_LINE = re.compile(
    rb"\\u00[01][0-9a-fA-F]|\\u00[79][0-9a-fA-F]|\\u008[0-9a-fA-F]|\\[bfr]|\\u20(?:2[a-eA-E]|6[6-9])"
    rb"|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xc2[\x80-\x9f]|[\x00-\x08\x0b-\x1f\x7f]")
# a byte every hit of _SUSPECT_LINE starts with: one character-class scan (7× quicker than the
# alternatives tried at every position) clears the clean line, most lines
_SUSPECT_START = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f\\\xc2\xe2]")
FUTURE_MARGIN = dt.timedelta(days=1)
TIME_FIELDS = ("created_at", "updated_at", "deleted_at")

ATTACHMENT_TYPES = {"jpg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",), "pdf": (b"%PDF-",)}
TYPE_LABELS = {"jpg": "JPG 图片", "png": "PNG 图片", "pdf": "PDF 文件"}


def _describe(ch: str) -> str:
    code = ord(ch)
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return f"文字方向控制符 U+{code:04X}"
    return f"控制字符 U+{code:04X}"


def bad_char(text: str) -> str | None:
    """What forbidden character ``text`` holds (Chinese), or None."""
    m = _BAD_TEXT.search(text)
    return None if m is None else _describe(m.group())


def line_suspect(line: bytes) -> bool:
    """Might the raw JSON ``line`` hold a forbidden character? (False: surely not.)"""
    return _SUSPECT_START.search(line) is not None and _SUSPECT_LINE.search(line) is not None


def text_fault(value: Any, path: str = "") -> str | None:
    """The first forbidden character in any text of ``value`` (strings, keys, lists, objects, at
    any depth): ``"字段 note 含有控制字符 U+0007"``, or None."""
    if isinstance(value, str):
        why = bad_char(value)
        return None if why is None else f"字段 {path or '（文字）'} 含有{why}"
    if isinstance(value, dict):
        for k, v in value.items():
            sub = f"{path}.{k}" if path else str(k)
            why = bad_char(str(k)) and f"字段名 {sub!r} 含有{bad_char(str(k))}"
            why = why or text_fault(v, sub)
            if why:
                return why
    elif isinstance(value, list):
        for i, v in enumerate(value):
            why = text_fault(v, f"{path}[{i}]")
            if why:
                return why
    return None


class FutureGuard:
    """Times more than :data:`FUTURE_MARGIN` after ``now`` (the import's own time) are refused."""

    def __init__(self, now: dt.datetime | None = None):
        self.limit = (now or clock.now()) + FUTURE_MARGIN
        self.limit_ts = clock.format_ts(self.limit)  # our stored form: string order is time order

    def too_late(self, ts: Any) -> bool:
        """Whether the timestamp ``ts`` is later than the guard allows (a text not a timestamp is not)."""
        if not isinstance(ts, str):
            return False
        if len(ts) == 32 and ts.endswith("+08:00") and self.limit_ts.endswith("+08:00"):
            return ts > self.limit_ts
        try:
            value = dt.datetime.fromisoformat(ts.replace("Z", "+00:00"))
        except ValueError:
            return False  # the record rules name a malformed time
        return value.tzinfo is not None and value > self.limit

    def fault(self, rec: dict[str, Any]) -> str | None:
        """Which of the record's times (or its duty rows') lies in the future, in Chinese; or None."""
        for f in TIME_FIELDS:
            v = rec.get(f)
            if v is not None and self.too_late(v):  # most deleted_at are null: no call
                return f"{f} 为 {rec[f]}，晚于导入时间一天以上（时间不可能在将来，数据包不可信）"
        for item in rec.get("duties") or ():
            if isinstance(item, dict):
                for f in TIME_FIELDS:
                    if self.too_late(item.get(f)):
                        return f"值班记录的 {f} 为 {item[f]}，晚于导入时间一天以上（时间不可能在将来，数据包不可信）"
        return None


def attachment_ext(name: str) -> str:
    """The attachment's file extension in lower case, without the dot ("" when it has none)."""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def attachment_type_fault(name: str) -> str | None:
    """Why the attachment ``name`` is refused for its type alone (not jpg/png/pdf), or None."""
    ext = attachment_ext(name)
    if ext not in ATTACHMENT_TYPES:
        return f"附件 {name} 的类型 .{ext} 不允许（只接受 JPG、PNG 图片和 PDF 文件）"
    return None


def attachment_fault(name: str, head: bytes) -> str | None:
    """Why the attachment ``name`` whose first bytes are ``head`` is refused, or None."""
    why = attachment_type_fault(name)
    if why:
        return why
    ext = attachment_ext(name)
    if not head.startswith(ATTACHMENT_TYPES[ext]):
        return f"附件 {name} 的内容不是{TYPE_LABELS[ext]}（扩展名与文件内容不符，可能是伪装的程序或脚本）"
    return None


def file_kind(head: bytes) -> str | None:
    """``jpg``/``png``/``pdf`` when ``head`` starts like one, else None (the viewer's check)."""
    for ext, magics in ATTACHMENT_TYPES.items():
        if head.startswith(magics):
            return ext
    return None
