"""民生实事项目票决制 as pure rules: the codes with their Chinese labels, and the rules of the
票决 (quorum, approval, ranking, the quota), of the 评单 (the tally and the 再督办 flag) and of
overdue milestones. Nothing here touches the database; services/livelihood.py applies them.

群众点单 (征集) → 代表定单 (初审、票决) → 政府办单 (实施、督查) → 人大评单 (验单、评单).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from station_app.domain.codes import CodeEnum
from station_app.errors import ValidationError


class ProjectSource(CodeEnum):
    """Where a 民生实事 project came from: 群众点单, 代表提出 or 政府清单."""
    OPINION = ("opinion", "群众点单")
    DEPUTY = ("deputy", "代表提出")
    GOVERNMENT = ("government", "政府清单")


class ProjectStatus(CodeEnum):
    """A 民生实事 project's step: 征集, 初审通过, 票决通过 or 未通过, 实施中, 已完成."""
    CANDIDATE = ("candidate", "征集")
    SHORTLISTED = ("shortlisted", "初审通过")
    APPROVED = ("approved", "票决通过")
    REJECTED = ("rejected", "未通过")
    IN_PROGRESS = ("in_progress", "实施中")
    COMPLETED = ("completed", "已完成")


class SessionStatus(CodeEnum):
    """A 票决 session planned or held."""
    PLANNED = ("planned", "待票决")
    HELD = ("held", "已票决")


class VoteChoice(CodeEnum):
    """A deputy's vote on a project: for, against, abstain."""
    FOR = ("for", "赞成")
    AGAINST = ("against", "反对")
    ABSTAIN = ("abstain", "弃权")


class ProjectRating(CodeEnum):
    """A deputy's 评单 rating of a project: satisfied, basically satisfied, dissatisfied."""
    SATISFIED = ("satisfied", "满意")
    BASICALLY_SATISFIED = ("basically_satisfied", "基本满意")
    DISSATISFIED = ("dissatisfied", "不满意")


# a project the 票决 approved, whatever became of it since
APPROVED_STATUSES = (ProjectStatus.APPROVED.value, ProjectStatus.IN_PROGRESS.value, ProjectStatus.COMPLETED.value)
GOOD_RATINGS = (ProjectRating.SATISFIED.value, ProjectRating.BASICALLY_SATISFIED.value)

# The definitions printed beside the figures (计票结果公告, 公示, the period report).
QUORUM_RULE = "出席代表超过全体代表的半数，票决方为有效"
APPROVAL_RULE = ("获得全体代表过半数赞成票的项目为票决通过（以全体代表人数计，不是出席代表人数）；"
                 "按赞成票多少排序，赞成票相同的反对票少者在前，再按项目名称；"
                 "通过的项目按名次取前若干项（拟确定数量），其余列为未通过")
REDO_RULE = "再督办：不满意票多于满意与基本满意票之和的项目，列为下一年度再督办项目"
OVERDUE_RULE = "逾期节点：计划完成日期已过而尚未填写实际完成日期的节点"
# EXCHANGE_FORMAT §3 livelihood_projects: "label：what it counts" per key, in LIVELIHOOD_KEYS order
# (stats, the period report and the county view print them beside the figures)
FIGURE_NOTES = {
    "candidates": "征集：期内登记的候选项目数",
    "voted": "票决：期内举行（已确认结果）的票决会议选票上的项目数",
    "approved": "票决通过：其中获全体代表过半数赞成并在拟确定数量之内的项目数",
    "completed": "已完成：完成时间在期内的项目数",
    "rated": "评单：期内有代表评价的项目数",
    "rated_satisfied": "评单满意：其中期内评价以满意、基本满意为多数（超过一半）的项目数",
}


def more_than_half(part: int, whole: int) -> bool:
    """``part`` is more than half of ``whole`` (过半数): 2 × part > whole."""
    return 2 * part > whole


def majority_needed(deputies_total: int) -> int:
    """The least number of votes that is more than half of all deputies."""
    return deputies_total // 2 + 1


def quorum_ok(present: int, deputies_total: int) -> bool:
    """The 票决 is valid when the deputies present are more than half of all deputies."""
    return deputies_total > 0 and more_than_half(present, deputies_total)


def passes(votes_for: int, deputies_total: int) -> bool:
    """A project passes with votes for from more than half of ALL deputies (全体代表的过半数)."""
    return deputies_total > 0 and more_than_half(votes_for, deputies_total)


@dataclass(frozen=True)
class Tally:
    """The votes of one project in one session; ``paper`` when counted from paper ballots."""

    votes_for: int = 0
    against: int = 0
    abstain: int = 0
    paper: bool = False

    @property
    def cast(self) -> int:
        """The votes cast: for, against and abstain together."""
        return self.votes_for + self.against + self.abstain


def tally(per_deputy: Iterable[tuple[str, str]], paper: Iterable[tuple[str, int, int, int]],
          titles: dict[str, str] | None = None) -> dict[str, Tally]:
    """{project uid: Tally} from per-deputy votes ``(project uid, choice)`` and paper counts
    ``(project uid, for, against, abstain)``. One project in one session is counted one way only:
    both kinds for the same project is a :class:`ValidationError` naming it."""
    titles = titles or {}
    counts: dict[str, list[int]] = {}
    for project, choice in per_deputy:
        c = counts.setdefault(project, [0, 0, 0])
        c[VoteChoice.codes().index(VoteChoice(choice).value)] += 1
    out = {p: Tally(c[0], c[1], c[2]) for p, c in counts.items()}
    for project, f, a, ab in paper:
        if project in out:
            name = titles.get(project, project)
            raise ValidationError({"votes": f"项目“{name}”已逐人录入表决票，不能再录入纸质选票汇总数"
                                             "（同一项目只能用一种方式计票）"})
        out[project] = Tally(int(f), int(a), int(ab), paper=True)
    return out


@dataclass(frozen=True)
class ProjectResult:
    """One project's line of the 计票结果: its counts, rank (1 = most votes for), whether it won
    more than half of all deputies (``passed``) and whether it is approved (passed and within the
    quota)."""

    project_uid: str
    title: str
    votes_for: int
    against: int
    abstain: int
    rank: int
    passed: bool
    approved: bool


def rank_results(items: Iterable[tuple[str, str, Tally]], deputies_total: int, quota: int) -> list[ProjectResult]:
    """Rank ``(project uid, title, tally)`` by votes for (most first), then fewer against, then
    title; the first ``quota`` of the projects that passed are approved."""
    ordered = sorted(items, key=lambda t: (-t[2].votes_for, t[2].against, t[1], t[0]))
    out, taken = [], 0
    for rank, (uid, title, t) in enumerate(ordered, start=1):
        ok = passes(t.votes_for, deputies_total)
        approved = ok and taken < quota
        taken += approved
        out.append(ProjectResult(uid, title, t.votes_for, t.against, t.abstain, rank, ok, approved))
    return out


def check_tally(t: Tally, present: int, title: str) -> None:
    """Paper counts cannot exceed the deputies present (each casts at most one ballot)."""
    if min(t.votes_for, t.against, t.abstain) < 0:
        raise ValidationError({"votes": f"项目“{title}”的票数不能为负数"})
    if t.cast > present:
        raise ValidationError({"votes": f"项目“{title}”的赞成、反对、弃权票合计 {t.cast} 张，"
                                        f"超过了出席代表 {present} 人"})


@dataclass(frozen=True)
class RatingTally:
    """The 评单 of one project: how many deputies rated it each way, and the 再督办 flag."""

    satisfied: int = 0
    basically_satisfied: int = 0
    dissatisfied: int = 0

    @property
    def total(self) -> int:
        """The ratings given, all three verdicts together."""
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def good(self) -> int:
        """The 满意 and 基本满意 ratings together."""
        return self.satisfied + self.basically_satisfied

    @property
    def redo(self) -> bool:
        """再督办 (:data:`REDO_RULE`): more 不满意 than 满意 and 基本满意 together."""
        return needs_redo(self.satisfied, self.basically_satisfied, self.dissatisfied)

    @property
    def satisfaction(self) -> float | None:
        """The share 满意 or 基本满意 (None when nobody rated it)."""
        return round(self.good / self.total, 4) if self.total else None


def needs_redo(satisfied: int, basically_satisfied: int, dissatisfied: int) -> bool:
    """:data:`REDO_RULE`: the project goes to next year's 再督办 when 不满意 outnumber 满意 and
    基本满意 together."""
    return dissatisfied > satisfied + basically_satisfied


def rating_tally(ratings: Iterable[str]) -> RatingTally:
    """Count the ratings (codes of :class:`ProjectRating`)."""
    n = {r.value: 0 for r in ProjectRating}
    for r in ratings:
        n[ProjectRating(r).value] += 1
    return RatingTally(n["satisfied"], n["basically_satisfied"], n["dissatisfied"])


def is_overdue(planned: dt.date, actual: dt.date | None, today: dt.date) -> bool:
    """:data:`OVERDUE_RULE`: planned before today and not done."""
    return actual is None and planned < today


def yuan(fen: int | None) -> str:
    """Money in fen → ``12.5万元`` / ``8000元`` (how the station writes it)."""
    if fen is None:
        return ""
    y = fen / 100
    if y >= 10000:
        return f"{y / 10000:g}万元"
    return f"{y:g}元"


# --- what the services return (frozen; the GUI and the PDFs read these) ---------------------------


@dataclass(frozen=True)
class ProjectRecord:
    """A 民生实事项目. Money in fen (``estimated_cost``, ``budget``); ``case_numbers`` the numbers of
    the linked opinions (群众点单), in the order of ``case_uids``."""

    uid: str
    station_code: str
    year: int
    title: str
    description: str
    village: str
    estimated_cost: int
    department: str
    source: str
    status: str
    registered_on: dt.date
    session_uid: str | None
    budget: int | None
    progress: int
    completed_at: dt.datetime | None
    carried_from_uid: str | None
    case_uids: tuple[str, ...]
    case_numbers: tuple[str, ...]
    note: str
    updated_at: dt.datetime

    @property
    def source_label(self) -> str:
        """Where the project came from, in Chinese."""
        return ProjectSource.label_of(self.source)

    @property
    def status_label(self) -> str:
        """The project's step, in Chinese."""
        return ProjectStatus.label_of(self.status)

    @property
    def approved(self) -> bool:
        """Whether the vote approved the project (票决通过, in progress or done)."""
        return self.status in APPROVED_STATUSES


@dataclass(frozen=True)
class SessionRecord:
    """A 票决 session: ``project_uids`` the ballot in order; ``present_names`` those present."""

    uid: str
    station_code: str
    date: dt.date
    meeting_name: str
    deputies_total: int
    present_deputy_uids: tuple[str, ...]
    present_names: tuple[str, ...]
    project_uids: tuple[str, ...]
    quota: int
    status: str

    @property
    def status_label(self) -> str:
        """The session's status, in Chinese."""
        return SessionStatus.label_of(self.status)


@dataclass(frozen=True)
class SessionResult:
    """The 计票结果 of a session: per project counts, rank, passed/approved; the quorum; the
    definitions printed beside them."""

    session: SessionRecord
    rows: tuple[ProjectResult, ...]
    present: int
    majority: int  # votes for needed: more than half of all deputies
    quorum_ok: bool
    paper: tuple[str, ...]  # the projects counted from paper ballots
    missing: tuple[str, ...]  # titles of ballot projects with no vote recorded yet
    quorum_rule: str = QUORUM_RULE
    approval_rule: str = APPROVAL_RULE

    @property
    def approved(self) -> tuple[ProjectResult, ...]:
        """The projects the session approved, in ballot order."""
        return tuple(r for r in self.rows if r.approved)


@dataclass(frozen=True)
class SessionVotes:
    """The votes recorded in a session, read back as entered: ``choices`` {deputy uid: {project
    uid: for/against/abstain}} (votes entered per deputy) and ``paper`` {project uid: Tally} (the
    counts of the paper ballots); ``tallies`` {project uid: Tally} whichever way it was counted."""

    session_uid: str
    choices: dict[str, dict[str, str]]
    paper: dict[str, Tally]
    tallies: dict[str, Tally]

    def choice(self, deputy_uid: str, project_uid: str) -> str | None:
        """The deputy's vote on the project, None when not entered."""
        return self.choices.get(deputy_uid, {}).get(project_uid)


@dataclass(frozen=True)
class MilestoneRecord:
    """A project's milestone: planned and actual dates, note, and whether it is overdue."""
    uid: str
    project_uid: str
    title: str
    planned_date: dt.date
    actual_date: dt.date | None
    note: str
    overdue: bool


@dataclass(frozen=True)
class OverdueMilestone:
    """A milestone past its planned date and not done (首页)."""

    milestone: MilestoneRecord
    project_title: str
    department: str
    days_late: int


@dataclass(frozen=True)
class InspectionRecord:
    """A 督查: the activity day (kind 民生实事督查) that looked at the project, its findings and how
    many photos the day holds."""

    uid: str
    activity_day_uid: str
    date: dt.date
    day_status: str
    project_uid: str
    findings: str
    photos: int
    present_names: tuple[str, ...]


@dataclass(frozen=True)
class RatingLine:
    """One deputy's 评单 of a project: the rating and a note."""
    deputy_uid: str
    deputy_name: str
    rating: str
    note: str


@dataclass(frozen=True)
class RatingResult:
    """The 评单 of one project: the tally, the 再督办 flag (:data:`REDO_RULE`) and each rating."""

    project_uid: str
    title: str
    year: int
    tally: RatingTally
    lines: tuple[RatingLine, ...]
    redo_rule: str = REDO_RULE

    @property
    def redo(self) -> bool:
        """Whether the project goes back to 再督办 (:attr:`RatingTally.redo`)."""
        return self.tally.redo


@dataclass(frozen=True)
class BallotData:
    """The 选票 of a session: the projects in ballot order with what a deputy needs to decide."""

    station_name: str
    meeting_name: str
    date: dt.date
    deputies_total: int
    quota: int
    projects: tuple[ProjectRecord, ...]
    instructions: str


@dataclass(frozen=True)
class TallyNoticeData:
    """The 计票结果公告."""

    station_name: str
    result: SessionResult


@dataclass(frozen=True)
class PublicityLine:
    """A project on the publicity sheet: its milestones, ratings and inspections."""
    project: ProjectRecord
    milestones: tuple[MilestoneRecord, ...]
    rating: RatingTally
    inspections: int


@dataclass(frozen=True)
class PublicityData:
    """The 公示: the year's approved projects and their progress."""

    station_name: str
    year: int
    lines: tuple[PublicityLine, ...]
    as_of: dt.date
    notes: tuple[str, ...] = (APPROVAL_RULE, OVERDUE_RULE, REDO_RULE)
