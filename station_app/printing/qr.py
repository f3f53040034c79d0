"""QR codes drawn as vector shapes (no bitmaps), error correction M or better, 4-module quiet zone."""

from __future__ import annotations

from dataclasses import dataclass

QUIET_ZONE = 4


@dataclass(frozen=True)
class QrMatrix:
    modules: tuple[tuple[bool, ...], ...]  # without the quiet zone

    @property
    def size(self) -> int:
        return len(self.modules)

    @property
    def size_with_quiet_zone(self) -> int:
        return self.size + 2 * QUIET_ZONE


def qr_matrix(content: str, level: str = "M") -> QrMatrix:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_M, ERROR_CORRECT_Q

    correction = {"M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}[level]
    qr = qrcode.QRCode(error_correction=correction, border=0, box_size=1)
    qr.add_data(content.encode("utf-8"))
    qr.make(fit=True)
    return QrMatrix(tuple(tuple(bool(c) for c in row) for row in qr.get_matrix()))


def draw_qr(canvas, content: str, x: float, y: float, width: float, level: str = "M") -> float:
    """Draw the code with its quiet zone filling a ``width``-wide square whose lower-left corner
    is (x, y), in points. Dark modules are merged into horizontal runs: one path, few shapes.
    Returns the module size in points."""
    m = qr_matrix(content, level)
    n = m.size_with_quiet_zone
    module = width / n
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, width, width, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for r, row in enumerate(m.modules):
        top = y + width - (r + QUIET_ZONE + 1) * module
        c = 0
        while c < m.size:
            if row[c]:
                start = c
                while c < m.size and row[c]:
                    c += 1
                path.rect(x + (start + QUIET_ZONE) * module, top, (c - start) * module, module)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
    return module
