"""Settings: a declared table of defaults, values stored in the database (they travel with backups)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from station_app.db import statements
from station_app.db.connection import database, db_cache
from station_app.db.models import Setting
from station_app.domain import name_order
from station_app.domain.roles import Permission
from station_app.services import audit, context


@dataclass(frozen=True)
class SettingSpec:
    """A setting the 设置 page edits: key, default, label, and its choices or bounds."""
    key: str
    default: Any
    label: str
    choices: tuple[tuple[Any, str], ...] = ()
    bounds: tuple[int, int] = (1, 240)  # for a whole number: the smallest and largest the editor takes


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("timezone", "Asia/Shanghai", "时区"),
    SettingSpec("privacy.show_full_numbers", False,
                "未启用用户登录时，列表和打印中显示完整电话、身份证号（默认遮挡；登录后由管理员在本次登录中选择）"),
    SettingSpec("names.order", name_order.STROKE, "名册和打印名单中姓名的排列顺序", name_order.ORDERS),
    SettingSpec("qr.mode", "text", "二维码内容", (("text", "文字（离线可读）"), ("url", "网址"), ("mecard", "名片（可存通讯录）"))),
    SettingSpec("qr.deputy_template", "", "代表二维码网址模板（如 https://…/d/{deputy_uid}）"),
    SettingSpec("qr.station_template", "", "联络站二维码网址模板（如 https://…/s/{station_code}）"),
    SettingSpec("station.reception_rule", "每月15日", "接待日规则（印在公示栏上）"),
    SettingSpec("schedule.rules", ["每月15日"], "活动日规则（每行一条，如 每月15日、每月第一个周二、每周三）"),
    SettingSpec("schedule.shift_policy", "next_workday", "活动日遇法定节假日",
                (("next_workday", "顺延至下一个工作日"), ("previous_workday", "提前至上一个工作日"), ("keep", "不调整"))),
    SettingSpec("schedule.keep_adjusted_workdays", True, "调休上班的周末照常举行活动日"),
    SettingSpec("schedule.duty_per_day", 2, "每个活动日值班代表人数"),
    SettingSpec("schedule.default_place", "", "活动地点（默认）"),
    SettingSpec("schedule.default_start", "09:00", "开始时间（默认）"),
    SettingSpec("schedule.default_end", "11:30", "结束时间（默认）"),
    SettingSpec("schedule.extra_holiday_years", [], "已手工录入全年节假日安排的年份"),
    SettingSpec("cases.deadline_days.assigned", 15, "交办件办理期限（工作日）"),
    SettingSpec("cases.deadline_days.deputy_proposal", 60, "代表建议办理期限（工作日）"),
    SettingSpec("cases.due_soon_days", 3, "临期提醒：期限前几个工作日"),
    SettingSpec("input.past_days_confirm", 365, "录入早于多少天前的日期时先确认（天）", bounds=(1, 3650)),
    SettingSpec("backup.auto", True, "自动备份（每天一次和退出时；保留7天、4周、12个月）"),
    SettingSpec("backup.second_place", "", "备份的第二存放位置（U盘或网络文件夹，留空则不用）"),
    SettingSpec("security.idle_lock_minutes", 10, "无操作多少分钟后锁定窗口（分钟）", bounds=(1, 240)),
)
_BY_KEY = {s.key: s for s in SPECS}
ADMIN_PREFIXES = ("schedule.", "cases.", "backup.", "security.", "privacy.", "timezone")


def spec(key: str) -> SettingSpec:
    """The declared setting ``key``; ``KeyError`` for an unknown key."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown setting {key!r}") from None


def get(key: str) -> Any:
    """The value of setting ``key`` (its default when not stored)."""
    default = spec(key).default
    # read on every list page (privacy with nobody logged in): the statement is built once
    rows = statements.rows(("setting-value",), [key], lambda: Setting.select(Setting.value).where(Setting.key == key))
    return default if not rows else Setting.value.python_value(rows[0][0])


def set(key: str, value: Any) -> None:  # noqa: A001 - module-level API: settings.set(...)
    """Store ``value`` for setting ``key`` (checked against its declaration). The rules of the
    house (schedule, deadlines, backups, security) are the 管理员's; the rest any user who may change."""
    declared = spec(key)
    with database.atomic():
        row = Setting.get_or_none(Setting.key == key)
        before = None if row is None else row.value
        if (declared.default if row is None else before) == value:
            return  # unchanged: nothing to allow, nothing to record
        context.require(Permission.MANAGE_RULES if key.startswith(ADMIN_PREFIXES) else Permission.CHANGE,
                        f"修改设置“{declared.label}”")
        if key.startswith("schedule."):
            db_cache().pop("holiday_calendar", None)
        if row is None:
            Setting.create(key=key, value=value)
        else:
            Setting.update(value=value).where(Setting.key == key).execute()
        audit.record("update", "setting", key, {"value": before}, {"value": value},
                     summary=f"设置 {spec(key).label}")


def validate(values: dict[str, Any]) -> dict[str, str]:
    """Key → what to type instead, for the settings that cannot work together as given
    (``values`` is merged over the stored ones). Empty when all is well."""
    from station_app.domain.qrcontent import QrOptions
    from station_app.errors import ValidationError

    merged = {**all_values(), **values}
    errors: dict[str, str] = {}
    for key, value in values.items():
        sp = spec(key)
        if sp.choices and value not in [c for c, _ in sp.choices]:
            errors[key] = f"{sp.label}：不认识的选项 {value}"
        elif isinstance(sp.default, bool) and not isinstance(value, bool):
            errors[key] = f"{sp.label}：应为 是 或 否"
        elif isinstance(sp.default, list) and not isinstance(value, list):
            errors[key] = f"{sp.label}：应为一个列表"
        elif isinstance(sp.default, int) and not isinstance(sp.default, bool) and (
                not isinstance(value, int) or isinstance(value, bool) or not sp.bounds[0] <= value <= sp.bounds[1]):
            errors[key] = f"{sp.label}：应为 {sp.bounds[0]} 到 {sp.bounds[1]} 之间的整数"
    try:
        QrOptions(merged["qr.mode"], merged["qr.deputy_template"], merged["qr.station_template"]).check()
    except ValidationError as exc:
        for key, msg in exc.fields.items():
            errors.setdefault(key, msg)
    return errors


def set_many(values: dict[str, Any]) -> None:
    """Validate, then save all of ``values`` in one transaction — or nothing, raising
    :class:`ValidationError` with a message per setting."""
    from station_app.errors import ValidationError

    errors = validate(values)
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        for key, value in values.items():
            set(key, value)


def all_values() -> dict[str, Any]:
    """Every declared setting with its current value."""
    stored = {r.key: r.value for r in Setting.select()}
    return {s.key: stored.get(s.key, s.default) for s in SPECS}
