"""The USB exchange package (EXCHANGE_FORMAT §2), pure: record specs, validation, JSON Schemas,
the manifest and the member-name rules. No database, no files.

Every table of §2.3 is described once here (:data:`SPECS`): its fields with their type, whether
null is allowed, the codes and bounds. The same description

- validates incoming records (:func:`validator`: a compiled checker per table, fast enough for a
  million rows),
- and produces the JSON Schemas shipped in ``resources/schemas/`` (:func:`json_schema`), which
  are documentation for other implementers; a test keeps the files equal to what this module
  generates, and checks with a small schema checker that both accept and reject the same records.

Fields listed in §2.3 are required (the key must be present; null only where allowed). Our own
extra fields (minutes' four parts, duty rows, urgency …) are optional: validated when present,
defaulted when absent. Unknown fields are ignored.

How each field maps to a database column (the column spec of each table: model column, conversions
both ways) is ``station_app.services.exchange.codecs.CODECS``: it names the models' columns, which
this module, knowing no database, must not. It takes required and nullable from :data:`SPECS` and
checks on import that it carries every field here and every column of its model.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from station_app.domain import clock
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
    Level,
    Urgency,
)
from station_app.domain.livelihood import (
    ProjectRating,
    ProjectSource,
    ProjectStatus,
    SessionStatus,
    VoteChoice,
)

FORMAT = "station-exchange"
VERSION = 1
SUPPORTED_VERSIONS = (1,)

UID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
TS_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
HHMM_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
SHA_PATTERN = r"^[0-9a-f]{64}$"
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
ATTACHMENT_PATTERN = r"^attachments/[0-9a-f]{64}\.[a-z0-9]{1,8}$"

_UID = re.compile(UID_PATTERN)
_TS = re.compile(TS_PATTERN)
_DATE = re.compile(DATE_PATTERN)
_HHMM = re.compile(HHMM_PATTERN)
_SHA = re.compile(SHA_PATTERN)
_CODE = re.compile(CODE_PATTERN)
_ATTACHMENT = re.compile(ATTACHMENT_PATTERN)
# our own stored form: fixed width, microseconds, +08:00 — kept as it is on import
_OUR_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+08:00$", re.ASCII)


# --- field specs ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class F:
    """One field: ``kind`` is uid / ts / date / hhmm / str / int / num / bool / code / uids / codes /
    strs / attachment / objects; ``nullable`` allows null; ``required`` means the key must be there."""

    name: str
    kind: str
    nullable: bool = False
    required: bool = True
    codes: tuple[str, ...] = ()
    max_length: int | None = None
    minimum: int | None = None
    item: tuple[F, ...] = ()  # the fields of each object of an ``objects`` field
    label: str = ""


def _opt(f: F) -> F:
    """The same field as an optional extra (ours, not in §2.3)."""
    return F(f.name, f.kind, f.nullable, False, f.codes, f.max_length, f.minimum, f.item, f.label)


COMMON = (
    F("uid", "uid", label="记录编号"),
    F("station_code", "str", max_length=32, label="站点编码"),
    F("created_at", "ts", label="创建时间"),
    F("updated_at", "ts", label="修改时间"),
    F("deleted_at", "ts", nullable=True, label="删除时间"),
)

DUTY_ITEM = (
    F("uid", "uid"), F("deputy_uid", "uid"), F("manual", "bool"), F("note", "str", nullable=True, max_length=200),
    F("created_at", "ts"), F("updated_at", "ts"), F("deleted_at", "ts", nullable=True),
)

SPECS: dict[str, tuple[F, ...]] = {
    "deputies": COMMON + (
        F("name", "str", max_length=40, label="姓名"),
        F("gender", "code", nullable=True, codes=tuple(Gender.codes()), label="性别"),
        F("ethnicity", "str", nullable=True, max_length=20, label="民族"),
        F("birth_date", "date", nullable=True, label="出生日期"),
        F("party", "str", nullable=True, max_length=20, label="政治面貌"),
        F("levels", "codes", codes=tuple(Level.codes()), label="代表层级"),
        F("sector", "str", nullable=True, max_length=40, label="界别"),
        F("group", "str", nullable=True, max_length=40, label="代表小组"),
        F("phone", "str", nullable=True, max_length=40, label="电话"),
        F("term", "str", nullable=True, max_length=40, label="届别"),
        F("active", "bool", label="在任"),
        F("photo", "attachment", nullable=True, max_length=120, label="照片"),
        F("note", "str", nullable=True, label="备注"),
        F("commitment", "str", nullable=True, required=False, label="亮承诺"),
        F("sort_order", "int", required=False, label="排序"),
        F("public_phone", "str", nullable=True, required=False, max_length=40, label="公开联系电话"),
    ),
    "activity_days": COMMON + (
        F("date", "date", label="日期"),
        F("start_time", "hhmm", nullable=True, label="开始时间"),
        F("end_time", "hhmm", nullable=True, label="结束时间"),
        F("kind", "code", codes=tuple(ActivityKind.codes()), label="活动形式"),
        F("theme", "str", nullable=True, max_length=200, label="主题"),
        F("place", "str", nullable=True, max_length=200, label="地点"),
        F("host", "str", nullable=True, max_length=40, label="主持人"),
        F("status", "code", codes=tuple(ActivityStatus.codes()), label="状态"),
        F("minutes", "str", nullable=True, label="会议纪要"),
        F("duty_deputy_uids", "uids", label="值班代表"),
        F("agenda", "str", nullable=True, required=False, label="议程"),
        F("discussion", "str", nullable=True, required=False, label="讨论情况"),
        F("decisions", "str", nullable=True, required=False, label="议定事项"),
        F("follow_ups", "str", nullable=True, required=False, label="后续跟进"),
        F("origin", "code", required=False, codes=("rule", "manual"), label="来源"),
        F("original_date", "date", nullable=True, required=False, label="原定日期"),
        F("change_reason", "str", nullable=True, required=False, max_length=200, label="调整原因"),
        F("duties", "objects", required=False, item=DUTY_ITEM, label="值班记录"),
    ),
    "attendances": COMMON + (
        F("activity_day_uid", "uid", label="活动日"),
        F("deputy_uid", "uid", label="代表"),
        F("status", "code", codes=tuple(AttendanceStatus.codes()), label="签到状态"),
    ),
    "receptions": COMMON + (
        F("received_at", "ts", label="接待时间"),
        F("channel", "code", codes=tuple(Channel.codes()), label="来访方式"),
        F("visitor_name", "str", max_length=40, label="来访人"),
        F("visitor_phone", "str", nullable=True, max_length=40, label="电话"),
        F("visitor_id_number", "str", nullable=True, max_length=18, label="身份证号"),
        F("village", "str", nullable=True, max_length=60, label="村（社区）"),
        F("visitor_count", "int", minimum=1, label="人数"),
        F("deputy_uids", "uids", label="接待代表"),
        F("activity_day_uid", "uid", nullable=True, label="活动日"),
        F("summary", "str", nullable=True, label="接待情况"),
    ),
    "cases": COMMON + (
        F("reception_uid", "uid", nullable=True, label="接待登记"),
        F("number", "str", max_length=20, label="编号"),
        F("registered_at", "ts", label="登记时间"),
        F("category", "code", codes=tuple(Category.codes()), label="类别"),
        F("content", "str", label="内容"),
        F("handling", "code", codes=tuple(Handling.codes()), label="办理方式"),
        F("department", "str", nullable=True, max_length=60, label="承办单位"),
        F("deadline", "date", nullable=True, label="办理期限"),
        F("status", "code", codes=tuple(CaseStatus.codes()), label="状态"),
        F("evaluation", "code", nullable=True, codes=tuple(Evaluation.codes()), label="群众评价"),
        F("rounds", "int", minimum=1, label="办理轮次"),
        F("resolved_at", "ts", nullable=True, label="办结时间"),
        F("urgency", "code", required=False, codes=tuple(Urgency.codes()), label="紧急程度"),
        F("co_departments", "strs", required=False, label="协办单位"),
    ),
    "case_events": COMMON + (
        F("case_uid", "uid", label="意见建议"),
        F("at", "ts", label="时间"),
        F("action", "code", codes=tuple(CaseAction.codes()), label="环节"),
        F("actor", "str", nullable=True, max_length=40, label="经办人"),
        F("note", "str", nullable=True, label="说明"),
        F("round", "int", required=False, minimum=1, label="轮次"),
        F("department", "str", nullable=True, required=False, max_length=60, label="承办单位"),
        F("deadline", "date", nullable=True, required=False, label="期限"),
        F("evaluation", "code", nullable=True, required=False, codes=tuple(Evaluation.codes()), label="评价"),
    ),
    "duty_records": COMMON + (
        F("deputy_uid", "uid", label="代表"),
        F("date", "date", label="日期"),
        F("indicator_code", "str", max_length=16, label="指标"),
        F("quantity", "num", label="数量"),
        F("points", "num", label="分值"),
        F("source", "code", codes=("auto", "manual"), label="来源"),
        F("source_uid", "uid", nullable=True, label="来源记录"),
        F("note", "str", nullable=True, label="说明"),
        F("verified", "bool", label="已审核"),
        F("evidence", "attachment", nullable=True, required=False, max_length=120, label="佐证材料"),
        F("reviewer", "str", nullable=True, required=False, max_length=40, label="审核人"),
        F("reviewed_at", "ts", nullable=True, required=False, label="审核时间"),
    ),
}

# 民生实事项目票决制 (v1.1, additive): six tables after the seven of v1. A package without them
# (an older station's) is whole: their members are optional (OPTIONAL_TABLES).
SPECS.update({
    "livelihood_projects": COMMON + (
        F("year", "int", label="年度"),
        F("title", "str", max_length=100, label="项目名称"),
        F("description", "str", nullable=True, label="项目概要"),
        F("village", "str", nullable=True, max_length=60, label="村（社区）"),
        F("estimated_cost", "int", minimum=0, label="估算资金（分）"),
        F("department", "str", nullable=True, max_length=60, label="责任单位"),
        F("source", "code", codes=tuple(ProjectSource.codes()), label="项目来源"),
        F("status", "code", codes=tuple(ProjectStatus.codes()), label="状态"),
        F("registered_on", "date", label="征集日期"),
        F("session_uid", "uid", nullable=True, label="票决会议"),
        F("budget", "int", nullable=True, minimum=0, label="预算资金（分）"),
        F("progress", "int", minimum=0, label="进度（%）"),
        F("completed_at", "ts", nullable=True, label="完成时间"),
        F("carried_from_uid", "uid", nullable=True, label="再督办来源项目"),
        F("case_uids", "uids", label="关联意见建议"),
        F("note", "str", nullable=True, label="备注"),
    ),
    "livelihood_sessions": COMMON + (
        F("date", "date", label="票决日期"),
        F("meeting_name", "str", max_length=120, label="会议名称"),
        F("deputies_total", "int", minimum=1, label="全体代表人数"),
        F("present_deputy_uids", "uids", label="出席代表"),
        F("project_uids", "uids", label="选票上的项目"),
        F("quota", "int", minimum=1, label="拟确定项目数"),
        F("status", "code", codes=tuple(SessionStatus.codes()), label="状态"),
    ),
    "livelihood_votes": COMMON + (
        F("session_uid", "uid", label="票决会议"),
        F("project_uid", "uid", label="项目"),
        F("deputy_uid", "uid", nullable=True, label="代表"),
        F("choice", "code", nullable=True, codes=tuple(VoteChoice.codes()), label="表决意见"),
        F("count_for", "int", minimum=0, label="赞成票"),
        F("count_against", "int", minimum=0, label="反对票"),
        F("count_abstain", "int", minimum=0, label="弃权票"),
    ),
    "livelihood_milestones": COMMON + (
        F("project_uid", "uid", label="项目"),
        F("title", "str", max_length=100, label="节点"),
        F("planned_date", "date", label="计划完成日期"),
        F("actual_date", "date", nullable=True, label="实际完成日期"),
        F("note", "str", nullable=True, label="说明"),
    ),
    "livelihood_inspections": COMMON + (
        F("activity_day_uid", "uid", label="督查活动日"),
        F("project_uid", "uid", label="项目"),
        F("findings", "str", nullable=True, label="督查发现"),
    ),
    "livelihood_ratings": COMMON + (
        F("project_uid", "uid", label="项目"),
        F("deputy_uid", "uid", label="代表"),
        F("year", "int", label="年度"),
        F("rating", "code", codes=tuple(ProjectRating.codes()), label="评价"),
        F("rated_on", "date", label="评价日期"),
        F("note", "str", nullable=True, label="说明"),
    ),
})
OPTIONAL_TABLES = frozenset(("livelihood_projects", "livelihood_sessions", "livelihood_votes", "livelihood_milestones",
                             "livelihood_inspections", "livelihood_ratings"))

TABLES = tuple(SPECS)  # the import order; a reference to a table after it is resolved once all are merged
TABLE_LABELS = {"deputies": "代表", "activity_days": "活动日", "attendances": "签到", "receptions": "接待登记",
                "cases": "意见建议", "case_events": "办理记录", "duty_records": "履职记录",
                "livelihood_projects": "民生实事项目", "livelihood_sessions": "民生实事票决",
                "livelihood_votes": "民生实事表决票", "livelihood_milestones": "民生实事实施节点",
                "livelihood_inspections": "民生实事督查", "livelihood_ratings": "民生实事评单"}

# (table, field) → the tables a uid there may point to; None for attachments
REFERENCES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "deputies": (),
    "activity_days": (("duty_deputy_uids", ("deputies",)), ("duties.deputy_uid", ("deputies",))),
    "attendances": (("activity_day_uid", ("activity_days",)), ("deputy_uid", ("deputies",))),
    "receptions": (("deputy_uids", ("deputies",)), ("activity_day_uid", ("activity_days",))),
    "cases": (("reception_uid", ("receptions",)),),
    "case_events": (("case_uid", ("cases",)),),
    "duty_records": (("deputy_uid", ("deputies",)),
                     ("source_uid", ("attendances", "receptions", "cases", "livelihood_sessions", "livelihood_ratings"))),
    "livelihood_projects": (("session_uid", ("livelihood_sessions",)), ("carried_from_uid", ("livelihood_projects",)),
                            ("case_uids", ("cases",))),
    "livelihood_sessions": (("present_deputy_uids", ("deputies",)), ("project_uids", ("livelihood_projects",))),
    "livelihood_votes": (("session_uid", ("livelihood_sessions",)), ("project_uid", ("livelihood_projects",)),
                         ("deputy_uid", ("deputies",))),
    "livelihood_milestones": (("project_uid", ("livelihood_projects",)),),
    "livelihood_inspections": (("activity_day_uid", ("activity_days",)), ("project_uid", ("livelihood_projects",))),
    "livelihood_ratings": (("project_uid", ("livelihood_projects",)), ("deputy_uid", ("deputies",))),
}
ATTACHMENT_FIELDS = {"deputies": ("photo",), "duty_records": ("evidence",)}


def data_member(table: str) -> str:
    """The zip member that holds ``table``'s records (``data/<table>.jsonl``)."""
    return f"data/{table}.jsonl"


# --- validation -----------------------------------------------------------------------------------

class RecordError(ValueError):
    """A record breaks the rules; the message is Chinese and names the field."""


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=4096)
def _known_date(text: str) -> bool:
    """``text`` is a valid ``YYYY-MM-DD`` date (kept: a package repeats a few hundred dates)."""
    return _DATE.fullmatch(text) is not None and _valid_date(text)


def _valid_ts(text: str) -> bool:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return value.tzinfo is not None


def _check_value(f: F, value: Any) -> str | None:
    """None when ``value`` suits ``f``, else why not (Chinese)."""
    if value is None:
        return None if f.nullable else "不能为空"
    k = f.kind
    if k in ("str", "attachment"):
        if not isinstance(value, str):
            return "应为文字"
        if f.max_length is not None and len(value) > f.max_length:
            return f"太长（最多 {f.max_length} 字）"
        if k == "attachment" and not _ATTACHMENT.fullmatch(value):
            return "应为 attachments/{sha256}.{扩展名}"
        return None
    if k == "uid":
        return None if isinstance(value, str) and _UID.fullmatch(value) else "应为小写带连字符的 UUID"
    if k == "ts":
        return None if isinstance(value, str) and _TS.fullmatch(value) and _valid_ts(value) \
            else "应为带时区的 ISO 8601 时间"
    if k == "date":
        return None if isinstance(value, str) and _DATE.fullmatch(value) and _valid_date(value) else "应为 YYYY-MM-DD 日期"
    if k == "hhmm":
        return None if isinstance(value, str) and _HHMM.fullmatch(value) else "应为 HH:MM 时间"
    if k == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            return "应为整数"
        return f"不能小于 {f.minimum}" if f.minimum is not None and value < f.minimum else None
    if k == "num":
        return None if isinstance(value, (int, float)) and not isinstance(value, bool) else "应为数字"
    if k == "bool":
        return None if isinstance(value, bool) else "应为 true 或 false"
    if k == "code":
        return None if isinstance(value, str) and value in f.codes else f"代码无效：{value!r}"
    if k == "uids":
        if not isinstance(value, list) or not all(isinstance(u, str) and _UID.fullmatch(u) for u in value):
            return "应为 UUID 列表"
        return None
    if k == "codes":
        if not isinstance(value, list) or not value:
            return "应为非空列表"
        bad = [v for v in value if not isinstance(v, str) or v not in f.codes]
        if bad:
            return f"代码无效：{bad[0]!r}"
        return "有重复" if len(set(value)) != len(value) else None
    if k == "strs":
        return None if isinstance(value, list) and all(isinstance(v, str) for v in value) else "应为文字列表"
    if k == "objects":
        if not isinstance(value, list):
            return "应为列表"
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                return f"第 {i + 1} 项应为对象"
            for sub in f.item:
                if sub.name not in item:
                    if sub.required:
                        return f"第 {i + 1} 项缺少 {sub.name}"
                    continue
                why = _check_value(sub, item[sub.name])
                if why:
                    return f"第 {i + 1} 项的 {sub.name} {why}"
        return None
    raise AssertionError(k)  # pragma: no cover - a spec typo


def _quick_test(f: F, i: int, ns: dict[str, Any]) -> str | None:
    """A quick test (Python source on ``v``) that passes the common valid values of ``f`` (False
    sends the value to :func:`_check_value`, which decides and says why); None: no quick test.
    What it needs goes into the namespace ``ns`` under names ending in ``i``."""
    k = f.kind
    if k == "str":
        ns[f"top{i}"] = f.max_length
        test = "type(v) is str" + ("" if f.max_length is None else f" and len(v) <= top{i}")
    elif k == "uid":
        ns["_uid"] = _UID.fullmatch
        test = "type(v) is str and _uid(v) is not None"
    elif k == "ts":
        ns["_our_ts"] = _OUR_TS.fullmatch
        test = "type(v) is str and _our_ts(v) is not None"
    elif k == "code":
        ns[f"codes{i}"] = frozenset(f.codes)
        test = f"type(v) is str and v in codes{i}"
    elif k == "bool":
        test = "v is True or v is False"
    elif k == "int":
        ns[f"low{i}"] = f.minimum
        test = "type(v) is int" + ("" if f.minimum is None else f" and v >= low{i}")
    elif k == "num":
        test = "type(v) is int or type(v) is float"
    elif k == "date":
        ns["_date"] = _known_date
        test = "type(v) is str and _date(v)"
    elif k == "uids":
        ns["_uid"] = _UID.fullmatch
        test = "type(v) is list and all(type(u) is str and _uid(u) is not None for u in v)"
    elif k == "strs":
        test = "type(v) is list and all(type(x) is str for x in v)"
    else:
        return "v is None" if f.nullable else None  # null, where allowed, needs no full check
    return f"v is None or ({test})" if f.nullable else test


def _field_fault(f: F, value: Any) -> None:
    why = _check_value(f, value)
    if why:
        raise RecordError(f"字段 {f.name}（{f.label or f.name}）{why}")


def validator(table: str) -> Callable[[Any], None]:
    """A function ``check(record) -> None`` raising :class:`RecordError` for ``table``'s records,
    fast enough for a million rows: compiled once into one function whose quick tests (inline, no
    call a field) pass each field's common valid values; anything else goes through the full check."""
    ns: dict[str, Any] = {"RecordError": RecordError, "_fault": _field_fault, "_missing": object()}
    lines = ["def check(record):",
             "    if type(record) is not dict:",
             "        raise RecordError('每一行应为一个 JSON 对象')",
             "    get = record.get"]
    for i, f in enumerate(SPECS[table]):
        ns[f"f{i}"] = f
        lines.append(f"    v = get({f.name!r}, _missing)")
        lines.append("    if v is _missing:")
        lines.append(f"        raise RecordError({'缺少字段 ' + f.name!r})" if f.required else "        pass")
        test = _quick_test(f, i, ns)
        lines.append(f"    elif not ({test}):" if test else "    else:")
        lines.append(f"        _fault(f{i}, v)")
    exec(compile("\n".join(lines) + "\n", f"<package validator {table}>", "exec"), ns)  # noqa: S102 - our own text
    check: Callable[[Any], None] = ns["check"]
    return check


def normalize_ts(text: str | None) -> str | None:
    """A valid ISO 8601 time with offset → our stored form (local time, microseconds, +08:00)."""
    if text is None or _OUR_TS.fullmatch(text):
        return text
    return clock.format_ts(clock.parse_ts(text.replace("Z", "+00:00")))


# --- JSON Schemas ---------------------------------------------------------------------------------

def _schema_of(f: F) -> dict[str, Any]:
    k = f.kind
    if k in ("str", "attachment"):
        s: dict[str, Any] = {"type": "string"}
        if f.max_length is not None:
            s["maxLength"] = f.max_length
        if k == "attachment":
            s["pattern"] = ATTACHMENT_PATTERN
    elif k == "uid":
        s = {"type": "string", "pattern": UID_PATTERN}
    elif k == "ts":
        s = {"type": "string", "format": "date-time", "pattern": TS_PATTERN}
    elif k == "date":
        s = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    elif k == "hhmm":
        s = {"type": "string", "pattern": HHMM_PATTERN}
    elif k == "int":
        s = {"type": "integer"}
        if f.minimum is not None:
            s["minimum"] = f.minimum
    elif k == "num":
        s = {"type": "number"}
    elif k == "bool":
        s = {"type": "boolean"}
    elif k == "code":
        s = {"type": "string", "enum": list(f.codes)}
    elif k == "uids":
        s = {"type": "array", "items": {"type": "string", "pattern": UID_PATTERN}}
    elif k == "codes":
        s = {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "string", "enum": list(f.codes)}}
    elif k == "strs":
        s = {"type": "array", "items": {"type": "string"}}
    elif k == "objects":
        s = {"type": "array", "items": _object_schema(f.item)}
    else:  # pragma: no cover
        raise AssertionError(k)
    if f.nullable:
        s["type"] = [s["type"], "null"]
        if "enum" in s:
            s["enum"] = [*s["enum"], None]
    if f.label:
        s["description"] = f.label + ("" if f.required else "（本程序的扩展字段，可省略）")
    return s


def _object_schema(fields: tuple[F, ...]) -> dict[str, Any]:
    return {"type": "object", "required": [f.name for f in fields if f.required],
            "properties": {f.name: _schema_of(f) for f in fields}, "additionalProperties": True}


def json_schema(table: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one line of ``data/{table}.jsonl``."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"station-exchange/v{VERSION}/{table}.schema.json",
            "title": f"{table}（{TABLE_LABELS[table]}）: one line of data/{table}.jsonl",
            **_object_schema(SPECS[table])}


# the station profile's text fields a manifest may carry, and their longest length; ``name``,
# ``township`` and ``county`` are v1, the rest optional additions (docs/exchange-format.md §2.2)
STATION_TEXT_FIELDS = {"name": 100, "township": 100, "county": 100, "address": 200, "phone": 40,
                       "reception_rule": 200}


def manifest_schema() -> dict[str, Any]:
    """The JSON Schema of ``manifest.json`` (EXCHANGE_FORMAT §2.2)."""
    file_entry = {"type": "object", "required": ["sha256"], "additionalProperties": True,
                  "properties": {"sha256": {"type": "string", "pattern": SHA_PATTERN},
                                 "count": {"type": "integer", "minimum": 0}}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"station-exchange/v{VERSION}/manifest.schema.json",
        "title": "manifest.json of a station exchange package",
        "type": "object",
        "required": ["format", "version", "package_id", "previous_package_id", "kind", "created_at", "app_version",
                     "station", "period", "files"],
        "additionalProperties": True,
        "properties": {
            "format": {"const": FORMAT},
            "version": {"type": "integer", "enum": list(SUPPORTED_VERSIONS)},
            "package_id": {"type": "string", "pattern": UID_PATTERN},
            "previous_package_id": {"type": ["string", "null"], "pattern": UID_PATTERN},
            "kind": {"type": "string", "enum": ["full", "incremental"]},
            "created_at": {"type": "string", "format": "date-time", "pattern": TS_PATTERN},
            "app_version": {"type": "string"},
            "station": {"type": "object", "required": ["code", "name"], "additionalProperties": True,
                        "properties": {"code": {"type": "string", "pattern": CODE_PATTERN},
                                       "name": {"type": "string", "maxLength": 100},
                                       "township": {"type": "string", "maxLength": 100},
                                       "county": {"type": "string", "maxLength": 100},
                                       "address": {"type": "string", "maxLength": 200},
                                       "phone": {"type": "string", "maxLength": 40},
                                       "reception_rule": {"type": "string", "maxLength": 200},
                                       "schedule_rules": {"type": "array", "maxItems": 20,
                                                          "items": {"type": "string", "maxLength": 200}},
                                       "year_closings": {"type": "object",
                                                         "patternProperties": {"^[0-9]{4}$": {
                                                             "type": "object",
                                                             "required": ["as_of", "closed_at", "closed_by", "rules",
                                                                          "grades"]}},
                                                         "additionalProperties": False},
                                       "scoring_rules": {"type": "object",
                                                         "patternProperties": {"^[0-9]{4}$": {"type": "object"}},
                                                         "additionalProperties": False}}},
            "period": {"type": "object", "required": ["from", "to"], "additionalProperties": True,
                       "properties": {"from": {"type": "string", "format": "date", "pattern": DATE_PATTERN},
                                      "to": {"type": "string", "format": "date", "pattern": DATE_PATTERN}}},
            "files": {"type": "object", "additionalProperties": file_entry},
        },
    }


def all_schemas() -> dict[str, dict[str, Any]]:
    """File name under resources/schemas/ → schema."""
    out = {"manifest.schema.json": manifest_schema()}
    out.update({f"{t}.schema.json": json_schema(t) for t in TABLES})
    return out


def schema_text(schema: dict[str, Any]) -> str:
    """``schema`` as the JSON text shipped in resources/schemas (stable, readable)."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


# --- manifest -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Manifest:
    """A package's ``manifest.json`` (EXCHANGE_FORMAT §2.2): id, chain, kind, station, period and files."""
    package_id: str
    previous_package_id: str | None
    kind: str
    created_at: str
    app_version: str
    station: dict[str, Any]
    period_from: dt.date
    period_to: dt.date
    files: dict[str, Any] = field(default_factory=dict)  # member → {"sha256": …, "count": …}
    version: int = VERSION

    @property
    def station_code(self) -> str:
        """The code of the station that wrote the package."""
        return str(self.station["code"])

    def to_json(self) -> dict[str, Any]:
        """The ``manifest.json`` object (EXCHANGE_FORMAT §2.2)."""
        return {"format": FORMAT, "version": self.version, "package_id": self.package_id,
                "previous_package_id": self.previous_package_id, "kind": self.kind, "created_at": self.created_at,
                "app_version": self.app_version, "station": dict(self.station),
                "period": {"from": self.period_from.isoformat(), "to": self.period_to.isoformat()},
                "files": {k: dict(v) for k, v in sorted(self.files.items())}}


def package_name(code: str, date_from: dt.date, date_to: dt.date, created: dt.datetime) -> str:
    """``{station_code}_{from:%Y%m%d}-{to:%Y%m%d}_{created:%Y%m%dT%H%M%S}.zip``."""
    return f"{code}_{date_from:%Y%m%d}-{date_to:%Y%m%d}_{created:%Y%m%dT%H%M%S}.zip"


class ManifestError(ValueError):
    """The manifest is unusable; the message is Chinese. ``version`` marks an unsupported version."""

    def __init__(self, message: str, version: bool = False):
        super().__init__(message)
        self.version = version


def parse_manifest(raw: bytes) -> Manifest:
    """Check ``manifest.json`` (format, version, types) and return it."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ManifestError("manifest.json 不是有效的 JSON") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ManifestError("manifest.json 不是联络站数据包的清单（format 应为 station-exchange）")
    version = doc.get("version")
    if type(version) is not int or version not in SUPPORTED_VERSIONS:
        raise ManifestError(f"数据包格式版本 {version!r} 本程序不支持（支持 {', '.join(map(str, SUPPORTED_VERSIONS))}），"
                            "请升级程序后再导入", version=True)
    for key in ("package_id", "previous_package_id", "kind", "created_at", "station", "period", "files"):
        if key not in doc:
            raise ManifestError(f"manifest.json 缺少 {key}")
    if not isinstance(doc["package_id"], str) or not _UID.fullmatch(doc["package_id"]):
        raise ManifestError("manifest.json 的 package_id 不是有效的 UUID")
    prev = doc["previous_package_id"]
    if prev is not None and (not isinstance(prev, str) or not _UID.fullmatch(prev)):
        raise ManifestError("manifest.json 的 previous_package_id 不是有效的 UUID")
    if doc["kind"] not in ("full", "incremental"):
        raise ManifestError(f"manifest.json 的 kind 无效：{doc['kind']!r}")
    if not isinstance(doc["created_at"], str) or not _TS.fullmatch(doc["created_at"]) or not _valid_ts(doc["created_at"]):
        raise ManifestError("manifest.json 的 created_at 不是带时区的时间")
    st = doc["station"]
    if not isinstance(st, dict) or not isinstance(st.get("code"), str) or not _CODE.fullmatch(st["code"]):
        raise ManifestError("manifest.json 的站点编码无效")
    for key, most in STATION_TEXT_FIELDS.items():
        if st.get(key) is not None and (not isinstance(st[key], str) or len(st[key]) > most):
            raise ManifestError(f"manifest.json 的站点 {key} 无效")
    schedule = st.get("schedule_rules")
    if schedule is not None and (not isinstance(schedule, list) or len(schedule) > 20 or not all(
            isinstance(t, str) and len(t) <= 200 for t in schedule)):
        raise ManifestError("manifest.json 的站点 schedule_rules 无效（应为至多20条活动日规则文字）")
    closings = st.get("year_closings")
    if closings is not None and (not isinstance(closings, dict) or not all(
            isinstance(k, str) and re.fullmatch(r"[0-9]{4}", k) and _closing_ok(v) for k, v in closings.items())):
        raise ManifestError("manifest.json 的站点 year_closings 无效（应为 {年度: 年度评定结果}）")
    rules = st.get("scoring_rules")
    if rules is not None and (not isinstance(rules, dict) or not all(
            isinstance(k, str) and re.fullmatch(r"[0-9]{4}", k) and isinstance(v, dict) for k, v in rules.items())):
        raise ManifestError("manifest.json 的站点 scoring_rules 无效（应为 {年度: 积分指标}）")
    if not (st.get("name") or "").strip():
        raise ManifestError("manifest.json 缺少站点名称")
    period = doc["period"]
    if not isinstance(period, dict) or not all(isinstance(period.get(k), str) and _DATE.fullmatch(period[k])
                                               and _valid_date(period[k]) for k in ("from", "to")):
        raise ManifestError("manifest.json 的 period 应为 {from, to} 两个日期")
    p_from, p_to = dt.date.fromisoformat(period["from"]), dt.date.fromisoformat(period["to"])
    if p_to < p_from:
        raise ManifestError("manifest.json 的 period 结束日期早于开始日期")
    files = doc["files"]
    if not isinstance(files, dict):
        raise ManifestError("manifest.json 的 files 应为对象")
    for name, entry in files.items():
        why = unsafe_name(name)
        if why:
            raise ManifestError(f"manifest.json 列出了不安全的文件名：{name}")
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str) or not _SHA.fullmatch(entry["sha256"]):
            raise ManifestError(f"manifest.json 中 {name} 的 sha256 无效")
        if name.endswith(".jsonl"):
            count = entry.get("count")
            if type(count) is not int or count < 0:
                raise ManifestError(f"manifest.json 中 {name} 的 count 无效")
        if not (name.startswith("data/") and name.endswith(".jsonl")) and not _ATTACHMENT.fullmatch(name):
            raise ManifestError(f"manifest.json 列出了不认识的文件：{name}")
        if name.startswith("attachments/") and name.split("/", 1)[1].split(".", 1)[0] != entry["sha256"]:
            raise ManifestError(f"附件 {name} 的文件名与其 sha256 不一致")
    for table in TABLES:
        if data_member(table) not in files and table not in OPTIONAL_TABLES:
            raise ManifestError(f"数据包不完整：清单中没有 {data_member(table)}")
    return Manifest(package_id=doc["package_id"], previous_package_id=prev, kind=doc["kind"],
                    created_at=doc["created_at"], app_version=str(doc.get("app_version", "")),
                    station={"code": st["code"], **{k: st.get(k) or "" for k in ("name", "township", "county")},
                             **{k: st[k] for k in (*STATION_TEXT_FIELDS, "schedule_rules", "scoring_rules",
                                                   "year_closings")
                                if k not in ("name", "township", "county") and st.get(k) is not None}},
                    period_from=p_from, period_to=p_to, files=files, version=version)


def _closing_ok(v: object) -> bool:
    """One year's 年度评定 as a manifest carries it: when, by whom, the date the figures run to, the
    rules and each deputy's frozen score and grade."""
    if not isinstance(v, dict) or not isinstance(v.get("rules"), dict) or not isinstance(v.get("grades"), list):
        return False
    if not (isinstance(v.get("as_of"), str) and _DATE.fullmatch(v["as_of"]) and _valid_date(v["as_of"])):
        return False
    if not (isinstance(v.get("closed_at"), str) and _TS.fullmatch(v["closed_at"]) and _valid_ts(v["closed_at"])):
        return False
    if not (isinstance(v.get("closed_by"), str) and len(v["closed_by"]) <= 40):
        return False
    for g in v["grades"]:
        if not isinstance(g, dict) or not isinstance(g.get("deputy_uid"), str) or not _UID.fullmatch(g["deputy_uid"]):
            return False
        if not (isinstance(g.get("deputy_name"), str) and len(g["deputy_name"]) <= 40
                and isinstance(g.get("grade"), str) and len(g["grade"]) <= 16):
            return False
        if not all(type(g.get(k)) in (int, float) for k in ("raw", "score100")) or type(g.get("rank")) is not int:
            return False
        if not isinstance(g.get("by_indicator"), dict):
            return False
    return True


def unsafe_name(name: str) -> str | None:
    """Why a member name is unsafe (absolute, drive letter, ``..``, backslash, empty part), or None."""
    if not name or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "绝对路径"
    parts = re.split(r"[/\\]", name)
    if any(p == ".." for p in parts):
        return "含有 .."
    if "\\" in name or "\x00" in name:
        return "含有非法字符"
    return None


# --- minutes --------------------------------------------------------------------------------------

MINUTES_PARTS = (("agenda", "议程"), ("discussion", "讨论情况"), ("decisions", "议定事项"), ("follow_ups", "后续跟进"))


def minutes_text(parts: dict[str, Any]) -> str | None:
    """The four parts of our minutes as the package's one ``minutes`` text (None when all empty)."""
    blocks = [f"【{label}】\n{parts[key].strip()}" for key, label in MINUTES_PARTS if (parts.get(key) or "").strip()]
    return "\n\n".join(blocks) if blocks else None


def minutes_parts(record: dict[str, Any]) -> dict[str, str]:
    """The four parts from a record: our extra keys when present, else the whole ``minutes`` text
    as the agenda (another implementation sends one text)."""
    if any(key in record for key, _label in MINUTES_PARTS):
        return {key: record.get(key) or "" for key, _label in MINUTES_PARTS}
    return {"agenda": record.get("minutes") or "", "discussion": "", "decisions": "", "follow_ups": ""}
