"""履职档案 and 履职积分排名 PDFs on a real database, read back with pdftotext: the deputy's
records and total as the scoring service computes them, the 合计 row equal to the 计入 column,
the ranking in rank order, and the ``print archive`` / ``print ranking`` commands."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from station_app import cli
from station_app.db import close_database, open_database
from station_app.domain import clock
from station_app.domain.records import ArchiveLine, DeputyData, OpinionData, ReceptionData
from station_app.printing.archive_docs import points_text, render_archive, render_ranking
from station_app.services import activity, deputies, receptions, scoring

pytestmark = pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("pdftotext")),
                                reason="poppler-utils (pdftoppm, pdftotext) not installed")

Y = clock.today().year - 1  # a whole year in the past: every date below is allowed
MM = 72 / 25.4


def text_of(pdf: Path, mode: str = "-layout") -> str:
    """The PDF's text without spaces and line breaks (pdftotext spaces and breaks CJK text at
    will). ``-layout`` keeps a table's rows together; ``-raw`` (drawing order) a cell's lines."""
    out = subprocess.run(["pdftotext", mode, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.replace(" ", "").replace("\n", "")


def words_of(pdf: Path) -> list[dict]:
    """Every word with its page and box (points, top-left origin)."""
    out = subprocess.run(["pdftotext", "-tsv", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    head = lines[0].split("\t")
    words = []
    for line in lines[1:]:
        cells = dict(zip(head, line.split("\t"), strict=False))
        if cells.get("level") == "5" and cells.get("text", "").strip():
            words.append({"page": int(cells["page_num"]), "x": float(cells["left"]) + float(cells["width"]) / 2,
                          "top": float(cells["top"]), "text": cells["text"].strip()})
    return words


def counted_column(pdf: Path) -> tuple[list[float], float]:
    """The 计入 cells of the 履职记录明细 table on every page, and the 合计 row's figure."""
    words = words_of(pdf)
    pages = sorted({w["page"] for w in words})
    cells: list[float] = []
    total = None
    for page in pages:
        on_page = [w for w in words if w["page"] == page]
        heads = [w for w in on_page if w["text"] == "计入"]
        if not heads or total is not None:
            continue
        head = heads[-1]  # the detail table is the page's last table with this column
        sums = [w for w in on_page if w["text"] == "合计" and w["top"] > head["top"]]
        bottom = sums[0]["top"] + 1 if sums else 297 * MM - 18 * MM
        for w in on_page:
            if head["top"] < w["top"] < bottom + 5 and abs(w["x"] - head["x"]) < 6 * MM:
                if sums and abs(w["top"] - sums[0]["top"]) < 5:
                    total = float(w["text"])
                else:
                    cells.append(float(w["text"]))
    assert total is not None, "no 合计 row found"
    return cells, total


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=clock.zone())


@pytest.fixture
def year(station_db, tmp_path):
    """Three deputies and a year of facts: a held study day and a held reception day with
    sign-ins, visits (one with an opinion answered on the spot), a reviewed manual record, one
    awaiting review; then the year recomputed."""
    from PIL import Image

    photo = tmp_path / "photo.png"
    Image.new("RGB", (600, 800), (90, 130, 180)).save(photo)
    a = deputies.create(DeputyData(name="赛山·托西别克", levels=("county", "township"), gender="male",
                                   party="中共党员", group="第一代表小组", phone="13800001234", term="第十八届",
                                   commitment="带头办好村里的三件实事：修路、装路灯、建好老年食堂。"), photo).uid
    b = deputies.create(DeputyData(name="李秀英", levels=("township",))).uid
    c = deputies.create(DeputyData(name="张伟", levels=("township",))).uid
    study = activity.add_day(dt.date(Y, 3, 16), kind="study")
    activity.sign_in(study.uid, {a: "present", b: "late", c: "absent"})
    day = activity.add_day(dt.date(Y, 4, 15))
    activity.sign_in(day.uid, {a: "present", b: "present", c: "leave"})
    receptions.record_visit(ReceptionData(at(dt.date(Y, 4, 15)), "visit", "张大爷", visitor_count=3, deputy_uids=(a,),
                                          activity_day_uid=day.uid),
                            [OpinionData("村口路灯不亮已三个月", "infrastructure", "on_the_spot",
                                         reply="已联系供电所当天修复")])
    receptions.record_visit(ReceptionData(at(dt.date(Y, 6, 2)), "home_visit", "王大妈", deputy_uids=(a, b)), [])
    proof = tmp_path / "建议.pdf"
    proof.write_bytes(b"%PDF-1.4 proof")
    rec = scoring.add_manual(a, dt.date(Y, 5, 20), "B01", 1, "关于修缮东关村村道的建议", evidence=proof)
    scoring.review(rec.uid)
    scoring.add_manual(b, dt.date(Y, 7, 1), "F01", 1, "义务植树", evidence=proof)  # not reviewed
    scoring.recompute(Y)
    return {"a": a, "b": b, "c": c}


def test_archive_lists_the_years_records_and_the_total(year, tmp_path):
    a = year["a"]
    pdf = scoring.print_archive(a, Y, tmp_path / "archive.pdf")
    text = text_of(pdf)
    total = scoring.score_of(a, Y)
    _s, recs = scoring.explain(a, Y)
    assert recs and abs(sum(r.counted for r in recs) - total.raw) < 1e-9
    for expected in (f"代表履职档案（{Y}年度）", "述职参考材料", "测试镇人大代表联络站", "赛山·托西别克",
                     "县、乡镇", "中共党员", "第一代表小组", "第十八届", "138****1234", "带头办好村里的三件实事",
                     f"年度积分百分制合格进度站内排名{points_text(total.raw)}{points_text(total.score100)}"
                     f"{total.progress}%{total.rank}/3",  # the year is not closed: no grade "百分制得分=年度积分÷满分积分",
                     "活动日出席2次", "迟到0次", "请假0次", "缺席0次", "接待群众2次/4人次", "意见建议1条/办结1件",
                     "代表本人签字", "联络站（盖章）", "日期"):
        assert expected in text, expected
    assert "13800001234" not in text
    cells_text = text_of(pdf, "-raw")
    for r in recs:  # every record of the year: its indicator and its note
        assert r.indicator_name in cells_text and r.note.replace(" ", "") in cells_text, r
    for name in ("参加学习培训", "出席代表活动日", "进站接待群众", "走访选民", "推动解决群众反映的问题", "提出代表建议"):
        assert name in text, name
    assert "关于修缮东关村村道的建议" in text and "义务植树" not in text  # someone else's, and not reviewed
    assert f"合计{points_text(total.raw)}共{len(recs)}条记录" in text
    cells, printed_total = counted_column(pdf)
    assert len(cells) == len(recs)
    assert printed_total == pytest.approx(total.raw) == pytest.approx(sum(cells))
    assert points_text(printed_total) == points_text(total.raw)
    assert "3月" in text and "分月积分" in text
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 3  # two header lines and the photo


def test_a_deputy_with_no_records_gets_an_empty_archive(year, tmp_path):
    text = text_of(scoring.print_archive(year["c"], Y + 1, tmp_path / "empty.pdf"))
    assert "张伟" in text and "本年度尚无计分的履职记录" in text and "合计0共0条记录" in text


def test_unreviewed_lines_are_marked_and_long_tables_repeat_their_header(year, tmp_path):
    data = scoring.archive_data(year["a"], Y)
    extra = tuple(ArchiveLine(dt.date(Y, 8, 1 + i % 28), "参加社会公益活动", "社会公益", 1, 2, 0, f"第{i:02d}次公益活动",
                              "手工", False) for i in range(60))
    data = dataclasses.replace(data, lines=data.lines + extra, photo=None)
    pdf = render_archive(data, tmp_path / "long.pdf")
    text = text_of(pdf)
    assert text.count("待审核") == 60
    for i in range(60):
        assert text.count(f"第{i:02d}次公益活动") == 1
    words = words_of(pdf)
    pages = sorted({w["page"] for w in words})
    detail_pages = [p for p in pages if any(w["page"] == p and w["text"] == "来源" for w in words)]
    assert len(detail_pages) >= 2  # the header row again on the continuation page
    cells, total = counted_column(pdf)
    assert total == pytest.approx(sum(cells)) == pytest.approx(data.raw)


def test_ranking_sheet_lists_deputies_in_rank_order(year, tmp_path):
    pdf = scoring.print_ranking(Y, tmp_path / "ranking.pdf")
    text = text_of(pdf)
    ranks = scoring.ranking(Y)
    assert [s.rank for s in ranks] == sorted(s.rank for s in ranks)
    assert f"{Y}年度代表履职积分排名" in text and "测试镇人大代表联络站" in text
    data = scoring.ranking_sheet_data(Y)
    assert text.find("排名姓名代表层级" + "".join(data.categories) + "年度积分百分制合格进度待审核") >= 0  # open year
    positions = []
    for s, row in zip(ranks, data.rows, strict=True):
        cats = "".join(points_text(v) for v in row.by_category)
        pending = str(s.pending) if s.pending else ""
        line = f"{s.rank}{s.name}{row.levels}{cats}{points_text(s.raw)}{points_text(s.score100)}{s.progress}%{pending}"
        assert line in text, line
        positions.append(text.index(line))
    assert positions == sorted(positions)
    assert [s.name for s in ranks][0] == "赛山·托西别克"
    assert {s.name: s.pending for s in ranks}["李秀英"] == 1
    assert "优秀：90分及以上" in text and "百分制得分=年度积分÷满分积分" in text


def test_empty_ranking_renders(tmp_path):
    from station_app.domain.records import RankingSheetData

    data = RankingSheetData("测试镇人大代表联络站", Y, f"{Y}年度代表履职积分排名", ("会议履职",), (), "公式", ())
    assert "本站没有在任代表" in text_of(render_ranking(data, tmp_path / "r.pdf"))


def test_cli_print_archive_by_uid_or_name_and_ranking(year, db_path, tmp_path, capsys):
    a = year["a"]
    raw = scoring.score_of(a, Y).raw
    deputies.create(DeputyData(name="张伟", levels=("township",)))  # now two deputies are called 张伟
    close_database()
    try:
        by_uid, by_name = tmp_path / "uid.pdf", tmp_path / "name.pdf"
        assert cli.main(["print", "archive", "--db", db_path, "--out", str(by_uid), "--deputy", a,
                         "--year", str(Y)]) == 0
        assert str(by_uid) in capsys.readouterr().out
        assert cli.main(["print", "archive", "--db", db_path, "--out", str(by_name), "--deputy", "赛山·托西别克",
                         "--year", str(Y)]) == 0
        for pdf in (by_uid, by_name):
            text = text_of(pdf)
            assert "赛山·托西别克" in text and f"合计{points_text(raw)}" in text
        missing = tmp_path / "missing.pdf"
        assert cli.main(["print", "archive", "--db", db_path, "--out", str(missing), "--deputy", "没有这个人",
                         "--year", str(Y)]) == 1
        err = capsys.readouterr().err
        assert "找不到代表“没有这个人”" in err and "Traceback" not in err
        assert cli.main(["print", "archive", "--db", db_path, "--out", str(missing), "--deputy", "张伟",
                         "--year", str(Y)]) == 2  # an ambiguous name is a wrong argument: the list says who
        assert "2 位代表名叫“张伟”" in capsys.readouterr().err
        assert not missing.exists() and not list(tmp_path.glob(".missing.pdf*"))
        ranking = tmp_path / "ranking.pdf"
        assert cli.main(["print", "ranking", "--db", db_path, "--out", str(ranking), "--year", str(Y)]) == 0
        assert "赛山·托西别克" in text_of(ranking)
        with pytest.raises(SystemExit) as exc:
            cli.main(["print", "ranking", "--db", db_path, "--out", str(ranking), "--year", "26"])
        assert exc.value.code == 2
    finally:
        open_database(db_path)  # the fixture closes it
