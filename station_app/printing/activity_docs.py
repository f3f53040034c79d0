"""Activity-day PDFs: the minutes of one day (活动记录) and the schedule notice (接访计划公示).

ReportLab platypus on A4, the bundled CJK font embedded, CJK word wrap. Long content flows
across pages: tables repeat their header row, every page carries "第 N 页 共 M 页". The notice
carries the station's QR code drawn as vector squares (error correction M, 4-module quiet zone,
symbol at least 30 mm). Both are written atomically.
"""

from __future__ import annotations

from pathlib import Path

from station_app.domain.records import MinutesData, NoticeData
from station_app.fileio import atomic_write
from station_app.printing.fonts import register_cjk_font

WEEKDAYS = "一二三四五六日"
RED = "#C00000"
QR_BOX_MM = 40.0  # the station code's square, quiet zone included
QR_SYMBOL_MM = 30.0


def _date_text(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日（星期{WEEKDAYS[d.weekday()]}）"


def _styles():
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
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13),
        "head": ParagraphStyle("head", parent=base, fontSize=9.5, leading=13, textColor=colors.white),
    }


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _para(text: str, style, empty: str = "（无）"):
    from reportlab.platypus import Paragraph

    return Paragraph(_esc(text).replace("\n", "<br/>") or empty, style)


def _table(rows: list[list[str]], widths_mm: list[float], st, header_color: str = RED):
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    data = [[_para(c, st["head"]) for c in rows[0]]] + [[_para(c, st["cell"], "") for c in r] for r in rows[1:]]
    t = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1)
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(header_color)),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F5F5F5")]),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return t


def _numbered_canvas(footer: str):
    """A canvas that knows the page count when it saves: "第 N 页 共 M 页" on every page."""
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
                super().showPage()
            super().save()

    return NumberedCanvas


def _build(out: str | Path, story: list, title: str, footer: str) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    out = Path(out)
    with atomic_write(out, "wb") as handle:
        doc = SimpleDocTemplate(handle, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                bottomMargin=18 * mm, title=title, author="联络站工作台")
        doc.build(story, canvasmaker=_numbered_canvas(footer))
    return out


def render_minutes(data: MinutesData, out: str | Path) -> Path:
    """代表活动日活动记录: header, attendance, visitors and opinions, minutes, signature lines."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    st = _styles()
    story = [_para(data.station_name, st["subtitle"]), _para("代表活动日活动记录", st["title"]), Spacer(1, 4 * mm)]
    info = [["日期", _date_text(data.date), "时间", data.time_text or "—"],
            ["地点", data.place or "—", "主持人", data.host or "—"],
            ["活动形式", data.kind_label, "状态", data.status_label]]
    story.append(_info_table(info, st))
    story.append(_para(f"主题：{data.theme or '（未定）'}", st["h"]))

    counts = {label: sum(1 for a in data.attendees if a.status_label == label) for label in ("出席", "迟到", "请假", "缺席")}
    story.append(_para("一、代表出席情况", st["h"]))
    story.append(_para(f"值班代表 {sum(1 for a in data.attendees if a.on_duty)} 人。签到：出席 {counts['出席']} 人，"
                       f"迟到 {counts['迟到']} 人，请假 {counts['请假']} 人，缺席 {counts['缺席']} 人。", st["body"]))
    if data.attendees:
        rows = [["序号", "姓名", "代表层级", "值班", "签到"]]
        rows += [[str(i), a.name, a.levels, "值班" if a.on_duty else "", a.status_label]
                 for i, a in enumerate(data.attendees, 1)]
        story.append(_table(rows, [14, 46, 46, 20, 48], st))
    story.append(_para("二、接待群众和意见建议", st["h"]))
    story.append(_para(f"接待群众 {data.visitors_count} 人次，收集意见建议 {len(data.cases)} 条。", st["body"]))
    if data.cases:
        rows = [["编号", "反映人", "内容", "办理方式"]] + [[c.number, c.visitor, c.content, c.handling] for c in data.cases]
        story.append(_table(rows, [30, 24, 90, 30], st))
    for n, (label, text) in enumerate((("议程", data.agenda), ("讨论情况", data.discussion), ("议定事项", data.decisions),
                                       ("后续跟进", data.follow_ups)), start=3):
        story.append(_para(f"{'三四五六'[n - 3]}、{label}", st["h"]))
        story.append(_para(text, st["body"]))
    story.append(Spacer(1, 10 * mm))
    signs = _info_table([["记录人（签字）", "", "主持人（签字）", ""],
                         ["负责人（签字）", "", "日期", "　　年　　月　　日"]], st, line_only=True)
    story.append(KeepTogether([signs]))
    return _build(out, story, f"{data.station_name} 活动记录 {data.date.isoformat()}", data.station_name)


def _info_table(rows: list[list[str]], st, line_only: bool = False):
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    t = Table([[_para(c, st["cell"]) if c else "" for c in r] for r in rows],
              colWidths=[28 * mm, 59 * mm, 28 * mm, 59 * mm], rowHeights=[12 * mm if line_only else None] * len(rows))
    style = [("VALIGN", (0, 0), (-1, -1), "BOTTOM" if line_only else "MIDDLE")]
    if line_only:
        style += [("LINEBELOW", (1, i), (1, i), 0.6, colors.black) for i in range(len(rows))]
        style += [("LINEBELOW", (3, i), (3, i), 0.6, colors.black) for i in range(len(rows))]
    else:
        style += [("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                  ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F3F3F3")),
                  ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#F3F3F3"))]
    t.setStyle(TableStyle(style))
    return t


class _QrFlowable:
    """A platypus flowable drawing the station QR (vector) beside a few lines of text."""

    def __new__(cls, content: str, lines: list[str], st):
        from reportlab.lib.units import mm
        from reportlab.platypus import Flowable

        from station_app.printing.qr import draw_qr

        class QrBlock(Flowable):
            def wrap(self, avail_w, avail_h):
                self.width = avail_w
                self.height = QR_BOX_MM * mm
                return self.width, self.height

            def draw(self):
                c = self.canv
                draw_qr(c, content, 0, 0, QR_BOX_MM * mm, "M", QR_SYMBOL_MM * mm)
                c.setFont(st["body"].fontName, 11)
                y = QR_BOX_MM * mm - 8 * mm
                for line in lines:
                    c.drawString((QR_BOX_MM + 6) * mm, y, line)
                    y -= 6.5 * mm

        return QrBlock()


def render_notice(data: NoticeData, out: str | Path) -> Path:
    """接访计划公示: the activity days of a month or quarter, with duty deputies and the station QR."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    st = _styles()
    story = [_para(data.station_name, st["subtitle"]), _para("代表接访计划公示", st["title"]),
             _para(data.period_label, st["subtitle"]), Spacer(1, 5 * mm)]
    if data.rule_text:
        story.append(_para(f"本站活动日：{data.rule_text}。届时由值班代表在联络站接待选民，欢迎群众来站反映意见建议。",
                           st["body"]))
        story.append(Spacer(1, 3 * mm))
    rows = [["日期", "时间", "地点", "主题", "值班代表", "备注"]]
    for d in data.days:
        note = d.status_label if d.status_label != "计划" else ""
        if d.note:
            note = f"{note}：{d.note}" if note else d.note
        rows.append([f"{d.date.month}月{d.date.day}日 周{WEEKDAYS[d.date.weekday()]}", d.time_text, d.place, d.theme,
                     "、".join(d.duty_names), note])
    if len(rows) == 1:
        rows.append(["（本期没有安排活动日）", "", "", "", "", ""])
    story.append(_table(rows, [26, 26, 30, 40, 34, 18], st))
    story.append(Spacer(1, 8 * mm))
    lines = ["扫码联系联络站", data.station_name]
    if data.address:
        lines.append(f"地址：{data.address}")
    if data.phone:
        lines.append(f"电话：{data.phone}")
    story.append(_QrFlowable(data.station_qr, lines, st))
    return _build(out, story, f"{data.station_name} 接访计划公示 {data.period_label}", data.station_name)
