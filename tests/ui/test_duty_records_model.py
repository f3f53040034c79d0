"""The 代表档案 records model (ui/models/duty_records.py) on a deputy's real records: a correct Qt
model, and each row shown as the QTableWidget it replaced showed it — a pending record bold and
orange with 计入 muted, a record cut by its indicator's yearly cap muted with the cap in its
tooltip, evidence in blue with a double-click hint."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from station_app.domain.records import DeputyData
from station_app.services import deputies, scoring
from station_app.ui.models.duty_records import COUNTED, DATE, EVIDENCE, IND, STATE, DutyRecordsModel
from station_app.ui.pages.points.common import MUTED, PENDING

Y = 2025
TIP = Qt.ItemDataRole.ToolTipRole
COLOR = Qt.ItemDataRole.ForegroundRole
FONT = Qt.ItemDataRole.FontRole


def test_records_model_shows_pending_capped_and_evidence_rows(app, qtmodeltester, station_db, tmp_path):
    uid = deputies.create(DeputyData(name="王建国", levels=("township",))).uid
    proof = tmp_path / "检查记录.pdf"
    proof.write_bytes(b"%PDF-1.4 notes")
    # E02 参加执法检查: 2 points each, 6 a year: the fourth reviewed one counts nothing
    for day in (3, 10, 17, 24):
        rec = scoring.add_manual(uid, dt.date(Y, 3, day), "E02", 1, f"执法检查 3月{day}日",
                                 evidence=proof if day == 3 else None)
        scoring.review(rec.uid, approve=True)
    waiting = scoring.add_manual(uid, dt.date(Y, 4, 1), "A02", 1, "列席主席团会议")
    rs = scoring.applied_rules(Y)
    records = scoring.records(uid, Y)

    model = DutyRecordsModel(MUTED, PENDING)
    qtmodeltester.check(model)
    model.set_records(records, {i.code: i.cap or 0.0 for i in rs.indicators})
    assert model.rowCount() == 5 and model.columnCount() == 10

    def cell(row, col, role=Qt.ItemDataRole.DisplayRole):
        return model.index(row, col).data(role)

    first, capped, pending = 0, 3, model.row_of(waiting.uid)
    assert [cell(r, DATE) for r in range(4)] == ["2025-03-03", "2025-03-10", "2025-03-17", "2025-03-24"]
    assert cell(first, IND, TIP) == "E02 参加执法检查、专题询问"
    assert cell(first, EVIDENCE) == "查看" and cell(first, EVIDENCE, TIP) == "双击打开佐证材料"
    assert cell(first, COUNTED) == "2" and cell(first, COUNTED, COLOR) is None
    assert cell(capped, COUNTED) == "0" and cell(capped, COUNTED, COLOR) == MUTED
    assert cell(capped, COUNTED, TIP) == "本指标年度上限 6 分已满，超出部分不计入"
    assert cell(capped, EVIDENCE) == "" and cell(capped, STATE) == "已审核"
    assert cell(pending, STATE) == "待审核" and cell(pending, STATE, FONT).bold()
    assert cell(pending, STATE, COLOR) == PENDING and cell(pending, COUNTED, TIP) == "审核通过后计入"
    assert cell(capped, STATE, FONT) is None
    assert model.index(pending, 0).data(Qt.ItemDataRole.UserRole) == model.record(pending)
    assert model.record(pending).uid == waiting.uid
    model.set_records([], {})
    assert model.rowCount() == 0
