"""打印中心, driven through its real widgets: preview pages, QR mode override, save as PDF,
print through QPrinter to a PDF file, plain Chinese errors. Every PDF is read back with
poppler (pdfinfo, pdftotext, pdftoppm) and its QR codes decoded with zxing-cpp."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence, QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog

from station_app.domain import clock
from station_app.domain.qrcontent import QrOptions
from station_app.services import deputies, printing, settings, station
from station_app.services.demo import make_demo
from station_app.services.deputies import DeputyFilter
from station_app.ui.pdfview import PdfPages, prepare_printer, print_pdf
from tests.conftest import TEST_STATION
from tests.ui.conftest import type_text, when_modal

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")
pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdfinfo", "pdftoppm", "pdftotext")),
                                reason="poppler-utils (pdfinfo, pdftoppm, pdftotext) not installed")


# -- reading PDFs back ----------------------------------------------------------------------------

def pdfinfo(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def page_count(pdf: Path) -> int:
    return int(pdfinfo(pdf)["Pages"])


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def decoded(pdf: Path, dpi: int = 150) -> list[str]:
    """The text of every QR code on every page."""
    prefix = pdf.with_name(pdf.stem + "-raster")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), str(prefix)], check=True)
    texts = []
    for f in sorted(pdf.parent.glob(prefix.name + "-*.pgm")):
        texts += [r.text for r in zxingcpp.read_barcodes(Image.open(f), formats=zxingcpp.BarcodeFormat.QRCode)]
    return texts


def active() -> list:
    return deputies.all_deputies(DeputyFilter(active=True))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.fixture
def demo_window(open_window, db_path):
    """The main window on a demo station of 12 deputies (some may be inactive), on 打印."""
    win = open_window(db_path)
    make_demo(seed=1, deputies=12)
    win.show_page("print")
    return win


@pytest.fixture
def save_dialog(monkeypatch):
    """Answer Qt's save dialog with ``answer["path"]``; what it was asked is in ``answer``."""
    answer: dict = {}

    def get_save_file_name(parent, caption, start, filters, *args, **kwargs):
        answer.update(caption=caption, start=start, filters=filters)
        return answer["path"], filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(get_save_file_name))
    return answer


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# -- preview ------------------------------------------------------------------------------------------

def test_preview_of_the_a4_board_shows_every_page(demo_window, qtbot, tmp_path):
    page = demo_window.print_page
    view = page.preview_view
    assert view.page_count == 0 and not page.print_button.isHidden()
    page.select_printout("board")
    page.set_paper("A4")
    with qtbot.waitSignal(page.preview_ready) as ready:
        click(qtbot, page.preview_button)
    pages = ready.args[0]

    out = tmp_path / "board.pdf"
    page.save_pdf(str(out))
    assert page_count(out) == pages == view.page_count == 2  # 11 active deputies: 3 on page 1, 8 on page 2
    assert view.count_label.text() == f"共 {pages} 页"
    assert "210×297" in view.info_label.text() and "代表公示栏" in view.info_label.text()

    first = view.image
    assert first is not None and first.height() > first.width() > 300  # a portrait page, fit to the view
    red = first.pixelColor(first.width() // 8, first.height() * 20 // 297)  # the title band
    assert red.red() > 150 and red.green() < 80
    assert not view.prev_button.isEnabled()
    for expected in range(2, pages + 1):
        click(qtbot, view.next_button)
        assert view.current_page == expected and view.page_spin.value() == expected
    assert not view.next_button.isEnabled()
    assert view.image != first
    view.page_spin.setValue(1)
    assert view.current_page == 1

    view.set_zoom("actual")  # 100%: the page is as wide on screen as on paper
    assert view.image.width() == pytest.approx(210 / 25.4 * view.logicalDpiX(), abs=2)
    view.set_zoom("width")
    assert view.image.width() > first.width()

    assert not view.is_stale()
    page.set_paper("A3")
    assert view.is_stale()  # the shown preview no longer matches the options
    page.set_paper("A4")
    assert not view.is_stale()
    shot = tmp_path / "print_page.png"
    assert page.grab().save(str(shot)) and shot.stat().st_size > 20_000


def test_options_default_from_the_settings(open_window, db_path):
    win = open_window(db_path)
    station.save_home_station(TEST_STATION)
    page = win.print_page
    assert page.qr_mode.currentData() == "text" and not page.full_numbers.isChecked()
    assert not page.deputy_template.isVisibleTo(page)
    settings.set_many({"qr.mode": "url", "qr.deputy_template": "https://rd.example.cn/d/{deputy_uid}",
                       "qr.station_template": "https://rd.example.cn/s/{station_code}",
                       "privacy.show_full_numbers": True})
    win.show_page("print")  # showing the page picks up what 设置 says now
    assert page.qr_mode.currentData() == "url" and page.full_numbers.isChecked()
    assert page.deputy_template.text() == "https://rd.example.cn/d/{deputy_uid}"
    assert page.deputy_template.isVisibleTo(page)
    options = page.current_options()
    assert options.qr == QrOptions("url", "https://rd.example.cn/d/{deputy_uid}", "https://rd.example.cn/s/{station_code}")
    assert options.show_full_numbers is True and options.deputy_uids is None


# -- QR mode override, saving -----------------------------------------------------------------------

def test_mecard_for_this_print_only_saved_as_pdf(demo_window, qtbot, tmp_path, save_dialog):
    page = demo_window.print_page
    page.select_printout("board")
    page.set_paper("A4")
    page.qr_mode.setCurrentIndex(page.qr_mode.findData("mecard"))
    out = tmp_path / "out" / "board.pdf"
    save_dialog["path"] = str(out)
    with qtbot.waitSignal(page.saved):
        click(qtbot, page.save_button)

    assert Path(save_dialog["start"]).name == f"代表公示栏-A4-{clock.today().isoformat()}.pdf"
    assert save_dialog["filters"] == "PDF 文件 (*.pdf)"
    assert str(out) in page.message_text()
    people = active()
    home = station.home_station()
    codes = decoded(out)
    assert len(codes) == len(people) + 1
    assert all(c.startswith("MECARD:N:") for c in codes)
    names = Counter(re.match(r"MECARD:N:([^;]*);", c).group(1) for c in codes)
    assert names == Counter([d.name for d in people] + [home.name])
    station_card = f"MECARD:N:{home.name};"
    deputy_cards = [c for c in codes if not c.startswith(station_card)]
    assert len(deputy_cards) == len(people)
    assert not any("TEL:" in c for c in deputy_cards)  # a masked number is not saved to a phone
    assert settings.get("qr.mode") == "text"  # the override was for this print only

    text = pdf_text(out)
    assert all(d.name in text for d in people)
    assert leftovers(out.parent) == []

    page.full_numbers.setChecked(True)  # full numbers: the contact carries the phone
    again = tmp_path / "full.pdf"
    page.save_pdf(str(again))
    with_tel = [c for c in decoded(again) if "TEL:" in c and not c.startswith(station_card)]
    assert len(with_tel) == sum(1 for d in people if d.phone)


def test_cards_for_chosen_deputies_only(demo_window, qtbot, tmp_path):
    page = demo_window.print_page
    page.select_printout("cards")
    assert not page.paper.isEnabled() and page.paper.currentData() == "A4"
    assert page.only_chosen.isVisibleTo(page) and not page.chooser.isEnabled()
    qtbot.mouseClick(page.only_chosen, Qt.MouseButton.LeftButton, pos=QPoint(8, page.only_chosen.height() // 2))
    assert page.chooser.isEnabled()
    people = active()
    chosen = [people[1], people[4], people[7]]
    for d in chosen:  # find each by name and tick it, as a clerk does
        page.deputy_search.clear()
        type_text(qtbot, page.deputy_search, d.name)
        assert page.choice_proxy.rowCount() == 1
        index = page.choice_proxy.index(0, 0)
        assert page.choice_proxy.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    page.deputy_search.clear()
    assert page.chosen_label.text() == "已勾选 3 名"
    assert page.current_options().deputy_uids == tuple(d.uid for d in people if d in chosen)

    with qtbot.waitSignal(page.preview_ready) as ready:
        page.preview()
    assert ready.args[0] == 1
    out = tmp_path / "cards.pdf"
    page.save_pdf(str(out))
    text = pdf_text(out)
    assert all(d.name in text for d in chosen)
    assert not any(d.name in text for d in people if d not in chosen)
    reference = printing.render(page.current_options(), tmp_path / "ref.pdf")
    assert Counter(decoded(out)) == Counter(b.content for b in reference.qr_boxes())

    click(qtbot, page.check_none_button)
    page.preview()
    assert "没有选择代表" in page.message_text()
    assert page.preview_view.page_count == 0


# -- printing -----------------------------------------------------------------------------------------

def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_print_through_qprinter_to_a_pdf_file(demo_window, qtbot, tmp_path):
    page = demo_window.print_page
    page.select_printout("board")
    page.set_paper("A4")
    out = tmp_path / "printed.pdf"
    printer = pdf_printer(out)
    with qtbot.waitSignal(page.printed) as printed:
        page.print_to(printer)
    reference = printing.render(page.current_options(), tmp_path / "ref.pdf")
    assert printed.args[0] == reference.pages == page_count(out)
    assert printer.pageLayout().pageSize().id() == QPageSize.PageSizeId.A4
    assert "(A4)" in pdfinfo(out)["Page size"]
    # Rasterised at 300 dpi and printed, every code still reads as the renderer placed it.
    assert Counter(decoded(out)) == Counter(b.content for b in reference.qr_boxes())
    assert "已送到打印机：2 页" in page.message_text()

    page.select_printout("nameplate")  # A4 landscape, one sheet per deputy
    plates = tmp_path / "plates.pdf"
    page.print_to(pdf_printer(plates))
    info = pdfinfo(plates)
    assert int(info["Pages"]) == len(active())
    width, height = (float(x) for x in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert width == pytest.approx(841.89, abs=1) and height == pytest.approx(595.28, abs=1)


def test_print_routine_honours_the_page_range_and_cancel(demo_window, tmp_path):
    make = printing.PrintOptions("sanliang", qr=QrOptions("text"))
    layout, data = printing.render_bytes(make)
    assert layout.pages == len(active()) > 3

    printer = pdf_printer(tmp_path / "range.pdf")
    prepare_printer(printer, layout.page_size, "三亮公示卡")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    pdf = PdfPages(data)
    seen = []
    assert print_pdf(printer, pdf, lambda done, total: seen.append((done, total)) or True) == 2
    assert seen == [(0, 2), (1, 2), (2, 2)]
    assert page_count(tmp_path / "range.pdf") == 2
    assert printer.pageLayout().pageSize().id() == QPageSize.PageSizeId.A5

    printer = pdf_printer(tmp_path / "cancelled.pdf")
    prepare_printer(printer, layout.page_size)
    assert print_pdf(printer, pdf, lambda done, total: done < 1) == 1  # the clerk cancels after one sheet


def test_ctrl_p_opens_the_print_dialog_for_the_printout(demo_window, qtbot):
    win = demo_window
    assert win.act_print.shortcut() == QKeySequence(QKeySequence.StandardKey.Print)
    win.show_page("deputies")
    win.act_print.trigger()  # from a page without a printout: to the 打印 page
    assert win.stack.currentWidget() is win.print_page
    page = win.print_page
    page.select_printout("sanliang")
    seen = {}

    def look_and_cancel(dlg):
        seen["dialog"] = isinstance(dlg, QPrintDialog)
        seen["range"] = (dlg.minPage(), dlg.maxPage())
        seen["paper"] = dlg.printer().pageLayout().pageSize().id()
        dlg.reject()

    state = when_modal(qtbot, look_and_cancel)
    with qtbot.assertNotEmitted(page.printed):
        win.act_print.trigger()
    assert state["ran"] and seen["dialog"]
    assert seen["range"] == (1, len(active())) and seen["paper"] == QPageSize.PageSizeId.A5


# -- errors -------------------------------------------------------------------------------------------

def test_url_mode_without_template_says_so_and_writes_nothing(demo_window, qtbot, tmp_path, save_dialog):
    page = demo_window.print_page
    page.select_printout("board")
    page.qr_mode.setCurrentIndex(page.qr_mode.findData("url"))
    assert page.station_template.isVisibleTo(page) and page.station_template.text() == ""
    out = tmp_path / "board.pdf"
    save_dialog["path"] = str(out)
    with qtbot.assertNotEmitted(page.saved):
        click(qtbot, page.save_button)
    assert "没有填写联络站二维码网址模板" in page.message_text()
    assert "联络站二维码网址模板" in page.form.error_text("qr.station_template")
    assert not out.exists() and leftovers(tmp_path) == []

    page.preview()
    assert page.preview_view.page_count == 0 and page.shown is None
    assert "无法生成预览" in page.preview_view.message.text()

    type_text(qtbot, page.station_template, "https://rd.example.cn/s/{station_code}")
    assert page.message_text() == ""  # the message goes once the clerk changes something
    page.preview()
    assert "没有填写代表二维码网址模板" in page.message_text()
    type_text(qtbot, page.deputy_template, "https://rd.example.cn/d/{deputy_uid}")
    with qtbot.waitSignal(page.preview_ready):
        page.preview()
    assert page.message.property("kind") == "info"


def test_unwritable_folder_is_said_plainly(demo_window, tmp_path):
    page = demo_window.print_page
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"x")
    page.save_pdf(str(blocker / "board.pdf"))
    assert "not-a-folder" in page.message_text() and page.message.property("kind") == "error"
    assert blocker.read_bytes() == b"x"


def test_no_station_and_no_deputies_are_said_plainly(open_window, db_path, tmp_path):
    win = open_window(db_path)
    page = win.print_page
    win.show_page("print")
    page.save_pdf(str(tmp_path / "a.pdf"))
    assert "请先填写联络站信息" in page.message_text()
    station.save_home_station(TEST_STATION)
    for kind in ("board", "cards", "sanliang", "nameplate"):
        page.select_printout(kind)
        page.save_pdf(str(tmp_path / f"{kind}.pdf"))
        assert "还没有在任代表" in page.message_text(), kind
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == []
    page.select_printout("poster")  # the station's own code needs no deputy
    page.save_pdf(str(tmp_path / "poster.pdf"))
    assert decoded(tmp_path / "poster.pdf")[0].startswith(TEST_STATION.name)


# -- the model ----------------------------------------------------------------------------------------

def test_deputy_choice_model_is_a_correct_qt_model(demo_window, qtmodeltester):
    page = demo_window.print_page
    model = page.choice_model
    assert model.rowCount() == len(active())
    model.set_checked(model.keys()[:2])
    qtmodeltester.check(model)
    qtmodeltester.check(page.choice_proxy)
    assert model.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert len(model.checked_keys()) == 2
    deputies.set_active(model.keys()[0], False)
    page.refresh()  # the deputy who left drops out, the other tick stays
    assert len(model.checked_keys()) == 1 and model.rowCount() == len(active())
