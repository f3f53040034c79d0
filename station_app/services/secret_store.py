"""The export password in the OS keyring, never in the database (issue 19).

Every call to ``keyring`` is here. Where ``keyring.get_keyring()`` is a working backend (Windows
Credential Manager, macOS Keychain, a Secret Service on a Linux desktop) the password is kept
there, per station; where it is not (the ``fail`` backend of a bare Linux, a locked or broken
store) nothing is kept and the program asks for the password each time (:func:`available` False).
"""

from __future__ import annotations

import functools
import logging

log = logging.getLogger(__name__)

SERVICE = "station-app-export"


@functools.cache
def _backend():
    """The OS keyring, once a process: finding it imports and probes every backend (~0.2 s)."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # not installed or broken: no store
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return backend


def available() -> bool:
    """Is there a working OS keyring to keep the export password in?"""
    return _backend() is not None


def get_password(station_code: str) -> str | None:
    """The export password kept for ``station_code``, or None (none kept, or no keyring)."""
    backend = _backend()
    if backend is None:
        return None
    try:
        return backend.get_password(SERVICE, station_code)
    except Exception as exc:  # a locked or broken store: ask instead
        log.warning("keyring get failed: %s", exc)
        return None


def set_password(station_code: str, password: str) -> bool:
    """Keep ``password`` for ``station_code`` in the OS keyring; False where there is none."""
    backend = _backend()
    if backend is None:
        return False
    try:
        backend.set_password(SERVICE, station_code, password)
    except Exception as exc:
        log.warning("keyring set failed: %s", exc)
        return False
    return True


def forget(station_code: str) -> None:
    """Remove the kept password (if any)."""
    backend = _backend()
    if backend is None:
        return
    try:
        backend.delete_password(SERVICE, station_code)
    except Exception as exc:
        log.info("keyring delete: %s", exc)
