"""Masking of personal numbers (PIPL) for lists, printouts and reports."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str:
    """``13812341234`` → ``138****1234``; a landline keeps its area code and last 4 digits."""
    if not phone:
        return ""
    p = phone.strip()
    if len(p) == 11 and p.isdigit():
        return p[:3] + "****" + p[7:]
    if "-" in p:
        area, _, rest = p.partition("-")
        if len(rest) <= 4:
            return area + "-" + "*" * len(rest)
        return area + "-" + "*" * (len(rest) - 4) + rest[-4:]
    if len(p) <= 4:
        return "*" * len(p)
    keep = 4
    return "*" * (len(p) - keep) + p[-keep:]


def mask_id_number(value: str | None) -> str:
    """``110101199003071234`` → ``110101********1234``."""
    if not value:
        return ""
    v = value.strip()
    if len(v) == 18:
        return v[:6] + "*" * 8 + v[14:]
    if len(v) <= 4:
        return "*" * len(v)
    return v[:2] + "*" * (len(v) - 6) + v[-4:]
