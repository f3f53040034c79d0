"""Shared fixtures: every test gets its own data dir and real SQLite file in tmp_path."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from station_app.db import close_database, open_database  # noqa: E402
from station_app.domain.records import StationProfile  # noqa: E402

TEST_STATION = StationProfile(code="T01", name="测试镇人大代表联络站", township="测试镇", county="测试县",
                              address="测试镇政府一楼", phone="0534-5123456")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """No test ever touches the real user data dir or QSettings."""
    data = tmp_path / "appdata"
    monkeypatch.setenv("STATION_APP_DATA_DIR", str(data))
    monkeypatch.delenv("STATION_APP_DB", raising=False)
    monkeypatch.delenv("STATION_APP_PORTABLE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    yield


@pytest.fixture(autouse=True)
def _nobody_logged_in_after():
    """The logged-in user is process-wide (services/context): a test that logs someone in must not
    hand that user to the tests after it, nor a database key it unwrapped."""
    yield
    from station_app.db import connection
    from station_app.services import context

    context.set_user(None)
    connection.forget_key()


def demo_database(folder, **demo):
    """A demo database made once in ``folder`` (``make_demo(**demo)``), closed: module-scoped
    fixtures copy it for each test."""
    from station_app.demo.make import make_demo

    path = folder / "demo.db"
    open_database(str(path))
    try:
        make_demo(**demo)
    finally:
        close_database()
    return path


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "station.db")


@pytest.fixture
def db(db_path):
    """A fresh, migrated SQLite database (no station yet)."""
    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture
def station_db(db):
    """A fresh database with the home station saved."""
    from station_app.services import station

    station.save_home_station(TEST_STATION)
    return db


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (``STATION_APP_CI=1``, set by .ci/run) a skipped test is a failure: a missing tool or
    server there must not pass silently."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("STATION_APP_CI") == "1":
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which forbids skips: {report.longrepr}"
