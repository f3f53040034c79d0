"""履职积分 rules as pure data: a year's indicator set (about 20 indicators modelled on the county
practice of 履职银行 and 百分制量化考评), quotas (月进站、季回组、年述职), grade bands, and the
arithmetic — caps, deductions, 百分制 — with the explanation behind every score.

The rules travel as one JSON document (:meth:`RuleSet.to_json` / :func:`ruleset_from_json`) so the
county can hand the same set to every station. Nothing here touches the database.

**百分制 formula** (documented for 述职 and re-election files): each indicator's points in a year
are the sum of its records, limited by the indicator's yearly cap (a deduction by its cap below
zero); the raw total is the sum over indicators; the 百分制 score is
``min(100, max(0, raw / full_marks × 100))`` rounded to one decimal, ``full_marks`` being the
raw points the county counts as a full 100 (default 100). Grades follow the bands, highest first.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from station_app.errors import ValidationError

# Where automatic records come from (the service derives them from these facts).
AUTO_SOURCES = {
    "attendance": "出席代表活动日（签到出席或迟到）",
    "attendance_study": "参加学习培训（学习培训类活动日签到）",
    "attendance_report": "参加述职评议（述职评议类活动日签到）",
    "absence": "无故缺席代表活动日（签到为缺席）",
    "reception": "进站接待群众（接待登记中列为接待代表）",
    "home_visit": "走访选民（接待方式为走访）",
    "case_resolved": "推动解决群众反映的问题（所接待的意见建议已办结）",
    "deputy_proposal": "将群众意见转化为代表建议（办理方式为形成代表建议）",
    "attendance_livelihood": "参加民生实事项目督查（民生实事督查类活动日签到）",
    "livelihood_vote": "参加民生实事项目票决（出席已确认结果的票决会议）",
    "livelihood_rating": "参加民生实事项目评单（对项目作出满意度评价）",
}
MANUAL = "manual"
CATEGORIES = ("会议履职", "建议议案", "学习培训", "联系群众", "主题活动", "社会公益", "扣分项")
PERIODS = {"quarter": "每季度", "year": "每年"}


@dataclass(frozen=True)
class Indicator:
    """A 履职 indicator: code, name, category, points per unit (negative: a deduction) and a yearly cap."""
    code: str
    name: str
    category: str
    points: float  # per unit; negative for a deduction
    cap: float | None = None  # yearly limit of the indicator's points (absolute value), None: none
    source: str = MANUAL  # MANUAL or a key of AUTO_SOURCES
    unit: str = "次"
    evidence_required: bool = False

    @property
    def is_deduction(self) -> bool:
        """Whether the indicator takes points away."""
        return self.points < 0


@dataclass(frozen=True)
class Quota:
    """At least ``minimum`` units of ``source`` per ``period`` (e.g. 每季度至少进站活动1次)."""

    code: str
    name: str
    sources: tuple[str, ...]  # AUTO_SOURCES keys whose units count
    period: str  # quarter | year
    minimum: int


@dataclass(frozen=True)
class Grade:
    """A grade of the year's evaluation and the least score out of 100 that earns it."""
    name: str
    min_score: float


@dataclass(frozen=True)
class RuleSet:
    """A year's 积分 rules: indicators, quotas, grades and full marks."""
    year: int
    indicators: tuple[Indicator, ...]
    quotas: tuple[Quota, ...] = ()
    grades: tuple[Grade, ...] = ()
    full_marks: float = 100.0
    name: str = ""

    def indicator(self, code: str) -> Indicator | None:
        """The indicator ``code``, ``None`` when the rules have none."""
        return next((i for i in self.indicators if i.code == code), None)

    def to_json(self) -> str:
        """The rules as the JSON document that is stored, exported and imported."""
        doc = {"format": "station-scoring-rules", "version": 1, "year": self.year, "name": self.name,
               "full_marks": self.full_marks,
               "indicators": [asdict(i) for i in self.indicators],
               "quotas": [{**asdict(q), "sources": list(q.sources)} for q in self.quotas],
               "grades": [asdict(g) for g in self.grades]}
        return json.dumps(doc, ensure_ascii=False, indent=1)

    def grade_of(self, score: float) -> str:
        """The grade a 百分制 ``score`` earns (below every line: the last grade listed)."""
        for g in sorted(self.grades, key=lambda g: -g.min_score):
            if score >= g.min_score:
                return g.name
        return self.grades[-1].name if self.grades else ""


DEFAULT_GRADES = (Grade("优秀", 90), Grade("称职", 70), Grade("基本称职", 60), Grade("不称职", 0))


def default_rules(year: int) -> RuleSet:
    """About 20 indicators modelled on the seeds (出席会议、提出建议、参加学习培训、联系接待群众、
    参加主题活动及社会公益), with deductions and the quotas 月进站、季回组、年述职."""
    ind = [
        Indicator("A01", "出席乡镇人代会", "会议履职", 5, 10, MANUAL, "次", True),
        Indicator("A02", "列席人大主席团会议", "会议履职", 2, 6, MANUAL),
        Indicator("A03", "出席代表活动日", "主题活动", 2, 24, "attendance"),
        Indicator("A04", "在人代会上发言", "会议履职", 2, 6, MANUAL),
        Indicator("B01", "提出代表建议", "建议议案", 3, 15, MANUAL, "件", True),
        Indicator("B02", "领衔提出议案", "建议议案", 5, 10, MANUAL, "件", True),
        Indicator("B03", "群众意见转化为代表建议", "建议议案", 2, 10, "deputy_proposal", "件"),
        Indicator("B04", "建议被评为优秀建议", "建议议案", 5, 10, MANUAL, "件", True),
        Indicator("C01", "参加学习培训", "学习培训", 2, 10, "attendance_study"),
        Indicator("C02", "参加上级组织的集中培训", "学习培训", 3, 6, MANUAL, "次", True),
        Indicator("D01", "进站接待群众", "联系群众", 1, 12, "reception"),
        Indicator("D02", "走访选民", "联系群众", 0.5, 10, "home_visit", "户"),
        Indicator("D03", "推动解决群众反映的问题", "联系群众", 1, 10, "case_resolved", "件"),
        Indicator("D04", "回原选区向选民述职", "联系群众", 5, 5, "attendance_report"),
        Indicator("E01", "参加视察调研", "主题活动", 2, 8, MANUAL, "次", True),
        Indicator("E02", "参加执法检查、专题询问", "主题活动", 2, 6, MANUAL),
        Indicator("E03", "参加民生实事项目督查", "主题活动", 2, 6, "attendance_livelihood"),
        Indicator("E04", "参加民生实事项目票决", "会议履职", 2, 4, "livelihood_vote"),
        Indicator("E05", "参加民生实事项目评单", "主题活动", 0.5, 4, "livelihood_rating", "项"),
        Indicator("F01", "参加社会公益活动", "社会公益", 2, 6, MANUAL, "次", True),
        Indicator("F02", "获得表彰奖励", "社会公益", 3, 6, MANUAL, "次", True),
        Indicator("G01", "无故缺席代表活动日", "扣分项", -2, 12, "absence"),
        Indicator("G02", "无故缺席人代会", "扣分项", -5, 10, MANUAL),
    ]
    quotas = (
        Quota("Q1", "每季度至少进站活动1次", ("attendance", "reception"), "quarter", 1),
        Quota("Q2", "每年进站接待群众不少于2次", ("reception",), "year", 2),
        Quota("Q3", "每年走访选民不少于10户", ("home_visit",), "year", 10),
        Quota("Q4", "每年向选民述职1次", ("attendance_report",), "year", 1),
    )
    # A deputy who takes every duty day, receives voters monthly and follows their cases through
    # reaches about 60 points in a year: that is the full 100 (the county can change it).
    return RuleSet(year, tuple(ind), quotas, DEFAULT_GRADES, 60.0, f"{year}年度代表履职积分指标")


def _num(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError({"rules": f"{what} 应为数字"})
    return float(value)


def ruleset_from_json(text: str) -> RuleSet:
    """Parse and check a rules file; :class:`ValidationError` says what is wrong, in Chinese."""
    try:
        doc = json.loads(text)
    except (ValueError, TypeError):
        raise ValidationError({"rules": "指标文件不是有效的 JSON"}) from None
    if not isinstance(doc, dict) or doc.get("format") != "station-scoring-rules":
        raise ValidationError({"rules": "这不是履职积分指标文件"})
    if doc.get("version") != 1:
        raise ValidationError({"rules": f"指标文件版本 {doc.get('version')} 不受支持"})
    try:
        year = int(doc["year"])
        indicators = tuple(Indicator(str(i["code"]).strip(), str(i["name"]).strip(), str(i["category"]).strip(),
                                     _num(i["points"], f"指标 {i.get('code')} 的分值"),
                                     None if i.get("cap") is None else _num(i["cap"], f"指标 {i.get('code')} 的上限"),
                                     str(i.get("source", MANUAL)), str(i.get("unit", "次")),
                                     bool(i.get("evidence_required", False)))
                           for i in doc["indicators"])
        quotas = tuple(Quota(str(q["code"]), str(q["name"]), tuple(q["sources"]), str(q["period"]), int(q["minimum"]))
                       for q in doc.get("quotas", ()))
        grades = tuple(Grade(str(g["name"]), _num(g["min_score"], f"等次 {g.get('name')} 的分数线"))
                       for g in doc.get("grades", ()))
        full = _num(doc.get("full_marks", 100), "满分积分")
    except (KeyError, TypeError) as exc:
        raise ValidationError({"rules": f"指标文件缺少必要内容：{exc}"}) from None
    rules = RuleSet(year, indicators, quotas, grades or DEFAULT_GRADES, full, str(doc.get("name", "")))
    check_rules(rules)
    return rules


def check_rules(rules: RuleSet) -> None:
    """Raise :class:`ValidationError` listing every problem of ``rules`` (codes, points, quotas, grades)."""
    problems = []
    codes = [i.code for i in rules.indicators]
    if not codes:
        problems.append("至少要有一个指标")
    if len(set(codes)) != len(codes):
        problems.append("指标代码有重复")
    for i in rules.indicators:
        if not i.code or not i.name:
            problems.append("每个指标都要有代码和名称")
        if i.source != MANUAL and i.source not in AUTO_SOURCES:
            problems.append(f"指标 {i.code} 的来源不认识：{i.source}")
        if i.points == 0:
            problems.append(f"指标 {i.code} 的分值不能为 0")
        if i.cap is not None and i.cap <= 0:
            problems.append(f"指标 {i.code} 的年度上限应大于 0（扣分项也写正数）")
    for q in rules.quotas:
        if q.period not in PERIODS:
            problems.append(f"任务 {q.name} 的周期应为 quarter 或 year")
        if q.minimum < 1 or not q.sources or any(s not in AUTO_SOURCES for s in q.sources):
            problems.append(f"任务 {q.name} 的来源或次数不对")
    if rules.full_marks <= 0:
        problems.append("满分积分应大于 0")
    if problems:
        raise ValidationError({"rules": "；".join(problems)})


# --- arithmetic -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One duty record as the arithmetic sees it."""

    uid: str
    indicator_code: str
    date: dt.date
    points: float


@dataclass(frozen=True)
class Counted:
    """A record with the points it counts for after the indicator's cap (``counted`` ≤ ``points``
    in absolute value; 0 once the cap is reached)."""

    entry: Entry
    counted: float


@dataclass(frozen=True)
class Score:
    """A deputy's points: raw, out of 100, grade, and the counted points per indicator and line."""
    raw: float
    score100: float
    grade: str
    by_indicator: dict[str, Any] = field(default_factory=dict)  # code -> counted points
    lines: tuple[Counted, ...] = ()


def _r(x: float) -> float:
    return round(x + 0.0, 2)


def count_entries(rules: RuleSet, entries: Iterable[Entry]) -> list[Counted]:
    """Each record with its counted points: in date order per indicator, until the cap is
    reached. Records of indicators the set does not have count 0."""
    used: dict[str, float] = {}
    out = []
    for e in sorted(entries, key=lambda e: (e.date, e.uid)):
        ind = rules.indicator(e.indicator_code)
        if ind is None:
            out.append(Counted(e, 0.0))
            continue
        if ind.cap is None:
            out.append(Counted(e, _r(e.points)))
            continue
        room = ind.cap - used.get(ind.code, 0.0)
        counted = max(0.0, min(abs(e.points), room))
        used[ind.code] = used.get(ind.code, 0.0) + counted
        out.append(Counted(e, _r(counted if e.points >= 0 else -counted)))
    return out


def score(rules: RuleSet, entries: Sequence[Entry]) -> Score:
    """Raw points, 百分制 and grade; ``lines`` sum to ``raw`` exactly (the explanation)."""
    lines = count_entries(rules, entries)
    by: dict[str, float] = {}
    for c in lines:
        by[c.entry.indicator_code] = _r(by.get(c.entry.indicator_code, 0.0) + c.counted)
    return _scored(rules, _r(sum(c.counted for c in lines)), by, tuple(lines))


def _scored(rules: RuleSet, raw: float, by: dict[str, Any], lines: tuple[Counted, ...] = ()) -> Score:
    s100 = round(min(100.0, max(0.0, raw / rules.full_marks * 100.0)), 1)
    return Score(raw, s100, rules.grade_of(s100), by, lines)


def _cents(x: float) -> bool:
    return round(x, 2) == x


def summable(rules: RuleSet, code: str, points: Iterable[float]) -> bool:
    """Whether records of indicator ``code`` with these point values may be counted from their sums
    (:func:`score_sums`) instead of one by one in date order: every value (and the cap) has at most
    two decimals, and a capped indicator's records all point the same way (a deduction between
    additions would take its share of the cap in date order)."""
    values = list(points)
    if not all(_cents(p) for p in values):
        return False
    ind = rules.indicator(code)
    if ind is None or ind.cap is None:
        return True
    return _cents(ind.cap) and (all(p >= 0 for p in values) or all(p <= 0 for p in values))


def score_sums(rules: RuleSet, sums: dict[str, float]) -> Score:
    """:func:`score` of records given as the sum of their points per indicator code, without the
    explanation lines. Equal to ``score`` of the records themselves when :func:`summable` holds
    for each indicator (a county ranking sums millions of records in SQL)."""
    by: dict[str, float] = {}
    for code, total in sums.items():
        ind = rules.indicator(code)
        if ind is None:
            by[code] = 0.0
        elif ind.cap is None:
            by[code] = _r(total)
        else:
            by[code] = _r(max(-ind.cap, min(ind.cap, total)))
    return _scored(rules, _r(sum(by.values())), by)


def quarter_of(d: dt.date) -> int:
    """The quarter (1–4) ``d`` falls in."""
    return (d.month - 1) // 3 + 1


def quarter_bounds(year: int, q: int) -> tuple[dt.date, dt.date]:
    """The first and last day of quarter ``q`` of ``year``."""
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


# --- the year in progress: 合格进度 instead of a grade -------------------------------------------
#
# A grade is a judgement on a whole year. Until an admin closes the year (年度评定), screens and
# printouts show how far a deputy is against the pro-rata expectation, never a grade.

YEAR_OPEN = "年度未结束"
YEAR_AWAITING = "待年度评定"
PROGRESS_LABEL = "合格进度"


def pass_line(rules: RuleSet) -> float:
    """The 百分制 score a deputy needs for a passing grade: the lowest positive grade threshold
    (``基本称职`` 60 by default); 100 when the bands have none."""
    lines = [g.min_score for g in rules.grades if g.min_score > 0]
    return min(lines) if lines else 100.0


def pass_grade(rules: RuleSet) -> str:
    """The name of the grade that starts at the pass line of ``rules`` ("" when none does)."""
    line = pass_line(rules)
    return next((g.name for g in rules.grades if g.min_score == line), "")


def days_in_year(year: int) -> int:
    """365 or 366."""
    return (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days


def as_of_date(year: int, today: dt.date) -> dt.date:
    """The date the figures of ``year`` run to on ``today``: today within the year, 31 Dec once
    it is over, 1 Jan before it starts."""
    return min(max(today, dt.date(year, 1, 1)), dt.date(year, 12, 31))


def days_elapsed(year: int, as_of: dt.date) -> int:
    """Days of ``year`` up to and including ``as_of`` (0 before the year, all after it)."""
    if as_of < dt.date(year, 1, 1):
        return 0
    return min(days_in_year(year), (as_of - dt.date(year, 1, 1)).days + 1)


def expected_score(rules: RuleSet, year: int, as_of: dt.date) -> float:
    """The 百分制 score that is on course for a pass by ``as_of``: 合格线 × 已过天数 ÷ 全年天数."""
    return pass_line(rules) * days_elapsed(year, as_of) / days_in_year(year)


def progress(rules: RuleSet, score100: float, year: int, as_of: dt.date) -> int | None:
    """合格进度 in percent: ``score100 ÷ expected_score × 100``, rounded; 100 means on course
    for the pass line at this point of the year. None before the year starts."""
    expected = expected_score(rules, year, as_of)
    if expected <= 0:
        return None
    return int(round(score100 / expected * 100))


def progress_definition(rules: RuleSet, year: int, as_of: dt.date) -> str:
    """What 合格进度 means, printed beside it."""
    grade = pass_grade(rules)
    named = f"（等次“{grade}”的分数线）" if grade else ""
    return (f"{PROGRESS_LABEL} = 百分制得分 ÷（合格线 {pass_line(rules):g} 分{named} × 已过天数 "
            f"{days_elapsed(year, as_of)} ÷ 全年天数 {days_in_year(year)}）× 100%；100% 表示截至 "
            f"{as_of.isoformat()} 按时间进度正好达到合格线。这是进度，不是年度等次：等次在年度评定后确定。")


def open_year_label(year: int, today: dt.date) -> str:
    """What stands in place of a grade in a year not closed: 年度未结束 while it runs,
    待年度评定 once it is over."""
    return YEAR_AWAITING if today > dt.date(year, 12, 31) else YEAR_OPEN
