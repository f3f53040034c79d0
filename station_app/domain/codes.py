"""Codes of EXCHANGE_FORMAT §2.3 with their Chinese labels.

Codes (English words) are what is stored and exchanged; the UI and printouts show the labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Self


class CodeEnum(str, Enum):
    """A string code with a Chinese label: ``Level.COUNTY.label == '县'``."""

    label: str

    # label defaults only so that a lookup such as ``Level("county")`` type-checks: every member
    # gives one, and a lookup by value never reaches __new__
    def __new__(cls, code: str, label: str = "") -> Self:
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj.label = label
        return obj

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def codes(cls) -> list[str]:
        """Every code, in declaration order."""
        return [m.value for m in cls]

    @classmethod
    def label_of(cls, code: str | None) -> str:
        """The Chinese label of ``code`` ("" for none; an unknown code is shown as it is)."""
        if code is None or code == "":
            return ""
        try:
            return cls(code).label
        except ValueError:
            return str(code)

    @classmethod
    def from_label(cls, text: str) -> Self:
        """Accept either the code or the Chinese label (for imports typed by people)."""
        text = (text or "").strip()
        for m in cls:
            if text in (m.value, m.label):
                return m
        raise ValueError(text)


class Gender(CodeEnum):
    """A deputy's gender (code, Chinese label)."""
    MALE = ("male", "男")
    FEMALE = ("female", "女")


class Level(CodeEnum):
    """代表层级, in order from highest to lowest."""

    NATIONAL = ("national", "全国")
    PROVINCIAL = ("provincial", "省")
    CITY = ("city", "市")
    COUNTY = ("county", "县")
    TOWNSHIP = ("township", "乡镇")

    @property
    def bit(self) -> int:
        """The level's bit in a levels mask (one bit per level, in declaration order)."""
        return 1 << list(Level).index(self)


def levels_to_mask(levels: Iterable[str]) -> int:
    """Levels (codes or :class:`Level` members) → a bit mask, one bit per level."""
    mask = 0
    for lv in levels:
        mask |= Level(lv).bit
    return mask


def mask_to_levels(mask: int) -> list[Level]:
    """A bit mask of :func:`levels_to_mask` → its levels, highest first."""
    return [lv for lv in Level if mask & lv.bit]


def levels_label(levels: Iterable[str], sep: str = "、") -> str:
    """``[county, township]`` → ``县、乡镇``."""
    order = list(Level)
    items = sorted((Level(lv) for lv in levels), key=order.index)
    return sep.join(lv.label for lv in items)


def parse_levels_text(text: str) -> list[Level]:
    """Parse ``县、乡镇`` / ``县级,乡镇级`` / ``county;township`` into levels (raises ValueError)."""
    import re

    parts = [p for p in re.split(r"[、,，;；/\s]+", (text or "").strip()) if p]
    out: list[Level] = []
    for part in parts:
        word = part
        for suffix in ("人大代表", "代表", "级"):
            if word.endswith(suffix) and len(word) > len(suffix):
                word = word[: -len(suffix)]
        if word in ("镇", "乡", "乡镇（街道）", "街道"):
            word = "乡镇"
        if word in ("省级", "自治区"):
            word = "省"
        if word in ("区", "县区", "县（区）", "区县"):
            word = "县"
        level = Level.from_label(word)
        if level not in out:
            out.append(level)
    return out


class ActivityKind(CodeEnum):
    """What an 代表活动日 is for: 接待选民, 学习培训, 视察调研, 工作评议, 民生实事督查…"""
    RECEPTION = ("reception", "接待选民")
    STUDY = ("study", "学习培训")
    INSPECTION = ("inspection", "视察调研")
    EVALUATION = ("evaluation", "工作评议")
    LIVELIHOOD = ("livelihood", "民生实事督查")
    REPORT = ("report", "述职评议")
    LEGISLATION = ("legislation", "立法意见征集")
    OTHER = ("other", "其他")


class ActivityStatus(CodeEnum):
    """An activity day planned, held or cancelled."""
    PLANNED = ("planned", "计划")
    HELD = ("held", "已举行")
    CANCELLED = ("cancelled", "已取消")


class AttendanceStatus(CodeEnum):
    """A deputy's sign-in at an activity day: present, late, on leave or absent."""
    PRESENT = ("present", "出席")
    LATE = ("late", "迟到")
    LEAVE = ("leave", "请假")
    ABSENT = ("absent", "缺席")


class Channel(CodeEnum):
    """How an opinion reached the station: visit, home visit, phone, QR code, letter…"""
    VISIT = ("visit", "进站来访")
    HOME_VISIT = ("home_visit", "走访")
    PHONE = ("phone", "电话")
    QR = ("qr", "扫码")
    LETTER = ("letter", "来信")
    ONLINE = ("online", "网上")
    OTHER = ("other", "其他")


class Category(CodeEnum):
    """The subject of an opinion (基础设施, 农业农村, 教育…)."""
    INFRASTRUCTURE = ("infrastructure", "基础设施")
    AGRICULTURE = ("agriculture", "农业农村")
    EDUCATION = ("education", "教育")
    HEALTH = ("health", "医疗卫生")
    ELDERLY_CARE = ("elderly_care", "养老服务")
    SOCIAL_SECURITY = ("social_security", "社会保障")
    ENVIRONMENT = ("environment", "生态环境")
    EMPLOYMENT = ("employment", "就业创业")
    LEGAL_DISPUTE = ("legal_dispute", "矛盾纠纷")
    BUSINESS_ENVIRONMENT = ("business_environment", "营商环境")
    OTHER = ("other", "其他")


class Handling(CodeEnum):
    """How an opinion is handled: answered on the spot, assigned to a department, or made a deputy proposal."""
    ON_THE_SPOT = ("on_the_spot", "当场答复")
    ASSIGNED = ("assigned", "交办")
    DEPUTY_PROPOSAL = ("deputy_proposal", "形成代表建议")


class CaseStatus(CodeEnum):
    """A case's step in 交办→督办→反馈→评价, registered to closed."""
    REGISTERED = ("registered", "已登记")
    ASSIGNED = ("assigned", "已交办")
    IN_PROGRESS = ("in_progress", "办理中")
    REPLIED = ("replied", "已答复")
    RESOLVED = ("resolved", "已办结")
    CLOSED_UNRESOLVED = ("closed_unresolved", "未解决结案")


class Evaluation(CodeEnum):
    """The visitor's verdict on a case's answer: satisfied, basically satisfied, dissatisfied."""
    SATISFIED = ("satisfied", "满意")
    BASICALLY_SATISFIED = ("basically_satisfied", "基本满意")
    DISSATISFIED = ("dissatisfied", "不满意")


class CaseAction(CodeEnum):
    """An event of a case's history (登记, 交办, 督办, 答复, 评价…)."""
    REGISTER = ("register", "登记")
    ASSIGN = ("assign", "交办")
    SUPERVISE = ("supervise", "督办")
    REPLY = ("reply", "答复")
    EVALUATE = ("evaluate", "评价")
    REASSIGN = ("reassign", "再次交办")
    RESOLVE = ("resolve", "办结")
    CLOSE = ("close", "结案")


class Urgency(CodeEnum):
    """How urgent an opinion is: normal or urgent."""
    NORMAL = ("normal", "一般")
    URGENT = ("urgent", "紧急")


class Role(CodeEnum):
    """A user's role as a code with its Chinese label (what each role may do is domain/roles.py)."""
    ADMIN = ("admin", "管理员")
    CLERK = ("clerk", "联络员")
    READONLY = ("readonly", "只读")


# The 56 ethnic groups, for the 民族 field's autocomplete.
ETHNICITIES = ["汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族"]

PARTIES = ("中共党员", "中共预备党员", "民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟", "无党派人士", "群众")

SECTORS = (
    "村（社区）干部", "农业种养", "个体工商户", "企业经营", "教育", "医疗卫生", "机关干部",
    "专业技术人员", "退役军人", "社会组织", "其他",
)
