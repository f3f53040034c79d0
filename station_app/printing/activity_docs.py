"""Activity-day PDFs: the minutes of one day (活动记录) and the schedule notice (接访计划公示).

ReportLab platypus on A4, the bundled CJK font embedded, CJK word wrap. Long content flows
across pages: tables repeat their header row, every page carries "第 N 页 共 M 页". The notice
carries the station's QR code drawn as vector squares (error correction M, 4-module quiet zone,
symbol at least 30 mm). Both are written atomically.
"""

from __future__ import annotations

from pathlib import Path

from station_app.domain.records import MinutesData, NoticeData
from station_app.printing.a4 import RED, WEEKDAYS, build, date_text, info_table, para, qr_block, styles, table

__all__ = ["RED", "WEEKDAYS", "render_minutes", "render_notice"]

QR_BOX_MM = 40.0  # the station code's square, quiet zone included
QR_SYMBOL_MM = 30.0


def render_minutes(data: MinutesData, out: str | Path) -> Path:
    """代表活动日活动记录: header, attendance, visitors and opinions, minutes, signature lines."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    st = styles()
    story = [para(data.station_name, st["subtitle"]), para("代表活动日活动记录", st["title"]), Spacer(1, 4 * mm)]
    info = [["日期", date_text(data.date, weekday=True), "时间", data.time_text or "—"],
            ["地点", data.place or "—", "主持人", data.host or "—"],
            ["活动形式", data.kind_label, "状态", data.status_label]]
    story.append(info_table(info, st))
    story.append(para(f"主题：{data.theme or '（未定）'}", st["h"]))

    counts = {label: sum(1 for a in data.attendees if a.status_label == label) for label in ("出席", "迟到", "请假", "缺席")}
    story.append(para("一、代表出席情况", st["h"]))
    story.append(para(f"值班代表 {sum(1 for a in data.attendees if a.on_duty)} 人。签到：出席 {counts['出席']} 人，"
                      f"迟到 {counts['迟到']} 人，请假 {counts['请假']} 人，缺席 {counts['缺席']} 人。", st["body"]))
    if data.attendees:
        rows = [["序号", "姓名", "代表层级", "值班", "签到"]]
        rows += [[str(i), a.name, a.levels, "值班" if a.on_duty else "", a.status_label]
                 for i, a in enumerate(data.attendees, 1)]
        story.append(table(rows, [14, 46, 46, 20, 48], st))
    story.append(para("二、接待群众和意见建议", st["h"]))
    story.append(para(f"接待群众 {data.visitors_count} 人次，收集意见建议 {len(data.cases)} 条。", st["body"]))
    if data.cases:
        rows = [["编号", "反映人", "内容", "办理方式"]] + [[c.number, c.visitor, c.content, c.handling] for c in data.cases]
        story.append(table(rows, [30, 24, 90, 30], st))
    for n, (label, text) in enumerate((("议程", data.agenda), ("讨论情况", data.discussion), ("议定事项", data.decisions),
                                       ("后续跟进", data.follow_ups)), start=3):
        story.append(para(f"{'三四五六'[n - 3]}、{label}", st["h"]))
        story.append(para(text, st["body"]))
    story.append(Spacer(1, 10 * mm))
    signs = info_table([["记录人（签字）", "", "主持人（签字）", ""],
                        ["负责人（签字）", "", "日期", "　　年　　月　　日"]], st, line_only=True)
    story.append(KeepTogether([signs]))
    return build(out, story, f"{data.station_name} 活动记录 {data.date.isoformat()}", data.station_name)


def render_notice(data: NoticeData, out: str | Path) -> Path:
    """接访计划公示: the activity days of a month or quarter, with duty deputies and the station QR."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    st = styles()
    story = [para(data.station_name, st["subtitle"]), para("代表接访计划公示", st["title"]),
             para(data.period_label, st["subtitle"]), Spacer(1, 5 * mm)]
    if data.rule_text:
        story.append(para(f"本站活动日：{data.rule_text}。届时由值班代表在联络站接待选民，欢迎群众来站反映意见建议。",
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
    story.append(table(rows, [26, 26, 30, 40, 34, 18], st))
    story.append(Spacer(1, 8 * mm))
    lines = ["扫码联系联络站", data.station_name]
    if data.address:
        lines.append(f"地址：{data.address}")
    if data.phone:
        lines.append(f"电话：{data.phone}")
    story.append(qr_block(data.station_qr, lines, st, QR_BOX_MM, QR_SYMBOL_MM))
    return build(out, story, f"{data.station_name} 接访计划公示 {data.period_label}", data.station_name)
