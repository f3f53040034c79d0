"""Maintenance of a SQLite database file, read straight from the file: is it whole?

The one place (with db/backup.py) that reads a SQLite file with ``sqlite3`` and its pragmas
(``quick_check``, ``integrity_check``, the header). A PostgreSQL database has no file here: the
server checks itself, and callers pass no file for it (``paths.sqlite_file_of`` gives ``None``).

Findings are in Chinese, so a truncated file, a damaged header or damaged pages are told in plain
words instead of an SQLite error or a traceback (services/health.py, the GUI's start, ``check``).
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

from station_app.db.header import HEADER as HEADER  # services/health.py reads it here
from station_app.db.header import has_plain_header

CIPHER_PAGE = 4096  # SQLCipher 4's page size: an encrypted file is a whole number of them


def _sidecar(file: Path) -> Path:
    from station_app.db.keyslots import sidecar  # its cryptography only when a file is encrypted

    return sidecar(file)


def reason(exc: Exception) -> str:
    text = str(exc)
    if "malformed" in text:
        return "数据库文件结构已损坏"
    if "not a database" in text or "encrypted" in text:
        return "文件内容不是可读的数据库"
    if "locked" in text or "busy" in text:
        return "数据库正被另一个程序锁定，暂时无法检查"
    if "unable to open" in text:
        return "无法打开文件"
    return f"SQLite 无法读取（{text}）"


def _header_findings(file: Path) -> list[str]:
    try:
        size = file.stat().st_size
        with open(file, "rb") as handle:
            head = handle.read(100)
    except OSError as exc:
        return [f"无法读取数据库文件：{exc.strerror or exc}"]
    if size == 0:
        return []  # an empty file is an empty database
    if len(head) < 100 or not head.startswith(HEADER):
        return ["数据库文件头已损坏：这不是（或不再是）一个可以打开的 SQLite 数据库文件"]
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return [f"数据库文件头已损坏：页大小 {page_size} 无效"]
    pages = struct.unpack(">I", head[28:32])[0]
    valid = head[92:96] == head[96:100]  # the header's page count is trusted only then
    if valid and pages and size < pages * page_size:
        return [f"数据库文件被截断：应有 {pages * page_size} 字节，实际只有 {size} 字节"]
    if size % page_size:
        return [f"数据库文件被截断：大小 {size} 字节不是页大小 {page_size} 的整数倍"]
    return []


def _encrypted(file: Path, key: bytes | None, live: bool) -> bool:
    # the database open here (``live``) is never read but through its own SQLite library: its header
    # was checked at opening, and another descriptor's closing would drop its locks (is_open_here)
    return key is not None if live else has_plain_header(file) is False and _sidecar(file).exists()


def pages_readable(file: str | Path, key: bytes | None = None, live: bool = False) -> bool:
    """Does :func:`findings` read the file's pages (``quick_check``/``integrity_check``)? Not for a
    missing file, nor for an encrypted one without its key (its size only)."""
    file = Path(file)
    return file.exists() and (key is not None or not _encrypted(file, key, live))


def findings(file: str | Path, full: bool = False, key: bytes | None = None, live: bool = False,
             pages: bool = True) -> list[str]:
    """What is wrong with the SQLite file ``file`` (empty: nothing). ``full`` runs
    ``integrity_check`` (slow on a big file) instead of ``quick_check``; ``pages`` False reads the
    header and the size only (a few bytes, whatever the size: the GUI's start). An encrypted file (no
    SQLite header, its ``.keys`` beside it) is checked through ``key``; without the key only its
    size can be (a whole number of pages), the rest waits for the login. ``live``: the database is
    the one open in this process."""
    file = Path(file)
    if not file.exists():
        return []
    encrypted = _encrypted(file, key, live)
    if encrypted:
        size = file.stat().st_size
        if size % CIPHER_PAGE:
            return [f"数据库文件被截断：大小 {size} 字节不是页大小 {CIPHER_PAGE} 的整数倍"]
        if key is None or not pages:
            return []
    elif not live:
        out = _header_findings(file)
        if out or not pages:
            return out
    elif not pages:
        return []
    import sqlite3

    import station_app.db.cipher as cipher  # peewee and SQLCipher: not for a header's reading

    con: Any = None
    try:
        con = cipher.connect(file, key, timeout=5) if encrypted else sqlite3.connect(str(file), timeout=5)
        rows = [r[0] for r in con.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()]
    except (sqlite3.Error, cipher.Error) as exc:
        return [reason(exc)]
    finally:
        if con is not None:
            con.close()
    if rows == ["ok"]:
        return []
    bad = sorted({int(n) for n in re.findall(r"[Pp]age (\d+)", " ".join(rows))})
    if bad:
        shown = "、".join(str(n) for n in bad[:8]) + ("等" if len(bad) > 8 else "")
        return [f"数据库有 {len(bad)} 个页面损坏（第 {shown} 页）"]
    return [f"数据库内部结构有 {len(rows)} 处不一致"]
