"""Environment faults of the database, translated into messages a clerk can act on.

SQLite (and psycopg2) report a locked database, a full disk, a read-only medium or a stick pulled
out as ``OperationalError`` with English text. :func:`translate` turns those into
:class:`~station_app.errors.DatabaseError` subclasses with a Chinese message naming the cause;
:class:`StationSqliteDatabase` applies it to every statement, ``BEGIN`` and ``COMMIT``, and makes
the rollback after such a fault quiet (SQLite has already rolled the transaction back on a full
disk or an I/O error: peewee's own ``ROLLBACK`` would otherwise replace the cause with "cannot
rollback - no transaction is active"). Nothing here imports PySide6.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import peewee as pw

from station_app.errors import DatabaseError

LOCKED = "数据库正被另一个程序使用（已锁定），刚才的修改没有保存。请关闭另一个窗口或程序后重试。"
DISK_FULL = "磁盘空间不足，刚才的修改没有保存。请清理磁盘空间（或换一个有空间的U盘）后重试。"
READ_ONLY = "数据库是只读的（只读的文件夹或写保护的U盘），不能保存修改；仍可浏览、打印和备份。"
GONE = "找不到数据库所在的文件夹（U盘可能已拔出），刚才的修改没有保存。请重新插好U盘、重新打开程序后再试。"
IO_ERROR = "读写数据库时设备出错（U盘可能已拔出或损坏），刚才的修改没有保存。请检查U盘后重新打开程序。"
DAMAGED = "数据库文件有损坏，刚才的读写没有完成。请到“备份与恢复”页用一个完好的备份恢复。"


class DatabaseLocked(DatabaseError):
    """Another program holds the database's write lock past the busy timeout."""


class DiskFull(DatabaseError):
    """The disk holding the database is full."""


class ReadOnlyDatabase(DatabaseError):
    """The database (its file, folder or medium) cannot be written."""


class DataFolderGone(DatabaseError):
    """The database's folder is gone (USB stick pulled) or the device fails."""


class DatabaseDamaged(DatabaseError):
    """SQLite read a damaged page ("database disk image is malformed")."""


def _kind(text: str) -> type[DatabaseError] | None:
    low = text.lower()
    if "locked" in low or "busy" in low or "could not obtain lock" in low or "lock timeout" in low:
        return DatabaseLocked
    if "database or disk is full" in low or "no space left" in low or "disk full" in low:
        return DiskFull
    if "readonly" in low or "read-only" in low or "read only" in low:
        return ReadOnlyDatabase
    if "disk i/o error" in low or "unable to open database file" in low or "no such file" in low:
        return DataFolderGone
    return None


_TEXTS = {DatabaseLocked: LOCKED, DiskFull: DISK_FULL, ReadOnlyDatabase: READ_ONLY, DataFolderGone: IO_ERROR}


def translate(exc: BaseException) -> DatabaseError | None:
    """The :class:`DatabaseError` for an environment fault, or None for anything else (a bug,
    a constraint: those keep their own type)."""
    if isinstance(exc, DatabaseError):
        return exc
    if isinstance(exc, (pw.DatabaseError, sqlite3.DatabaseError)) and "malformed" in str(exc):
        damaged = DatabaseDamaged(DAMAGED)  # SQLite raises it as a plain DatabaseError, not operational
        damaged.__cause__ = exc
        return damaged
    if not isinstance(exc, (pw.OperationalError, sqlite3.OperationalError, pw.InterfaceError)):
        name = type(exc).__name__
        if name not in ("OperationalError", "DiskFull", "ReadOnlySqlTransaction", "LockNotAvailable"):
            return None
    kind = _kind(str(exc))
    if kind is None:
        return None
    err = kind(_TEXTS[kind])
    err.__cause__ = exc
    return err


def _in_transaction(db: pw.SqliteDatabase) -> bool:
    conn = db._state.conn  # type: ignore[attr-defined]  # peewee's per-thread state, not in its stubs
    return conn is not None and bool(conn.in_transaction)


@contextmanager
def _translated() -> Iterator[None]:
    """An environment fault raised inside becomes its Chinese :class:`DatabaseError`."""
    try:
        yield
    except Exception as exc:
        err = translate(exc)
        if err is None:
            raise
        raise err from exc


class StationSqliteDatabase(pw.SqliteDatabase):
    """A SQLite database whose environment faults arrive as Chinese :class:`DatabaseError`s."""

    read_only = False

    def _check_folder(self) -> None:
        path = self.database
        if path.startswith("file:"):
            path = path[5:].split("?", 1)[0]
        if path and path != ":memory:" and not os.path.exists(path):
            raise DataFolderGone(GONE)

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        if sql.startswith("ROLLBACK TO SAVEPOINT") and not _in_transaction(self):
            return self.cursor()  # type: ignore[no-untyped-call]  # unannotated in peewee's stubs; SQLite rolled the whole transaction back already (full disk, I/O)
        try:
            return super().execute_sql(sql, params)  # type: ignore[no-untyped-call]  # as above
        except Exception as exc:
            err = translate(exc)
            if err is None:
                raise
            if isinstance(err, DataFolderGone):
                self._folder_gone_check(err)
            raise err from exc

    def _folder_gone_check(self, err: DatabaseError) -> None:
        try:
            self._check_folder()
        except DataFolderGone as gone:
            raise gone from err.__cause__

    def begin(self, lock_type: str | None = None) -> None:
        if self.transaction_depth() == 0:
            self._check_folder()
        with _translated():
            return super().begin(lock_type)

    def commit(self) -> None:
        with _translated():
            return super().commit()

    def rollback(self) -> None:
        if not _in_transaction(self):
            return  # nothing to undo: SQLite did it when the fault struck
        with _translated():
            return super().rollback()


def writable_medium(file: str | os.PathLike[str]) -> bool:
    """False when the database file or its folder cannot be written (read-only folder or medium)."""
    folder = os.path.dirname(os.path.abspath(str(file))) or "."
    if not os.access(folder, os.W_OK):
        return False
    return not os.path.exists(file) or os.access(file, os.W_OK)
