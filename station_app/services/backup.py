"""Backup and restore, the use cases: back up now, restore a verified backup over the database.

The SQLite work itself (the backup API, ``integrity_check``, setting a file aside, staging a
backup over the database) is db/backup.py's; its names stay importable from here. For a
PostgreSQL county database the tools are the server's own (``pg_dump``); we say so.
"""

from __future__ import annotations

from pathlib import Path

from station_app.core.errors import DatabaseError, KnownError
from station_app.core.paths import sqlite_file_of
from station_app.db.backup import (
    backup_before_migration,
    backup_file,
    copy_with_backup_api,
    replace_with_backup,
    set_aside,
    verify_sqlite_file,
)
from station_app.db.connection import remembered_key
from station_app.db.instance import refuse_if_held
from station_app.db.keyslots import is_protected
from station_app.db.migrations import latest_version
from station_app.domain.roles import Permission
from station_app.services import context

_copy_with_backup_api = copy_with_backup_api  # the old name, still importable

__all__ = ["backup", "restore", "backup_file", "backup_before_migration", "set_aside", "verify_sqlite_file",
           "copy_with_backup_api"]


def _sqlite_file(url_or_path: str) -> Path:
    file = sqlite_file_of(url_or_path)
    if file is None:
        raise KnownError("PostgreSQL 数据库请用服务器自带的 pg_dump / pg_restore 备份和恢复")
    return file


def backup(url_or_path: str, out: str | Path, key: bytes | None = None) -> Path:
    """Back up the SQLite database ``url_or_path`` to ``out`` (verified). Returns ``out``. An
    encrypted database needs its ``key`` (by default the one it was opened with here); the copy
    is encrypted alike, its key slots beside it as ``<out>.keys``."""
    return backup_file(_sqlite_file(url_or_path), Path(out), key or remembered_key(url_or_path))


def restore(url_or_path: str, source: str | Path, key: bytes | None = None) -> Path | None:
    """Replace the database by a verified backup. The replaced file is kept aside (its path
    is returned; None when there was no file yet: a new PC). The database must not be open
    elsewhere in this process.

    An encrypted backup needs ``key`` — unlocked from the backup's own ``<source>.keys`` with a
    user's password (keyslots.unlock(source, …)), by default the key this database was opened
    with here (a backup of the same database); its slots become the database's."""
    context.require(Permission.RESTORE, "从备份恢复")  # 管理员 only
    target = _sqlite_file(url_or_path)
    source = Path(source)
    if not source.is_file():
        raise KnownError(f"找不到备份文件：{source}")
    if key is None and is_protected(source):
        key = remembered_key(url_or_path)
    version = verify_sqlite_file(source, key)
    if version > latest_version():
        raise DatabaseError(f"备份来自更新版本的程序（结构版本 {version}），请先升级程序")
    refuse_if_held(str(target), "恢复数据库")
    kept = set_aside(target)  # by bytes: works on a damaged file too
    replace_with_backup(target, source, key if is_protected(source) else None)
    return kept


def kept_text(kept: str | Path | None, full: bool = True) -> str:
    """What a restore did with the database it replaced, in words: where it was set aside, or
    that there was none (a new PC)."""
    if kept is None:
        return "原处没有数据库，未另存"
    return f"原数据库另存为 {kept if full else Path(kept).name}"


def note_restored(source: str | Path, kept: str | Path | None) -> None:
    """The audit entry of a restore, written into the restored database once it is open again
    (the one that was replaced is set aside with its own log)."""
    from station_app.services import audit

    audit.event("restore", f"从备份 {Path(source).name} 恢复数据库；{kept_text(kept, full=False)}", "database",
                Path(source).name)
