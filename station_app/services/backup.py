"""Backups with the SQLite backup API (never a copy of the live file), verified; restore.

SQLite-specific by nature: this is the one place that talks ``sqlite3`` directly. For a
PostgreSQL county database the tools are the server's own (``pg_dump``); we say so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import tempfile
from pathlib import Path

import peewee as pw

from station_app.errors import DatabaseError, KnownError, storage_error_from_oserror
from station_app.fileio import fsync_dir
from station_app.paths import backups_dir, sqlite_file_of


def _sqlite_file(url_or_path: str) -> Path:
    file = sqlite_file_of(url_or_path)
    if file is None:
        raise KnownError("PostgreSQL 数据库请用服务器自带的 pg_dump / pg_restore 备份和恢复")
    return file


def verify_sqlite_file(path: Path) -> int:
    """Open ``path`` read-only, run ``integrity_check``; return its schema version."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"无法打开 {path}：{exc}") from exc
    try:
        try:
            result = con.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            from station_app.services.health import reason

            raise DatabaseError(f"{path} 已损坏或不是有效的数据库文件：{reason(exc)}") from exc
        if result != "ok":
            raise DatabaseError(f"{path} 已损坏：{result}")
        has = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'").fetchone()
        if not has:
            raise DatabaseError(f"{path} 不是联络站工作台的数据库（缺少结构版本表）")
        return int(con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0)
    finally:
        con.close()


def _copy_with_backup_api(source: sqlite3.Connection, target: Path) -> None:
    """Copy ``source`` into ``target`` atomically (temp → backup API → fsync → replace)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=str(target.parent))
        os.close(fd)
    except OSError as exc:
        raise storage_error_from_oserror(exc, target) from exc
    tmp = Path(tmp_name)
    try:
        dest = sqlite3.connect(str(tmp))
        try:
            source.backup(dest, pages=4096)
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        verify_sqlite_file(tmp)
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise storage_error_from_oserror(exc, target) from exc
    except sqlite3.OperationalError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if "disk" in str(exc) or "full" in str(exc):
            raise storage_error_from_oserror(OSError(28, "No space left on device"), target) from exc
        raise DatabaseError(f"备份失败：{exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def backup_file(db_file: Path, out: Path) -> Path:
    """Back up the SQLite file ``db_file`` to ``out`` (verified). Returns ``out``."""
    if not db_file.is_file():
        raise KnownError(f"数据库文件不存在：{db_file}")
    out = Path(out)
    if out.exists() and out.is_dir():
        raise KnownError(f"备份目标是一个文件夹，请给出文件名：{out}")
    if out.resolve() == db_file.resolve():
        raise KnownError("备份文件不能与数据库文件相同")
    src = sqlite3.connect(str(db_file), timeout=10)
    try:
        _copy_with_backup_api(src, out)
    finally:
        src.close()
    return out


def backup(url_or_path: str, out: str | Path) -> Path:
    return backup_file(_sqlite_file(url_or_path), Path(out))


def backup_before_migration(db: pw.Database, url_or_path: str, version: int) -> Path | None:
    file = sqlite_file_of(url_or_path)
    if file is None or not file.exists():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    out = backups_dir(url_or_path) / f"{file.stem}-before-v{version}-{stamp}.db"
    con = db.connection()
    _copy_with_backup_api(con, out)
    return out


def restore(url_or_path: str, source: str | Path) -> Path:
    """Replace the database by a verified backup. The replaced file is kept aside (its path
    is returned). The database must not be open elsewhere in this process."""
    from station_app.db.migrations import latest_version

    target = _sqlite_file(url_or_path)
    source = Path(source)
    if not source.is_file():
        raise KnownError(f"找不到备份文件：{source}")
    version = verify_sqlite_file(source)
    if version > latest_version():
        raise DatabaseError(f"备份来自更新版本的程序（结构版本 {version}），请先升级程序")
    from station_app.db.instance import refuse_if_held

    refuse_if_held(str(target), "恢复数据库")
    kept = set_aside(target)  # by bytes: works on a damaged file too
    staged = target.with_name(f".{target.name}.restoring")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _copy_with_backup_api(src, staged)
    finally:
        src.close()
    try:
        # stale WAL frames of the old file must never be applied to the restored one
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(target) + suffix).unlink()
        os.replace(staged, target)
        fsync_dir(target.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            staged.unlink()
        raise storage_error_from_oserror(exc, target) from exc
    return kept if kept is not None else target


def set_aside(target: Path) -> Path | None:
    """Copy the bytes of ``target`` (and of its ``-wal``, which holds its newest saves) to
    ``<stem>.replaced-<time>[-n].db`` beside it, never overwriting an earlier one. No SQLite:
    a damaged file is kept as it is. ``None`` when there is no file."""
    import shutil

    if not target.exists():
        return None
    base = f"{target.stem}.replaced-{dt.datetime.now():%Y%m%dT%H%M%S}"
    suffix = target.suffix or ".db"
    n = 0
    while True:
        kept = target.with_name(f"{base}{f'-{n}' if n else ''}{suffix}")
        try:
            fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
            break
        except FileExistsError:
            n += 1
        except OSError as exc:
            raise storage_error_from_oserror(exc, kept) from exc
    try:
        with os.fdopen(fd, "wb") as out, open(target, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        wal = Path(str(target) + "-wal")
        if wal.exists() and wal.stat().st_size:
            with open(str(kept) + "-wal", "xb") as out, open(wal, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
        fsync_dir(target.parent)
    except OSError as exc:
        raise storage_error_from_oserror(exc, kept) from exc
    return kept
