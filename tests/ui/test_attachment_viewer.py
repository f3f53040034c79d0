"""Attachments are shown only in the app's own viewer (issue 19 item 5): a file named .bat, or a
program named .png, never reaches the system's default program."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QDesktopServices, QImage

from station_app.errors import KnownError
from station_app.ui.attachment_viewer import ImageDialog, viewer_for
from station_app.ui.pdfview import SavedPdfDialog

UI = Path(__file__).resolve().parents[2] / "station_app" / "ui"


@pytest.mark.parametrize(("name", "data"), [
    ("run.bat", b"@echo off\r\nformat c:\r\n"),
    ("photo.png", b"MZ\x90\x00 a program named .png"),
    ("scan.pdf", b"<script>alert(1)</script>"),
    ("notes.docx", b"PK\x03\x04 a word file"),
    ("disguised.jpg", b"\x89PNG\r\n\x1a\n png bytes named .jpg"),
])
def test_the_viewer_refuses_what_is_not_a_real_image_or_pdf(name, data, tmp_path, qtbot, monkeypatch):
    opened: list = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(KnownError) as err:
        viewer_for(path, "佐证材料")
    assert "只能查看 JPG、PNG 图片和 PDF 文件" in err.value.message and name in err.value.message
    assert opened == []


def test_an_image_and_a_pdf_open_in_the_app(tmp_path, qtbot):
    img = QImage(300, 200, QImage.Format.Format_RGB32)
    img.fill(QColor("#3a7"))
    png = tmp_path / "签到表.png"
    assert img.save(str(png))
    dialog = viewer_for(png, "佐证材料")
    qtbot.addWidget(dialog)
    assert isinstance(dialog, ImageDialog) and not dialog.image.pixmap().isNull()
    dialog.show()
    dialog.grab().save(str(tmp_path / "viewer.png"))
    pdf = tmp_path / "通知.pdf"
    pdf.write_bytes(b"%PDF-1.4 not much of a pdf")
    pdialog = viewer_for(pdf, "佐证材料")
    qtbot.addWidget(pdialog)
    assert isinstance(pdialog, SavedPdfDialog) and pdialog.path == str(pdf)


def test_no_ui_module_hands_a_file_to_the_system():
    """QDesktopServices.openUrl, os.startfile, xdg-open/open/start: only a folder may be opened
    (the export page shows where the package went), never a file."""
    allowed = {"pages/exchange/export.py"}  # opens the package's folder: ``Path(...).parent``
    hits = []
    for py in UI.rglob("*.py"):
        text = py.read_text(encoding="utf-8")
        rel = py.relative_to(UI).as_posix()
        for m in re.finditer(r"openUrl\(|startfile\(|xdg-open|subprocess", text):
            line = text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.start())]
            if rel in allowed and ".parent" in line:
                continue
            hits.append(f"{rel}: {line.strip()}")
    assert hits == []
