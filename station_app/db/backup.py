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

import station_app.db.cipher as cipher
from station_app.core.errors import DatabaseError, KnownError, storage_error_from_oserror
from station_app.core.fileio import atomic_write_bytes, fsync_dir
from station_app.core.paths import backups_dir, sqlite_file_of
from station_app.db.keyslots import sidecar
from station_app.db.maintenance import reason

# what a keyed (sqlcipher3) connection raises, beside sqlite3's own
SQL_ERRORS = (sqlite3.Error, cipher.Error)
OPERATIONAL = (sqlite3.OperationalError, cipher.OperationalError)


def open_file(path: Path, key: bytes | None = None, read_only: bool = True, **params: Any) -> Any:
    """A connection to the SQLite file ``path``: plain ``sqlite3``, or keyed ``sqlcipher3`` for an
    encrypted one (its key checked: :class:`~station_app.db.cipher.WrongDatabaseKey`)."""
    name = f"file:{path}?mode=ro" if read_only else str(path)
    if key is None:
        return sqlite3.connect(name, uri=read_only, **params)
    con = cipher.connect(name, key, uri=read_only, **params)
    try:
        cipher.check_key(con)
    except BaseException:
        con.close()
        raise
    return con


def carry_keys(db_file: Path, target: Path) -> None:
    """Copy the key slots of ``db_file`` (its ``.keys``) to ``target``'s (0600, atomic): an
    encrypted copy travels with the slots that unlock it. Nothing when ``db_file`` has none."""
    keys = sidecar(db_file)
    if keys.exists() and keys.resolve() != sidecar(target).resolve():
        try:
            atomic_write_bytes(sidecar(target), keys.read_bytes())
        except OSError as exc:
            raise storage_error_from_oserror(exc, sidecar(target)) from exc


def _source_file(db: pw.Database) -> Path | None:
    return sqlite_file_of(getattr(db, "station_url", "") or "")


def verify_sqlite_file(path: Path, key: bytes | None = None) -> int:
    """Open ``path`` read-only (with ``key`` when it is encrypted), run ``integrity_check``;
    return its schema version."""
    if key is None and cipher.has_plain_header(path) is False and sidecar(path).exists():
        raise cipher.EncryptedDatabase(f"{path} 已加密：请登录后再用它")
    try:
        con = open_file(path, key)
    except cipher.WrongDatabaseKey:
        raise
    except SQL_ERRORS as exc:
        raise DatabaseError(f"无法打开 {path}：{exc}") from exc
    try:
        try:
            result = con.execute("PRAGMA integrity_check").fetchone()[0]
        except (sqlite3.DatabaseError, cipher.DatabaseErrorSC) as exc:
            raise DatabaseError(f"{path} 已损坏或不是有效的数据库文件：{reason(exc)}") from exc
        if result != "ok":
            raise DatabaseError(f"{path} 已损坏：{result}")
        has = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'").fetchone()
        if not has:
            raise DatabaseError(f"{path} 不是联络站工作台的数据库（缺少结构版本表）")
        return int(con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0)
    finally:
        con.close()


def copy_with_backup_api(source: Any, target: Path, key: bytes | None = None) -> None:
    """Copy ``source`` into ``target`` atomically (temp → backup API → fsync → replace). An
    encrypted source (a keyed sqlcipher3 connection) gives an encrypted copy under the same
    ``key``. The temp file is mkstemp's: 0600 on POSIX, and so is the copy."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=str(target.parent))
        os.close(fd)
    except OSError as exc:
        raise storage_error_from_oserror(exc, target) from exc
    tmp = Path(tmp_name)
    try:
        dest = sqlite3.connect(str(tmp)) if key is None else cipher.connect(tmp, key)
        try:
            source.backup(dest, pages=4096)
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        verify_sqlite_file(tmp, key)
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise storage_error_from_oserror(exc, target) from exc
    except OPERATIONAL as exc:
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
    """Copy the open SQLite database ``db`` (its WAL included) to ``target``, verified. An
    encrypted database gives an encrypted copy, its key slots beside it (``<target>.keys``,
    written first: a copy never lies without the slots that open it)."""
    key = getattr(db, "station_key", None)
    source = _source_file(db)
    if key is not None and source is not None:
        carry_keys(source, target)
    copy_with_backup_api(db.connection(), target, key)


def backup_file(db_file: Path, out: Path, key: bytes | None = None) -> Path:
    """Back up the SQLite file ``db_file`` to ``out`` (verified; encrypted under ``key`` with its
    key slots beside it when ``db_file`` is encrypted). Returns ``out``."""
    if not db_file.is_file():
        raise KnownError(f"数据库文件不存在：{db_file}")
    out = Path(out)
    if out.exists() and out.is_dir():
        raise KnownError(f"备份目标是一个文件夹，请给出文件名：{out}")
    if out.resolve() == db_file.resolve():
        raise KnownError("备份文件不能与数据库文件相同")
    if key is None and cipher.has_plain_header(db_file) is False:
        raise cipher.EncryptedDatabase(cipher.NEEDS_KEY)
    src = open_file(db_file, key, read_only=False, timeout=10)
    try:
        if key is not None:
            carry_keys(db_file, out)
        copy_with_backup_api(src, out, key)
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


def copy_verified(src: Path, target: Path, key: bytes | None = None) -> None:
    """Copy the (closed) backup file ``src`` to ``target`` by its bytes, verified (with ``key``
    when encrypted, its ``.keys`` copied too) before it takes its name (a backup's second place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if key is not None:
        carry_keys(src, target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=str(target.parent))
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(src, tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        verify_sqlite_file(tmp, key)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def set_aside(target: Path) -> Path | None:
    """Copy the bytes of ``target`` (and of its ``-wal``, which holds its newest saves) to
    ``<stem>.replaced-<time>[-n].db`` beside it, never overwriting an earlier one. No SQLite:
    a damaged file is kept as it is (an encrypted one stays encrypted: its ``.keys`` is copied
    beside the kept file). Readable by the owner alone (0600). ``None`` when there is no file."""
    if not target.exists():
        return None
    base = f"{target.stem}.replaced-{dt.datetime.now():%Y%m%dT%H%M%S}"
    suffix = target.suffix or ".db"
    n = 0
    while True:
        kept = target.with_name(f"{base}{f'-{n}' if n else ''}{suffix}")
        try:
            fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
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
            wal_fd = os.open(str(kept) + "-wal", os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
            with os.fdopen(wal_fd, "wb") as out, open(wal, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
        carry_keys(target, kept)
        fsync_dir(target.parent)
    except OSError as exc:
        raise storage_error_from_oserror(exc, kept) from exc
    return kept


def replace_with_backup(target: Path, source: Path, key: bytes | None = None) -> None:
    """Stage the (verified) backup ``source`` beside ``target`` with the backup API and rename it
    over ``target``; the old file's ``-wal``/``-shm`` are removed first, so stale WAL frames are
    never applied to the restored file. The caller has set the old file aside.

    An encrypted backup (``key``: the one its own ``.keys`` unlocks) stays encrypted and its key
    slots become the database's; a plain backup over an encrypted database leaves a plain one,
    and the old slots go (the set-aside copy keeps them)."""
    staged = target.with_name(f".{target.name}.restoring")
    src = open_file(source, key)
    try:
        copy_with_backup_api(src, staged, key)
    finally:
        src.close()
    try:
        if key is not None:
            carry_keys(source, target)
        else:
            with contextlib.suppress(FileNotFoundError):
                sidecar(target).unlink()
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(target) + suffix).unlink()
        os.replace(staged, target)
        fsync_dir(target.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            staged.unlink()
        raise storage_error_from_oserror(exc, target) from exc


def read_backup(path: Path, full: bool = False, key: bytes | None = None) -> tuple[str, dict[str, Any]]:
    """What the backup file ``path`` holds, read-only: ``(problem, facts)``. ``problem`` is empty
    when the file is whole and ours; ``facts`` then has version, station_code, station_name,
    stations, county, deputies, receptions, cases and newest_reception. ``full`` runs
    ``integrity_check`` instead of ``quick_check``. An encrypted backup is read with ``key``."""
    if cipher.has_plain_header(path) is False and sidecar(path).exists():
        if key is None:
            return "已加密（登录后可查看）", {}
    else:
        key = None
    try:
        con = open_file(path, key)
    except cipher.WrongDatabaseKey:
        return "已加密，当前登录的钥匙打不开它", {}
    except SQL_ERRORS as exc:
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
    except SQL_ERRORS as exc:
        return ("文件已损坏" if "malformed" in str(exc) else f"无法读取（{exc}）"), {}
    finally:
        con.close()


def home_of(file: Path, key: bytes | None = None) -> tuple[str, str] | None:
    """The home station (code, name) of the database file, if it can be read at all."""
    if not file.exists():
        return None
    if cipher.has_plain_header(file) is not False:
        key = None
    try:
        con = open_file(file, key)
        try:
            row: tuple[str, str] | None = con.execute("SELECT code, name FROM station WHERE is_home = 1 LIMIT 1").fetchone()
            return row
        finally:
            con.close()
    except (*SQL_ERRORS, DatabaseError):
        return None  # damaged or not ours: nothing to compare with
