"""The house style of flowing A4 documents (活动记录, 公示, 交办单, 月报…).

ReportLab platypus on A4 with the bundled CJK font embedded and CJK word wrap; tables repeat
their header row; every page carries "第 N 页 共 M 页" (and optionally a contact line); QR codes
are vector squares. Documents are written atomically. ReportLab is imported inside the functions
so that importing this module stays cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from station_app.fileio import atomic_write
from station_app.printing.fonts import register_cjk_font

WEEKDAYS = "一二三四五六日"
RED = "#C00000"
GRID = "#999999"
LABEL_BG = "#F3F3F3"
CONTENT_WIDTH_MM = 174.0  # A4 less the 18 mm side margins


def date_text(d, weekday: bool = False) -> str:
    """2026年3月16日, with （星期一） when asked; "—" for no date."""
    if d is None:
        return "—"
    text = f"{d.year}年{d.month}月{d.day}日"
    return f"{text}（星期{WEEKDAYS[d.weekday()]}）" if weekday else text


def styles() -> dict:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    font = register_cjk_font()
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1,
                                textColor=colors.HexColor(RED)),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, alignment=1, textColor=colors.HexColor("#555555")),
        "h": ParagraphStyle("h", parent=base, fontSize=12, leading=20, spaceBefore=8, spaceAfter=3,
                            textColor=colors.HexColor(RED)),
        "body": base,
        "lead": ParagraphStyle("lead", parent=base, fontSize=11.5, leading=19, firstLineIndent=23),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13),
        "cellc": ParagraphStyle("cellc", parent=base, fontSize=9.5, leading=13, alignment=1),
        "label": ParagraphStyle("label", parent=base, fontSize=9.5, leading=13, textColor=colors.HexColor("#333333")),
        "head": ParagraphStyle("head", parent=base, fontSize=9.5, leading=13, textColor=colors.white),
        "headc": ParagraphStyle("headc", parent=base, fontSize=9.5, leading=13, textColor=colors.white, alignment=1),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12, alignment=1),
    }


def esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def para(text: str, style, empty: str = "（无）"):
    from reportlab.platypus import Paragraph

    return Paragraph(esc(text).replace("\n", "<br/>") or empty, style)


def table(rows: list[list[str]], widths_mm: list[float], st, header_color: str = RED, align: dict | None = None):
    """A grid with a coloured header row that repeats on every page. ``align`` maps a column
    index to a cell style name (e.g. ``{2: "cellc"}``) for centred numbers."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    align = align or {}
    data = [[para(c, st["headc" if align.get(i) == "cellc" else "head"]) for i, c in enumerate(rows[0])]]
    data += [[para(c, st[align.get(i, "cell")], "") for i, c in enumerate(r)] for r in rows[1:]]
    t = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1)
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(header_color)),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor(GRID)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F5F5F5")]),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return t


def info_table(rows: list[list[str]], st, line_only: bool = False, widths_mm: list[float] | None = None):
    """Label/value pairs in a grid (labels shaded), or signature lines (``line_only``)."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    widths_mm = widths_mm or [28, 59, 28, 59]
    t = Table([[para(c, st["cell"]) if c else "" for c in r] for r in rows],
              colWidths=[w * mm for w in widths_mm], rowHeights=[12 * mm if line_only else None] * len(rows))
    style: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "BOTTOM" if line_only else "MIDDLE")]
    if line_only:
        style += [("LINEBELOW", (c, i), (c, i), 0.6, colors.black)
                  for i in range(len(rows)) for c in range(1, len(widths_mm), 2)]
    else:
        style += [("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor(GRID))]
        style += [("BACKGROUND", (c, 0), (c, -1), colors.HexColor(LABEL_BG)) for c in range(0, len(widths_mm), 2)]
    t.setStyle(TableStyle(style))
    return t


def numbered_canvas(footer: str, contact: str = ""):
    """A canvas that knows the page count when it saves: "第 N 页 共 M 页" on every page, after
    ``footer``; ``contact`` (address, phone) goes on a line of its own above."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    font = register_cjk_font()

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font, 8.5)
                self.setFillColorRGB(0.4, 0.4, 0.4)
                width = self._pagesize[0]
                self.drawCentredString(width / 2, 10 * mm, f"{footer}　·　第 {self._pageNumber} 页 共 {total} 页")
                if contact:
                    self.drawCentredString(width / 2, 14 * mm, contact)
                super().showPage()
            super().save()

    return NumberedCanvas


def build(out: str | Path, story: list, title: str, footer: str, contact: str = "") -> Path:
    """Lay ``story`` out on A4 and write it atomically to ``out``."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    out = Path(out)
    with atomic_write(out, "wb") as handle:
        doc = SimpleDocTemplate(handle, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                bottomMargin=(22 if contact else 18) * mm, title=title, author="联络站工作台")
        doc.build(story, canvasmaker=numbered_canvas(footer, contact))
    return out


def qr_block(content: str, lines: list[str], st, box_mm: float = 40.0, symbol_mm: float = 30.0):
    """A flowable: the QR of ``content`` (vector, error correction M, 4-module quiet zone filling a
    ``box_mm`` square, symbol at least ``symbol_mm``) with ``lines`` of text to its right."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable

    from station_app.printing.qr import draw_qr

    class QrBlock(Flowable):
        def wrap(self, avail_w, avail_h):
            self.width = avail_w
            self.height = box_mm * mm
            return self.width, self.height

        def draw(self):
            c = self.canv
            draw_qr(c, content, 0, 0, box_mm * mm, "M", symbol_mm * mm)
            c.setFont(st["body"].fontName, 11)
            y = box_mm * mm - 8 * mm
            for line in lines:
                c.drawString((box_mm + 6) * mm, y, line)
                y -= 6.5 * mm

    return QrBlock()


def qr_badge(content: str, caption: str, st, box_mm: float = 34.0, symbol_mm: float = 25.0):
    """A flowable as wide as its column: the QR of ``content`` (vector, M, 4-module quiet zone
    filling a ``box_mm`` square, symbol at least ``symbol_mm``) centred, ``caption`` centred under
    it on one line (smaller type when needed; split at its last space when even that is too wide)."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable

    from station_app.printing.qr import draw_qr

    font = st["body"].fontName

    class QrBadge(Flowable):
        def wrap(self, avail_w, avail_h):
            self.width = max(avail_w, box_mm * mm)
            size = 9.0
            while size > 6.5 and stringWidth(caption, font, size) > self.width:
                size -= 0.5
            fits = stringWidth(caption, font, size) <= self.width or " " not in caption
            self.lines = [caption] if fits else caption.rsplit(" ", 1)
            self.size = size
            self.height = box_mm * mm + 1.5 * mm + len(self.lines) * size * 1.3
            return self.width, self.height

        def draw(self):
            c = self.canv
            caption_h = len(self.lines) * self.size * 1.3
            draw_qr(c, content, (self.width - box_mm * mm) / 2, caption_h + 1.5 * mm, box_mm * mm, "M", symbol_mm * mm)
            c.setFont(font, self.size)
            c.setFillColorRGB(0.2, 0.2, 0.2)
            for i, line in enumerate(self.lines):
                c.drawCentredString(self.width / 2, caption_h - (i + 1) * self.size * 1.3 + 0.3 * self.size, line)

    return QrBadge()
