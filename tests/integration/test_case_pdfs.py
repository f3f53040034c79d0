"""Case PDFs read back: the 交办通知单 / 反馈单 (pdftotext, QR decoded with zxing-cpp) and the
period report (月报/季报/年报)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from station_app.domain.records import CaseSheetData, PeriodReportData, Statistics, StatsFigures
from station_app.printing.case_docs import render_case_sheet, render_period_report

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")
pytestmark = pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("pdftotext")),
                                reason="poppler-utils (pdftoppm, pdftotext) not installed")

FULL_PHONE = "13800001234"
MASKED_PHONE = "138****1234"
# Numbered sentences: each must come out exactly once, wherever the page breaks.
LONG_CONTENT = "".join(f"第{i:03d}处：村东头通往镇中心小学的道路年久失修，路面坑洼不平，雨天积水严重，学生上下学只能绕行国道。"
                       for i in range(1, 61))


def text_of(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.replace(" ", "").replace("\n", "")  # pdftotext spaces and breaks CJK text at will


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def qr_codes(pdf: Path, page: int = 1) -> list:
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-f", str(page), "-l", str(page), str(pdf), str(prefix)],
                   check=True)
    img = Image.open(next(pdf.parent.glob(prefix.name + "-*.pgm")))
    return zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)


def sheet(kind: str = "assign", **changes) -> CaseSheetData:
    data = CaseSheetData(
        kind=kind, station_name="测试镇人大代表联络站", station_phone="0534-5123456",
        station_address="测试县测试镇政府一楼东侧", number="YJ2026-0042", registered_at=dt.date(2026, 3, 10),
        category_label="基础设施", urgency_label="紧急", handling_label="交办",
        content="东关村村东头通往镇中心小学的道路年久失修，雨天积水严重，学生上下学只能绕行国道，希望尽快修复。",
        visitor_name="张*华", visitor_phone=MASKED_PHONE, village="东关村", deputy_names=("王建国", "赛山·托西别克"),
        department="测试镇交通运输管理所", co_departments=("测试镇财政所", "东关村村民委员会"),
        assigned_at=dt.date(2026, 3, 11), deadline=dt.date(2026, 4, 3), round=1, qr_content="YJ2026-0042")
    return dataclasses.replace(data, **changes)


def test_assign_sheet_long_content_flows_and_qr_carries_the_number(tmp_path):
    data = sheet(content=LONG_CONTENT, round=2)
    pdf = render_case_sheet(data, tmp_path / "assign.pdf")
    n = pages_of(pdf)
    text = text_of(pdf)
    assert n >= 2 and f"第{n}页共{n}页" in text
    for expected in ("意见建议交办通知单", "测试镇人大代表联络站", "YJ2026-0042", "2026年3月10日", "基础设施", "紧急",
                     "张*华", MASKED_PHONE, "东关村", "王建国、赛山·托西别克", "测试镇交通运输管理所",
                     "测试镇财政所、东关村村民委员会", "2026年3月11日", "2026年4月3日", "第2次交办",
                     "扫码查看编号YJ2026-0042", "承办单位（盖章）", "经办人", "0534-5123456", "测试县测试镇政府一楼东侧"):
        assert expected in text, expected
    assert "办理期限2026年4月3日" in text  # the deadline sits in its own cell, beside its label
    for i in range(1, 61):  # nothing clipped, nothing printed twice at the page break
        assert text.count(f"第{i:03d}处") == 1, i
    assert "办理情况（答复）" not in text and "联络站（盖章）" not in text
    assert FULL_PHONE not in text and FULL_PHONE.encode() not in pdf.read_bytes()
    codes = qr_codes(pdf)
    assert [c.text for c in codes] == ["YJ2026-0042"] and codes[0].ec_level == "M"
    width_mm = (codes[0].position.top_right.x - codes[0].position.top_left.x) / 150 * 25.4
    assert width_mm >= 24.5


def test_feedback_sheet_with_reply_and_timeline(tmp_path):
    timeline = tuple((f"2026-03-{d:02d} 09:30", action, "李秀英", f"第{d}日记录：{note}")
                     for d, action, note in ((10, "登记", "群众来站反映"), (11, "交办", "电话通知承办单位"),
                                             (25, "办理中", "承办单位现场勘查"), (28, "答复", "已修补坑槽42处")))
    data = sheet("feedback", reply="已于3月25日完成路面修补，共修补坑槽42处，并在低洼处加设排水沟。",
                 replied_at=dt.date(2026, 3, 28), evaluation_label="满意", timeline=timeline,
                 qr_content="https://county.example.cn/case/YJ2026-0042")
    pdf = render_case_sheet(data, tmp_path / "feedback.pdf")
    text = text_of(pdf)
    for expected in ("意见建议办理情况反馈单", "YJ2026-0042", "测试镇交通运输管理所", "2026年4月3日", "首次交办",
                     "办理情况（答复）", "共修补坑槽42处", "2026年3月28日", "群众评价满意", "联络站（盖章）", MASKED_PHONE):
        assert expected in text, expected
    for when, action, actor, note in timeline:
        assert f"{when.replace(' ', '')}{action}{actor}{note}" in text, note
    assert "承办单位（盖章）" not in text and "第1次交办" not in text
    assert [c.text for c in qr_codes(pdf)] == [data.qr_content]


def test_unknown_sheet_kind_is_refused(tmp_path):
    with pytest.raises(ValueError):
        render_case_sheet(sheet("memo"), tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


HEADLINE = "本季度共接待群众890人次，收集意见建议168条，解决实际问题126件，办结率75.0%，群众满意率92.3%。"


def report(**changes) -> PeriodReportData:
    figures = StatsFigures(deputies_in_station=17, receptions=86, visitors=890, cases_collected=168,
                           cases_resolved=126, completion_rate=0.75, satisfaction_rate=0.9231,
                           by_category={"infrastructure": 40, "agriculture": 31})
    stats = Statistics(
        dt.date(2026, 7, 1), dt.date(2026, 9, 30), "T01", figures,
        by_village=(("东关村", 30, 320, 61), ("西岭社区", 25, 270, 50), ("南河村", 31, 300, 57)),
        by_deputy=(("王建国", 21, 44), ("赛山·托西别克", 19, 37)),
        by_month=(("2026-07", 30, 301, 52, 40), ("2026-08", 27, 289, 59, 45), ("2026-09", 29, 300, 57, 41)))
    data = PeriodReportData(
        "测试镇人大代表联络站", "2026年第三季度接待工作季报", "2026年7月1日至9月30日", HEADLINE, stats,
        category_rows=(("基础设施", 40), ("农业农村", 31), ("教育", 22), ("医疗卫生", 20), ("养老服务", 15),
                       ("社会保障", 12), ("生态环境", 10), ("就业创业", 8), ("矛盾纠纷", 6), ("营商环境", 3), ("其他", 1)),
        overdue_rows=(("YJ2026-0011", "测试镇水务站", "2026年8月1日", "自来水水压不足，高层住户用水困难"),))
    return dataclasses.replace(data, **changes)


def test_period_report_figures_chart_and_tables(tmp_path):
    pdf = render_period_report(report(), tmp_path / "q.pdf")
    text = text_of(pdf)
    for expected in ("2026年第三季度接待工作季报", "测试镇人大代表联络站", "2026年7月1日至9月30日", HEADLINE):
        assert expected in text, expected
    for row in ("进站代表人数17人", "接待次数86次", "接待群众人次890人次", "收集意见建议条数168条",
                "解决实际问题件数126件", "办结率75.0%", "满意率92.3%"):
        assert row in text, row
    for label, n in report().category_rows:
        assert text.count(label) >= 2, label  # the chart's axis and the sentence under it
        assert f"{label}{n}条" in text
    for row in ("东关村3032061", "西岭社区2527050", "王建国2144", "赛山·托西别克1937", "2026年7月303015240",
                "2026年9月293005741", "YJ2026-0011测试镇水务站2026年8月1日"):
        assert row in text, row
    assert "各联络站对比" not in text
    assert "逾期未办结意见建议（1件）" in text
    cut = text_of(render_period_report(report(overdue_total=1234), tmp_path / "cut.pdf"))
    assert "逾期未办结意见建议（共1234件，列出最近登记的1件）" in cut  # a list cut short says so


def test_county_report_compares_stations_and_shows_missing_rates(tmp_path):
    data = report(overdue_rows=(), category_rows=())
    by_station = {"T01": StatsFigures(9, 40, 400, 80, 60, 0.75, 0.9),
                  "T02": StatsFigures(8, 46, 490, 88, 66, 0.75, None)}
    data = dataclasses.replace(data, stats=dataclasses.replace(data.stats, station_code=None, by_station=by_station),
                               headline="本季度全县各联络站共接待群众890人次。")
    pdf = render_period_report(data, tmp_path / "county.pdf")
    text = text_of(pdf)
    assert "各联络站对比" in text and "本季度全县各联络站共接待群众890人次。" in text
    assert "T01940400806075.0%90.0%" in text
    assert "T02846490886675.0%—" in text
    assert "合计17868901681267" in text
    assert "逾期" not in text and "本期没有收集意见建议" in text


def test_report_with_no_rates(tmp_path):
    data = report()
    data = dataclasses.replace(data, stats=dataclasses.replace(
        data.stats, figures=StatsFigures(completion_rate=None, satisfaction_rate=None)))
    text = text_of(render_period_report(data, tmp_path / "empty.pdf"))
    assert "办结率—" in text and "满意率—" in text and "接待群众人次0人次" in text
