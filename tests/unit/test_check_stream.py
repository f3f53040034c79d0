"""``station-app check`` streams (issue 21 item 5b): the memory it holds while checking receptions,
cases and their timelines does not grow with the rows — one case's timeline at a time, a missing
reception found by the database, not a set of every uid."""

from __future__ import annotations

import datetime as dt
import tracemalloc

from station_app.db import close_database, open_database
from station_app.services import check, deputies, station
from station_app.services.demo_receptions import generate
from tests.conftest import TEST_STATION


def _peak_of_the_case_check(path, rows: int) -> int:
    """Peak bytes Python allocates while the check walks receptions and cases of a database of
    ``rows`` demo receptions (SQLite's own page cache is not Python's: not counted)."""
    from station_app.domain.records import DeputyData

    open_database(str(path))
    try:
        station.save_home_station(TEST_STATION)
        people = [deputies.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英")]
        generate(rows, seed=3, station_code=TEST_STATION.code, deputy_uids=people, activity_days=[],
                 today=dt.date(2026, 6, 15))
        found: list[str] = []
        tracemalloc.start()
        check._check_receptions_and_cases(found.append, found.append)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert found == []
        return peak
    finally:
        close_database()


def test_the_case_check_holds_the_same_memory_for_five_times_the_rows(tmp_path):
    small = _peak_of_the_case_check(tmp_path / "small.db", 300)
    big = _peak_of_the_case_check(tmp_path / "big.db", 1500)
    # holding every reception uid and every case's events, 1,200 more receptions (~2,600 more
    # events) cost ~1 MB; streamed, the peak is one row and one timeline whatever the size
    assert big - small < 150_000, (small, big)
