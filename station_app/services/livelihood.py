"""民生实事项目票决制: 征集 (群众点单) → 初审、票决 (代表定单) → 实施、督查 (政府办单) → 评单 (人大评单).

The rules are :mod:`station_app.domain.livelihood`'s; this module stores and reads. Reading functions
take ``station_code`` like the other services (default :data:`station.SOLE`, None: every station);
every change calls :func:`station.require_writable` and is audited in its transaction. Money is
given in 元 (``estimated_cost``, ``budget`` of ``values``) and stored and returned in fen.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from station_app.db.connection import database
from station_app.db.models import (
    ActivityDay,
    ActivityPhoto,
    Attendance,
    Case,
    Deputy,
    LivelihoodInspection,
    LivelihoodMilestone,
    LivelihoodProject,
    LivelihoodRating,
    LivelihoodSession,
    LivelihoodVote,
)
from station_app.db.rows import objects, tuples
from station_app.domain import clock
from station_app.domain import livelihood as lv
from station_app.domain.codes import ActivityKind
from station_app.domain.livelihood import (
    APPROVED_STATUSES,
    GOOD_RATINGS,
    BallotData,
    InspectionRecord,
    MilestoneRecord,
    OverdueMilestone,
    ProjectRating,
    ProjectRecord,
    ProjectSource,
    ProjectStatus,
    PublicityData,
    PublicityLine,
    RatingLine,
    RatingResult,
    SessionRecord,
    SessionResult,
    SessionStatus,
    SessionVotes,
    Tally,
    TallyNoticeData,
    VoteChoice,
)
from station_app.domain.records import LIVELIHOOD_KEYS
from station_app.domain.validators import check_date_range
from station_app.errors import DatabaseError, KnownError, NotFoundError, ValidationError
from station_app.services import audit
from station_app.services.station import SOLE, home_code, in_view, require_writable

P, S = ProjectStatus, SessionStatus


def _d(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return clock.to_local(value).date()
    return dt.date.fromisoformat(str(value)[:10])


def _day(value) -> dt.date:
    """A NOT NULL date column as a date (:func:`_d` for one that may be empty)."""
    day = _d(value)
    if day is None:
        raise DatabaseError("数据库中有一条缺少日期的民生实事记录，请运行“数据检查”")
    return day


def _names(uids: Iterable[str]) -> dict[str, str]:
    uids = list(dict.fromkeys(uids))
    if not uids:
        return {}
    return dict(tuples(Deputy.select(Deputy.uid, Deputy.name).where(Deputy.uid.in_(uids))))


def _fen(value, what: str) -> int | None:
    """元 (number or text) → fen; ValueError with what to type."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).replace(",", "").replace("元", "").strip())
    except InvalidOperation:
        raise ValueError(f"{what}请填写金额（元），如 120000") from None
    if amount < 0:
        raise ValueError(f"{what}不能为负数")
    return int((amount * 100).to_integral_value())


# --- projects -------------------------------------------------------------------------------------


def _project(row: LivelihoodProject, numbers: dict[str, str]) -> ProjectRecord:
    uids = tuple(row.case_uids or ())
    return ProjectRecord(
        uid=row.uid, station_code=row.station_code, year=row.year, title=row.title, description=row.description,
        village=row.village, estimated_cost=row.estimated_cost, department=row.department, source=row.source,
        status=row.status, registered_on=_day(row.registered_on), session_uid=row.session_uid, budget=row.budget,
        progress=row.progress, completed_at=row.completed_at, carried_from_uid=row.carried_from_uid,
        case_uids=uids, case_numbers=tuple(numbers[u] for u in uids if u in numbers), note=row.note,
        updated_at=row.updated_at)


def _projects(rows: list[LivelihoodProject]) -> list[ProjectRecord]:
    case_uids = list({u for r in rows for u in (r.case_uids or ())})
    numbers = dict(tuples(Case.select(Case.uid, Case.number).where(Case.uid.in_(case_uids)))) if case_uids else {}
    return [_project(r, numbers) for r in rows]


def _row(uid: str) -> LivelihoodProject:
    row = LivelihoodProject.alive().where(LivelihoodProject.uid == uid).first()
    if row is None:
        raise NotFoundError("找不到这个民生实事项目（可能已被删除）")
    return row


def list_projects(year: int | None, station_code: str | None = SOLE, status: str | Iterable[str] | None = None
                  ) -> list[ProjectRecord]:
    """The projects of ``year`` (None: every year) of the station in view, by status then
    registration date and title. ``status``: one code or several."""
    code = in_view(station_code)
    q = LivelihoodProject.alive()
    if year is not None:
        q = q.where(LivelihoodProject.year == year)
    if code is not None:
        q = q.where(LivelihoodProject.station_code == code)
    if status is not None:
        q = q.where(LivelihoodProject.status.in_([status] if isinstance(status, str) else list(status)))
    order = {s: i for i, s in enumerate(ProjectStatus.codes())}
    rows = sorted(q, key=lambda r: (order.get(r.status, 9), r.registered_on, r.title))
    return _projects(rows)


def get_project(uid: str) -> ProjectRecord:
    """The project ``uid``; :class:`NotFoundError` when it is gone."""
    return _projects([_row(uid)])[0]


def _check_values(values: dict) -> tuple[dict, dict[str, str]]:
    errors: dict[str, str] = {}
    out: dict = {}
    title = str(values.get("title") or "").strip()
    if not title:
        errors["title"] = "请填写项目名称，如 东村至西村道路硬化"
    elif len(title) > 100:
        errors["title"] = "项目名称不能超过100个字"
    out["title"] = title
    try:
        year = int(values.get("year") or 0)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= clock.today().year + 5:
        errors["year"] = f"请填写项目年度（2000–{clock.today().year + 5}），如 {clock.today().year}"
    out["year"] = year
    for key, what in (("estimated_cost", "估算资金"), ("budget", "预算资金")):
        try:
            out[key] = _fen(values.get(key), what)
        except ValueError as exc:
            errors[key] = str(exc)
    if out.get("estimated_cost") is None:
        out["estimated_cost"] = 0
    source = values.get("source") or ProjectSource.OPINION.value
    if source not in ProjectSource.codes():
        errors["source"] = "项目来源应为 群众点单、代表提出 或 政府清单"
    out["source"] = source
    reg = values.get("registered_on") or clock.today()
    reg = _d(reg)
    msg = check_date_range(reg, "征集日期")
    if msg:
        errors["registered_on"] = msg
    out["registered_on"] = reg
    for key, n in (("village", 60), ("department", 60)):
        out[key] = str(values.get(key) or "").strip()[:n]
    for key in ("description", "note"):
        out[key] = str(values.get(key) or "").strip()
    return out, errors


_EDITABLE = ("title", "year", "description", "village", "estimated_cost", "department", "source", "registered_on",
             "budget", "note")


def save_project(values: dict, uid: str | None = None) -> ProjectRecord:
    """Create (``uid`` None: a candidate, 征集) or edit a project. ``values``: title, year,
    description, village, estimated_cost (元), department, source (opinion/deputy/government),
    registered_on, budget (元), note, case_uids (optional). Bad input: :class:`ValidationError`
    with a Chinese message per field; nothing saved."""
    vals, errors = _check_values(values)
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        if uid is None:
            code = home_code()
            require_writable(code, "登记民生实事项目")
            row = LivelihoodProject.create(station_code=code, status=P.CANDIDATE.value,
                                           **{k: vals[k] for k in _EDITABLE})
            audit.record("create", "livelihood_project", row.uid, None, _audit(row),
                         summary=f"征集民生实事项目：{row.title}", station_code=code)
        else:
            row = _row(uid)
            require_writable(row.station_code, "修改民生实事项目")
            before = _audit(row)
            for k in _EDITABLE:
                setattr(row, k, vals[k])
            row.updated_at = clock.now_ts()
            row.save()
            audit.record("update", "livelihood_project", row.uid, before, _audit(row),
                         summary=f"修改民生实事项目：{row.title}", station_code=row.station_code)
        if values.get("case_uids") is not None:
            _link(row, values["case_uids"])
    return get_project(row.uid)


def _audit(row: LivelihoodProject) -> dict:
    return {"title": row.title, "year": row.year, "status": row.status, "estimated_cost": row.estimated_cost,
            "budget": row.budget, "progress": row.progress, "department": row.department,
            "case_uids": list(row.case_uids or ())}


def delete_project(uid: str) -> None:
    """Tombstone a project not yet put to a vote (征集 or 初审通过)."""
    with database.atomic():
        row = _row(uid)
        require_writable(row.station_code, "删除民生实事项目")
        if row.status not in (P.CANDIDATE.value, P.SHORTLISTED.value) or row.session_uid:
            raise KnownError(f"项目“{row.title}”已经票决，不能删除")
        now = clock.now_ts()
        LivelihoodProject.update(deleted_at=now, updated_at=now).where(LivelihoodProject.id == row.id).execute()
        audit.record("delete", "livelihood_project", row.uid, _audit(row), None,
                     summary=f"删除民生实事项目：{row.title}", station_code=row.station_code)


def _link(row: LivelihoodProject, case_uids: Iterable[str]) -> None:
    uids = list(dict.fromkeys(case_uids))
    found = {u for (u,) in tuples(Case.alive().select(Case.uid).where(
        Case.uid.in_(uids), Case.station_code == row.station_code))} if uids else set()
    missing = [u for u in uids if u not in found]
    if missing:
        raise ValidationError({"case_uids": f"有 {len(missing)} 条意见建议在本站找不到（可能已被删除）"})
    before = list(row.case_uids or ())
    LivelihoodProject.update(case_uids=uids, updated_at=clock.now_ts()).where(
        LivelihoodProject.id == row.id).execute()
    row.case_uids = uids
    audit.record("update", "livelihood_project", row.uid, {"case_uids": before}, {"case_uids": uids},
                 summary=f"民生实事项目“{row.title}”关联意见建议 {len(uids)} 条", station_code=row.station_code)


def link_cases(project_uid: str, case_uids: Iterable[str]) -> ProjectRecord:
    """Link the opinions (群众点单) a project comes from; replaces the earlier links."""
    with database.atomic():
        row = _row(project_uid)
        require_writable(row.station_code, "关联意见建议")
        _link(row, case_uids)
    return get_project(project_uid)


def projects_of_case(case_uid: str) -> list[ProjectRecord]:
    """The projects that name the case among their opinions (the case page shows them)."""
    station_code = Case.select(Case.station_code).where(Case.uid == case_uid).scalar()
    q = LivelihoodProject.alive().where(LivelihoodProject.station_code == station_code)  # a station's few
    return _projects([r for r in q if case_uid in (r.case_uids or ())])


def shortlist(project_uids: Iterable[str], on: bool = True) -> list[ProjectRecord]:
    """初审 (the 主席团 agrees the shortlist): candidates → 初审通过 (``on`` False: back to 征集)."""
    frm, to = (P.CANDIDATE.value, P.SHORTLISTED.value) if on else (P.SHORTLISTED.value, P.CANDIDATE.value)
    uids = list(project_uids)
    with database.atomic():
        for uid in uids:
            row = _row(uid)
            require_writable(row.station_code, "初审民生实事项目")
            if row.status == to:
                continue
            if row.status != frm or row.session_uid:
                raise KnownError(f"项目“{row.title}”当前为{P.label_of(row.status)}，不能"
                                 + ("列入初审名单" if on else "退回征集"))
            LivelihoodProject.update(status=to, updated_at=clock.now_ts()).where(
                LivelihoodProject.id == row.id).execute()
            audit.record("update", "livelihood_project", row.uid, {"status": frm}, {"status": to},
                         summary=f"民生实事项目“{row.title}”{'初审通过' if on else '退回征集'}",
                         station_code=row.station_code)
    return _projects([_row(u) for u in uids])


# --- sessions and votes ---------------------------------------------------------------------------


def _session_row(uid: str) -> LivelihoodSession:
    row = LivelihoodSession.alive().where(LivelihoodSession.uid == uid).first()
    if row is None:
        raise NotFoundError("找不到这次票决（可能已被删除）")
    return row


def _session(row: LivelihoodSession) -> SessionRecord:
    present = tuple(row.present_deputy_uids or ())
    names = _names(present)
    return SessionRecord(row.uid, row.station_code, _day(row.date), row.meeting_name, row.deputies_total, present,
                         tuple(names.get(u, "") for u in present), tuple(row.project_uids or ()), row.quota, row.status)


def get_session(uid: str) -> SessionRecord:
    """The session ``uid``; :class:`NotFoundError` when it is gone."""
    return _session(_session_row(uid))


def list_sessions(year: int | None, station_code: str | None = SOLE) -> list[SessionRecord]:
    """The 票决 sessions of ``year`` (None: all), by date."""
    code = in_view(station_code)
    q = LivelihoodSession.alive()
    if year is not None:
        q = q.where(LivelihoodSession.date.between(f"{year}-01-01", f"{year}-12-31"))
    if code is not None:
        q = q.where(LivelihoodSession.station_code == code)
    return [_session(r) for r in q.order_by(LivelihoodSession.date, LivelihoodSession.id)]


def create_session(values: dict, uid: str | None = None) -> SessionRecord:
    """Plan a 票决 session (``uid`` given: edit one not yet closed). ``values``: date, meeting_name
    (某某镇第X届人民代表大会第X次会议), deputies_total (all deputies at the time), present_deputy_uids,
    quota (how many to approve), project_uids (the ballot; default: the year's 初审通过 projects)."""
    errors: dict[str, str] = {}
    day = _d(values.get("date")) if values.get("date") else None
    if day is None:
        errors["date"] = "请填写票决日期"
    elif msg := check_date_range(day, "票决日期"):
        errors["date"] = msg
    name = str(values.get("meeting_name") or "").strip()
    if not name:
        errors["meeting_name"] = "请填写会议名称，如 某某镇第十八届人民代表大会第三次会议"
    try:
        total = int(values.get("deputies_total") or 0)
    except (TypeError, ValueError):
        total = 0
    if total < 1:
        errors["deputies_total"] = "请填写全体代表人数（应出席人数），如 45"
    present = list(dict.fromkeys(values.get("present_deputy_uids") or ()))
    if total and len(present) > total:
        errors["present_deputy_uids"] = f"出席代表 {len(present)} 人，多于全体代表 {total} 人"
    try:
        quota = int(values.get("quota") or 0)
    except (TypeError, ValueError):
        quota = 0
    if quota < 1:
        errors["quota"] = "请填写拟确定的项目数量（至少1项）"
    if errors:
        raise ValidationError(errors)
    assert day is not None
    with database.atomic():
        code = home_code() if uid is None else _session_row(uid).station_code
        require_writable(code, "安排票决")
        projects = values.get("project_uids")
        if projects is None:
            projects = [p.uid for p in list_projects(day.year, code, P.SHORTLISTED.value)]
        projects = list(dict.fromkeys(projects))
        for p in projects:
            project = _row(p)
            if project.station_code != code or project.status != P.SHORTLISTED.value:
                raise ValidationError({"project_uids": f"项目“{project.title}”还不是初审通过的项目，不能列入选票"})
        if not projects:
            raise ValidationError({"project_uids": "选票上还没有项目：请先对候选项目进行初审"})
        if quota > len(projects):
            raise ValidationError({"quota": f"拟确定 {quota} 项，多于选票上的 {len(projects)} 个项目"})
        known = {u for (u,) in tuples(Deputy.select(Deputy.uid).where(
            Deputy.uid.in_(present), Deputy.station_code == code))} if present else set()
        if len(known) != len(present):
            raise ValidationError({"present_deputy_uids": "出席代表中有不是本站的代表"})
        fields = dict(date=day, meeting_name=name, deputies_total=total, present_deputy_uids=present,
                      project_uids=projects, quota=quota)
        if uid is None:
            row = LivelihoodSession.create(station_code=code, status=S.PLANNED.value, **fields)
            audit.record("create", "livelihood_session", row.uid, None, {**fields, "date": day.isoformat()},
                         summary=f"安排民生实事项目票决：{name}", station_code=code)
        else:
            row = _session_row(uid)
            if row.status != S.PLANNED.value:
                raise KnownError("这次票决已经确认结果，不能再修改")
            voters = {v for (v,) in tuples(LivelihoodVote.alive().select(LivelihoodVote.deputy_uid).where(
                LivelihoodVote.session_uid == uid, LivelihoodVote.deputy_uid.is_null(False)))}
            if voters - set(present):
                raise ValidationError({"present_deputy_uids": "已录入表决票的代表不能从出席名单中去掉"})
            LivelihoodSession.update(updated_at=clock.now_ts(), **fields).where(LivelihoodSession.id == row.id).execute()
            audit.record("update", "livelihood_session", row.uid, None, {**fields, "date": day.isoformat()},
                         summary=f"修改民生实事项目票决：{name}", station_code=code)
    return get_session(row.uid)


def _open_session(session_uid: str, project_uid: str) -> tuple[LivelihoodSession, LivelihoodProject]:
    s = _session_row(session_uid)
    require_writable(s.station_code, "录入表决票")
    if s.status != S.PLANNED.value:
        raise KnownError("这次票决已经确认结果，不能再录入表决票")
    if project_uid not in (s.project_uids or ()):
        raise ValidationError({"project": "这个项目不在本次票决的选票上"})
    return s, _row(project_uid)


def _votes(session_uid: str, project_uid: str | None = None):
    q = LivelihoodVote.alive().where(LivelihoodVote.session_uid == session_uid)
    return q if project_uid is None else q.where(LivelihoodVote.project_uid == project_uid)


def record_votes(session_uid: str, deputy_uid: str, choices: dict[str, str]) -> None:
    """One present deputy's votes: ``{project uid: for/against/abstain}`` (replaces earlier ones of
    the same projects). A project whose paper ballots were already tallied is refused."""
    bad = [c for c in choices.values() if c not in VoteChoice.codes()]
    if bad:
        raise ValidationError({"choice": "表决意见应为 赞成、反对 或 弃权"})
    with database.atomic():
        for project_uid, choice in choices.items():
            s, p = _open_session(session_uid, project_uid)
            if deputy_uid not in (s.present_deputy_uids or ()):
                raise ValidationError({"deputy": "只有出席本次会议的代表才能表决：请先在出席名单中加上这位代表"})
            if _votes(session_uid, project_uid).where(LivelihoodVote.deputy_uid.is_null()).exists():
                raise ValidationError({"votes": f"项目“{p.title}”已录入纸质选票汇总数，不能再逐人录入"
                                                "（同一项目只能用一种方式计票）"})
            now = clock.now_ts()
            old = _votes(session_uid, project_uid).where(LivelihoodVote.deputy_uid == deputy_uid).first()
            if old is None:
                LivelihoodVote.create(station_code=s.station_code, session_uid=session_uid, project_uid=project_uid,
                                      deputy_uid=deputy_uid, choice=choice)
            elif old.choice != choice:
                LivelihoodVote.update(choice=choice, updated_at=now).where(LivelihoodVote.id == old.id).execute()
        audit.record("update", "livelihood_vote", session_uid, None, {"deputy_uid": deputy_uid, "choices": choices},
                     summary=f"录入代表表决票 {len(choices)} 项", station_code=s.station_code if choices else "")


def save_ballots(session_uid: str, votes: dict[str, dict[str, str]] | None = None,
                 tallies: dict[str, tuple[int, int, int]] | None = None) -> None:
    """Every deputy's votes ``{deputy uid: {project uid: choice}}`` and every paper tally
    ``{project uid: (for, against, abstain)}`` of a session in one transaction: all are saved, or —
    the first refusal raised — none (the 票决 tab's 保存表决票)."""
    with database.atomic():
        for deputy_uid, choices in (votes or {}).items():
            if choices:
                record_votes(session_uid, deputy_uid, choices)
        for project_uid, counts in (tallies or {}).items():
            record_tally(session_uid, project_uid, *counts)


def record_tally(session_uid: str, project_uid: str, for_: int, against: int, abstain: int) -> None:
    """The counts of the paper ballots of one project (replaces an earlier count). Refused when
    votes were entered per deputy for that project, or when the counts exceed those present."""
    with database.atomic():
        s, p = _open_session(session_uid, project_uid)
        try:
            t = Tally(int(for_), int(against), int(abstain), paper=True)
        except (TypeError, ValueError):
            raise ValidationError({"votes": "票数请填写整数"}) from None
        lv.check_tally(t, len(s.present_deputy_uids or ()), p.title)
        if _votes(session_uid, project_uid).where(LivelihoodVote.deputy_uid.is_null(False)).exists():
            raise ValidationError({"votes": f"项目“{p.title}”已逐人录入表决票，不能再录入纸质选票汇总数"
                                            "（同一项目只能用一种方式计票）"})
        counts = dict(count_for=t.votes_for, count_against=t.against, count_abstain=t.abstain)
        old = _votes(session_uid, project_uid).where(LivelihoodVote.deputy_uid.is_null()).first()
        if old is None:
            LivelihoodVote.create(station_code=s.station_code, session_uid=session_uid, project_uid=project_uid,
                                  deputy_uid=None, choice=None, **counts)
        else:
            LivelihoodVote.update(updated_at=clock.now_ts(), **counts).where(LivelihoodVote.id == old.id).execute()
        audit.record("update", "livelihood_vote", session_uid, None, {"project_uid": project_uid, **counts},
                     summary=f"录入“{p.title}”纸质选票：赞成{t.votes_for} 反对{t.against} 弃权{t.abstain}",
                     station_code=s.station_code)


def votes_of(session_uid: str) -> SessionVotes:
    """The votes of a session read back (before or after 确认结果): each present deputy's choices
    per project and the paper counts per project, with the tallied counts
    (:func:`domain.livelihood.tally`). :class:`NotFoundError` when the session is gone."""
    titles = dict(tuples(LivelihoodProject.select(LivelihoodProject.uid, LivelihoodProject.title).where(
        LivelihoodProject.uid.in_(list(_session_row(session_uid).project_uids or ())))))
    choices: dict[str, dict[str, str]] = {}
    per, paper = [], []
    for v in _votes(session_uid).order_by(LivelihoodVote.id):
        if v.deputy_uid is None:
            paper.append((v.project_uid, v.count_for, v.count_against, v.count_abstain))
        else:
            choices.setdefault(v.deputy_uid, {})[v.project_uid] = v.choice
            per.append((v.project_uid, v.choice))
    tallies = lv.tally(per, paper, titles)
    return SessionVotes(session_uid, choices, {u: t for u, t in tallies.items() if t.paper}, tallies)


def session_result(session_uid: str) -> SessionResult:
    """The 计票结果: per project counts, rank, passed (more than half of ALL deputies) and approved
    (passed and within the quota); the quorum; the definitions (domain.livelihood)."""
    s = _session_row(session_uid)
    rec = _session(s)
    titles = {r.uid: r.title for r in LivelihoodProject.select(LivelihoodProject.uid, LivelihoodProject.title)
              .where(LivelihoodProject.uid.in_(list(rec.project_uids)))}
    tallies = votes_of(session_uid).tallies
    items = [(u, titles.get(u, ""), tallies.get(u, Tally())) for u in rec.project_uids]
    rows = lv.rank_results(items, rec.deputies_total, rec.quota)
    present = len(rec.present_deputy_uids)
    return SessionResult(rec, tuple(rows), present, lv.majority_needed(rec.deputies_total),
                         lv.quorum_ok(present, rec.deputies_total),
                         tuple(u for u, t in tallies.items() if t.paper),
                         tuple(titles.get(u, "") for u in rec.project_uids if tallies.get(u, Tally()).cast == 0))


def close_session(session_uid: str) -> SessionResult:
    """Apply the result: approved projects → 票决通过, the others → 未通过; the session → 已票决.
    Refused (nothing changed) when the quorum is not met or a project has no vote recorded."""
    with database.atomic():
        s = _session_row(session_uid)
        require_writable(s.station_code, "确认票决结果")
        if s.status != S.PLANNED.value:
            raise KnownError("这次票决已经确认过结果")
        res = session_result(session_uid)
        if not res.quorum_ok:
            raise KnownError(f"出席代表 {res.present} 人，未超过全体代表 {s.deputies_total} 人的半数"
                             f"（至少应有 {lv.majority_needed(s.deputies_total)} 人出席），票决无效，不能确认结果")
        if res.missing:
            raise KnownError(f"还有 {len(res.missing)} 个项目没有录入表决票：{'、'.join(res.missing[:5])}")
        now = clock.now_ts()
        for r in res.rows:
            status = P.APPROVED.value if r.approved else P.REJECTED.value
            LivelihoodProject.update(status=status, session_uid=session_uid, updated_at=now).where(
                LivelihoodProject.uid == r.project_uid).execute()
        LivelihoodSession.update(status=S.HELD.value, updated_at=now).where(LivelihoodSession.id == s.id).execute()
        audit.record("update", "livelihood_session", s.uid, {"status": S.PLANNED.value},
                     {"status": S.HELD.value, "approved": [r.project_uid for r in res.approved]},
                     summary=f"确认票决结果：通过 {len(res.approved)} 项，未通过 {len(res.rows) - len(res.approved)} 项",
                     station_code=s.station_code)
    return session_result(session_uid)


# --- implementation: milestones, progress, 督查 ----------------------------------------------------


def _approved_row(project_uid: str, what: str) -> LivelihoodProject:
    row = _row(project_uid)
    require_writable(row.station_code, what)
    if row.status not in APPROVED_STATUSES:
        raise KnownError(f"项目“{row.title}”当前为{P.label_of(row.status)}，票决通过后才能{what}")
    return row


def _milestone(m: LivelihoodMilestone, today: dt.date) -> MilestoneRecord:
    planned, actual = _day(m.planned_date), _d(m.actual_date)
    return MilestoneRecord(m.uid, m.project_uid, m.title, planned, actual, m.note, lv.is_overdue(planned, actual, today))


def milestones(project_uid: str, today: dt.date | None = None) -> list[MilestoneRecord]:
    """A project's milestones by planned date."""
    today = today or clock.today()
    q = LivelihoodMilestone.alive().where(LivelihoodMilestone.project_uid == project_uid).order_by(
        LivelihoodMilestone.planned_date, LivelihoodMilestone.id)
    return [_milestone(m, today) for m in q]


def add_milestone(project_uid: str, title: str, planned_date: dt.date, note: str = "") -> MilestoneRecord:
    """A milestone (节点) of an approved project."""
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = "请填写节点名称，如 完成招标"
    if planned_date is None:
        errors["planned_date"] = "请填写计划完成日期"
    elif msg := check_date_range(_d(planned_date), "计划完成日期"):
        errors["planned_date"] = msg
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        row = _approved_row(project_uid, "安排实施节点")
        m = LivelihoodMilestone.create(station_code=row.station_code, project_uid=project_uid, title=title[:100],
                                       planned_date=_d(planned_date), note=note or "")
        audit.record("create", "livelihood_milestone", m.uid, None,
                     {"title": m.title, "planned_date": str(_d(planned_date))},
                     summary=f"“{row.title}”节点：{m.title}", station_code=row.station_code)
    return _milestone(m, clock.today())


def complete_milestone(milestone_uid: str, actual_date: dt.date | None = None, note: str | None = None
                       ) -> MilestoneRecord:
    """Record when a milestone was done (``actual_date`` None clears it)."""
    if actual_date is not None and (msg := check_date_range(_d(actual_date), "实际完成日期")):
        raise ValidationError({"actual_date": msg})
    with database.atomic():
        m = LivelihoodMilestone.alive().where(LivelihoodMilestone.uid == milestone_uid).first()
        if m is None:
            raise NotFoundError("找不到这个节点（可能已被删除）")
        require_writable(m.station_code, "填写节点完成情况")
        before = {"actual_date": str(m.actual_date) if m.actual_date else None}
        m.actual_date = _d(actual_date)
        if note is not None:
            m.note = note
        m.updated_at = clock.now_ts()
        m.save()
        audit.record("update", "livelihood_milestone", m.uid, before, {"actual_date": str(m.actual_date or "")},
                     summary=f"节点“{m.title}”完成情况", station_code=m.station_code)
    return _milestone(m, clock.today())


def update_progress(project_uid: str, progress: int, completed_at: dt.datetime | dt.date | None = None,
                    budget=None) -> ProjectRecord:
    """进度 (0–100); above 0 the project is 实施中, at 100 已完成 (``completed_at`` default now; a
    date is taken at noon local time). ``budget`` in 元 when given."""
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        progress = -1
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": "进度请填写 0 到 100 之间的整数（百分比）"})
    fen = None
    if budget is not None:
        try:
            fen = _fen(budget, "预算资金")
        except ValueError as exc:
            raise ValidationError({"budget": str(exc)}) from None
    if isinstance(completed_at, dt.date) and not isinstance(completed_at, dt.datetime):
        if msg := check_date_range(completed_at, "完成日期"):
            raise ValidationError({"completed_at": msg})
        completed_at = dt.datetime.combine(completed_at, dt.time(12), tzinfo=clock.zone())
    with database.atomic():
        row = _approved_row(project_uid, "填写实施进度")
        before = _audit(row)
        row.progress = progress
        if progress == 100:
            row.status = P.COMPLETED.value
            row.completed_at = completed_at or row.completed_at or clock.now()
        else:
            row.status = P.IN_PROGRESS.value if progress > 0 else P.APPROVED.value
            row.completed_at = None
        if fen is not None:
            row.budget = fen
        row.updated_at = clock.now_ts()
        row.save()
        audit.record("update", "livelihood_project", row.uid, before, _audit(row),
                     summary=f"民生实事项目“{row.title}”进度 {progress}%", station_code=row.station_code)
    return get_project(project_uid)


def link_inspection(activity_day_uid: str, project_uid: str, findings: str = "") -> InspectionRecord:
    """督查: the activity day (kind 民生实事督查) looked at the project; ``findings`` what it found.
    The day's photos are the 督查 photos. Linking again updates the findings."""
    with database.atomic():
        row = _approved_row(project_uid, "记录督查")
        day = ActivityDay.alive().where(ActivityDay.uid == activity_day_uid).first()
        if day is None or day.station_code != row.station_code:
            raise NotFoundError("找不到这个活动日（可能已被删除）")
        if day.kind != ActivityKind.LIVELIHOOD.value:
            raise ValidationError({"activity_day": f"{day.date} 的活动日是“{ActivityKind.label_of(day.kind)}”，"
                                                   "只有“民生实事督查”活动日才能关联项目"})
        old = LivelihoodInspection.alive().where(LivelihoodInspection.activity_day_uid == activity_day_uid,
                                                 LivelihoodInspection.project_uid == project_uid).first()
        if old is None:
            LivelihoodInspection.create(station_code=row.station_code, activity_day_uid=activity_day_uid,
                                        project_uid=project_uid, findings=findings or "")
        else:
            LivelihoodInspection.update(findings=findings or "", updated_at=clock.now_ts()).where(
                LivelihoodInspection.id == old.id).execute()
        audit.record("update" if old else "create", "livelihood_inspection", project_uid, None,
                     {"activity_day_uid": activity_day_uid, "findings": findings},
                     summary=f"督查民生实事项目“{row.title}”（{day.date}）", station_code=row.station_code)
    return next(i for i in inspections(project_uid) if i.activity_day_uid == activity_day_uid)


def inspections(project_uid: str) -> list[InspectionRecord]:
    """The 督查 of a project, by date."""
    q = (LivelihoodInspection.select(LivelihoodInspection, ActivityDay.date, ActivityDay.status)
         .join(ActivityDay, on=(ActivityDay.uid == LivelihoodInspection.activity_day_uid))
         .where(LivelihoodInspection.deleted_at.is_null(), ActivityDay.deleted_at.is_null(),
                LivelihoodInspection.project_uid == project_uid).order_by(ActivityDay.date))
    rows = list(objects(q))  # each row carries the day's date and status
    days = [r.activity_day_uid for r in rows]
    photos = Counter(u for (u,) in tuples(ActivityPhoto.alive().select(ActivityPhoto.activity_day_uid).where(
        ActivityPhoto.activity_day_uid.in_(days)))) if days else Counter()
    present: dict[str, list[str]] = {}
    if days:
        for d, dep in tuples(Attendance.alive().select(Attendance.activity_day_uid, Attendance.deputy_uid).where(
                Attendance.activity_day_uid.in_(days), Attendance.status.in_(("present", "late")))):
            present.setdefault(d, []).append(dep)
    names = _names(u for v in present.values() for u in v)
    return [InspectionRecord(r.uid, r.activity_day_uid, _day(r.date), r.status, r.project_uid, r.findings,
                             photos[r.activity_day_uid], tuple(names.get(u, "") for u in present.get(r.activity_day_uid, ())))
            for r in rows]


def overdue_milestones(station_code: str | None = SOLE, today: dt.date | None = None) -> list[OverdueMilestone]:
    """Milestones planned before ``today`` and not done, of projects being carried out (票决通过 or
    实施中; a completed project alerts no more) — for 首页, most late first."""
    code = in_view(station_code)
    today = today or clock.today()
    q = (LivelihoodMilestone.alive()
         .where(LivelihoodMilestone.actual_date.is_null(), LivelihoodMilestone.planned_date < today.isoformat()))
    if code is not None:
        q = q.where(LivelihoodMilestone.station_code == code)
    rows = list(q)
    projects = {p.uid: p for p in LivelihoodProject.alive().where(
        LivelihoodProject.uid.in_(list({m.project_uid for m in rows})),
        LivelihoodProject.status.in_((P.APPROVED.value, P.IN_PROGRESS.value)))} if rows else {}
    out = [OverdueMilestone(_milestone(m, today), projects[m.project_uid].title, projects[m.project_uid].department,
                            (today - _day(m.planned_date)).days)
           for m in rows if m.project_uid in projects]
    return sorted(out, key=lambda o: (-o.days_late, o.project_title, o.milestone.title))


# --- 评单 and 再督办 -------------------------------------------------------------------------------


def rate(project_uid: str, deputy_uid: str, rating: str, note: str = "", rated_on: dt.date | None = None) -> None:
    """A deputy's year-end rating (满意/基本满意/不满意) of an approved project; rating again
    replaces the deputy's earlier rating of the project that year."""
    if rating not in ProjectRating.codes():
        raise ValidationError({"rating": "评价应为 满意、基本满意 或 不满意"})
    rated_on = _d(rated_on) or clock.today()
    if msg := check_date_range(rated_on, "评价日期"):
        raise ValidationError({"rated_on": msg})
    with database.atomic():
        row = _approved_row(project_uid, "评价")
        if not Deputy.alive().where(Deputy.uid == deputy_uid, Deputy.station_code == row.station_code).exists():
            raise ValidationError({"deputy": "请选择本站的代表"})
        old = LivelihoodRating.alive().where(LivelihoodRating.project_uid == project_uid,
                                             LivelihoodRating.deputy_uid == deputy_uid,
                                             LivelihoodRating.year == row.year).first()
        if old is None:
            LivelihoodRating.create(station_code=row.station_code, project_uid=project_uid, deputy_uid=deputy_uid,
                                    year=row.year, rating=rating, rated_on=rated_on, note=note or "")
        else:
            LivelihoodRating.update(rating=rating, rated_on=rated_on, note=note or "", updated_at=clock.now_ts()).where(
                LivelihoodRating.id == old.id).execute()
        audit.record("update" if old else "create", "livelihood_rating", project_uid,
                     {"rating": old.rating} if old else None, {"deputy_uid": deputy_uid, "rating": rating},
                     summary=f"评价民生实事项目“{row.title}”：{ProjectRating.label_of(rating)}",
                     station_code=row.station_code)


def rating_result(project_uid: str) -> RatingResult:
    """The 评单 of a project: the tally, the 再督办 flag (domain.livelihood.REDO_RULE), each rating."""
    row = _row(project_uid)
    q = LivelihoodRating.alive().where(LivelihoodRating.project_uid == project_uid,
                                       LivelihoodRating.year == row.year).order_by(LivelihoodRating.id)
    rows = list(q)
    names = _names(r.deputy_uid for r in rows)
    return RatingResult(row.uid, row.title, row.year, lv.rating_tally(r.rating for r in rows),
                        tuple(RatingLine(r.deputy_uid, names.get(r.deputy_uid, ""), r.rating, r.note) for r in rows))


def carry_over(year: int) -> list[ProjectRecord]:
    """再督办: each project of ``year`` the 评单 flags (more 不满意 than 满意 and 基本满意) becomes a
    project of ``year`` + 1 (``carried_from_uid`` naming it, status 票决通过 — supervised again, not
    voted again). Running it twice adds nothing."""
    code = home_code()
    require_writable(code, "列入再督办")
    made = []
    with database.atomic():
        carried = {u for (u,) in tuples(LivelihoodProject.alive().select(LivelihoodProject.carried_from_uid).where(
            LivelihoodProject.carried_from_uid.is_null(False)))}
        for p in list_projects(year, code, APPROVED_STATUSES):
            if p.uid in carried or not rating_result(p.uid).redo:
                continue
            row = LivelihoodProject.create(
                station_code=code, year=year + 1, title=p.title[:100], description=p.description, village=p.village,
                estimated_cost=p.estimated_cost, department=p.department, source=p.source, status=P.APPROVED.value,
                registered_on=dt.date(year + 1, 1, 1), budget=p.budget, progress=0, carried_from_uid=p.uid,
                case_uids=list(p.case_uids), note=f"{year}年评单不满意，列为再督办项目")
            audit.record("create", "livelihood_project", row.uid, None, _audit(row),
                         summary=f"再督办：{year}年项目“{p.title}”列入{year + 1}年", station_code=code)
            made.append(row.uid)
    return [get_project(u) for u in made]


# --- what the printouts show ------------------------------------------------------------------------


def _station_name(code: str) -> str:
    from station_app.services import printing

    return printing.resolve_station(code).name


def ballot_data(session_uid: str) -> BallotData:
    """The 选票 of a session: its projects in ballot order."""
    s = get_session(session_uid)
    projects = {p.uid: p for p in _projects(list(LivelihoodProject.select().where(
        LivelihoodProject.uid.in_(list(s.project_uids)))))}
    text = (f"本次票决拟确定民生实事项目{s.quota}项。请在每个项目后的“赞成”“反对”“弃权”中选择一项划“○”；"
            "不划或多划的视为弃权。" + lv.APPROVAL_RULE + "。")
    return BallotData(_station_name(s.station_code), s.meeting_name, s.date, s.deputies_total, s.quota,
                      tuple(projects[u] for u in s.project_uids if u in projects), text)


def tally_notice_data(session_uid: str) -> TallyNoticeData:
    """The 计票结果公告 of a session."""
    res = session_result(session_uid)
    return TallyNoticeData(_station_name(res.session.station_code), res)


def publicity_data(year: int, station_code: str | None = SOLE, today: dt.date | None = None) -> PublicityData:
    """The 公示 of a year: the approved projects with their progress, milestones, 督查 and 评单."""
    code = in_view(station_code)
    today = today or clock.today()
    lines = []
    for p in list_projects(year, code, APPROVED_STATUSES):
        lines.append(PublicityLine(p, tuple(milestones(p.uid, today)), rating_result(p.uid).tally,
                                   len(inspections(p.uid))))
    name = _station_name(code) if code else "全县各联络站"
    return PublicityData(name, year, tuple(lines), today)


# --- statistics (EXCHANGE_FORMAT §3 livelihood_projects) ------------------------------------------

FIGURE_KEYS = LIVELIHOOD_KEYS
FIGURE_NOTES = lv.FIGURE_NOTES  # the definitions, printed beside the figures


def zero_figures() -> dict[str, int]:
    """The livelihood figures of a station with nothing in the period: every key of ``FIGURE_KEYS`` at 0."""
    return dict.fromkeys(FIGURE_KEYS, 0)


def figures_by_station(lo: str, hi: str, code: str | None) -> dict[str, dict[str, int]]:
    """{station code: livelihood_projects} for local dates ``lo`` ≤ date < ``hi`` (ISO texts), of
    one station or (None) every station; the definitions are :data:`FIGURE_NOTES`."""
    out: dict[str, dict[str, int]] = {}

    def at(c: str) -> dict[str, int]:
        return out.setdefault(c, zero_figures())

    def scoped(q, model):
        return q.where(model.station_code == code) if code else q

    P_ = LivelihoodProject
    for c, _n in tuples(scoped(P_.select(P_.station_code, P_.id).where(
            P_.deleted_at.is_null(), P_.registered_on >= lo, P_.registered_on < hi), P_)):
        at(c)["candidates"] += 1
    held = {u for (u,) in tuples(scoped(LivelihoodSession.select(LivelihoodSession.uid).where(
        LivelihoodSession.deleted_at.is_null(), LivelihoodSession.status == S.HELD.value,
        LivelihoodSession.date >= lo, LivelihoodSession.date < hi), LivelihoodSession))}
    if held:
        for c, status in tuples(P_.select(P_.station_code, P_.status).where(
                P_.deleted_at.is_null(), P_.session_uid.in_(list(held)))):
            at(c)["voted"] += 1
            at(c)["approved"] += status in APPROVED_STATUSES
    for (c,) in tuples(scoped(P_.select(P_.station_code).where(
            P_.deleted_at.is_null(), P_.status == P.COMPLETED.value, P_.completed_at >= lo, P_.completed_at < hi), P_)):
        at(c)["completed"] += 1
    R = LivelihoodRating
    per: dict[tuple[str, str], list[str]] = {}
    for c, project, rating in tuples(scoped(R.select(R.station_code, R.project_uid, R.rating)
                                            .join(P_, on=(P_.uid == R.project_uid)).where(
            R.deleted_at.is_null(), P_.deleted_at.is_null(), R.rated_on >= lo, R.rated_on < hi), R)):
        per.setdefault((c, project), []).append(rating)
    for (c, _p), ratings in per.items():
        at(c)["rated"] += 1
        at(c)["rated_satisfied"] += lv.more_than_half(sum(r in GOOD_RATINGS for r in ratings), len(ratings))
    return out


def figures(date_from: dt.date, date_to: dt.date, station_code: str | None = SOLE) -> dict[str, int]:
    """The livelihood_projects figures of the period (one station, or None: every station summed)."""
    code = in_view(station_code)
    lo, hi = date_from.isoformat(), (date_to + dt.timedelta(days=1)).isoformat()
    total = zero_figures()
    for f in figures_by_station(lo, hi, code).values():
        for k in FIGURE_KEYS:
            total[k] += f[k]
    return total


def headline(f: dict[str, int]) -> str:
    """票决民生实事X件、已完成Y件 (the period report's sentence)."""
    text = f"票决民生实事项目{f['approved']}件、已完成{f['completed']}件"
    if f["rated"]:
        text += f"，代表评单{f['rated']}件（满意{f['rated_satisfied']}件）"
    return text



# --- points (履职积分 automatic sources, domain.scoring.AUTO_SOURCES) -------------------------------


def duty_facts(date_from: dt.date, date_to: dt.date, code: str) -> list[tuple[str, dt.date, str, str, float, str]]:
    """(deputy uid, date, source, source uid, quantity, note) of the period for the automatic
    indicators: ``livelihood_vote`` (present at a 票决 session whose result was confirmed; the fact is
    the session) and ``livelihood_rating`` (a 评单 given; the fact is the rating). The 督查
    (``attendance_livelihood``) are sign-ins, counted with the other sign-ins."""
    lo, hi = date_from.isoformat(), date_to.isoformat()
    out = []
    for s in LivelihoodSession.alive().where(LivelihoodSession.station_code == code, LivelihoodSession.status == S.HELD.value,
                                             LivelihoodSession.date.between(lo, hi)):
        for dep in s.present_deputy_uids or ():
            out.append((dep, _day(s.date), "livelihood_vote", s.uid, 1.0, f"民生实事项目票决：{s.meeting_name}"))
    q = (LivelihoodRating.select(LivelihoodRating.deputy_uid, LivelihoodRating.rated_on, LivelihoodRating.uid,
                                 LivelihoodProject.title)
         .join(LivelihoodProject, on=(LivelihoodProject.uid == LivelihoodRating.project_uid))
         .where(LivelihoodRating.deleted_at.is_null(), LivelihoodProject.deleted_at.is_null(),
                LivelihoodRating.station_code == code, LivelihoodRating.rated_on.between(lo, hi)))
    for dep, day, uid, title in tuples(q):
        out.append((dep, _day(day), "livelihood_rating", uid, 1.0, f"评单：{title}"))
    return out
