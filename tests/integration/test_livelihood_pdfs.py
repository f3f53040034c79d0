"""民生实事 PDFs (issue 22) read back with pdftotext: the ballot, the 计票结果公告, the 公示 of the
approved projects, the monthly board of case outcomes and the 代表履职情况通报 — the Chinese text is
there, the numbers are the ones given, and page 1 rasterises."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from station_app.printing import livelihood_docs as ld

pytestmark = pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("pdftotext")),
                                reason="poppler-utils (pdftotext, pdftoppm) not installed")


def text_of(pdf) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.replace(" ", "")  # pdftotext spaces CJK text at will


def cells(pdf) -> str:
    """The text in reading order (a table cell's lines together), newlines dropped."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.replace(" ", "").replace("\n", "")


def flat(text: str) -> str:
    return text.replace("\n", "")  # sentences wrap across lines


def first_page_png(pdf, tmp_path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    assert list(tmp_path.glob("page*.png"))


ITEMS = (ld.BallotItem(1, "青石村通组道路硬化", "硬化道路3.2公里，宽4.5米", "120万元"),
         ld.BallotItem(2, "镇卫生院康复科建设", "新建康复理疗室，添置设备", "85万元"),
         ld.BallotItem(3, "东河村饮水安全提升", "新建水源井一眼，铺设管网", "46.5万元"))


def test_ballot_lists_the_shortlist_with_boxes_and_the_rule(tmp_path):
    pdf = ld.render_ballot(ld.BallotData("青石镇", "青石镇第十八届人民代表大会第三次会议", dt.date(2026, 1, 10), 2026,
                                         ITEMS, quota=2), tmp_path / "ballot.pdf")
    text = text_of(pdf)
    assert "2026年民生实事项目票决选票" in flat(text)
    assert "青石镇第十八届人民代表大会第三次会议" in flat(text)
    assert "2026年1月10日" in flat(text) and "候选项目3项" in flat(text) and "应选2项" in flat(text)
    for head in ("序号", "项目名称", "项目概要", "预算", "赞成", "反对", "弃权"):
        assert head in text
    for item in ITEMS:
        assert item.title in text and item.budget in text
    assert "在选项下的方格内划“○”" in flat(text)
    assert "以全体代表过半数赞成为通过" in flat(text) and "多于2项的，本票无效" in flat(text)
    first_page_png(pdf, tmp_path)


def tally(**over) -> ld.TallyData:
    rows = (ld.TallyRow("青石村通组道路硬化", 30, 4, 2, True, 1, True, "镇交通办", "120万元"),
            ld.TallyRow("镇卫生院康复科建设", 22, 10, 4, True, 2, True, "镇卫生院", "85万元"),
            ld.TallyRow("东河村饮水安全提升", 21, 12, 3, True, 3, False, "镇水利站", "46.5万元"),
            ld.TallyRow("文化广场亮化", 15, 15, 6, False))
    values = dict(station_name="青石镇", meeting="青石镇第十八届人民代表大会第三次会议", date=dt.date(2026, 1, 10),
                  year=2026, total_deputies=40, present=36, quorum_ok=True, threshold=21, quota=2, rows=rows,
                  ballots_issued=36, ballots_returned=36, ballots_valid=35)
    values.update(over)
    return ld.TallyData(**values)


def test_tally_notice_gives_attendance_votes_results_and_the_definition(tmp_path):
    pdf = ld.render_tally(tally(), tmp_path / "tally.pdf")
    text = text_of(pdf)
    assert "民生实事项目票决计票结果公告" in flat(text)
    assert "应到代表40名，实到36名" in flat(text) and "符合法定人数" in flat(text)
    assert "共发出选票36张，收回36张，其中有效票35张" in flat(text)
    assert "票决产生民生实事项目2件" in flat(text)
    assert "以全体代表过半数赞成为通过" in flat(text) and "赞成票达到21票" in flat(text)
    lines = [ln for ln in text.splitlines() if "文化广场亮化" in ln]
    assert lines and "未通过" in lines[0] and "15" in lines[0]
    over = [ln for ln in text.splitlines() if "东河村饮水安全提升" in ln]
    assert "通过，未入选" in over[0]
    assert "二、票决产生的2026年民生实事项目（2件）" in flat(text)
    assert "镇交通办" in flat(text) and "青石镇人民代表大会主席团" in flat(text)
    first_page_png(pdf, tmp_path)


def test_tally_without_quorum_says_so(tmp_path):
    text = text_of(ld.render_tally(tally(present=18, quorum_ok=False, ballots_issued=None, ballots_returned=None,
                                         ballots_valid=None, rows=()), tmp_path / "t.pdf"))
    assert "实到18名" in flat(text) and "不符合法定人数" in flat(text) and "票决产生民生实事项目0件" in flat(text)
    assert "选票" not in flat(text).split("公告")[1].split("经计票")[0]  # no ballot counts when none given


def test_publicity_shows_milestones_progress_and_department(tmp_path):
    projects = (ld.PublicityProject("青石村通组道路硬化", "硬化道路3.2公里", "青石村", "镇交通办", "120万元", 60, "实施中",
                                    (ld.Milestone("完成设计", dt.date(2026, 3, 31), dt.date(2026, 3, 28)),
                                     ld.Milestone("路基完工", dt.date(2026, 5, 31), None, True))),
                ld.PublicityProject("镇卫生院康复科建设", department="镇卫生院", budget="85万元", progress=100,
                                    rating="满意30、基本满意4、不满意2"))
    pdf = ld.render_publicity(ld.PublicityData("青石镇", 2026, dt.date(2026, 6, 15), projects, "0371-1234567"),
                              tmp_path / "pub.pdf")
    text = text_of(pdf)
    assert "2026年民生实事项目实施情况公示" in flat(text) and "截至2026年6月15日" in flat(text)
    assert "民生实事项目2件，已完成1件，正在实施1件" in flat(text)
    assert "完成设计：计划3月31日，已完成（3月28日）" in cells(pdf)
    assert "路基完工：计划5月31日，已逾期" in cells(pdf)
    assert "60%" in flat(text) and "100%" in flat(text) and "镇交通办" in flat(text) and "120万元" in flat(text)
    assert "满意30、基本满意4、不满意2" in cells(pdf) and "监督电话：0371-1234567" in flat(text)
    first_page_png(pdf, tmp_path)


def test_outcomes_board_prints_masked_names_and_the_count(tmp_path):
    rows = (ld.OutcomeRow("2026-0012", "交通出行", "青石村", "王*", "村口路灯不亮", "已更换路灯6盏", "满意"),
            ld.OutcomeRow("2026-0015", "医疗卫生", "东河村", "李**", "希望卫生室延长时间", "周末半天开诊", "不满意"))
    pdf = ld.render_outcomes(ld.OutcomesData("青石镇", "2026-03", rows), tmp_path / "out.pdf")
    text = text_of(pdf)
    assert "群众意见建议办理结果公开" in flat(text) and "2026年3月" in flat(text)
    assert "办结（结案）群众意见建议2件，群众评价满意或基本满意1件" in flat(text)
    assert "王*" in flat(text) and "李**" in flat(text) and "已更换路灯6盏" in flat(text)
    first_page_png(pdf, tmp_path)


def test_bulletin_gives_each_deputy_and_the_column_definitions(tmp_path):
    rows = (ld.BulletinRow("王建国", 2, 0, 0, 0, 3, 4), ld.BulletinRow("李秀英", 1, 1, 0, 0, 1, 0),
            ld.BulletinRow("张伟", 0, 0, 1, 1, 0, 0))
    pdf = ld.render_bulletin(ld.BulletinData("青石镇", "2026-03", 2, rows), tmp_path / "b.pdf")
    text = text_of(pdf)
    assert "代表履职情况通报" in flat(text) and "本站举行代表活动日2次，代表参加接待4人次" in flat(text)
    line = [ln for ln in text.splitlines() if "王建国" in ln][0]
    assert line.endswith("王建国200034")
    assert "未举行或已取消的活动日不计" in flat(text) and "接待次数：" in flat(text)
    first_page_png(pdf, tmp_path)


def test_cli_prints_each_kind_from_a_real_database(station_db, db_path, tmp_path):
    """``station-app print ballot|tally|publicity|outcomes|bulletin`` on a real database: the
    numbers come from the services (votes, the resolved case with its visitor masked)."""
    from station_app.cli import main
    from station_app.db import close_database
    from station_app.domain import clock
    from station_app.domain.records import DeputyData, OpinionData, ReceptionData
    from station_app.services import cases, deputies, livelihood, receptions

    people = [deputies.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英", "张伟")]
    now = clock.now()
    rec = receptions.record_visit(ReceptionData(received_at=now - dt.timedelta(minutes=5), channel="visit",
                                                visitor_name="赵秀兰", village="青石村", deputy_uids=(people[0],)),
                                  [OpinionData("路灯不亮", "infrastructure", "on_the_spot", reply="当场联系电工修好")])
    assert cases.page(reception_uid=rec.uid).rows[0].status == "resolved"
    year = now.year
    road = livelihood.save_project({"title": "青石村通组道路硬化", "year": year, "estimated_cost": "1200000"})
    livelihood.shortlist([road.uid])
    s = livelihood.create_session({"date": now.date(), "meeting_name": "青石镇人代会", "deputies_total": 3,
                                   "present_deputy_uids": people[:2], "quota": 1})
    livelihood.record_tally(s.uid, road.uid, 2, 0, 0)
    livelihood.close_session(s.uid)
    close_database()
    month = f"{now.year}-{now.month:02d}"
    texts = {}
    for kind, extra in (("ballot", ["--session", s.uid]), ("tally", ["--session", s.uid]),
                        ("publicity", ["--year", str(year)]), ("outcomes", ["--month", month]),
                        ("bulletin", ["--month", month])):
        out = tmp_path / f"{kind}.pdf"
        assert main(["print", kind, "--db", str(db_path), "--out", str(out), *extra]) == 0
        texts[kind] = flat(text_of(out))
    assert "青石村通组道路硬化" in texts["ballot"] and "120万元" in texts["ballot"]
    assert "应到代表3名，实到2名" in texts["tally"] and "票决产生民生实事项目1件" in texts["tally"]
    assert "青石村通组道路硬化" in texts["publicity"]
    assert "赵**" in texts["outcomes"] and "赵秀兰" not in texts["outcomes"] and "当场联系电工修好" in texts["outcomes"]
    assert "王建国" in texts["bulletin"] and "接待次数" in texts["bulletin"]
    with pytest.raises(SystemExit) as bad:
        main(["print", "outcomes", "--db", str(db_path), "--out", str(tmp_path / "x.pdf"), "--month", "2026-13"])
    assert bad.value.code == 2
