"""接待登记: record a visit with its opinions in one transaction, find earlier visits of the same
person, list and search receptions page by page.

:func:`record_visit` checks every field first (a :class:`ValidationError` names each wrong field,
``opinions.N.field`` for the N-th opinion) and then writes the reception, its deputies, its cases
with their first events, the keyword index and the audit log — all or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from operator import itemgetter

import peewee as pw

from station_app.db import search, statements
from station_app.db.bulk import insert_row
from station_app.db.connection import database
from station_app.db.models import ActivityDay, Case, Deputy, Duty, Reception, ReceptionDeputy, new_uid
from station_app.db.rows import raw_tuples, tuples
from station_app.domain import clock
from station_app.domain import privacy as policy
from station_app.domain.codes import ActivityStatus, Channel
from station_app.domain.records import (
    OpinionData,
    Page,
    ReceptionData,
    ReceptionRecord,
    ReceptionRow,
    ReceptionRowPage,
    VisitorHistory,
    VisitorMatch,
)
from station_app.domain.validators import (
    check_date_range,
    check_id_number,
    check_name,
    check_phone,
    normalize_phone,
)
from station_app.errors import NotFoundError, ValidationError, check_not_stale
from station_app.printing.fonts import name_problem
from station_app.services import audit, cases, privacy
from station_app.services.station import SOLE, home_code, in_view, require_writable

FTS = "reception_fts"


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def time_key(t: dt.datetime) -> int:
    """Microseconds since 1970 of ``t``: the list order, and the keyword index's rowid."""
    return (clock.to_local(t) - _EPOCH) // dt.timedelta(microseconds=1)


def free_sort_key(t: dt.datetime) -> int:
    """:func:`time_key` of ``t``, or — when receptions already hold keys in that second from it
    on — one microsecond after the highest of them (one indexed query)."""
    k = time_key(t)
    top = (Reception.select(pw.fn.MAX(Reception.sort_key))
           .where(Reception.sort_key >= k, Reception.sort_key < k + 1_000_000).scalar())
    return k if top is None else top + 1


def search_text(row) -> str:
    """The text a reception is found by (visitor, phone, village, summary)."""
    return " ".join((row.visitor_name or "", row.visitor_phone or "", row.village or "", row.summary or ""))


def _record(row: Reception, names: dict[str, str], case_counts: dict[str, int],
            full: bool | None = None) -> ReceptionRecord:
    """The record as the current user sees it (privacy.shown); ``full`` True: unmasked (the edit form)."""
    uids = tuple(row.deputy_uids or ())
    return privacy.shown(ReceptionRecord(
        received_at=row.received_at, channel=row.channel, visitor_name=row.visitor_name,
        visitor_phone=row.visitor_phone, visitor_id_number=row.visitor_id_number, village=row.village,
        visitor_count=row.visitor_count, deputy_uids=uids, activity_day_uid=row.activity_day_uid,
        summary=row.summary, id=row.id, uid=row.uid, station_code=row.station_code,
        deputy_names=tuple(names[u] for u in uids if u in names), case_count=case_counts.get(row.uid, 0),
        created_at=getattr(row, "created_at", None), updated_at=getattr(row, "updated_at", None)), full=full)


# What a list row needs: plain named tuples of these, not model objects (a page of 256 rows is
# built in a third of the time).
LIST_COLUMNS = tuple(getattr(Reception, name) for name in ReceptionRow.COLUMNS[:-1])  # then the case count


# The live cases of the row, counted in the page's own statement (was a second query with 256 uids)
_CASE_COUNT = Case.select(pw.fn.COUNT(Case.id)).where(Case.reception_uid == Reception.uid, Case.deleted_at.is_null())
_SORT_KEY = 4  # position of sort_key in LIST_COLUMNS


def _uid_list(text) -> tuple[str, ...]:
    """The stored JSON list of uids (``'["a","b"]'``, as JsonField writes it) without json.loads."""
    if not text or text == "[]":
        return ()
    if text.startswith('["') and text.endswith('"]') and "\\" not in text:
        return tuple(text[2:-2].split('","'))
    return tuple(json.loads(text))


def _list_rows(q) -> list[tuple]:
    """Plain tuples of LIST_COLUMNS + the case count: no model objects, no per-field converters."""
    return raw_tuples(q.select(*LIST_COLUMNS, _CASE_COUNT.alias("case_count")))


def _list_records(rows: list[tuple]) -> list[ReceptionRecord]:
    """The page's records (:class:`ReceptionRow`: each field converted when it is read, so a
    page costs little beyond SQLite's answer). What needs the database is settled here, once a
    page: whether numbers are shown in full, and the deputies' names of each stored list."""
    lists = {t: _uid_list(t) for t in {r[11] for r in rows}}  # the same few deputy lists on many rows
    names = _deputy_names(list({u for uids in lists.values() for u in uids}))
    return ReceptionRow.of_rows(rows, ReceptionRowPage(privacy.revealed(), lists, names))


def _deputy_names(uids: list[str]) -> dict[str, str]:
    """``cases._names`` for a page: the statement kept per number of uids (db/statements.py)."""
    if not uids:
        return {}
    return dict(statements.rows(("deputy-names", len(uids)), uids,
                                lambda: Deputy.select(Deputy.uid, Deputy.name).where(Deputy.uid.in_(uids))))


def _records(rows: list[Reception], full: bool | None = None) -> list[ReceptionRecord]:
    names = cases._names(u for r in rows for u in (r.deputy_uids or ()))
    uids = [r.uid for r in rows]
    counts: dict[str, int] = {}
    if uids:
        q = (Case.select(Case.reception_uid, pw.fn.COUNT(Case.id)).where(Case.reception_uid.in_(uids),
             Case.deleted_at.is_null()).group_by(Case.reception_uid))
        counts = dict(tuples(q))
    full = privacy.revealed() if full is None else full
    return [_record(r, names, counts, full) for r in rows]


def get(uid: str) -> ReceptionRecord:
    """The reception ``uid`` as the current user sees it (numbers masked unless revealed);
    :class:`NotFoundError` when it is gone."""
    row = Reception.alive().where(Reception.uid == uid).first()
    if row is None:
        raise NotFoundError("找不到这次接待记录（可能已被删除）")
    return _records([row])[0]


def get_for_edit(uid: str) -> ReceptionRecord:
    """The reception ``uid`` for its edit form: the full phone and ID number for a user who may
    change records (so the form does not save stars over them), masked as :func:`get` for anyone else."""
    row = Reception.alive().where(Reception.uid == uid).first()
    if row is None:
        raise NotFoundError("找不到这次接待记录（可能已被删除）")
    return _records([row], full=True if privacy.for_editing() else None)[0]


# --- defaults for the form --------------------------------------------------------------------


def todays_activity_day(today: dt.date | None = None) -> ActivityDay | None:
    """The home station's activity day of ``today`` (default today), if any."""
    today = today or clock.today()
    return (ActivityDay.alive().where(ActivityDay.station_code == home_code(), ActivityDay.date == today,
                                      ActivityDay.status != ActivityStatus.CANCELLED.value).first())


def form_defaults(today: dt.date | None = None) -> ReceptionData:
    """Now, the duty deputies and the activity day of today (when there is one)."""
    day = todays_activity_day(today)
    duty: tuple[str, ...] = ()
    if day is not None:
        duty = tuple(d.deputy_uid for d in Duty.alive().where(Duty.activity_day_uid == day.uid).order_by(Duty.id))
    return ReceptionData(received_at=clock.now().replace(second=0, microsecond=0), channel=Channel.VISIT.value,
                         visitor_name="", deputy_uids=duty, activity_day_uid=day.uid if day else None)


def villages(prefix: str = "", limit: int = 30, station_code: str | None = SOLE) -> list[str]:
    """Villages of a station (None: of every station) for the autocomplete and the filters: the
    recent ones, or those starting with ``prefix`` (index range)."""
    station_code = in_view(station_code)
    prefix = (prefix or "").strip()
    if prefix:
        q = (Reception.select(Reception.village).where(Reception.village >= prefix, Reception.village < prefix + "\uffff")
             .distinct().order_by(Reception.village).limit(limit))
        if station_code is not None:
            q = q.where(Reception.station_code == station_code)
        return [r.village for r in q]
    recent = Reception.select(Reception.village).where(Reception.village != "")
    if station_code is not None:
        recent = recent.where(Reception.station_code == station_code)
    recent = recent.order_by(Reception.received_at.desc()).limit(2000)
    counts: dict[str, int] = {}
    for r in recent:
        counts[r.village] = counts.get(r.village, 0) + 1
    return sorted(counts, key=lambda v: (-counts[v], v))[:limit]


def find_visitors(text: str, limit: int = 10) -> list[VisitorMatch]:
    """(name, phone, village, shown phone) of earlier visitors whose name or phone starts with
    ``text``, newest first: the phone in full for a user who may register visits (it fills the
    form), the shown phone as the privacy policy has it."""
    text = (text or "").strip()
    if not text:
        return []
    digits = normalize_phone(text)
    col = Reception.visitor_phone if digits.isdigit() else Reception.visitor_name
    key = digits if digits.isdigit() else text
    q = (Reception.select(Reception.visitor_name, Reception.visitor_phone, Reception.village, Reception.received_at)
         .where(col >= key, col < key + "\uffff", Reception.deleted_at.is_null())
         .order_by(col, Reception.received_at.desc()).limit(200))
    seen: dict[tuple, None] = {}
    for r in q:
        seen.setdefault((r.visitor_name, r.visitor_phone, r.village), None)
        if len(seen) >= limit:
            break
    fill, full = privacy.for_editing(), privacy.revealed()
    return [VisitorMatch(n, p if fill else policy.phone(p, full), v, policy.phone(p, full)) for n, p, v in seen]


def same_id_other_name(id_number: str, name: str, *, station_code: str | None,
                       except_uid: str | None = None) -> ReceptionRecord | None:
    """The latest earlier visit whose ID number is ``id_number`` but whose visitor has another
    name than ``name`` (a typo in the number or the name, or one person under two names), or None.
    ``station_code`` None: any station of the database. One indexed look-up (schema 12)."""
    number = (id_number or "").strip().upper()
    name = (name or "").strip()
    if not number or not name or check_id_number(number):
        return None
    q = Reception.alive().where(Reception.visitor_id_number == number, Reception.visitor_name != name)
    if station_code:
        q = q.where(Reception.station_code == station_code)
    if except_uid:
        q = q.where(Reception.uid != except_uid)
    row = q.order_by(Reception.received_at.desc()).first()
    return _records([row])[0] if row is not None else None


def visitor_history(name: str = "", phone: str = "", limit: int = 10) -> VisitorHistory:
    """Earlier visits of this person (same phone, or same name when no phone) and their open cases."""
    phone = normalize_phone(phone)
    name = (name or "").strip()
    if not phone and not name:
        return VisitorHistory("", "", "", (), ())
    cond = (Reception.visitor_phone == phone) if phone else (Reception.visitor_name == name)
    rows = list(Reception.alive().where(cond, Reception.station_code == home_code())
                .order_by(Reception.received_at.desc()).limit(limit))
    visits = tuple(_records(rows))
    open_rows = []
    if rows:
        all_uids = Reception.select(Reception.uid).where(cond, Reception.deleted_at.is_null())
        open_rows = list(Case.alive().where(Case.reception_uid.in_(all_uids), Case.status.in_(cases.OPEN_STATUSES))
                         .order_by(Case.registered_at.desc()).limit(50))
    first = rows[0] if rows else None
    return VisitorHistory(first.visitor_name if first else name, privacy.phone(first.visitor_phone if first else phone),
                          first.village if first else "", visits, tuple(cases._records(open_rows)))


# --- saving -----------------------------------------------------------------------------------


def check(data: ReceptionData, opinions: Sequence[OpinionData] = ()) -> dict[str, str]:
    """Field → what to type instead (empty when the visit can be saved)."""
    errors: dict[str, str] = {}
    msg = check_name(data.visitor_name, "来访人姓名") or name_problem(data.visitor_name, "来访人姓名")
    if msg:
        errors["visitor_name"] = msg
    msg = check_phone(data.visitor_phone)
    if msg:
        errors["visitor_phone"] = msg
    msg = check_id_number(data.visitor_id_number)
    if msg:
        errors["visitor_id_number"] = msg
    if data.channel not in Channel.codes():
        errors["channel"] = "请选择来访方式"
    if not isinstance(data.visitor_count, int) or not 1 <= data.visitor_count <= 9999:
        errors["visitor_count"] = "来访人数应为1到9999之间的整数（集体来访填总人数）"
    if len((data.village or "").strip()) > 60:
        errors["village"] = "村（社区）名称太长（最多60字）"
    if len(data.summary or "") > 4000:
        errors["summary"] = "接待情况太长（最多4000字）"
    if data.received_at is None:
        errors["received_at"] = "请填写接待时间"
    elif problem := check_date_range(data.received_at, "接待日期"):
        errors["received_at"] = problem
    elif clock.to_local(data.received_at) > clock.now() + dt.timedelta(minutes=5):
        errors["received_at"] = "接待时间不能晚于现在"
    if data.deputy_uids:
        known = {u for (u,) in tuples(Deputy.select(Deputy.uid).where(Deputy.uid.in_(list(data.deputy_uids)),
                                                                        Deputy.deleted_at.is_null()))}
        if known != set(data.deputy_uids):
            errors["deputy_uids"] = "接待代表中有人已被删除，请重新选择"
    if data.activity_day_uid and not ActivityDay.alive().where(ActivityDay.uid == data.activity_day_uid).exists():
        errors["activity_day_uid"] = "所选活动日不存在"
    for i, op in enumerate(opinions):
        errors.update(cases.check_opinion(op, f"opinions.{i}."))
    return errors


def _clean(data: ReceptionData) -> dict:
    return {"received_at": clock.to_local(data.received_at), "channel": data.channel,
            "visitor_name": data.visitor_name.strip(), "visitor_phone": normalize_phone(data.visitor_phone),
            "visitor_id_number": (data.visitor_id_number or "").strip().upper(), "village": (data.village or "").strip(),
            "visitor_count": data.visitor_count, "deputy_uids": list(dict.fromkeys(data.deputy_uids)),
            "activity_day_uid": data.activity_day_uid or None, "summary": (data.summary or "").strip()}


def record_visit(data: ReceptionData, opinions: Sequence[OpinionData] = ()) -> ReceptionRecord:
    """Save one visit and its opinions (cases), or nothing (:class:`ValidationError`)."""
    errors = check(data, opinions)
    if errors:
        raise ValidationError(errors)
    code = home_code()
    require_writable(code, "保存接待登记")
    values = _clean(data)
    with database.atomic():
        fields = {"uid": new_uid(), "station_code": code, "sort_key": free_sort_key(values["received_at"]), **values}
        row = Reception(id=insert_row(Reception, **fields), **fields)  # what was written, not read back
        if values["deputy_uids"]:
            ReceptionDeputy.insert_many([{"reception_uid": row.uid, "deputy_uid": u}
                                         for u in values["deputy_uids"]]).execute()
        search.index_row(FTS, row.sort_key, search_text(row))
        numbers = [cases.create_in_transaction(op, row, values["received_at"], code).number for op in opinions]
        audit.record("create", "reception", row.uid, None,
                     {"visitor_name": row.visitor_name, "channel": row.channel, "cases": numbers},
                     summary=f"接待登记：{row.visitor_name}" + (f"，意见建议 {'、'.join(numbers)}" if numbers else ""),
                     station_code=code)
    # the user who just typed the numbers may change records: they get back what they typed
    return _record(row, cases._names(values["deputy_uids"]), {row.uid: len(numbers)}, full=True)


def add_opinion(reception_uid: str, op: OpinionData) -> str:
    """Add one more opinion to an earlier visit; returns its case number."""
    errors = cases.check_opinion(op)
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        row = Reception.alive().where(Reception.uid == reception_uid).first()
        if row is None:
            raise NotFoundError("找不到这次接待记录（可能已被删除）")
        require_writable(row.station_code, "添加意见建议")
        return cases.create_in_transaction(op, row, clock.now(), row.station_code).number


def update(uid: str, data: ReceptionData, expected_updated_at=None) -> ReceptionRecord:
    """Correct a visit's fields (its cases keep their own state); refused with
    :class:`StaleEdit` when the visit changed since the form read ``expected_updated_at``."""
    errors = check(data)
    if errors:
        raise ValidationError(errors)
    values = _clean(data)
    with database.atomic():
        row = Reception.alive().where(Reception.uid == uid).first()
        if row is None:
            raise NotFoundError("找不到这次接待记录（可能已被删除）")
        require_writable(row.station_code, "修改接待登记")
        check_not_stale(row.updated_at, expected_updated_at)
        before = {k: getattr(row, k) for k in values}
        search.unindex_row(FTS, row.sort_key, search_text(row))
        if values["received_at"] != row.received_at:
            values["sort_key"] = free_sort_key(values["received_at"])
        Reception.update(updated_at=clock.now_ts(), **values).where(Reception.id == row.id).execute()
        values.pop("sort_key", None)
        ReceptionDeputy.delete().where(ReceptionDeputy.reception_uid == uid).execute()
        for d in values["deputy_uids"]:
            ReceptionDeputy.create(reception_uid=uid, deputy_uid=d)
        fresh = Reception.get_by_id(row.id)
        search.index_row(FTS, fresh.sort_key, search_text(fresh))
        if (fresh.visitor_name, fresh.village) != (row.visitor_name, row.village):
            for c in Case.alive().where(Case.reception_uid == uid):  # their index text holds the visitor
                search.unindex_row(cases.FTS, c.id, cases.search_text(c, row.visitor_name, row.village))
                search.index_row(cases.FTS, c.id, cases.search_text(c, fresh.visitor_name, fresh.village))
        changed = audit.diff({k: str(v) for k, v in before.items()}, {k: str(v) for k, v in values.items()})
        audit.record("update", "reception", uid, {k: v[0] for k, v in changed.items()},
                     {k: v[1] for k, v in changed.items()}, summary=f"修改接待登记：{fresh.visitor_name}",
                     station_code=row.station_code)
    return get_for_edit(uid)


def delete(uid: str) -> int:
    """Tombstone a visit entered by mistake, with its cases; returns how many cases went with it."""
    with database.atomic():
        row = Reception.alive().where(Reception.uid == uid).first()
        if row is None:
            raise NotFoundError("找不到这次接待记录（可能已被删除）")
        require_writable(row.station_code, "删除接待登记")
        linked = [c.uid for c in Case.alive().where(Case.reception_uid == uid)]
        for c in linked:
            cases.delete(c)
        now = clock.now_ts()
        Reception.update(deleted_at=now, updated_at=now).where(Reception.id == row.id).execute()
        ReceptionDeputy.delete().where(ReceptionDeputy.reception_uid == uid).execute()
        search.unindex_row(FTS, row.sort_key, search_text(row))
        audit.record("delete", "reception", uid, {"visitor_name": row.visitor_name}, None,
                     summary=f"删除接待登记：{row.visitor_name}", station_code=row.station_code)
    return len(linked)


# --- lists ------------------------------------------------------------------------------------


def _local_midnight(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, tzinfo=clock.zone())


def _filtered(channel: str | None = None, village: str | None = None, deputy_uid: str | None = None,
              date_from: dt.date | None = None, date_to: dt.date | None = None,
              activity_day_uid: str | None = None, station_code: str | None = SOLE):
    """The live receptions of station ``station_code`` (None: every station, 全县; default: the
    database's only station, never a guess among several) that pass the filters."""
    station_code = in_view(station_code)
    errors = {k: m for k, m in (("date_from", check_date_range(date_from, "开始日期")),
                                 ("date_to", check_date_range(date_to, "结束日期"))) if m}
    if errors:
        raise ValidationError(errors)
    q = Reception.alive()
    if station_code is not None:
        q = q.where(Reception.station_code == station_code)
    if channel:
        q = q.where(Reception.channel == channel)
    if village:
        q = q.where(Reception.village == village)
    if deputy_uid:
        q = q.where(Reception.uid.in_(ReceptionDeputy.select(ReceptionDeputy.reception_uid)
                                      .where(ReceptionDeputy.deputy_uid == deputy_uid)))
    if activity_day_uid:
        q = q.where(Reception.activity_day_uid == activity_day_uid)
    if date_from:  # local days as ranges of the list's own key: one index serves filter and order
        q = q.where(Reception.sort_key >= time_key(_local_midnight(date_from)))
    if date_to:
        q = q.where(Reception.sort_key < time_key(_local_midnight(date_to + dt.timedelta(days=1))))
    return q


SEARCHED = (Reception.visitor_name, Reception.visitor_phone, Reception.village, Reception.summary)


def page(after: tuple | None = None, limit: int = 256, keyword: str = "", **filters) -> Page:
    """One page of receptions, newest first (keyset on ``sort_key``: no OFFSET at any depth).

    With a keyword on SQLite the index pages itself, newest hit first (see db/search.py); the
    filters apply to each batch of hits."""
    if not keyword.strip() and not any(v for k, v in filters.items() if k != "station_code"):
        rows = _plain_page(in_view(filters.get("station_code", SOLE)), after[0] if after else None, limit)
        nxt = (rows[-1][_SORT_KEY],) if len(rows) == limit else None
        return Page(tuple(_list_records(rows)), nxt)
    q = _filtered(**filters)
    if keyword.strip() and search.usable(keyword):
        rows = _page_from_index(q, after[0] if after else None, limit, keyword)
    else:
        if keyword.strip():
            q = q.where(search.like_filter(list(SEARCHED), keyword))
        if after is not None:
            q = q.where(Reception.sort_key < after[0])
        rows = _list_rows(q.order_by(Reception.sort_key.desc()).limit(limit))
    nxt = (rows[-1][_SORT_KEY],) if len(rows) == limit else None
    return Page(tuple(_list_records(rows)), nxt)


def _plain_page(code: str | None, below: int | None, limit: int) -> list:
    """A page of the list without filters or keyword (browsing 接待登记 at any depth): its
    statement is built once per shape (db/statements.py) — building it took longer than SQLite's
    answer."""
    def build():
        q = Reception.alive()
        if code is not None:
            q = q.where(Reception.station_code == code)
        if below is not None:
            q = q.where(Reception.sort_key < below)
        return q.order_by(Reception.sort_key.desc()).limit(limit).select(*LIST_COLUMNS, _CASE_COUNT.alias("case_count"))

    params = [v for v in (code, below) if v is not None] + [limit]
    return statements.rows(("reception-page", code is None, below is None), params, build)


def _page_from_index(q, below: int | None, limit: int, keyword: str) -> list:
    confirm = None if search.exact(keyword) else search.like_filter(list(SEARCHED), keyword)
    out: list = []
    batch = max(limit, 128)
    while len(out) < limit:
        keys = search.newest_rowids(FTS, keyword, below, batch)
        if not keys:
            break
        sub = q.where(Reception.sort_key.in_(keys))
        if confirm is not None:
            sub = sub.where(confirm)
        found = sorted(_list_rows(sub), key=itemgetter(_SORT_KEY), reverse=True)
        out.extend(found[: limit - len(out)])
        if len(keys) < batch:
            break
        below = keys[-1]
        batch = min(batch * 4, 8192)  # filters reject many: read further ahead
    return out


def count(keyword: str = "", **filters) -> int:
    """How many receptions the list holds for these filters and keyword."""
    q = _filtered(**filters)
    if not keyword.strip():
        plain = not any(v for k, v in filters.items() if k != "station_code")
        if plain and search.is_sqlite() and len(_station_codes()) <= 1:
            return search.indexed_rows(FTS)  # the index holds exactly the live rows: no 1M-row walk
        return q.count()
    if search.usable(keyword):
        plain = not any(v for k, v in filters.items() if k != "station_code")
        if plain and search.exact(keyword) and len(_station_codes()) <= 1:
            return search.hit_count(FTS, keyword)  # the index holds exactly this station's live rows
        q = q.where(search.index_filter(FTS, Reception.sort_key, keyword))
        if search.exact(keyword):
            return q.count()
    return q.where(search.like_filter(list(SEARCHED), keyword)).count()


def _station_codes() -> list[str]:
    from station_app.db.models import Station

    return [s.code for s in Station.select(Station.code)]
