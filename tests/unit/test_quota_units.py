"""The duty quotas are counted in SQL (issue 21: 首页 at a million receptions walked every fact of
the year in Python). ``scoring.quota_units`` must count exactly the units ``scoring.facts`` lists:
distinct records per deputy, each once even when two sources name it (a 学习培训 sign-in is both
``attendance`` and ``attendance_study``; a 走访 is both ``reception`` and ``home_visit``)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from station_app.domain import clock
from station_app.domain.scoring import AUTO_SOURCES
from station_app.services import scoring, station
from station_app.services.demo import make_demo


def _by_facts(code: str, sources, date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    have: dict[str, set] = {}
    for f in scoring.facts(date_from, date_to, code):
        if f.source in sources:
            have.setdefault(f.deputy_uid, set()).add(f.source_uid)
    return {d: len(u) for d, u in have.items()}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from station_app.db import close_database, open_database

    path = str(tmp_path_factory.mktemp("quota") / "demo.db")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STATION_APP_DATA_DIR", str(tmp_path_factory.mktemp("appdata")))
        open_database(path)
        make_demo(seed=5, deputies=16, receptions=500)
        yield path
        close_database()


def test_sql_counts_equal_the_facts_for_every_source_and_period(demo_db):
    code = station.sole_code()
    today = clock.today()
    periods = [(dt.date(today.year, 1, 1), today), (today - dt.timedelta(days=92), today),
               (dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31))]
    singles = [(s,) for s in AUTO_SOURCES]
    pairs = [("attendance", "attendance_study"), ("reception", "home_visit"), ("case_resolved", "deputy_proposal"),
             ("attendance", "reception", "case_resolved"), tuple(AUTO_SOURCES)]
    nonzero = 0
    for (lo, hi), sources in itertools.product(periods, singles + pairs):
        want = _by_facts(code, sources, lo, hi)
        got = scoring.quota_units(code, sources, lo, hi)
        assert got == want, (sources, lo, hi)
        nonzero += bool(want)
    assert nonzero >= 20  # the demo year has units of almost every kind: the comparison means something


def test_the_shortfalls_are_those_the_facts_give(demo_db):
    """The 首页 tile and the 任务完成情况 tab: who is behind each quota, from the same counts."""
    today = clock.today()
    code = station.sole_code()
    rs = scoring.applied_rules(today.year, code)
    assert rs.quotas, "the default rules carry quotas"
    got = scoring.quota_shortfalls(today)
    q_from, _ = scoring.quarter_bounds(today.year, scoring.quarter_of(today))
    expected = []
    from station_app.db.models import Deputy

    people = list(Deputy.alive().where(Deputy.station_code == code, Deputy.active == True)  # noqa: E712
                  .order_by(Deputy.sort_order, Deputy.name))
    for quota in rs.quotas:
        lo = q_from if quota.period == "quarter" else dt.date(today.year, 1, 1)
        have = _by_facts(code, quota.sources, lo, today)
        expected += [(p.uid, quota.name, have.get(p.uid, 0)) for p in people if have.get(p.uid, 0) < quota.minimum]
    assert [(s.deputy_uid, s.quota, s.have) for s in got] == expected
