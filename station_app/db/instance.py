"""One writer: who has a SQLite database open, read without Qt.

The convention: the GUI holds a lock file ``<database>.lock`` beside the database for its whole
run. It is a Qt ``QLockFile`` (ui/app.py), whose file is plain text::

    <pid>\\n<process name>\\n<host name>\\n<machine id>\\n<boot id>\\n

This module reads that file without Qt (db/ never imports PySide6). The command-line commands
that replace or fill a whole database (``restore``, ``import``, ``demo``) run inside :func:`hold`:
they stop with a Chinese message naming the holder when another process has it, and otherwise
write the same file in the same format for as long as they work, so a GUI started meanwhile is
refused in turn. A lock left by a
process that is gone (a crash, a power cut) on this computer counts as free, as it does for
QLockFile itself. A lock written from another computer (a database on a network folder) is taken
at its word: we cannot see that computer's processes.

PostgreSQL databases have no lock file: the server serialises its writers itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from station_app.core.paths import sqlite_file_of
from station_app.errors import DatabaseError

LOCK_SUFFIX = ".lock"


def lock_path(url_or_path: str) -> Path | None:
    """The lock file of a SQLite database; ``None`` for a PostgreSQL URL."""
    file = sqlite_file_of(url_or_path)
    return None if file is None else file.with_name(file.name + LOCK_SUFFIX)


def _host() -> str:
    import socket  # when a lock is taken or read: not at import (the GUI's start, issue 21)

    return socket.gethostname()


class Holder(NamedTuple):  # a named tuple, not a dataclass: read before a start's first paint (issue 21)
    pid: int
    program: str
    host: str
    since: dt.datetime | None

    def describe(self) -> str:
        where = f"计算机“{self.host}”上" if self.host else ""
        since = f"，自 {self.since:%Y-%m-%d %H:%M} 起" if self.since else ""
        return f"{where}的进程 {self.pid}（{self.program or '联络站工作台'}）{since}"


def _running(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holder(url_or_path: str) -> Holder | None:
    """Who else holds the database (another process, alive), or ``None``."""
    path = lock_path(url_or_path)
    if path is None:
        return None
    try:
        text = path.read_bytes().decode("utf-8", "replace")
        since = dt.datetime.fromtimestamp(path.stat().st_mtime)
    except FileNotFoundError:
        return None
    except OSError:  # unreadable lock: someone holds it, we cannot say who
        return Holder(0, "", "", None)
    lines = text.split("\n")
    try:
        pid = int(lines[0].strip())
    except (ValueError, IndexError):
        return None  # not a lock file we know: QLockFile would replace it too
    program = lines[1].strip() if len(lines) > 1 else ""
    host = lines[2].strip() if len(lines) > 2 else ""
    if pid == os.getpid():
        return None  # this very process (the GUI restoring its own database)
    if (not host or host == _host()) and not _running(pid):
        return None  # left behind by a process that is gone
    return Holder(pid, program, host, since)


def _program_name() -> str:
    """The process name as QLockFile writes (and later compares) it."""
    try:
        return Path(os.readlink("/proc/self/exe")).name  # Linux: what Qt reads for a pid
    except OSError:
        return Path(sys.executable).name


@contextlib.contextmanager
def hold(url_or_path: str, what: str) -> Iterator[None]:
    """Hold the lock file while a command replaces or fills the database, so a GUI started
    meanwhile is refused (QLockFile reads the same file); refuse when another process holds it."""
    path = lock_path(url_or_path)
    if path is None:
        yield
        return
    refuse_if_held(url_or_path, what)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # free (or ours, or stale): refuse_if_held said so
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:  # a GUI took it this very moment
        refuse_if_held(url_or_path, what)
        raise DatabaseError(f"数据库正被另一个程序使用，现在不能{what}。") from None
    except OSError:
        yield  # a read-only folder: nobody else can write there either
        return
    try:
        if sys.platform != "win32":
            import fcntl

            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # QLockFile never removes a flocked file
        os.write(fd, f"{os.getpid()}\n{_program_name()}\n{_host()}\n\n\n".encode())
        yield
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()


def refuse_if_held(url_or_path: str, what: str) -> None:
    """Raise :class:`DatabaseError` when another process has the database open."""
    who = holder(url_or_path)
    if who is not None:
        raise DatabaseError(
            f"数据库正被另一个程序使用：{who.describe()}。"
            f"为免对方的修改丢失，现在不能{what}。请先关闭那个窗口，再重试。")
