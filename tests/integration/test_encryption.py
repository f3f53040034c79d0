"""The station database encrypted at rest (issue 19 items 2 and 6): SQLCipher files under a random
key, key slots per user in ``<db>.keys``, encrypted backups, files 0600. Real files, real SQLCipher,
and the plain ``sqlite3`` module as the attacker with a copied file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import threading
from contextlib import closing
from pathlib import Path

import pytest

from station_app.db import cipher, keyslots
from station_app.db.connection import close_database, database, forget_key, open_database
from station_app.services import backup
from tests.conftest import TEST_STATION

VISITOR = "欧阳秀兰"


def _fill(path: Path) -> dict[str, int]:
    """A station database with a visitor; the counts of its tables."""
    from station_app.domain import clock
    from station_app.domain.records import ReceptionData
    from station_app.services import receptions, station

    open_database(str(path))
    station.save_home_station(TEST_STATION)
    receptions.record_visit(ReceptionData(received_at=clock.now(), channel="visit", visitor_name=VISITOR,
                                          visitor_phone="13812341234", village="东村", summary="村口路灯坏了"))
    counts = _counts()
    close_database()
    return counts


def _counts() -> dict[str, int]:
    tables = [r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type='table' "
                                                 "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%'")]
    return {t: database.execute_sql(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _unreadable(path: Path) -> None:
    """What someone with the copied file and plain SQLite sees: noise."""
    # a copy of the file, so no other SQLite library's descriptor touches a file open here
    copy = path.with_name(path.name + ".copied")
    shutil.copyfile(path, copy)
    with closing(sqlite3.connect(copy)) as con, pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        con.execute("select * from sqlite_master").fetchall()
    assert VISITOR.encode("utf-8") not in copy.read_bytes()
    copy.unlink()


@pytest.fixture
def protected(tmp_path):
    path = tmp_path / "station.db"
    counts = _fill(path)
    assert VISITOR.encode("utf-8") in path.read_bytes()  # plain: the name is there to find
    key = keyslots.protect(path, "管理员", "正确的密码")
    yield path, key, counts
    close_database()
    forget_key()


def test_protect_keeps_every_row_and_leaves_no_plain_copy(protected):
    path, key, counts = protected
    _unreadable(path)
    leftovers = [p.name for p in path.parent.iterdir() if p.name not in ("station.db", "station.db.keys")
                 and p.is_file()]
    assert leftovers == []
    assert keyslots.is_protected(path)
    open_database(str(path), key=keyslots.unlock(path, "管理员", "正确的密码"))
    assert _counts() == counts
    assert database.execute_sql("SELECT visitor_name FROM reception").fetchone()[0] == VISITOR


def test_wrong_password_and_unknown_user_get_one_message(protected):
    path, _key, _counts = protected
    with pytest.raises(keyslots.WrongPassword) as wrong:
        keyslots.unlock(path, "管理员", "错误的密码")
    with pytest.raises(keyslots.WrongPassword) as unknown:
        keyslots.unlock(path, "陌生人", "正确的密码")
    assert str(wrong.value) == str(unknown.value) == "用户名或密码不对"


def test_opening_without_key_asks_for_login_and_a_wrong_key_is_refused(protected):
    path, _key, _counts = protected
    with pytest.raises(cipher.EncryptedDatabase, match="数据库已加密，请登录"):
        open_database(str(path))
    with pytest.raises(cipher.WrongDatabaseKey):
        open_database(str(path), key=os.urandom(32))


def test_missing_key_file_says_to_restore_it(protected):
    path, _key, _counts = protected
    keyslots.sidecar(path).unlink()
    assert keyslots.is_protected(path)
    with pytest.raises(keyslots.KeyFileMissing, match=r"station\.db\.keys.*备份"):
        keyslots.unlock(path, "管理员", "正确的密码")


def test_two_slots_open_the_same_data_and_a_slot_can_go_or_be_rewrapped(protected):
    path, key, _counts = protected
    keyslots.add_slot(path, key, "联络员", "另一个密码")
    assert keyslots.unlock(path, "联络员", "另一个密码") == keyslots.unlock(path, "管理员", "正确的密码") == key
    keyslots.rewrap(path, key, "联络员", "新密码")
    with pytest.raises(keyslots.WrongPassword):
        keyslots.unlock(path, "联络员", "另一个密码")
    assert keyslots.unlock(path, "联络员", "新密码") == key
    keyslots.remove_slot(path, "联络员")
    with pytest.raises(keyslots.WrongPassword):
        keyslots.unlock(path, "联络员", "新密码")
    with pytest.raises(keyslots.KnownError, match="唯一的钥匙"):
        keyslots.remove_slot(path, "管理员")
    with pytest.raises(cipher.WrongDatabaseKey):
        keyslots.add_slot(path, os.urandom(32), "别人", "密码")  # a slot for a wrong key would lock its user out


def test_guard_is_kept_per_user(protected):
    path, _key, _counts = protected
    assert keyslots.read_guard(path, "管理员") == {"failures": 0, "locked_until": None}
    keyslots.write_guard(path, "管理员", 3, "2026-01-01T10:00:00+08:00")
    assert keyslots.read_guard(path, "管理员") == {"failures": 3, "locked_until": "2026-01-01T10:00:00+08:00"}


def test_a_new_path_is_protected_empty_and_migrates(tmp_path):
    path = tmp_path / "new.db"
    key = keyslots.protect(path, "admin", "密码")
    try:
        open_database(str(path), key=key)
        assert "station" in database.get_tables()
    finally:
        close_database()
        forget_key()
    _unreadable(path)


def test_a_worker_thread_connection_uses_the_key(protected):
    path, key, counts = protected
    open_database(str(path), key=key)
    seen: list[int] = []

    def work() -> None:
        try:
            seen.append(database.execute_sql("SELECT count(*) FROM reception").fetchone()[0])
        finally:
            close_database()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert seen == [counts["reception"]]


def test_backup_of_an_encrypted_database_is_encrypted_and_restores_with_the_password(protected, tmp_path):
    path, key, counts = protected
    open_database(str(path), key=key)
    out = tmp_path / "elsewhere" / "copy.db"
    backup.backup(str(path), out)
    close_database()
    _unreadable(out)
    assert keyslots.sidecar(out).exists()
    # another PC: the backup and its .keys, the user's password unlocks it
    target = tmp_path / "pc2" / "station.db"
    _fill(target)
    backup_key = keyslots.unlock(out, "管理员", "正确的密码")
    kept = backup.restore(str(target), out, key=backup_key)
    _unreadable(target)
    assert VISITOR.encode() in kept.read_bytes()  # the set-aside plain file is the plain one it was
    open_database(str(target), key=keyslots.unlock(target, "管理员", "正确的密码"))
    assert _counts() == counts


def test_set_aside_of_an_encrypted_database_stays_encrypted_with_its_slots(protected):
    path, key, _counts = protected
    from station_app.db.backup import set_aside

    kept = set_aside(path)
    _unreadable(kept)
    assert keyslots.unlock(kept, "管理员", "正确的密码") == key


def test_migration_backup_of_an_encrypted_database_is_encrypted(protected):
    path, key, _counts = protected
    from station_app.core.paths import backups_dir
    from station_app.db.backup import backup_before_migration

    db = open_database(str(path), key=key)
    copy = backup_before_migration(db, str(path), 12)
    assert copy is not None and copy.parent == backups_dir(str(path))
    _unreadable(copy)
    assert keyslots.unlock(copy, "管理员", "正确的密码") == key


def _private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
def test_files_the_app_writes_are_readable_by_the_owner_alone(tmp_path, monkeypatch):
    old = os.umask(0o022)  # the usual umask: files would be 0644 unless the app says otherwise
    try:
        from station_app.core.crashlog import LOG_NAME, write_crash_log
        from station_app.core.paths import log_dir
        from station_app.services import backup_store
        from station_app.services.exchange import export_package

        path = tmp_path / "station.db"
        _fill(path)
        open_database(str(path))
        auto = backup_store.auto_backup(str(path))
        manual = backup.backup(str(path), tmp_path / "manual.db")
        package = Path(export_package(tmp_path / "usb", full=True).path)
        close_database()
        kept = backup.restore(str(path), manual)
        write_crash_log("Traceback: a bug")
        key = keyslots.protect(tmp_path / "second.db", "admin", "密码")
        open_database(str(path))  # open again: its -wal and -shm are made
        files = {
            "database": path, "wal": Path(str(path) + "-wal"), "automatic backup": auto.path,
            "manual backup": manual, "set-aside copy": kept, "package": package,
            "crash log": log_dir() / LOG_NAME, "encrypted database": tmp_path / "second.db",
            "key slots": keyslots.sidecar(tmp_path / "second.db"),
        }
        assert key and files["wal"].exists()
        assert {name: oct(stat.S_IMODE(p.stat().st_mode)) for name, p in files.items() if not _private(p)} == {}
    finally:
        os.umask(old)
        close_database()
