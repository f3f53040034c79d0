"""Who is acting (for the audit log). The UI/CLI sets it; services read it."""

from __future__ import annotations

import contextvars
import getpass

_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("station_actor", default=None)


def set_actor(name: str) -> None:
    """Name the user whose changes the audit log records from now on (this context)."""
    _actor.set(name)


def current_actor() -> str:
    """The user the audit log names for changes made now."""
    name = _actor.get()
    if name:
        return name
    try:
        return getpass.getuser() or "联络员"
    except Exception:
        return "联络员"
