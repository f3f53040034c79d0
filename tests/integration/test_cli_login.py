"""``--user`` on a protected (encrypted) database, run as a real process (EXCHANGE_FORMAT §1)."""

import os
import subprocess
import sys

import pytest

from station_app.db import close_database, connection, keyslots, open_database
from station_app.services import context, users
from tests.integration.test_cli_foundation import ROOT, run

ADMIN_PW = "联络站管理2026"
STATS = ("stats", "--from", "2026-01-01", "--to", "2026-12-31")


@pytest.fixture
def protected_db(tmp_path):
    path = str(tmp_path / "station.db")
    assert run("demo", "--db", path, "--deputies", "5", "--receptions", "3").returncode == 0
    open_database(path)
    users.create_first_admin("管理员甲", ADMIN_PW, protect=path)
    close_database()
    connection.forget_key()
    context.set_user(None)
    assert users.is_protected(path)
    return path


def test_user_and_password_from_the_environment_open_a_protected_database(protected_db):
    env = {"STATION_APP_PASSWORD": ADMIN_PW}
    res = run("--user", "管理员甲", *STATS, "--db", protected_db, env_extra=env)
    assert res.returncode == 0, res.stderr
    assert "接待" in res.stdout

    res = run(*STATS, "--db", protected_db, env_extra=env)  # no --user
    assert res.returncode == 2 and "--user" in res.stderr and "加密" in res.stderr

    env_no_pw = {k: v for k, v in os.environ.items() if k != "STATION_APP_PASSWORD"}
    res = subprocess.run([sys.executable, str(ROOT / "main.py"), "--user", "管理员甲", *STATS, "--db", protected_db],
                         capture_output=True, text=True, env=env_no_pw, stdin=subprocess.DEVNULL, timeout=120)
    assert res.returncode == 2 and "STATION_APP_PASSWORD" in res.stderr  # no terminal to prompt on

    res = run("--user", "管理员甲", *STATS, "--db", protected_db, env_extra={"STATION_APP_PASSWORD": "wrong-password"})
    assert res.returncode == 1 and "不对" in res.stderr
    assert keyslots.read_guard(protected_db, "管理员甲")["failures"] == 1  # counted


def test_a_plain_database_works_without_user_as_before(tmp_path):
    path = str(tmp_path / "plain.db")
    assert run("demo", "--db", path, "--deputies", "5", "--receptions", "3").returncode == 0
    res = run(*STATS, "--db", path)
    assert res.returncode == 0, res.stderr
