"""Fixtures of the integration tests: a throw-away database on the PostgreSQL server of the county
path (``STATION_APP_TEST_PG``)."""

from __future__ import annotations

import os
import uuid

import pytest

from station_app.db import close_database


@pytest.fixture
def pg_url():
    """The URL of a new, empty database on ``STATION_APP_TEST_PG`` (dropped afterwards). Skips when
    the variable is not set (CI, which sets it, turns any skip into a failure)."""
    base = os.environ.get("STATION_APP_TEST_PG")
    if not base:
        pytest.skip("STATION_APP_TEST_PG is not set (no PostgreSQL server)")
    psycopg2 = pytest.importorskip("psycopg2")
    name = f"station_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(base)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
    url = base.rsplit("/", 1)[0] + "/" + name
    yield url
    close_database()
    # a backend may still be on its way out a moment after the app closed its connection
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()
