"""数据交换 page driven with real widgets over real SQLite files: export to a folder, a failing
export, import into a second (county) database, importing again, and the county view whose figures
are exactly ``stats.statistics(...).by_station``. Also ``ui/drives.removable_volumes``."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from station_app.db import close_database
from station_app.db.models import Station
from station_app.domain import clock
from station_app.domain.records import DeputyData, OpinionData, ReceptionData, StationProfile
from station_app.services import deputies, receptions, scoring, station, stats
from station_app.ui import drives
from station_app.ui.pages.stats import FIGURES, format_figure
from tests.conftest import TEST_STATION
from tests.county_data import COUNTY, YEAR, county_rules, station_packages

NAME = re.compile(r"(?P<code>[A-Za-z0-9_-]+)_(?P<from>\d{8})-(?P<to>\d{8})_(?P<created>\d{8}T\d{6})\.zip")
SECOND = StationProfile(code="T02", name="邻镇人大代表联络站", township="邻镇", county="测试县",
                        address="邻镇政府", phone="0534-5123457")


def _at(y: int, m: int, d: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, hour, 0, tzinfo=clock.zone())


NOW = _at(2026, 5, 20, 15)
_clock = {"now": NOW}


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """``clock.now`` is NOW, except while a visit is recorded (a visit is "now" for its own checks)."""
    _clock["now"] = NOW
    monkeypatch.setattr(clock, "now", lambda: _clock["now"])


def _visit(when: dt.datetime, data: ReceptionData, opinions) -> None:
    _clock["now"] = when + dt.timedelta(minutes=1)
    try:
        receptions.record_visit(data, opinions)
    finally:
        _clock["now"] = NOW


def fill_station(profile: StationProfile = TEST_STATION, visitors: int = 3) -> None:
    """A station with two deputies, two visits and three opinions (one answered on the spot)."""
    station.save_home_station(profile)
    a = deputies.create(DeputyData(name="王建国", levels=("township",))).uid
    b = deputies.create(DeputyData(name="李秀英", levels=("county", "township"))).uid
    _visit(_at(2026, 3, 18), ReceptionData(_at(2026, 3, 18), "visit", "来访人", village="东关村",
                                           visitor_count=visitors, deputy_uids=(a,)),
           [OpinionData("路灯不亮", "infrastructure", reply="已报修"),
            OpinionData("村道破损", "infrastructure", "assigned", department="镇交通所",
                        deadline=dt.date(2026, 4, 30))])
    _visit(_at(2026, 4, 8), ReceptionData(_at(2026, 4, 8), "visit", "来访人", village="西村", visitor_count=2,
                                          deputy_uids=(a, b)),
           [OpinionData("卫生室缺药", "health", reply="已联系镇卫生院")])


# -- drives -----------------------------------------------------------------------------------------

def test_removable_volumes_are_volumes_with_existing_roots(qapp):
    volumes = drives.removable_volumes()
    assert isinstance(volumes, list)  # often empty on a build machine: then 选择文件夹… is the way
    for v in volumes:
        assert isinstance(v, drives.Volume) and os.path.isdir(v.root)
        assert v.free >= 0 and v.total >= v.free and v.name


def test_linux_rule_takes_media_mounts_and_removable_disks(tmp_path):
    sys_root = tmp_path / "sys"
    for disk, removable, bus in (("sdb", "1", "usb1/1-1"), ("sda", "0", "pci0000:00/ata1"),
                                 ("sdc", "0", "pci0000:00/usb2/2-1")):
        real = sys_root / "devices" / bus / "block" / disk
        (real / f"{disk}1").mkdir(parents=True)
        (real / "removable").write_text(removable + "\n")
        (sys_root / "class" / "block").mkdir(parents=True, exist_ok=True)
        (sys_root / "class" / "block" / disk).symlink_to(real)
        (sys_root / "class" / "block" / f"{disk}1").symlink_to(real / f"{disk}1")
    rule = drives.linux_is_removable
    assert rule("/media/clerk/KINGSTON", "/dev/sdx1", "vfat", str(sys_root))
    assert rule("/run/media/clerk/U", "/dev/sdx1", "exfat", str(sys_root))
    assert rule("/mnt/usb", "/dev/sdx1", "vfat", str(sys_root))
    assert not rule("/mnt/", "/dev/sdx1", "vfat", str(sys_root))
    assert not rule("/mnt/tmp", "tmpfs", "tmpfs", str(sys_root))  # never a pseudo file system
    assert rule("/data", "/dev/sdb1", "vfat", str(sys_root))  # removable flag
    assert rule("/data", "/dev/sdc1", "ntfs", str(sys_root))  # on the USB bus
    assert not rule("/", "/dev/sda1", "ext4", str(sys_root))  # the system disk
    assert not rule("/home", "/dev/nvme0n1p2", "ext4", str(sys_root))  # not resolvable: no
    assert drives.mac_is_removable("/Volumes/KINGSTON") and not drives.mac_is_removable("/")
    assert drives.format_bytes(1536) == "2 KB" and drives.format_bytes(3 * 1024 ** 3) == "3.0 GB"


@pytest.fixture(autouse=True)
def _enrol_every_station(monkeypatch):
    """The county's admin confirms each new station's fingerprint (tests/ui/test_enrol_gui.py shows
    the dialog itself); every other question goes to Qt as usual."""
    real = QMessageBox.question

    def question(parent, title, text, *args):
        if title == "登记新的联络站":
            return QMessageBox.StandardButton.Yes
        return real(parent, title, text, *args)
    monkeypatch.setattr(QMessageBox, "question", question)


# -- the page ---------------------------------------------------------------------

def test_page_builds_on_a_station_database(open_window, qtbot, db_path):
    win = open_window(db_path)
    fill_station()
    win.show_page("exchange")
    page = win.exchange
    assert win.stack.currentWidget() is page
    assert not page.is_county() and page.county_mode.isEnabled()
    assert page.tab_order() == ["export", "import", "county"] and page.current_tab() == "export"
    assert "测试镇人大代表联络站" in page.mode_label.text()
    # no package yet: 全部数据 ticked; 加密 on by default, the password asked each time (no keyring here)
    assert page.full.isChecked() and not page.date_from.isEnabled()
    assert page.encrypt.isChecked() and "每次导出时输入" in page.password_state.text()
    assert page.volume_list.count() == len(page.volumes)
    assert page.no_volume.isHidden() == bool(page.volumes)
    page.set_folder(str(db_path + ".dir"))
    assert page.target_folder() == db_path + ".dir" and page.export_button.isEnabled()
    # 县级汇总模式 at a station: 导入 and 各站情况 come first, and it is remembered
    page.county_mode.setChecked(True)
    assert page.is_county() and page.tab_order() == ["import", "county", "export"]
    assert page.current_tab() == "import"
    page.show_tab("export")
    assert page.current_tab() == "export"
    page.county_mode.setChecked(False)
    assert page.tab_order()[0] == "export"


def test_volumes_are_listed_and_the_first_writable_one_is_the_target(open_window, qtbot, db_path, tmp_path,
                                                                      monkeypatch):
    ro, stick = tmp_path / "CDROM", tmp_path / "KINGSTON"
    ro.mkdir()
    stick.mkdir()
    found = [drives.Volume("CDROM", str(ro), 0, 700 * 1024 ** 2, True),
             drives.Volume("KINGSTON", str(stick), 3 * 1024 ** 3, 16 * 1024 ** 3, False)]
    monkeypatch.setattr(drives, "removable_volumes", lambda: list(found))
    win = open_window(db_path)
    fill_station()
    win.show_page("exchange")
    page = win.exchange
    assert page.volume_list.count() == 2 and page.no_volume.isHidden()
    assert "只读" in page.volume_list.item(0).text() and "可用 3.0 GB / 共 16.0 GB" in page.volume_list.item(1).text()
    assert page.target_folder() == str(stick) and str(stick) in page.target_label.text()
    page.set_folder(str(tmp_path))  # 选择文件夹… wins over the list
    assert page.target_folder() == str(tmp_path) and page.volume_list.currentRow() == -1
    page.volume_list.setCurrentRow(1)
    assert page.target_folder() == str(stick)
    found.clear()  # the stick was pulled out: 刷新
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    assert page.volume_list.count() == 0 and not page.no_volume.isHidden()
    assert page.target_folder() is None and not page.export_button.isEnabled()


def test_page_builds_on_a_county_database(open_window, qtbot, db_path):
    win = open_window(db_path)
    fill_station()
    Station.create(code="T02", name="邻镇人大代表联络站", township="邻镇", county="测试县")
    win.show_page("exchange")
    page = win.exchange
    assert page.is_county() and page.county_mode.isChecked() and not page.county_mode.isEnabled()
    assert page.tab_order() == ["import", "county", "export"] and page.current_tab() == "import"
    assert "2 个联络站" in page.mode_label.text()
    page.show_tab("county")
    page.set_stats_period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    s = stats.statistics(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    rows = page.station_stats_rows()
    for code, name in (("T01", "测试镇人大代表联络站"), ("T02", "邻镇人大代表联络站")):
        assert rows[name] == [format_figure(k, getattr(s.by_station[code], k)) for k, _t, _u in FIGURES]
    assert rows["合计"][1] == str(s.figures.receptions) == "2"
    assert page.chart_labels == ["测试镇人大代表联络站", "邻镇人大代表联络站"]
    assert [page.chart_sets["receptions"].at(i) for i in range(2)] == [2, 0]
    assert [page.chart_sets["cases_collected"].at(i) for i in range(2)] == [3, 0]
    # the home station holds data here, so it is listed with the others
    assert [r[0] for r in page.station_rows()] == ["T01", "T02"]
    page.set_ranking_station("T02")  # no deputies there: the table is empty and says so
    assert page.ranking_rows() == [] and not page.ranking_empty.isHidden()


def test_a_county_of_many_stations_charts_one_row_of_bars_a_station(open_window, qtbot, db_path):
    """Columns for 90 stations are unreadable (labels over labels): past CHART_COLUMNS_MAX the
    chart turns to rows, the first station on top, as tall as the rows need."""
    from PySide6.QtCharts import QBarSeries, QHorizontalBarSeries

    from station_app.ui.pages.exchange import CHART_COLUMNS_MAX, CHART_HEIGHT

    win = open_window(db_path)
    fill_station()
    win.show_page("exchange")
    page = win.exchange
    page.show_tab("county")
    page.set_stats_period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert isinstance(page.chart_view.chart().series()[0], QBarSeries)
    assert page.chart_view.minimumHeight() == CHART_HEIGHT
    for i in range(2, CHART_COLUMNS_MAX + 2):
        Station.create(code=f"T{i:02d}", name=f"第{i}镇人大代表联络站", township=f"第{i}镇", county="测试县")
    page.refresh()
    page.set_stats_period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    n = CHART_COLUMNS_MAX + 1
    series = page.chart_view.chart().series()[0]
    assert isinstance(series, QHorizontalBarSeries)
    # drawn from the bottom up: the first station is the last category, on top
    assert page.chart_labels[-1] == "测试镇人大代表联络站" and len(page.chart_labels) == n
    assert page.chart_sets["receptions"].at(n - 1) == 2
    assert page.chart_view.minimumHeight() > CHART_HEIGHT + 20 * n


def test_the_county_ranks_deputies_across_stations(open_window, qtbot, tmp_path):
    first, second = station_packages(tmp_path / "stations")  # T01 and T02, made in their own files
    win = open_window(str(tmp_path / "county.db"))
    station.save_home_station(COUNTY)
    scoring.save_rules(county_rules())  # the county's 指标设置: full marks 20, E02 capped at 4
    scoring.recompute(YEAR)
    win.show_page("exchange")
    page = win.exchange
    with qtbot.waitSignal(page.imported):
        page.import_files([str(first), str(second)])
    assert [r[1] for r in page.result_rows()] == ["已导入", "已导入"]
    page.show_tab("county")
    assert page.ranking_year.value() == YEAR == clock.today().year
    assert page.ranking_station.currentText() == "全部联络站"
    # the county's own profile (C00, no data of its own) is not listed as a station anywhere
    assert [page.ranking_station.itemData(i) for i in range(page.ranking_station.count())] == \
        [None, "T01", "T02"]
    assert [r[0] for r in page.station_rows()] == ["T01", "T02"]
    assert set(page.station_stats_rows()) == {"测试镇人大代表联络站", "邻镇人大代表联络站", "合计"}
    from station_app.domain.scoring import as_of_date, progress

    def grade(score100: float, year: int = YEAR) -> str:  # no year is closed: the 合格进度, not a grade
        return f"{progress(county_rules(), score100, year, as_of_date(year, clock.today()))}%"

    t01, t02 = "测试镇人大代表联络站", "邻镇人大代表联络站"
    # pending manual records do not count; 张伟 (不在任) and 陈刚 (deleted) are not listed
    assert page.ranking_rows() == [
        ["1", "王建国", t01, "8", "40.0", grade(40.0)],
        ["2", "李秀英", t01, "4", "20.0", grade(20.0)],
        ["2", "赵敏", t02, "4", "20.0", grade(20.0)],  # 6 points of E02, capped at 4 by the county
        ["4", "孙丽", t02, "2", "10.0", grade(10.0)],
    ]
    assert "1 条手工记录待审核" in page.ranking_table.item(1, 3).toolTip()
    assert page.ranking_table.horizontalHeaderItem(5).text() == "等次 / 合格进度"
    assert "年度未结束：合格进度 = 百分制得分" in page.ranking_table.item(0, 5).toolTip()
    assert "指标设置" in page.ranking_hint.text() and "满分 20 分" in page.ranking_hint.text()
    assert page.ranking_empty.isHidden()

    # the station filter narrows the table, ranks counted within the station
    page.ranking_station.setCurrentIndex(page.ranking_station.findData("T02"))
    assert page.ranking_rows() == [["1", "赵敏", t02, "4", "20.0", grade(20.0)],
                                   ["2", "孙丽", t02, "2", "10.0", grade(10.0)]]
    # another year: no records, everyone shares the first place; the station chosen stays
    page.set_ranking_station("T01")
    page.ranking_year.setValue(YEAR - 1)
    # (equal scores in the official order of names: 王 has 4 strokes, 李 7)
    assert page.ranking_rows() == [["1", "王建国", t01, "0", "0.0", grade(0.0, YEAR - 1)],
                                   ["1", "李秀英", t01, "0", "0.0", grade(0.0, YEAR - 1)]]
    page.refresh()  # the county view refreshing keeps the year and station chosen
    assert page.ranking_year.value() == YEAR - 1 and page.ranking_station.currentData() == "T01"
    assert len(page.ranking_rows()) == 2
    page.set_ranking_station(None)
    page.set_ranking_year(YEAR)
    assert [r[1] for r in page.ranking_rows()] == [s.name for s in scoring.county_ranking(YEAR)]


def test_encrypting_without_a_password_is_stopped_at_the_page(open_window, qtbot, db_path, tmp_path):
    win = open_window(db_path)
    fill_station()
    win.show_page("exchange")
    page = win.exchange
    page.encrypt.setChecked(True)
    page.export_to(str(tmp_path / "out"))
    assert "密码" in page.message.text() and page.message.property("kind") == "error"
    page.export_password.setText("短密码2026")  # 6 characters: refused at the field
    page.export_to(str(tmp_path / "out"))
    assert "至少 12 个字符" in page.message.text() and page.message.property("kind") == "error"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


# -- export and import through the page -----------------------------------------------------------------------------------

def _export_through_page(page, out: Path) -> Path:
    out.mkdir(exist_ok=True)
    if page.encrypt.isChecked() and not page.export_password.text():
        page.encrypt.setChecked(False)  # as before encryption became the default (no confirmation: not a click)
    page.export_to(str(out))
    zips = list(out.glob("*.zip"))
    assert len(zips) == 1, page.message.text()
    return zips[0]


def test_the_reports_box_adds_the_ledger_and_summary_and_is_remembered(open_window, qtbot, tmp_path):
    win = open_window(str(tmp_path / "station.db"))
    fill_station()
    win.show_page("exchange")
    page = win.exchange
    assert not page.reports.isChecked()  # off unless the clerk asks: the data is whole either way
    with zipfile.ZipFile(_export_through_page(page, tmp_path / "plain")) as z:
        assert not [n for n in z.namelist() if n.startswith("reports/")]
    assert "台账" not in page.result_info.text()
    page.reports.click()
    assert page.reports.isChecked()
    with zipfile.ZipFile(_export_through_page(page, tmp_path / "with")) as z:
        assert {"reports/台账.xlsx", "reports/汇总.pdf"} <= set(z.namelist())
    assert "附：台账和汇总" in page.result_info.text()
    win.close()
    close_database()
    again = open_window(str(tmp_path / "station.db"))
    again.show_page("exchange")
    assert again.exchange.reports.isChecked()  # the clerk's choice stays
    again.close()
    close_database()


def test_export_import_again_and_the_county_view(open_window, qtbot, tmp_path, monkeypatch):
    station_db = str(tmp_path / "station.db")
    win = open_window(station_db)
    fill_station()
    win.show_page("exchange")
    page = win.exchange
    with qtbot.waitSignal(page.exported) as sig:
        pkg = _export_through_page(page, tmp_path / "stick")
    assert sig.args == [str(pkg)]
    m = NAME.fullmatch(pkg.name)
    assert m and m["code"] == "T01", pkg.name
    assert zipfile.is_zipfile(pkg)
    # the result: path, size, counts per table, 打开所在文件夹
    assert not page.result_box.isHidden() and str(pkg) in page.result_path.text()
    counts = page.result_counts()
    assert counts["代表"] == "2" and counts["接待登记"] == "2" and counts["意见建议"] == "3"
    assert page.open_folder_button.isVisible() and "大小" in page.result_info.text()
    assert page.message.isHidden()
    # the next export starts where this one ended
    page.refresh()
    assert not page.full.isChecked() and page.date_to.date().toPython() == clock.today()
    win.close()
    close_database()

    # a county database: a second station's own data, then the package of the first
    county_db = str(tmp_path / "county.db")
    win2 = open_window(county_db)
    fill_station(SECOND, visitors=7)
    win2.show_page("exchange")
    page2 = win2.exchange
    page2.county_mode.setChecked(True)
    assert page2.current_tab() == "import"
    refreshed = []
    win2.home.refresh = lambda: refreshed.append("home")  # the window passes the news on
    with qtbot.waitSignal(page2.imported):
        page2.import_files([str(pkg)])
    assert refreshed
    rows = page2.result_rows()
    assert len(rows) == 1 and rows[0][0] == pkg.name and rows[0][1] == "已导入"
    assert int(rows[0][3]) > 0 and rows[0][4] == "0"
    assert "已导入 1 个" in page2.import_message.text()
    assert page2.is_county() and not page2.county_mode.isEnabled()
    codes = [r[0] for r in page2.station_rows()]
    assert "T01" in codes
    t01 = next(r for r in page2.station_rows() if r[0] == "T01")
    assert t01[1] == "测试镇人大代表联络站" and t01[2] == "1"

    # again: nothing new, every record 未变
    page2.import_files([str(pkg)])
    rows = page2.result_rows()
    assert rows[0][1] == "已导入" and rows[0][3] == "0" and rows[0][4] == "0" and int(rows[0][5]) > 0

    # the county view: one row per station equal to stats.statistics(...).by_station
    page2.show_tab("county")
    page2.set_stats_period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    s = stats.statistics(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert set(s.by_station) == {"T01", "T02"}
    shown = page2.station_stats_rows()
    for code, name in (("T01", "测试镇人大代表联络站"), ("T02", "邻镇人大代表联络站")):
        assert shown[name] == [format_figure(k, getattr(s.by_station[code], k)) for k, _t, _u in FIGURES]
    assert s.by_station["T01"].visitors == 5 and s.by_station["T02"].visitors == 9
    assert [page2.chart_sets["receptions"].at(i) for i in range(2)] == [2, 2]


def test_a_failing_export_shows_the_message_and_writes_nothing(open_window, qtbot, tmp_path):
    win = open_window(str(tmp_path / "station.db"))
    fill_station()
    win.show_page("exchange")
    page = win.exchange
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file, not a folder")
    page.export_to(str(blocker / "stick"))  # a parent that is a regular file fails for root too
    assert page.message.property("kind") == "error" and not page.message.isHidden()
    assert re.search(r"[\u4e00-\u9fff]", page.message.text())
    assert page.result_box.isHidden() and not list(tmp_path.rglob("*.zip"))
    assert page.export_button.isEnabled()  # it can simply be retried
    if os.geteuid() != 0:  # root writes into a read-only folder anyway
        ro = tmp_path / "readonly"
        ro.mkdir()
        ro.chmod(0o555)
        try:
            page.export_to(str(ro))
            assert page.message.property("kind") == "error" and not list(ro.iterdir())
        finally:
            ro.chmod(0o755)
    # retried to a good folder, it works
    _export_through_page(page, tmp_path / "good")
    assert page.message.isHidden()


def test_cancel_in_the_progress_dialog_stops_the_export(open_window, qtbot, tmp_path):
    win = open_window(str(tmp_path / "station.db"))
    fill_station()
    win.show_page("exchange")
    page = win.exchange
    steps = []

    def cancel(done, total):
        steps.append((done, total))
        page.progress_dialog.cancel()

    page.progressed.connect(cancel)
    out = tmp_path / "stick"
    out.mkdir()
    page._on_generate()  # an encrypted export, with a generated passphrase
    page.export_to(str(out))
    assert steps and "取消" in page.message.text() and not list(out.iterdir())
    assert page.progress_dialog is None and page.export_button.isEnabled()

    # 取消 during an import: the package is not imported and the database is untouched
    page.progressed.disconnect(cancel)
    pkg = _export_through_page(page, tmp_path / "good")
    page.progressed.connect(cancel)
    page.import_password.setText(page.export_password.text())
    page.import_files([str(pkg)])
    rows = page.result_rows()
    assert rows[0][1] == "已拒绝" and "取消" in rows[0][2]


def test_an_encrypted_package_needs_its_password_at_the_county(open_window, qtbot, tmp_path):
    win = open_window(str(tmp_path / "station.db"))
    fill_station()
    win.show_page("exchange")
    page = win.exchange
    assert page.export_password.isEnabled() and page.encrypt.isChecked()
    page.export_password.setText("县里给的密码2026-上半年")
    pkg = _export_through_page(page, tmp_path / "stick")
    with zipfile.ZipFile(pkg) as zf:
        assert all(info.flag_bits & 0x1 for info in zf.infolist())  # every member encrypted
    win.close()
    close_database()

    win2 = open_window(str(tmp_path / "county.db"))
    win2.show_page("exchange")
    page2 = win2.exchange
    page2.import_files([str(pkg)])
    rows = page2.result_rows()
    assert rows[0][1] == "已拒绝" and "密码" in rows[0][2] and page2.import_message.property("kind") == "error"
    assert "T01" not in [r[0] for r in page2.station_rows()]
    page2.import_password.setText("县里给的密码2026-上半年")
    page2.import_files([str(pkg)])
    rows = page2.result_rows()
    assert rows[0][1] == "已导入" and int(rows[0][3]) > 0
    assert "T01" in [r[0] for r in page2.station_rows()]


def test_a_package_missing_at_the_county_is_flagged_red(open_window, qtbot, tmp_path):
    from PySide6.QtGui import QColor

    win = open_window(str(tmp_path / "station.db"))
    fill_station()
    win.show_page("exchange")
    page = win.exchange
    _clock["now"] = NOW + dt.timedelta(hours=1)  # time moves on between the records and the package
    first = _export_through_page(page, tmp_path / "first")
    _clock["now"] = NOW + dt.timedelta(days=30)
    deputies.create(DeputyData(name="张伟", levels=("township",)))
    page.refresh()
    assert not page.full.isChecked() and page.date_from.date().toPython() == dt.date(2026, 5, 21)
    assert "上次报送" in page.period_hint.text() and first.name in page.period_hint.text()
    second = _export_through_page(page, tmp_path / "second")
    assert second.name in page.period_hint.text()  # the hint names the package just written
    assert NAME.fullmatch(second.name)["from"] == "20260521"
    assert page.result_counts()["代表"] == "1"  # only what changed since the first package
    win.close()
    close_database()

    win2 = open_window(str(tmp_path / "county.db"))
    win2.show_page("exchange")
    page2 = win2.exchange
    page2.import_files([str(second)])  # the first never reached the county
    assert page2.result_rows()[0][1] == "已导入"
    row = next(r for r in range(page2.stations_table.rowCount()) if page2.stations_table.item(r, 0).text() == "T01")
    gap = page2.stations_table.item(row, 5)
    assert gap.text().startswith("断档") and gap.foreground().color() == QColor("#C00000")
    assert "T01" in page2.county_message.text() and page2.county_message.property("kind") == "error"


def test_export_and_import_run_on_a_worker_thread(open_window, qtbot, tmp_path, monkeypatch):
    from station_app.ui import tasks

    win = open_window(str(tmp_path / "station.db"))
    fill_station()
    win.show_page("exchange")
    page = win.exchange
    monkeypatch.setattr(tasks, "SYNCHRONOUS", False)
    steps = []
    page.progressed.connect(lambda done, total: steps.append((done, total)))
    out = tmp_path / "stick"
    page.encrypt.setChecked(False)
    with qtbot.waitSignal(page.exported, timeout=30000) as sig:
        page.export_to(str(out))
        assert page._busy and not page.export_button.isEnabled()
    assert Path(sig.args[0]).is_file() and steps and steps[-1][0] == steps[-1][1]
    qtbot.waitUntil(lambda: not page._busy)
    assert page.export_button.isEnabled() and not page.result_box.isHidden()
    with qtbot.waitSignal(page.imported, timeout=30000):
        page.import_files([sig.args[0]])  # its own package: nothing new, but it is a valid import
    qtbot.waitUntil(lambda: bool(page.result_rows()))
    assert page.result_rows()[0][1] == "已导入" and page.result_rows()[0][3] == "0"


def test_county_figures_and_ranking_are_computed_off_the_gui_thread(open_window, qtbot, tmp_path, monkeypatch):
    """A county of a million receptions needs a minute for its statistics: the page asks a worker,
    says 正在统计…, and shows only the answer to the newest request."""
    from station_app.ui import tasks

    first, second = station_packages(tmp_path / "stations")
    win = open_window(str(tmp_path / "county.db"))
    win.show_page("exchange")
    page = win.exchange
    with qtbot.waitSignal(page.imported):
        page.import_files([str(first), str(second)])
    page.show_tab("county")
    monkeypatch.setattr(tasks, "SYNCHRONOUS", False)
    asked = []
    real = stats.statistics
    monkeypatch.setattr(stats, "statistics", lambda *a, **k: asked.append(a) or real(*a, **k))
    page.set_stats_period(dt.date(YEAR - 5, 1, 1), dt.date(YEAR - 5, 12, 31))  # running while
    page.set_stats_period(dt.date(YEAR - 4, 1, 1), dt.date(YEAR - 4, 12, 31))  # these two wait:
    page.set_stats_period(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))  # only the newest runs next
    assert page.stats_busy.isVisible()
    page.set_ranking_year(YEAR - 1)  # superseded
    page.set_ranking_year(YEAR)
    assert page.ranking_busy.isVisible()
    qtbot.waitUntil(lambda: page.stats_busy.isHidden() and page.ranking_busy.isHidden(), timeout=20000)
    qtbot.wait(200)  # a stale answer arriving late must not overwrite the newest
    assert len(asked) <= 2 and asked[-1][:2] == (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    s = stats.statistics(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    rows = page.station_stats_rows()
    assert rows["合计"] == [format_figure(k, getattr(s.figures, k)) for k, _t, _u in FIGURES]
    assert [r[1] for r in page.ranking_rows()] == [x.name for x in scoring.county_ranking(YEAR)]
    assert page.ranking_rows()[0][3] == "8"  # 王建国's 8 points of YEAR, not the empty year before
