"""意见建议: registration, 交办 → 督办 → 答复 → 评价 → 再次交办, deadlines, lists and the 承办单位.

Every step goes through :func:`station_app.domain.cases.step` (illegal steps are refused with a
clear message), is written as a :class:`CaseEvent` in the same transaction as the case's new
state, and is audited. Deadlines are working days on the holiday calendar of the activity days
(:func:`station_app.services.activity.holiday_calendar`); years the calendar does not cover fall
back to Monday–Friday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import peewee as pw

from station_app.db import search
from station_app.db.bulk import insert_row
from station_app.db.connection import database, db_cache
from station_app.db.models import (
    Case,
    CaseCounter,
    CaseEvent,
    Department,
    Deputy,
    Reception,
    ReceptionDeputy,
    new_uid,
)
from station_app.db.rows import tuples
from station_app.domain import cases as case_rules
from station_app.domain import clock
from station_app.domain import privacy as policy
from station_app.domain.cases import (
    GOOD,
    WAITING,
    CaseState,
    DeadlineState,
    Step,
    add_working_days,
    allowed_actions,
    on_the_spot_steps,
    step,
    working_days_between,
)
from station_app.domain.codes import CaseAction, CaseStatus, Category, Evaluation, Handling, Urgency
from station_app.domain.records import CaseEventRecord, CaseRecord, CaseSheetData, OpinionData, Page
from station_app.domain.validators import check_date_range
from station_app.errors import NotFoundError, ValidationError, check_not_stale
from station_app.services import audit, privacy, settings
from station_app.services.context import current_actor
from station_app.services.station import SOLE, home_code, in_view, require_writable

FTS = "case_fts"
INDEX_CAP = 5000  # above this many hits, walking the newest cases with LIKE finds a page sooner

DEFAULT_DEPARTMENTS = ("镇党政办", "镇农业农村办", "镇社会事务办", "镇自然资源所", "镇综合执法队", "镇派出所",
                       "镇卫生院", "镇中心学校", "镇司法所", "镇财政所", "镇生态环境办", "镇经济发展办",
                       "县交通运输局", "县水利局", "供电所")


# --- deadlines --------------------------------------------------------------------------------


def is_workday(d: dt.date) -> bool:
    """A working day on the station's holiday calendar; Monday–Friday where it has no data."""
    from station_app.services.activity import holiday_calendar

    cache = db_cache()
    cal = cache.get("holiday_calendar")
    if cal is None:
        cal = cache["holiday_calendar"] = holiday_calendar()
    if cal.covers(d.year):
        return cal.is_workday(d)
    return d.weekday() < 5


def deadline_days(handling: str) -> int:
    """The default deadline in working days for a case handled as ``handling``."""
    if handling == Handling.DEPUTY_PROPOSAL.value:
        return int(settings.get("cases.deadline_days.deputy_proposal"))
    if handling == Handling.ASSIGNED.value:
        return int(settings.get("cases.deadline_days.assigned"))
    return 0


def default_deadline(handling: str, start: dt.date | None = None) -> dt.date:
    """``start`` (today) plus the handling mode's working days (交办 15, 代表建议 60 by default)."""
    return add_working_days(start or clock.today(), deadline_days(handling), is_workday)


def deadline_state(rec: CaseRecord, today: dt.date | None = None, due_soon_days: int | None = None) -> DeadlineState:
    """Where ``rec`` stands on ``today`` (open, waiting, overdue, due soon, working days left): the
    rule of domain/cases.py on the station's calendar and the ``cases.due_soon_days`` setting."""
    days = int(settings.get("cases.due_soon_days")) if due_soon_days is None else due_soon_days
    return case_rules.deadline_state(rec.status, rec.deadline, today or clock.today(), days, is_workday)


def working_days_left(deadline: dt.date, today: dt.date | None = None) -> int:
    """Working days from today to the deadline; negative when overdue."""
    return working_days_between(today or clock.today(), deadline, is_workday)


# --- records ----------------------------------------------------------------------------------


def _d(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _names(uids: Iterable[str]) -> dict[str, str]:
    uids = list(dict.fromkeys(uids))
    if not uids:
        return {}
    return {d.uid: d.name for d in Deputy.select(Deputy.uid, Deputy.name).where(Deputy.uid.in_(uids))}


def _record(row: Case, reception: Reception | None, names: dict[str, str], full: bool) -> CaseRecord:
    """The case as the current user sees it: the visitor's phone masked unless ``full`` (privacy)."""
    return CaseRecord(
        id=row.id, uid=row.uid, station_code=row.station_code, number=row.number,
        reception_uid=row.reception_uid, registered_at=row.registered_at, category=row.category,
        content=row.content, handling=row.handling, urgency=row.urgency, department=row.department,
        co_departments=tuple(row.co_departments or ()), deadline=_d(row.deadline), status=row.status,
        evaluation=row.evaluation, rounds=row.rounds, resolved_at=row.resolved_at,
        visitor_name=reception.visitor_name if reception else "",
        visitor_phone=policy.phone(reception.visitor_phone if reception else "", full),
        village=reception.village if reception else "",
        deputy_names=tuple(names.get(u, "") for u in (reception.deputy_uids if reception else ()) if u in names),
        updated_at=row.updated_at)


def _records(rows: list[Case]) -> list[CaseRecord]:
    rec_uids = [r.reception_uid for r in rows if r.reception_uid]
    receptions: dict[str | None, Reception] = (
        {r.uid: r for r in Reception.select().where(Reception.uid.in_(rec_uids))} if rec_uids else {})
    names = _names(u for r in receptions.values() for u in (r.deputy_uids or ()))
    full = privacy.revealed()  # once for the rows
    return [_record(r, receptions.get(r.reception_uid), names, full) for r in rows]


def _row(uid_or_number: str, station_code: str | None = None) -> Case:
    """A live case by uid, or by number (numbers are unique within a station: a county database
    holds the same number once per station, so ``station_code`` names which)."""
    q = Case.alive().where((Case.uid == uid_or_number) | (Case.number == uid_or_number))
    if station_code is not None:
        q = q.where(Case.station_code == station_code)
    row = q.first()
    if row is None:
        raise NotFoundError(f"找不到这条意见建议：{uid_or_number}")
    return row


def get(uid_or_number: str, station_code: str | None = None) -> CaseRecord:
    """The case by uid or number; :class:`NotFoundError` when there is none."""
    return _records([_row(uid_or_number, station_code)])[0]


def events(case_uid: str) -> list[CaseEventRecord]:
    """The timeline, oldest first."""
    q = CaseEvent.alive().where(CaseEvent.case_uid == case_uid).order_by(CaseEvent.at, CaseEvent.id)
    return [CaseEventRecord(e.uid, e.case_uid, e.at, e.action, e.actor, e.note, e.round, e.department,
                            _d(e.deadline), e.evaluation) for e in q]


def state_of(rec: CaseRecord) -> CaseState:
    """The state-machine view of ``rec`` (domain.cases)."""
    return CaseState(rec.status, rec.handling, rec.department, rec.deadline, rec.evaluation, rec.rounds,
                     rec.resolved_at)


def next_actions(uid: str) -> list[str]:
    """The actions the case ``uid`` allows now."""
    return allowed_actions(state_of(get(uid)))


def search_text(row: Case, visitor: str = "", village: str = "") -> str:
    """The text a case is found by (number, visitor, village, department, content)."""
    return search_words(row.number, row.department, row.content, visitor, village)


def search_words(number: str, department: str, content: str, visitor: str = "", village: str = "") -> str:
    """The text a case is found by, from its columns (for rows read without a model object)."""
    return " ".join((number, visitor, village, department, content))


# --- registration -----------------------------------------------------------------------------


def check_opinion(op: OpinionData, prefix: str = "") -> dict[str, str]:
    """Field errors of one opinion (empty when fine)."""
    errors = {}
    if not (op.content or "").strip():
        errors[prefix + "content"] = "请填写意见建议内容"
    elif len(op.content) > 4000:
        errors[prefix + "content"] = "内容太长（最多4000字）"
    if op.category not in Category.codes():
        errors[prefix + "category"] = "请选择类别"
    if op.handling not in Handling.codes():
        errors[prefix + "handling"] = "请选择办理方式"
    if op.urgency not in Urgency.codes():
        errors[prefix + "urgency"] = "请选择紧急程度"
    if op.handling == Handling.ASSIGNED.value and not (op.department or "").strip():
        errors[prefix + "department"] = "交办请选择承办单位"
    if op.handling == Handling.ON_THE_SPOT.value and not (op.reply or "").strip():
        errors[prefix + "reply"] = "当场答复请填写答复内容（答复了什么）；没有当场答复的请改为交办"
    elif len(op.reply or "") > 4000:
        errors[prefix + "reply"] = "答复太长（最多4000字）"
    if op.deadline is not None and (problem := check_date_range(op.deadline, "办理期限")):
        errors[prefix + "deadline"] = problem
    elif op.deadline is not None and op.deadline < clock.today() and op.handling != Handling.ON_THE_SPOT.value:
        errors[prefix + "deadline"] = "办理期限不能早于今天"
    return errors


def next_number(code: str, year: int) -> str:
    """The next station-unique case number of ``year``: ``2026-0001``, ``2026-0002`` … (a counter
    per station and year, taken inside the caller's transaction)."""
    bumped = list(CaseCounter.update(last=CaseCounter.last + 1).where(
        CaseCounter.station_code == code, CaseCounter.year == year).returning(CaseCounter.last).tuples().execute())
    if bumped:
        return f"{year}-{bumped[0][0]:04d}"
    start = (Case.select(Case.number).where(Case.station_code == code, Case.number >= f"{year}-",
                                            Case.number < f"{year}."))
    highest = max((int(num.split("-")[1]) for (num,) in tuples(start)), default=0)
    CaseCounter.create(station_code=code, year=year, last=highest + 1)
    return f"{year}-{highest + 1:04d}"


def _event_values(case: Case, s: Step, state: CaseState, actor: str) -> dict:
    reassigning = s.action in (CaseAction.ASSIGN.value, CaseAction.REASSIGN.value)
    return {"station_code": case.station_code, "case_uid": case.uid, "at": s.at, "action": s.action,
            "actor": actor, "note": (s.note or "").strip(), "round": state.rounds,
            "department": s.department if reassigning else "", "deadline": s.deadline, "evaluation": s.evaluation}


def _event(case: Case, s: Step, state: CaseState) -> CaseEvent:
    return CaseEvent.create(**_event_values(case, s, state, current_actor()[:40]))


def create_in_transaction(op: OpinionData, reception: Reception | None, at: dt.datetime,
                          code: str) -> Case:
    """Register one opinion (call inside the caller's transaction, after :func:`check_opinion`).

    当场答复 closes at once (reply + 办结); 交办 and 代表建议 are assigned at once with the
    working-day deadline unless one is given."""
    steps: list[Step] = []
    if op.handling == Handling.ON_THE_SPOT.value:
        if not (op.reply or "").strip():  # never 已办结 without an answer (check_opinion says so first)
            raise ValidationError({"reply": "当场答复请填写答复内容（答复了什么）；没有当场答复的请改为交办"})
        steps = on_the_spot_steps(at, op.reply.strip())
    elif op.handling == Handling.ASSIGNED.value:
        steps = [Step(CaseAction.ASSIGN.value, at, "", op.department.strip(),
                      op.deadline or default_deadline(op.handling, at.date()))]
    elif op.handling == Handling.DEPUTY_PROPOSAL.value:
        steps = [Step(CaseAction.ASSIGN.value, at, "形成代表建议", (op.department or "").strip() or "镇人大主席团",
                      op.deadline or default_deadline(op.handling, at.date()))]
    states = [CaseState(handling=op.handling)]
    for s in steps:
        states.append(step(states[-1], s))
    final = states[-1]
    fields = dict(uid=new_uid(), station_code=code, reception_uid=reception.uid if reception else None,
                  number=next_number(code, at.year), registered_at=at, category=op.category,
                  content=op.content.strip(), handling=op.handling, urgency=op.urgency,
                  department=final.department or (op.department or "").strip(),
                  co_departments=list(op.co_departments), status=final.status, evaluation=final.evaluation,
                  rounds=final.rounds, deadline=final.deadline, resolved_at=final.resolved_at)
    row = Case(id=insert_row(Case, **fields), **fields)
    actor = current_actor()[:40]
    events = [_event_values(row, Step(CaseAction.REGISTER.value, at), CaseState(handling=op.handling), actor)]
    for s, state in zip(steps, states[1:], strict=True):
        events.append(_event_values(row, s, state, actor))
    for ev in events:
        insert_row(CaseEvent, **ev)
    search.index_row(FTS, row.id, search_text(row, reception.visitor_name if reception else "",
                                              reception.village if reception else ""))
    audit.record("create", "case", row.uid, None, {"number": row.number, "category": row.category,
                 "handling": row.handling, "status": state.status},
                 summary=f"登记意见建议 {row.number}", station_code=code)
    return row


def _save_state(row: Case, state: CaseState) -> None:
    Case.update(status=state.status, department=state.department, deadline=state.deadline,
                evaluation=state.evaluation, rounds=state.rounds, resolved_at=state.resolved_at,
                updated_at=clock.now_ts()).where(Case.id == row.id).execute()


# --- the loop ---------------------------------------------------------------------------------


def act(uid: str, action: str, note: str = "", department: str = "", deadline: dt.date | None = None,
        evaluation: str | None = None, at: dt.datetime | None = None,
        expected_updated_at=None) -> CaseRecord:
    """Apply one step (交办/督办/答复/评价/再次交办/办结/结案). :class:`IllegalStep` (a
    :class:`KnownError`) when the case's state does not allow it; nothing is written then.
    ``expected_updated_at``: the case's ``updated_at`` the form showed; changed since (another
    window, an import) → :class:`~station_app.errors.StaleEdit`, the newer data kept."""
    at = at or clock.now()
    with database.atomic():
        row = _row(uid)
        require_writable(row.station_code, f"办理 {row.number}")
        before = state_of(_records([row])[0])
        if action in (CaseAction.ASSIGN.value, CaseAction.REASSIGN.value) and deadline is None:
            deadline = default_deadline(row.handling, at.date())
        if problem := check_date_range(deadline, "办理期限"):
            raise ValidationError({"deadline": problem})
        s = Step(action, at, note, department, deadline, evaluation)
        after = step(before, s)  # an illegal step says so first (the state tells more than "changed")
        check_not_stale(row.updated_at, expected_updated_at)
        _event(row, s, after)
        if action == CaseAction.EVALUATE.value and after.evaluation in GOOD:  # 满意 closes the loop
            s = Step(CaseAction.RESOLVE.value, at, f"群众{Evaluation.label_of(after.evaluation)}，办结")
            after = step(after, s)
            _event(row, s, after)
        _save_state(row, after)
        if after.department != row.department:  # the index holds the department: follow it
            rec = Reception.get_or_none(Reception.uid == row.reception_uid) if row.reception_uid else None
            visitor, village = (rec.visitor_name, rec.village) if rec else ("", "")
            search.unindex_row(FTS, row.id, search_text(row, visitor, village))
            row.department = after.department
            search.index_row(FTS, row.id, search_text(row, visitor, village))
        audit.record("update", "case", row.uid, {"status": before.status, "evaluation": before.evaluation,
                     "rounds": before.rounds}, {"status": after.status, "evaluation": after.evaluation,
                     "rounds": after.rounds}, summary=f"{row.number} {CaseAction.label_of(action)}",
                     station_code=row.station_code)
    return get(uid)


def assign(uid: str, department: str, deadline: dt.date | None = None, note: str = "") -> CaseRecord:
    """交办: hand the case to ``department`` with a deadline (default from the settings)."""
    return act(uid, CaseAction.ASSIGN.value, note, department, deadline)


def supervise(uid: str, note: str) -> CaseRecord:
    """督办: record a reminder to the department."""
    return act(uid, CaseAction.SUPERVISE.value, note)


def reply(uid: str, note: str) -> CaseRecord:
    """反馈: record the department's reply."""
    return act(uid, CaseAction.REPLY.value, note)


def evaluate(uid: str, evaluation: str, note: str = "") -> CaseRecord:
    """评价: record the citizen's evaluation of the reply."""
    return act(uid, CaseAction.EVALUATE.value, note, evaluation=evaluation)


def reassign(uid: str, department: str = "", deadline: dt.date | None = None, note: str = "") -> CaseRecord:
    """重新交办: hand the case out again after an unsatisfied evaluation."""
    return act(uid, CaseAction.REASSIGN.value, note, department, deadline)


def resolve(uid: str, note: str = "") -> CaseRecord:
    """办结: the case is resolved."""
    return act(uid, CaseAction.RESOLVE.value, note)


def close(uid: str, reason: str) -> CaseRecord:
    """结案: close the case for ``reason``."""
    return act(uid, CaseAction.CLOSE.value, reason)


def delete(uid: str) -> None:
    """Tombstone a case entered by mistake (with its events)."""
    with database.atomic():
        row = _row(uid)
        require_writable(row.station_code, f"删除 {row.number}")
        now = clock.now_ts()
        Case.update(deleted_at=now, updated_at=now).where(Case.id == row.id).execute()
        CaseEvent.update(deleted_at=now, updated_at=now).where(CaseEvent.case_uid == row.uid).execute()
        rec = Reception.get_or_none(Reception.uid == row.reception_uid) if row.reception_uid else None
        search.unindex_row(FTS, row.id, search_text(row, rec.visitor_name if rec else "", rec.village if rec else ""))
        audit.record("delete", "case", row.uid, {"number": row.number}, None, summary=f"删除意见建议 {row.number}",
                     station_code=row.station_code)


# --- lists ------------------------------------------------------------------------------------

OPEN_STATUSES = case_rules.OPEN


def _day_bounds(date_from: dt.date | None, date_to: dt.date | None):
    errors = {k: m for k, m in (("date_from", check_date_range(date_from, "开始日期")),
                                 ("date_to", check_date_range(date_to, "结束日期"))) if m}
    if errors:
        raise ValidationError(errors)
    lo = date_from.isoformat() if date_from else None
    hi = (date_to + dt.timedelta(days=1)).isoformat() if date_to else None
    return lo, hi


def _filtered(status: str | None = None, category: str | None = None, department: str | None = None,
              deputy_uid: str | None = None, village: str | None = None, date_from: dt.date | None = None,
              date_to: dt.date | None = None, overdue: bool = False, due_within: int | None = None,
              reception_uid: str | None = None, station_code: str | None = SOLE, today: dt.date | None = None):
    """The live cases of station ``station_code`` (None: every station of the database, 全县;
    default: the database's only station, never a guess among several) that pass the filters."""
    today = today or clock.today()
    station_code = in_view(station_code)
    q = Case.alive()
    if station_code is not None:
        q = q.where(Case.station_code == station_code)
    if status == "open":
        q = q.where(Case.status.in_(OPEN_STATUSES))
    elif status:
        q = q.where(Case.status == status)
    if category:
        q = q.where(Case.category == category)
    if department:
        q = q.where(Case.department == department)
    if reception_uid:
        q = q.where(Case.reception_uid == reception_uid)
    if deputy_uid:
        q = q.where(Case.reception_uid.in_(ReceptionDeputy.select(ReceptionDeputy.reception_uid)
                                           .where(ReceptionDeputy.deputy_uid == deputy_uid)))
    if village:
        q = q.where(Case.reception_uid.in_(Reception.select(Reception.uid).where(Reception.village == village)))
    lo, hi = _day_bounds(date_from, date_to)
    if lo:
        q = q.where(Case.registered_at >= lo)
    if hi:
        q = q.where(Case.registered_at < hi)
    # domain/cases.is_overdue and is_due_soon, in SQL
    if overdue:
        q = q.where(Case.status.in_(tuple(WAITING)), Case.deadline < today.isoformat())
    if due_within is not None:
        last = case_rules.due_soon_until(today, due_within, is_workday)
        q = q.where(Case.status.in_(tuple(WAITING)), Case.deadline >= today.isoformat(),
                    Case.deadline <= last.isoformat())
    return q


def _keyword(q, keyword: str, allow_index: bool = True):
    """Cases whose number, content or department — or whose visitor's name, phone or village —
    hold every word of ``keyword``."""
    if not keyword.strip():
        return q
    if allow_index and search.usable(keyword) and search.hit_count(FTS, keyword, INDEX_CAP) < INDEX_CAP:
        q = q.where(search.index_filter(FTS, Case.id, keyword))  # a rare term: its few hits, sorted
        if search.exact(keyword):
            return q
    # a common term: walk the newest cases, LIKE finds a page in the first few hundred
    fields: list[pw.Field] = [Case.content, Case.number, Case.department, Reception.visitor_name,
                              Reception.visitor_phone, Reception.village]
    return (q.join(Reception, pw.JOIN.LEFT_OUTER, on=(Reception.uid == Case.reception_uid))
            .where(search.like_filter(fields, keyword)))


def page(after: tuple | None = None, limit: int = 256, keyword: str = "", **filters) -> Page:
    """One page of cases, newest registration first (keyset on registered_at, id)."""
    q = _keyword(_filtered(**filters), keyword)
    if after is not None:
        q = q.where(pw.Tuple(Case.registered_at, Case.id) < pw.Tuple(*after))
    rows = list(q.order_by(Case.registered_at.desc(), Case.id.desc()).limit(limit))
    recs = _records(rows)
    nxt = (Case.registered_at.db_value(rows[-1].registered_at), rows[-1].id) if len(rows) == limit else None
    return Page(tuple(recs), nxt)


def count(keyword: str = "", **filters) -> int:
    """How many cases match ``keyword`` and ``filters`` (those of :func:`page`)."""
    return _keyword(_filtered(**filters), keyword).count()


OVERDUE_LISTED = 1000  # the most overdue cases a list or report shows (newest registration first)


def overdue(today: dt.date | None = None, *, station_code: str | None = SOLE) -> list[CaseRecord]:
    """The overdue cases of the station in view, most overdue first (at most OVERDUE_LISTED)."""
    return list(page(limit=OVERDUE_LISTED, overdue=True, today=today, station_code=station_code).rows)


def overdue_count(today: dt.date | None = None, *, station_code: str | None = SOLE) -> int:
    """How many cases of the station in view are overdue."""
    return _filtered(overdue=True, today=today, station_code=station_code).count()


def due_soon(today: dt.date | None = None, days: int | None = None, *,
             station_code: str | None = SOLE) -> list[CaseRecord]:
    """Open cases due within ``days`` working days (the setting when ``None``)."""
    days = int(settings.get("cases.due_soon_days")) if days is None else days
    return list(page(limit=1000, due_within=days, today=today, station_code=station_code).rows)


def attention_counts(today: dt.date | None = None, *, station_code: str | None = SOLE) -> dict[str, int]:
    """For 首页: open cases, overdue, due within the due-soon window, awaiting evaluation, of the
    station in view (None: every station)."""
    days = int(settings.get("cases.due_soon_days"))
    code = in_view(station_code)
    return {
        "open": _filtered(status="open", today=today, station_code=code).count(),
        "overdue": _filtered(overdue=True, today=today, station_code=code).count(),
        "due_soon": _filtered(due_within=days, today=today, station_code=code).count(),
        "awaiting_evaluation": _filtered(status=CaseStatus.REPLIED.value, today=today, station_code=code)
        .where(Case.evaluation.is_null()).count(),
    }


# --- departments ------------------------------------------------------------------------------


def used_departments(station_code: str | None) -> list[str]:
    """The 承办单位 the cases of a station (None: every station) name, for filtering a station
    whose list of departments lives at the station itself."""
    q = Case.select(Case.department).distinct().where(Case.deleted_at.is_null(), Case.department != "")
    if station_code is not None:
        q = q.where(Case.station_code == station_code)
    return sorted(d for (d,) in tuples(q))


def departments(include_inactive: bool = False) -> list[str]:
    """The home station's 承办单位 list (a new station starts with common township offices, stored
    at its first change: reading writes nothing — a page showing it never waits on a commit)."""
    code = home_code()
    q = Department.select().where(Department.station_code == code)
    if not q.exists():
        return list(DEFAULT_DEPARTMENTS)
    if not include_inactive:
        q = q.where(Department.active == True)  # noqa: E712 - peewee expression
    return [d.name for d in q.order_by(Department.sort_order, Department.id)]


def _store_defaults(code: str) -> None:
    """The first change to the list stores the common offices it started with."""
    if not Department.select().where(Department.station_code == code).exists():
        for i, name in enumerate(DEFAULT_DEPARTMENTS):
            Department.create(station_code=code, name=name, sort_order=i)


def add_department(name: str) -> list[str]:
    """Add ``name`` to the station's 承办单位; returns the new list."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写承办单位名称"})
    if len(name) > 60:
        raise ValidationError({"name": "名称太长（最多60字）"})
    code = home_code()
    with database.atomic():
        _store_defaults(code)
        current = departments(include_inactive=True)
        if name in current:
            Department.update(active=True).where(Department.station_code == code, Department.name == name).execute()
        else:
            Department.create(station_code=code, name=name, sort_order=len(current))
        audit.record("create", "department", name, None, {"name": name}, summary=f"承办单位：{name}", station_code=code)
    return departments()


def remove_department(name: str) -> list[str]:
    """Take a department off the list (its cases keep the name)."""
    code = home_code()
    with database.atomic():
        _store_defaults(code)
        n = Department.update(active=False).where(Department.station_code == code, Department.name == name).execute()
        if not n:
            raise NotFoundError(f"没有这个承办单位：{name}")
        audit.record("update", "department", name, {"active": True}, {"active": False},
                     summary=f"停用承办单位：{name}", station_code=code)
    return departments()


# --- printable sheets -------------------------------------------------------------------------


def sheet_data(uid: str, kind: str, station_code: str | None = None) -> CaseSheetData:
    """The 交办通知单 (``assign``) or 办理情况反馈单 (``feedback``) of a case (by uid, or by number
    within station ``station_code``)."""
    from station_app.services import printing

    if kind not in ("assign", "feedback"):
        raise ValidationError({"kind": f"不认识的单据：{kind}"})
    rec = get(uid, station_code)
    evs = events(rec.uid)
    if kind == "assign" and rec.handling == Handling.ON_THE_SPOT.value:
        raise ValidationError({"kind": f"{rec.number} 是当场答复的，没有交办通知单"})
    assigns = [e for e in evs if e.action in (CaseAction.ASSIGN.value, CaseAction.REASSIGN.value)]
    replies = [e for e in evs if e.action == CaseAction.REPLY.value]
    if kind == "feedback" and not replies:
        raise ValidationError({"kind": f"{rec.number} 还没有答复，不能打印反馈单"})
    st = printing.resolve_station(rec.station_code)
    timeline = tuple((clock.to_local(e.at).strftime("%Y-%m-%d %H:%M"), CaseAction.label_of(e.action), e.actor,
                      "；".join(x for x in (e.note, f"承办单位：{e.department}，期限 {e.deadline}" if e.department else "") if x))
                     for e in evs) if kind == "feedback" else ()
    return CaseSheetData(
        kind=kind, station_name=st.name, station_phone=st.phone, station_address=st.address, number=rec.number,
        registered_at=clock.to_local(rec.registered_at).date(), category_label=Category.label_of(rec.category),
        urgency_label=Urgency.label_of(rec.urgency), handling_label=Handling.label_of(rec.handling),
        content=rec.content, visitor_name=rec.visitor_name,
        visitor_phone=rec.visitor_phone,  # as get() shows it to the current user (privacy)
        village=rec.village, deputy_names=rec.deputy_names, department=rec.department,
        co_departments=rec.co_departments, assigned_at=clock.to_local(assigns[-1].at).date() if assigns else None,
        deadline=rec.deadline, round=rec.rounds, reply=replies[-1].note if replies else "",
        replied_at=clock.to_local(replies[-1].at).date() if replies else None,
        evaluation_label=Evaluation.label_of(rec.evaluation), timeline=timeline, qr_content=rec.number)


def print_sheet(uid: str, kind: str, out, station_code: str | None = None) -> object:
    """Write the case's sheet of ``kind`` (交办单, 督办单 …) as PDF to ``out``."""
    from station_app.printing.case_docs import render_case_sheet

    data = sheet_data(uid, kind, station_code)
    path = render_case_sheet(data, out)
    audit.event("print", f"打印意见建议 {data.number} 的{'交办通知单' if kind == 'assign' else '办理情况反馈单'}", "case", uid)
    return path


