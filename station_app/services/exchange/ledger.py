"""The package's reports: ``reports/台账.xlsx`` (:class:`_Ledger`) and ``reports/汇总.pdf``
(:func:`summary_pdf`), written in the exporting process. The 台账 is filled from the records the
export streams into the data members (:meth:`_Ledger.add_chunk`), so nothing is read twice; the
workbook is openpyxl's write-only one (~10 µs a cell: ~1.5 s for a 台账 of 20,000 rows, the most of
what a small station's package costs beyond its data; a hand-written SpreadsheetML writer ten times
as fast was tried and not kept — openpyxl is the well-kept library for it). Both reports used to be
written by a child process that read the tables again: ~2 s a package beyond its data.

The 台账's columns are declared per table (:data:`LEDGER`): a Chinese header, the record field it
shows (a field of the table's package spec, checked on import) and how the value is shown (a code's
label, a masked phone or ID number, a deputy's name …)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

from station_app.db.connection import database
from station_app.db.models import ActivityDay, Case, Deputy
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
)
from station_app.domain.livelihood import (
    ProjectRating,
    ProjectSource,
    ProjectStatus,
    SessionStatus,
    VoteChoice,
)
from station_app.domain.masking import mask_id_number, mask_phone
from station_app.services.exchange.common import _in, _p, _q, _table, tunable


def _t(ts) -> str:
    return (ts or "")[:16].replace("T", " ")


def _yes(v) -> str:
    return "是" if v else "否"


def _yuan(fen) -> str:
    return "" if fen is None else f"{fen / 100:.2f}"


# how a value is shown: None as it is, a function of the value, or the name of one of the ledger's
# lookups ("name": a deputy's name, "names": the names of a list of deputies, "day": an activity
# day's date, "case": a case's number)
Show = Callable | str | None

LEDGER: dict[str, tuple[tuple[str, str, Show], ...]] = {
    "deputies": (
        ("姓名", "name", None), ("性别", "gender", Gender.label_of), ("民族", "ethnicity", None),
        ("出生日期", "birth_date", None), ("政治面貌", "party", None), ("代表层级", "levels", levels_label),
        ("界别", "sector", None), ("代表小组", "group", None), ("电话", "phone", mask_phone), ("届别", "term", None),
        ("在任", "active", _yes), ("备注", "note", None)),
    "activity_days": (
        ("日期", "date", None), ("开始", "start_time", None), ("结束", "end_time", None),
        ("活动形式", "kind", ActivityKind.label_of), ("主题", "theme", None), ("地点", "place", None),
        ("主持人", "host", None), ("状态", "status", ActivityStatus.label_of), ("值班代表", "duty_deputy_uids", "names")),
    "attendances": (
        ("活动日", "activity_day_uid", "day"), ("代表", "deputy_uid", "name"),
        ("签到情况", "status", AttendanceStatus.label_of)),
    "receptions": (
        ("接待时间", "received_at", _t), ("来访方式", "channel", Channel.label_of), ("来访人", "visitor_name", None),
        ("电话", "visitor_phone", mask_phone), ("身份证号", "visitor_id_number", mask_id_number),
        ("村（社区）", "village", None), ("人数", "visitor_count", None), ("接待代表", "deputy_uids", "names"),
        ("接待情况", "summary", None)),
    "cases": (
        ("编号", "number", None), ("登记时间", "registered_at", _t), ("类别", "category", Category.label_of),
        ("内容", "content", None), ("办理方式", "handling", Handling.label_of), ("承办单位", "department", None),
        ("办理期限", "deadline", None), ("状态", "status", CaseStatus.label_of),
        ("群众评价", "evaluation", Evaluation.label_of), ("办理轮次", "rounds", None), ("办结时间", "resolved_at", _t)),
    "case_events": (
        ("意见建议", "case_uid", "case"), ("时间", "at", _t), ("环节", "action", CaseAction.label_of),
        ("经办人", "actor", None), ("说明", "note", None)),
    "duty_records": (
        ("代表", "deputy_uid", "name"), ("日期", "date", None), ("指标", "indicator_code", None),
        ("数量", "quantity", None), ("分值", "points", None),
        ("来源", "source", lambda v: "自动" if v == "auto" else "手工"), ("说明", "note", None),
        ("已审核", "verified", _yes)),
    "livelihood_projects": (
        ("年度", "year", None), ("项目名称", "title", None), ("村（社区）", "village", None),
        ("估算资金（元）", "estimated_cost", _yuan), ("责任单位", "department", None),
        ("来源", "source", ProjectSource.label_of), ("状态", "status", ProjectStatus.label_of),
        ("进度（%）", "progress", None), ("完成时间", "completed_at", _t)),
    "livelihood_sessions": (
        ("日期", "date", None), ("会议", "meeting_name", None), ("全体代表", "deputies_total", None),
        ("出席代表", "present_deputy_uids", "names"), ("拟确定项目数", "quota", None),
        ("状态", "status", SessionStatus.label_of)),
    "livelihood_votes": (
        ("代表", "deputy_uid", "name"), ("表决意见", "choice", VoteChoice.label_of), ("赞成", "count_for", None),
        ("反对", "count_against", None), ("弃权", "count_abstain", None)),
    "livelihood_milestones": (
        ("节点", "title", None), ("计划完成", "planned_date", None), ("实际完成", "actual_date", None),
        ("说明", "note", None)),
    "livelihood_inspections": (("督查活动日", "activity_day_uid", "day"), ("督查发现", "findings", None)),
    "livelihood_ratings": (
        ("年度", "year", None), ("代表", "deputy_uid", "name"), ("评价", "rating", ProjectRating.label_of),
        ("评价日期", "rated_on", None), ("说明", "note", None)),
}

_unknown = [f"{t}.{key}" for t, cols in LEDGER.items() for _h, key, _s in cols
            if key not in {f.name for f in pk.SPECS[t]}]
if _unknown or set(LEDGER) != set(pk.TABLES):  # pragma: no cover - a typo in LEDGER
    raise AssertionError(f"台账 columns name no field of the package: {_unknown}")


class _Ledger:
    """reports/台账.xlsx: one sheet per table, Chinese headers and labels, phone and ID numbers
    masked, tombstones left out, at most :data:`XLSX_CAP` rows a sheet."""

    HEADERS = {table: tuple(header for header, _key, _show in cols) for table, cols in LEDGER.items()}

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
        self.numbers: dict[str, str] = {}  # case uid → number, for the chunk of events being added
        lookups = {"name": lambda v: self.names.get(v, ""), "names": self._who,
                   "day": lambda v: self.days.get(v, ""), "case": lambda v: self.numbers.get(v, "")}
        self.columns = {table: tuple((key, lookups[show] if isinstance(show, str) else show)
                                     for _header, key, show in cols) for table, cols in LEDGER.items()}

    def add_chunk(self, table: str, records: list[dict]) -> None:
        """The next records of ``table`` as the data member has them: the live ones are counted,
        and listed while the sheet has room (:data:`XLSX_CAP`); tombstones are left out."""
        live = [r for r in records if r["deleted_at"] is None]
        self.total[table] += len(live)
        room = tunable("XLSX_CAP") - self.rows[table]
        if room <= 0 or not live:
            return
        live = live[:room]
        self.numbers = {}
        if table == "case_events":
            uids = list({r["case_uid"] for r in live})
            self.numbers = dict(database.execute_sql(
                f"SELECT {_q('uid')}, {_q('number')} FROM {_table(Case)} WHERE {_q('uid')} IN {_in(len(uids))}",
                uids).fetchall())
        ws = self.sheets[table]
        columns = self.columns[table]
        for r in live:
            ws.append([_cell(ws, r[key] if show is None else show(r[key])) for key, show in columns])
        self.rows[table] += len(live)

    def _who(self, uids) -> str:
        return "、".join(self.names.get(u, "") for u in uids)

    def to_bytes(self) -> bytes:
        """The workbook, each sheet closed by a line saying how many records it left out."""
        for table, ws in self.sheets.items():
            if self.total[table] > self.rows[table]:
                ws.append([f"……共 {self.total[table]} 条，表中只列出前 {self.rows[table]} 条；完整数据见数据包的 data/ 目录"])
        out = io.BytesIO()
        self.wb.save(out)
        return out.getvalue()

    def abandon(self) -> None:
        """Close the half-built workbook and remove its temp files (an export that failed)."""
        for ws in self.sheets.values():
            with contextlib.suppress(Exception):
                ws.close()
            with contextlib.suppress(Exception):
                ws._writer.cleanup()


def _cell(ws, value):
    """A value as the 台账 shows it: text without the characters XML cannot hold, and text that
    starts with ``=`` stays text (never a formula)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"
            return cell
    return value


def summary_pdf(code: str, date_from: dt.date, date_to: dt.date, work: Path) -> Path:
    """reports/汇总.pdf of the package (the station's 接待工作报告 of its period), written into ``work``."""
    from station_app.services import stats

    pdf = work / "汇总.pdf"
    stats.print_report(date_from, date_to, pdf, station_code=code)
    return pdf
