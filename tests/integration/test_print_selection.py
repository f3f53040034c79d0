"""Printing chosen deputies only (cards, 三亮, 桌牌), the print centre's catalogue and file names,
and ``station-app print … --deputy UID``: real database, real PDFs read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from station_app.db import close_database, open_database
from station_app.domain.qrcontent import QrOptions
from station_app.errors import KnownError, ValidationError
from station_app.services import deputies, printing, station
from station_app.services.demo import make_demo
from station_app.services.deputies import DeputyFilter
from station_app.services.printing import PrintOptions
from tests.conftest import TEST_STATION

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")
MAIN_PY = Path(__file__).resolve().parents[2] / "main.py"


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def active() -> list:
    return deputies.all_deputies(DeputyFilter(active=True))


@pytest.fixture
def demo(db, tmp_path):
    make_demo(seed=3, deputies=10)
    return active()


@pytest.mark.parametrize("kind", ["cards", "sanliang", "nameplate"])
def test_only_the_chosen_deputies_in_roster_order(demo, tmp_path, kind):
    people = demo
    chosen = [people[5], people[0], people[3]]  # given out of order
    layout = printing.render(PrintOptions(kind, qr=QrOptions("text"), deputy_uids=tuple(d.uid for d in chosen)),
                             tmp_path / f"{kind}.pdf")
    text = pdf_text(layout.path)
    assert all(d.name in text for d in chosen)
    assert not any(d.name in text for d in people if d not in chosen)
    per_deputy = layout.of_kind("card", "plate") if kind != "sanliang" else layout.qr_boxes()
    assert list(dict.fromkeys(b.key for b in per_deputy)) == [people[0].uid, people[3].uid, people[5].uid]


def test_a_bad_choice_is_refused_and_nothing_written(demo, tmp_path):
    people = demo
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "cards.pdf"
    with pytest.raises(KnownError, match="没有选择代表"):
        printing.print_cards(out, deputy_uids=())
    deputies.set_active(people[2].uid, False)
    with pytest.raises(KnownError, match="1 名已不在任"):
        printing.print_sanliang(out, deputy_uids=[people[1].uid, people[2].uid])
    with pytest.raises(KnownError, match="全部在任代表"):
        printing.render(PrintOptions("board", deputy_uids=(people[1].uid,)), out)
    with pytest.raises(ValidationError, match="A5"):
        printing.render(PrintOptions("sanliang", paper="A4"), out)
    assert list(folder.iterdir()) == []


def test_no_active_deputy_refuses_every_deputy_printout(db, tmp_path):
    folder = tmp_path / "out"
    with pytest.raises(ValidationError, match="请先填写联络站信息"):
        printing.render(PrintOptions("poster"), folder / "p.pdf")
    station.save_home_station(TEST_STATION)
    for kind in ("board", "cards", "sanliang", "nameplate"):
        with pytest.raises(KnownError, match="还没有在任代表"):
            printing.render(PrintOptions(kind), folder / f"{kind}.pdf")
    layout = printing.render(PrintOptions("poster"), folder / "poster.pdf")
    assert layout.pages == 1 and TEST_STATION.name in pdf_text(layout.path)
    assert sorted(p.name for p in folder.iterdir()) == ["poster.pdf"]


def test_catalogue_file_names_and_bytes(demo, tmp_path):
    assert [p.key for p in printing.PRINTOUTS] == ["board", "cards", "sanliang", "nameplate", "poster"]
    day = dt.date(2026, 11, 22)
    assert printing.default_filename(PrintOptions("board"), day) == "代表公示栏-A3-2026-11-22.pdf"
    assert printing.default_filename(PrintOptions("board", paper="a4"), day) == "代表公示栏-A4-2026-11-22.pdf"
    assert printing.default_filename(PrintOptions("nameplate"), day) == "桌牌-A4横向-2026-11-22.pdf"
    layout, data = printing.render_bytes(PrintOptions("board", paper="A4", qr=QrOptions("mecard")))
    assert data.startswith(b"%PDF") and not layout.path.exists()  # the temporary file is gone
    assert layout.page_size == (210.0, 297.0)


def test_cli_deputy_flag(demo, db_path, tmp_path):
    people = demo
    close_database()
    out = tmp_path / "plates.pdf"
    done = subprocess.run([sys.executable, str(MAIN_PY), "print", "nameplate", "--db", db_path, "--out", str(out),
                           "--deputy", people[1].uid, "--deputy", people[2].uid],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text = pdf_text(out)
    assert people[1].name in text and people[2].name in text and people[0].name not in text
    bad = subprocess.run([sys.executable, str(MAIN_PY), "print", "cards", "--db", db_path, "--out",
                          str(tmp_path / "x.pdf"), "--deputy", "no-such-uid"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "已不在任或已删除" in bad.stderr
    assert not (tmp_path / "x.pdf").exists()
    open_database(db_path)  # the fixture closes it
