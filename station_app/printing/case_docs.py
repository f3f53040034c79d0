"""Case PDFs: the sheet of one 意见建议 (交办通知单 / 办理情况反馈单) and the period report
(月报/季报/年报).

Same house style as the activity documents (``printing.a4``): A4 platypus, the bundled CJK font,
long text flows across pages, tables repeat their header row, "第 N 页 共 M 页" with the station's
address and phone in the footer. The case sheet carries the case number as a vector QR code
(error correction M, 4-module quiet zone, symbol at least 25 mm). Personal numbers are printed as
given: the service masks them before they get here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from station_app.domain.codes import Category
from station_app.domain.livelihood import FIGURE_NOTES as LIVELIHOOD_NOTES
from station_app.domain.records import LIVELIHOOD_KEYS, CaseSheetData, PeriodReportData, StatsFigures
from station_app.printing.a4 import (
    CONTENT_WIDTH_MM,
    GRID,
    LABEL_BG,
    RED,
    build,
    date_text,
    info_table,
    para,
    qr_badge,
    styles,
    table,
)

SHEET_TITLES = {"assign": "意见建议交办通知单", "feedback": "意见建议办理情况反馈单"}
QR_BOX_MM = 34.0  # quiet zone included
QR_SYMBOL_MM = 25.0
NUMERALS = "一二三四五六七八九十"


def _contact(phone: str, address: str) -> str:
    parts = [f"地址：{address}" if address else "", f"电话：{phone}" if phone else ""]
    return "　".join(p for p in parts if p)


def _round_text(n: int) -> str:
    return "首次交办" if n <= 1 else f"第{n}次交办"


def _chunks(text: str, style, width: float, max_h: float) -> list:
    """``text`` as paragraphs of at most ``max_h`` points each, cut between lines: a table row
    cannot break across pages, so a long text becomes several rows."""
    p = para(text, style, "—")
    out = []
    while True:
        if p.wrap(width, 1e9)[1] <= max_h:
            out.append(p)
            return out
        parts = p.split(width, max_h)
        if len(parts) < 2:
            out.append(p)
            return out
        out.append(parts[0])
        p = parts[1]


def _grid(rows: list[tuple], widths_mm: list[float], st):
    """A form grid with shaded labels. A row is (label, value, label, value) or (label, value) with
    the value across the three value columns; such a long value is cut into rows of a few lines,
    drawn without lines between them, so it flows across pages like running text."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    pad = 5.0
    wide = (sum(widths_mm[1:])) * mm - 2 * pad
    grey = colors.HexColor(GRID)
    data: list[list[Any]] = []
    style: list[tuple[Any, ...]] = [("BOX", (0, 0), (-1, -1), 0.5, grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                    ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                                    ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                                    ("LINEAFTER", (0, 0), (0, -1), 0.5, grey),
                                    # close the box where the table breaks across pages
                                    ("LINEABOVE", (0, "splitfirst"), (-1, "splitfirst"), 0.5, grey),
                                    ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), 0.5, grey),
                                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor(LABEL_BG))]
    for row in rows:
        r = len(data)
        if len(row) == 4:
            data.append([para(row[0], st["label"]), para(row[1], st["cell"], "—"),
                         para(row[2], st["label"]), para(row[3], st["cell"], "—")])
            style += [("LINEAFTER", (1, r), (2, r), 0.5, grey), ("LINEBELOW", (0, r), (-1, r), 0.5, grey),
                      ("BACKGROUND", (2, r), (2, r), colors.HexColor(LABEL_BG))]
            continue
        parts = _chunks(row[1], st["cell"], wide, 4 * st["cell"].leading)
        for i, part in enumerate(parts):
            data.append([para(row[0], st["label"]) if i == 0 else "", part, "", ""])
            style.append(("SPAN", (1, r + i), (3, r + i)))
        last = r + len(parts) - 1
        style.append(("LINEBELOW", (0, last), (-1, last), 0.5, grey))
        if len(parts) > 1:
            style += [("VALIGN", (0, r), (0, r), "TOP"),
                      ("BOTTOMPADDING", (0, r), (-1, last - 1), 1.5), ("TOPPADDING", (1, r + 1), (-1, last), 2)]
    t = Table(data, colWidths=[w * mm for w in widths_mm])
    t.setStyle(TableStyle(style))
    return t


def render_case_sheet(data: CaseSheetData, out: str | Path) -> Path:
    """意见建议交办通知单 (``kind='assign'``) or 办理情况反馈单 (``kind='feedback'``) of one case."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

    if data.kind not in SHEET_TITLES:
        raise ValueError(f"unknown case sheet kind: {data.kind!r}")
    feedback = data.kind == "feedback"
    st = styles()
    title = SHEET_TITLES[data.kind]
    story = [para(data.station_name, st["subtitle"]), para(title, st["title"])]
    if data.round > 1:
        story.append(para(f"（{_round_text(data.round)}）", st["subtitle"]))
    story.append(Spacer(1, 4 * mm))

    # The case's header beside its QR code.
    head = _grid([("编号", data.number, "登记日期", date_text(data.registered_at)),
                  ("类别", data.category_label, "紧急程度", data.urgency_label),
                  ("办理方式", data.handling_label, "交办轮次", _round_text(data.round)),
                  ("群众姓名", data.visitor_name, "联系电话", data.visitor_phone),
                  ("村（社区）", data.village, "接待代表", "、".join(data.deputy_names))],
                 [22, 42, 22, 46], st)
    qr_w = CONTENT_WIDTH_MM - 132
    badge = (qr_badge(data.qr_content, f"扫码查看编号 {data.number}", st, QR_BOX_MM, QR_SYMBOL_MM)
             if data.qr_content else "")
    top = Table([[head, badge]], colWidths=[132 * mm, qr_w * mm])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                             ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    story += [top, Spacer(1, 4 * mm)]

    rows = [("意见建议内容", data.content),
            ("承办单位（主办）", data.department),
            ("协办单位", "、".join(data.co_departments) or "无"),
            ("交办日期", date_text(data.assigned_at), "办理期限", date_text(data.deadline))]
    if feedback:
        rows += [("办理情况（答复）", data.reply),
                 ("答复日期", date_text(data.replied_at), "群众评价", data.evaluation_label or "—")]
    story.append(_grid(rows, [30, 57, 30, 57], st))

    if data.timeline:
        story.append(para("办理过程", st["h"]))
        trows = [["时间", "办理环节", "经办人", "说明"]] + [list(step) for step in data.timeline]
        story.append(table(trows, [34, 28, 26, 86], st))

    story.append(Spacer(1, 6 * mm))
    closing = []
    if not feedback:
        until = f"于{date_text(data.deadline)}前" if data.deadline else "及时"
        closing.append(para(f"请承办单位{until}办理，并将办理情况书面反馈{data.station_name}。", st["body"]))
        signs = [["承办单位（盖章）", "", "经办人（签字）", ""], ["联系电话", "", "日期", "　　年　　月　　日"]]
    else:
        signs = [["联络站（盖章）", "", "日期", "　　年　　月　　日"]]
    closing.append(info_table(signs, st, line_only=True))
    story.append(KeepTogether(closing))
    return build(out, story, f"{title} {data.number}", data.station_name,
                 _contact(data.station_phone, data.station_address))


# --- the period report ---------------------------------------------------------------------------


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _figure_values(f: StatsFigures) -> list[str]:
    return [str(f.deputies_in_station), str(f.receptions), str(f.visitors), str(f.cases_collected),
            str(f.cases_resolved), _percent(f.completion_rate), _percent(f.satisfaction_rate)]


FIGURE_LABELS = ["进站代表人数", "接待次数", "接待群众人次", "收集意见建议条数", "解决实际问题件数", "办结率", "满意率"]
FIGURE_UNITS = ["人", "次", "人次", "条", "件", "", ""]
# What each figure counts (EXCHANGE_FORMAT §3), printed under it so a reader can tell why 解决 may
# exceed 收集 and what 办结率 is a share of.
FIGURE_NOTES = [
    "本期在已举行的活动日签到（含迟到）或在接待登记中列为接待代表的代表，每人只计一次",
    "本期登记的接待记录条数",
    "本期接待记录的来访人数之和（集体来访按实际人数计）",
    "本期登记的意见建议",
    "本期办结的意见建议（含当场答复办结的），不论何时登记，故可多于本期收集数",
    "本期收集的意见建议中，目前已办结或已结案的比例（同一批意见建议，不超过100%）",
    "本期收集的意见建议中已评价的，评为满意或基本满意的比例",
]


LIVELIHOOD_HEADING = "民生实事项目票决"


def _livelihood_block(s, head, st) -> list:
    """民生实事项目票决制 (EXCHANGE_FORMAT §3 livelihood_projects): each figure with its definition
    (domain.livelihood.FIGURE_NOTES, here LIVELIHOOD_NOTES), and per station for a county database."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    figures = s.figures.livelihood_projects
    rows = [["指标", "本期", "单位", "统计口径"]]
    for key in LIVELIHOOD_KEYS:
        label, _sep, note = LIVELIHOOD_NOTES[key].partition("：")
        rows.append([f"{label}项目", str(figures.get(key, 0)), "件", note])
    out = [head, table(rows, [36, 22, 14, 102], st, align={1: "cellc", 2: "cellc"})]
    if s.by_station:
        labels = [LIVELIHOOD_NOTES[k].partition("：")[0] for k in LIVELIHOOD_KEYS]
        rows = [["联络站", *labels]]
        rows += [[code, *(str(f.livelihood_projects.get(k, 0)) for k in LIVELIHOOD_KEYS)]
                 for code, f in sorted(s.by_station.items())]
        rows.append(["合计", *(str(figures.get(k, 0)) for k in LIVELIHOOD_KEYS)])
        out.append(Spacer(1, 2 * mm))
        out.append(table(rows, [34, 23, 23, 23, 23, 23, 25], st, align=dict.fromkeys(range(1, 7), "cellc")))
    return out


def _month_label(month: str) -> str:
    try:
        year, m = month.split("-")[:2]
        return f"{int(year)}年{int(m)}月"
    except ValueError:
        return month


def _category_chart(rows: list[tuple[str, int]], st):
    """Horizontal bars, most cases at the top, the CJK font on the axis and the value labels."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    font = st["body"].fontName
    bar_h = 7 * mm
    width = CONTENT_WIDTH_MM * mm
    height = len(rows) * bar_h + 14 * mm
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 30 * mm, 8 * mm
    chart.width, chart.height = width - 42 * mm, len(rows) * bar_h
    chart.data = [[n for _, n in rows]]
    chart.categoryAxis.categoryNames = [label for label, _ in rows]
    chart.categoryAxis.reverseDirection = 1  # the first (largest) category on top
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 9
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -2 * mm
    chart.categoryAxis.visibleTicks = 0
    top = max((n for _, n in rows), default=0)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(top * 1.12, 5)
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = lambda v: f"{v:.0f}" if v == int(v) else ""
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.bars[0].fillColor = colors.HexColor(RED)
    chart.bars[0].strokeColor = None
    chart.barWidth = bar_h * 0.6
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 8.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 1.5 * mm
    d.add(chart)
    return d


def render_period_report(data: PeriodReportData, out: str | Path) -> Path:
    """月报/季报/年报: the headline, the §3 figures, cases by category (bar chart), by village, by
    deputy and by month, the overdue cases, and per station for a county database."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    st = styles()
    s = data.stats
    story = [para(data.station_name, st["subtitle"]), para(data.title, st["title"]),
             para(data.period_label, st["subtitle"]), Spacer(1, 5 * mm), para(data.headline, st["lead"]),
             Spacer(1, 2 * mm)]
    sections = iter(NUMERALS)

    def heading(text: str):
        return para(f"{next(sections)}、{text}", st["h"])

    rows = [["指标", "本期", "单位", "统计口径"]]
    rows += [[label, value, unit or "—", note]
             for label, value, unit, note in zip(FIGURE_LABELS, _figure_values(s.figures), FIGURE_UNITS,
                                                 FIGURE_NOTES, strict=True)]
    story.append(KeepTogether([heading("主要指标"),
                               table(rows, [36, 22, 14, 102], st, align={1: "cellc", 2: "cellc"})]))

    if any(s.figures.livelihood_projects.values()):
        story.append(KeepTogether(_livelihood_block(s, heading(LIVELIHOOD_HEADING), st)))

    if s.by_station:
        rows = [["联络站", "进站代表", "接待次数", "接待人次", "意见建议", "解决问题", "办结率", "满意率"]]
        rows += [[code, *_figure_values(f)] for code, f in sorted(s.by_station.items())]
        rows.append(["合计", *_figure_values(s.figures)])
        story.append(heading("各联络站对比"))
        story.append(table(rows, [34, 20, 20, 20, 20, 20, 20, 20], st, align=dict.fromkeys(range(1, 8), "cellc")))

    cats = [(Category.label_of(label), int(n)) for label, n in data.category_rows]
    block = [heading("意见建议分类")]
    if cats:
        total = sum(n for _, n in cats)
        block.append(_category_chart(cats, st))
        block.append(para("共 {} 条：{}。".format(total, "，".join(f"{label} {n} 条" for label, n in cats)), st["body"]))
    else:
        block.append(para("本期没有收集意见建议。", st["body"]))
    story.append(KeepTogether(block))

    story.append(heading("分村（社区）统计"))
    if s.by_village:
        rows = [["村（社区）", "接待次数", "接待群众人次", "意见建议条数"]]
        rows += [[v or "（未填写）", str(r), str(p), str(n)] for v, r, p, n in s.by_village]
        story.append(table(rows, [74, 33, 34, 33], st, align={1: "cellc", 2: "cellc", 3: "cellc"}))
    else:
        story.append(para("本期没有接待记录。", st["body"]))

    story.append(heading("代表接待统计"))
    if s.by_deputy:
        rows = [["代表", "接待次数", "收集意见建议条数"]] + [[name, str(r), str(n)] for name, r, n in s.by_deputy]
        story.append(table(rows, [84, 45, 45], st, align={1: "cellc", 2: "cellc"}))
    else:
        story.append(para("本期没有代表接待记录。", st["body"]))

    story.append(heading("分月统计"))
    if s.by_month:
        rows = [["月份", "接待次数", "接待群众人次", "收集意见建议条数", "解决实际问题件数"]]
        rows += [[_month_label(m), str(r), str(p), str(n), str(k)] for m, r, p, n, k in s.by_month]
        story.append(table(rows, [38, 34, 34, 34, 34], st, align=dict.fromkeys(range(1, 5), "cellc")))
        story.append(para("注：意见建议按登记日期计入当月；解决实际问题按办结日期计入当月，含以前登记、本月办结的。",
                          st["body"]))
    else:
        story.append(para("本期没有数据。", st["body"]))

    if data.overdue_rows:
        shown = len(data.overdue_rows)
        story.append(heading(f"逾期未办结意见建议（共 {data.overdue_total} 件，列出最近登记的 {shown} 件）"
                             if data.overdue_total > shown else f"逾期未办结意见建议（{shown} 件）"))
        rows = [["编号", "承办单位", "办理期限", "内容"]] + [list(r) for r in data.overdue_rows]
        story.append(table(rows, [30, 38, 28, 78], st))

    return build(out, story, f"{data.station_name} {data.title}", data.station_name)
