"""Where the command line takes the export password from (issue 19): never the database, a prompt,
``STATION_APP_EXPORT_PASSWORD`` or ``--password-file``; ``--password P`` still works with a warning;
``--no-encrypt`` states the risk; a short password is refused before anything is written."""

from __future__ import annotations

import getpass
import io
import sys
import zipfile
from pathlib import Path

import pytest
import pyzipper

from station_app import cli
from station_app.db import close_database, open_database
from station_app.services import station
from station_app.services.demo import make_demo
from tests.conftest import TEST_STATION

GOOD = "县里给的密码-2026年上半年"


@pytest.fixture
def station_file(tmp_path):
    path = tmp_path / "station.db"
    open_database(str(path))
    station.save_home_station(TEST_STATION)
    make_demo(seed=2, deputies=3, receptions=5)
    close_database()
    return path


def _export(station_file, tmp_path, capsys, *extra) -> tuple[int, str, str]:
    rc = cli.main(["export", "--db", str(station_file), "--out", str(tmp_path / "stick"), "--full", *extra])
    out = capsys.readouterr()
    return rc, out.out.strip(), out.err


def _opens_with(path: str, password: str) -> bool:
    with pyzipper.AESZipFile(path) as zf:
        zf.setpassword(password.encode())
        return b"station-exchange" in zf.read("manifest.json")


def test_the_password_from_the_environment(station_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("STATION_APP_EXPORT_PASSWORD", GOOD)
    rc, path, err = _export(station_file, tmp_path, capsys)
    assert rc == 0 and _opens_with(path, GOOD) and "警告" not in err


def test_the_password_from_a_file(station_file, tmp_path, capsys):
    secret = tmp_path / "pw.txt"
    secret.write_text(GOOD + "\n", encoding="utf-8")
    rc, path, err = _export(station_file, tmp_path, capsys, "--password-file", str(secret))
    assert rc == 0 and _opens_with(path, GOOD) and err == ""


def test_a_password_in_the_arguments_works_with_a_warning(station_file, tmp_path, capsys):
    rc, path, err = _export(station_file, tmp_path, capsys, "--password", GOOD)
    assert rc == 0 and _opens_with(path, GOOD)
    assert "ps" in err and "STATION_APP_EXPORT_PASSWORD" in err


@pytest.mark.parametrize("args", [[], ["--password"]])
def test_no_source_or_a_bare_password_flag_asks_at_a_prompt(args, station_file, tmp_path, capsys, monkeypatch):
    asked = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": asked.append(prompt) or GOOD)
    monkeypatch.setattr(sys, "stdin", _Terminal())  # a clerk at a terminal
    rc, path, _err = _export(station_file, tmp_path, capsys, *args)
    assert rc == 0 and _opens_with(path, GOOD) and len(asked) == 2  # typed twice


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_with_no_terminal_to_ask_it_says_where_a_password_can_come_from(station_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO())  # a scheduled task: nobody to type
    rc, path, err = _export(station_file, tmp_path, capsys)
    assert rc == 2 and path == "" and not list((tmp_path / "stick").glob("*.zip"))
    assert "STATION_APP_EXPORT_PASSWORD" in err and "--password-file" in err and "--no-encrypt" in err


def test_a_short_password_is_refused_and_nothing_written(station_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("STATION_APP_EXPORT_PASSWORD", "机密2026")
    rc, out, err = _export(station_file, tmp_path, capsys)
    assert rc == 2 and "至少 12 个字符" in err and out == ""
    assert not (tmp_path / "stick").exists()


def test_no_encrypt_states_the_risk(station_file, tmp_path, capsys):
    rc, path, err = _export(station_file, tmp_path, capsys, "--no-encrypt")
    assert rc == 0 and "不加密" in err and "泄露" in err
    with zipfile.ZipFile(path) as zf:
        assert not any(i.flag_bits & 1 for i in zf.infolist()) and zf.read("manifest.json")
    assert Path(path).is_file()
    rc, _out, err = _export(station_file, tmp_path, capsys, "--no-encrypt", "--password", GOOD)
    assert rc == 2 and "--no-encrypt" in err
