"""The 月报 of a month that resolves more opinions than it collects: 办结率 stays a share of one
cohort (≤ 100%), and the PDF says under every figure what it counts (read back with pdftotext)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from station_app.domain import clock
from station_app.domain.records import OpinionData, ReceptionData
from station_app.printing.case_docs import FIGURE_NOTES
from station_app.services import cases, receptions, stats

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), clock.zone())


def _visit(when: dt.datetime, opinions, monkeypatch) -> list[str]:
    monkeypatch.setattr(clock, "now", lambda: when + dt.timedelta(minutes=1))  # the visit is "now" for its checks
    rec = receptions.record_visit(ReceptionData(when, "visit", "来访人", village="东关村"), opinions)
    monkeypatch.undo()
    return [c.uid for c in cases.page(reception_uid=rec.uid, station_code="T01").rows]


def test_a_month_resolving_more_than_it_collects(station_db, monkeypatch, tmp_path):
    march = [OpinionData(f"村道{i}破损", "infrastructure", "assigned", department="镇交通所",
                         deadline=dt.date(2026, 4, 30)) for i in range(3)]
    for uid in _visit(_at(dt.date(2026, 3, 10)), march, monkeypatch):  # collected in March …
        cases.act(uid, "reply", note="已修复", at=_at(dt.date(2026, 4, 2)))
        cases.act(uid, "evaluate", evaluation="satisfied", at=_at(dt.date(2026, 4, 3)))  # … resolved in April
    _visit(_at(dt.date(2026, 4, 8)), [OpinionData("咨询医保缴费", "health", "on_the_spot", reply="已告知缴费时间"),
                                      OpinionData("路灯不亮", "infrastructure", "assigned", department="供电所",
                                                  deadline=dt.date(2026, 5, 30))], monkeypatch)

    f = stats.figures(dt.date(2026, 4, 1), dt.date(2026, 4, 30), "T01")
    assert (f.cases_collected, f.cases_resolved) == (2, 4)  # 解决 counts April's resolutions, whenever registered
    assert f.completion_rate == 0.5  # of April's two, one is resolved: never 4/2
    assert stats.figures(dt.date(2026, 3, 1), dt.date(2026, 3, 31), "T01").completion_rate == 1.0

    pdf = stats.print_report(dt.date(2026, 4, 1), dt.date(2026, 4, 30), tmp_path / "月报.pdf", "T01", "2026年4月")
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "").replace("\n", "")
    assert "统计口径" in text and "50.0%" in text
    for note in FIGURE_NOTES:  # each figure's definition, printed beside it
        assert note.replace(" ", "") in text, note
    assert "不论何时登记" in text and "不超过100%" in text
    assert "解决实际问题按办结日期计入当月" in text
