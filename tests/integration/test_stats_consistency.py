"""One period, four places, the same numbers: ``station-app stats --json`` (a separate process on the
same SQLite file), the 统计分析 page's tiles, and the 月报/季报/年报 PDF the page writes — its 主要指标
table and its headline sentence, read back with pdftotext. If any of them disagrees, this fails."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.conftest import app, open_window  # noqa: F401 - fixtures
from tests.ui.test_stats_page import fill_period_data, frozen_clock  # noqa: F401 - fixture

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")

ROOT = Path(__file__).resolve().parents[2]
KEYS = ("deputies_in_station", "receptions", "visitors", "cases_collected", "cases_resolved", "completion_rate",
        "satisfaction_rate")
NUMBER = r"(\d+)"
RATE = r"(\d+\.\d%|—)"


def pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)  # pdftotext spaces and breaks CJK text at will


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def from_cli(db_path: str, date_from: str, date_to: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "station_app", "stats", "--db", db_path, "--from", date_from,
                          "--to", date_to, "--json"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    return {k: percent(data[k]) if k.endswith("_rate") else int(data[k]) for k in KEYS}


def from_tiles(page) -> dict:
    texts = page.figure_texts()
    return {k: texts[k] if k.endswith("_rate") else int(texts[k]) for k in KEYS}


def from_report_table(text: str) -> dict:
    """一、主要指标: label, value, unit per row (rates have the unit —). Each row also carries its
    definition (统计口径), whose wrapped lines pdftotext interleaves with the cells, so each figure
    is found as its label directly followed by its value and unit."""
    rows = (f"进站代表人数{NUMBER}人", f"接待次数{NUMBER}次", f"接待群众人次{NUMBER}人次", f"收集意见建议条数{NUMBER}条",
            f"解决实际问题件数{NUMBER}件", f"办结率{RATE}—", f"满意率{RATE}—")
    found = [re.search(r, text) for r in rows]
    assert all(found), "主要指标 table not found in the report:\n" + text[:800]
    values = [m.group(1) for m in found]
    return dict(zip(KEYS, [int(v) for v in values[:5]] + values[5:], strict=True))


def from_report_headline(text: str, scope: str) -> dict:
    """The lead sentence: 本季度共接待群众21人次（4批次），进站代表3人，收集意见建议7条，解决实际问题3件，办结率…"""
    m = re.search(f"{scope}共接待群众{NUMBER}人次（{NUMBER}批次），进站代表{NUMBER}人，收集意见建议{NUMBER}条，"
                  f"解决实际问题{NUMBER}件(?:，办结率{RATE})?(?:，群众满意率{RATE})?。", text)
    assert m, "headline not found in the report:\n" + text[:800]
    visitors, receptions, deputies, collected, resolved, completion, satisfaction = m.groups()
    return {"deputies_in_station": int(deputies), "receptions": int(receptions), "visitors": int(visitors),
            "cases_collected": int(collected), "cases_resolved": int(resolved),
            "completion_rate": completion or "—", "satisfaction_rate": satisfaction or "—"}


@pytest.mark.parametrize(("kind", "index", "scope", "expected"), [
    ("quarter", 2, "本季度", {"deputies_in_station": 3, "receptions": 4, "visitors": 21, "cases_collected": 7,
                           "cases_resolved": 3, "completion_rate": "42.9%", "satisfaction_rate": "50.0%"}),
    ("month", 5, "本月", {"deputies_in_station": 3, "receptions": 3, "visitors": 18, "cases_collected": 5,
                        "cases_resolved": 1, "completion_rate": "20.0%", "satisfaction_rate": "0.0%"}),
    ("year", 1, "本年度", {"deputies_in_station": 3, "receptions": 5, "visitors": 23, "cases_collected": 8,
                         "cases_resolved": 4, "completion_rate": "50.0%", "satisfaction_rate": "50.0%"}),
    ("month", 1, "本月", {"deputies_in_station": 0, "receptions": 0, "visitors": 0, "cases_collected": 0,
                        "cases_resolved": 0, "completion_rate": "—", "satisfaction_rate": "—"}),
])
def test_cli_page_and_report_show_the_same_figures(open_window, qtbot, db_path, frozen_clock, tmp_path,  # noqa: F811
                                                   kind, index, scope, expected):
    win = open_window(db_path)
    fill_period_data(frozen_clock)
    win.show_page("stats")
    page = win.stats
    page.set_period(kind, 2026, index)
    date_from, date_to, name = page.current_period()

    tiles = from_tiles(page)
    out = tmp_path / page.report_filename()
    with qtbot.waitSignal(page.report_saved, timeout=20000):
        page.save_report(str(out), preview=False)
    text = pdf_text(out)
    report = {"quarter": "季报", "month": "月报", "year": "年报"}[kind]
    assert f"{name}接待工作{report}" in text
    table = from_report_table(text)
    headline = from_report_headline(text, scope)
    cli = from_cli(db_path, date_from.isoformat(), date_to.isoformat())

    assert cli == expected  # the numbers are the ones the data makes, not merely equal to each other
    assert tiles == cli, "统计分析 tiles differ from stats --json"
    assert table == cli, "report 主要指标 differs from stats --json"
    assert headline == cli, "report headline differs from stats --json"
    assert page.headline.text().replace(" ", "") in text  # the page's sentence is the report's, word for word


def test_the_parsers_notice_a_wrong_number():
    """Guard for the guard: a report whose visitors differ from the CLI must not compare equal."""
    good = ("进站代表人数3人接待次数4次接待群众人次21人次收集意见建议条数7条解决实际问题件数3件办结率42.9%—满意率50.0%—"
            "本季度共接待群众21人次（4批次），进站代表3人，收集意见建议7条，解决实际问题3件，办结率42.9%，群众满意率50.0%。")
    bad = good.replace("接待群众人次21人次", "接待群众人次12人次")
    assert from_report_table(good) == from_report_headline(good, "本季度")
    assert from_report_table(bad) != from_report_headline(bad, "本季度")
