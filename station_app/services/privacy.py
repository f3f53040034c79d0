"""The privacy policy applied (domain/privacy.py): what the current user sees of phone and ID numbers.

Services pass the records they return through :func:`shown` (or :func:`phone` / :func:`id_number`),
so every list, printout and report comes out masked for the user already; the UI never decides.

Full numbers are a per-session choice (:func:`set_revealed`) of a user whose role may unmask
(管理员); it is off at start, belongs to the user who made it (another login starts masked again)
and is written to the audit log. With nobody logged in (a plain database used as before users
existed) the stored setting ``privacy.show_full_numbers`` counts as that choice, as it always did;
once users log in the setting unmasks for nobody.
"""

from __future__ import annotations

from typing import TypeVar

from station_app.domain import privacy as policy
from station_app.domain.roles import Permission
from station_app.errors import KnownError
from station_app.services import audit, context

T = TypeVar("T")

_NOBODY = object()  # the choice made with nobody logged in
_choice: object | None = None  # who chose to see full numbers (an Actor, or _NOBODY); None: nobody


def _who() -> object:
    user = context.current_user()
    return user if user is not None else _NOBODY


def may_reveal() -> bool:
    """May the current user show full numbers at all (the 显示完整号码 toggle is offered)?"""
    return context.may(Permission.UNMASK)


def chosen() -> bool:
    """Did the current user turn full numbers on in this session?"""
    return _choice is not None and _choice is _who()  # the same login: a new login starts masked


def _legacy_setting() -> bool:
    from station_app.services import settings

    try:
        return bool(settings.get("privacy.show_full_numbers"))
    except KnownError:  # no database open
        return False


def wanted() -> bool:
    """Has the current user asked for full numbers: their choice this session, or with nobody
    logged in the setting ``privacy.show_full_numbers``."""
    if context.current_user() is None:
        return chosen() or _legacy_setting()
    return chosen()


def revealed(asked: bool | None = None) -> bool:
    """Are full numbers shown to the current user now? ``asked`` overrides :func:`wanted` for one
    job (the print centre's 显示完整号码, the CLI's option); the role still decides."""
    user = context.current_user()
    return policy.reveal(user.role if user else None, wanted() if asked is None else asked)


def set_revealed(on: bool) -> None:
    """Show (``on``) or mask again full phone and ID numbers for the current user's session.
    Refused with :class:`PermissionDenied` for a role that may not unmask; audited."""
    global _choice
    if on:
        context.require(Permission.UNMASK, "显示完整的电话和身份证号")
    if bool(on) == chosen():
        return
    _choice = _who() if on else None
    audit.event("unmask", "显示完整的电话和身份证号" if on else "恢复遮挡电话和身份证号", "privacy")


def reset() -> None:
    """Forget the choice (log-out, a new database): numbers are masked again."""
    global _choice
    _choice = None


def phone(value: str | None, asked: bool | None = None) -> str:
    """A phone number as the current user sees it."""
    return policy.phone(value, revealed(asked))


def id_number(value: str | None, asked: bool | None = None) -> str:
    """An ID number as the current user sees it."""
    return policy.id_number(value, revealed(asked))


def shown(record: T, phones: tuple[str, ...] = ("visitor_phone",), ids: tuple[str, ...] = ("visitor_id_number",),
          full: bool | None = None) -> T:
    """``record`` (a frozen dataclass) as the current user sees it; ``full`` a revealed() already
    decided (once for a page of rows)."""
    return policy.masked(record, revealed() if full is None else full, phones, ids)


def for_editing() -> bool:
    """May the current user's edit form get the full numbers (the record's owner correcting what
    they typed)? Only a user who may change records; a 只读 user never gets them."""
    return context.may(Permission.CHANGE)
