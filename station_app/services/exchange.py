"""The USB exchange (EXCHANGE_FORMAT §2): a station exports one package to a stick; the county
imports every station's packages and sees each station's chain.

Export (:func:`export_package`) streams each table in keyset chunks straight into its
``data/{table}.jsonl`` member (nothing holds all rows), adds the photos and evidence files the
records name, a 台账 workbook and the 汇总 PDF under ``reports/``, and writes ``manifest.json``
last. The zip goes to a temp name in the target folder, is fsynced and renamed, then opened again
and every hash and count checked; any failure leaves nothing under the final name.

Import (:func:`import_packages`) checks the package before writing anything: manifest, version,
member names, sizes and ratios (:func:`_check_members`), then every member's sha256 and line count
in one pass at the speed of zlib (:func:`_check_hashes`). It then opens the package's one
transaction and streams the records through the record rules (:class:`_Checker`: fields, codes,
station, unique uids, references, attachments) into the merge by uid (:func:`_merge`): a reader
thread inflates, parses and checks the next batch while this thread writes the one before; new
rows go in through ``bulk_insert``, newer rows are updated with one prepared UPDATE, the keyword
index and ``reception_deputy`` follow. The first broken record, reference or hash rolls the
transaction back: a rejected package leaves the database exactly as it was and is not even logged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import json
import multiprocessing
import os
import queue
import shutil
import tempfile
import threading
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pyzipper

from station_app import __version__
from station_app.db import search
from station_app.db.bulk import bulk_insert
from station_app.db.connection import database, is_sqlite
from station_app.db.models import (
    ActivityDay,
    Attendance,
    Case,
    CaseEvent,
    Deputy,
    Duty,
    DutyRecord,
    ExchangeImported,
    ExchangeSent,
    Reception,
    ReceptionDeputy,
    ScoreYearClosing,
    ScoreYearGrade,
    ScoringRules,
    Station,
)
from station_app.domain import clock
from station_app.domain import package as pk
from station_app.domain.codes import (
    ActivityKind,
    ActivityStatus,
    AttendanceStatus,
    CaseAction,
    CaseStatus,
    Category,
    Channel,
    Evaluation,
    Gender,
    Handling,
    levels_label,
    levels_to_mask,
    mask_to_levels,
)
from station_app.domain.masking import mask_id_number, mask_phone
from station_app.errors import KnownError, StorageError, os_reason, storage_error_from_oserror
from station_app.fileio import fsync_dir
from station_app.services import audit, settings

CHUNK = 5000  # rows per read / per merge step
BUFFER = 1 << 20  # bytes collected before a write into a zip member
COMPRESS_LEVEL = 1  # deflate level 1: half the time of level 6 for 10 % more bytes (BASELINES)
XLSX_CAP = 5_000  # rows a sheet of the 台账 (~100 printed pages; openpyxl ~150 µs a row); data/ holds everything
# zip-bomb bounds: what a real package of 1M+ rows needs, with room, and no more
# from this many records a child process takes the export's reports and the import's record checks
# (a core of their own); below it starting one costs more than it saves
PARALLEL_MIN_RECORDS = 50_000
MAX_TOTAL_BYTES = 32 << 30
MAX_MEMBER_BYTES = 16 << 30
MAX_RATIO = 100  # uncompressed ÷ compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1 << 20
MAX_MANIFEST_BYTES = 4 << 20
MAX_MEMBERS = 200_000
DUTY_NAMESPACE = uuid.UUID("6b1f3c52-9a4e-4c1b-8f0e-2d7a5e3c9b10")  # duty rows derived from duty_deputy_uids

ProgressFn = Callable[[int, int], bool]


class ExportCancelled(KnownError):
    """The clerk cancelled the export; nothing was written under the package's name."""

    def __init__(self, message: str = "已取消导出，没有写入数据包。"):
        super().__init__(message)


@dataclass(frozen=True)
class ExportResult:
    path: str
    package_id: str
    kind: str  # full / incremental
    counts: dict  # {table: records, ..., "attachments": files}
    bytes: int
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    previous_package_id: str | None = None


@dataclass
class ImportReport:
    package: str  # the path as given
    status: str  # imported / rejected
    reason: str = ""  # why it was rejected (Chinese); empty when imported
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    package_id: str | None = None
    station_code: str | None = None
    tables: dict = field(default_factory=dict)  # {table: {"inserted": n, "updated": n, "unchanged": n}}

    def to_json(self) -> dict:
        """Exactly the keys of EXCHANGE_FORMAT §2.4."""
        return {"package": self.package, "status": self.status, "reason": self.reason,
                "inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged}


@dataclass(frozen=True)
class StationStatus:
    code: str
    name: str
    packages: int
    last_imported_at: dt.datetime | None
    period_from: dt.date | None
    period_to: dt.date | None
    gap: bool
    gap_note: str


@dataclass(frozen=True)
class SentPackage:
    package_id: str
    kind: str
    period_from: dt.date
    period_to: dt.date
    created_at: dt.datetime
    file_name: str
    previous_package_id: str | None


# ==================================================================================================
# SQL helpers
# ==================================================================================================

def _q(name: str) -> str:
    q = database.obj.quote
    return f"{q[0]}{name}{q[1]}"


def _p() -> str:
    return database.obj.param


def _table(model) -> str:
    return _q(model._meta.table_name)


_COMMON = ("uid", "station_code", "created_at", "updated_at", "deleted_at")
# the columns of the rows the merge builds, in their order (peewee's field order differs where a
# model redefines station_code, so it is never relied on)
MERGE_COLUMNS = {
    "deputy": _COMMON + ("name", "gender", "ethnicity", "birth_date", "party", "levels_mask", "sector", "group_name",
                         "phone", "term", "active", "photo", "note", "commitment", "sort_order", "public_phone"),
    "activity_day": _COMMON + ("date", "start_time", "end_time", "kind", "theme", "place", "host", "status", "agenda",
                               "discussion", "decisions", "follow_ups", "origin", "original_date", "change_reason"),
    "duty": _COMMON + ("activity_day_uid", "deputy_uid", "manual", "note"),
    "attendance": _COMMON + ("activity_day_uid", "deputy_uid", "status"),
    "reception": _COMMON + ("received_at", "sort_key", "channel", "visitor_name", "visitor_phone", "visitor_id_number",
                            "village", "visitor_count", "deputy_uids", "activity_day_uid", "summary"),
    "case": _COMMON + ("reception_uid", "number", "registered_at", "category", "content", "handling", "urgency",
                       "department", "co_departments", "deadline", "status", "evaluation", "rounds", "resolved_at"),
    "case_event": _COMMON + ("case_uid", "at", "action", "actor", "note", "round", "department", "deadline",
                             "evaluation"),
    "duty_record": _COMMON + ("deputy_uid", "date", "indicator_code", "quantity", "points", "source", "source_uid",
                              "note", "evidence", "verified", "reviewer", "reviewed_at"),
}


def _columns(model) -> tuple[str, ...]:
    return MERGE_COLUMNS[model._meta.table_name]


def _fields(model) -> list:
    return [model._meta.columns[c] for c in _columns(model)]


def _in(n: int) -> str:
    return "(" + ", ".join([_p()] * n) + ")"


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _station_filter() -> str:
    # SQLite: "+station_code" keeps the planner on the rowid range instead of a station index plus a
    # sort per chunk (a million-row table would be read quadratically). PostgreSQL has no such trap.
    return ("+" if is_sqlite() else "") + _q("station_code")


# ==================================================================================================
# Export: tables → records
# ==================================================================================================

@dataclass
class _Source:
    table: str
    model: type
    columns: tuple[str, ...]
    to_record: Callable  # (row tuple without id, context) -> dict


def _b(v) -> bool:
    return bool(v)


def _deputy_record(r, _ctx) -> dict:
    (uid, code, created, updated, deleted, name, gender, ethnicity, birth, party, mask, sector, group, phone, term,
     active, photo, note, commitment, sort_order, public_phone) = r
    return {"uid": uid, "station_code": code, "created_at": created, "updated_at": updated, "deleted_at": deleted,
            "name": name, "gender": gender, "ethnicity": ethnicity, "birth_date": birth, "party": party,
            "levels": [lv.value for lv in mask_to_levels(mask or 0)], "sector": sector, "group": group,
            "phone": phone, "term": term, "active": _b(active), "photo": photo, "note": note,
            "commitment": commitment, "sort_order": sort_order, "public_phone": public_phone}


def _day_record(r, ctx) -> dict:
    (uid, code, created, updated, deleted, date, start, end, kind, theme, place, host, status, agenda, discussion,
     decisions, follow_ups, origin, original_date, change_reason) = r
    duties = ctx["duties"].get(uid, [])
    parts = {"agenda": agenda, "discussion": discussion, "decisions": decisions, "follow_ups": follow_ups}
    return {"uid": uid, "station_code": code, "created_at": created, "updated_at": updated, "deleted_at": deleted,
            "date": date, "start_time": start, "end_time": end, "kind": kind, "theme": theme, "place": place,
            "host": host, "status": status, "minutes": pk.minutes_text(parts),
            "duty_deputy_uids": [d["deputy_uid"] for d in duties if d["deleted_at"] is None],
            **parts, "origin": origin, "original_date": original_date, "change_reason": change_reason,
            "duties": duties}


def _attendance_record(r, _ctx) -> dict:
    uid, code, created, updated, deleted, day_uid, deputy_uid, status = r
    return {"uid": uid, "station_code": code, "created_at": created, "updated_at": updated, "deleted_at": deleted,
            "activity_day_uid": day_uid, "deputy_uid": deputy_uid, "status": status}


def _reception_record(r, _ctx) -> dict:
    (uid, code, created, updated, deleted, received, channel, name, phone, id_number, village, count, deputy_uids,
     day_uid, summary) = r
    return {"uid": uid, "station_code": code, "created_at": created, "updated_at": updated, "deleted_at": deleted,
            "received_at": received, "channel": channel, "visitor_name": name, "visitor_phone": phone,
            "visitor_id_number": id_number, "village": village, "visitor_count": count,
            "deputy_uids": json.loads(deputy_uids) if deputy_uids else [], "activity_day_uid": day_uid,
            "summary": summary}


def _case_record(r, _ctx) -> dict:
    (uid, code, created, updated, deleted, reception_uid, number, registered, category, content, handling, urgency,
     department, co_departments, deadline, status, evaluation, rounds, resolved) = r
    return {"uid": uid, "station_code": code, "created_at": created, "updated_at": updated, "deleted_at": deleted,
            "reception_uid": reception_uid, "number": number, "registered_at": registered, "category": category,
            "content": content, "handling": handling, "department": department, "deadline": deadline,
            "status": status, "evaluation": evaluation, "rounds": rounds, "resolved_at": resolved,
            "urgency": urgency, "co_departments": json.loads(co_departments) if co_departments else []}


def _event_record(r, _ctx) -> dict:
    (uid, code, created, updated, deleted, case_uid, at, action, actor, note, rnd, department, deadline,
     evaluation) = r
    return {"uid": uid, "station_code": code, "created_at": created, "updated_at": updated, "deleted_at": deleted,
            "case_uid": case_uid, "at": at, "action": action, "actor": actor, "note": note, "round": rnd,
            "department": department, "deadline": deadline, "evaluation": evaluation}


def _duty_record(r, _ctx) -> dict:
    (uid, code, created, updated, deleted, deputy_uid, date, indicator, quantity, points, source, source_uid, note,
     evidence, verified, reviewer, reviewed_at) = r
    return {"uid": uid, "station_code": code, "created_at": created, "updated_at": updated, "deleted_at": deleted,
            "deputy_uid": deputy_uid, "date": date, "indicator_code": indicator, "quantity": quantity,
            "points": points, "source": source, "source_uid": source_uid, "note": note, "verified": _b(verified),
            "evidence": evidence, "reviewer": reviewer, "reviewed_at": reviewed_at}


SOURCES = {
    "deputies": _Source("deputies", Deputy, tuple(_c for _c in (
        "uid", "station_code", "created_at", "updated_at", "deleted_at", "name", "gender", "ethnicity", "birth_date",
        "party", "levels_mask", "sector", "group_name", "phone", "term", "active", "photo", "note", "commitment",
        "sort_order", "public_phone")), _deputy_record),
    "activity_days": _Source("activity_days", ActivityDay, (
        "uid", "station_code", "created_at", "updated_at", "deleted_at", "date", "start_time", "end_time", "kind",
        "theme", "place", "host", "status", "agenda", "discussion", "decisions", "follow_ups", "origin",
        "original_date", "change_reason"), _day_record),
    "attendances": _Source("attendances", Attendance, (
        "uid", "station_code", "created_at", "updated_at", "deleted_at", "activity_day_uid", "deputy_uid", "status"),
        _attendance_record),
    "receptions": _Source("receptions", Reception, (
        "uid", "station_code", "created_at", "updated_at", "deleted_at", "received_at", "channel", "visitor_name",
        "visitor_phone", "visitor_id_number", "village", "visitor_count", "deputy_uids", "activity_day_uid",
        "summary"), _reception_record),
    "cases": _Source("cases", Case, (
        "uid", "station_code", "created_at", "updated_at", "deleted_at", "reception_uid", "number", "registered_at",
        "category", "content", "handling", "urgency", "department", "co_departments", "deadline", "status",
        "evaluation", "rounds", "resolved_at"), _case_record),
    "case_events": _Source("case_events", CaseEvent, (
        "uid", "station_code", "created_at", "updated_at", "deleted_at", "case_uid", "at", "action", "actor", "note",
        "round", "department", "deadline", "evaluation"), _event_record),
    "duty_records": _Source("duty_records", DutyRecord, (
        "uid", "station_code", "created_at", "updated_at", "deleted_at", "deputy_uid", "date", "indicator_code",
        "quantity", "points", "source", "source_uid", "note", "evidence", "verified", "reviewer", "reviewed_at"),
        _duty_record),
}


def _changed_day_uids(code: str, since: str | None) -> list[str]:
    """Activity days whose duty rows changed since ``since`` (a swap touches only the duty rows)."""
    if since is None:
        return []
    sql = (f"SELECT DISTINCT {_q('activity_day_uid')} FROM {_table(Duty)} "
           f"WHERE {_q('station_code')} = {_p()} AND {_q('updated_at')} >= {_p()}")
    return [r[0] for r in database.execute_sql(sql, (code, since)).fetchall()]


def _where(code: str, since: str | None, extra_uids: list[str]) -> tuple[str, list]:
    sql = f"{_station_filter()} = {_p()}"
    params: list = [code]
    if since is not None:
        if extra_uids:
            sql += f" AND ({_q('updated_at')} >= {_p()} OR {_q('uid')} IN {_in(len(extra_uids))})"
            params += [since, *extra_uids]
        else:
            sql += f" AND {_q('updated_at')} >= {_p()}"
            params.append(since)
    return sql, params


def _count(src: _Source, code: str, since: str | None, extra: list[str]) -> int:
    where, params = _where(code, since, extra)
    return database.execute_sql(f"SELECT COUNT(*) FROM {_table(src.model)} WHERE {where}", params).fetchone()[0]


def _read_rows(src: _Source, code: str, since: str | None, extra: list[str],
               live: bool = False) -> Iterator[list[tuple]]:
    """The table's rows of the station (changed since ``since``; not deleted when ``live``) in
    chunks, keyset on id."""
    where, params = _where(code, since, extra)
    if live:
        where += f" AND {_q('deleted_at')} IS NULL"
    cols = ", ".join(_q(c) for c in ("id", *src.columns))
    sql = (f"SELECT {cols} FROM {_table(src.model)} WHERE {where} AND {_q('id')} > {_p()} "
           f"ORDER BY {_q('id')} LIMIT {CHUNK}")
    last = 0
    while True:
        rows = database.execute_sql(sql, [*params, last]).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield [r[1:] for r in rows]


def _duties_of(day_uids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    if not day_uids:
        return out
    cols = ("activity_day_uid", "uid", "deputy_uid", "manual", "note", "created_at", "updated_at", "deleted_at")
    sql = (f"SELECT {', '.join(_q(c) for c in cols)} FROM {_table(Duty)} "
           f"WHERE {_q('activity_day_uid')} IN {_in(len(day_uids))} ORDER BY {_q('id')}")
    for day, uid, deputy, manual, note, created, updated, deleted in database.execute_sql(sql, day_uids).fetchall():
        out.setdefault(day, []).append({"uid": uid, "deputy_uid": deputy, "manual": bool(manual), "note": note,
                                        "created_at": created, "updated_at": updated, "deleted_at": deleted})
    return out


# ==================================================================================================
# Export: the 台账 workbook
# ==================================================================================================

def _t(ts) -> str:
    return (ts or "")[:16].replace("T", " ")


class _Ledger:
    """reports/台账.xlsx: one sheet per table, Chinese headers and labels, phone and ID numbers
    masked, tombstones left out, at most :data:`XLSX_CAP` rows a sheet."""

    HEADERS = {
        "deputies": ("姓名", "性别", "民族", "出生日期", "政治面貌", "代表层级", "界别", "代表小组", "电话", "届别", "在任", "备注"),
        "activity_days": ("日期", "开始", "结束", "活动形式", "主题", "地点", "主持人", "状态", "值班代表"),
        "attendances": ("活动日", "代表", "签到情况"),
        "receptions": ("接待时间", "来访方式", "来访人", "电话", "身份证号", "村（社区）", "人数", "接待代表", "接待情况"),
        "cases": ("编号", "登记时间", "类别", "内容", "办理方式", "承办单位", "办理期限", "状态", "群众评价", "办理轮次", "办结时间"),
        "case_events": ("意见建议", "时间", "环节", "经办人", "说明"),
        "duty_records": ("代表", "日期", "指标", "数量", "分值", "来源", "说明", "已审核"),
    }

    def __init__(self, code: str):
        from openpyxl import Workbook

        self.wb = Workbook(write_only=True)
        self.sheets = {}
        self.rows = {}
        self.total = {}
        for table in pk.TABLES:
            ws = self.wb.create_sheet(pk.TABLE_LABELS[table])
            ws.append(list(self.HEADERS[table]))
            self.sheets[table] = ws
            self.rows[table] = self.total[table] = 0
        self.names = dict(database.execute_sql(
            f"SELECT {_q('uid')}, {_q('name')} FROM {_table(Deputy)} WHERE {_q('station_code')} = {_p()}",
            (code,)).fetchall())
        self.days = dict(database.execute_sql(
            f"SELECT {_q('uid')}, {_q('date')} FROM {_table(ActivityDay)} WHERE {_q('station_code')} = {_p()}",
            (code,)).fetchall())

    def fill(self, code: str, since: str | None, extra_days: list[str]) -> None:
        """The package's live records of each table (the first :data:`XLSX_CAP` of them) and how
        many there are: the same selection as the data members."""
        for table in pk.TABLES:
            src = SOURCES[table]
            extra = extra_days if table == "activity_days" else []
            where, params = _where(code, since, extra)
            self.total[table] = database.execute_sql(
                f"SELECT COUNT(*) FROM {_table(src.model)} WHERE {where} AND {_q('deleted_at')} IS NULL",
                params).fetchone()[0]
            for rows in _read_rows(src, code, since, extra, live=True):
                ctx = {"duties": _duties_of([r[0] for r in rows])} if table == "activity_days" else {}
                self.add_chunk(table, [src.to_record(r, ctx) for r in rows])
                if self.rows[table] >= XLSX_CAP:
                    break

    def _cell(self, table: str, value):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith("="):  # text, never a formula
                cell = WriteOnlyCell(self.sheets[table], value)
                cell.data_type = "s"
                return cell
        return value

    def add_chunk(self, table: str, records: list[dict]) -> None:
        live = [r for r in records if r["deleted_at"] is None]
        room = XLSX_CAP - self.rows[table]
        if room <= 0:
            return
        live = live[:room]
        numbers = {}
        if table == "case_events" and live:
            uids = list({r["case_uid"] for r in live})
            numbers = dict(database.execute_sql(
                f"SELECT {_q('uid')}, {_q('number')} FROM {_table(Case)} WHERE {_q('uid')} IN {_in(len(uids))}",
                uids).fetchall())
        ws = self.sheets[table]
        for r in live:
            ws.append([self._cell(table, v) for v in self._row(table, r, numbers)])
        self.rows[table] += len(live)

    def _who(self, uids) -> str:
        return "、".join(self.names.get(u, "") for u in uids)

    def _row(self, table: str, r: dict, numbers: dict) -> list:
        if table == "deputies":
            return [r["name"], Gender.label_of(r["gender"]), r["ethnicity"], r["birth_date"], r["party"],
                    levels_label(r["levels"]), r["sector"], r["group"], mask_phone(r["phone"]), r["term"],
                    "是" if r["active"] else "否", r["note"]]
        if table == "activity_days":
            return [r["date"], r["start_time"], r["end_time"], ActivityKind.label_of(r["kind"]), r["theme"],
                    r["place"], r["host"], ActivityStatus.label_of(r["status"]), self._who(r["duty_deputy_uids"])]
        if table == "attendances":
            return [self.days.get(r["activity_day_uid"], ""), self.names.get(r["deputy_uid"], ""),
                    AttendanceStatus.label_of(r["status"])]
        if table == "receptions":
            return [_t(r["received_at"]), Channel.label_of(r["channel"]), r["visitor_name"],
                    mask_phone(r["visitor_phone"]), mask_id_number(r["visitor_id_number"]), r["village"],
                    r["visitor_count"], self._who(r["deputy_uids"]), r["summary"]]
        if table == "cases":
            return [r["number"], _t(r["registered_at"]), Category.label_of(r["category"]), r["content"],
                    Handling.label_of(r["handling"]), r["department"], r["deadline"],
                    CaseStatus.label_of(r["status"]), Evaluation.label_of(r["evaluation"]), r["rounds"],
                    _t(r["resolved_at"])]
        if table == "case_events":
            return [numbers.get(r["case_uid"], ""), _t(r["at"]), CaseAction.label_of(r["action"]), r["actor"],
                    r["note"]]
        return [self.names.get(r["deputy_uid"], ""), r["date"], r["indicator_code"], r["quantity"], r["points"],
                "自动" if r["source"] == "auto" else "手工", r["note"], "是" if r["verified"] else "否"]

    def abandon(self) -> None:
        """Close the half-built workbook and remove its temp files (an export that failed)."""
        for ws in self.sheets.values():
            with contextlib.suppress(Exception):
                ws.close()
            with contextlib.suppress(Exception):
                ws._writer.cleanup()

    def save(self, path: Path) -> None:
        for table, ws in self.sheets.items():
            if self.total[table] > self.rows[table]:
                ws.append([f"……共 {self.total[table]} 条，表中只列出前 {self.rows[table]} 条；完整数据见数据包的 data/ 目录"])
        self.wb.save(str(path))


def _write_reports(code: str, date_from: dt.date, date_to: dt.date, since: str | None, extra_days: list[str],
                   work: str) -> tuple[str, str]:
    """reports/台账.xlsx and reports/汇总.pdf of the package, written into ``work``."""
    from station_app.services import stats

    ledger = _Ledger(code)
    ledger_path = Path(work) / "台账.xlsx"
    try:
        ledger.fill(code, since, extra_days)
        ledger.save(ledger_path)
    except BaseException:
        ledger.abandon()
        raise
    pdf = Path(work) / "汇总.pdf"
    stats.print_report(date_from, date_to, pdf, station_code=code)
    return str(ledger_path), str(pdf)


def _reports_in_child(url: str, data_dir: str | None, *args) -> tuple[str, str]:
    """:func:`_write_reports` in a spawned process, on its own connection to the same database."""
    from station_app.db import close_database, open_database

    if data_dir:
        os.environ["STATION_APP_DATA_DIR"] = data_dir
    open_database(url, migrate=False, backup=False)
    try:
        return _write_reports(*args)
    finally:
        close_database()


class _Reports:
    """The package's reports, written in a child process while the data streams for a big export
    (openpyxl and ReportLab then take a core of their own), else here when asked for."""

    def __init__(self, args: tuple, parallel: bool):
        from station_app.db.connection import current_url

        self.args = args
        self.pool = None
        self.job = None
        url = current_url()
        if parallel and url:
            try:
                self.pool = multiprocessing.get_context("spawn").Pool(1)
                self.job = self.pool.apply_async(_reports_in_child,
                                                 (url, os.environ.get("STATION_APP_DATA_DIR"), *args))
            except (OSError, ImportError, RuntimeError):
                self.close()

    def result(self) -> tuple[str, str]:
        if self.job is None:
            return _write_reports(*self.args)
        try:
            return self.job.get()
        finally:
            self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
        self.pool = self.job = None


# ==================================================================================================
# Export
# ==================================================================================================

class _Sink:
    """The package file being written: counts bytes (the one place a test fakes the OS)."""

    def __init__(self, handle):
        self.handle = handle
        self.written = 0

    def write(self, data) -> int:
        n = self.handle.write(data)
        self.written += len(data)
        return n

    def tell(self) -> int:
        return self.handle.tell()

    def seek(self, *args) -> int:
        return self.handle.seek(*args)

    def seekable(self) -> bool:
        return True

    def flush(self) -> None:
        self.handle.flush()

    def close(self) -> None:  # the zip must not close the file: we fsync it afterwards
        pass


class _Writer:
    """Runs the zip members' compression, hashing and writing on a thread of its own (zlib,
    sha256 and the file write release the GIL) while the caller encodes the next rows. The first
    error (a full or pulled stick) is raised in the caller at its next call."""

    def __init__(self):
        self.queue: queue.Queue = queue.Queue(maxsize=8)  # at most 8 buffers of BUFFER bytes wait
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="package-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is None:
                    return
                if self.error is None:
                    fn, args = item
                    fn(*args)
            except BaseException as exc:  # handed to the caller
                self.error = exc
            finally:
                self.queue.task_done()

    def submit(self, fn, *args) -> None:
        self._raise()
        self.queue.put((fn, args))

    def wait(self) -> None:
        """Until everything submitted is done."""
        self.queue.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        self.queue.put(None)
        self.thread.join()


class _Member:
    """One streamed zip member: lines are buffered here, then hashed, compressed and written by
    the :class:`_Writer`."""

    def __init__(self, zf, name: str, writer: _Writer):
        self.stream = zf.open(name, "w", force_zip64=True)
        self.writer = writer
        self.sha = hashlib.sha256()
        self.count = 0
        self.buf: list[str] = []
        self.size = 0

    def add_many(self, lines: list[str]) -> None:
        """JSON lines, each ending with a newline."""
        self.buf += lines
        self.count += len(lines)
        self.size += sum(map(len, lines))
        if self.size >= BUFFER:
            self._flush()

    def _flush(self) -> None:
        if self.buf:
            self.writer.submit(self._write, "".join(self.buf).encode("utf-8"))
            self.buf, self.size = [], 0

    def _write(self, data: bytes) -> None:
        self.sha.update(data)
        self.stream.write(data)

    def close(self) -> dict:
        self._flush()
        self.writer.submit(self.stream.close)
        self.writer.wait()
        return {"sha256": self.sha.hexdigest(), "count": self.count}


def _last_sent(code: str) -> ExchangeSent | None:
    return (ExchangeSent.select().where(ExchangeSent.station_code == code)
            .order_by(ExchangeSent.created_at.desc(), ExchangeSent.id.desc()).first())


def last_export() -> SentPackage | None:
    """The newest package this database exported for its station (None before the first)."""
    from station_app.services.station import home_code

    row = _last_sent(home_code())
    if row is None:
        return None
    return SentPackage(row.package_id, row.kind, row.period_from, row.period_to, row.created_at, row.file_name,
                       row.previous_package_id)


def _first_date(code: str) -> dt.date | None:
    """The earliest business date among the station's records (the default start of a full package)."""
    candidates = []
    for model, col, n in ((ActivityDay, "date", 10), (Reception, "received_at", 10), (Case, "registered_at", 10),
                          (DutyRecord, "date", 10), (Deputy, "created_at", 10)):
        v = database.execute_sql(f"SELECT MIN({_q(col)}) FROM {_table(model)} WHERE {_q('station_code')} = {_p()}",
                                 (code,)).fetchone()[0]
        if v:
            candidates.append(dt.date.fromisoformat(str(v)[:n]))
    return min(candidates) if candidates else None


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # built once, not per row


def export_package(out_dir, date_from: dt.date | None = None, date_to: dt.date | None = None, full: bool = False,
                   password: str | None = None, progress: ProgressFn | None = None) -> ExportResult:
    """Write one package of the home station into ``out_dir`` and return what was written.

    Incremental (default): the records changed since the last package this database exported (all
    of them before the first); ``full``: every record. The period (``date_from``–``date_to``)
    labels the package and its 汇总 report: by default from the day after the last package's end
    (or the first record's date) to today. ``password`` None takes the setting ``export.password``;
    "" means no encryption. Raises :class:`StorageError` (disk full, read-only, stick removed) or
    :class:`ExportCancelled` (``progress`` returned False); either way nothing is left under the
    final name."""
    from station_app.services.station import home_station

    home = home_station()
    if home is None:
        raise KnownError("请先填写联络站信息（设置 → 站点信息），再导出数据包")
    code = home.code
    if password is None:
        password = settings.get("export.password") or ""
    created = clock.now()
    created_ts = clock.format_ts(created)
    previous = _last_sent(code)
    since = None if full or previous is None else clock.format_ts(previous.created_at)
    today = clock.today()
    if date_to is None:
        date_to = today
    if date_from is None:
        if not full and previous is not None:
            date_from = min(previous.period_to + dt.timedelta(days=1), date_to)
        else:
            date_from = min(_first_date(code) or date_to, date_to)
    if date_to < date_from:
        raise KnownError("结束日期不能早于开始日期")
    kind = "full" if full else "incremental"
    package_id = str(uuid.uuid4())

    extra_days = _changed_day_uids(code, since)
    plan = [(t, SOURCES[t]) for t in pk.TABLES]
    total_rows = sum(_count(src, code, since, extra_days if t == "activity_days" else []) for t, src in plan)
    total = 2 * total_rows + 3
    done = 0

    def step(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress is not None and progress(min(done, total), total) is False:
            raise ExportCancelled()

    step(0)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error_from_oserror(exc, out) from exc
    _clean_parts(out, code)
    while True:
        name = pk.package_name(code, date_from, date_to, created)
        final = out / name
        if not final.exists():
            break
        created += dt.timedelta(seconds=1)
    tmp = out / f".{name}.part"
    work = Path(tempfile.mkdtemp(prefix="station-export-"))
    counts: dict[str, int] = {}
    try:
        try:
            with open(tmp, "wb") as handle:
                sink = _Sink(handle)
                manifest = _write_zip(sink, code, home, package_id, previous, kind, created_ts, date_from, date_to,
                                      since, extra_days, password, work, counts, step,
                                      total_rows >= PARALLEL_MIN_RECORDS)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, final)
            fsync_dir(out)
        except OSError as exc:
            raise storage_error_from_oserror(exc, out) from exc
        try:
            _verify_written(final, password, manifest, lambda n: step(n))
        except BaseException:
            with contextlib.suppress(OSError):
                final.unlink()
            raise
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    try:
        size = final.stat().st_size
        with database.atomic():
            ExchangeSent.create(package_id=package_id, station_code=code, kind=kind, period_from=date_from,
                                period_to=date_to, created_at=created_ts,
                                previous_package_id=previous.package_id if previous else None, file_name=name,
                                counts=counts, bytes=size)
            audit.record("export", "package", package_id, None, {"file": name, "kind": kind, "counts": counts},
                         summary=f"导出数据包 {name}", station_code=code)
    except BaseException:
        # not recorded as sent (database locked, disk full): no package either, or the next
        # incremental one would skip what this one carried
        with contextlib.suppress(OSError):
            final.unlink()
        raise
    step(1)
    return ExportResult(str(final), package_id, kind, counts, size, date_from, date_to,
                        previous.package_id if previous else None)


def _clean_parts(out: Path, code: str) -> None:
    """Remove the hidden ``.{package}.zip.part`` files an interrupted export of this station left
    in ``out`` (a program killed or a stick pulled mid-write)."""
    try:
        leftovers = list(out.glob(f".{glob.escape(code)}_*.zip.part"))
    except OSError:
        return
    for part in leftovers:
        with contextlib.suppress(OSError):
            part.unlink()


def _write_zip(sink, code, home, package_id, previous, kind, created_ts, date_from, date_to, since, extra_days,
               password, work: Path, counts: dict, step, parallel: bool) -> pk.Manifest:
    if password:
        zf = pyzipper.AESZipFile(sink, "w", compression=pyzipper.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL,
                                 encryption=pyzipper.WZ_AES)
        zf.setpassword(password.encode("utf-8"))
        zf.setencryption(pyzipper.WZ_AES, nbits=256)
    else:
        zf = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL,
                             allowZip64=True)
    files: dict[str, dict] = {}
    attachments: set[str] = set()
    member = None
    writer = _Writer()
    reports = _Reports((code, date_from, date_to, since, extra_days, str(work)), parallel)
    try:
        for table in pk.TABLES:
            src = SOURCES[table]
            member = _Member(zf, pk.data_member(table), writer)
            extra = extra_days if table == "activity_days" else []
            for rows in _read_rows(src, code, since, extra):
                ctx = {"duties": _duties_of([r[0] for r in rows])} if table == "activity_days" else {}
                records = [src.to_record(r, ctx) for r in rows]
                member.add_many([_encode(rec) + "\n" for rec in records])
                for f in pk.ATTACHMENT_FIELDS.get(table, ()):
                    attachments.update(rec[f] for rec in records if rec.get(f))
                step(len(rows))
            files[pk.data_member(table)] = member.close()
            member = None
            counts[table] = files[pk.data_member(table)]["count"]
        counts["attachments"] = 0
        from station_app.services.deputies import photo_path

        for ref in sorted(attachments):
            path = photo_path(ref)
            if not path.is_file():
                continue  # checked by `station-app check`; the import then finds it in its own folder or rejects
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if f"attachments/{digest}" != ref.rsplit(".", 1)[0]:
                continue  # a damaged file: never send it under a name it does not match
            zf.writestr(ref, data)
            files[ref] = {"sha256": digest}
            counts["attachments"] += 1
        step(1)
        ledger_path, pdf = reports.result()
        zf.write(ledger_path, "reports/台账.xlsx")
        step(1)
        zf.write(pdf, "reports/汇总.pdf")
        manifest = pk.Manifest(package_id=package_id, previous_package_id=previous.package_id if previous else None,
                               kind=kind, created_at=created_ts, app_version=__version__,
                               station=_station_object(home),
                               period_from=date_from, period_to=date_to, files=files)
        zf.writestr("manifest.json", json.dumps(manifest.to_json(), ensure_ascii=False, indent=2).encode("utf-8"))
        zf.close()
        writer.stop()
    except BaseException:
        writer.stop()  # after what it was doing: nothing else touches the zip meanwhile
        # abandon the half-written zip (the caller removes the temp file); closing it may fail again
        # on a full or removed stick, and must not leave an open handle for the garbage collector
        if member is not None:
            with contextlib.suppress(Exception):
                member.stream.close()
        reports.close()
        with contextlib.suppress(Exception):
            zf.close()
        zf.fp = None
        raise
    return manifest


def _verify_written(path: Path, password: str, manifest: pk.Manifest, step) -> None:
    """Open the package as written and check the manifest, every hash and every count."""
    try:
        zf = _open_zip(path, password or None)
        with zf:
            got = _read_manifest(zf, bool(password))
            if got.to_json() != manifest.to_json():
                raise _Reject("清单与写入的内容不一致")
            _check_members(zf, got)
            _check_hashes(zf, got.files, step, reopen=lambda: _open_zip(path, password or None))
    except _Reject as exc:
        raise StorageError(f"数据包写入后校验失败（{exc.reason}）：U盘可能有问题，请换一个U盘重试。") from exc
    except OSError as exc:
        raise storage_error_from_oserror(exc, path) from exc


# ==================================================================================================
# Import: verification
# ==================================================================================================

class _Reject(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Cancelled(_Reject):
    def __init__(self):
        super().__init__("已取消导入，数据库没有改动")


_READ_ERRORS = (zipfile.BadZipFile, pyzipper.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError)


def _open_zip(path, password: str | None):
    try:
        zf = pyzipper.AESZipFile(str(path))
    except FileNotFoundError as exc:
        raise _Reject(f"找不到文件：{path}") from exc
    except (zipfile.BadZipFile, pyzipper.BadZipFile, ValueError, EOFError) as exc:
        raise _Reject("不是有效的数据包：文件已损坏或不是 ZIP 文件") from exc
    if password:
        zf.setpassword(password.encode("utf-8"))
    return zf


def _read_manifest(zf, have_password: bool) -> pk.Manifest:
    try:
        info = zf.getinfo("manifest.json")
    except KeyError:
        raise _Reject("数据包中没有 manifest.json，不是联络站数据包") from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise _Reject("manifest.json 过大，已拒绝（疑似压缩炸弹）")
    try:
        with zf.open(info) as f:
            raw = f.read(MAX_MANIFEST_BYTES + 1)
    except RuntimeError as exc:
        if "password" in str(exc).lower() or "encrypted" in str(exc).lower():
            raise _Reject("密码不正确" if have_password else "数据包已加密，请输入密码") from exc
        raise _Reject(f"数据包已损坏：manifest.json 无法读取（{exc}）") from exc
    except _READ_ERRORS as exc:
        raise _Reject(f"数据包已损坏：manifest.json 无法读取（{exc}）") from exc
    try:
        return pk.parse_manifest(raw)
    except pk.ManifestError as exc:
        raise _Reject(str(exc)) from exc


def _check_members(zf, manifest: pk.Manifest) -> None:
    """Names safe, nothing unlisted but reports/, every listed file there, sizes and ratios bounded."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _Reject("数据包中的文件太多，已拒绝")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        why = pk.unsafe_name(name) or pk.unsafe_name(info.orig_filename)
        if why:
            raise _Reject(f"数据包中有不安全的文件名（{why}）：{name}")
        if name in seen:
            raise _Reject(f"数据包中有重名的文件：{name}")
        seen.add(name)
        if name != "manifest.json" and name not in manifest.files and not name.startswith("reports/"):
            if name.endswith("/") and any(f.startswith(name) for f in manifest.files):
                continue  # a folder entry of a listed file
            raise _Reject(f"数据包中有清单以外的文件：{name}")
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise _Reject(f"数据包解压后过大，已拒绝（疑似压缩炸弹）：{name}")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _Reject(f"数据包中的文件压缩比异常，已拒绝（疑似压缩炸弹）：{name}")
    for name in manifest.files:
        if name not in seen:
            raise _Reject(f"数据包不完整：缺少文件 {name}")


def _read_member(zf, name: str) -> Iterator[bytes]:
    """The blocks of a member, read errors as a rejection. The bytes read never exceed the size the
    zip declares (zipfile stops there), and that size is bounded by :func:`_check_members`."""
    size = 0
    try:
        with zf.open(name) as f:
            while True:
                block = f.read(BUFFER)
                if not block:
                    return
                size += len(block)
                if size > MAX_MEMBER_BYTES:
                    raise _Reject(f"数据包解压后过大，已拒绝（疑似压缩炸弹）：{name}")
                yield block
    except RuntimeError as exc:
        if "password" in str(exc).lower():
            raise _Reject("密码不正确") from exc
        raise _Reject(f"数据包已损坏：{name} 无法读取（{exc}）") from exc
    except _READ_ERRORS as exc:
        raise _Reject(f"数据包已损坏或被改动：{name} 无法读取（{exc}）") from exc


def _check_entry(name: str, entry: dict, sha, n: int) -> None:
    if sha.hexdigest() != entry["sha256"]:
        raise _Reject(f"数据包已损坏或被改动：{name} 的校验值（sha256）不符")
    if name.endswith(".jsonl") and n != entry.get("count"):
        raise _Reject(f"数据包记录条数不符：{name} 清单写 {entry.get('count')} 条，实际 {n} 条")


def _check_member(zf, name: str, entry: dict, step, stop: threading.Event | None = None) -> None:
    """One member read once, at the speed of zlib and sha256: its hash and its number of lines as
    the manifest says. ``step(lines)`` after each block; ``stop`` set: give up quietly."""
    sha = hashlib.sha256()
    n = 0
    last = b"\n"
    jsonl = name.endswith(".jsonl")
    for block in _read_member(zf, name):
        if stop is not None and stop.is_set():
            return
        sha.update(block)
        if jsonl:
            k = block.count(b"\n")
            n += k
            last = block[-1:]
            step(k)
    if jsonl and last != b"\n":
        n += 1  # a last line without its newline
    _check_entry(name, entry, sha, n)


def _check_hashes(zf, files: dict[str, dict], step, reopen=None, workers: int = 2) -> None:
    """Each listed member checked by :func:`_check_member`. Given ``reopen`` (a function opening
    the package again) the members are read on ``workers`` threads, biggest first, each thread on
    its own opening of the file: inflating and hashing let go of the GIL, so the re-read after an
    export takes half the time on two cores. (Two threads reading members of one pyzipper object
    were seen to inflate garbage in the 90-station bench; pyzipper's shared file is not safe for
    that, so each thread opens its own.) ``step`` is still called on this thread, and the first
    fault stops the others."""
    if reopen is None or workers <= 1 or len(files) < 2:
        for name, entry in files.items():
            _check_member(zf, name, entry, step)
        return
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for name in sorted(files, key=lambda n: -zf.getinfo(n).file_size):
        todo.put(name)
    events: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()

    def work() -> None:
        try:
            with reopen() as own:
                while not stop.is_set():
                    try:
                        name = todo.get_nowait()
                    except queue.Empty:
                        return
                    _check_member(own, name, files[name], events.put, stop)
        except BaseException as exc:  # handed to the calling thread
            events.put(exc)
        finally:
            events.put(None)

    threads = [threading.Thread(target=work, name="check-hashes", daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    try:
        running = len(threads)
        while running:
            item = events.get()
            if item is None:
                running -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                step(item)
    finally:
        stop.set()
        for t in threads:
            t.join()


def _member_lines(zf, name: str, entry: dict) -> Iterator[bytes]:
    """The lines of a .jsonl member, checking its sha256 and count at the end."""
    sha = hashlib.sha256()
    n = 0
    carry = b""
    for block in _read_member(zf, name):
        sha.update(block)
        parts = (carry + block).split(b"\n")
        carry = parts.pop()
        n += len(parts)
        yield from parts
    if carry:
        n += 1
        yield carry
    _check_entry(name, entry, sha, n)


def _records(zf, manifest: pk.Manifest, table: str) -> Iterator[tuple[int, dict]]:
    """(line number, record) of a data member. A line that is not JSON rejects the package, but
    only after the whole member was read: a damaged member is reported by its hash."""
    name = pk.data_member(table)
    bad: _Reject | None = None
    for i, line in enumerate(_member_lines(zf, name, manifest.files[name]), start=1):
        if bad is not None:
            continue
        if i == 1 and line.startswith(b"\xef\xbb\xbf"):
            bad = _Reject(f"{name} 不能以 BOM 开头（应为不带 BOM 的 UTF-8）")
            continue
        try:
            rec = json.loads(line)
        except (UnicodeDecodeError, ValueError):
            bad = _Reject(f"{name} 第 {i} 行不是有效的 UTF-8 JSON")
            continue
        yield i, rec
    if bad is not None:
        raise bad


def _ref_values(rec: dict, path: str) -> Iterable[str]:
    if "." in path:
        outer, inner = path.split(".", 1)
        return [item[inner] for item in rec.get(outer) or ()]
    v = rec.get(path)
    if v is None:
        return ()
    return v if isinstance(v, list) else (v,)


class _Checker:
    """The record rules of §2.4 (fields, codes, station, unique uids, references, attachments),
    applied to each table's records as they stream from the package to the merge."""

    def __init__(self, zf, manifest: pk.Manifest):
        self.zf = zf
        self.manifest = manifest
        self.code = manifest.station_code
        self.uids: dict[str, set[str]] = {}
        # (table, field, target tables) → uids found neither in the package so far
        self.pending: dict[tuple[str, str, tuple[str, ...]], set[str]] = {}
        # attachments named but not in the package → where (they may already be beside the database)
        self.outside: dict[str, str] = {}

    def run(self) -> None:
        """Check every record and every other listed member; raises :class:`_Reject`."""
        for table in pk.TABLES:
            for _batch in self.batches(table):
                pass
        tables = {pk.data_member(t) for t in pk.TABLES}
        _check_hashes(self.zf, {n: e for n, e in self.manifest.files.items() if n not in tables}, lambda _n: None)

    def batches(self, table: str) -> Iterator[list[dict]]:
        """The table's checked records in batches of :data:`CHUNK`."""
        lines = _records(self.zf, self.manifest, table)
        batch: list[dict] = []
        try:
            for rec in self._checked(table, lines):
                batch.append(rec)
                if len(batch) >= CHUNK:
                    yield batch
                    batch = []
        except _Reject:
            # a broken record may be a damaged member: finish reading it, so a wrong hash or count is
            # what the report names (it raises), else the record's own fault
            for _rest in lines:
                pass
            raise
        if batch:
            yield batch

    def _checked(self, table: str, lines) -> Iterator[dict]:
        check = pk.validator(table)
        code = self.code
        files = self.manifest.files
        refs = pk.REFERENCES[table]
        att_fields = pk.ATTACHMENT_FIELDS.get(table, ())
        label, member = pk.TABLE_LABELS[table], pk.data_member(table)
        uids, pending, outside = self.uids, self.pending, self.outside
        seen: set[str] = set()
        uids[table] = seen
        for i, rec in lines:
            try:
                check(rec)
            except pk.RecordError as exc:
                raise _Reject(f"{label}（{member} 第 {i} 行）：{exc}") from None
            if rec["station_code"] != code:
                raise _Reject(f"{label}（{member} 第 {i} 行）属于站点 {rec['station_code']}，"
                              f"与数据包的站点 {code} 不一致")
            uid = rec["uid"]
            if uid in seen:
                raise _Reject(f"{label}（{member} 第 {i} 行）：记录编号 {uid} 重复")
            seen.add(uid)
            for path, targets in refs:
                for v in _ref_values(rec, path):
                    if not any(v in uids[t] for t in targets):
                        pending.setdefault((table, path, targets), set()).add(v)
            for f in att_fields:
                ref = rec.get(f)
                if ref and ref not in files:
                    outside.setdefault(ref, f"{label}（{member} 第 {i} 行）")
            yield rec


@dataclass
class _Verdict:
    """What checking a package's records found: ``reason`` None when all passed; the references
    and attachments left for the database to resolve."""

    reason: str | None
    pending: dict = field(default_factory=dict)
    outside: dict = field(default_factory=dict)


def _check_package(path: str, password: str | None) -> _Verdict:
    """Every record rule of §2.4 over the whole package, without a database (it also runs in a
    child process, beside the merge)."""
    try:
        zf = _open_zip(path, password)
        with zf:
            checker = _Checker(zf, _read_manifest(zf, bool(password)))
            checker.run()
    except _Reject as exc:
        return _Verdict(exc.reason)
    except OSError as exc:
        return _Verdict(f"读取数据包时出错：{os_reason(exc)}，数据库没有改动")
    return _Verdict(None, checker.pending, checker.outside)


class _CheckPool:
    """Checks big packages in a child process while this one merges (JSON parsing and the record
    rules take a core of their own): the verdict for package n+1 is prepared while package n is
    merged. Small packages, or a machine where no process can be started, are checked here first.
    A package is committed only after its verdict says every record passed."""

    def __init__(self, paths: list[str], password: str | None, sizes: list[int]):
        self.paths, self.password = paths, password
        self.big = [n >= PARALLEL_MIN_RECORDS for n in sizes]
        self.pool = None
        self.pending: dict[int, object] = {}
        if any(self.big):
            try:
                self.pool = multiprocessing.get_context("spawn").Pool(1)
            except (OSError, ImportError, RuntimeError):
                self.pool = None

    def start(self, i: int) -> None:
        if self.pool is not None and i < len(self.paths) and self.big[i] and i not in self.pending:
            self.pending[i] = self.pool.apply_async(_check_package, (self.paths[i], self.password))

    def parallel(self, i: int) -> bool:
        return i in self.pending

    def verdict(self, i: int) -> _Verdict:
        job = self.pending.pop(i, None)
        if job is None:
            return _check_package(self.paths[i], self.password)
        return job.get()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()


def _resolve_in_database(code: str, pending: dict) -> None:
    models = {"deputies": Deputy, "activity_days": ActivityDay, "attendances": Attendance, "receptions": Reception,
              "cases": Case}
    for (table, path, targets), wanted in pending.items():
        missing = set(wanted)
        for target in targets:
            model = models[target]
            for chunk in _chunks(sorted(missing)):
                sql = (f"SELECT {_q('uid')} FROM {_table(model)} WHERE {_q('station_code')} = {_p()} "
                       f"AND {_q('uid')} IN {_in(len(chunk))}")
                missing -= {r[0] for r in database.execute_sql(sql, [code, *chunk]).fetchall()}
            if not missing:
                break
        if missing:
            what = "或".join(pk.TABLE_LABELS[t] for t in targets)
            raise _Reject(f"{pk.TABLE_LABELS[table]}中有 {len(missing)} 条引用指向不存在的{what}"
                          f"（字段 {path}，如 {sorted(missing)[0]}），在数据包和数据库中都找不到："
                          "请先导入这个站更早的数据包，或让联络站导出全部数据")


# ==================================================================================================
# Import: merge
# ==================================================================================================

@dataclass
class _Tally:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged}


def _s(v) -> str:
    return "" if v is None else v


def _ts(v):
    # our own stored form (the checks make sure a value of this shape is one) passes as it is
    if v is None or (len(v) == 32 and v[19] == "." and v[26:] == "+08:00"):
        return v
    return pk.normalize_ts(v)


def _deputy_row(r: dict) -> tuple:
    return (r["uid"], r["station_code"], _ts(r["created_at"]), _ts(r["updated_at"]), _ts(r["deleted_at"]), r["name"],
            r["gender"], _s(r["ethnicity"]), r["birth_date"], _s(r["party"]), levels_to_mask(r["levels"]),
            _s(r["sector"]), _s(r["group"]), _s(r["phone"]), _s(r["term"]), r["active"], r["photo"], _s(r["note"]),
            _s(r.get("commitment")), r.get("sort_order", 0), _s(r.get("public_phone")))


def _day_row(r: dict) -> tuple:
    parts = pk.minutes_parts(r)
    return (r["uid"], r["station_code"], _ts(r["created_at"]), _ts(r["updated_at"]), _ts(r["deleted_at"]), r["date"],
            r["start_time"], r["end_time"], r["kind"], _s(r["theme"]), _s(r["place"]), _s(r["host"]), r["status"],
            parts["agenda"], parts["discussion"], parts["decisions"], parts["follow_ups"], r.get("origin", "manual"),
            r.get("original_date"), _s(r.get("change_reason")))


def _attendance_row(r: dict) -> tuple:
    return (r["uid"], r["station_code"], _ts(r["created_at"]), _ts(r["updated_at"]), _ts(r["deleted_at"]),
            r["activity_day_uid"], r["deputy_uid"], r["status"])


def _reception_row(r: dict, sort_key: int) -> tuple:
    return (r["uid"], r["station_code"], _ts(r["created_at"]), _ts(r["updated_at"]), _ts(r["deleted_at"]),
            _ts(r["received_at"]), sort_key, r["channel"], r["visitor_name"], _s(r["visitor_phone"]),
            _s(r["visitor_id_number"]), _s(r["village"]), r["visitor_count"],
            json.dumps(r["deputy_uids"], ensure_ascii=False, separators=(",", ":"), sort_keys=True),
            r["activity_day_uid"], _s(r["summary"]))


def _case_row(r: dict) -> tuple:
    return (r["uid"], r["station_code"], _ts(r["created_at"]), _ts(r["updated_at"]), _ts(r["deleted_at"]),
            r["reception_uid"], r["number"], _ts(r["registered_at"]), r["category"], r["content"], r["handling"],
            r.get("urgency", "normal"), _s(r["department"]),
            json.dumps(r.get("co_departments") or [], ensure_ascii=False, separators=(",", ":"), sort_keys=True),
            r["deadline"], r["status"], r["evaluation"], r["rounds"], _ts(r["resolved_at"]))


def _event_row(r: dict) -> tuple:
    return (r["uid"], r["station_code"], _ts(r["created_at"]), _ts(r["updated_at"]), _ts(r["deleted_at"]),
            r["case_uid"], _ts(r["at"]), r["action"], _s(r["actor"]), _s(r["note"]), r.get("round", 1),
            _s(r.get("department")), r.get("deadline"), r.get("evaluation"))


def _duty_record_row(r: dict) -> tuple:
    return (r["uid"], r["station_code"], _ts(r["created_at"]), _ts(r["updated_at"]), _ts(r["deleted_at"]),
            r["deputy_uid"], r["date"], r["indicator_code"], r["quantity"], r["points"], r["source"],
            r["source_uid"], _s(r["note"]), r.get("evidence"), r["verified"], _s(r.get("reviewer")),
            _ts(r.get("reviewed_at")))


ROWS = {"deputies": _deputy_row, "activity_days": _day_row, "attendances": _attendance_row,
        "cases": _case_row, "case_events": _event_row, "duty_records": _duty_record_row}
MODELS = {"deputies": Deputy, "activity_days": ActivityDay, "attendances": Attendance, "receptions": Reception,
          "cases": Case, "case_events": CaseEvent, "duty_records": DutyRecord}


class _Merger:
    """Merges one verified package (inside the caller's transaction)."""

    def __init__(self, code: str):
        self.code = code
        self.fts = search.is_sqlite()
        self.tally: dict[str, _Tally] = {}
        self.fresh: dict[str, bool] = {}

    def _is_fresh(self, model) -> bool:
        """True when the table held no row of this station before the package: every record is
        then new, and no lookup is needed (a uid another station uses fails the unique index)."""
        name = model._meta.table_name
        if name not in self.fresh:
            if model is CaseEvent:  # no index leads with its station_code; its cases tell the same
                # (an event belongs to a case of its own station), asked before any case is merged
                self.fresh[name] = self._is_fresh(Case)
                return self.fresh[name]
            sql = f"SELECT 1 FROM {_table(model)} WHERE {_q('station_code')} = {_p()} LIMIT 1"
            self.fresh[name] = database.execute_sql(sql, [self.code]).fetchone() is None
        return self.fresh[name]

    # -- generic ---------------------------------------------------------------------------------
    def _existing(self, model, uids: list[str], extra: tuple[str, ...] = ()) -> dict[str, tuple]:
        cols = ("uid", "id", "station_code", "updated_at", *extra)
        sql = (f"SELECT {', '.join(_q(c) for c in cols)} FROM {_table(model)} "
               f"WHERE {_q('uid')} IN {_in(len(uids))}")
        return {r[0]: r[1:] for r in database.execute_sql(sql, uids).fetchall()}

    def _update_sql(self, model) -> str:
        cols = [c for c in _columns(model) if c != "uid"]
        sets = ", ".join(f"{_q(c)} = {_p()}" for c in cols)
        return f"UPDATE {_table(model)} SET {sets} WHERE {_q('id')} = {_p()}"

    def _split(self, table: str, model, records: list[dict], extra: tuple[str, ...] = ()):
        """(new records, [(record, existing tuple)], unchanged) by uid and updated_at."""
        if self._is_fresh(model):
            return records, [], 0
        existing = self._existing(model, [r["uid"] for r in records], extra)
        new, newer, same = [], [], 0
        for r in records:
            e = existing.get(r["uid"])
            if e is None:
                new.append(r)
                continue
            if e[1] != self.code:
                raise _Reject(f"{pk.TABLE_LABELS[table]}记录 {r['uid']} 在数据库中属于站点 {e[1]}，"
                              f"与数据包的站点 {self.code} 冲突")
            if _ts(r["updated_at"]) > e[2]:
                newer.append((r, e))
            else:
                same += 1
        return new, newer, same

    def merge_chunk(self, table: str, records: list[dict]) -> None:
        t = self.tally.setdefault(table, _Tally())
        if table == "receptions":
            self._receptions(records, t)
        elif table == "cases":
            self._cases(records, t)
        else:
            model = MODELS[table]
            new, newer, same = self._split(table, model, records)
            to_row = ROWS[table]
            if newer:  # updates first: a tombstone may free the slot a new row takes (one live day a date)
                database.cursor().executemany(self._update_sql(model),
                                              [(*to_row(r)[1:], e[0]) for r, e in newer])
            if new:
                bulk_insert(model, _fields(model), [to_row(r) for r in new])
            t.inserted += len(new)
            t.updated += len(newer)
            t.unchanged += same
            if table == "activity_days":
                self._duties(records, {r["uid"] for r in new} | {r["uid"] for r, _e in newer}, t)

    # -- activity days: their duty rows ----------------------------------------------------------
    def _duties(self, records: list[dict], changed_days: set[str], t: _Tally) -> None:
        items = []
        derived_days = []
        for r in records:
            if "duties" in r:
                items += [dict(d, activity_day_uid=r["uid"]) for d in r["duties"]]
            elif r["uid"] in changed_days:  # another implementation: rows from the list of uids
                derived_days.append(r)
                for dep in dict.fromkeys(r["duty_deputy_uids"]):
                    items.append({"uid": str(uuid.uuid5(DUTY_NAMESPACE, f"{r['uid']}/{dep}")), "deputy_uid": dep,
                                  "manual": False, "note": "", "created_at": r["created_at"],
                                  "updated_at": r["updated_at"], "deleted_at": None, "activity_day_uid": r["uid"]})
        touched_days: set[str] = set()
        for chunk in _chunks(items):
            existing = self._existing(Duty, [d["uid"] for d in chunk])
            new, newer = [], []
            for d in chunk:
                e = existing.get(d["uid"])
                if e is None:
                    new.append(d)
                elif e[1] != self.code:
                    raise _Reject(f"值班记录 {d['uid']} 在数据库中属于站点 {e[1]}，与数据包的站点 {self.code} 冲突")
                elif _ts(d["updated_at"]) > e[2]:
                    newer.append((d, e))
            rows = [(d["uid"], self.code, _ts(d["created_at"]), _ts(d["updated_at"]), _ts(d["deleted_at"]),
                     d["activity_day_uid"], d["deputy_uid"], d["manual"], _s(d["note"])) for d in new]
            if newer:
                database.cursor().executemany(self._update_sql(Duty), [
                    (self.code, _ts(d["created_at"]), _ts(d["updated_at"]), _ts(d["deleted_at"]),
                     d["activity_day_uid"], d["deputy_uid"], d["manual"], _s(d["note"]), e[0]) for d, e in newer])
            if rows:
                bulk_insert(Duty, _fields(Duty), rows)
            touched_days |= {d["activity_day_uid"] for d in new} | {d["activity_day_uid"] for d, _e in newer}
        for r in derived_days:  # deputies no longer on the list: tombstone their rows
            keep = list(dict.fromkeys(r["duty_deputy_uids"])) or [""]
            now = _ts(r["updated_at"])
            database.execute_sql(
                f"UPDATE {_table(Duty)} SET {_q('deleted_at')} = {_p()}, {_q('updated_at')} = {_p()} "
                f"WHERE {_q('activity_day_uid')} = {_p()} AND {_q('deleted_at')} IS NULL "
                f"AND {_q('deputy_uid')} NOT IN {_in(len(keep))}", [now, now, r["uid"], *keep])
        # a day whose own row was unchanged but whose duty rows changed counts as updated
        moved = touched_days - changed_days
        if moved:
            t.unchanged -= len(moved)
            t.updated += len(moved)

    # -- receptions: sort key, reception_deputy, keyword index, the cases' index text ------------
    def _sort_keys(self, records: list[dict]) -> list[int]:
        """A free ``sort_key`` per reception, as ``free_sort_key`` gives a single save: its
        :func:`~station_app.services.receptions.time_key`, or when taken one microsecond after the
        highest key in that second. Found for the whole chunk with a few queries: the keys taken,
        the highest key in each second hit (a county's stations often share a minute), then a check
        that the moved keys are free (moved on by a microsecond while not, rare)."""
        from station_app.services.receptions import time_key

        keys = [time_key(clock.parse_ts(r["received_at"])) for r in records]
        taken = self._taken(set(keys))
        tops = self._tops(sorted({k for k in keys if k in taken}))
        start = [tops[k] + 1 if k in taken else k for k in keys]
        taken |= self._taken(set(start) - taken)
        while True:
            used: set[int] = set()
            out = []
            for k in start:
                while k in used or k in taken:
                    k += 1
                used.add(k)
                out.append(k)
            more = self._taken({k for k, k0 in zip(out, start, strict=True) if k != k0} - taken)
            if not more:
                return out
            taken |= more

    def _tops(self, keys: list[int]) -> dict[int, int]:
        """{k: the highest sort key in [k, k + 1 s)} for taken keys ``k``."""
        tops: dict[int, int] = {}
        sk = _q("sort_key")
        for chunk in _chunks(keys, 1000):
            values = ", ".join(f"({_p()})" for _k in chunk)
            sql = (f"WITH w(k) AS (VALUES {values}) SELECT w.k, (SELECT MAX({sk}) FROM {_table(Reception)} "
                   f"WHERE {sk} >= w.k AND {sk} < w.k + 1000000) FROM w")
            tops.update(database.execute_sql(sql, chunk).fetchall())
        return tops

    def _taken(self, keys: set[int]) -> set[int]:
        found: set[int] = set()
        for chunk in _chunks(sorted(keys)):
            sql = f"SELECT {_q('sort_key')} FROM {_table(Reception)} WHERE {_q('sort_key')} IN {_in(len(chunk))}"
            found |= {r[0] for r in database.execute_sql(sql, chunk).fetchall()}
        return found

    def _receptions(self, records: list[dict], t: _Tally) -> None:
        from station_app.services import cases as case_service
        from station_app.services.receptions import FTS, search_text

        extra = ("sort_key", "received_at", "visitor_name", "visitor_phone", "village", "summary", "deleted_at")
        new, newer, same = self._split("receptions", Reception, records, extra)
        t.unchanged += same
        # updates: keep the sort key unless the time moved
        moved = [r for r, e in newer if _ts(r["received_at"]) != e[4]]
        moved_keys = dict(zip([r["uid"] for r in moved], self._sort_keys(moved), strict=True)) if moved else {}
        if newer:
            unindex = []
            index = []
            rows = []
            for r, e in newer:
                key = moved_keys.get(r["uid"], e[3])
                rows.append((*_reception_row(r, key)[1:], e[0]))
                if e[9] is None:
                    unindex.append((e[3], search.split_chars(search_text(SimpleNamespace(
                        visitor_name=e[5], visitor_phone=e[6], village=e[7], summary=e[8])))))
                if r["deleted_at"] is None:
                    index.append((key, search.split_chars(search_text(SimpleNamespace(
                        visitor_name=r["visitor_name"], visitor_phone=_s(r["visitor_phone"]),
                        village=_s(r["village"]), summary=_s(r["summary"]))))))
            if self.fts and unindex:
                database.cursor().executemany(f"INSERT INTO {FTS}({FTS}, rowid, body) VALUES ('delete', ?, ?)",
                                              unindex)
            database.cursor().executemany(self._update_sql(Reception), rows)
            if self.fts and index:
                database.cursor().executemany(search.bulk_index_sql(FTS), index)
            uids = [r["uid"] for r, _e in newer]
            database.execute_sql(f"DELETE FROM {_table(ReceptionDeputy)} WHERE {_q('reception_uid')} "
                                 f"IN {_in(len(uids))}", uids)
            self._mirror([r for r, _e in newer])
            renamed = {r["uid"]: (e[5], e[7], r["visitor_name"], _s(r["village"])) for r, e in newer
                       if (e[5], e[7]) != (r["visitor_name"], _s(r["village"]))}
            if renamed and self.fts:
                self._reindex_cases_of(renamed, case_service)
            t.updated += len(newer)
        if new:
            keys = self._sort_keys(new)
            bulk_insert(Reception, _fields(Reception), [_reception_row(r, k) for r, k in zip(new, keys, strict=True)])
            self._mirror(new)
            if self.fts:
                database.cursor().executemany(search.bulk_index_sql(FTS), [
                    (k, search.split_chars(search_text(SimpleNamespace(
                        visitor_name=r["visitor_name"], visitor_phone=_s(r["visitor_phone"]),
                        village=_s(r["village"]), summary=_s(r["summary"])))))
                    for r, k in zip(new, keys, strict=True) if r["deleted_at"] is None])
            t.inserted += len(new)

    def _mirror(self, records: list[dict]) -> None:
        rows = [(r["uid"], d) for r in records if r["deleted_at"] is None for d in dict.fromkeys(r["deputy_uids"])]
        if rows:
            bulk_insert(ReceptionDeputy, [ReceptionDeputy.reception_uid, ReceptionDeputy.deputy_uid], rows)

    def _reindex_cases_of(self, renamed: dict, case_service) -> None:
        uids = list(renamed)
        sql = (f"SELECT {_q('id')}, {_q('reception_uid')}, {_q('number')}, {_q('department')}, {_q('content')} "
               f"FROM {_table(Case)} WHERE {_q('deleted_at')} IS NULL AND {_q('reception_uid')} IN {_in(len(uids))}")
        for cid, ruid, number, dept, content in database.execute_sql(sql, uids).fetchall():
            old_name, old_village, name, village = renamed[ruid]
            row = SimpleNamespace(number=number, department=dept, content=content)
            search.unindex_row(case_service.FTS, cid, case_service.search_text(row, old_name, old_village))
            search.index_row(case_service.FTS, cid, case_service.search_text(row, name, village))

    # -- cases: keyword index with the reception's visitor and village --------------------------
    def _visitors(self, reception_uids: set) -> dict[str, tuple[str, str]]:
        uids = [u for u in reception_uids if u]
        if not uids:
            return {}
        sql = (f"SELECT {_q('uid')}, {_q('visitor_name')}, {_q('village')} FROM {_table(Reception)} "
               f"WHERE {_q('uid')} IN {_in(len(uids))}")
        return {u: (n, v) for u, n, v in database.execute_sql(sql, uids).fetchall()}

    def _cases(self, records: list[dict], t: _Tally) -> None:
        from station_app.services import cases as case_service

        fts = case_service.FTS
        extra = ("reception_uid", "number", "department", "content", "deleted_at")
        new, newer, same = self._split("cases", Case, records, extra)
        t.unchanged += same
        if not self.fts:
            if newer:
                database.cursor().executemany(self._update_sql(Case), [(*_case_row(r)[1:], e[0]) for r, e in newer])
            if new:
                bulk_insert(Case, _fields(Case), [_case_row(r) for r in new])
            t.updated += len(newer)
            t.inserted += len(new)
            return
        people = self._visitors({r.get("reception_uid") for r in records} | {e[3] for _r, e in newer})

        def text(number, dept, content, ruid) -> str:
            name, village = people.get(ruid, ("", "")) if ruid else ("", "")
            return search.split_chars(case_service.search_text(
                SimpleNamespace(number=number, department=dept or "", content=content), name or "", village or ""))

        if newer:
            unindex = [(e[0], text(e[4], e[5], e[6], e[3])) for _r, e in newer if e[7] is None]
            if unindex:
                database.cursor().executemany(f"INSERT INTO {fts}({fts}, rowid, body) VALUES ('delete', ?, ?)",
                                              unindex)
            database.cursor().executemany(self._update_sql(Case), [(*_case_row(r)[1:], e[0]) for r, e in newer])
            database.cursor().executemany(search.bulk_index_sql(fts), [
                (e[0], text(r["number"], r["department"], r["content"], r["reception_uid"]))
                for r, e in newer if r["deleted_at"] is None])
            t.updated += len(newer)
        if new:
            bulk_insert(Case, _fields(Case), [_case_row(r) for r in new])
            uids = [r["uid"] for r in new]
            ids = dict(database.execute_sql(f"SELECT {_q('uid')}, {_q('id')} FROM {_table(Case)} "
                                            f"WHERE {_q('uid')} IN {_in(len(uids))}", uids).fetchall())
            database.cursor().executemany(search.bulk_index_sql(fts), [
                (ids[r["uid"]], text(r["number"], r["department"], r["content"], r["reception_uid"]))
                for r in new if r["deleted_at"] is None])
            t.inserted += len(new)


def _batches(zf, manifest: pk.Manifest, table: str) -> Iterator[list[dict]]:
    """The table's records in batches of :data:`CHUNK`, each batch parsed by one ``json.loads``.
    Only for the merge: the per-line rules (one object a line, no BOM) are the checks' (the
    verdict), which decide whether anything merged here is committed."""
    name = pk.data_member(table)
    lines: list[bytes] = []
    for line in _member_lines(zf, name, manifest.files[name]):
        lines.append(line)
        if len(lines) >= CHUNK:
            yield _parse_batch(name, lines)
            lines = []
    if lines:
        yield _parse_batch(name, lines)


def _parse_batch(name: str, lines: list[bytes]) -> list[dict]:
    try:
        records = json.loads(b"[" + b",".join(lines) + b"]")
    except ValueError:
        records = None
    if not isinstance(records, list) or len(records) != len(lines):
        raise _Reject(f"{name} 中有不是有效 UTF-8 JSON 的行")
    return records


def _merge(zf, manifest: pk.Manifest, step) -> dict[str, _Tally]:
    """Merge the package's records (the caller holds the transaction)."""
    merger = _Merger(manifest.station_code)
    merger._is_fresh(CaseEvent)  # before the first case goes in
    for table in pk.TABLES:
        merger.tally.setdefault(table, _Tally())
        for batch in _batches(zf, manifest, table):
            merger.merge_chunk(table, batch)
            step(len(batch))
    return merger.tally


def _resolve_outside(verdict: _Verdict) -> None:
    """Attachments the records name but the package leaves out must already be beside the database."""
    from station_app.services.deputies import photo_path

    for ref, where in verdict.outside.items():
        if not photo_path(ref).is_file():
            raise _Reject(f"{where}引用的附件 {ref} 不在数据包中")


def _store_attachments(zf, manifest: pk.Manifest) -> None:
    """Copy the package's attachments beside the database (content-addressed: never overwritten)."""
    from station_app.fileio import atomic_write_bytes
    from station_app.services.deputies import photo_path

    for name, entry in manifest.files.items():
        if not name.startswith("attachments/"):
            continue
        target = photo_path(name)
        if target.is_file():
            continue
        data = zf.read(name)
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise _Reject(f"数据包已损坏或被改动：{name} 的校验值（sha256）不符")
        atomic_write_bytes(target, data)


def _station_object(home) -> dict:
    """The manifest's ``station``: the v1 fields, the profile's address, phone and reception rule,
    and each year's applied 积分指标 (docs/exchange-format.md §2.2)."""
    rules = {str(r.year): json.loads(r.applied_doc)
             for r in ScoringRules.select().where(ScoringRules.station_code == home.code,
                                                  ScoringRules.applied_doc.is_null(False)).order_by(ScoringRules.year)}
    out = {"code": home.code, "name": home.name, "township": home.township, "county": home.county,
           "address": home.address, "phone": home.phone, "reception_rule": home.reception_rule,
           "schedule_rules": list(home.schedule_rules)}
    if rules:
        out["scoring_rules"] = rules
    out["year_closings"] = _closings_of(home.code)
    return out


def _closings_of(code: str) -> dict:
    """The station's 年度评定 of every closed year: the county shows its frozen grades as it does."""
    out = {}
    for c in ScoreYearClosing.select().where(ScoreYearClosing.station_code == code).order_by(ScoreYearClosing.year):
        grades = [{"deputy_uid": g.deputy_uid, "deputy_name": g.deputy_name, "raw": g.raw, "score100": g.score100,
                   "grade": g.grade, "rank": g.rank, "by_indicator": json.loads(g.by_indicator)}
                  for g in ScoreYearGrade.select().where(ScoreYearGrade.closing == c.id).order_by(ScoreYearGrade.id)]
        out[str(c.year)] = {"as_of": c.as_of, "closed_at": clock.format_ts(c.closed_at), "closed_by": c.closed_by,
                            "rules": json.loads(c.rules_doc), "grades": grades}
    return out


def _mirror_closings(code: str, closings: dict) -> None:
    """An imported station's 年度评定 as its newest package says: closed years as frozen there,
    reopened ones open again."""
    from station_app.domain.scoring import ruleset_from_json
    from station_app.errors import ValidationError

    ScoreYearClosing.delete().where(ScoreYearClosing.station_code == code).execute()  # grades cascade
    for year, c in sorted(closings.items()):
        text = json.dumps(c["rules"], ensure_ascii=False, sort_keys=True)
        try:
            ruleset_from_json(text)
        except ValidationError as exc:
            raise _Reject(f"数据包中{year}年年度评定所用的积分指标无效：{exc.message}") from None
        row = ScoreYearClosing.create(station_code=code, year=int(year), as_of=c["as_of"],
                                      closed_at=_ts(c["closed_at"]), closed_by=c["closed_by"], rules_doc=text)
        for g in c["grades"]:
            ScoreYearGrade.create(closing=row, deputy_uid=g["deputy_uid"], deputy_name=g["deputy_name"],
                                  raw=g["raw"], score100=g["score100"], grade=g["grade"], rank=g["rank"],
                                  by_indicator=json.dumps(g["by_indicator"], ensure_ascii=False, sort_keys=True))


def _upsert_station(manifest: pk.Manifest) -> None:
    """The profile and the applied 积分指标 the package carries, so that the county prints and
    ranks the station as it does itself; a package older than one already imported changes nothing."""
    from station_app.domain.scoring import ruleset_from_json
    from station_app.errors import ValidationError
    from station_app.services import station

    code = manifest.station_code
    newest = (ExchangeImported.select(ExchangeImported.created_at)
              .where(ExchangeImported.station_code == code).order_by(ExchangeImported.created_at.desc()).scalar())
    if isinstance(newest, str):
        newest = clock.parse_ts(newest)
    if newest is not None and clock.parse_ts(manifest.created_at) < newest:
        if Station.get_or_none(Station.code == code) is None:
            station.save_imported_profile(manifest.station)
        return
    station.save_imported_profile(manifest.station)
    home = station.home_station()
    if home is not None and home.code == code:
        return
    if "year_closings" in manifest.station:  # a package of an older program carries none: keep what is here
        _mirror_closings(code, manifest.station["year_closings"])
    for year, doc in sorted((manifest.station.get("scoring_rules") or {}).items()):
        text = json.dumps(doc, ensure_ascii=False, sort_keys=True)
        try:
            ruleset_from_json(text)
        except ValidationError as exc:
            raise _Reject(f"数据包中{year}年的积分指标无效：{exc.message}") from None
        row = ScoringRules.get_or_none(ScoringRules.station_code == code, ScoringRules.year == int(year))
        if row is None:
            ScoringRules.create(station_code=code, year=int(year), doc=text, applied_doc=text,
                                applied_at=clock.now_ts())
        elif row.applied_doc != text:
            ScoringRules.update(doc=text, applied_doc=text, applied_at=clock.now_ts(),
                                updated_at=clock.now_ts()).where(ScoringRules.id == row.id).execute()


def _import_one(path: str, password: str | None, step, checks: _CheckPool, index: int) -> ImportReport:
    report = ImportReport(package=str(path), status="rejected")
    try:
        zf = _open_zip(path, password)
    except OSError as exc:
        report.reason = f"无法读取数据包：{os_reason(exc)}"
        return report
    except _Reject as exc:
        report.reason = exc.reason
        return report
    try:
        with zf:
            manifest = _read_manifest(zf, bool(password))
            report.package_id, report.station_code = manifest.package_id, manifest.station_code
            _check_members(zf, manifest)
            parallel = checks.parallel(index)
            if not parallel:  # checked completely before anything is written
                verdict = checks.verdict(index)
                if verdict.reason:
                    raise _Reject(verdict.reason)
            with database.atomic():
                try:
                    tally = _merge(zf, manifest, step)
                except _Cancelled:
                    raise
                except Exception:
                    # a record the checks reject can break the merge first: name the record's fault
                    if parallel and (verdict := checks.verdict(index)).reason:
                        raise _Reject(verdict.reason) from None
                    raise
                if parallel:  # nothing is committed before the verdict
                    verdict = checks.verdict(index)
                    if verdict.reason:
                        raise _Reject(verdict.reason)
                _resolve_outside(verdict)
                _resolve_in_database(manifest.station_code, verdict.pending)
                _store_attachments(zf, manifest)
                _upsert_station(manifest)
                report.inserted = sum(t.inserted for t in tally.values())
                report.updated = sum(t.updated for t in tally.values())
                report.unchanged = sum(t.unchanged for t in tally.values())
                report.tables = {k: v.as_dict() for k, v in tally.items()}
                if not ExchangeImported.select().where(ExchangeImported.package_id == manifest.package_id).exists():
                    ExchangeImported.create(
                        package_id=manifest.package_id, station_code=manifest.station_code, kind=manifest.kind,
                        period_from=manifest.period_from, period_to=manifest.period_to,
                        created_at=_ts(manifest.created_at), previous_package_id=manifest.previous_package_id,
                        file_name=Path(path).name[:200],
                        counts={"inserted": report.inserted, "updated": report.updated,
                                "unchanged": report.unchanged, "tables": report.tables},
                        status="imported", reason="")
                    audit.record("import", "package", manifest.package_id, None,
                                 {"file": Path(path).name, "inserted": report.inserted, "updated": report.updated},
                                 summary=f"导入 {manifest.station['name']} 的数据包 {Path(path).name}",
                                 station_code=manifest.station_code)
    except _Reject as exc:
        report.reason = exc.reason
        return report
    except OSError as exc:
        report.reason = f"读取数据包时出错：{os_reason(exc)}，数据库没有改动"
        return report
    except StorageError as exc:
        report.reason = exc.message
        return report
    except KnownError as exc:  # database locked, disk full…: this package not imported, the batch goes on
        report.reason = f"{exc.message}（这个数据包没有导入）"
        return report
    except Exception as exc:
        if type(exc).__name__ in ("IntegrityError", "UniqueViolation"):  # peewee, sqlite3 or psycopg2
            report.reason = _clash_reason(str(exc), report.station_code)
            return report
        raise
    report.status = "imported"
    return report


_CLASH_TABLES = {"deputy": "代表", "activity_day": "代表活动日", "reception": "接待登记", "case": "意见建议",
                 "case_event": "办理记录", "attendance": "签到", "duty_record": "履职记录"}


def _clash_reason(text: str, code: str) -> str:
    """Why a package clashes with the database (EXCHANGE_FORMAT, import refusals), in Chinese."""
    low = text.lower()
    table = next((zh for t, zh in _CLASH_TABLES.items() if f"{t}.uid" in low or f'"{t}"' in low
                  or f"{t}_uid" in low), "")
    if ".uid" in low or "_uid" in low:
        return (f"数据包中的{table or '记录'}编号（uid）已属于数据库中的另一个联络站，不能导入为 {code} 的记录；"
                "这个数据包被拒绝，数据库没有改动。请核对数据包来自哪个联络站。")
    if "activity_day" in low or ".date" in low:
        what = "同一日期的代表活动日"
    elif "case" in low or "number" in low:
        what = "相同编号的意见建议"
    elif "sort_key" in low:
        what = "同一时刻的接待登记"
    else:
        what = f"已有的{table or ''}记录"
    return (f"数据包中的记录与数据库中 {code} 站{what}冲突，但记录编号（uid）不同：这个联络站的数据可能是重装后"
            "重新建立的。这个数据包被拒绝，数据库没有改动，同批的其他数据包照常导入。请与该站核实后由管理员处理。")


def import_packages(paths, password: str | None = None, progress: ProgressFn | None = None) -> list[ImportReport]:
    """Verify and merge each package; a report per package, in the order given. ``password`` None
    takes the setting ``export.password`` (the county usually sets the same one). A package is
    imported whole or not at all."""
    paths = [str(p) for p in paths]
    if password is None:
        password = settings.get("export.password") or None
    reports: list[ImportReport] = []
    unit = 1000
    total = unit * len(paths)
    cancelled = False
    sizes = [_expected_records(path, password) for path in paths]
    checks = _CheckPool(paths, password, sizes)
    try:
        for n, path in enumerate(paths):
            if cancelled:
                reports.append(ImportReport(package=path, status="rejected", reason=_Cancelled().reason))
                continue
            checks.start(n)
            checks.start(n + 1)  # the next package is checked while this one is merged
            expected = sizes[n]
            seen = 0

            def step(k: int, n=n, expected=expected) -> None:
                nonlocal seen, cancelled
                seen += k
                done = n * unit + min(unit - 1, unit * seen // max(expected, 1))
                if progress is not None and progress(done, total) is False:
                    cancelled = True
                    raise _Cancelled()

            reports.append(_import_one(path, password, step, checks, n))
            if progress is not None and not cancelled:
                progress((n + 1) * unit, total)
    finally:
        checks.close()
    return reports


def _expected_records(path: str, password: str | None) -> int:
    """Records the manifest announces (for the progress bar only; 0 when unreadable)."""
    try:
        with _open_zip(path, password) as zf:
            m = _read_manifest(zf, bool(password))
        return sum(int(e.get("count") or 0) for e in m.files.values())
    except (_Reject, OSError):
        return 0


# ==================================================================================================
# The county view
# ==================================================================================================

def county_stations() -> list[StationStatus]:
    """Every station of the database with the packages imported for it and whether its chain has a
    gap: a package (after the newest full one, which carries everything) whose predecessor was
    never imported. The database's own profile is left out while it holds no data (a county's)."""
    out = []
    packages: dict[str, list] = {}
    for row in ExchangeImported.select().where(ExchangeImported.status == "imported") \
            .order_by(ExchangeImported.created_at):
        packages.setdefault(row.station_code, []).append(row)
    names = {s.code: s.name for s in Station.select()}
    home = Station.get_or_none(Station.is_home == True)  # noqa: E712
    if home is not None and home.code not in packages and not (
            Deputy.select().where(Deputy.station_code == home.code).exists()
            or Reception.select().where(Reception.station_code == home.code).exists()):
        names.pop(home.code, None)  # the county's own profile: no station's data, not a row of zeros
    for code in sorted(set(names) | set(packages)):
        rows = packages.get(code, [])
        ids = {r.package_id for r in rows}
        fulls = [i for i, r in enumerate(rows) if r.kind == "full"]
        start = fulls[-1] + 1 if fulls else 0
        missing = [r for r in rows[start:] if r.previous_package_id and r.previous_package_id not in ids]
        note = ""
        if missing:
            first = missing[0]
            note = (f"{first.created_at:%Y-%m-%d %H:%M} 的数据包（{first.period_from}至{first.period_to}）之前的数据包"
                    f"没有导入（缺少编号 {first.previous_package_id[:8]}…）")
            if len(missing) > 1:
                note += f"，共 {len(missing)} 处断档"
        out.append(StationStatus(
            code=code, name=names.get(code, code), packages=len(rows),
            last_imported_at=max((r.imported_at for r in rows), default=None),
            period_from=min((r.period_from for r in rows), default=None),
            period_to=max((r.period_to for r in rows), default=None),
            gap=bool(missing), gap_note=note))
    return out


__all__ = ["ExportCancelled", "ExportResult", "ImportReport", "StationStatus", "SentPackage", "county_stations",
           "export_package", "import_packages", "last_export"]

