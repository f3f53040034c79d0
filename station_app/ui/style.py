"""The look of the app in one place: the colours, the main window's stylesheet and small helpers.

Pages and dialogs take their colours from here instead of copying ``#C00000`` about; a label
that needs a colour (an error line, a section title, a hint) is styled with :func:`set_text`.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

# -- colours ----------------------------------------------------------------------------------------
RED = "#C00000"          # the accent (selected navigation, buttons), errors, overdue
DARK_RED = "#8B0000"     # titles and section titles, notes that matter
GREEN = "#2E7D32"        # done, saved, a figure going up
ORANGE = "#B35C00"       # due soon, waiting for review
BROWN = "#6B4E3D"        # figure captions
TAUPE = "#8A7A70"        # quiet hints (nothing yet, 正在统计…)
CREAM = "#FAF5F0"        # the navigation and the station bar
LINE = "#E0D6CC"         # the lines beside the navigation and under the station bar
TILE_LINE = "#E6D8CF"    # the frame of tiles and charts
WHITE = "#FFFFFF"
TEXT_DARK = "#444444"    # a dialog's heading line
TEXT_DIM = "#555555"     # secondary lines
HINT = "#666666"         # hints under a field
FAINT = "#777777"        # placeholders
GREY = "#888888"         # inactive rows
MUTED = "#999999"        # rows that do not count

WINDOW_STYLE = f"""
#nav {{ background: {CREAM}; border: none; border-right: 1px solid {LINE}; font-size: 11pt; }}
#nav::item {{ padding: 10px 16px; }}
#nav::item:selected {{ background: {RED}; color: white; }}
#pageTitle {{ font-size: 16pt; font-weight: bold; color: {DARK_RED}; padding: 4px 0 8px 0; }}
#tile {{ background: {WHITE}; border: 1px solid {TILE_LINE}; border-radius: 6px; }}
#tileTitle {{ color: {DARK_RED}; font-weight: bold; font-size: 11pt; }}
#tileValue {{ font-size: 12pt; }}
#comingSoon {{ font-size: 11pt; color: {TEXT_DIM}; }}
#stationBar {{ background: {CREAM}; border-bottom: 1px solid {LINE}; spacing: 6px; padding: 2px 6px; }}
#readOnlyNote {{ color: {DARK_RED}; padding-left: 8px; }}
"""


def css(color: str | None = None, bold: bool = False, size_pt: float | None = None, extra: str = "") -> str:
    """A widget's stylesheet for its text: ``css(RED, bold=True)`` → ``color: #C00000; font-weight: bold;``."""
    parts = []
    if size_pt is not None:
        parts.append(f"font-size: {size_pt:g}pt;")
    if bold:
        parts.append("font-weight: bold;")
    if color:
        parts.append(f"color: {color};")
    if extra:
        parts.append(extra)
    return " ".join(parts)


def set_text(widget, color: str | None = None, bold: bool = False, size_pt: float | None = None,
             extra: str = "") -> None:
    """Style a label's (or button's) text; ``set_text(w)`` with nothing clears it."""
    widget.setStyleSheet(css(color, bold, size_pt, extra))


def qcolor(name: str) -> QColor:
    """One of the colours above as a ``QColor`` (for item foregrounds and charts)."""
    return QColor(name)
