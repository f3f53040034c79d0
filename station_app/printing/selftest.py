"""A one-page PDF with Chinese text and a QR code, for ``--self-test``."""

from __future__ import annotations

from pathlib import Path

from station_app.fileio import atomic_write

SELF_TEST_TEXT = "联络站工作台自检：人大代表联络站"
SELF_TEST_QR = "联络站工作台 自检 QR"
SELF_TEST_QR_BOX = (20 * 72 / 25.4, 200 * 72 / 25.4, 50 * 72 / 25.4)  # x, y (lower left), width in points


def render_self_test(out: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from station_app.printing.fonts import register_cjk_font
    from station_app.printing.qr import draw_qr

    font = register_cjk_font()
    with atomic_write(out, "wb") as handle:
        c = Canvas(handle, pagesize=A4)
        c.setTitle("自检")
        c.setFont(font, 18)
        c.drawString(20 * mm, 270 * mm, SELF_TEST_TEXT)
        draw_qr(c, SELF_TEST_QR, *SELF_TEST_QR_BOX)
        c.showPage()
        c.save()
    return out
