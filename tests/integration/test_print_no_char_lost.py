"""No text silently vanishes from a printout (issue 16, item 6).

Every printed kind is rendered from a real demo database whose free text (and, as data imported
from elsewhere could have, whose names) holds characters the bundled font cannot draw: an emoji,
a CJK Extension B ideograph and a combining mark the font lacks. ``pdftotext`` must give back
every character: drawn, or as its visible ``[U+XXXX]`` placeholder — never nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from station_app.db.connection import db_cache
from station_app.db.models import ActivityDay, Case, Deputy, Reception, Station
from station_app.printing.fonts import missing_chars, printable
from station_app.services import activity, cases, printing, scoring, station, stats
from station_app.services.demo import make_demo

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")

# an emoji, a CJK Extension B ideograph (𠮷, 吉 with 土), a combining circumflex the font lacks,
# between characters it draws
MARK = "甲😀乙𠮷丙a\u0302丁"
SHOWN = printable(MARK)  # 甲[U+1F600]乙[U+20BB7]丙a[U+0302]丁


def text_of(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())  # pdftotext spaces and breaks CJK text at will


def test_the_marker_holds_characters_the_font_lacks():
    assert missing_chars(MARK) == ["😀", "𠮷", "\u0302"]
    assert SHOWN == "甲[U+1F600]乙[U+20BB7]丙a[U+0302]丁"
    assert printable("一\t二") == "一 二"  # white space the font lacks is a space, not a code


@pytest.fixture
def marked(db, tmp_path):
    """A demo station whose texts and names all carry :data:`MARK`."""
    make_demo(seed=5, deputies=5, receptions=60)
    code = station.home_code()
    Station.update(name=f"{MARK}联络站", address=f"{MARK}路1号").where(Station.code == code).execute()
    db_cache().clear()
    for i, dep in enumerate(Deputy.select().order_by(Deputy.id)):
        Deputy.update(name=f"{MARK}{i}", commitment=f"承诺{MARK}", sector=f"界别{MARK}").where(
            Deputy.id == dep.id).execute()
    ActivityDay.update(theme=f"主题{MARK}", agenda=f"议程{MARK}", discussion=f"讨论{MARK}", decisions=f"议定{MARK}",
                       follow_ups=f"跟进{MARK}").execute()
    Reception.update(visitor_name=f"{MARK}大爷", summary=f"反映{MARK}").execute()
    Case.update(content=f"意见{MARK}", department=f"{MARK}办").execute()
    return code


def _days(code: str, date_from: dt.date, date_to: dt.date) -> list:
    return activity.days_in_range(date_from, date_to, include_cancelled=False, station_code=code)


def test_every_printout_gives_back_every_character(marked, tmp_path):
    code = marked
    today = dt.date.today()
    case = Case.select().where(Case.status != "registered").order_by(Case.id).first()
    deputy = Deputy.select().order_by(Deputy.id).first()
    year = int(str(Case.select().order_by(Case.id).first().registered_at)[:4])
    days = _days(code, today - dt.timedelta(days=400), today + dt.timedelta(days=400))
    held = next(d for d in reversed(days) if d.status == "held")
    out = tmp_path
    pdfs = {
        "board": printing.print_board(out / "board.pdf", "A3", station_code=code, next_dates=()).path,
        "cards": printing.print_cards(out / "cards.pdf", station_code=code, next_dates=()).path,
        "sanliang": printing.print_sanliang(out / "sanliang.pdf", station_code=code, next_dates=()).path,
        "nameplate": printing.print_nameplate(out / "nameplate.pdf", station_code=code).path,
        "poster": printing.print_poster(out / "poster.pdf", station_code=code, next_dates=()).path,
        "minutes": activity.print_minutes(held.uid, out / "minutes.pdf", code),
        "notice": activity.print_notice(days[0].date, days[-1].date, out / "notice.pdf", code),
        "report": stats.print_report(today - dt.timedelta(days=400), today, out / "report.pdf", code),
        "assign": cases.print_sheet(case.uid, "assign", out / "assign.pdf", code),
        "feedback": cases.print_sheet(case.uid, "feedback", out / "feedback.pdf", code),
        "archive": scoring.print_archive(deputy.uid, year, out / "archive.pdf"),
        "ranking": scoring.print_ranking(year, out / "ranking.pdf"),
    }
    for kind, pdf in pdfs.items():
        text = text_of(Path(getattr(pdf, "path", pdf)))
        assert SHOWN in text, f"{kind}: {MARK!r} did not come back whole"
        assert "甲乙" not in text and "乙丙" not in text, f"{kind}: a character vanished"
