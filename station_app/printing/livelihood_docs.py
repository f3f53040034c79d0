"""民生实事项目票决制 PDFs (issue 22): the ballot (选票), the 计票结果公告, the 公示 of the approved
projects and their progress, the monthly board of case outcomes (意见建议办理结果公开) and the
代表履职情况通报.

Same house style as the other A4 documents (``printing.a4``): platypus, the bundled CJK font
embedded, CJK word wrap, tables repeating their header row, "第 N 页 共 M 页" in the footer, the
file written atomically. The renderers take the plain dataclasses below (no ORM rows) and print
what they are given: the service decides who passed, the ranking and the masked names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from station_app.printing.a4 import CONTENT_WIDTH_MM, build, date_text, para, styles, table

APPROVAL_RULE = "以全体代表过半数赞成为通过"
NUMERALS = "一二三四五六七八九十"


# --- the data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotItem:
    """One shortlisted project on the ballot."""

    number: int  # 序号
    title: str
    summary: str = ""
    budget: str = ""  # as printed, e.g. "120万元"


@dataclass(frozen=True)
class BallotData:
    station_name: str  # the township or station heading the sheet
    meeting: str  # e.g. 某某镇第十八届人民代表大会第三次会议
    date: dt.date | None
    year: int
    items: tuple[BallotItem, ...]
    quota: int  # 应选X项


@dataclass(frozen=True)
class TallyRow:
    """One project's count; ``rank`` its place by votes for (None: not ranked)."""

    title: str
    votes_for: int
    against: int
    abstain: int
    passed: bool  # more than half of all deputies voted for it
    rank: int | None = None
    approved: bool = False  # passed and within the number to approve
    department: str = ""
    budget: str = ""


@dataclass(frozen=True)
class TallyData:
    station_name: str
    meeting: str
    date: dt.date | None
    year: int
    total_deputies: int  # 应到
    present: int  # 实到
    quorum_ok: bool  # more than half of all deputies present
    threshold: int  # the fewest votes for that pass: more than half of all deputies
    quota: int  # 应选项数
    rows: tuple[TallyRow, ...]  # in ballot order
    ballots_issued: int | None = None
    ballots_returned: int | None = None
    ballots_valid: int | None = None
    presidium: str = ""  # who signs: 某某镇人民代表大会主席团
    rule_text: str = ""  # the rule of ranking and approval as the service words it, printed in the note


@dataclass(frozen=True)
class Milestone:
    title: str
    planned: dt.date | None
    done: dt.date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class PublicityProject:
    title: str
    description: str = ""
    village: str = ""
    department: str = ""
    budget: str = ""
    progress: int = 0  # percent
    status_label: str = ""
    milestones: tuple[Milestone, ...] = ()
    rating: str = ""  # 评单 result once rated, e.g. 满意 12 / 基本满意 3 / 不满意 0


@dataclass(frozen=True)
class PublicityData:
    station_name: str
    year: int
    as_of: dt.date
    projects: tuple[PublicityProject, ...]
    phone: str = ""  # 监督电话
    address: str = ""


@dataclass(frozen=True)
class OutcomeRow:
    number: str
    category: str
    village: str
    visitor: str  # masked before it gets here
    summary: str
    outcome: str
    evaluation: str


@dataclass(frozen=True)
class OutcomesData:
    station_name: str
    month: str  # YYYY-MM
    rows: tuple[OutcomeRow, ...]
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class BulletinRow:
    name: str
    present: int
    late: int
    leave: int
    absent: int
    receptions: int
    cases: int


@dataclass(frozen=True)
class BulletinData:
    station_name: str
    month: str  # YYYY-MM
    held_days: int
    rows: tuple[BulletinRow, ...]
    phone: str = ""
    address: str = ""


# --- helpers --------------------------------------------------------------------------------------


def month_label(month: str) -> str:
    """``2026-03`` → ``2026年3月``."""
    try:
        year, m = month.split("-")[:2]
        return f"{int(year)}年{int(m)}月"
    except ValueError:
        return month


def _contact(phone: str, address: str, what: str = "联系电话") -> str:
    parts = [f"地址：{address}" if address else "", f"{what}：{phone}" if phone else ""]
    return "　".join(p for p in parts if p)


def _short_date(d: dt.date | None) -> str:
    return "—" if d is None else f"{d.month}月{d.day}日"


def _tick_box(size_mm: float = 7.0):
    """An empty square, centred in its cell: where the deputy draws the ○."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable

    class TickBox(Flowable):
        def wrap(self, avail_w, avail_h):
            self.width = avail_w
            self.height = size_mm * mm
            return self.width, self.height

        def draw(self):
            c = self.canv
            c.setLineWidth(0.9)
            c.rect((self.width - size_mm * mm) / 2, 0, size_mm * mm, size_mm * mm, stroke=1, fill=0)

    return TickBox()


def _signature(lines: list[str], st) -> list:
    """Who issues the notice and when, right-aligned under it."""
    from reportlab.lib.styles import ParagraphStyle

    right = ParagraphStyle("right", parent=st["body"], fontSize=11.5, leading=20, alignment=2, rightIndent=12)
    return [para(t, right) for t in lines]


def _notes(lines: list[str], st) -> list:
    return [para("说明：", st["label"])] + [para(f"{i}. {t}", st["cell"]) for i, t in enumerate(lines, 1)]


# --- 选票 -----------------------------------------------------------------------------------------


def render_ballot(data: BallotData, out: str | Path) -> Path:
    """民生实事项目票决选票: the shortlisted projects, each with 赞成/反对/弃权 boxes."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    from station_app.printing.a4 import GRID, RED

    st = styles()
    n = len(data.items)
    story = [para(data.meeting, st["subtitle"]),
             para(f"{data.year}年民生实事项目票决选票", st["title"]),
             para(f"{date_text(data.date)}　　候选项目 {n} 项　　应选 {data.quota} 项", st["subtitle"]),
             Spacer(1, 5 * mm)]
    head = ["序号", "项目名称", "项目概要", "预算", "赞成", "反对", "弃权"]
    widths = [11, 40, 62, 19, 14, 14, 14]
    rows = [[para(h, st["headc"]) for h in head]]
    for item in data.items:
        rows.append([para(str(item.number), st["cellc"]), para(item.title, st["cell"]),
                     para(item.summary, st["cell"], "—"), para(item.budget, st["cellc"], "—"),
                     _tick_box(), _tick_box(), _tick_box()])
    t = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(RED)),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor(GRID)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 1), (-1, -1), 6), ("BOTTOMPADDING", (0, 1), (-1, -1), 6),
    ]))
    story += [t, Spacer(1, 5 * mm)]
    story += _notes([
        "在选项下的方格内划“○”：赞成的在“赞成”下划“○”，反对的在“反对”下划“○”，弃权的在“弃权”下划“○”。",
        "每个项目只能划一个“○”；不划或多划的，该项目按弃权计。",
        f"本次共有候选项目 {n} 项，应选 {data.quota} 项；划“赞成”的项目多于 {data.quota} 项的，本票无效。",
        f"{APPROVAL_RULE}；获得通过的项目按赞成票多少排序，取前 {data.quota} 项为本年度民生实事项目。",
        "请用黑色或蓝色钢笔、签字笔填写，字迹清楚，不得涂改。",
    ], st)
    return build(out, story, f"{data.year}年民生实事项目票决选票", data.station_name)


# --- 计票结果公告 ---------------------------------------------------------------------------------


def _ballots_text(d: TallyData) -> str:
    parts = []
    if d.ballots_issued is not None:
        parts.append(f"共发出选票 {d.ballots_issued} 张")
    if d.ballots_returned is not None:
        parts.append(f"收回 {d.ballots_returned} 张")
    if d.ballots_valid is not None:
        parts.append(f"其中有效票 {d.ballots_valid} 张")
    return ("，".join(parts) + "。") if parts else ""


def render_tally(data: TallyData, out: str | Path) -> Path:
    """民生实事项目票决计票结果公告: attendance and quorum, each project's votes, 通过/未通过
    by more than half of all deputies, the ranking and the approved list."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    st = styles()
    approved = sorted((r for r in data.rows if r.approved), key=lambda r: (r.rank or 0))
    quorum = ("到会代表超过全体代表的半数，符合法定人数" if data.quorum_ok
              else "到会代表未超过全体代表的半数，不符合法定人数，票决无效")
    lead = (f"{data.meeting}于{date_text(data.date)}对{data.year}年民生实事候选项目进行了票决。"
            f"本次会议应到代表 {data.total_deputies} 名，实到 {data.present} 名，{quorum}。{_ballots_text(data)}"
            f"经计票，票决产生民生实事项目 {len(approved)} 件。")
    story = [para(data.station_name, st["subtitle"]), para("民生实事项目票决计票结果公告", st["title"]),
             Spacer(1, 4 * mm), para(lead, st["lead"]), Spacer(1, 2 * mm),
             para("一、计票结果", st["h"])]
    rows = [["序号", "项目名称", "赞成", "反对", "弃权", "结果", "名次"]]
    for i, r in enumerate(data.rows, 1):
        result = "通过" if r.passed else "未通过"
        if r.passed and not r.approved:
            result = "通过，未入选"  # beyond the number to approve
        rows.append([str(i), r.title, str(r.votes_for), str(r.against), str(r.abstain), result,
                     str(r.rank) if r.rank else "—"])
    centred = dict.fromkeys((0, 2, 3, 4, 5, 6), "cellc")
    story.append(table(rows, [12, 64, 16, 16, 16, 32, 18], st, align=centred))
    story.append(Spacer(1, 1.5 * mm))
    story.append(para(f"注：{APPROVAL_RULE}。全体代表 {data.total_deputies} 名，赞成票达到 {data.threshold} 票"
                      f"（超过 {data.total_deputies} 的一半）的项目为通过，不以到会代表人数计算；"
                      f"通过的项目按名次取前 {data.quota} 项。"
                      + (data.rule_text.rstrip("。") + "。" if data.rule_text else ""), st["cell"]))
    block = [para(f"二、票决产生的{data.year}年民生实事项目（{len(approved)} 件）", st["h"])]
    if approved:
        arows = [["名次", "项目名称", "责任单位", "预算", "赞成票"]]
        arows += [[str(r.rank or ""), r.title, r.department or "—", r.budget or "—", str(r.votes_for)]
                  for r in approved]
        block.append(table(arows, [16, 70, 40, 26, 22], st, align={0: "cellc", 3: "cellc", 4: "cellc"}))
    else:
        block.append(para("本次票决没有项目获得全体代表过半数赞成。", st["body"]))
    story.append(KeepTogether(block))
    story += [Spacer(1, 4 * mm), para("特此公告。", st["lead"]), Spacer(1, 8 * mm)]
    story += _signature([data.presidium or f"{data.station_name}人民代表大会主席团", date_text(data.date)], st)
    return build(out, story, f"{data.year}年民生实事项目票决计票结果公告", data.station_name)


# --- 公示 -----------------------------------------------------------------------------------------


def _milestones_text(ms: tuple[Milestone, ...]) -> str:
    lines = []
    for m in ms:
        state = f"已完成（{_short_date(m.done)}）" if m.done else "已逾期" if m.overdue else "未完成"
        lines.append(f"{m.title}：计划{_short_date(m.planned)}，{state}")
    return "\n".join(lines) or "—"


def render_publicity(data: PublicityData, out: str | Path) -> Path:
    """民生实事项目实施情况公示: each approved project with its department, budget, milestones and progress."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    st = styles()
    story = [para(data.station_name, st["subtitle"]),
             para(f"{data.year}年民生实事项目实施情况公示", st["title"]),
             para(f"截至{date_text(data.as_of)}", st["subtitle"]), Spacer(1, 4 * mm)]
    done = sum(1 for p in data.projects if p.progress >= 100)
    story.append(para(f"{data.year}年经人民代表大会代表票决确定民生实事项目 {len(data.projects)} 件，"
                      f"已完成 {done} 件，正在实施 {len(data.projects) - done} 件。现将实施情况公示如下，"
                      "欢迎群众监督。", st["lead"]))
    story.append(Spacer(1, 2 * mm))
    rows = [["序号", "项目名称及内容", "责任单位", "预算", "计划节点及完成情况", "进度"]]
    for i, p in enumerate(data.projects, 1):
        body = p.title + (f"\n{p.description}" if p.description else "") + (f"\n（{p.village}）" if p.village else "")
        if p.rating:
            body += f"\n评议：{p.rating}"
        rows.append([str(i), body, p.department or "—", p.budget or "—", _milestones_text(p.milestones),
                     f"{p.progress}%" + (f"\n{p.status_label}" if p.status_label else "")])
    if data.projects:
        story.append(table(rows, [12, 46, 22, 18, 60, 16], st, align={0: "cellc", 3: "cellc", 5: "cellc"}))
    else:
        story.append(para("本年度还没有票决产生的民生实事项目。", st["body"]))
    story.append(Spacer(1, 1.5 * mm))
    story.append(para("注：进度为责任单位报告、联络站登记的完成比例；逾期指计划日期已过而该节点尚未完成。", st["cell"]))
    return build(out, story, f"{data.year}年民生实事项目实施情况公示", data.station_name,
                 _contact(data.phone, data.address, "监督电话"))


# --- 意见建议办理结果公开 -------------------------------------------------------------------------


def render_outcomes(data: OutcomesData, out: str | Path) -> Path:
    """意见建议办理结果公开 of one month: the cases concluded in it, the visitors' names masked."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    st = styles()
    label = month_label(data.month)
    story = [para(data.station_name, st["subtitle"]), para("群众意见建议办理结果公开", st["title"]),
             para(label, st["subtitle"]), Spacer(1, 4 * mm)]
    satisfied = sum(1 for r in data.rows if r.evaluation in ("满意", "基本满意"))
    story.append(para(f"{label}，本站办结（结案）群众意见建议 {len(data.rows)} 件，群众评价满意或基本满意 "
                      f"{satisfied} 件。办理结果公开如下，接受群众评判。", st["lead"]))
    story.append(Spacer(1, 2 * mm))
    if data.rows:
        rows = [["编号", "类别", "村（社区）", "反映人", "内容摘要", "办理结果", "评价"]]
        rows += [[r.number, r.category, r.village or "—", r.visitor or "—", r.summary, r.outcome or "—",
                  r.evaluation or "未评价"] for r in data.rows]
        story.append(table(rows, [22, 19, 20, 15, 42, 40, 16], st, align={6: "cellc"}))
    else:
        story.append(para("本月没有办结的意见建议。", st["body"]))
    story.append(Spacer(1, 1.5 * mm))
    story.append(para("注：按办结（结案）日期计入当月；为保护个人信息，反映人姓名只显示姓氏；"
                      "对办理结果有异议的，可向联络站反映。", st["cell"]))
    return build(out, story, f"意见建议办理结果公开 {label}", data.station_name,
                 _contact(data.phone, data.address))


# --- 代表履职情况通报 -----------------------------------------------------------------------------


BULLETIN_NOTES = [
    "出席、迟到、请假、缺席：本月已举行的代表活动日的签到记录，未举行或已取消的活动日不计；",
    "接待次数：本月接待登记中列为接待代表的次数（同一次接待有几位代表，每人各计一次）；",
    "意见建议：这些接待中登记的意见建议条数，即代表收集并跟进办理的件数。",
]


def render_bulletin(data: BulletinData, out: str | Path) -> Path:
    """代表履职情况通报 of one month: attendance at held activity days and receptions per deputy."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    st = styles()
    label = month_label(data.month)
    story = [para(data.station_name, st["subtitle"]), para("代表履职情况通报", st["title"]),
             para(label, st["subtitle"]), Spacer(1, 4 * mm)]
    receptions = sum(r.receptions for r in data.rows)
    story.append(para(f"{label}，本站举行代表活动日 {data.held_days} 次，代表参加接待 {receptions} 人次。"
                      "现将代表出勤和履职情况通报如下。", st["lead"]))
    story.append(Spacer(1, 2 * mm))
    if data.rows:
        rows = [["序号", "代表姓名", "出席", "迟到", "请假", "缺席", "接待次数", "意见建议"]]
        rows += [[str(i), r.name, str(r.present), str(r.late), str(r.leave), str(r.absent), str(r.receptions),
                  str(r.cases)] for i, r in enumerate(data.rows, 1)]
        story.append(table(rows, [14, 40, 18, 18, 18, 18, 24, 24], st,
                           align=dict.fromkeys((0, 2, 3, 4, 5, 6, 7), "cellc")))
    else:
        story.append(para("本月没有代表履职记录。", st["body"]))
    story.append(Spacer(1, 1.5 * mm))
    story += [para("注：" + BULLETIN_NOTES[0], st["cell"])] + [para("　　" + t, st["cell"]) for t in BULLETIN_NOTES[1:]]
    return build(out, story, f"代表履职情况通报 {label}", data.station_name, _contact(data.phone, data.address))


__all__ = ["APPROVAL_RULE", "BULLETIN_NOTES", "CONTENT_WIDTH_MM", "NUMERALS", "BallotData", "BallotItem",
           "BulletinData", "BulletinRow", "Milestone", "OutcomeRow", "OutcomesData", "PublicityData",
           "PublicityProject", "TallyData", "TallyRow", "month_label", "render_ballot", "render_bulletin",
           "render_outcomes", "render_publicity", "render_tally"]
