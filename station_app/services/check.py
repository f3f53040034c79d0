"""``station-app check``: integrity and consistency of a database."""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

import peewee as pw

from station_app.db import introspect
from station_app.db.connection import database
from station_app.db.migrations import current_version, latest_version
from station_app.db.models import (
    ActivityDay,
    ActivityPhoto,
    Attendance,
    Deputy,
    DeputyUnavailable,
    Duty,
    Station,
)
from station_app.domain.codes import ActivityKind, ActivityStatus, AttendanceStatus, Gender, Level
from station_app.domain.records import CheckFinding
from station_app.domain.validators import check_phone
from station_app.services.deputies import photo_path

_UID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def run_check(integrity: bool = True) -> list[CheckFinding]:
    """Check the database's integrity and the records' references; every problem found.
    ``integrity`` False: SQLite's ``integrity_check`` was just run on the file by the caller (the
    CLI's health.findings(full=True)) and is not run a second time (on a big file, minutes)."""
    db = database.obj
    out: list[CheckFinding] = []

    def err(msg: str) -> None:
        out.append(CheckFinding("error", msg))

    def warn(msg: str) -> None:
        out.append(CheckFinding("warning", msg))

    damage = introspect.integrity_problems(db) if integrity else []  # SQLite's own; PostgreSQL guards itself
    if damage:
        err("数据库文件损坏：" + "；".join(damage[:5]))
    dangling = introspect.dangling_references(db)
    if dangling:
        err(f"有 {dangling} 条记录引用了不存在的记录（外键）")
    version = current_version(db)
    if version != latest_version():
        err(f"数据库结构版本 {version}，程序需要 {latest_version()}")
    home = Station.select().where(Station.is_home == True).count()  # noqa: E712
    if home == 0 and Station.select().count() == 0:
        warn("尚未填写联络站信息")
    elif home > 1:
        err(f"有 {home} 个“本站”记录，应只有一个")
    codes = {s.code for s in Station.select(Station.code)}
    valid_mask = (1 << len(Level)) - 1
    for d in Deputy.select().iterator():
        who = f"代表“{d.name}”({d.uid})"
        if not _UID.fullmatch(d.uid or ""):
            err(f"{who} 的 uid 格式不对")
        if d.station_code not in codes:
            err(f"{who} 所属站点 {d.station_code} 不存在")
        if not d.levels_mask or d.levels_mask & ~valid_mask:
            err(f"{who} 没有有效的代表层级")
        if d.gender not in (None, *Gender.codes()):
            err(f"{who} 的性别代码无效：{d.gender}")
        if d.updated_at < d.created_at:
            err(f"{who} 的修改时间早于创建时间")
        if d.deleted_at is None and check_phone(d.phone):
            warn(f"{who} 的电话格式不对：{d.phone}")
        if d.photo and not photo_path(d.photo).is_file():
            warn(f"{who} 的照片文件不见了：{d.photo}")
    _check_activity_days(err, warn)
    _check_receptions_and_cases(err, warn)
    _check_audit_chain(err)
    return out


def _check_audit_chain(err) -> None:
    """The audit log's hash chain: the first entry edited, deleted or inserted (issue 19 item 3)."""
    from station_app.services.audit import verify_chain

    finding = verify_chain()
    if finding is not None:
        err(finding.message)


def _check_activity_days(err, warn) -> None:
    deputies = {d.uid: d.station_code for d in Deputy.select(Deputy.uid, Deputy.station_code)}
    days = {a.uid: a for a in ActivityDay.select()}
    seen: dict[tuple[str, str], str] = {}
    for day in days.values():
        if day.kind not in ActivityKind.codes() or day.status not in ActivityStatus.codes():
            err(f"{day.station_code} 站 {day.date} 的活动日形式或状态代码无效：{day.kind} / {day.status}")
        if day.deleted_at is None and day.status != "cancelled":
            key = (day.station_code, str(day.date))
            if key in seen:
                err(f"{day.station_code} 站 {day.date} 有两个活动日")
            seen[key] = day.uid
    for model, what in ((Duty, "值班"), (Attendance, "签到")):
        for row in model.select().where(model.deleted_at.is_null()).iterator():
            held = days.get(row.activity_day_uid)
            if held is None:
                err(f"{what}记录 {row.uid} 指向不存在的活动日")
            elif row.deputy_uid not in deputies:
                err(f"{what}记录 {row.uid} 指向不存在的代表")
            elif deputies[row.deputy_uid] != held.station_code:
                err(f"{what}记录 {row.uid}：代表不属于活动日所在的站点")
            elif isinstance(row, Attendance) and row.status not in AttendanceStatus.codes():
                err(f"签到记录 {row.uid} 的状态代码无效：{row.status}")
    for photo in ActivityPhoto.select().where(ActivityPhoto.deleted_at.is_null()).iterator():
        if photo.activity_day_uid not in days:
            err(f"活动照片 {photo.uid} 指向不存在的活动日")
        elif not photo_path(photo.photo).is_file():
            warn(f"{days[photo.activity_day_uid].date} 活动日的照片文件不见了：{photo.photo}")
    for leave in DeputyUnavailable.select().iterator():
        if leave.deputy_uid not in deputies:
            err(f"请假记录 {leave.id} 指向不存在的代表")
        elif str(leave.date_to) < str(leave.date_from):
            err(f"请假记录 {leave.id} 的结束日期早于开始日期")


def _check_receptions_and_cases(err, warn) -> None:
    """Codes, links, and every case's stored state equal to what its timeline replays to.
    Streams the rows (a county database holds millions)."""
    import json

    from station_app.db.models import Case, CaseEvent, Reception
    from station_app.domain.cases import IllegalStep, replay
    from station_app.domain.codes import CaseStatus, Category, Channel, Handling

    channels = set(Channel.codes())
    n_rec = 0
    for uid, channel, count, deputy_uids, deleted in (Reception.select(
            Reception.uid, Reception.channel, Reception.visitor_count, Reception.deputy_uids, Reception.deleted_at)
            .tuples().iterator()):
        n_rec += deleted is None
        if channel not in channels:
            err(f"接待记录 {uid} 的来访方式代码无效：{channel}")
        if not isinstance(count, int) or count < 1:
            err(f"接待记录 {uid} 的来访人数无效：{count}")
        if not isinstance(deputy_uids, list) and not isinstance(json.loads(deputy_uids or "[]"), list):
            err(f"接待记录 {uid} 的接待代表格式不对")
    # one query: each case with its reception found or not (LEFT JOIN) and its live events in order,
    # a case's rows together (by the case's row id), so only one timeline is in memory at a time
    rows = (Case.select(Case.id, Case.number, Case.category, Case.handling, Case.status, Case.evaluation,
                        Case.rounds, Case.resolved_at, Case.reception_uid, Reception.id, CaseEvent.id,
                        CaseEvent.at, CaseEvent.action, CaseEvent.note, CaseEvent.department,
                        CaseEvent.deadline, CaseEvent.evaluation)
            .join_from(Case, Reception, pw.JOIN.LEFT_OUTER, on=(Reception.uid == Case.reception_uid))
            .join_from(Case, CaseEvent, pw.JOIN.LEFT_OUTER,
                       on=((CaseEvent.case_uid == Case.uid) & CaseEvent.deleted_at.is_null()))
            .where(Case.deleted_at.is_null()).order_by(Case.id, CaseEvent.at, CaseEvent.id).tuples().iterator())
    n_case = 0
    for c, steps in _cases_with_steps(rows):
        n_case += 1
        who = f"意见建议 {c.number}"
        if c.category not in Category.codes() or c.handling not in Handling.codes() \
                or c.status not in CaseStatus.codes():
            err(f"{who} 的类别、办理方式或状态代码无效")
        if c.reception_uid and c.reception_id is None:
            err(f"{who} 所属的接待记录不存在")
        try:
            state = replay(c.handling, steps)
        except IllegalStep as exc:
            err(f"{who} 的办理过程不合规：{exc.message}")
            continue
        if (state.status, state.evaluation, state.rounds) != (c.status, c.evaluation, c.rounds):
            err(f"{who} 的状态（{c.status}/{c.evaluation}/第{c.rounds}轮）与办理过程"
                f"（{state.status}/{state.evaluation}/第{state.rounds}轮）不一致")
        if (c.status == CaseStatus.RESOLVED.value) != (c.resolved_at is not None):
            err(f"{who} 的办结时间与状态不一致")
    for table, n in (("reception_fts", n_rec), ("case_fts", n_case)):
        indexed = introspect.keyword_index_rows(table)  # None on PostgreSQL: no index table
        if indexed is not None and indexed != n:
            err(f"检索索引 {table} 有 {indexed} 条，应为 {n} 条")


class _CaseRow(NamedTuple):
    number: str
    category: str
    handling: str
    status: str
    evaluation: str | None
    rounds: int
    resolved_at: object
    reception_uid: str | None
    reception_id: int | None  # None: the reception is not there


def _cases_with_steps(rows):
    """Each case with its steps, from rows (case columns, event columns) grouped by the case."""
    from station_app.domain.cases import Step

    for _case_id, group in itertools.groupby(rows, key=lambda r: r[0]):
        first = next(group)
        steps = [Step(action, at, note, dept, _date(deadline), ev)
                 for (*_c, event_id, at, action, note, dept, deadline, ev) in itertools.chain((first,), group)
                 if event_id is not None]
        yield _CaseRow(*first[1:10]), steps


def _date(value):
    import datetime as dt

    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
