"""Where data lives (paths) and the declared settings stored in the database."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from station_app import APP_NAME, paths
from station_app.db.models import AuditLog
from station_app.services import settings


def test_data_dir_override_and_db_env(tmp_path, monkeypatch):
    monkeypatch.setenv("STATION_APP_DATA_DIR", str(tmp_path / "d"))
    assert paths.data_dir() == tmp_path / "d" and (tmp_path / "d").is_dir()
    assert paths.default_database() == str(tmp_path / "d" / "station.db")
    monkeypatch.setenv("STATION_APP_DB", "postgresql://county@127.0.0.1/county")
    assert paths.default_database() == "postgresql://county@127.0.0.1/county"


def test_platformdirs_default(monkeypatch, tmp_path):
    monkeypatch.delenv("STATION_APP_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(paths, "program_dir", lambda: tmp_path / "prog")
    if sys.platform.startswith("linux"):
        assert paths.data_dir() == tmp_path / "xdg" / APP_NAME
    assert not paths.is_portable()


def test_portable_mode_keeps_data_beside_the_program(monkeypatch, tmp_path):
    monkeypatch.delenv("STATION_APP_DATA_DIR")
    prog = tmp_path / "usb" / "联络站工作台"
    prog.mkdir(parents=True)
    monkeypatch.setattr(paths, "program_dir", lambda: prog)
    assert not paths.is_portable()
    (prog / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    assert paths.is_portable()
    assert paths.default_database() == str(prog / "data" / "station.db")
    assert paths.log_dir() == prog / "data" / "logs"


def test_portable_by_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("STATION_APP_DATA_DIR")
    monkeypatch.setattr(paths, "program_dir", lambda: tmp_path)
    monkeypatch.setenv("STATION_APP_PORTABLE", "1")
    assert paths.data_dir() == tmp_path / "data"


def test_attachments_and_backups_beside_the_sqlite_file(tmp_path):
    db = tmp_path / "站点" / "station.db"
    assert paths.attachments_dir(str(db)) == (tmp_path / "站点" / "attachments").resolve()
    assert paths.backups_dir(f"sqlite:///{db}") == (tmp_path / "站点" / "backups").resolve()
    assert paths.sqlite_file_of("postgresql://u@h/db") is None
    assert paths.attachments_dir("postgresql://u@h/db") == paths.data_dir() / "attachments"


def test_settings_defaults_store_and_audit(station_db):
    assert settings.get("qr.mode") == "text"
    assert settings.all_values()["privacy.show_full_numbers"] is False
    settings.set("qr.mode", "url")
    settings.set("qr.mode", "url")  # unchanged: no second audit entry
    settings.set("names.order", "pinyin")
    assert settings.get("qr.mode") == "url" and settings.get("names.order") == "pinyin"
    rows = list(AuditLog.select().where(AuditLog.table_name == "setting").order_by(AuditLog.id))
    assert [r.record_uid for r in rows] == ["qr.mode", "names.order"]
    assert rows[1].after == {"value": "pinyin"}
    with pytest.raises(KeyError):
        settings.get("no.such.setting")


def test_settings_survive_reopen(db_path, station_db):
    from station_app.db import close_database, open_database

    settings.set("station.reception_rule", "每月第一个周二")
    close_database()
    open_database(db_path)
    assert settings.get("station.reception_rule") == "每月第一个周二"
    assert Path(db_path).is_file()


def test_set_many_is_all_or_nothing(station_db):
    from station_app.errors import ValidationError

    with pytest.raises(ValidationError) as info:
        settings.set_many({"privacy.show_full_numbers": True, "qr.mode": "url",
                           "qr.deputy_template": "https://rd.example.cn/d/{deputy_id}"})
    assert "{deputy_id}" in info.value.fields["qr.deputy_template"]
    assert "qr.station_template" in info.value.fields  # url mode needs both templates
    assert settings.get("privacy.show_full_numbers") is False and settings.get("qr.mode") == "text"
    settings.set_many({"qr.mode": "url", "qr.deputy_template": "https://rd.example.cn/d/{deputy_uid}",
                       "qr.station_template": "https://rd.example.cn/s/{station_code}"})
    assert settings.get("qr.mode") == "url"
    assert settings.validate({"qr.mode": "fax"}) == {"qr.mode": "二维码内容：不认识的选项 fax"}

