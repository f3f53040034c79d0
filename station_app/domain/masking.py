"""Masking of personal numbers (PIPL) for lists, printouts and reports.

A mobile number shows its first three and last four digits (``138****1234``), a landline its area
code and last four (``0531-****5678``), an 18-character ID number its region and last four
(``110101********1234``). Anything else shows at most its last four characters and never more than
half of them — a short or odd number must not leak by falling outside the usual formats.
"""

from __future__ import annotations

import re

_AREA = re.compile(r"^(0\d{2,3})-(.+)$")


def _tail(text: str) -> str:
    keep = min(4, len(text) // 2)
    return "*" * (len(text) - keep) + text[len(text) - keep:]


def mask_phone(phone: str | None) -> str:
    """``13812341234`` → ``138****1234``; ``0531-12345678`` → ``0531-****5678``."""
    if not phone:
        return ""
    p = phone.strip()
    if len(p) == 11 and p.isdigit() and p[0] == "1":
        return p[:3] + "****" + p[7:]
    m = _AREA.match(p)
    if m:
        return m.group(1) + "-" + _tail(m.group(2))
    return _tail(p)


def mask_id_number(value: str | None) -> str:
    """``110101199003071234`` → ``110101********1234``."""
    if not value:
        return ""
    v = value.strip()
    if len(v) == 18:
        return v[:6] + "*" * 8 + v[14:]
    return _tail(v)


def mask_name(name: str | None) -> str:
    """A person's name on a public board (评判结果向群众公开): the surname stays, the given name is
    starred — ``王建国`` → ``王**``, ``李娜`` → ``李*``; a one-character name shows only ``*``."""
    if not name:
        return ""
    n = name.strip()
    if len(n) <= 1:
        return "*" * len(n)
    return n[0] + "*" * (len(n) - 1)
