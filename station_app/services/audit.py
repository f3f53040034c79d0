"""The audit log: every change a user makes — who, when, what, before → after."""

from __future__ import annotations

from station_app.db.bulk import insert_row
from station_app.db.models import AuditLog
from station_app.domain.records import AuditEntry
from station_app.services.context import current_actor


def record(action: str, table: str, uid: str, before: dict | None, after: dict | None,
           summary: str = "", station_code: str = "") -> None:
    """Write one entry. Call inside the same transaction as the change itself."""
    insert_row(AuditLog, actor=current_actor()[:40], action=action, table_name=table, record_uid=uid,
               station_code=station_code, before=before, after=after, summary=summary[:200])


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
