"""Drawing helpers shared by the layouts: a ReportLab canvas addressed in millimetres from the
top-left corner, which records where every QR code, cell and photo landed (a :class:`Layout`).

ReportLab is imported inside the functions that use it, so importing the layouts costs nothing
at start-up. Colours are hex strings (ReportLab accepts them wherever it takes a colour).
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from station_app.fileio import atomic_write
from station_app.printing.fonts import register_cjk_font
from station_app.printing.jobs import Box, Layout
from station_app.printing.qr import QUIET_ZONE, draw_qr

log = logging.getLogger(__name__)

RED = "#C00000"  # 党政红
INK = "#1A1A1A"
GREY = "#595959"
LINE = "#BFBFBF"
PALE = "#F3F3F3"
PALE_RED = "#FBEAEA"
SHADE = "#C9C9C9"
WHITE = "#FFFFFF"
_NO_LINE_START = "，。、；：？！）》”’,.;:?!)"
_BREAK_AFTER = "、，；：。 "
mm = 72 / 25.4  # points in a millimetre
PT_MM = 25.4 / 72  # millimetres in a point


class Sheet:
    """One PDF being drawn. Coordinates are millimetres from the page's top-left corner; text
    is placed by its baseline. ``boxes`` collects what was placed, for the layout report."""

    def __init__(self, handle, size_mm: tuple[float, float], title: str):
        from reportlab.pdfbase.pdfmetrics import stringWidth
        from reportlab.pdfgen.canvas import Canvas

        self._string_width = stringWidth
        self.font = register_cjk_font()
        self.w, self.h = size_mm
        self.c = Canvas(handle, pagesize=(self.w * mm, self.h * mm), pageCompression=1, initialFontName=self.font)
        self.c.setTitle(title)
        self.c.setAuthor("联络站工作台")
        self.c.setCreator("联络站工作台")
        self.page = 1
        self.boxes: list[Box] = []

    # --- pages and records ---------------------------------------------------------------
    def new_page(self) -> None:
        self.c.showPage()
        self.page += 1

    def record(self, kind: str, x: float, y: float, w: float, h: float, key: str = "", content: str = "",
               symbol: float = 0.0) -> Box:
        box = Box(self.page, kind, x, y, w, h, key, content, symbol)
        self.boxes.append(box)
        return box

    def _y(self, y: float) -> float:
        return (self.h - y) * mm

    # --- shapes --------------------------------------------------------------------------
    def rect(self, x: float, y: float, w: float, h: float, fill=None, stroke=None, width: float = 0.6,
             radius: float = 0) -> None:
        c = self.c
        if fill is not None:
            c.setFillColor(fill)
        if stroke is not None:
            c.setStrokeColor(stroke)
            c.setLineWidth(width)
        args = (x * mm, self._y(y + h), w * mm, h * mm)
        if radius:
            c.roundRect(*args, radius * mm, stroke=int(stroke is not None), fill=int(fill is not None))
        else:
            c.rect(*args, stroke=int(stroke is not None), fill=int(fill is not None))

    def line(self, x1: float, y1: float, x2: float, y2: float, color=LINE, width: float = 0.6,
             dash: tuple[float, ...] | None = None) -> None:
        c = self.c
        c.saveState()
        c.setStrokeColor(color)
        c.setLineWidth(width)
        if dash:
            c.setDash(*dash)
        c.line(x1 * mm, self._y(y1), x2 * mm, self._y(y2))
        c.restoreState()

    @contextlib.contextmanager
    def turned(self, cx: float, cy: float):
        """Draw upside down around (cx, cy): for the far half of a folded name plate."""
        c = self.c
        c.saveState()
        c.translate(cx * mm, self._y(cy))
        c.rotate(180)
        c.translate(-cx * mm, -self._y(cy))
        try:
            yield
        finally:
            c.restoreState()

    # --- text ----------------------------------------------------------------------------
    def width_of(self, text: str, size: float) -> float:
        """Width in mm of ``text`` at ``size`` points."""
        return self._string_width(text, self.font, size) * PT_MM

    def fit(self, text: str, size: float, width: float, min_size: float = 4.0,
            condense: float = 1.0) -> tuple[float, float]:
        """(size, horizontal scale) at which ``text`` fits ``width`` mm: first condensed down to
        ``condense`` (长体, as Chinese typesetting fits a long name), then shrunk."""
        natural = self.width_of(text, size)
        if not text or natural <= width:
            return size, 1.0
        scale = max(condense, width / natural)
        if natural * scale <= width:
            return size, scale
        return max(min_size, int(size * width / (natural * scale) * 4) / 4), scale

    def text(self, x: float, y: float, text: str, size: float, color=INK, align: str = "left",
             width: float | None = None, bold: bool = False, condense: float = 1.0) -> float:
        """Draw one line with its baseline at ``y``. With ``width``, condense and shrink it to fit
        (for ``center``/``right``, ``x`` is the centre/right edge). Returns the width drawn, in mm."""
        if not text:
            return 0.0
        scale = 1.0
        if width is not None:
            size, scale = self.fit(text, size, width, condense=condense)
        c = self.c
        c.saveState()
        c.setFillColor(color)
        t = c.beginText()
        t.setFont(self.font, size)
        if scale != 1.0:
            t.setHorizScale(scale * 100)
        drawn = self.width_of(text, size) * scale
        left = {"left": x, "center": x - drawn / 2, "right": x - drawn}[align]
        t.setTextOrigin(left * mm, self._y(y))
        if bold:  # the bundled font has no bold face: fill and stroke the glyphs
            c.setStrokeColor(color)
            c.setLineWidth(size * 0.035)
            t.setTextRenderMode(2)
        t.textOut(text)
        c.drawText(t)
        c.restoreState()
        return drawn

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """Break ``text`` into lines of at most ``width`` mm, character by character (Chinese has
        no spaces); closing punctuation stays on the line it closes; newlines are kept."""
        lines: list[str] = []
        for para in (text or "").splitlines() or [""]:
            line = ""
            for ch in para:
                if line and self.width_of(line + ch, size) > width and ch not in _NO_LINE_START:
                    cut = max(line.rfind(b) for b in _BREAK_AFTER) + 1  # prefer a break after 、，；
                    if cut <= len(line) // 2:
                        cut = len(line)
                    lines.append(line[:cut])
                    line = line[cut:] + ch
                else:
                    line += ch
            lines.append(line)
        return lines

    def paragraph(self, x: float, y: float, text: str, size: float, width: float, leading: float | None = None,
                  color=INK, max_lines: int | None = None) -> float:
        """Draw wrapped text, first baseline at ``y``; returns the baseline after the last line."""
        leading = leading or size * PT_MM * 1.55
        lines = self.wrap(text, size, width)
        if max_lines is not None and len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = lines[-1][:-1] + "…"
        for line in lines:
            self.text(x, y, line, size, color)
            y += leading
        return y

    # --- compound pieces -----------------------------------------------------------------
    def band(self, x: float, y: float, w: float, h: float, title: str, size: float, subtitle: str = "",
             sub_size: float = 0.0) -> None:
        """The red title band with white, centred text."""
        self.rect(x, y, w, h, fill=RED)
        cx = x + w / 2
        title_h = size * PT_MM * 0.72
        if subtitle:
            sub_h = sub_size * PT_MM * 0.72
            gap = sub_h * 0.9
            top = y + (h - title_h - gap - sub_h) / 2
            self.text(cx, top + title_h, title, size, WHITE, "center", w - 8, bold=True)
            self.text(cx, top + title_h + gap + sub_h, subtitle, sub_size, WHITE, "center", w - 8)
        else:
            self.text(cx, y + (h + title_h) / 2, title, size, WHITE, "center", w - 8, bold=True)

    def qr(self, content: str, x: float, y: float, width: float, kind: str, key: str = "",
           min_symbol: float = 0.0) -> Box:
        """A vector QR code (error correction M, 4-module quiet zone) filling the ``width`` square."""
        module = draw_qr(self.c, content, x * mm, self._y(y + width), width * mm, "M", min_symbol * mm)
        symbol = width - 2 * QUIET_ZONE * module / mm
        return self.record(kind, x, y, width, width, key, content, symbol)

    def photo(self, path: Path | None, x: float, y: float, w: float, h: float, key: str = "") -> Box:
        """The photo scaled into the box (centred); a silhouette when there is none or it cannot be read."""
        if path is not None:
            from reportlab.lib.utils import ImageReader

            try:
                image = ImageReader(str(path))
                iw, ih = image.getSize()
            except (OSError, ValueError) as exc:
                log.warning("photo %s unreadable, printing a placeholder: %s", path, exc)
            else:
                scale = min(w / iw, h / ih)
                dw, dh = iw * scale, ih * scale
                dx, dy = x + (w - dw) / 2, y + (h - dh) / 2
                self.c.drawImage(image, dx * mm, self._y(dy + dh), dw * mm, dh * mm)
                self.rect(x, y, w, h, stroke=LINE, width=0.4)
                return self.record("photo", x, y, w, h, key)
        self.silhouette(x, y, w, h)
        return self.record("placeholder", x, y, w, h, key)

    def silhouette(self, x: float, y: float, w: float, h: float) -> None:
        c = self.c
        c.saveState()
        self.rect(x, y, w, h, fill=PALE, stroke=LINE, width=0.4)
        clip = c.beginPath()
        clip.rect(x * mm, self._y(y + h), w * mm, h * mm)
        c.clipPath(clip, stroke=0, fill=0)
        c.setFillColor(SHADE)
        cx = x + w / 2
        c.circle(cx * mm, self._y(y + h * 0.40), w * 0.21 * mm, stroke=0, fill=1)
        c.ellipse((cx - w * 0.42) * mm, self._y(y + h * 1.25), (cx + w * 0.42) * mm, self._y(y + h * 0.66),
                  stroke=0, fill=1)
        c.restoreState()

    def footer(self, text: str, y: float) -> None:
        self.text(self.w / 2, y, text, 8, GREY, "center")


def write_pdf(out: str | Path, size_mm: tuple[float, float], title: str, draw) -> Layout:
    """Run ``draw(sheet)`` and write the PDF atomically; nothing is left under ``out`` on failure."""
    out = Path(out)
    with atomic_write(out, "wb") as handle:
        sheet = Sheet(handle, size_mm, title)
        draw(sheet)
        sheet.c.showPage()
        sheet.c.save()
    return Layout(path=out, page_size=size_mm, pages=sheet.page, boxes=tuple(sheet.boxes))
