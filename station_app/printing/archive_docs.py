"""履职档案 and 履职积分排名 PDFs.

The archive (``render_archive``) is one deputy's year on A4 portrait — the 述职参考材料: the
profile (with the photo when there is one), 亮承诺, the score box with the 百分制 formula under it,
attendance/receptions/opinions, the quotas, points by category (table and bar chart) and by month,
then every duty record with a 合计 row equal to the year's points, and the signature lines.
The ranking sheet (``render_ranking``) is the station's deputies on A4 landscape, one column per
category. House style of ``printing.a4``: the bundled CJK font, tables repeating their header
row, "第 N 页 共 M 页", written atomically. Phone numbers are printed as given (the service masks
them).
"""

from __future__ import annotations

from pathlib import Path

from station_app.domain.records import ArchiveData, ArchiveLine, RankingSheetData
from station_app.fileio import atomic_write
from station_app.printing.a4 import (
    CONTENT_WIDTH_MM,
    GRID,
    RED,
    build,
    info_table,
    numbered_canvas,
    para,
    styles,
    table,
)

__all__ = ["points_text", "render_archive", "render_ranking"]

NUMERALS = "一二三四五六七八九十"
PHOTO_W_MM, PHOTO_H_MM = 30.0, 40.0
PENDING = "待审核"
LANDSCAPE_MARGIN_MM = 15.0


def points_text(value: float) -> str:
    """Points as printed: at most two decimals, no trailing zeros (12, 8.5, -2, 0.25)."""
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def dates_line(as_of, printed_on) -> str:
    """截至 YYYY-MM-DD　打印日期 YYYY-MM-DD (empty when the data carry no dates)."""
    parts = []
    if as_of is not None:
        parts.append(f"数据截至 {as_of.isoformat()}")
    if printed_on is not None:
        parts.append(f"打印日期 {printed_on.isoformat()}")
    return "　　".join(parts)


def standing_notes(final: bool, standing: str, as_of, progress_note: str) -> list[str]:
    """What the figures mean: a final grade, or an open year's progress and its definition."""
    if as_of is None:
        return []
    if final:
        out = [f"等次为年度评定结果（积分截至 {as_of.isoformat()} 冻结）。"]
        return out + ([progress_note] if progress_note else [])
    out = [f"{standing}：积分截至 {as_of.isoformat()}，尚未进行年度评定，不评定等次；等次在年度评定后确定。"]
    return out + ([progress_note] if progress_note else [])


def _month_text(month: str) -> str:
    """"2026-03" → "3月"."""
    try:
        return f"{int(month.split('-')[1])}月"
    except (IndexError, ValueError):
        return month


def _extra_styles(st: dict) -> dict:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = st["body"]
    return {
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#555555")),
        "boxlabel": ParagraphStyle("boxlabel", parent=base, fontSize=9.5, leading=13, alignment=1,
                                   textColor=colors.HexColor("#555555")),
        "boxvalue": ParagraphStyle("boxvalue", parent=base, fontSize=17, leading=22, alignment=1,
                                   textColor=colors.HexColor(RED)),
        "pending": ParagraphStyle("pending", parent=base, fontSize=9.5, leading=13, alignment=1,
                                  textColor=colors.HexColor(RED)),
    }


def _photo(path: str | None):
    """The photo as a 30×40 mm flowable, or None when it is missing or unreadable."""
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    if not path or not Path(path).is_file():
        return None
    try:
        ImageReader(path).getSize()  # refuse a damaged file here rather than in the middle of the build
    except Exception:  # noqa: BLE001 - any decoder failure: print without the photo
        return None
    return Image(path, width=PHOTO_W_MM * mm, height=PHOTO_H_MM * mm)


def _profile(data: ArchiveData, st):
    """The profile grid, beside the photo when there is one."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    rows = [["姓名", data.name, "性别", data.gender or "—"],
            ["代表层级", data.levels or "—", "政治面貌", data.party or "—"],
            ["界别（职业）", data.sector or "—", "代表小组", data.group or "—"],
            ["届别", data.term or "—", "联系电话", data.phone or "—"]]
    photo = _photo(data.photo)
    if photo is None:
        return info_table(rows, st, widths_mm=[26, 61, 24, 63])
    gap = 5.0
    grid_w = CONTENT_WIDTH_MM - PHOTO_W_MM - gap
    grid = info_table(rows, st, widths_mm=[24, grid_w / 2 - 24, 22, grid_w / 2 - 22])
    t = Table([[photo, grid]], colWidths=[(PHOTO_W_MM + gap) * mm, grid_w * mm])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return t


def _score_box(data: ArchiveData, st, xs):
    """年度积分 / 百分制 / 等次 / 站内排名 in a red box."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    rank = f"{data.rank} / {data.of_total}" if data.rank else f"— / {data.of_total}"
    if data.final or data.as_of is None:
        third = ("等次", data.grade or "—")
    else:  # an open year has no grade yet: its progress against the pass line, defined below the box
        third = ("合格进度", "—" if data.progress is None else f"{data.progress}%")
    cells = [("年度积分", points_text(data.raw)), ("百分制", points_text(data.score100)), third, ("站内排名", rank)]
    t = Table([[para(label, xs["boxlabel"]) for label, _ in cells],
               [para(value, xs["boxvalue"]) for _, value in cells]],
              colWidths=[CONTENT_WIDTH_MM / 4 * mm] * 4)
    red = colors.HexColor(RED)
    t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, red),
                           ("LINEAFTER", (0, 0), (-2, -1), 0.5, colors.HexColor(GRID)),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#FBEDED")),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 1), (-1, 1), 7)]))
    return t


def _bar_chart(rows: list[tuple[str, float]], st, width_mm: float = CONTENT_WIDTH_MM):
    """Points per category as horizontal bars, the CJK font on the axis and the value labels;
    deductions (negative) in grey to the left of zero."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    font = st["body"].fontName
    bar_h = 7 * mm
    width = width_mm * mm
    height = len(rows) * bar_h + 14 * mm
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 26 * mm, 8 * mm
    chart.width, chart.height = width - 40 * mm, len(rows) * bar_h
    values = [float(v) for _, v in rows]
    chart.data = [values]
    chart.categoryAxis.categoryNames = [label for label, _ in rows]
    chart.categoryAxis.reverseDirection = 1  # the first (largest) category on top
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 9
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -2 * mm
    chart.categoryAxis.visibleTicks = 0
    chart.categoryAxis.labelAxisMode = "low"  # labels left of the plot even when bars go negative
    top, bottom = max(values + [0.0]), min(values + [0.0])
    pad = 0.14 * max(top - bottom, 5)  # room for the value labels beside the bars' ends
    chart.valueAxis.valueMin = bottom - pad if bottom < 0 else 0
    chart.valueAxis.valueMax = top + pad
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = lambda v: points_text(v)
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.bars[0].fillColor = colors.HexColor(RED)
    chart.bars[0].strokeColor = None
    for i, v in enumerate(values):
        if v < 0:
            chart.bars[(0, i)].fillColor = colors.HexColor("#888888")
    chart.barWidth = bar_h * 0.6
    chart.barLabelFormat = points_text
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 8.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 1.5 * mm
    d.add(chart)
    return d


def _line_row(line: ArchiveLine) -> list[str]:
    pending = line.source == "手工" and not line.verified
    source = f"{line.source}\n{PENDING}" if pending else line.source
    return [f"{line.date.month}月{line.date.day}日", line.indicator, line.category or "—",
            points_text(line.quantity), points_text(line.points), points_text(line.counted), source, line.note]


DETAIL_HEAD = ["日期", "指标", "类别", "数量", "分值", "计入", "来源", "说明"]
DETAIL_WIDTHS = [19, 42, 18, 11, 11, 13, 15, 45]


def _detail_table(data: ArchiveData, st, xs):
    """Every record, then 合计: the 计入 column sums to the year's points."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    centred = {0, 3, 4, 5, 6}
    data_rows = [[para(c, st["headc" if i in centred else "head"]) for i, c in enumerate(DETAIL_HEAD)]]
    for line in data.lines:
        pending = line.source == "手工" and not line.verified
        data_rows.append([para(c, xs["pending"] if pending and i == 6 else st["cellc" if i in centred else "cell"], "")
                          for i, c in enumerate(_line_row(line))])
    total = ["合计", "", "", "", "", points_text(data.raw), "", f"共 {len(data.lines)} 条记录"]
    data_rows.append([para(c, st["cellc" if i in centred else "cell"], "") for i, c in enumerate(total)])
    last = len(data_rows) - 1
    t = Table(data_rows, colWidths=[w * mm for w in DETAIL_WIDTHS], repeatRows=1)
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(RED)),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor(GRID)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F5F5F5")]),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("SPAN", (0, last), (4, last)), ("BACKGROUND", (0, last), (-1, last), colors.HexColor("#FBEDED")),
        ("LINEABOVE", (0, last), (-1, last), 1.0, colors.HexColor(RED)),
    ]))
    return t


def render_archive(data: ArchiveData, out: str | Path) -> Path:
    """代表履职档案（{year}年度）— 述职参考材料 — of one deputy."""
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

    st = styles()
    xs = _extra_styles(st)
    title = f"代表履职档案（{data.year}年度）"
    story = [para(data.station_name, st["subtitle"]), para(title, st["title"]), para("述职参考材料", st["subtitle"])]
    if dates_line(data.as_of, data.printed_on):
        story.append(para(dates_line(data.as_of, data.printed_on), xs["boxlabel"]))
    story.append(Spacer(1, 4 * mm))
    sections = iter(NUMERALS)

    def heading(text: str):
        return para(f"{next(sections)}、{text}", st["h"])

    story += [heading("基本情况"), _profile(data, st)]
    if (data.commitment or "").strip():
        story += [heading("亮承诺"), para(data.commitment.strip(), st["lead"])]

    story.append(KeepTogether([heading(f"{data.year}年度履职积分"), _score_box(data, st, xs), Spacer(1, 1.5 * mm),
                               para(data.formula, xs["note"]),
                               *(para(n, xs["note"]) for n in standing_notes(data.final, data.standing, data.as_of,
                                                                             data.progress_note))]))

    present, late, leave, absent = data.attendance
    facts = [["活动日出席", f"{present} 次", "迟到", f"{late} 次"],
             ["请假", f"{leave} 次", "缺席", f"{absent} 次"],
             ["接待群众", f"{data.receptions} 次 / {data.visitors} 人次",
              "意见建议", f"{data.cases} 条 / 办结 {data.cases_resolved} 件"]]
    story.append(KeepTogether([heading("履职概况"), info_table(facts, st, widths_mm=[26, 61, 24, 63])]))

    block = [heading("履职任务完成情况")]
    if data.quotas:
        rows = [["履职任务", "已完成", "要求", "完成情况"]]
        rows += [[name, str(have), str(need), "完成" if have >= need else "未完成"] for name, have, need in data.quotas]
        block.append(table(rows, [98, 24, 24, 28], st, align={1: "cellc", 2: "cellc", 3: "cellc"}))
    else:
        block.append(para("本年度未设定履职任务。", st["body"]))
    story.append(KeepTogether(block))

    block = [heading("积分构成")]
    if data.by_category:
        rows = [["类别", "积分"]] + [[cat, points_text(v)] for cat, v in data.by_category]
        rows.append(["合计", points_text(data.raw)])
        block.append(table(rows, [120, 54], st, align={1: "cellc"}))
        story += [KeepTogether(block), Spacer(1, 2 * mm), _bar_chart(list(data.by_category), st)]
    else:
        block.append(para("本年度尚无计分的履职记录。", st["body"]))
        story.append(KeepTogether(block))

    block = [heading("分月积分")]
    if data.by_month:
        rows = [["月份", "计入积分", "记录条数"]]
        rows += [[_month_text(m), points_text(v), str(n)] for m, v, n in data.by_month]
        block.append(table(rows, [58, 58, 58], st, align={0: "cellc", 1: "cellc", 2: "cellc"}))
    else:
        block.append(para("本年度尚无履职记录。", st["body"]))
    story.append(KeepTogether(block))

    story.append(CondPageBreak(40 * mm))
    story.append(heading("履职记录明细"))
    story.append(para("“分值”为该条记录按指标计算的分数，“计入”为按年度上限封顶后计入年度积分的分数；"
                      "手工录入的记录经审核后计入。", xs["note"]))
    story.append(Spacer(1, 1.5 * mm))
    story.append(_detail_table(data, st, xs))

    story.append(Spacer(1, 8 * mm))
    signs = [["代表本人签字", "", "联络站（盖章）", ""], ["日期", "　　年　　月　　日", "日期", "　　年　　月　　日"]]
    story.append(KeepTogether([para("以上履职情况经本人核对无误。", st["body"]),
                               info_table(signs, st, line_only=True, widths_mm=[26, 61, 28, 59])]))
    return build(out, story, f"{data.name} {title}", f"{data.station_name}　{data.name}{data.year}年度履职档案")


# --- the ranking sheet ----------------------------------------------------------------------------


def _grades_text(grades: tuple[tuple[str, float], ...]) -> str:
    bands = sorted(grades, key=lambda g: -g[1])
    parts = []
    for i, (name, low) in enumerate(bands):
        if i == 0:
            parts.append(f"{name}：{points_text(low)} 分及以上")
        elif low <= 0 and i == len(bands) - 1:
            parts.append(f"{name}：{points_text(bands[i - 1][1])} 分以下")
        else:
            parts.append(f"{name}：{points_text(low)} 分至 {points_text(bands[i - 1][1])} 分以下")
    return "等次划分（百分制）：" + "；".join(parts) + "。" if parts else ""


def _build_landscape(out: str | Path, story: list, title: str, footer: str) -> Path:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    out = Path(out)
    m = LANDSCAPE_MARGIN_MM * mm
    with atomic_write(out, "wb") as handle:
        doc = SimpleDocTemplate(handle, pagesize=landscape(A4), leftMargin=m, rightMargin=m, topMargin=14 * mm,
                                bottomMargin=18 * mm, title=title, author="联络站工作台")
        doc.build(story, canvasmaker=numbered_canvas(footer))
    return out


def ranking_widths(n_categories: int) -> list[float]:
    """Column widths (mm) of the ranking table on A4 landscape: 排名, 姓名, 代表层级, the
    categories, 年度积分, 百分制, 等次, 待审核."""
    total = 297.0 - 2 * LANDSCAPE_MARGIN_MM
    rank, name, levels, tail = 11.0, 27.0, 30.0, [18.0, 16.0, 18.0, 15.0]
    free = total - rank - name - levels - sum(tail)
    cat = min(free / n_categories, 26.0) if n_categories else 0.0
    spare = free - cat * n_categories
    return [rank, name + spare / 2, levels + spare / 2] + [cat] * n_categories + tail


def render_ranking(data: RankingSheetData, out: str | Path) -> Path:
    """{year}年度代表履职积分排名 on A4 landscape."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    st = styles()
    xs = _extra_styles(st)
    story = [para(data.station_name, st["subtitle"]), para(data.title, st["title"])]
    if dates_line(data.as_of, data.printed_on):
        story.append(para(dates_line(data.as_of, data.printed_on), xs["boxlabel"]))
    story.append(Spacer(1, 4 * mm))
    open_year = data.as_of is not None and not data.final
    head = ["排名", "姓名", "代表层级", *data.categories, "年度积分", "百分制", "合格进度" if open_year else "等次", "待审核"]
    n = len(data.categories)
    if data.rows:
        rows = [head]
        for r in data.rows:
            rows.append([str(r.rank), r.name, r.levels or "—", *(points_text(v) for v in r.by_category),
                         points_text(r.raw), points_text(r.score100),
                         (("—" if r.progress is None else f"{r.progress}%") if open_year else (r.grade or "—")),
                         str(r.pending) if r.pending > 0 else ""])
        centred = {i: "cellc" for i in range(len(head)) if i not in (1, 2)}
        story.append(table(rows, ranking_widths(n), st, align=centred))
    else:
        story.append(para("本站没有在任代表。", st["body"]))
    story.append(Spacer(1, 3 * mm))
    notes = [data.formula, *standing_notes(data.final, data.standing, data.as_of, data.progress_note),
             _grades_text(data.grades)]
    if any(r.pending for r in data.rows):
        notes.append("“待审核”为已录入、尚未审核的手工履职记录条数，审核通过后计入积分。")
    for text in notes:
        if text:
            story.append(para(text, xs["note"]))
    return _build_landscape(out, story, f"{data.station_name} {data.title}", f"{data.station_name}　{data.title}")
