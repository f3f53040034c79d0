"""The 重新计算 dialog on a year of a few thousand automatic records (issue 21: nothing slow on the
GUI thread): the changes are a table model whose view formats only the rows in sight, the preview
comes from a worker while the dialog already shows 正在核对…, and 确定重新计算 writes on a worker
with the buttons disabled. Real demo data in a real SQLite file, real widgets."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QTableWidget

from station_app.db import close_database, open_database
from station_app.db.models import Reception, ReceptionDeputy
from station_app.domain import clock
from station_app.domain.records import ReceptionData
from station_app.domain.scoring import MANUAL
from station_app.services import receptions, scoring
from station_app.ui import style, tasks
from station_app.ui.dialogs.recompute_dialog import RecomputeDialog
from tests.conftest import demo_database

FOREGROUND = Qt.ItemDataRole.ForegroundRole


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """Demo data with 1,000 receptions: about 2,800 automatic 履职 records, recomputed."""
    return demo_database(tmp_path_factory.mktemp("recompute"), seed=3, receptions=1000)


@pytest.fixture
def year(demo_db, tmp_path, app):
    """A copy of the demo whose year has every automatic indicator re-pointed (each record changes),
    one visit deleted (its records go) and one recorded (its record comes); the year."""
    db = tmp_path / "station.db"
    shutil.copy(demo_db, db)
    open_database(str(db))
    y = clock.today().year
    rs = scoring.rules(y)
    scoring.save_rules(dataclasses.replace(rs, indicators=tuple(
        i if i.source == MANUAL else dataclasses.replace(i, points=i.points + 1) for i in rs.indicators)))
    seen = ReceptionDeputy.select(ReceptionDeputy.reception_uid, ReceptionDeputy.deputy_uid)
    visit = Reception.alive().where(Reception.uid.in_([r.reception_uid for r in seen]),
                                    Reception.received_at >= f"{y}-01-01").order_by(Reception.id).first()
    receptions.delete(visit.uid)
    receptions.record_visit(ReceptionData(clock.now() - dt.timedelta(minutes=5), "visit", "来访群众",
                                          village="前进村", deputy_uids=(seen[0].deputy_uid,)))
    yield y
    close_database()


def test_the_changes_are_a_model_whose_view_formats_only_the_rows_in_sight(year, qtbot):
    expected = scoring.preview_recompute(year)
    assert len(expected.changes) > 2000
    assert {c.kind for c in expected.changes} == {"add", "remove", "change"}
    dlg = RecomputeDialog(year)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    qtbot.wait(50)  # painted

    assert not isinstance(dlg.changes_table, QTableWidget)
    model = dlg.changes_table.model()
    assert model.rowCount() == len(expected.changes)
    assert 0 < model.rows_made() < 100  # the rows in sight, not thousands
    assert dlg.changes_title.text() == f"变化的履职记录（{len(expected.changes)} 条）"
    assert f"将有 {len(expected.changes)} 条履职记录变化" in dlg.summary.text()

    # every row as it would be shown, in the plan's order, with its colour
    rows = dlg.change_rows()
    assert len(rows) == len(expected.changes)
    names = {i.code: i.name for i in scoring.rules(year).indicators}
    for r, ch in enumerate(expected.changes):
        kind, name, indicator, date, before, after, note = rows[r]
        assert kind == {"add": "新增", "remove": "删除", "change": "分值变化"}[ch.kind]
        assert (name, indicator, date, note) == (ch.deputy_name, f"{ch.indicator_code} {names[ch.indicator_code]}",
                                                 ch.date.isoformat(), ch.note)
        assert before == ("—" if ch.before is None else f"{ch.before:g}")
        assert after == ("—" if ch.after is None else f"{ch.after:g}")
    first = {}
    for r, row in enumerate(rows):
        first.setdefault(row[0], r)
    color = {kind: model.data(model.index(r, 0), FOREGROUND) for kind, r in first.items()}
    assert color["新增"].name().upper() == style.GREEN.upper()
    assert color["删除"].name().upper() == style.RED.upper()
    assert color["分值变化"] is None
    assert model.data(model.index(0, 3), Qt.ItemDataRole.TextAlignmentRole) == int(Qt.AlignmentFlag.AlignCenter)


def test_the_dialog_shows_at_once_and_fills_when_the_worker_is_done(year, qtbot, monkeypatch):
    n = len(scoring.preview_recompute(year).changes)
    monkeypatch.setattr(tasks, "SYNCHRONOUS", False)  # the workers run as in the field
    dlg = RecomputeDialog(year)
    qtbot.addWidget(dlg)
    dlg.show()
    # shown before the preview is in: nothing listed yet, nothing to confirm
    assert dlg.isVisible() and "正在核对" in dlg.summary.text()
    assert not dlg.ok_button.isEnabled() and dlg.plan is None
    assert dlg.changes_model.rowCount() == 0

    qtbot.waitUntil(dlg.ok_button.isEnabled, timeout=60_000)
    assert dlg.changes_model.rowCount() == n and f"将有 {n} 条履职记录变化" in dlg.summary.text()
    assert dlg.score_rows()  # the re-pointed indicators move the scores too

    dlg.ok_button.click()
    # writing: neither button, and neither Esc nor the close box ends the dialog meanwhile
    assert not dlg.ok_button.isEnabled() and not dlg.cancel_button.isEnabled()
    dlg.reject()
    assert dlg.isVisible() and dlg.result_plan is None
    qtbot.waitUntil(lambda: dlg.result_plan is not None, timeout=60_000)
    assert dlg.result() == QDialog.DialogCode.Accepted and not dlg.isVisible()
    assert len(dlg.result_plan.changes) == n
    assert scoring.preview_recompute(year).changes == ()


def test_a_preview_that_cannot_be_made_says_why_in_the_dialog(db, app, qtbot):
    """No station set up yet: the reason in the dialog's error line, nothing to confirm."""
    dlg = RecomputeDialog(2026)
    qtbot.addWidget(dlg)
    assert not dlg.error.isHidden() and "请先填写联络站信息" in dlg.error.text()
    assert not dlg.ok_button.isEnabled() and dlg.plan is None and "无法核对" in dlg.summary.text()
