"""SQLCipher: the station database encrypted at rest (docs/security.md).

The one place that talks ``sqlcipher3`` directly: a keyed connection, the raw-key pragma, a plain
or encrypted database exported into a new encrypted file (``sqlcipher_export``), and the question
whether a file is a plain SQLite file at all. The database key is 32 random bytes; it is given to
SQLCipher as a raw key (``x'…'``), so SQLCipher does no key derivation of its own — the user's
password is stretched once, by argon2id, in db/keyslots.py.

Nothing here imports PySide6.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import os
from pathlib import Path
from typing import Any

import peewee as pw
from sqlcipher3 import dbapi2 as sqlcipher  # type: ignore[import-untyped]  # no stubs published

from station_app.core.errors import DatabaseError
from station_app.db.faults import StationSqliteDatabase

# read here by their callers (explicitly re-exported)
from station_app.db.header import HEADER as HEADER
from station_app.db.header import has_plain_header as has_plain_header
from station_app.db.header import looks_encrypted as looks_encrypted

# what peewee's playhouse.sqlcipher_ext registers, so a keyed database stores what a plain one does
sqlcipher.register_adapter(decimal.Decimal, str)
sqlcipher.register_adapter(dt.date, str)
sqlcipher.register_adapter(dt.time, str)


KEY_BYTES = 32

NEEDS_KEY = "数据库已加密，请登录（用户名和密码解开数据库）"
WRONG_KEY = "数据库密钥不对：这个数据库不能用这个用户的密钥打开"

# sqlcipher3 raises its own exception classes (same names as sqlite3's): callers catch these
Error = sqlcipher.Error
OperationalError = sqlcipher.OperationalError
DatabaseErrorSC = sqlcipher.DatabaseError


class EncryptedDatabase(DatabaseError):
    """The database file is encrypted and was opened without its key: the user must log in."""


class WrongDatabaseKey(DatabaseError):
    """The key given does not open this encrypted database."""


def key_literal(key: bytes) -> str:
    """The raw-key form SQLCipher takes in ``PRAGMA key`` and ``ATTACH … KEY``: ``x'<hex>'``."""
    if len(key) != KEY_BYTES:
        raise ValueError("the database key is 32 bytes")
    return f"x'{key.hex()}'"


def connect(path: str | os.PathLike[str], key: bytes | None, **params: Any) -> Any:
    """A ``sqlcipher3`` connection to ``path``, keyed with the raw ``key`` (None: a plain file).
    Nothing is read yet: a wrong key shows at the first statement (``file is not a database``)."""
    con = sqlcipher.connect(str(path), **params)
    try:
        _quiet(con)
        if key is not None:
            con.execute(f'PRAGMA key = "{key_literal(key)}"')
    except BaseException:
        con.close()
        raise
    return con


def _quiet(con: Any) -> None:
    """SQLCipher logs a failed page check to stderr; a wrong key is told in Chinese instead."""
    with contextlib.suppress(sqlcipher.Error):
        con.execute("PRAGMA cipher_log_level = NONE")


def check_key(con: Any) -> None:
    """Read the schema through a keyed connection: :class:`WrongDatabaseKey` when the key does
    not open the file."""
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        if "not a database" in str(exc):
            raise WrongDatabaseKey(WRONG_KEY) from exc
        raise


def export_to(source: Any, target: Path, key: bytes) -> None:
    """Write everything ``source`` (an open sqlcipher3 connection, keyed or plain) holds into the
    new file ``target``, encrypted under ``key`` (``sqlcipher_export``, schema version included).
    ``target`` must not exist; the caller fsyncs and renames it."""
    version = source.execute("PRAGMA user_version").fetchone()[0]
    source.execute("ATTACH DATABASE ? AS station_enc KEY ?", (str(target), key_literal(key)))
    try:
        source.execute("SELECT sqlcipher_export('station_enc')")
        source.execute(f"PRAGMA station_enc.user_version = {int(version)}")
    finally:
        source.execute("DETACH DATABASE station_enc")


class StationCipherDatabase(StationSqliteDatabase):
    """A :class:`StationSqliteDatabase` on a SQLCipher file: every connection (the GUI's and each
    worker thread's own, peewee keeps one per thread) is made through ``sqlcipher3`` and keyed
    before the pragmas run. Its exceptions carry sqlite3's names, so peewee and db/faults.py
    translate them alike."""

    def __init__(self, database: str, key: bytes, **kwargs: Any):
        key_literal(key)  # a wrong-sized key fails here, not at the first query
        self.station_key = key
        super().__init__(database, **kwargs)

    def _connect(self) -> Any:
        timeout = self._timeout  # type: ignore[attr-defined]  # peewee's, not in its stubs
        conn = connect(self.database, self.station_key, timeout=timeout, isolation_level=None, **self.connect_params)
        try:
            check_key(conn)
            self._add_conn_hooks(conn)  # type: ignore[attr-defined]  # peewee's, not in its stubs
        except BaseException:
            conn.close()
            raise
        return conn

    def connect(self, reuse_if_open: bool = False) -> bool:
        try:
            return bool(super().connect(reuse_if_open))
        except pw.DatabaseError as exc:
            # peewee wraps what _connect raises by its class name: ours is a DatabaseError too
            if isinstance(exc.__context__, DatabaseError):
                raise exc.__context__ from None
            raise
