"""Real data in a real SQLite file, and the three ways a file gets damaged (issue 18)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import struct
from pathlib import Path

from station_app.domain import clock
from station_app.domain.records import DeputyData, OpinionData, ReceptionData, StationProfile


def fill(visits: int = 60, profile: StationProfile | None = None) -> dict:
    """A station, three deputies and ``visits`` receptions (every third with an opinion) in the
    open database. Returns the counts, as the backup list shows them."""
    from station_app.services import deputies, receptions, station
    from tests.conftest import TEST_STATION

    station.save_home_station(profile or TEST_STATION)
    people = [deputies.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英", "张伟")]
    start = clock.now().replace(microsecond=0) - dt.timedelta(days=visits + 1)
    for i in range(visits):
        opinions = [OpinionData(f"第{i}号：村道破损，雨天积水，群众出行不便，请求尽快修缮。" * 3, "infrastructure",
                                "assigned", department="镇农业农村办")] if i % 3 == 0 else []
        receptions.record_visit(ReceptionData(
            received_at=start + dt.timedelta(days=i, hours=9), channel="visit", visitor_name=f"来访人{i}",
            visitor_phone="13812341234", village="前进村", visitor_count=1, deputy_uids=(people[i % 3],),
            summary=f"反映第{i}件事：" + "道路、饮水、医保等民生问题。" * 5), opinions)
    return {"deputies": 3, "receptions": visits, "cases": (visits + 2) // 3}


def counts(file: str | Path) -> tuple[int, int, int]:
    con = sqlite3.connect(str(file))
    try:
        return tuple(con.execute(f'SELECT count(*) FROM "{t}" WHERE deleted_at IS NULL').fetchone()[0]
                     for t in ("deputy", "reception", "case"))
    finally:
        con.close()


def page_size(file: Path) -> int:
    with open(file, "rb") as handle:
        head = handle.read(100)
    return struct.unpack(">H", head[16:18])[0]


def truncate(file: Path) -> None:
    """Cut the file in the middle of a page (a copy broken off, a stick pulled)."""
    size = file.stat().st_size
    with open(file, "r+b") as handle:
        handle.truncate(size // 2 + 100)


def damage_pages(file: Path) -> None:
    """Overwrite pages in the middle of the file with garbage (bad sectors)."""
    ps = page_size(file)
    pages = file.stat().st_size // ps
    with open(file, "r+b") as handle:
        for n in range(pages // 2, pages // 2 + 3):
            handle.seek(n * ps)
            handle.write(bytes((7 * i + n) % 251 for i in range(ps)))


def damage_header(file: Path) -> None:
    with open(file, "r+b") as handle:
        handle.write(b"\x00GARBAGE-HEADER\x00")
