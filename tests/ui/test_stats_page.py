"""统计分析 page and the 首页 tiles, driven with real widgets over visits and cases made through the
services: what the page shows is exactly ``stats.figures`` of the chosen period."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from station_app.domain import clock
from station_app.domain.codes import Category
from station_app.domain.records import DeputyData, OpinionData, ReceptionData
from station_app.services import cases, deputies, receptions, station, stats
from tests.conftest import TEST_STATION

NOW = dt.datetime(2026, 5, 20, 15, 0, tzinfo=clock.zone())  # a Wednesday


def _at(y: int, m: int, d: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, hour, 0, tzinfo=clock.zone())


@pytest.fixture
def frozen_clock(monkeypatch):
    """``clock.now`` is NOW unless a step sets ``state["now"]`` (a visit is "now" for its own checks)."""
    state = {"now": NOW}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    return state


def fill_period_data(state: dict) -> dict:
    """A station, three deputies, visits in April and May 2026 and cases in every state the 首页
    cares about (as of NOW, 2026-05-20): one overdue, one due within 3 working days, one awaiting
    the visitor's evaluation, resolved and satisfied/dissatisfied ones."""
    station.save_home_station(TEST_STATION)
    people = [deputies.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英", "张伟")]

    def visit(when, village, count, deps, opinions):
        state["now"] = when + dt.timedelta(minutes=1)
        try:
            rec = receptions.record_visit(ReceptionData(when, "visit", "来访人", village=village, visitor_count=count,
                                                        deputy_uids=tuple(people[i] for i in deps)), opinions)
        finally:
            state["now"] = NOW
        return sorted(cases.page(reception_uid=rec.uid).rows, key=lambda c: c.number)

    # March: one visit, one opinion answered on the spot (Q1)
    visit(_at(2026, 3, 18), "东关村", 2, [0], [OpinionData("路灯不亮", "infrastructure", reply="已报修")])
    # April: a road fixed and the visitor satisfied; a clinic question answered on the spot
    road, clinic = visit(_at(2026, 4, 8), "东关村", 3, [0, 1], [
        OpinionData("村道破损", "infrastructure", "assigned", department="镇交通所", deadline=dt.date(2026, 4, 30)),
        OpinionData("卫生室缺药", "health", reply="已联系镇卫生院")])
    cases.act(road.uid, "reply", note="已修复", at=_at(2026, 4, 20))
    cases.act(road.uid, "evaluate", evaluation="satisfied", at=_at(2026, 4, 25))
    # May: overdue (deadline 15 May), due soon (22 May), awaiting evaluation, and a dissatisfied one
    overdue, due, waiting, unhappy = visit(_at(2026, 5, 6), "西村", 5, [1], [
        OpinionData("灌溉渠堵塞", "agriculture", "assigned", department="镇农业站", deadline=dt.date(2026, 5, 15)),
        OpinionData("校车太挤", "education", "assigned", department="镇教办", deadline=dt.date(2026, 5, 22)),
        OpinionData("老年食堂", "elderly_care", "assigned", department="镇民政办", deadline=dt.date(2026, 6, 30)),
        OpinionData("低保复核", "social_security", "assigned", department="镇民政办", deadline=dt.date(2026, 6, 30))])
    cases.act(waiting.uid, "reply", note="已安排", at=_at(2026, 5, 12))
    cases.act(unhappy.uid, "reply", note="不符合条件", at=_at(2026, 5, 12))
    cases.act(unhappy.uid, "evaluate", evaluation="dissatisfied", at=_at(2026, 5, 14))
    visit(_at(2026, 5, 18), "东关村", 1, [2], [OpinionData("垃圾清运", "infrastructure", reply="已通知保洁")])
    visit(_at(2026, 5, 19), "南庄", 12, [0, 2], [])
    return {"people": people, "overdue": overdue.uid, "due": due.uid, "waiting": waiting.uid}


def test_tiles_charts_and_tables_show_the_service_figures(open_window, qtbot, db_path, frozen_clock):
    win = open_window(db_path)
    fill_period_data(frozen_clock)
    win.show_page("stats")
    page = win.stats
    assert page.kind.currentData() == "month" and page.year.value() == 2026 and page.index.currentIndex() == 4
    assert page.station.isHidden()  # one station: no station picker

    may = stats.figures(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert (may.receptions, may.visitors, may.cases_collected) == (3, 18, 5)
    assert page.figure_texts() == {
        "deputies_in_station": str(may.deputies_in_station), "receptions": "3", "visitors": "18",
        "cases_collected": "5", "cases_resolved": str(may.cases_resolved),
        "completion_rate": f"{may.completion_rate * 100:.1f}%", "satisfaction_rate": "0.0%"}
    assert page.headline.text() == stats.headline(may, "本月")
    assert "2026年5月" in page.period_label.text()

    # a quarter: April–June
    page.kind.setCurrentIndex(page.kind.findData("quarter"))
    assert page.index.currentIndex() == 1  # May's quarter
    q2 = stats.figures(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert (q2.receptions, q2.visitors, q2.cases_collected) == (4, 21, 7)
    texts = page.figure_texts()
    assert texts["receptions"] == "4" and texts["visitors"] == "21" and texts["cases_collected"] == "7"
    assert texts["cases_resolved"] == str(q2.cases_resolved) == "3"
    assert texts["satisfaction_rate"] == "50.0%" and texts["completion_rate"] == f"{q2.completion_rate * 100:.1f}%"
    assert "2026年第二季度" in page.period_label.text()

    # the category chart: one bar per category with data, value = count, largest at the top
    labels = dict(zip(page.category_labels, (page.category_set.at(i) for i in range(page.category_set.count())),
                      strict=True))
    assert labels == {Category.label_of(c): n for c, n in q2.by_category.items()}
    assert labels["基础设施"] == 2 and page.category_labels[-1] == "基础设施"
    # the month chart: April, May, June from Statistics.by_month
    s = page.statistics
    assert [r[0] for r in s.by_month] == ["2026-04", "2026-05", "2026-06"]
    assert [page.month_sets["receptions"].at(i) for i in range(3)] == [1, 3, 0]
    assert [page.visitor_line.at(i).y() for i in range(3)] == [3, 18, 0]
    assert [page.month_sets["cases_resolved"].at(i) for i in range(3)] == [r[4] for r in s.by_month]
    # tables
    assert [[page.village_table.item(r, c).text() for c in range(4)] for r in range(page.village_table.rowCount())] \
        == [[str(v) for v in row] for row in s.by_village] == [["东关村", "2", "4", "3"], ["西村", "1", "5", "4"],
                                                               ["南庄", "1", "12", "0"]]
    assert [page.deputy_table.item(r, 0).text() for r in range(page.deputy_table.rowCount())] == \
        [name for name, *_ in s.by_deputy]
    assert page.station_box.isHidden()

    # first quarter, then the year, then a custom range
    page.index.setCurrentIndex(0)
    assert page.figure_texts()["receptions"] == "1" and page.figure_texts()["visitors"] == "2"
    page.kind.setCurrentIndex(page.kind.findData("year"))
    year = stats.figures(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert page.figure_texts()["receptions"] == str(year.receptions) == "5"
    page.set_range(dt.date(2026, 5, 18), dt.date(2026, 5, 19))
    assert page.figure_texts()["receptions"] == "2" and page.figure_texts()["visitors"] == "13"
    assert page.current_period()[2] is None and page.date_from.isVisible() and not page.year.isVisible()


def test_empty_period_shows_dashes_and_no_category_bars(open_window, qtbot, db_path, frozen_clock):
    win = open_window(db_path)
    fill_period_data(frozen_clock)
    win.show_page("stats")
    page = win.stats
    page.set_month(2026, 1)
    texts = page.figure_texts()
    assert texts["receptions"] == "0" and texts["completion_rate"] == "—" and texts["satisfaction_rate"] == "—"
    assert page.category_set is None and "没有收集意见建议" in page.category_view.chart().title()
    assert page.village_table.rowCount() == 0


def test_report_pdf_is_written_and_previewed(open_window, qtbot, db_path, frozen_clock, tmp_path):
    win = open_window(db_path)
    fill_period_data(frozen_clock)
    win.show_page("stats")
    page = win.stats
    page.set_period("quarter", 2026, 2)
    assert page.report_filename() == "接待工作季报-2026年第二季度.pdf"
    out = tmp_path / "q2.pdf"
    with qtbot.waitSignal(page.report_saved, timeout=10000) as saved:
        page.save_report(str(out))
    assert saved.args == [str(out)] and out.read_bytes().startswith(b"%PDF")
    assert page.preview_dialog is not None and page.preview_dialog.isVisible()
    assert page.preview_dialog.preview.page_count >= 1 and page.preview_dialog.preview.image is not None
    assert str(out) in page.message.text()


def test_home_tiles_show_attention_counts_and_this_month(open_window, qtbot, db_path, frozen_clock):
    win = open_window(db_path)
    ids = fill_period_data(frozen_clock)
    home = win.home
    home.refresh()
    n = cases.attention_counts()
    assert (n["open"], n["overdue"], n["due_soon"]) == (4, 1, 1)
    text = home.cases_text()
    assert "超期 1 件" in text and "1 件将在 3 个工作日内到期" in text
    # the service counts every 已答复 case, the one the visitor called 不满意 too
    assert f"待群众评价 {n['awaiting_evaluation']} 件" in text and "未办结 4 件" in text and "功能建设中" not in text
    assert "功能建设中" not in home.tile_quota.value.text()  # the scoring issue fills it
    month = stats.figures(dt.date(2026, 5, 1), dt.date(2026, 5, 20))
    assert home.month_figures == month
    assert f"接待群众 {month.visitors} 人次（{month.receptions} 批次）" in home.tile_month.value.text()
    assert f"收集意见建议 {month.cases_collected} 条" in home.tile_month.value.text()

    # the tile asks for the cases page (overdue first) and the main window shows it
    with qtbot.waitSignal(home.cases_requested) as req:
        qtbot.mouseClick(home.tile_cases, Qt.MouseButton.LeftButton)
    assert req.args == ["overdue"]
    assert win.stack.currentWidget() is win.cases and [c.uid for c in win.cases.rows()] == [ids["overdue"]]
    win.show_page("home")
    with qtbot.waitSignal(home.cases_requested) as req:
        home.tile_cases.value.linkActivated.emit("due_soon")
    assert req.args == ["due_soon"] and win.stack.currentWidget() is win.cases
    assert [c.uid for c in win.cases.rows()] == [ids["due"]]
    win.show_page("home")
    home.tile_cases.value.linkActivated.emit("open")
    assert len(win.cases.rows()) == 4 and all(c.status != "resolved" for c in win.cases.rows())
    win.show_page("home")
    qtbot.mouseClick(home.tile_month, Qt.MouseButton.LeftButton)
    assert win.stack.currentWidget() is win.stats


def test_the_top_bar_station_picker_drives_the_page_at_a_county(open_window, qtbot, db_path, frozen_clock):
    """A second station comes in (an import): the main window's top bar offers 全县 and each
    station, and the statistics follow it (the page keeps no picker of its own)."""
    from station_app.db.models import Station

    win = open_window(db_path)
    fill_period_data(frozen_clock)
    page = win.stats
    win.show_page("stats")
    assert win.station_bar.isHidden()  # one station: no picker at all
    Station.create(code="T02", name="邻镇人大代表联络站", township="邻镇", county="测试县")
    win._on_imported()  # what the exchange page signals after an import
    picker = win.station_picker
    assert win.station_bar.isVisible() and picker.count() == 3
    assert [picker.itemText(i) for i in range(3)][0].startswith("全县")
    assert page.station.isHidden()
    picker.setCurrentIndex(0)
    picker.activated.emit(0)  # 全县
    page.set_period("quarter", 2026, 2)
    assert page.current_station() is None
    assert not page.station_box.isHidden() and page.station_table.rowCount() == 2
    page.set_station("T02")
    assert picker.currentData() == "T02" and win.view.code == "T02"
    assert page.current_station() == "T02" and page.figure_texts()["receptions"] == "0"
    assert "邻镇人大代表联络站的数据来自该站报送的数据包" in win.read_only_note.text()
    page.set_station("T01")
    assert page.figure_texts()["receptions"] == "4" and win.read_only_note.text() == ""


def test_ctrl_p_on_the_page_writes_the_report_and_the_picker_keeps_the_period(open_window, qtbot, db_path,
                                                                            frozen_clock, tmp_path, monkeypatch):
    from station_app.ui.pages import stats as stats_page

    win = open_window(db_path)
    fill_period_data(frozen_clock)
    win.show_page("stats")
    page = win.stats
    page.set_month(2026, 8)
    page.kind.setCurrentIndex(page.kind.findData("quarter"))
    assert page.index.currentText() == "第三季度"
    page.kind.setCurrentIndex(page.kind.findData("year"))
    assert page.index.isHidden() and page.current_period()[2] == "2026年"
    page.kind.setCurrentIndex(page.kind.findData("quarter"))
    assert page.index.currentText() == "第三季度"  # the year in between kept it
    page.kind.setCurrentIndex(page.kind.findData("month"))
    assert page.index.currentText() == "7月"  # the quarter's first month
    page.set_period("quarter", 2026, 2)

    out = tmp_path / "chosen.pdf"
    asked = {}

    def save_dialog(parent, title, suggested, filters):
        asked["suggested"] = suggested
        return str(out.with_suffix("")), filters  # no .pdf typed: the page adds it

    monkeypatch.setattr(stats_page.QFileDialog, "getSaveFileName", save_dialog)
    win.act_print.trigger()  # Ctrl+P
    assert asked["suggested"].endswith("接待工作季报-2026年第二季度.pdf")
    assert out.is_file() and page.preview_dialog.preview.page_count >= 1


def test_figures_are_computed_off_the_gui_thread_and_only_the_newest_shows(open_window, qtbot, db_path,
                                                                           frozen_clock, monkeypatch):
    """A county database of a million receptions needs seconds for its statistics: the page asks
    a worker, says 正在统计…, and shows only the answer to the newest period asked for."""
    import threading

    from station_app.ui import tasks

    win = open_window(db_path)
    fill_period_data(frozen_clock)
    win.show_page("stats")
    page = win.stats
    monkeypatch.setattr(tasks, "SYNCHRONOUS", False)
    threads = []
    real = stats.statistics
    monkeypatch.setattr(stats, "statistics",
                        lambda *a, **k: threads.append((threading.current_thread(), a)) or real(*a, **k))
    page.set_month(2026, 1)  # running while
    page.set_month(2026, 3)  # this one waits and is replaced by
    page.set_period("quarter", 2026, 2)
    assert page.busy.isVisible()
    qtbot.waitUntil(page.busy.isHidden, timeout=20000)
    qtbot.wait(200)  # a stale answer arriving late must not overwrite the newest
    assert threads and all(t is not threading.main_thread() for t, _a in threads)
    assert len(threads) <= 2 and threads[-1][1][:2] == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    q2 = real(dt.date(2026, 4, 1), dt.date(2026, 6, 30), "T01")
    assert page.statistics == q2 and page.figure_texts()["receptions"] == str(q2.figures.receptions)
    assert "第二季度" in page.period_label.text()


def test_every_category_has_room_for_its_name(open_window, qtbot, db_path, frozen_clock):
    """Eleven categories squeezed into the chart's first height made Qt elide every name to "…"
    (seen on the county's page): the chart grows a row a category."""
    from station_app.ui.pages.stats import CATEGORY_ROW, CHART_HEIGHT

    win = open_window(db_path)
    station.save_home_station(TEST_STATION)
    frozen_clock["now"] = _at(2026, 5, 6, 10)
    receptions.record_visit(ReceptionData(_at(2026, 5, 6), "visit", "来访人"),
                            [OpinionData(f"意见{i}", code, reply="已答复") for i, code in enumerate(Category.codes())])
    frozen_clock["now"] = NOW
    win.show_page("stats")
    page = win.stats
    page.set_month(2026, 5)
    n = len(Category.codes())
    assert len(page.category_labels) == n > 8
    assert page.category_view.minimumHeight() >= 90 + CATEGORY_ROW * n > CHART_HEIGHT
    page.set_month(2026, 1)  # nothing collected: back to the first height
    assert page.category_view.minimumHeight() == CHART_HEIGHT
