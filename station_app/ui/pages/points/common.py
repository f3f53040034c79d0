"""履职积分: what the page's tabs share (stylesheet, colours, column numbers, small helpers)."""

from __future__ import annotations

from station_app.ui import charts, style

STYLE = charts.CHART_VIEW_STYLE + f"""
#banner {{ background: #FFF4E5; border: 1px solid #F0B45A; border-radius: 4px; }}
#bannerText {{ color: #8A4B00; font-weight: bold; }}
#scoreLine {{ font-size: 12pt; }}
#profileLine {{ color: {style.TEXT_DIM}; }}
#explainLine {{ font-size: 11pt; color: {style.DARK_RED}; font-weight: bold; }}
#sectionTitle {{ color: {style.DARK_RED}; font-weight: bold; font-size: 11pt; }}
#rulesState {{ color: {style.TEXT_DIM}; }}
#pointsMessage[kind="error"] {{ color: {style.RED}; }}
#pointsMessage[kind="info"] {{ color: {style.GREEN}; }}
"""

TABS = ("ranking", "archive", "tasks", "rules")
RED = style.RED
GREEN = style.GREEN
PENDING = style.qcolor(style.ORANGE)
MUTED = style.qcolor(style.MUTED)
CHART_HEIGHT = 230

# archive records table columns
R_DATE, R_IND, R_CAT, R_QTY, R_PTS, R_COUNTED, R_SOURCE, R_STATE, R_NOTE, R_EVIDENCE = range(10)


def _cap_of(rs, code: str) -> float:
    ind = rs.indicator(code)
    return ind.cap if ind is not None and ind.cap is not None else 0.0
