"""Opening the database: SQLite file (embedded default) or PostgreSQL URL (county server).

``database`` is a :class:`peewee.DatabaseProxy` that every model binds to;
:func:`open_database` initialises it, runs pending migrations (after a backup) and returns
the concrete database.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl, quote, unquote, urlparse

import peewee as pw

import station_app.db.cipher as cipher
from station_app.core.paths import sqlite_file_of
from station_app.db.faults import StationSqliteDatabase, translate, writable_medium
from station_app.errors import DatabaseError, os_reason

log = logging.getLogger(__name__)

database = pw.DatabaseProxy()

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("synchronous", 2),  # FULL: a clerk's save survives a power cut
    ("foreign_keys", 1),
    ("busy_timeout", 5000),
    ("cache_size", -8000),  # 8 MiB page cache: the list stays under 120 MB at 1M rows (bench_receptions)
)


# the key of each encrypted SQLite file opened in this process, by its path: a reopen (after a
# restore) and a report's child process (services/exchange/ledger.py) use it; peewee's own
# per-thread connections (the workers') take it from the database object
_KEYS: dict[str, bytes] = {}


def _file_id(file: Path) -> str:
    return os.path.abspath(str(file))


def remembered_key(url_or_path: str) -> bytes | None:
    """The key the SQLite file ``url_or_path`` was last opened with here (None: plain or never)."""
    file = sqlite_file_of(url_or_path)
    return _KEYS.get(_file_id(file)) if file is not None else None


def forget_key(url_or_path: str = "") -> None:
    """Forget the key of ``url_or_path`` (of every file when empty): at log-out or a lock."""
    file = sqlite_file_of(url_or_path) if url_or_path else None
    if file is None:
        _KEYS.clear()
    else:
        _KEYS.pop(_file_id(file), None)


def is_open_here(url_or_path: str | os.PathLike[str]) -> bool:
    """Is the SQLite file ``url_or_path`` the database open in this process now?

    Such a file must not be opened by anything but its own SQLite library: closing any other
    descriptor of it (Python's ``open()``, or the other of sqlite3/sqlcipher3, which are two SQLite
    libraries) drops the POSIX locks its connections hold, and the next connection to close then
    checkpoints and removes the WAL under them (SQLite's "how to corrupt", 2.2)."""
    db = database.obj
    if db is None or db.is_closed():
        return False
    mine, other = sqlite_file_of(current_url()), sqlite_file_of(str(url_or_path))
    return mine is not None and other is not None and _file_id(mine) == _file_id(other)


def current_key() -> bytes | None:
    """The key of the open database (None when it is not encrypted)."""
    return getattr(database.obj, "station_key", None)


def make_database(url_or_path: str, key: bytes | None = None) -> pw.Database:
    """A peewee database for a path, ``sqlite:///path`` or ``postgresql://…`` (not connected).
    With ``key``, the SQLite file is a SQLCipher file under that key (db/cipher.py)."""
    file = sqlite_file_of(url_or_path)
    if file is not None:
        if file.is_file():
            _check_sqlite_header(file, key)
        if file.exists() and not writable_medium(file):
            return _read_only_database(file, key)
        if key is not None:
            return cipher.StationCipherDatabase(str(file), key, pragmas=SQLITE_PRAGMAS)
        return StationSqliteDatabase(str(file), pragmas=SQLITE_PRAGMAS)
    parsed = urlparse(url_or_path)
    if parsed.scheme in ("postgres", "postgresql"):
        return pw.PostgresqlDatabase(
            parsed.path.lstrip("/"),
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname or None,
            port=parsed.port or None,
            **cast(dict[str, Any], dict(parse_qsl(parsed.query))),  # sslmode=require, sslrootcert=… (docs/security.md)
        )
    raise DatabaseError(f"不认识的数据库地址：{url_or_path}（应为文件路径、sqlite:///路径或 postgresql://…）")


def _read_only_database(file: Path, key: bytes | None = None) -> pw.Database:
    """A database on a read-only folder or medium: opened with SQLite's ``mode=ro`` (and
    ``immutable`` when no WAL file is left over, since none can be created), so it can still be
    browsed, printed and backed up; every save says 只读 (db/faults.py)."""
    wal = Path(str(file) + "-wal")
    query = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    pragmas = tuple(p for p in SQLITE_PRAGMAS if p[0] not in ("journal_mode", "synchronous")) + (("query_only", 1),)
    name = f"file:{quote(str(file))}?{query}"
    db = (cipher.StationCipherDatabase(name, key, pragmas=pragmas, uri=True) if key is not None
          else StationSqliteDatabase(name, pragmas=pragmas, uri=True))
    db.read_only = True
    return db


def is_read_only(db: pw.Database | None = None) -> bool:
    """True when the open database was found on a read-only folder or medium."""
    db = db if db is not None else database.obj
    return bool(getattr(db, "read_only", False))


def is_sqlite(db: pw.Database | None = None) -> bool:
    db = db or database.obj
    return isinstance(db, pw.SqliteDatabase)


def _connect(db: pw.Database, patience: float = 5.0) -> None:
    """Connect, setting the pragmas. Switching a file to WAL takes an exclusive lock that SQLite
    does not wait for with its busy handler: two programs opening one brand-new database together
    saw "database is locked" here (3 of 20 tries). Such a refusal is tried again for a while."""
    deadline = time.monotonic() + patience
    while True:
        try:
            db.connect(reuse_if_open=True)
            return
        except (pw.OperationalError, sqlite3.OperationalError, cipher.OperationalError) as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            if not db.is_closed():
                db.close()
            time.sleep(0.05)


def open_database(url_or_path: str, migrate: bool = True, backup: bool = True,
                  key: bytes | None = None) -> pw.Database:
    """Open, bind the proxy, and bring the schema to the newest version.

    A new path becomes a new, empty database. ``key`` opens an encrypted (SQLCipher) file; without
    it, the key this file was last opened with in this process is used, and an encrypted file
    never opened here is :class:`~station_app.db.cipher.EncryptedDatabase` (数据库已加密，请登录).
    Raises :class:`DatabaseError` with a Chinese message when the file is not a database, is
    locked, or is newer than this program.
    """
    file = sqlite_file_of(url_or_path)
    if file is not None:
        if file.exists() and file.is_dir():
            raise DatabaseError(f"数据库路径是一个文件夹：{file}")
        if key is None:
            key = _KEYS.get(_file_id(file))
        if file.exists():
            _check_sqlite_header(file, key)
        else:
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"无法创建数据库所在的文件夹：{file.parent}（{os_reason(exc)}）") from exc
        owner_only(file)
    db = make_database(url_or_path, key)
    try:
        _connect(db)
        if file is not None:
            owner_only(file)  # the -wal and -shm SQLite made just now
    except (pw.OperationalError, sqlite3.OperationalError, cipher.OperationalError) as exc:
        known = translate(exc)
        if known is not None:
            raise known from exc
        raise DatabaseError(f"无法打开数据库 {url_or_path}：{exc}") from exc
    except DatabaseError:
        raise
    except ImportError as exc:  # psycopg2 missing
        raise DatabaseError("连接 PostgreSQL 需要安装 psycopg2（pip install station-app[postgres]）") from exc
    database.initialize(db)
    if file is not None and key is not None:
        _KEYS[_file_id(file)] = key
    db.station_url = url_or_path  # type: ignore[attr-defined]  # our own mark on the object; remembered for attachments and backups
    if migrate:
        from station_app.db.migrations import run_migrations

        try:
            run_migrations(db, url_or_path, backup=backup and not is_read_only(db))
        except pw.OperationalError as exc:
            if "locked" in str(exc):
                raise DatabaseError("数据库正被另一个程序使用（已锁定），请关闭其他窗口后重试") from exc
            raise
    return db


def db_cache() -> dict[Any, Any]:
    """Small facts kept per open database (the home station code, the holiday calendar): a new
    database object starts empty, so nothing leaks from one file to another. Whoever changes such
    a fact pops its key."""
    db = database.obj
    cache = getattr(db, "_station_cache", None)
    if cache is None:
        cache = db._station_cache = {}
    return cache


def close_database() -> None:
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()


def current_url() -> str:
    db = database.obj
    return getattr(db, "station_url", "") if db is not None else ""


def _check_sqlite_header(file: Path, key: bytes | None = None) -> None:
    try:
        with open(file, "rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise DatabaseError(f"无法读取数据库文件 {file}：{exc.strerror}") from exc
    if key is not None:
        if head == b"SQLite format 3\x00":
            raise DatabaseError(f"{file} 没有加密，不能用钥匙打开")
        return  # an encrypted file has no header to read: the key opens it or it is refused
    if head and head != b"SQLite format 3\x00":
        if (file.parent / (file.name + ".keys")).exists() or cipher.looks_encrypted(file):
            raise cipher.EncryptedDatabase(cipher.NEEDS_KEY)
        raise DatabaseError(f"{file} 不是本程序的数据库文件（也不是 SQLite 数据库）")


def owner_only(file: Path) -> None:
    """On POSIX, the database and its ``-wal``/``-shm`` are readable by their owner alone (0600):
    a new file is created so, an existing one is narrowed. Not ours to change (another owner, a
    read-only medium): left as it is."""
    if os.name != "posix":
        return
    if not file.exists():
        with contextlib.suppress(OSError):
            os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return
    for path in (file, Path(str(file) + "-wal"), Path(str(file) + "-shm")):
        with contextlib.suppress(OSError):
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
