"""The 接待登记 list draws its cells from records converted when read (issue 21 item 6): every cell
of the list is the text its column gives for the record ``receptions.get`` builds, masked as the
service decided, and the rows the view has not drawn are left unconverted."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from station_app.domain.records import DeputyData, ReceptionRow
from station_app.services import deputies, receptions, station
from station_app.services.demo_receptions import generate
from station_app.ui.pages.receptions.common import reception_columns
from tests.conftest import TEST_STATION


def _converted(record) -> bool:
    try:
        object.__getattribute__(record, "_at")
    except AttributeError:
        return False
    return True


def test_the_list_shows_the_cells_of_the_full_records_and_converts_only_what_it_draws(open_window, qtbot, db_path):
    win = open_window(db_path)
    station.save_home_station(TEST_STATION)
    people = [deputies.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英", "赵明")]
    generate(300, seed=5, station_code=TEST_STATION.code, deputy_uids=people, activity_days=[],
             today=dt.date(2026, 6, 15))
    win.resize(1200, 800)
    win.show_page("reception")
    page = win.receptions
    page.refresh()
    model = page.model
    assert model.rowCount() == 256  # the first page
    records = [model.record(i) for i in range(model.rowCount())]
    assert all(isinstance(r, ReceptionRow) for r in records)
    win.grab().save(str(db_path) + ".png")  # drawn: the cells in view have been read
    last_drawn = page.table.rowAt(page.table.viewport().height() - 1)
    assert 0 < last_drawn < 100
    assert all(_converted(r) for r in records[: last_drawn + 1])
    assert not any(_converted(r) for r in records[last_drawn + 20:])  # never drawn: never parsed
    # every cell, drawn or not, is what the column gives for the record built whole
    columns = reception_columns(page)
    for row, record in enumerate(records):
        full = receptions.get(record.uid)
        for col, column in enumerate(columns):
            assert model.index(row, col).data() == column.text(full), (row, col)
        assert model.index(row, 0).data(Qt.ItemDataRole.UserRole) is record
    assert any(r.visitor_phone and "****" in r.visitor_phone for r in records)  # masked as the service decided
    assert any(len(r.deputy_names) > 1 for r in records)
