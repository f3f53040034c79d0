"""The privacy policy (PIPL, DESIGN "Privacy and security"), written once.

Phone and ID numbers are masked in lists, printouts and reports unless a user whose role allows
:attr:`Permission.UNMASK` (管理员) chooses to show them. With nobody logged in (a plain database used
as before users existed) the role check passes, so the choice alone decides — as it always did.
Services apply the policy to the records they return (``services/privacy.py``); the UI shows what
it is given and never masks or unmasks by itself.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from station_app.domain.masking import mask_id_number, mask_phone
from station_app.domain.roles import Permission, Role, allows

T = TypeVar("T")


def reveal(role: Role | str | None, wanted: bool) -> bool:
    """Are full numbers shown to a user of ``role`` who asked for them (``wanted``)? Only when the
    role allows unmasking and they asked; ``role`` None is no login at all (the choice decides)."""
    return bool(wanted) and allows(role, Permission.UNMASK)


def phone(value: str | None, revealed: bool) -> str:
    """``value`` as shown: in full when ``revealed``, else masked (``138****1234``)."""
    return (value or "") if revealed else mask_phone(value)


def id_number(value: str | None, revealed: bool) -> str:
    """``value`` as shown: in full when ``revealed``, else masked (``110101********1234``)."""
    return (value or "") if revealed else mask_id_number(value)


def masked(record: T, revealed: bool, phones: tuple[str, ...] = ("visitor_phone",),
           ids: tuple[str, ...] = ("visitor_id_number",)) -> T:
    """A copy of the frozen dataclass ``record`` with its phone fields (``phones``) and ID-number
    fields (``ids``) as shown; the record itself when ``revealed``. Fields it lacks are skipped."""
    if revealed:
        return record
    names = {f.name for f in dataclasses.fields(record)}  # type: ignore[arg-type]
    changes = {k: mask_phone(getattr(record, k)) for k in phones if k in names}
    changes.update({k: mask_id_number(getattr(record, k)) for k in ids if k in names})
    return dataclasses.replace(record, **changes)  # type: ignore[type-var]
