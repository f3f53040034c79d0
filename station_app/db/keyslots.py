"""Key slots: the database key of an encrypted station database, wrapped once per user.

A protected database is a SQLCipher file under a random 32-byte key (db/cipher.py). The key is
kept nowhere in plain: beside the database, the sidecar ``<db>.keys`` (JSON, mode 0600, written
atomically) holds one *slot* per user — the database key encrypted with AES-256-GCM under a key
derived from that user's password by argon2id (its salt and cost in the slot, the user name as
associated data, so a slot cannot be moved to another name). Logging in unwraps the key; a wrong
password and an unknown user get the same message. The sidecar also keeps each user's failed
logins (``guard``), which the login (services/users.py) reads and writes for encrypted files.

The design, what an attacker with a copied file and sidecar can do, and what to back up:
docs/security.md. Nothing here imports PySide6.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import os
import unicodedata
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import station_app.db.cipher as cipher
from station_app.core.errors import DatabaseError, KnownError, storage_error_from_oserror
from station_app.core.fileio import atomic_write_bytes, fsync_dir

FORMAT = "station-keyslots"
VERSION = 1
KDF = {"name": "argon2id", "version": 19, "hash_len": 32, "wrap": "AES-256-GCM", "associated_data": "username"}
# the cost of one guess: measured on this machine class, docs/security.md
TIME_COST = 3
MEMORY_COST = 64 * 1024  # KiB: 64 MiB
PARALLELISM = 1

WRONG_PASSWORD = "用户名或密码不对"
KEY_FILE_MISSING = ("数据库已加密，但它旁边的钥匙文件 {name} 不见了，无法解开。"
                    "请从备份中找回 {name}（每个备份旁都有同名的 .keys 文件），放回数据库所在的文件夹后重新登录。")


class WrongPassword(KnownError):
    """A wrong password or an unknown user (one message for both)."""


class KeyFileMissing(KnownError):
    """The database is encrypted and its ``.keys`` sidecar is gone."""


def sidecar(db_path: str | os.PathLike[str]) -> Path:
    """The key slots' file beside the database: ``<db>.keys``."""
    return Path(str(db_path) + ".keys")


def is_protected(db_path: str | os.PathLike[str]) -> bool:
    """True when the database is (or, for a new path with a sidecar, will be) a SQLCipher file.

    A plain SQLite file is not protected even when a sidecar lies beside it (one left by a
    conversion interrupted before the encrypted file took the database's name): :func:`protect`
    converts it again and replaces that sidecar. A plain file whose first bytes are damaged is
    told from an encrypted one by the rest of its header (cipher.looks_encrypted)."""
    plain = cipher.has_plain_header(db_path)
    if plain is None or plain is False and not cipher.looks_encrypted(db_path):
        return sidecar(db_path).exists()  # new, or a plain file with a damaged header
    return not plain


# --- the sidecar -------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _read(db_path: str | os.PathLike[str]) -> dict[str, Any]:
    path = sidecar(db_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeyFileMissing(KEY_FILE_MISSING.format(name=path.name)) from None
    except OSError as exc:
        raise storage_error_from_oserror(exc, path) from exc
    except ValueError as exc:
        raise DatabaseError(f"钥匙文件 {path.name} 已损坏，请从备份中找回它") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DatabaseError(f"{path.name} 不是本程序的钥匙文件")
    if int(data.get("version", 0)) > VERSION:
        raise DatabaseError(f"钥匙文件 {path.name} 来自更新版本的程序，请先升级程序")
    data.setdefault("slots", {})
    data.setdefault("guard", {})
    return data


def _write(db_path: str | os.PathLike[str], data: dict[str, Any]) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    atomic_write_bytes(sidecar(db_path), text.encode("utf-8"))  # mkstemp: 0600 on POSIX


def _empty() -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "kdf": dict(KDF), "slots": {}, "guard": {}}


# --- slots -------------------------------------------------------------------------------------

def _kek(password: str, salt: bytes, time_cost: int, memory_cost: int, parallelism: int) -> bytes:
    secret = unicodedata.normalize("NFC", password).encode("utf-8")
    return hash_secret_raw(secret, salt, time_cost=time_cost, memory_cost=memory_cost,
                           parallelism=parallelism, hash_len=32, type=Type.ID)


def _make_slot(key: bytes, username: str, password: str) -> dict[str, Any]:
    salt, nonce = os.urandom(16), os.urandom(12)
    kek = _kek(password, salt, TIME_COST, MEMORY_COST, PARALLELISM)
    wrapped = AESGCM(kek).encrypt(nonce, key, username.encode("utf-8"))
    return {"salt": _b64(salt), "time_cost": TIME_COST, "memory_cost": MEMORY_COST,
            "parallelism": PARALLELISM, "nonce": _b64(nonce), "wrapped_key": _b64(wrapped)}


def _unwrap(slot: dict[str, Any], username: str, password: str) -> bytes:
    kek = _kek(password, _unb64(slot["salt"]), int(slot["time_cost"]), int(slot["memory_cost"]),
               int(slot["parallelism"]))
    try:
        return AESGCM(kek).decrypt(_unb64(slot["nonce"]), _unb64(slot["wrapped_key"]), username.encode("utf-8"))
    except InvalidTag:
        raise WrongPassword(WRONG_PASSWORD) from None


def unlock(db_path: str | os.PathLike[str], username: str, password: str) -> bytes:
    """The database key, unwrapped with ``username``'s password. :class:`WrongPassword` for a
    wrong password or an unknown user; :class:`KeyFileMissing` when the sidecar is gone."""
    data = _read(db_path)
    slot = data["slots"].get(username)
    if slot is None:
        # an unknown user costs the same argon2 work as a known one: the time tells nothing
        _kek(password, b"\0" * 16, TIME_COST, MEMORY_COST, PARALLELISM)
        raise WrongPassword(WRONG_PASSWORD)
    return _unwrap(slot, username, password)


def _check_key(db_path: str | os.PathLike[str], key: bytes) -> None:
    """The key must open the database before a slot is written for it (a slot with a wrong
    key would lock its user out)."""
    if not Path(db_path).exists():
        return
    con = cipher.connect(db_path, key)
    try:
        cipher.check_key(con)
    finally:
        con.close()


def add_slot(db_path: str | os.PathLike[str], key: bytes, username: str, password: str) -> None:
    """Give ``username`` a slot (replacing theirs, if any) wrapping the database ``key``."""
    _check_key(db_path, key)
    data = _read(db_path)
    data["slots"][username] = _make_slot(key, username, password)
    _write(db_path, data)


def rewrap(db_path: str | os.PathLike[str], key: bytes, username: str, new_password: str) -> None:
    """A new password for ``username``: the same database key, wrapped anew (new salt)."""
    data = _read(db_path)
    if username not in data["slots"]:
        raise KnownError(f"用户 {username} 没有这个数据库的钥匙")
    add_slot(db_path, key, username, new_password)


def remove_slot(db_path: str | os.PathLike[str], username: str) -> None:
    """Take ``username``'s slot (and failed-login count) away; the last slot cannot go."""
    data = _read(db_path)
    if username not in data["slots"]:
        return
    if len(data["slots"]) == 1:
        raise KnownError("这是数据库唯一的钥匙：删除后谁也打不开数据库。请先给另一位管理员设置密码。")
    del data["slots"][username]
    data["guard"].pop(username, None)
    _write(db_path, data)


def slot_users(db_path: str | os.PathLike[str]) -> list[str]:
    """The users who have a slot."""
    return sorted(_read(db_path)["slots"])


# --- failed logins -----------------------------------------------------------------------------

def read_guard(db_path: str | os.PathLike[str], username: str) -> dict[str, Any]:
    """``{"failures": n, "locked_until": iso or None}`` for ``username`` (zero when none kept)."""
    kept = _read(db_path)["guard"].get(username) or {}
    return {"failures": int(kept.get("failures", 0)), "locked_until": kept.get("locked_until")}


def write_guard(db_path: str | os.PathLike[str], username: str, failures: int,
                locked_until: dt.datetime | str | None) -> None:
    """Keep ``username``'s failed-login count and lock time (``None``: not locked)."""
    data = _read(db_path)
    until = locked_until.isoformat() if isinstance(locked_until, dt.datetime) else locked_until
    data["guard"][username] = {"failures": int(failures), "locked_until": until}
    _write(db_path, data)


# --- conversion --------------------------------------------------------------------------------

def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def encrypt_file(source: Path | None, target: Path, key: bytes) -> None:
    """Write ``target`` (a new file, 0600) encrypted under ``key`` with everything the plain
    SQLite file ``source`` holds (``None``: an empty database), fsynced and checked."""
    if os.name == "posix":
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    src = cipher.connect(source if source is not None else ":memory:", None, timeout=10)
    try:
        cipher.export_to(src, target, key)
    finally:
        src.close()
    con = cipher.connect(target, key)
    try:
        if not con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] and source is None:
            con.execute("PRAGMA user_version = 0")
            con.execute("CREATE TABLE station_new (x)")  # writes page 1: the file has its salt
            con.execute("DROP TABLE station_new")
            con.commit()
        check = con.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        con.close()
    if check != "ok":
        raise DatabaseError(f"加密后的数据库检查未通过：{check}")
    _fsync(target)


def protect(db_path: str | os.PathLike[str], username: str, password: str) -> bytes:
    """Convert the plain SQLite database ``db_path`` (or a new, empty path) into a SQLCipher file
    under a fresh random key; write the sidecar with ``username``'s slot; return the key.

    Every connection to the file must be closed first. The encrypted copy is made beside it,
    checked and fsynced; the sidecar is written; then the copy is renamed over the plain file,
    whose ``-wal``/``-shm`` are gone: a crash leaves the plain or the encrypted database whole."""
    db = Path(db_path)
    plain = cipher.has_plain_header(db)
    if plain is False:
        raise KnownError("数据库已经加密了")
    if plain and Path(str(db) + "-wal").exists():
        _fold_wal(db)
    key = os.urandom(cipher.KEY_BYTES)
    tmp = db.with_name(f".{db.name}.protecting")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        encrypt_file(db if plain else None, tmp, key)
        data = _empty()
        data["slots"][username] = _make_slot(key, username, password)
        _write(db, data)
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(db) + suffix).unlink()
        os.replace(tmp, db)
        fsync_dir(db.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise storage_error_from_oserror(exc, db) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return key


def _fold_wal(db: Path) -> None:
    """Fold the plain database's WAL into the file; refuse while another connection holds it."""
    con = cipher.connect(db, None, timeout=10)
    try:
        busy, _log, _done = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        con.close()
    if busy:
        raise DatabaseError("数据库正被另一个程序使用，无法加密。请关闭其他窗口后重试。")
