"""The order of names on the 设置 page (names.order) and the 代表名册 it orders: real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt

from station_app.domain.records import DeputyData
from station_app.services import deputies, settings, station
from tests.conftest import TEST_STATION


def shown_names(page) -> list[str]:
    model = page.model
    while model.canFetchMore():
        model.fetchMore()
    return [model.record(r).name for r in range(model.rowCount())]


def test_the_setting_on_the_settings_page_orders_the_roster(open_window, qtbot, db_path, tmp_path):
    win = open_window(db_path)
    station.save_home_station(TEST_STATION)
    for name in ["黄敏", "张三", "安然", "王五", "郭强"]:
        deputies.create(DeputyData(name=name, levels=("township",), phone="13812345678"))
    win.deputies.refresh()
    win.show_page("deputies")
    assert shown_names(win.deputies) == ["王五", "安然", "张三", "郭强", "黄敏"]  # 按姓氏笔画 by default

    win.show_page("settings")
    page = win.settings_page
    combo = page.editors["names.order"]
    assert [combo.itemText(i) for i in range(combo.count())] == ["按姓氏笔画", "按拼音"]
    assert combo.currentData() == "stroke"
    combo.setCurrentIndex(combo.findData("pinyin"))
    page.grab().save(str(tmp_path / "settings.png"))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert settings.get("names.order") == "pinyin"

    win.deputies.refresh()
    win.show_page("deputies")
    assert shown_names(win.deputies) == ["安然", "郭强", "黄敏", "王五", "张三"]
    win.grab().save(str(tmp_path / "deputies.png"))
