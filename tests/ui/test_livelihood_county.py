"""民生实事项目票决制 in the county: two stations' packages (each a year of projects, votes, a
completed project and its 评单) imported into a county database; 数据交换 › 全县汇总 compares the
stations' 票决民生实事 and 已完成 beside the other figures, with their definitions; the 民生实事 page
on 全县 lists every station's projects, read-only, on a small screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from station_app.db import close_database, open_database
from station_app.services import exchange, livelihood, station
from tests.conftest import TEST_STATION
from tests.county_data import COUNTY, SECOND
from tests.integration.test_livelihood import Y, _small_year

SHOTS = Path("/tmp/l3png")
T01, T02 = TEST_STATION.name, SECOND.name


def livelihood_packages(base: Path) -> list[str]:
    """T01: 4 projects, 2 approved, 1 completed; T02: 3 projects, 1 approved, 1 completed — each
    made in its own SQLite file and exported as a full package."""
    out = []
    for profile, args in ((TEST_STATION, (4, 2, ("satisfied", "dissatisfied", "basically_satisfied"))),
                          (SECOND, (3, 1, ("dissatisfied", "dissatisfied")))):
        open_database(str(base / profile.code / "station.db"))
        try:
            station.save_home_station(profile)
            _small_year(*args)
            out.append(exchange.export_package(base / "stick", full=True, password="").path)
        finally:
            close_database()
    return [str(p) for p in out]


def _county(open_window, tmp_path):
    packages = livelihood_packages(tmp_path / "stations")
    win = open_window(str(tmp_path / "county.db"))
    station.save_home_station(COUNTY)
    reports = exchange.import_packages(packages, password="", enroll=True)
    assert [r.status for r in reports] == ["imported", "imported"], [r.reason for r in reports]
    return win


def test_the_county_compares_the_stations_livelihood_projects(open_window, qtbot, tmp_path):
    win = _county(open_window, tmp_path)
    win.resize(1024, 640)
    win.show_page("exchange")
    page = win.exchange
    page.refresh()
    page.show_tab("county")
    page.set_stats_period(dt.date(Y, 1, 1), dt.date(Y, 12, 31))
    qtbot.waitUntil(lambda: "合计" in page.station_livelihood_rows(), timeout=20000)
    qtbot.waitUntil(page.stats_busy.isHidden, timeout=20000)
    assert page.station_livelihood_rows() == {T01: ["2", "1"], T02: ["1", "1"], "合计": ["3", "2"]}
    # the definitions beside the figures: on the column headers and in the note under the table
    t = page.station_stats_table
    heads = {t.horizontalHeaderItem(c).text(): t.horizontalHeaderItem(c).toolTip() for c in range(t.columnCount())}
    assert heads["票决民生实事"] == livelihood.FIGURE_NOTES["approved"]
    assert heads["民生实事已完成"] == livelihood.FIGURE_NOTES["completed"]
    assert "全体代表过半数赞成" in page.livelihood_note.text() and "完成时间在期内" in page.livelihood_note.text()
    SHOTS.mkdir(exist_ok=True)
    page.grab().save(str(SHOTS / "county-stats.png"))


def test_the_livelihood_page_on_the_county_view_on_a_small_screen(open_window, qtbot, tmp_path):
    win = _county(open_window, tmp_path)
    win.resize(1024, 640)
    win.set_view_code(None)
    win.show_page("livelihood")
    page = win.page("livelihood")
    page.year_box.setValue(Y)
    page.refresh()
    assert page.readonly.isVisibleTo(page)
    assert len(page.collect.model.rows) == 7
    assert not page.collect.save_button.isEnabled()
    SHOTS.mkdir(exist_ok=True)
    for name, tab in (("collect", page.collect), ("vote", page.vote), ("implement", page.implement),
                      ("rating", page.rating)):
        page.tabs.setCurrentWidget(tab)
        qtbot.wait(1)
        win.grab().save(str(SHOTS / f"county-{name}.png"))
