"""QR codes drawn as vector shapes (no bitmaps), error correction M or better, 4-module quiet zone."""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import groupby

from station_app.errors import KnownError

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


def qr_matrix(content: str, level: str = "M", min_version: int = 1) -> QrMatrix:
    """The modules of ``content`` (UTF-8, byte mode), the smallest version ≥ ``min_version``
    that holds it. Raises :class:`KnownError` when the text is too long for any QR code."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_M, ERROR_CORRECT_Q
    from qrcode.exceptions import DataOverflowError

    correction = {"M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}[level]
    qr = qrcode.QRCode(version=max(1, min(min_version, 40)), error_correction=correction, border=0, box_size=1)
    qr.add_data(content.encode("utf-8"))
    try:
        qr.make(fit=True)
    except (DataOverflowError, ValueError) as exc:
        raise KnownError(f"二维码内容太长（{len(content.encode('utf-8'))} 字节），请缩短网址模板或文字") from exc
    return QrMatrix(tuple(tuple(bool(c) for c in row) for row in qr.get_matrix()))


def min_version_for(width: float, min_symbol: float) -> int:
    """The smallest version whose symbol (without quiet zone) is at least ``min_symbol`` wide when
    the code and its quiet zone fill ``width``: more modules make the quiet zone a smaller share."""
    if min_symbol <= 0:
        return 1
    if min_symbol >= width:
        raise ValueError("the symbol cannot be as wide as its box with the quiet zone")
    modules = math.ceil(2 * QUIET_ZONE * min_symbol / (width - min_symbol))
    return max(1, math.ceil((modules - 17) / 4))


def draw_qr(canvas, content: str, x: float, y: float, width: float, level: str = "M",
            min_symbol: float = 0) -> float:
    """Draw the code with its quiet zone filling a ``width``-wide square whose lower-left corner
    is (x, y), in points; the symbol itself is at least ``min_symbol`` wide. Dark modules are
    merged into horizontal runs: one path, few shapes. Returns the module size in points (the
    symbol is ``width - 2 * QUIET_ZONE * module`` wide)."""
    m = qr_matrix(content, level, min_version_for(width, min_symbol))
    module = width / m.size_with_quiet_zone
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, width, width, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    # Module units from the symbol's top-left corner, rows counted downwards: each run of dark
    # modules is one small-integer rectangle, written straight into the content stream.
    canvas.transform(module, 0, 0, -module, x + QUIET_ZONE * module, y + width - QUIET_ZONE * module)
    ops = []
    for r, row in enumerate(m.modules):
        c = 0
        for dark, run in groupby(row):
            n = sum(1 for _ in run)
            if dark:
                ops.append(f"{c} {r} {n} 1 re")
            c += n
    ops.append("f")
    canvas.addLiteral("\n".join(ops))
    canvas.restoreState()
    return module
