"""The county ranks deputies across stations (``scoring.county_ranking``): two stations' real
packages (tests/county_data.py) merged into a county database — a SQLite file and, for the county
server, PostgreSQL — and scored with the county's own 指标设置."""

from __future__ import annotations

import pytest

from station_app.db import close_database, open_database
from station_app.services import exchange, scoring, station
from tests.county_data import COUNTY, YEAR, county_rules, station_packages


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    base = tmp_path_factory.mktemp("stations")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STATION_APP_DATA_DIR", str(base / "appdata"))
        return station_packages(base)


def _rows(ranking) -> list[tuple]:
    return [(s.rank, s.name, s.station_code, s.station_name, s.raw, s.pending) for s in ranking]


def _check_county_ranking(packages) -> None:
    """Run on an open, empty county database."""
    station.save_home_station(COUNTY)
    reports = exchange.import_packages([str(p) for p in packages], password="", enroll=True)
    assert [r.status for r in reports] == ["imported", "imported"], [r.reason for r in reports]

    # never applied at the county: the default set (full marks 60); E02 counts its 6 points
    ranked = scoring.county_ranking(YEAR)
    assert _rows(ranked) == [
        (1, "王建国", "T01", "测试镇人大代表联络站", 8.0, 0),
        (2, "赵敏", "T02", "邻镇人大代表联络站", 6.0, 0),
        (3, "李秀英", "T01", "测试镇人大代表联络站", 4.0, 1),  # A04 not reviewed: pending, not counted
        (4, "孙丽", "T02", "邻镇人大代表联络站", 2.0, 1),  # the automatic sign-in counts, B02 is pending
    ]  # 张伟 (不在任) and 陈刚 (deleted) are left out
    assert ranked[0].score100 == round(8 / 60 * 100, 1)

    # the county applies its own 指标设置: E02 capped at 4 → 赵敏 and 李秀英 share rank 2
    scoring.save_rules(county_rules())
    scoring.recompute(YEAR)
    rs = scoring.county_rules(YEAR)
    assert rs.full_marks == 20.0
    ranked = scoring.county_ranking(YEAR)
    assert _rows(ranked) == [
        (1, "王建国", "T01", "测试镇人大代表联络站", 8.0, 0),
        (2, "李秀英", "T01", "测试镇人大代表联络站", 4.0, 1),
        (2, "赵敏", "T02", "邻镇人大代表联络站", 4.0, 0),
        (4, "孙丽", "T02", "邻镇人大代表联络站", 2.0, 1),
    ]
    # the year is not closed: no final grade, the 合格进度 against the pass line (60) instead
    from station_app.domain import clock
    from station_app.domain.scoring import as_of_date, progress

    on = as_of_date(YEAR, clock.today())
    assert [(s.score100, s.grade, s.progress) for s in ranked] == [(v, "", progress(rs, v, YEAR, on))
                                                                   for v in (40.0, 20.0, 20.0, 10.0)]
    assert ranked[2].by_category == {"主题活动": 4.0}

    # one station, or a choice of stations; ranks are counted within the choice
    assert _rows(scoring.county_ranking(YEAR, ["T02"])) == [
        (1, "赵敏", "T02", "邻镇人大代表联络站", 4.0, 0),
        (2, "孙丽", "T02", "邻镇人大代表联络站", 2.0, 1),
    ]
    assert [s.name for s in scoring.county_ranking(YEAR, ["T01", "T02"])] == [s.name for s in ranked]
    assert scoring.county_ranking(YEAR, []) == [] and scoring.county_ranking(YEAR, ["C00"]) == []
    # another year has no records: every deputy 0, all sharing rank 1
    assert {(s.rank, s.raw) for s in scoring.county_ranking(YEAR - 1)} == {(1, 0.0)}


def test_county_ranking_across_stations(packages, tmp_path):
    open_database(str(tmp_path / "county.db"))
    try:
        _check_county_ranking(packages)
    finally:
        close_database()


@pytest.mark.postgres
def test_county_ranking_across_stations_on_postgres(packages, pg_url):
    open_database(pg_url)
    _check_county_ranking(packages)


def test_a_county_database_without_a_profile_ranks_by_the_default_rules(packages, tmp_path):
    open_database(str(tmp_path / "county.db"))
    try:
        assert [r.status for r in exchange.import_packages([str(p) for p in packages], password="", enroll=True)] == \
            ["imported", "imported"]
        assert station.home_station() is None
        assert scoring.county_rules(YEAR).full_marks == 60.0
        assert [(s.rank, s.name, s.raw) for s in scoring.county_ranking(YEAR)] == [
            (1, "王建国", 8.0), (2, "赵敏", 6.0), (3, "李秀英", 4.0), (4, "孙丽", 2.0)]
    finally:
        close_database()


def test_the_station_ranking_is_unchanged(packages, tmp_path):
    """``ranking()`` shares the counting and rank assignment with ``county_ranking``."""
    open_database(str(tmp_path / "county.db"))
    try:
        station.save_home_station(COUNTY)
        exchange.import_packages([str(p) for p in packages], password="", enroll=True)
        assert scoring.ranking(YEAR, "C00") == []  # the county's own station has no deputies
        at_county = [(s.rank, s.name, s.raw, s.pending) for s in scoring.ranking(YEAR, "T01")]
        with pytest.raises(station.StationChoiceError, match="T01 测试镇人大代表联络站"):
            scoring.ranking(YEAR)  # several stations and none named: no guess
    finally:
        close_database()
    open_database(str(packages[0].parent.parent / "t01" / "station.db"))
    try:
        assert [(s.rank, s.name, s.raw, s.pending) for s in scoring.ranking(YEAR)] == at_county == [
            (1, "王建国", 8.0, 0), (2, "李秀英", 4.0, 1)]
        assert type(scoring.ranking(YEAR)[0]) is scoring.DeputyScore
    finally:
        close_database()
