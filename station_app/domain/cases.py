"""The 意见建议 loop as a pure state machine: 登记 → 交办 → 办理中 → 已答复 → 群众评价, and
不满意 → 再次交办 (rounds counted) until the citizen is satisfied or the case is closed with a
recorded reason (群众提、代表决、政府办、人大评).

:func:`step` takes a :class:`CaseState` and one action and returns the next state, or raises
:class:`IllegalStep` with a message a clerk understands. The service persists states and events;
:func:`replay` rebuilds a case's state from its events, so the stored row can always be checked
against its timeline.

Deadlines are counted in working days (holiday-aware) by :func:`add_working_days`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from station_app.domain.codes import CaseAction, CaseStatus, Evaluation, Handling
from station_app.errors import KnownError

REGISTERED, ASSIGNED, IN_PROGRESS = CaseStatus.REGISTERED.value, CaseStatus.ASSIGNED.value, CaseStatus.IN_PROGRESS.value
REPLIED, RESOLVED, CLOSED = CaseStatus.REPLIED.value, CaseStatus.RESOLVED.value, CaseStatus.CLOSED_UNRESOLVED.value
FINAL = frozenset({RESOLVED, CLOSED})
OPEN = (REGISTERED, ASSIGNED, IN_PROGRESS, REPLIED)  # not FINAL: still in the loop
WAITING = frozenset({ASSIGNED, IN_PROGRESS})  # with the department: deadlines run
GOOD = frozenset({Evaluation.SATISFIED.value, Evaluation.BASICALLY_SATISFIED.value})
DISSATISFIED = Evaluation.DISSATISFIED.value


class IllegalStep(KnownError):
    """A step the case's state does not allow (the message says why, in Chinese)."""


@dataclass(frozen=True)
class CaseState:
    """Where a case stands in 交办→督办→反馈→评价: status, handling, department, deadline, evaluation."""
    status: str = REGISTERED
    handling: str = Handling.ASSIGNED.value
    department: str = ""
    deadline: dt.date | None = None
    evaluation: str | None = None
    rounds: int = 1
    resolved_at: dt.datetime | None = None


@dataclass(frozen=True)
class Step:
    """One action with what it carries: ``department``/``deadline`` for 交办 and 再次交办,
    ``evaluation`` for 评价, ``note`` (the reply, a 督办 note, the reason to close)."""

    action: str
    at: dt.datetime
    note: str = ""
    department: str = ""
    deadline: dt.date | None = None
    evaluation: str | None = None


def allowed_actions(state: CaseState) -> list[str]:
    """What the clerk may do next, in the order the buttons show them."""
    s = state.status
    if s in FINAL:
        return []
    if s == REGISTERED:
        return [CaseAction.ASSIGN.value, CaseAction.REPLY.value, CaseAction.CLOSE.value]
    if s in WAITING:
        return [CaseAction.SUPERVISE.value, CaseAction.REPLY.value, CaseAction.CLOSE.value]
    # replied
    if state.evaluation == DISSATISFIED:
        return [CaseAction.REASSIGN.value, CaseAction.CLOSE.value]
    if state.evaluation in GOOD:
        return [CaseAction.RESOLVE.value]
    return [CaseAction.EVALUATE.value, CaseAction.RESOLVE.value, CaseAction.CLOSE.value]


_REFUSALS = {
    RESOLVED: "这条意见建议已办结，不能再",
    CLOSED: "这条意见建议已结案，不能再",
}


def _refuse(state: CaseState, action: str) -> IllegalStep:
    label = CaseAction.label_of(action)
    if state.status in _REFUSALS:
        return IllegalStep(f"{_REFUSALS[state.status]}{label}")
    now = CaseStatus.label_of(state.status)
    if action == CaseAction.REASSIGN.value:
        return IllegalStep(f"只有群众评价“不满意”后才能再次交办（现在：{now}）")
    if action == CaseAction.EVALUATE.value:
        if state.status == REPLIED and state.evaluation == DISSATISFIED:
            return IllegalStep("群众已评价不满意：请再次交办，或写明原因后结案")
        if state.status == REPLIED and state.evaluation in GOOD:
            return IllegalStep("群众已评价，请办结")
        return IllegalStep(f"还没有答复，不能评价（现在：{now}）")
    if action == CaseAction.RESOLVE.value:
        if state.evaluation == DISSATISFIED:
            return IllegalStep("群众不满意的不能办结：请再次交办，或写明原因后结案")
        return IllegalStep(f"答复以后才能办结（现在：{now}）")
    if action == CaseAction.ASSIGN.value:
        return IllegalStep(f"已经交办过了（现在：{now}）；不满意时用“再次交办”")
    if action == CaseAction.SUPERVISE.value:
        return IllegalStep(f"只有交办后、答复前才能督办（现在：{now}）")
    if action == CaseAction.REPLY.value:
        return IllegalStep(f"现在不能答复（现在：{now}）")
    return IllegalStep(f"现在不能{label}（现在：{now}）")


def step(state: CaseState, s: Step) -> CaseState:
    """The state after ``s``; :class:`IllegalStep` when the state does not allow it."""
    action = s.action
    if action == CaseAction.REGISTER.value:
        raise IllegalStep("登记只在新建时发生一次")
    if action not in allowed_actions(state):
        raise _refuse(state, action)
    if action in (CaseAction.ASSIGN.value, CaseAction.REASSIGN.value):
        department = (s.department or "").strip() or (state.department if action == CaseAction.REASSIGN.value else "")
        if not department:
            raise IllegalStep("请选择承办单位")
        if s.deadline is None:
            raise IllegalStep("请填写办理期限")
        if s.deadline < s.at.date():
            raise IllegalStep("办理期限不能早于交办日期")
        rounds = state.rounds + (1 if action == CaseAction.REASSIGN.value else 0)
        return replace(state, status=ASSIGNED, department=department, deadline=s.deadline,
                       evaluation=None, rounds=rounds)
    if action == CaseAction.SUPERVISE.value:
        if not (s.note or "").strip():
            raise IllegalStep("请写下督办情况")
        return replace(state, status=IN_PROGRESS)
    if action == CaseAction.REPLY.value:
        if not (s.note or "").strip():
            raise IllegalStep("请填写答复内容（办理情况）")
        return replace(state, status=REPLIED, evaluation=None)
    if action == CaseAction.EVALUATE.value:
        if s.evaluation not in Evaluation.codes():
            raise IllegalStep("请选择群众评价：满意、基本满意或不满意")
        return replace(state, evaluation=s.evaluation)  # 满意/基本满意 is followed by 办结
    if action == CaseAction.RESOLVE.value:
        if state.evaluation is None and not (s.note or "").strip():
            raise IllegalStep("群众未评价就办结，请写明原因（如联系不上）")
        return replace(state, status=RESOLVED, resolved_at=s.at)
    if action == CaseAction.CLOSE.value:
        if not (s.note or "").strip():
            raise IllegalStep("结案请写明原因")
        return replace(state, status=CLOSED)
    raise IllegalStep(f"不认识的操作：{action}")  # pragma: no cover - allowed_actions lists all


def on_the_spot_steps(at: dt.datetime, reply: str) -> list[Step]:
    """当场答复: the reply and the closing, in the same minute as the registration."""
    return [Step(CaseAction.REPLY.value, at, reply or "当场答复"),
            Step(CaseAction.RESOLVE.value, at, "当场答复办结")]


def replay(handling: str, steps: Iterable[Step]) -> CaseState:
    """The state a case reaches from its registration through ``steps`` (register excluded)."""
    state = CaseState(handling=handling)
    for s in steps:
        if s.action == CaseAction.REGISTER.value:
            continue
        state = step(state, s)
    return state


def add_working_days(start: dt.date, days: int, is_workday: Callable[[dt.date], bool]) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted); 0 → start."""
    d = start
    left = days
    while left > 0:
        d += dt.timedelta(days=1)
        if is_workday(d):
            left -= 1
    return d


# --- where a case stands (one rule: services filter by it in SQL, lists colour by it) ---------------


def is_open(status: str) -> bool:
    """Not finished: neither 已办结 nor 终结未解决 (a 已答复 case waits for its evaluation)."""
    return status not in FINAL


def is_waiting(status: str) -> bool:
    """With the department (交办/办理中): its deadline runs."""
    return status in WAITING


def is_overdue(status: str, deadline: dt.date | None, today: dt.date) -> bool:
    """Waiting for the department and past its deadline."""
    return is_waiting(status) and deadline is not None and deadline < today


def due_soon_until(today: dt.date, due_soon_days: int, is_workday: Callable[[dt.date], bool]) -> dt.date:
    """The last deadline that counts as due soon: ``due_soon_days`` working days after ``today``."""
    return add_working_days(today, due_soon_days, is_workday)


def is_due_soon(status: str, deadline: dt.date | None, today: dt.date, until: dt.date) -> bool:
    """Waiting, not yet overdue, and due by ``until`` (:func:`due_soon_until`)."""
    return is_waiting(status) and deadline is not None and today <= deadline <= until


@dataclass(frozen=True)
class DeadlineState:
    """Where a case stands against its deadline on a day: ``days_left`` working days from that
    day to the deadline (negative: overdue by), None when not waiting or without a deadline."""

    open: bool
    waiting: bool
    overdue: bool
    due_soon: bool
    days_left: int | None


def deadline_state(status: str, deadline: dt.date | None, today: dt.date, due_soon_days: int,
                   is_workday: Callable[[dt.date], bool]) -> DeadlineState:
    """Open, waiting, overdue, due soon — the one rule, on the working-day calendar ``is_workday``."""
    waiting = is_waiting(status)
    left = working_days_between(today, deadline, is_workday) if waiting and deadline is not None else None
    return DeadlineState(
        open=is_open(status), waiting=waiting, overdue=is_overdue(status, deadline, today),
        due_soon=is_due_soon(status, deadline, today, due_soon_until(today, due_soon_days, is_workday)),
        days_left=left)


def working_days_between(start: dt.date, end: dt.date, is_workday: Callable[[dt.date], bool]) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start, is_workday)
    n = 0
    d = start
    while d < end:
        d += dt.timedelta(days=1)
        if is_workday(d):
            n += 1
    return n
