"""Opening the database: SQLite file (embedded default) or PostgreSQL URL (county server).

``database`` is a :class:`peewee.DatabaseProxy` that every model binds to;
:func:`open_database` initialises it, runs pending migrations (after a backup) and returns
the concrete database.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

import peewee as pw

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


def make_database(url_or_path: str) -> pw.Database:
    """A peewee database for a path, ``sqlite:///path`` or ``postgresql://…`` (not connected)."""
    file = sqlite_file_of(url_or_path)
    if file is not None:
        if file.exists() and not writable_medium(file):
            return _read_only_database(file)
        return StationSqliteDatabase(str(file), pragmas=SQLITE_PRAGMAS)
    parsed = urlparse(url_or_path)
    if parsed.scheme in ("postgres", "postgresql"):
        return pw.PostgresqlDatabase(
            parsed.path.lstrip("/"),
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname or None,
            port=parsed.port or None,
        )
    raise DatabaseError(f"不认识的数据库地址：{url_or_path}（应为文件路径、sqlite:///路径或 postgresql://…）")


def _read_only_database(file: Path) -> pw.Database:
    """A database on a read-only folder or medium: opened with SQLite's ``mode=ro`` (and
    ``immutable`` when no WAL file is left over, since none can be created), so it can still be
    browsed, printed and backed up; every save says 只读 (db/faults.py)."""
    wal = Path(str(file) + "-wal")
    query = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    pragmas = tuple(p for p in SQLITE_PRAGMAS if p[0] not in ("journal_mode", "synchronous")) + (("query_only", 1),)
    db = StationSqliteDatabase(f"file:{quote(str(file))}?{query}", pragmas=pragmas, uri=True)
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
        except (pw.OperationalError, sqlite3.OperationalError) as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            if not db.is_closed():
                db.close()
            time.sleep(0.05)


def open_database(url_or_path: str, migrate: bool = True, backup: bool = True) -> pw.Database:
    """Open, bind the proxy, and bring the schema to the newest version.

    A new path becomes a new, empty database. Raises :class:`DatabaseError` with a Chinese
    message when the file is not a database, is locked, or is newer than this program.
    """
    file = sqlite_file_of(url_or_path)
    if file is not None:
        if file.exists() and file.is_dir():
            raise DatabaseError(f"数据库路径是一个文件夹：{file}")
        if file.exists():
            _check_sqlite_header(file)
        else:
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"无法创建数据库所在的文件夹：{file.parent}（{os_reason(exc)}）") from exc
    db = make_database(url_or_path)
    try:
        _connect(db)
    except (pw.OperationalError, sqlite3.OperationalError) as exc:
        known = translate(exc)
        if known is not None:
            raise known from exc
        raise DatabaseError(f"无法打开数据库 {url_or_path}：{exc}") from exc
    except DatabaseError:
        raise
    except ImportError as exc:  # psycopg2 missing
        raise DatabaseError("连接 PostgreSQL 需要安装 psycopg2（pip install station-app[postgres]）") from exc
    database.initialize(db)
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


def _check_sqlite_header(file: Path) -> None:
    try:
        with open(file, "rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise DatabaseError(f"无法读取数据库文件 {file}：{exc.strerror}") from exc
    if head and head != b"SQLite format 3\x00":
        raise DatabaseError(f"{file} 不是本程序的数据库文件（也不是 SQLite 数据库）")
