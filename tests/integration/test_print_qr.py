"""QR printouts end to end: real database, real PDFs, rasterised with pdftoppm and every code
decoded with zxing-cpp (EXCHANGE_FORMAT §4)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from station_app.db import close_database, open_database
from station_app.domain import qrcontent
from station_app.domain.qrcontent import QrOptions
from station_app.domain.records import DeputyData
from station_app.errors import KnownError, ValidationError
from station_app.services import deputies, printing, settings, station
from station_app.services.demo import make_demo
from station_app.services.deputies import DeputyFilter

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")
pytestmark = pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("pdftotext")),
                                reason="poppler-utils (pdftoppm, pdftotext) not installed")

DEPUTY_T = "https://county.example.cn/d/{deputy_uid}?s={station_code}&n={deputy_name}"
STATION_T = "https://county.example.cn/s/{station_code}"
MODES = {
    "text": QrOptions("text"),
    "url": QrOptions("url", DEPUTY_T, STATION_T),
    "mecard": QrOptions("mecard"),
}
LONG_NAME = "阿不都热依木·吐尔逊"
PHOTO_COLOUR = (20, 60, 200)


@pytest.fixture
def make_db(tmp_path):
    """``make_db(n)``: a demo station with ``n`` deputies; with ``extras``, a photo for the first
    one and a long minority name without phone, also with a photo."""
    opened = []

    def make(n: int, extras: bool = True):
        open_database(str(tmp_path / "d.db"))
        opened.append(True)
        make_demo(seed=7, deputies=n)
        if extras:
            jpeg = tmp_path / "photo.jpg"
            Image.new("RGB", (600, 800), PHOTO_COLOUR).save(jpeg, "JPEG")
            first = deputies.all_deputies(DeputyFilter(active=True))[0]
            deputies.update(first.uid, first.data(), photo_source=jpeg)
            deputies.create(DeputyData(name=LONG_NAME, levels=("county", "township"), ethnicity="维吾尔族"),
                            photo_source=jpeg)
        return str(tmp_path / "d.db")

    yield make
    if opened:
        close_database()


def active() -> list:
    return deputies.all_deputies(DeputyFilter(active=True))


def rasterise(pdf: Path, dpi: int) -> list:
    """Every page as a greyscale PIL image, in page order."""
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), str(prefix)], check=True)
    files = sorted(pdf.parent.glob(prefix.name + "-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [Image.open(f) for f in files]


def decode_pdf(pdf: Path, dpi: int) -> list[list]:
    """The QR codes found on each page."""
    return [zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode) for img in rasterise(pdf, dpi)]


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def assert_codes_decode(layout, dpi: int) -> list[list]:
    """Each page decodes to exactly the contents the renderer placed there, error correction ≥ M."""
    decoded = decode_pdf(layout.path, dpi)
    assert len(decoded) == layout.pages
    for page, found in enumerate(decoded, start=1):
        placed = Counter(b.content for b in layout.qr_boxes() if b.page == page)
        assert Counter(r.text for r in found) == placed, f"page {page}"
        assert all(r.ec_level in ("M", "Q", "H") for r in found)
    return decoded


def printed_mm(result, dpi: int) -> float:
    p = result.position
    return ((p.top_right.x - p.top_left.x) ** 2 + (p.top_right.y - p.top_left.y) ** 2) ** 0.5 / dpi * 25.4


def assert_no_overlap(layout, kind: str) -> None:
    cells = layout.of_kind(kind)
    for i, a in enumerate(cells):
        assert a.x >= 0 and a.y >= 0 and a.x + a.w <= layout.page_size[0] and a.y + a.h <= layout.page_size[1]
        for b in cells[i + 1:]:
            assert not a.overlaps(b), (a, b)


# --- the board -------------------------------------------------------------------------------

@pytest.mark.parametrize(("paper", "mode", "n", "dpi"), [
    ("A3", "text", 12, 150), ("A3", "url", 12, 150), ("A3", "mecard", 12, 150),
    ("A4", "text", 12, 150), ("A4", "url", 12, 150), ("A4", "mecard", 12, 150),
    ("A3", "text", 1, 150), ("A4", "mecard", 1, 150),
    ("A3", "mecard", 80, 100), ("A4", "url", 80, 100),
])
def test_board_codes_decode_to_the_configured_content(make_db, tmp_path, paper, mode, n, dpi):
    make_db(n, extras=n > 1)
    people, home = active(), station.home_station()
    rule = settings.get("station.reception_rule")
    layout = printing.print_board(tmp_path / "board.pdf", paper, MODES[mode])

    # The configured content, worked out independently of the renderer.
    expected = Counter(qrcontent.deputy_content(d, home, rule, MODES[mode]) for d in people)
    expected[qrcontent.station_content(home, rule, MODES[mode])] += 1
    assert Counter(b.content for b in layout.qr_boxes()) == expected
    decoded = assert_codes_decode(layout, dpi)

    station_box, = layout.of_kind("station_qr")
    station_read = next(r for r in decoded[0] if r.text == station_box.content)
    if paper == "A3":  # read from about 1.2 m: ≥ 12 cm, by the layout and on the raster
        assert station_box.symbol >= 120
        assert printed_mm(station_read, dpi) >= 119
    for box in layout.of_kind("deputy_qr"):
        assert box.symbol >= 30
    for page in decoded:
        for r in page:
            if r.text != station_box.content:
                assert printed_mm(r, dpi) >= 29.5

    cells = layout.of_kind("cell")
    assert [c.key for c in cells] == [d.uid for d in people]  # roster order, each once
    assert_no_overlap(layout, "cell")
    for cell in cells:
        assert not cell.overlaps(station_box)
        inner = [b for b in layout.boxes if b.key == cell.key and b.kind in ("deputy_qr", "photo", "placeholder", "name")]
        assert len(inner) == 3 and all(b.inside(cell) for b in inner)

    text = pdf_text(layout.path)
    assert home.name in text and rule in text
    for d in people:
        assert d.name in text


def test_board_flows_onto_pages_and_checks_its_paper(make_db, tmp_path):
    make_db(80, extras=False)
    layout = printing.print_board(tmp_path / "b.pdf")
    assert layout.page_size == (297.0, 420.0) and layout.pages > 1
    assert {b.page for b in layout.of_kind("cell")} == set(range(1, layout.pages + 1))
    data = layout.path.read_bytes()
    assert b"/FontFile2" in data and b"+WenQuanYi" in data  # the CJK font, embedded as a subset
    assert b"/Subtype /Image" not in data  # no photos here: every code is vector shapes
    with pytest.raises(ValidationError):
        printing.print_board(tmp_path / "c.pdf", paper="A5")


def test_photos_names_and_privacy(make_db, tmp_path):
    make_db(12)
    people = active()
    with_photo = [d for d in people if d.photo]
    assert len(with_photo) == 2
    layout = printing.print_board(tmp_path / "b.pdf", "A3", MODES["text"])
    photos = layout.of_kind("photo")
    assert {b.key for b in photos} == {d.uid for d in with_photo}
    assert len(layout.of_kind("placeholder")) == len(people) - 2
    page = rasterise(layout.path, 50)[photos[0].page - 1].convert("L")
    box = photos[0]
    centre = page.getpixel((int((box.x + box.w / 2) / 25.4 * 50), int((box.y + box.h / 2) / 25.4 * 50)))
    assert abs(centre - Image.new("RGB", (1, 1), PHOTO_COLOUR).convert("L").getpixel((0, 0))) < 25

    long_one = next(d for d in people if d.name == LONG_NAME)
    name_box = next(b for b in layout.of_kind("name") if b.key == long_one.uid)
    cell = next(b for b in layout.of_kind("cell") if b.key == long_one.uid)
    assert name_box.inside(cell)
    home = station.home_station()  # no phone of the deputy's own: the station's, said to be the station's
    assert qrcontent.deputy_text(long_one, home, "每月15日").endswith(f"\n联络站电话：{home.phone}")

    text = pdf_text(layout.path)
    phoned = [d for d in people if d.phone]
    for d in phoned:  # neither the private number nor a masked one nobody can call
        assert d.phone not in text and f"{d.phone[:3]}****{d.phone[-4:]}" not in text
    settings.set("privacy.show_full_numbers", True)
    layout = printing.print_board(tmp_path / "full.pdf", "A4", MODES["text"])
    text = pdf_text(layout.path)
    assert all(d.phone in text for d in phoned)
    assert any(d.phone in b.content for b in layout.qr_boxes() for d in phoned)

    deputies.photo_path(with_photo[0].photo).write_bytes(b"not a photo any more")
    layout = printing.print_board(tmp_path / "broken.pdf", "A4", MODES["text"])
    assert not layout.of_kind("photo") and len(layout.of_kind("placeholder")) == len(people)


def test_url_mode_without_template_fails_and_writes_nothing(make_db, tmp_path):
    make_db(3, extras=False)
    out = tmp_path / "board.pdf"
    out.write_bytes(b"the old board")
    with pytest.raises(ValidationError) as err:
        printing.print_board(out, "A3", QrOptions("url", "", STATION_T))
    assert "模板" in err.value.message
    with pytest.raises(ValidationError):
        printing.print_board(out, "A3", QrOptions("url", "https://x.cn/{deputy_id}", STATION_T))
    assert out.read_bytes() == b"the old board"
    assert list(tmp_path.glob("*.part")) == []


def test_settings_are_the_default_and_flags_override_them(make_db, tmp_path):
    make_db(2, extras=False)
    settings.set("qr.mode", "url")
    settings.set("qr.deputy_template", "https://a.cn/d/{deputy_uid}")
    settings.set("qr.station_template", "https://a.cn/s/{station_code}")
    settings.set("station.reception_rule", "每月第一周的周二")
    layout = printing.print_board(tmp_path / "a.pdf", "A4")
    assert {b.content for b in layout.qr_boxes()} == (
        {f"https://a.cn/d/{d.uid}" for d in active()} | {"https://a.cn/s/DEMO-CG01"})
    options = printing.qr_options(mode="text")
    assert options == QrOptions("text", "https://a.cn/d/{deputy_uid}", "https://a.cn/s/{station_code}")
    layout = printing.print_board(tmp_path / "b.pdf", "A4", options)
    assert all("接待日：每月第一周的周二" in b.content for b in layout.qr_boxes())
    assert_codes_decode(layout, 150)


# --- cards, 三亮, name plates, poster ------------------------------------------------------------

def test_contact_cards_eight_per_a4(make_db, tmp_path):
    make_db(12)
    people = active()
    layout = printing.print_cards(tmp_path / "cards.pdf", MODES["mecard"])
    assert layout.page_size == (210.0, 297.0)
    assert layout.pages == -(-len(people) // 8)
    cards = layout.of_kind("card")
    assert [c.key for c in cards] == [d.uid for d in people]
    assert max(Counter(c.page for c in cards).values()) == 8
    assert_no_overlap(layout, "card")
    for qr in layout.of_kind("deputy_qr"):
        assert qr.symbol >= 30 and qr.inside(next(c for c in cards if c.key == qr.key))
    assert_codes_decode(layout, 150)
    text = pdf_text(layout.path)
    assert all(d.name in text for d in people) and "人大代表联系卡" in text


def test_sanliang_nameplate_and_poster(make_db, tmp_path):
    make_db(3)
    people = active()
    home = station.home_station()
    sl = printing.print_sanliang(tmp_path / "sl.pdf", MODES["text"])
    assert sl.pages == len(people) and sl.page_size == (148.0, 210.0)
    assert_codes_decode(sl, 150)
    text = pdf_text(sl.path)
    for word in ("亮身份", "亮服务", "亮承诺"):
        assert word in text
    for d in people:
        assert d.name in text
        if d.commitment:
            assert d.commitment[:10] in text.replace("\n", "")

    plate = printing.print_nameplate(tmp_path / "np.pdf")
    assert plate.pages == len(people) and plate.page_size == (297.0, 210.0)
    text = pdf_text(plate.path)
    assert all(text.count(d.name) >= 2 for d in people)
    assert len(plate.of_kind("plate")) == 2 * len(people)

    poster = printing.print_poster(tmp_path / "poster.pdf", MODES["url"])
    box, = poster.qr_boxes()
    assert box.content == "https://county.example.cn/s/DEMO-CG01" and box.symbol >= 120
    assert_codes_decode(poster, 100)
    assert home.name in pdf_text(poster.path)


def test_a_county_database_prints_the_station_asked_for(make_db, tmp_path):
    make_db(2, extras=False)
    with pytest.raises(KnownError):
        printing.print_board(tmp_path / "x.pdf", station_code="NOPE")
    layout = printing.print_board(tmp_path / "y.pdf", station_code="DEMO-CG01")
    assert len(layout.of_kind("cell")) == len(active())


def test_printing_imports_are_lazy():
    """Importing the print service and layouts loads neither ReportLab nor qrcode (fast start)."""
    code = ("import sys, station_app.services.printing, station_app.printing.board, station_app.printing.cards, "
            "station_app.cli_print; print(sorted(m for m in sys.modules if m.startswith(('reportlab', 'qrcode'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- command line ------------------------------------------------------------------------------

def run_cli(argv: list[str]) -> tuple[int, str]:
    """``station-app print …`` through the real sub-parser (until cli.py wires it in)."""
    from station_app.cli import _Parser
    from station_app.cli_print import add_print_parser, cmd_print

    parser = _Parser(prog="station-app")
    add_print_parser(parser.add_subparsers(dest="command", parser_class=_Parser))
    out = io.StringIO()
    with redirect_stdout(out):
        code = cmd_print(parser.parse_args(argv))
    return code, out.getvalue()


def test_cli_print_board_and_cards(make_db, tmp_path):
    db = make_db(12)
    close_database()
    out = tmp_path / "cli-board.pdf"
    code, stdout = run_cli(["print", "board", "--db", db, "--out", str(out), "--paper", "A4",
                            "--qr-mode", "url", "--deputy-template", DEPUTY_T, "--station-template", STATION_T])
    assert code == 0 and stdout.strip() == str(out)
    open_database(db)
    people = active()
    contents = {b.content for b in printing.print_board(tmp_path / "same.pdf", "A4", MODES["url"]).qr_boxes()}
    close_database()
    assert contents == {r.text for page in decode_pdf(out, 150) for r in page}
    assert len(contents) == len(people) + 1

    code, stdout = run_cli(["print", "cards", "--db", db, "--out", str(tmp_path / "c.pdf"), "--qr-mode", "text"])
    assert code == 0 and (tmp_path / "c.pdf").is_file()

    with pytest.raises(SystemExit) as exit_:
        run_cli(["print", "board", "--db", db, "--out", str(out), "--paper", "A5"])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        run_cli(["print", "cards", "--db", db, "--out", str(out), "--qr-mode", "vcard"])
    assert exit_.value.code == 2
    with pytest.raises(ValidationError):
        run_cli(["print", "board", "--db", db, "--out", str(tmp_path / "n.pdf"), "--qr-mode", "url"])
    assert not (tmp_path / "n.pdf").exists()
    open_database(db)  # the fixture closes it


@pytest.mark.skipif("print" not in __import__("station_app.cli", fromlist=["COMMANDS"]).COMMANDS,
                    reason="cli.py does not route `print` yet")
def test_main_py_print_board(make_db, tmp_path):
    db = make_db(3, extras=False)
    close_database()
    out = tmp_path / "main.pdf"
    main_py = Path(__file__).resolve().parents[2] / "main.py"
    done = subprocess.run([sys.executable, str(main_py), "print", "board", "--db", db, "--out", str(out),
                           "--qr-mode", "text"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("main.pdf") and out.read_bytes().startswith(b"%PDF")
    bad = subprocess.run([sys.executable, str(main_py), "print", "board", "--db", db, "--out", str(out),
                          "--paper", "B5"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "参数错误" in bad.stderr
    open_database(db)


def test_board_prints_the_next_reception_days_from_the_rule(tmp_path, station_db):
    """The board's 近期接待日 come from the reception rule, moved off holidays, and never
    from a year whose holidays are not yet known."""
    import datetime as dt

    from station_app.domain.records import DeputyData
    from station_app.services import deputies as deputy_service

    deputy_service.create(DeputyData(name="赛山·托西别克", levels=("county",), phone="13912345678"))
    # 2026: the first Tuesday of October (10-06) is inside the National Day holiday
    got = printing.upcoming_reception_dates(dt.date(2026, 9, 20), rule_text="每月第一个周二")
    assert got[0] == dt.date(2026, 10, 8) and got[1:] == (dt.date(2026, 11, 3), dt.date(2026, 12, 1))
    # 2027 is beyond the holiday data: only the 2026 date is given, nothing guessed
    assert printing.upcoming_reception_dates(dt.date(2026, 12, 1), rule_text="每月15日") == (dt.date(2026, 12, 15),)
    assert printing.upcoming_reception_dates(dt.date(2026, 1, 1), rule_text="逢年过节") == ()

    settings.set("station.reception_rule", "每月15日")
    layout = printing.print_board(tmp_path / "b.pdf", "A4", next_dates=(dt.date(2026, 12, 15),))
    text = subprocess.run(["pdftotext", str(layout.path), "-"], capture_output=True, text=True, check=True).stdout
    assert "近期接待日：12月15日（周二）" in text


def test_board_prefers_the_scheduled_activity_days(station_db):
    import datetime as dt

    from station_app.services import activity

    deputies.create(DeputyData(name="王建国", levels=("township",)))
    settings.set("schedule.rules", ["每月15日"])
    activity.generate_year(2026, today=dt.date(2026, 1, 1))
    dec = activity.month_days(2026, 12)[0]
    nov = activity.month_days(2026, 11)[0]
    activity.move_day(dec.uid, dt.date(2026, 12, 17), "县人代会")
    activity.cancel_day(nov.uid, "暴雪")
    assert printing.upcoming_reception_dates(dt.date(2026, 11, 1)) == (dt.date(2026, 12, 17),)
