"""The audit log: every change a user makes — who, when, what, before → after."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from station_app.db import audit_store
from station_app.db.bulk import insert_row
from station_app.db.models import AuditLog
from station_app.db.rows import tuples
from station_app.domain import clock
from station_app.domain.audit_chain import COLUMNS, ChainFinding, entry_hash, first_break
from station_app.domain.audit_chain import action_label as _action_label
from station_app.domain.audit_chain import table_label as _table_label
from station_app.domain.records import AuditEntry, Page
from station_app.domain.roles import Permission
from station_app.services import context
from station_app.services.context import current_actor


def record(action: str, table: str, uid: str, before: dict | None, after: dict | None,
           summary: str = "", station_code: str = "") -> None:
    """Write one entry. Call inside the same transaction as the change itself.

    The entry takes the next ``seq`` and chains to the newest entry's hash (domain/audit_chain.py);
    on PostgreSQL the chain is locked until the caller's transaction ends (db/audit_store.py).

    Every change a user makes passes here, so this is also the services' last word on permission:
    a user whose role may not change records (只读) is refused here even where a service forgot to
    ask (the exception rolls the caller's transaction back). Events (:func:`event`) are not changes."""
    if before is not None or after is not None:
        context.require(Permission.CHANGE)
    _write(action, table, uid, before, after, summary, station_code)


def _write(action: str, table: str, uid: str, before: dict | None, after: dict | None,
           summary: str, station_code: str) -> None:
    values = dict(at=clock.now_ts(), actor=current_actor()[:40], action=action[:20], table_name=table[:40],
                  record_uid=uid[:64], station_code=station_code[:32], before=before, after=after,
                  summary=summary[:200])
    stored = {name: getattr(AuditLog, name).db_value(values[name]) for name in COLUMNS}
    with audit_store.writing():
        audit_store.lock_chain()
        seq, prev = audit_store.newest_link()
        digest = entry_hash(seq + 1, prev, stored)
        insert_row(AuditLog, seq=seq + 1, prev_hash=prev, hash=digest, **values)


def event(action: str, summary: str = "", table: str = "user", uid: str = "", station_code: str = "") -> None:
    """Record an event that is not a record's change: login, login_failed, lock, unlock, unmask,
    export, import, print, restore, backup. The actor is the logged-in user (services/context.py).

    The privacy code calls ``event("unmask", "查看了…的完整电话", table, uid)`` when a user shows a
    full phone or ID number."""
    _write(action, table, uid, None, None, summary, station_code)


def verify_chain() -> ChainFinding | None:
    """The first entry edited, deleted or inserted since it was written, or ``None`` when the chain
    is whole. Streams the log in seq order (flat memory)."""
    return first_break(audit_store.stream_links())


def diff(before: dict | None, after: dict | None) -> dict[str, tuple]:
    """Fields that changed: ``{field: (old, new)}``."""
    before = before or {}
    after = after or {}
    keys = [k for k in after if k in before or after[k] not in (None, "")] + [k for k in before if k not in after]
    return {k: (before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)}


def entries(record_uid: str | None = None, table: str | None = None, limit: int = 200) -> list[AuditEntry]:
    """The newest audit entries (of one record or table when given), newest first."""
    query = AuditLog.select().order_by(AuditLog.id.desc()).limit(limit)
    if record_uid:
        query = query.where(AuditLog.record_uid == record_uid)
    if table:
        query = query.where(AuditLog.table_name == table)
    return [
        AuditEntry(at=r.at, actor=r.actor, action=r.action, table_name=r.table_name,
                   record_uid=r.record_uid, summary=r.summary, before=r.before, after=r.after)
        for r in query
    ]


# -- the 审计日志 page: filtered, paged, newest first ---------------------------------------

@dataclass(frozen=True)
class AuditRow:
    """One entry as the 审计日志 page and its export show it."""

    row_id: int
    seq: int | None
    at: dt.datetime
    actor: str
    action: str
    table_name: str
    record_uid: str
    station_code: str
    summary: str

    @property
    def action_label(self) -> str:
        """The action in Chinese (新增, 修改…), or its code when it has no label."""
        return _action_label(self.action)

    @property
    def table_label(self) -> str:
        """The table in Chinese (代表, 接待登记…), or its name when it has no label."""
        return _table_label(self.table_name)


@dataclass(frozen=True)
class AuditChoices:
    """What the page's filters offer: the users, actions and tables the log holds."""

    users: tuple[str, ...]
    actions: tuple[str, ...]
    tables: tuple[str, ...]


def _filtered(user: str = "", action: str = "", table: str = "", date_from: dt.date | None = None,
              date_to: dt.date | None = None):
    q = AuditLog.select(AuditLog.id, AuditLog.seq, AuditLog.at, AuditLog.actor, AuditLog.action, AuditLog.table_name,
                        AuditLog.record_uid, AuditLog.station_code, AuditLog.summary)
    if user:
        q = q.where(AuditLog.actor == user)
    if action:
        q = q.where(AuditLog.action == action)
    if table:
        q = q.where(AuditLog.table_name == table)
    if date_from is not None:
        q = q.where(AuditLog.at >= clock.day_start_ts(date_from))
    if date_to is not None:
        q = q.where(AuditLog.at < clock.day_start_ts(date_to + dt.timedelta(days=1)))
    return q


def _rows(q) -> list[AuditRow]:
    return [AuditRow(*t) for t in q.tuples()]


def query(user: str = "", action: str = "", table: str = "", date_from: dt.date | None = None,
          date_to: dt.date | None = None, limit: int = 200, offset: int = 0) -> list[AuditRow]:
    """Entries matching the filters (each one ignored when empty), newest first."""
    q = _filtered(user, action, table, date_from, date_to)
    return _rows(q.order_by(AuditLog.id.desc()).limit(limit).offset(offset))


def count(user: str = "", action: str = "", table: str = "", date_from: dt.date | None = None,
          date_to: dt.date | None = None) -> int:
    """How many entries match the filters."""
    return _filtered(user, action, table, date_from, date_to).count()


def page(after: tuple | None = None, limit: int = 256, **filters) -> Page:
    """One page of :func:`query` for the page's table model, keyset on the row id (no OFFSET)."""
    q = _filtered(**filters)
    if after is not None:
        q = q.where(AuditLog.id < after[0])
    rows = _rows(q.order_by(AuditLog.id.desc()).limit(limit))
    return Page(tuple(rows), (rows[-1].row_id,) if len(rows) == limit else None)


def choices() -> AuditChoices:
    """The distinct users, actions and tables in the log, sorted."""
    def distinct(field) -> tuple[str, ...]:
        found: list[str] = [v for (v,) in tuples(AuditLog.select(field).distinct())]
        return tuple(sorted(v for v in found if v))

    return AuditChoices(distinct(AuditLog.actor), distinct(AuditLog.action), distinct(AuditLog.table_name))


def chain_status() -> str:
    """完整, or the first broken entry in words (the page's status line)."""
    finding = verify_chain()
    return "完整" if finding is None else finding.message
