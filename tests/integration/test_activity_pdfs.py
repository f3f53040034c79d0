"""Activity-day PDFs read back: minutes (pdftotext) and the schedule notice (QR decoded)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import zxingcpp
from PIL import Image

from station_app.domain.records import DeputyData, MinutesAttendee, MinutesCase, MinutesData
from station_app.printing.activity_docs import render_minutes
from station_app.services import activity, deputies, settings
from station_app.services.demo import make_demo

ROOT = Path(__file__).resolve().parents[2]


def text_of(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.replace(" ", "")  # pdftotext spaces CJK text at will


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_minutes_of_a_signed_in_day(station_db, tmp_path):
    uids = [deputies.create(DeputyData(name=n, levels=("county", "township"))).uid
            for n in ("赛山·托西别克", "王建国", "李秀英", "张伟")]
    settings.set("schedule.rules", ["每月15日"])
    activity.generate_year(2026, today=dt.date(2026, 1, 1))
    day = activity.month_days(2026, 3)[0]
    activity.update_day(day.uid, theme="优化营商环境", host="王建国")
    activity.sign_in(day.uid, {uids[0]: "present", uids[1]: "late", uids[2]: "leave"})
    activity.save_minutes(day.uid, "学习条例", "群众反映办证难", "交办便民服务中心", "月底前回复")
    pdf = activity.print_minutes(day.date.isoformat(), tmp_path / "m.pdf")
    text = text_of(pdf)
    for expected in ("代表活动日活动记录", "优化营商环境", "赛山·托西别克", "王建国", "李秀英", "交办便民服务中心",
                     "2026年3月16日", "第1页共1页"):
        assert expected in text, expected
    assert "张伟" not in text or any(d.name == "张伟" for d in day.duty)  # only signed-in or on duty


def test_minutes_list_the_visitors_and_opinions_of_the_day(station_db, tmp_path):
    from station_app.domain import clock
    from station_app.domain.records import OpinionData, ReceptionData
    from station_app.services import receptions

    uid = deputies.create(DeputyData(name="王建国", levels=("township",))).uid
    day = activity.add_day(dt.date(2026, 3, 16))
    at = dt.datetime(2026, 3, 16, 9, 30, tzinfo=clock.zone())
    receptions.record_visit(ReceptionData(at, "visit", "张大爷", visitor_count=12, deputy_uids=(uid,),
                                          activity_day_uid=day.uid),
                            [OpinionData("村口路灯不亮已三个月", "infrastructure", "assigned", department="供电所")])
    receptions.record_visit(ReceptionData(at.replace(day=17), "visit", "别的日子"), [])  # not this day
    data = activity.minutes_data(day.uid)
    assert data.visitors_count == 12 and [c.visitor for c in data.cases] == ["张大爷"]
    text = text_of(activity.print_minutes("2026-03-16", tmp_path / "m.pdf"))
    assert "村口路灯不亮已三个月" in text and "2026-0001" in text and "供电所" in text
    assert "别的日子" not in text


def test_long_minutes_flow_across_pages(tmp_path):
    people = tuple(MinutesAttendee(f"代表{i:02d}号·阿不都热合曼", "县、乡镇", "出席", i < 2) for i in range(80))
    cases = tuple(MinutesCase(f"YJ2026-{i:04d}", f"村民{i}", "村道破损，雨天积水严重，" * 3, "交办") for i in range(60))
    data = MinutesData("测试镇人大代表联络站", dt.date(2026, 3, 16), "09:00—11:30", "接待室", "主任", "接待选民",
                       "民生实事", "已举行", people, 75, cases, "议程", "讨论" * 400, "决定", "跟进")
    pdf = render_minutes(data, tmp_path / "long.pdf")
    n = pages_of(pdf)
    text = text_of(pdf)
    assert n > 2 and f"第{n}页共{n}页" in text
    for i in range(60):
        assert text.count(f"YJ2026-{i:04d}") == 1
    assert text.count("阿不都热合曼") == 80
    assert text.count("序号") == text.count("代表层级") > 1  # the header row repeats on the next page


def test_notice_cli_and_its_qr(tmp_path, station_db, db_path):
    make_demo(seed=4, deputies=8)
    out = tmp_path / "notice.pdf"
    res = subprocess.run([sys.executable, str(ROOT / "main.py"), "print", "notice", "--db", db_path, "--out", str(out),
                          "--from", f"{dt.date.today().year}-01-01", "--to", f"{dt.date.today().year}-12-31"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    text = text_of(out)
    assert "代表接访计划公示" in text and "值班代表" in text
    days = activity.days_in_range(dt.date(dt.date.today().year, 1, 1), dt.date(dt.date.today().year, 12, 31))
    for d in days:
        assert d.theme in text and f"{d.date.month}月{d.date.day}日" in text
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(out), str(tmp_path / "n")], check=True)
    img = Image.open(next(tmp_path.glob("n*.png")))
    found = [r for r in zxingcpp.read_barcodes(img) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert [r.text for r in found] == [activity.notice_data(days[0].date, days[-1].date).station_qr]
    width_mm = (found[0].position.top_right.x - found[0].position.top_left.x) / 150 * 25.4
    assert width_mm >= 29.5


def test_cli_minutes_errors_are_plain(tmp_path, station_db, db_path):
    out = tmp_path / "m.pdf"
    res = subprocess.run([sys.executable, str(ROOT / "main.py"), "print", "minutes", "--db", db_path, "--out", str(out),
                          "--activity-day", "2026-02-30"], capture_output=True, text=True)
    assert res.returncode == 1 and "活动日" in res.stderr and not out.exists()
    res = subprocess.run([sys.executable, str(ROOT / "main.py"), "print", "notice", "--db", db_path, "--out", str(out),
                          "--from", "2026-13-01", "--to", "2026-12-31"], capture_output=True, text=True)
    assert res.returncode == 2 and "日期应写成" in res.stderr and not out.exists()
