"""The demo's 民生实事 projects name a village only where the title starts with one (南山村危桥加固),
never a cut of the title (村卫生室标准化建设 once showed its village as “村卫生”)."""

from __future__ import annotations

import datetime as dt

from station_app.demo.make import make_demo
from station_app.domain import clock
from station_app.services import livelihood


def test_demo_projects_name_a_village_only_where_the_title_starts_with_one(station_db, monkeypatch):
    now = dt.datetime(2026, 11, 20, 9, 0, tzinfo=clock.zone())  # late in a year: its projects are all there
    monkeypatch.setattr(clock, "now", lambda: now)
    make_demo(seed=1, deputies=8, receptions=60)
    projects = livelihood.list_projects(2026)
    assert projects, "the demo fills this year's projects"
    villages = {p.title: p.village for p in projects}
    assert villages["南山村危桥加固"] == "南山村"
    assert villages["村卫生室标准化建设"] == "" and villages["村级养老服务站建设"] == ""
    assert all(v == "" or (t.startswith(v) and v.endswith("村")) for t, v in villages.items()), villages
