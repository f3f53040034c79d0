"""The audit log's hash chain (issue 19 item 3), pure Python: one definition used by the migration
that chains the old entries, by ``services/audit.record`` and by ``verify_chain``.

Each entry's ``hash`` is the SHA-256 (hex) of a canonical serialisation of the entry — every column
as stored (text exactly as in the database: the timestamp in its fixed-width ISO form, before/after
as their stored JSON text), its ``seq`` and the previous entry's hash — written as sorted-keys JSON
without spaces, UTF-8. The first entry's previous hash is :data:`GENESIS` (64 zeros). ``seq`` counts
the entries 1, 2, 3, … without gaps, so a deleted entry leaves a gap and an inserted one a duplicate
or a break in the chain. The row id (a storage key) is not covered: ``seq`` is the entry's number.

Without a secret key this is tamper-*evident* against edits, deletions and insertions in the file;
someone who rewrites every hash after the entry they changed is not caught by the chain alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

# the columns the hash covers, besides seq and prev_hash (the stored text of each)
COLUMNS = ("at", "actor", "action", "table_name", "record_uid", "station_code", "before", "after", "summary")


def entry_hash(seq: int, prev_hash: str, values: dict[str, Any]) -> str:
    """The hash of one entry: ``values`` holds each of :data:`COLUMNS` as stored (text or None)."""
    doc = {name: values.get(name) for name in COLUMNS}
    doc["seq"] = int(seq)
    doc["prev_hash"] = prev_hash
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# the Chinese words the 审计日志 page, its export and the check's findings use
ACTION_LABELS = {
    "create": "新建", "update": "修改", "delete": "删除", "restore": "恢复", "activate": "启用",
    "deactivate": "停用", "import": "导入", "export": "导出", "print": "打印", "login": "登录",
    "login_failed": "登录失败", "logout": "退出登录", "lock": "锁定", "unlock": "解锁", "unmask": "查看完整信息",
    "backup": "备份", "user_create": "新建用户", "user_update": "修改用户", "password_reset": "重设密码",
    "cancel": "取消", "close": "年度评定", "reopen": "重新打开", "generate": "生成", "move": "改期",
    "swap": "对调", "sign_in": "签到", "recompute": "重算", "review": "审核", "sync": "同步",
    "enrol": "登记密钥",
}
TABLE_LABELS = {
    "deputy": "代表", "activity_day": "活动日", "activity_photo": "活动照片", "reception": "接待登记",
    "case": "意见建议", "department": "承办单位", "deputy_unavailable": "代表请假", "duty_record": "履职记录",
    "station": "联络站", "setting": "设置", "scoring_rules": "积分规则", "score_year_closing": "年度评定",
    "holiday_override": "节假日调整", "monthly_theme": "月度主题", "package": "交换包", "user": "用户",
    "database": "数据库", "backup": "备份", "pdf": "打印文件", "xlsx": "Excel 表格", "station_key": "站点密钥",
}


def action_label(action: str) -> str:
    """The audit action in Chinese, or its code when it has no label."""
    return ACTION_LABELS.get(action, action)


def table_label(table: str) -> str:
    """The audited table in Chinese, or its name when it has no label."""
    return TABLE_LABELS.get(table, table)


@dataclass(frozen=True)
class ChainLink:
    """One stored entry as the check reads it: the chain columns and the covered ones (as text)."""

    row_id: int
    seq: int | None
    prev_hash: str | None
    hash: str | None
    values: dict[str, Any]

    def describe(self) -> str:
        """``2026-03-02 10:15 修改 接待登记``."""
        at = str(self.values.get("at") or "")[:16].replace("T", " ")
        return " ".join(x for x in (at, action_label(str(self.values.get("action") or "")),
                                    table_label(str(self.values.get("table_name") or ""))) if x)


@dataclass(frozen=True)
class ChainFinding:
    """The first place the chain is broken: ``kind`` is edited / deleted / inserted / broken."""

    kind: str
    seq: int | None
    at: str
    action: str
    table_name: str
    message: str


def _finding(kind: str, link: ChainLink, message: str) -> ChainFinding:
    return ChainFinding(kind, link.seq, str(link.values.get("at") or ""), str(link.values.get("action") or ""),
                        str(link.values.get("table_name") or ""), message)


def first_break(links: Iterable[ChainLink]) -> ChainFinding | None:
    """Walk the entries in (seq, row id) order; the first edited, deleted or inserted one, or None.
    Keeps only the previous entry: flat memory however long the log."""
    prev_hash, expected = GENESIS, 1
    for link in links:
        if link.seq is None or link.hash is None:
            return _finding("inserted", link, f"审计日志中有一条没有序号或校验值的条目（{link.describe()}），是被插入的")
        seq, what = link.seq, link.describe()
        if seq < expected:
            return _finding("inserted", link, f"审计日志第 {seq} 条出现了两次（{what}）：其中一条是被插入的")
        if seq > expected:
            gone = f"第 {expected} 条" if seq == expected + 1 else f"第 {expected}–{seq - 1} 条"
            return _finding("deleted", link, f"审计日志第 {expected - 1} 条之后缺少{gone}（被删除）" if expected > 1
                            else f"审计日志缺少开头的{gone}（被删除）")
        if entry_hash(seq, link.prev_hash or "", link.values) != link.hash:
            return _finding("edited", link, f"审计日志第 {seq} 条（{what}）被改动过")
        if link.prev_hash != prev_hash:
            return _finding("broken", link, f"审计日志第 {seq} 条（{what}）与上一条接不上："
                            f"第 {seq - 1} 条被改动后重算过，或第 {seq} 条是插入的")
        prev_hash, expected = link.hash, seq + 1
    return None
