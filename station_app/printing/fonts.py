"""The bundled CJK font for ReportLab (TrueType outlines, embedded as a subset)."""

from __future__ import annotations

from functools import lru_cache

from station_app.resources import font_path

CJK = "StationCJK"


@lru_cache(maxsize=1)
def register_cjk_font() -> str:
    """Register the bundled font once; return its ReportLab name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(CJK, str(font_path()), subfontIndex=0))
    return CJK
