"""Copies of a SQLite database: the backup API (never a copy of the live file), verified.

The one place, with db/maintenance.py, that talks ``sqlite3`` to database files: taking a copy
(from an open connection or from a file), checking one (``integrity_check`` and our
``schema_version`` table), setting a file aside by its bytes, staging a backup over a database,
and reading what a backup file holds. The use cases (back up now, restore with its checks, the
automatic backups and their rotation) are services/backup.py and services/backup_store.py.

PostgreSQL: none of this applies — the server's own ``pg_dump`` / ``pg_restore`` do it; callers
refuse a PostgreSQL URL before they get here (``paths.sqlite_file_of`` gives ``None``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import peewee as pw

from station_app.core.errors import DatabaseError, KnownError, storage_error_from_oserror
from station_app.core.fileio import fsync_dir
from station_app.core.paths import backups_dir, sqlite_file_of
from station_app.db.maintenance import reason


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
            raise DatabaseError(f"{path} 已损坏或不是有效的数据库文件：{reason(exc)}") from exc
        if result != "ok":
            raise DatabaseError(f"{path} 已损坏：{result}")
        has = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'").fetchone()
        if not has:
            raise DatabaseError(f"{path} 不是联络站工作台的数据库（缺少结构版本表）")
        return int(con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0)
    finally:
        con.close()


def copy_with_backup_api(source: sqlite3.Connection, target: Path) -> None:
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


def copy_open_database(db: pw.Database, target: Path) -> None:
    """Copy the open SQLite database ``db`` (its WAL included) to ``target``, verified."""
    copy_with_backup_api(db.connection(), target)


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
        copy_with_backup_api(src, out)
    finally:
        src.close()
    return out


def backup_before_migration(db: pw.Database, url_or_path: str, version: int) -> Path | None:
    """The copy the migration runner takes before it changes a SQLite file's schema:
    ``backups/{stem}-before-v{N}-{timestamp}.db``. ``None`` for PostgreSQL or a new file."""
    file = sqlite_file_of(url_or_path)
    if file is None or not file.exists():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    out = backups_dir(url_or_path) / f"{file.stem}-before-v{version}-{stamp}.db"
    copy_open_database(db, out)
    return out


def copy_verified(src: Path, target: Path) -> None:
    """Copy the (closed) backup file ``src`` to ``target`` by its bytes, verified before it
    takes its name (a backup's second place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=str(target.parent))
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(src, tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        verify_sqlite_file(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def set_aside(target: Path) -> Path | None:
    """Copy the bytes of ``target`` (and of its ``-wal``, which holds its newest saves) to
    ``<stem>.replaced-<time>[-n].db`` beside it, never overwriting an earlier one. No SQLite:
    a damaged file is kept as it is. ``None`` when there is no file."""
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


def replace_with_backup(target: Path, source: Path) -> None:
    """Stage the (verified) backup ``source`` beside ``target`` with the backup API and rename it
    over ``target``; the old file's ``-wal``/``-shm`` are removed first, so stale WAL frames are
    never applied to the restored file. The caller has set the old file aside."""
    staged = target.with_name(f".{target.name}.restoring")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        copy_with_backup_api(src, staged)
    finally:
        src.close()
    try:
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(target) + suffix).unlink()
        os.replace(staged, target)
        fsync_dir(target.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            staged.unlink()
        raise storage_error_from_oserror(exc, target) from exc


def read_backup(path: Path, full: bool = False) -> tuple[str, dict[str, Any]]:
    """What the backup file ``path`` holds, read-only: ``(problem, facts)``. ``problem`` is empty
    when the file is whole and ours; ``facts`` then has version, station_code, station_name,
    stations, county, deputies, receptions, cases and newest_reception. ``full`` runs
    ``integrity_check`` instead of ``quick_check``."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return f"无法打开（{exc}）", {}
    try:
        check = con.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            return "文件已损坏", {}
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "schema_version" not in tables or "station" not in tables:
            return "不是联络站工作台的数据库", {}
        version = int(con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0)
        home = con.execute("SELECT code, name FROM station WHERE is_home = 1 LIMIT 1").fetchone()
        stations = con.execute("SELECT count(*) FROM station").fetchone()[0]
        county = bool(con.execute("SELECT 1 FROM station WHERE is_home = 0 LIMIT 1").fetchone())

        def count(table: str) -> int:
            if table not in tables:
                return 0
            return int(con.execute(f'SELECT count(*) FROM "{table}" WHERE deleted_at IS NULL').fetchone()[0])

        newest = None
        if "reception" in tables:
            row = con.execute("SELECT max(received_at) FROM reception WHERE deleted_at IS NULL").fetchone()
            if row and row[0]:
                newest = dt.date.fromisoformat(str(row[0])[:10])
        return "", {"version": version, "station_code": home[0] if home else "",
                    "station_name": home[1] if home else "", "stations": stations, "county": county,
                    "deputies": count("deputy"), "receptions": count("reception"), "cases": count("case"),
                    "newest_reception": newest}
    except sqlite3.Error as exc:
        return ("文件已损坏" if "malformed" in str(exc) else f"无法读取（{exc}）"), {}
    finally:
        con.close()


def home_of(file: Path) -> tuple[str, str] | None:
    """The home station (code, name) of the database file, if it can be read at all."""
    if not file.exists():
        return None
    try:
        con = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        try:
            row: tuple[str, str] | None = con.execute("SELECT code, name FROM station WHERE is_home = 1 LIMIT 1").fetchone()
            return row
        finally:
            con.close()
    except sqlite3.Error:
        return None  # damaged or not ours: nothing to compare with
