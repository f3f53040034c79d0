"""The export password (issue 19): the policy, the generated passphrase, the OS keyring's fail
backend (this Linux: nothing kept, asked each time), and never a row in the setting table."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from station_app.db.models import Setting
from station_app.domain import passphrase
from station_app.errors import ValidationError
from station_app.services import secret_store, settings


def test_a_short_password_is_refused_with_a_chinese_reason():
    assert passphrase.problem("机密2026") and "至少 12 个字符" in passphrase.problem("机密2026")
    with pytest.raises(ValidationError) as err:
        passphrase.check("short")
    assert "生成口令" in err.value.fields["password"]
    assert passphrase.problem("县里给的密码-2026年上半年") is None


def test_generated_passphrases_are_five_groups_of_four_unambiguous_characters():
    words = {passphrase.generate() for _ in range(200)}
    assert len(words) == 200
    for w in words:
        groups = w.split("-")
        assert [len(g) for g in groups] == [4] * 5 and passphrase.problem(w) is None
        assert set("".join(groups)) <= set(passphrase.ALPHABET)
        assert not set("".join(groups)) & set("0O1lI")


def test_the_fail_backend_keeps_nothing_and_the_program_asks(monkeypatch):
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert secret_store.available() is False
    assert secret_store.set_password("T01", "县里给的密码-2026年上半年") is False
    assert secret_store.get_password("T01") is None
    secret_store.forget("T01")  # no error


def test_the_export_password_is_no_longer_a_setting(station_db):
    with pytest.raises(KeyError):
        settings.spec("export.password")
    assert not Setting.select().where(Setting.key == "export.password").exists()


def test_migration_15_deletes_a_stored_export_password(tmp_path):
    from station_app.db.connection import make_database
    from station_app.db.migrations import run_migrations

    path = tmp_path / "old.db"
    db = make_database(str(path))
    db.connect()
    run_migrations(db, str(path), backup=False, target=14)
    db.execute_sql("INSERT INTO setting (key, value) VALUES ('export.password', '\"机密123\"'), ('qr.mode', '\"url\"')")
    assert run_migrations(db, str(path), backup=False, target=15) == [15]
    keys = [r[0] for r in db.execute_sql("SELECT key FROM setting")]
    assert keys == ["qr.mode"]
    assert db.table_exists("station_key") and db.table_exists("own_key")
    db.close()
