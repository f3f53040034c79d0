"""--self-test reads the QR back off the rendered page: a wrong code is caught, the right one passes."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from station_app.errors import KnownError
from station_app.printing import selftest as printed
from station_app.selftest import check_qr_pixels


def _rendered(path):
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[0]
        return page.render(scale=3).to_pil().convert("L"), page.get_height()
    finally:
        pdf.close()


def test_the_self_test_page_qr_reads_back(tmp_path):
    image, height = _rendered(printed.render_self_test(tmp_path / "ok.pdf"))
    check_qr_pixels(image, scale=3, page_height=height)  # raises when a module differs


def test_a_qr_of_other_text_is_caught(tmp_path, monkeypatch):
    monkeypatch.setattr(printed, "SELF_TEST_QR", "联络站工作台 自检 QX")  # same length, one byte off
    path = printed.render_self_test(tmp_path / "wrong.pdf")
    monkeypatch.undo()
    image, height = _rendered(path)
    with pytest.raises(KnownError, match="二维码与内容不符"):
        check_qr_pixels(image, scale=3, page_height=height)


def test_a_page_without_qr_is_caught(tmp_path):
    from PIL import Image

    blank = Image.new("L", (1786, 2526), 255)  # an A4 page at scale 3, nothing on it
    with pytest.raises(KnownError, match="没有二维码"):
        check_qr_pixels(blank, scale=3, page_height=842)


def test_self_test_summary_names_every_step():
    from station_app.selftest import run_self_test

    summary = run_self_test(gui=False)
    assert summary.startswith("自检通过") and "数据包导出导入" in summary and "二维码回读" in summary
