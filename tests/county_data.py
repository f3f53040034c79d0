"""Two stations' 履职 records, made through the services in their own SQLite files and exported as
real packages, for the tests of the county's ranking across stations (service and page).

What the packages hold for ``YEAR`` (points as the stations stored them, default rules):

=====  ========  ==========================================================  =================
站点    代表       records                                                     counts (default)
=====  ========  ==========================================================  =================
T01    王建国     A01 出席乡镇人代会 5 + B01 提出代表建议 3, both reviewed            8
T01    李秀英     A02 列席主席团会议 ×2 = 4 reviewed; A04 发言 2 *not reviewed*     4 (1 pending)
T01    张伟       A01 5 reviewed, then set 不在任                                   — (inactive)
T02    赵敏       E02 执法检查 ×3 = 6 reviewed                                      6 (4 if E02 cap 4)
T02    孙丽       present at a held 代表活动日 (automatic A03, 2); B02 5 not reviewed  2 (1 pending)
T02    陈刚       A01 5 + B01 3 reviewed, then deleted                           — (deleted)
=====  ========  ==========================================================  =================
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from station_app.db import close_database, open_database
from station_app.domain.records import DeputyData, StationProfile
from station_app.domain.scoring import RuleSet, default_rules
from station_app.services import activity, deputies, exchange, scoring, station
from tests.conftest import TEST_STATION

YEAR = 2026
SECOND = StationProfile(code="T02", name="邻镇人大代表联络站", township="邻镇", county="测试县",
                        address="邻镇政府", phone="0534-5123457")
COUNTY = StationProfile(code="C00", name="测试县人大常委会代表工委", township="", county="测试县",
                        address="县人大常委会", phone="0534-5123400")


def _day(month: int, day: int) -> dt.date:
    return dt.date(YEAR, month, day)


def _manual(uid: str, day: dt.date, code: str, quantity: float = 1, evidence: Path | None = None,
            reviewed: bool = True) -> None:
    rec = scoring.add_manual(uid, day, code, quantity, note=f"{code} 事由", evidence=evidence)
    if reviewed:
        scoring.review(rec.uid)


def _people(*names: str) -> list[str]:
    return [deputies.create(DeputyData(name=n, levels=("township",))).uid for n in names]


def station_packages(base: Path) -> tuple[Path, Path]:
    """Build the two station databases under ``base`` and return their full packages (T01, T02)."""
    evidence = base / "佐证.pdf"
    base.mkdir(parents=True, exist_ok=True)
    evidence.write_bytes("%PDF-1.4 会议通知和签到表".encode())
    stick = base / "stick"

    open_database(str(base / "t01" / "station.db"))
    try:
        station.save_home_station(TEST_STATION)
        wang, li, zhang = _people("王建国", "李秀英", "张伟")
        _manual(wang, _day(3, 10), "A01", evidence=evidence)
        _manual(wang, _day(3, 20), "B01", evidence=evidence)
        _manual(li, _day(3, 12), "A02", 2)
        _manual(li, _day(4, 2), "A04", reviewed=False)
        _manual(zhang, _day(3, 10), "A01", evidence=evidence)
        deputies.set_active(zhang, False)
        first = Path(exchange.export_package(stick, full=True, password="").path)
    finally:
        close_database()

    open_database(str(base / "t02" / "station.db"))
    try:
        station.save_home_station(SECOND)
        zhao, sun, chen = _people("赵敏", "孙丽", "陈刚")
        _manual(zhao, _day(3, 5), "E02", 3)
        _manual(sun, _day(4, 20), "B02", evidence=evidence, reviewed=False)
        _manual(chen, _day(3, 10), "A01", evidence=evidence)
        _manual(chen, _day(3, 11), "B01", evidence=evidence)
        deputies.delete(chen)
        day = activity.add_day(_day(4, 15))
        activity.sign_in(day.uid, {sun: "present"})
        scoring.sync_auto(YEAR)  # the automatic record of the sign-in (A03, 2 points)
        second = Path(exchange.export_package(stick, full=True, password="").path)
    finally:
        close_database()
    return first, second


def county_rules() -> RuleSet:
    """The county's own 指标设置 for ``YEAR``: the default set with full marks 20 and a cap of 4 on
    E02 (赵敏's 6 points count 4)."""
    rs = default_rules(YEAR)
    return dataclasses.replace(rs, full_marks=20.0, indicators=tuple(
        dataclasses.replace(i, cap=4.0) if i.code == "E02" else i for i in rs.indicators))
