"""Who is acting: the logged-in user (name and role) for the audit log and for permission checks.

The UI (after login) and the CLI (``--user``) set it; services read it. With nobody logged in (a
plain database used as before users existed, tests, scripts) everything is allowed as before and
the audit log names the operating-system user.
"""

from __future__ import annotations

import contextvars
from typing import NamedTuple

from station_app.domain.roles import PERMISSION_LABELS, Permission, Role, allows
from station_app.errors import KnownError


class Actor(NamedTuple):
    """The logged-in user as services see it (a named tuple, not a dataclass: this module is read
    before a start's first paint, where dataclasses would be the only user of its module)."""

    username: str
    role: Role
    display_name: str = ""


class PermissionDenied(KnownError):
    """The logged-in user's role does not allow this."""


_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("station_actor", default=None)
# The logged-in user is process-wide (a worker thread acts for the same user as the window that
# started it), unlike the free-text actor name above, which a script may set per context.
_user: Actor | None = None


def set_actor(name: str) -> None:
    """Name the user whose changes the audit log records from now on (this context)."""
    _actor.set(name)


def set_user(user: Actor | None) -> None:
    """The user who logged in (``None`` at log-out): names the audit entries and decides what the
    services allow."""
    global _user
    _user = user


def current_user() -> Actor | None:
    """The logged-in user, or ``None`` when nobody logged in (a plain database)."""
    return _user


def current_actor() -> str:
    """The user the audit log names for changes made now."""
    if _user is not None:
        return _user.username
    name = _actor.get()
    if name:
        return name
    try:
        import getpass

        return getpass.getuser() or "联络员"
    except Exception:
        return "联络员"


def may(permission: Permission) -> bool:
    """Does the logged-in user's role allow ``permission``? Always with nobody logged in."""
    return allows(_user.role if _user else None, permission)


def require(permission: Permission, what: str = "") -> None:
    """Refuse with :class:`PermissionDenied` (a plain Chinese message) unless :func:`may`."""
    if may(permission):
        return
    assert _user is not None
    doing = what or PERMISSION_LABELS[permission]
    raise PermissionDenied(f"不能{doing}：用户“{_user.username}”的角色是{_user.role.label}，没有“{PERMISSION_LABELS[permission]}”的权限。")
