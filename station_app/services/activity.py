"""代表活动日: the year's schedule from the station's rules, the duty rota, sign-in, minutes.

The rules (``schedule.rules``: texts such as 每月15日, 每月第一个周二, 每周三), the holiday policy
(``schedule.shift_policy``, ``schedule.keep_adjusted_workdays``) and the rota size
(``schedule.duty_per_day``) are settings. Dates come from :mod:`station_app.domain.schedule`
(chinese-calendar plus the clerk's :class:`HolidayOverride` rows); the rota from
:mod:`station_app.domain.rota`.

House rules kept here:

- never two live activity days of a station on one date (checked with a Chinese message, and
  guarded by a partial unique index in SQL);
- generating a year again only adds what is missing: moved, cancelled and edited days stay;
- a year without holiday data is refused with a plain message, never guessed
  (:class:`~station_app.domain.schedule.HolidayDataMissing`), unless the clerk has entered
  that year's arrangement and listed it in ``schedule.extra_holiday_years``;
- the rota is rebalanced only on future planned days; days with a recorded swap stay as they are
  and count towards fairness, like the days already past;
- a month's theme (:class:`MonthlyTheme`) goes on the month's planned days whose theme is empty or
  still the month's previous theme, and on the days generated later; a day given a theme of its
  own keeps it;
- every change is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from station_app.db.connection import database, db_cache
from station_app.db.models import (
    ActivityDay,
    ActivityPhoto,
    Attendance,
    Deputy,
    DeputyUnavailable,
    Duty,
    HolidayOverride,
    MonthlyTheme,
)
from station_app.db.rows import joined, objects
from station_app.domain import attendance as attendance_rule
from station_app.domain import clock
from station_app.domain.codes import ActivityKind, ActivityStatus, AttendanceStatus
from station_app.domain.records import (
    ActivityDayRecord,
    AttendanceFacts,
    DutyDeputy,
    GenerateSummary,
    MinutesAttendee,
    MinutesCase,
    MinutesData,
    NoticeData,
    NoticeDay,
    UnavailableRecord,
)
from station_app.domain.rota import assign_rota
from station_app.domain.schedule import (
    HOLIDAY,
    WORKDAY,
    HolidayCalendar,
    HolidayDataMissing,
    ScheduleResult,
    format_date,
    generate,
    parse_rule,
)
from station_app.domain.validators import check_date_range
from station_app.errors import KnownError, NotFoundError, ValidationError, check_not_stale
from station_app.services import audit, settings
from station_app.services.station import SOLE, home_code, in_view, require_writable

_TIME_FIELDS = ("start_time", "end_time")
EDITABLE = ("start_time", "end_time", "kind", "theme", "place", "host", "agenda", "discussion", "decisions",
            "follow_ups")


# --- rules and holidays ----------------------------------------------------------------------------

def rules() -> list[str]:
    """The schedule rules as the clerk typed them (每月15日 …)."""
    return [str(r) for r in settings.get("schedule.rules")]


def save_rules(texts: Iterable[str]) -> list[str]:
    """Check every rule text (Chinese message naming the bad one) and save them all or none."""
    cleaned = [t.strip() for t in texts if t and t.strip()]
    if not cleaned:
        raise ValidationError({"schedule.rules": "请至少填写一条活动日规则，如 每月15日"})
    for text in cleaned:
        try:
            parse_rule(text)
        except (KnownError, ValueError) as exc:
            raise ValidationError({"schedule.rules": f"看不懂规则“{text}”：{exc}"}) from None
    settings.set("schedule.rules", cleaned)
    return cleaned


def delete_rule(text: str) -> list[str]:
    """Remove one rule (as listed by :func:`rules`); the last rule cannot be removed."""
    current = rules()
    if text not in current:
        raise NotFoundError(f"没有这条活动日规则：{text}")
    return save_rules([t for t in current if t != text])


def holiday_calendar() -> HolidayCalendar:
    """The holiday calendar with this database's overrides and entered years."""
    overrides = {o.date: o.kind for o in HolidayOverride.select()}
    return HolidayCalendar(overrides, settings.get("schedule.extra_holiday_years") or ())


def set_holiday_override(day: dt.date, kind: str | None, note: str = "") -> None:
    """``kind`` 'holiday' (放假) or 'workday' (上班); ``None`` removes the override."""
    db_cache().pop("holiday_calendar", None)  # deadlines count on the new calendar
    if kind not in (HOLIDAY, WORKDAY, None):
        raise ValidationError({"kind": "应为 放假 或 上班"})
    with database.atomic():
        before = HolidayOverride.get_or_none(HolidayOverride.date == day)
        HolidayOverride.delete().where(HolidayOverride.date == day).execute()
        if kind is not None:
            HolidayOverride.create(date=day, kind=kind, note=note[:100])
        audit.record("update", "holiday_override", day.isoformat(), {"kind": before.kind} if before else None,
                     {"kind": kind, "note": note} if kind else None, summary=f"节假日设置 {format_date(day)}")


def holiday_overrides(year: int) -> list[tuple[dt.date, str, str]]:
    """The clerk's overrides in ``year``: (date, 'holiday'|'workday', note), by date."""
    q = (HolidayOverride.select().where(HolidayOverride.date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
         .order_by(HolidayOverride.date))
    return [(_d(o.date), o.kind, o.note) for o in q]


def year_entered(year: int) -> bool:
    """True when the clerk entered ``year``'s holidays by hand."""
    return year in (settings.get("schedule.extra_holiday_years") or [])


def mark_year_entered(year: int, entered: bool = True) -> None:
    """The clerk has entered (or withdraws) the whole holiday arrangement of ``year``."""
    years = set(settings.get("schedule.extra_holiday_years") or ())
    years = years | {year} if entered else years - {year}
    settings.set("schedule.extra_holiday_years", sorted(years))


def _parsed_rules():
    return [parse_rule(t) for t in rules()]


def preview_year(year: int) -> ScheduleResult:
    """The dates the rules give for ``year`` (nothing saved). Raises HolidayDataMissing for a
    year the holiday data does not cover."""
    cal = holiday_calendar()
    if not cal.covers(year):
        raise HolidayDataMissing(year)
    return generate(_parsed_rules(), year, cal, settings.get("schedule.shift_policy"),
                    keep_adjusted_workdays=bool(settings.get("schedule.keep_adjusted_workdays")))


# --- reading -------------------------------------------------------------------------------------

def _duty_of(day_uids: list[str]) -> dict[str, list[DutyDeputy]]:
    out: dict[str, list[DutyDeputy]] = {u: [] for u in day_uids}
    if not day_uids:
        return out
    q = (Duty.select(Duty.activity_day_uid, Duty.deputy_uid, Duty.manual, Deputy.name)
         .join(Deputy, on=(Deputy.uid == Duty.deputy_uid))
         .where(Duty.activity_day_uid.in_(day_uids), Duty.deleted_at.is_null())
         .order_by(Duty.id))
    for row in objects(q):
        out[row.activity_day_uid].append(DutyDeputy(row.deputy_uid, row.name, row.manual))
    return out


def _to_records(rows: list[ActivityDay]) -> list[ActivityDayRecord]:
    duty = _duty_of([r.uid for r in rows])
    return [ActivityDayRecord(
        uid=r.uid, station_code=r.station_code, date=_d(r.date), start_time=r.start_time, end_time=r.end_time,
        kind=r.kind, theme=r.theme, place=r.place, host=r.host, status=r.status, agenda=r.agenda,
        discussion=r.discussion, decisions=r.decisions, follow_ups=r.follow_ups, origin=r.origin,
        original_date=_d(r.original_date) if r.original_date else None, change_reason=r.change_reason,
        duty=tuple(duty[r.uid])) for r in rows]


def _d(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def get(uid: str) -> ActivityDayRecord:
    """The activity day ``uid``; :class:`NotFoundError` when it is gone."""
    row = ActivityDay.alive().where(ActivityDay.uid == uid).first()
    if row is None:
        raise NotFoundError("找不到这个活动日（可能已被删除）")
    return _to_records([row])[0]


def days_in_range(date_from: dt.date, date_to: dt.date, include_cancelled: bool = True,
                  station_code: str | None = SOLE) -> list[ActivityDayRecord]:
    """The activity days of station ``station_code`` (None: every station; default: the
    database's only station) in the range."""
    station_code = in_view(station_code)
    q = ActivityDay.alive().where(ActivityDay.date >= date_from, ActivityDay.date <= date_to)
    if station_code is not None:
        q = q.where(ActivityDay.station_code == station_code)
    if not include_cancelled:
        q = q.where(ActivityDay.status != ActivityStatus.CANCELLED.value)
    return _to_records(list(q.order_by(ActivityDay.date, ActivityDay.id)))


def month_days(year: int, month: int, station_code: str | None = SOLE) -> list[ActivityDayRecord]:
    """The activity days of one month of the station in view."""
    first = dt.date(year, month, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return days_in_range(first, last, station_code=station_code)


def next_activity_day(today: dt.date | None = None, *, station_code: str | None = SOLE) -> ActivityDayRecord | None:
    """The first planned (or already held today) activity day of the station (None: of any
    station) on or after ``today``."""
    today = today or clock.today()
    station_code = in_view(station_code)
    q = ActivityDay.alive().where(ActivityDay.date >= today, ActivityDay.status != ActivityStatus.CANCELLED.value)
    if station_code is not None:
        q = q.where(ActivityDay.station_code == station_code)
    row = q.order_by(ActivityDay.date, ActivityDay.station_code).first()
    return None if row is None else _to_records([row])[0]


# --- writing -------------------------------------------------------------------------------------

def _live_on(code: str, day: dt.date, except_uid: str | None = None):
    q = ActivityDay.alive().where(ActivityDay.station_code == code, ActivityDay.date == day,
                                  ActivityDay.status != ActivityStatus.CANCELLED.value)
    if except_uid:
        q = q.where(ActivityDay.uid != except_uid)
    return q.first()


def _refuse_clash(code: str, day: dt.date, except_uid: str | None = None) -> None:
    other = _live_on(code, day, except_uid)
    if other is not None:
        theme = f"（{other.theme}）" if other.theme else ""
        raise ValidationError({"date": f"{format_date(day)}已经有一个活动日{theme}；同一天不能安排两个活动日，"
                                       "请换一天，或先取消原来的活动日"})


def _check_fields(fields: Mapping) -> dict:
    errors: dict[str, str] = {}
    clean = {}
    for key, value in fields.items():
        if key not in EDITABLE:
            raise KeyError(key)
        if key in _TIME_FIELDS:
            value = (value or "").strip() or None
            if value is not None:
                try:
                    value = dt.time.fromisoformat(value).strftime("%H:%M")
                except ValueError:
                    errors[key] = "时间格式应为 09:00"
        elif key == "kind":
            if value not in ActivityKind.codes():
                errors[key] = f"不认识的活动形式：{value}"
        else:
            value = (value or "").strip()
            limit = {"theme": 200, "place": 200, "host": 40}.get(key)
            if limit and len(value) > limit:
                errors[key] = f"太长了：最多 {limit} 个字"
        clean[key] = value
    if not errors and clean.get("start_time") and clean.get("end_time") and clean["end_time"] <= clean["start_time"]:
        errors["end_time"] = "结束时间应晚于开始时间"
    if errors:
        raise ValidationError(errors)
    return clean


def _defaults() -> dict:
    return {"start_time": settings.get("schedule.default_start") or None,
            "end_time": settings.get("schedule.default_end") or None,
            "place": settings.get("schedule.default_place") or ""}


def add_day(day: dt.date, **fields) -> ActivityDayRecord:
    """A one-off activity day (临时安排), with the default time and place and the month's theme
    unless given."""
    if problem := check_date_range(day, "活动日日期"):
        raise ValidationError({"date": problem})
    code = home_code()
    values = {**_defaults(), "kind": ActivityKind.RECEPTION.value, **_check_fields(fields)}
    if not values.get("theme"):
        values["theme"] = monthly_themes(day.year, station_code=code).get(_month_key(day), "")
    with database.atomic():
        _refuse_clash(code, day)
        row = ActivityDay.create(station_code=code, date=day, origin="manual", **values)
        rec = _to_records([row])[0]
        audit.record("create", "activity_day", row.uid, None, _audit_dict(rec),
                     summary=f"新增活动日 {format_date(day)}", station_code=code)
    return rec


def _audit_dict(rec: ActivityDayRecord) -> dict:
    return {"date": rec.date.isoformat(), "status": rec.status, "theme": rec.theme, "place": rec.place,
            "start_time": rec.start_time, "end_time": rec.end_time, "kind": rec.kind, "host": rec.host}


def version_of(uid: str):
    """The day's ``updated_at`` (a form keeps it to pass back as ``expected_updated_at``)."""
    row = ActivityDay.get_or_none(ActivityDay.uid == uid)
    if row is None:
        raise NotFoundError("找不到这个活动日（可能已被删除）")
    return row.updated_at


def update_day(uid: str, fields: Mapping | None = None, /, *, expected_updated_at=None,
               **more) -> ActivityDayRecord:
    """Change the editable fields (:data:`EDITABLE`), given as a mapping or as keywords. Nothing
    is saved when any field is wrong (:class:`ValidationError` with a message per field), nor when
    the day changed since the form read ``expected_updated_at`` (:class:`StaleEdit`)."""
    clean = _check_fields({**(fields or {}), **more})
    with database.atomic():
        before = get(uid)
        require_writable(before.station_code, "修改活动日")
        if expected_updated_at is not None:
            check_not_stale(version_of(uid), expected_updated_at)
        changed = {k: v for k, v in clean.items() if getattr(before, k) != v}
        if not changed:
            return before
        ActivityDay.update(**changed, updated_at=clock.now_ts()).where(ActivityDay.uid == uid).execute()
        after = get(uid)
        audit.record("update", "activity_day", uid, {k: getattr(before, k) for k in changed}, changed,
                     summary=f"修改活动日 {format_date(after.date)}", station_code=after.station_code)
    return after


def move_day(uid: str, new_date: dt.date, reason: str) -> ActivityDayRecord:
    """Move the activity day ``uid`` to ``new_date`` for ``reason`` (kept in its record)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请写明改期原因（会记入活动日记录）"})
    if problem := check_date_range(new_date, "新的日期"):
        raise ValidationError({"date": problem})
    with database.atomic():
        before = get(uid)
        require_writable(before.station_code, "改期")
        if before.status == ActivityStatus.HELD.value:
            raise ValidationError({"date": "这个活动日已经举行，不能改期"})
        _refuse_clash(before.station_code, new_date, except_uid=uid)
        ActivityDay.update(date=new_date, original_date=before.original_date or before.date,
                           change_reason=reason[:200], updated_at=clock.now_ts()).where(ActivityDay.uid == uid).execute()
        after = get(uid)
        audit.record("move", "activity_day", uid, {"date": before.date.isoformat()},
                     {"date": new_date.isoformat(), "reason": reason},
                     summary=f"活动日 {format_date(before.date)} 改到 {format_date(new_date)}：{reason}",
                     station_code=after.station_code)
    return after


def cancel_day(uid: str, reason: str) -> ActivityDayRecord:
    """Cancel the activity day ``uid`` for ``reason`` (kept in its record)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请写明取消原因（会记入活动日记录）"})
    with database.atomic():
        before = get(uid)
        require_writable(before.station_code, "取消活动日")
        if before.status == ActivityStatus.HELD.value:
            raise ValidationError({"status": "这个活动日已经举行，不能取消"})
        ActivityDay.update(status=ActivityStatus.CANCELLED.value, change_reason=reason[:200],
                           updated_at=clock.now_ts()).where(ActivityDay.uid == uid).execute()
        audit.record("cancel", "activity_day", uid, {"status": before.status},
                     {"status": ActivityStatus.CANCELLED.value, "reason": reason},
                     summary=f"取消活动日 {format_date(before.date)}：{reason}", station_code=before.station_code)
    return get(uid)


def _month_key(month) -> str:
    """'YYYY-MM' from 'YYYY-MM', a (year, month) pair or a date."""
    if isinstance(month, dt.date):
        return f"{month.year:04d}-{month.month:02d}"
    try:
        parts = month if isinstance(month, tuple) else str(month).strip().split("-")
        year, m = (int(x) for x in parts)
    except (TypeError, ValueError):
        raise ValidationError({"month": f"月份应写成 2026-03 这样：{month}"}) from None
    if not (1 <= m <= 12 and 1900 < year < 3000):
        raise ValidationError({"month": f"没有这个月份：{month}"})
    return f"{year:04d}-{m:02d}"


def monthly_themes(year: int, station_code: str = SOLE) -> dict[str, str]:
    """The themes a station set for the months of ``year``: {'YYYY-MM': theme}."""
    station_code = in_view(station_code) or ""
    q = MonthlyTheme.select().where(MonthlyTheme.station_code == station_code,
                                    MonthlyTheme.month.between(f"{year:04d}-01", f"{year:04d}-12"))
    return {t.month: t.theme for t in q.order_by(MonthlyTheme.month)}


def set_monthly_theme(month, theme: str, apply: bool = True) -> int:
    """Set the theme of ``month`` ('YYYY-MM', or a (year, month) pair). With ``apply``, put it on
    that month's planned days whose theme is empty or still the month's previous theme (a day
    given a theme of its own keeps it; held and cancelled days keep what they had); days
    generated or added later get it too. An empty ``theme`` removes the month's theme (and
    clears it from the days that carried it). Returns how many days changed. Audited, all in
    one transaction."""
    key = _month_key(month)
    theme = (theme or "").strip()
    if len(theme) > 200:
        raise ValidationError({"theme": "主题太长了：最多 200 个字"})
    code = home_code()
    year, m = (int(x) for x in key.split("-"))
    n = 0
    with database.atomic():
        row = MonthlyTheme.get_or_none(MonthlyTheme.station_code == code, MonthlyTheme.month == key)
        old = row.theme if row else ""
        if theme != old:
            if row is None:
                MonthlyTheme.create(station_code=code, month=key, theme=theme)
            elif theme:
                MonthlyTheme.update(theme=theme, updated_at=clock.now_ts()).where(MonthlyTheme.id == row.id).execute()
            else:
                MonthlyTheme.delete().where(MonthlyTheme.id == row.id).execute()
            audit.record("update", "monthly_theme", f"{code}:{key}", {"theme": old} if old else None,
                         {"theme": theme} if theme else None, summary=f"{year}年{m}月主题：{theme or '（清除）'}",
                         station_code=code)
        if apply:
            for rec in month_days(year, m, station_code=code):
                if rec.status == ActivityStatus.PLANNED.value and rec.theme in ("", old) and rec.theme != theme:
                    update_day(rec.uid, theme=theme)
                    n += 1
    return n


def set_month_theme(year: int, month: int, theme: str) -> int:
    """The 本月主题 button: :func:`set_monthly_theme` with a theme required."""
    if not (theme or "").strip():
        raise ValidationError({"theme": "请填写本月主题"})
    return set_monthly_theme((year, month), theme)


def generate_year(year: int, today: dt.date | None = None) -> GenerateSummary:
    """Add the activity days the rules give for ``year`` that are not there yet (with the month's
    theme, the default time and place), then rebalance the rota of the future planned days.
    Existing days (moved, cancelled, edited) are kept: a rule date counts as present when a day
    with that original date or on that date exists. Raises :class:`HolidayDataMissing` for a
    year without holiday data (nothing is guessed); the summary carries the schedule's and the
    rota's warnings."""
    result = preview_year(year)
    code = home_code()
    defaults = _defaults()
    themes = monthly_themes(year, station_code=code)
    created = existing = 0
    with database.atomic():
        rows = list(ActivityDay.alive().where(ActivityDay.station_code == code,
                                              ActivityDay.date.between(dt.date(year, 1, 1), dt.date(year, 12, 31))))
        originals = {_d(r.original_date) for r in rows if r.original_date} | {_d(r.date) for r in rows}
        for planned in result.dates:
            if planned.original_date in originals or planned.date in originals \
                    or _live_on(code, planned.date) is not None:
                existing += 1
                continue
            ActivityDay.create(station_code=code, date=planned.date, origin="rule",
                                     original_date=planned.original_date, change_reason=planned.shifted_reason or "",
                                     kind=ActivityKind.RECEPTION.value,
                                     theme=themes.get(_month_key(planned.date), ""), **defaults)
            created += 1
            originals.add(planned.date)
        audit.record("generate", "activity_day", f"year-{year}", None, {"created": created, "existing": existing},
                     summary=f"生成 {year} 年活动日：新增 {created} 个", station_code=code)
        warnings = list(result.warnings) + reassign_rota(year, today)
    return GenerateSummary(year, created, existing, tuple(warnings))


def _unavailable(deputy_uids: list[str], days: list[dt.date]) -> dict[str, set[dt.date]]:
    out: dict[str, set[dt.date]] = {}
    day_set = set(days)
    for row in DeputyUnavailable.select().where(DeputyUnavailable.deputy_uid.in_(deputy_uids)):
        d, end = _d(row.date_from), _d(row.date_to)
        while d <= end:
            if d in day_set:
                out.setdefault(row.deputy_uid, set()).add(d)
            d += dt.timedelta(days=1)
    return out


def reassign_rota(year: int, today: dt.date | None = None) -> list[str]:
    """Rebalance duty on the future planned days of ``year`` among active deputies; days already
    past, held, or with a recorded swap keep their duty and count towards fairness."""
    today = today or clock.today()
    code = home_code()
    per_day = int(settings.get("schedule.duty_per_day"))
    people = list(Deputy.alive().where(Deputy.station_code == code, Deputy.active == True)  # noqa: E712
                  .order_by(Deputy.sort_order, Deputy.name, Deputy.id))
    uids = [p.uid for p in people]
    if not uids:
        return ["还没有在任代表，值班表未排"]
    rows = list(ActivityDay.alive().where(ActivityDay.station_code == code,
                                          ActivityDay.date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)),
                                          ActivityDay.status != ActivityStatus.CANCELLED.value).order_by(ActivityDay.date))
    manual_days = {d.activity_day_uid for d in Duty.alive().where(Duty.manual == True,  # noqa: E712
                                                                   Duty.activity_day_uid.in_([r.uid for r in rows]))}
    fixed = [r for r in rows if _d(r.date) < today or r.status == ActivityStatus.HELD.value or r.uid in manual_days]
    open_rows = [r for r in rows if r not in fixed]
    previous: dict[str, int] = dict.fromkeys(uids, 0)
    for duty in Duty.alive().where(Duty.activity_day_uid.in_([r.uid for r in fixed])):
        if duty.deputy_uid in previous:
            previous[duty.deputy_uid] += 1
    days = [_d(r.date) for r in open_rows]
    result = assign_rota(days, uids, per_day, _unavailable(uids, days), previous,
                         names={p.uid: p.name for p in people})
    now = clock.now_ts()
    with database.atomic():
        if open_rows:
            Duty.update(deleted_at=now, updated_at=now).where(
                Duty.activity_day_uid.in_([r.uid for r in open_rows]), Duty.deleted_at.is_null()).execute()
        for r in open_rows:
            for uid in result.on_duty(_d(r.date)):
                Duty.create(station_code=code, activity_day_uid=r.uid, deputy_uid=uid)
    return list(result.warnings)


def add_unavailable(deputy_uid: str, date_from: dt.date, date_to: dt.date, reason: str = "") -> UnavailableRecord:
    """代表请假: ``deputy_uid`` cannot take duty from ``date_from`` to ``date_to`` (inclusive).
    The rota avoids these dates the next time it is rebalanced (:func:`reassign_rota`)."""
    errors = {k: m for k, m in (("date_from", check_date_range(date_from, "开始日期")),
                                 ("date_to", check_date_range(date_to, "结束日期"))) if m}
    if errors:
        raise ValidationError(errors)
    if date_to < date_from:
        raise ValidationError({"date_to": "结束日期不能早于开始日期"})
    person = Deputy.alive().where(Deputy.uid == deputy_uid).first()
    if person is None:
        raise ValidationError({"deputy": "找不到这位代表（可能已被删除）"})
    with database.atomic():
        row = DeputyUnavailable.create(deputy_uid=deputy_uid, date_from=date_from, date_to=date_to,
                                       reason=(reason or "").strip()[:100])
        audit.record("create", "deputy_unavailable", deputy_uid, None,
                     {"from": date_from.isoformat(), "to": date_to.isoformat(), "reason": reason},
                     summary=f"登记{person.name}不能值班 {format_date(date_from)}—{format_date(date_to)}",
                     station_code=person.station_code)
    return UnavailableRecord(row.id, deputy_uid, person.name, date_from, date_to, row.reason)


def unavailable_dates(deputy_uid: str | None = None, year: int | None = None,
                      station_code: str = SOLE) -> list[UnavailableRecord]:
    """Recorded leave of a station's deputies (or one deputy), overlapping ``year`` if given, by
    start date."""
    station_code = in_view(station_code) or ""
    q = (DeputyUnavailable.select(DeputyUnavailable, Deputy.name)
         .join(Deputy, on=(Deputy.uid == DeputyUnavailable.deputy_uid))
         .where(Deputy.station_code == station_code))
    if deputy_uid:
        q = q.where(DeputyUnavailable.deputy_uid == deputy_uid)
    if year:
        q = q.where(DeputyUnavailable.date_from <= dt.date(year, 12, 31), DeputyUnavailable.date_to >= dt.date(year, 1, 1))
    return [UnavailableRecord(r.id, r.deputy_uid, r.deputy.name, _d(r.date_from), _d(r.date_to), r.reason)
            for r in joined(q.order_by(DeputyUnavailable.date_from, DeputyUnavailable.id))]


def remove_unavailable(record_id: int) -> None:
    """Withdraw a leave entered by mistake (audited; rebalance the rota afterwards)."""
    with database.atomic():
        row = DeputyUnavailable.get_or_none(DeputyUnavailable.id == record_id)
        if row is None:
            raise NotFoundError("找不到这条请假记录")
        person = Deputy.get_or_none(Deputy.uid == row.deputy_uid)
        DeputyUnavailable.delete().where(DeputyUnavailable.id == record_id).execute()
        audit.record("delete", "deputy_unavailable", row.deputy_uid,
                     {"from": str(row.date_from), "to": str(row.date_to), "reason": row.reason}, None,
                     summary=f"撤销{person.name if person else ''}不能值班登记 "
                             f"{format_date(_d(row.date_from))}—{format_date(_d(row.date_to))}",
                     station_code=person.station_code if person else "")


def swap_duty(day_uid: str, out_uid: str, in_uid: str, reason: str) -> ActivityDayRecord:
    """换班: ``in_uid`` takes ``out_uid``'s turn on that day. Recorded (the day's duty becomes
    manual, so rebalancing leaves it alone) and audited."""
    reason = (reason or "").strip()
    with database.atomic():
        day = get(day_uid)
        require_writable(day.station_code, "换班")
        on = {d.uid for d in day.duty}
        if out_uid not in on:
            raise ValidationError({"out": "这位代表当天不值班"})
        if in_uid in on:
            raise ValidationError({"in": "这位代表当天已经在值班"})
        person = Deputy.alive().where(Deputy.uid == in_uid, Deputy.active == True).first()  # noqa: E712
        if person is None:
            raise ValidationError({"in": "只能换成在任代表"})
        now = clock.now_ts()
        Duty.update(deleted_at=now, updated_at=now).where(
            Duty.activity_day_uid == day_uid, Duty.deputy_uid == out_uid, Duty.deleted_at.is_null()).execute()
        Duty.create(station_code=day.station_code, activity_day_uid=day_uid, deputy_uid=in_uid, manual=True,
                    note=reason[:200])
        Duty.update(manual=True, updated_at=now).where(Duty.activity_day_uid == day_uid,
                                                       Duty.deleted_at.is_null()).execute()
        out_name = next(d.name for d in day.duty if d.uid == out_uid)
        audit.record("swap", "activity_day", day_uid, {"duty": out_uid}, {"duty": in_uid, "reason": reason},
                     summary=f"{format_date(day.date)} 换班：{person.name} 替 {out_name}" + (f"（{reason}）" if reason else ""),
                     station_code=day.station_code)
    return get(day_uid)


# --- on the day ----------------------------------------------------------------------------------

def attendance_of(day_uid: str) -> dict[str, str]:
    """deputy uid → attendance status of the activity day ``day_uid``."""
    return {a.deputy_uid: a.status for a in Attendance.alive().where(Attendance.activity_day_uid == day_uid)}


def _day_for_the_record(day_uid: str) -> ActivityDayRecord:
    """The day, if attendance may be recorded on it (the home station's, not cancelled, not in the
    future)."""
    day = get(day_uid)
    require_writable(day.station_code, "签到")
    if day.status == ActivityStatus.CANCELLED.value:
        raise ValidationError({"status": "这个活动日已取消，不能签到"})
    if day.date > clock.today():
        raise ValidationError({"status": f"{format_date(day.date)}还没到，不能签到"})
    return day


def sign_in(day_uid: str, who: str | Mapping[str, str | None], status: str | None = None) -> ActivityDayRecord:
    """签到 of one deputy — ``sign_in(day, deputy_uid, 'present')`` (``None`` clears it) — or of
    several at once, ``sign_in(day, {deputy_uid: status})``, as :func:`set_attendance_bulk`."""
    statuses = {who: status} if isinstance(who, str) else who
    return set_attendance_bulk(day_uid, statuses)


def set_attendance_bulk(day_uid: str, statuses: Mapping[str, str | None]) -> ActivityDayRecord:
    """Record 签到 for several deputies at once (status present/late/leave/absent; ``None``
    clears one) and mark the day held when anyone is present or late. Only deputies of the
    day's station; not on a cancelled or future day. All or nothing, audited."""
    for status in statuses.values():
        if status is not None and status not in AttendanceStatus.codes():
            raise ValidationError({"status": f"不认识的签到状态：{status}"})
    with database.atomic():
        day = _day_for_the_record(day_uid)
        wanted = [u for u, st in statuses.items() if st is not None]
        known = {d.uid for d in Deputy.alive().where(Deputy.uid.in_(wanted), Deputy.station_code == day.station_code)} \
            if wanted else set()
        if len(known) != len(set(wanted)):
            raise ValidationError({"deputy": "签到名单中有不是本站代表（或已被删除）的人，未保存"})
        before = attendance_of(day_uid)
        now = clock.now_ts()
        for deputy_uid, status in statuses.items():
            old = before.get(deputy_uid)
            if old == status:
                continue
            if old is not None:
                Attendance.update(deleted_at=now, updated_at=now).where(
                    Attendance.activity_day_uid == day_uid, Attendance.deputy_uid == deputy_uid,
                    Attendance.deleted_at.is_null()).execute()
            if status is not None:
                Attendance.create(station_code=day.station_code, activity_day_uid=day_uid, deputy_uid=deputy_uid,
                                  status=status)
        after = attendance_of(day_uid)
        if after != before:
            audit.record("sign_in", "activity_day", day_uid, before, after,
                         summary=f"{format_date(day.date)} 签到", station_code=day.station_code)
        came = attendance_rule.anyone_came(after.values())
        if came and day.status == ActivityStatus.PLANNED.value:
            ActivityDay.update(status=ActivityStatus.HELD.value, updated_at=now).where(ActivityDay.uid == day_uid).execute()
    return get(day_uid)


def mark_held(day_uid: str) -> ActivityDayRecord:
    """Mark a planned day as held (已举行) without waiting for a sign-in; audited. A day already
    held stays so; a cancelled or future day is refused."""
    with database.atomic():
        day = _day_for_the_record(day_uid)
        if day.status == ActivityStatus.HELD.value:
            return day
        ActivityDay.update(status=ActivityStatus.HELD.value, updated_at=clock.now_ts()).where(
            ActivityDay.uid == day_uid).execute()
        audit.record("update", "activity_day", day_uid, {"status": day.status}, {"status": ActivityStatus.HELD.value},
                     summary=f"活动日 {format_date(day.date)} 已举行", station_code=day.station_code)
    return get(day_uid)


def photos(day_uid: str) -> list[tuple[str, Path, str]]:
    """The day's photos: (uid, file, caption), oldest first."""
    from station_app.services.deputies import photo_path

    q = ActivityPhoto.alive().where(ActivityPhoto.activity_day_uid == day_uid).order_by(ActivityPhoto.id)
    return [(p.uid, photo_path(p.photo), p.caption) for p in q]


def add_photo(day_uid: str, source, caption: str = "") -> str:
    """Store a photo of the day (scaled, content-addressed) and link it; returns its uid."""
    from station_app.services.deputies import import_picture

    day = get(day_uid)
    require_writable(day.station_code, "添加活动照片")
    name = import_picture(source)
    with database.atomic():
        row = ActivityPhoto.create(station_code=day.station_code, activity_day_uid=day_uid, photo=name,
                                   caption=(caption or "").strip()[:200])
        audit.record("create", "activity_photo", row.uid, None, {"day": day_uid, "photo": name},
                     summary=f"{format_date(day.date)} 添加活动照片", station_code=day.station_code)
    return row.uid


def remove_photo(photo_uid: str) -> None:
    """Tombstone the link (the file stays: it may have been exported)."""
    with database.atomic():
        row = ActivityPhoto.alive().where(ActivityPhoto.uid == photo_uid).first()
        if row is None:
            raise NotFoundError("找不到这张照片")
        require_writable(row.station_code, "删除活动照片")
        now = clock.now_ts()
        ActivityPhoto.update(deleted_at=now, updated_at=now).where(ActivityPhoto.uid == photo_uid).execute()
        audit.record("delete", "activity_photo", photo_uid, {"photo": row.photo}, None, summary="删除活动照片",
                     station_code=row.station_code)


def save_minutes(day_uid: str, agenda: str, discussion: str, decisions: str, follow_ups: str) -> ActivityDayRecord:
    """Save the minutes (议程, 讨论, 决定, 后续) of the activity day ``day_uid``."""
    return update_day(day_uid, agenda=agenda, discussion=discussion, decisions=decisions, follow_ups=follow_ups)


def _attendance_rows(date_from: dt.date, date_to: dt.date, code: str, deputy_uid: str | None = None):
    q = (Attendance.select(Attendance.deputy_uid, Attendance.status, ActivityDay.uid.alias("day_uid"),
                           ActivityDay.date)
         .join(ActivityDay, on=(ActivityDay.uid == Attendance.activity_day_uid))
         .where(Attendance.deleted_at.is_null(), ActivityDay.deleted_at.is_null(),
                ActivityDay.station_code == code, ActivityDay.status == attendance_rule.COUNTED_DAY,
                ActivityDay.date.between(date_from, date_to)))
    if deputy_uid is not None:
        q = q.where(Attendance.deputy_uid == deputy_uid)
    return q.order_by(ActivityDay.date, ActivityDay.id).dicts()


def _facts(date_from: dt.date, date_to: dt.date, code: str, deputy_uid: str | None = None) -> dict[str, AttendanceFacts]:
    counts: dict[str, dict] = {}
    for row in _attendance_rows(date_from, date_to, code, deputy_uid):
        c = counts.setdefault(row["deputy_uid"], {"present": 0, "late": 0, "leave": 0, "absent": 0,
                                                  "days": [], "dates": [], "statuses": []})
        c[row["status"]] += 1
        c["days"].append(row["day_uid"])
        c["dates"].append(_d(row["date"]))
        c["statuses"].append(row["status"])
    return {uid: AttendanceFacts(uid, c["present"], c["late"], c["leave"], c["absent"], tuple(c["days"]),
                                 tuple(c["dates"]), tuple(c["statuses"]))
            for uid, c in counts.items()}


def attendance_facts(date_from: dt.date, date_to: dt.date, station_code: str = SOLE) -> dict[str, AttendanceFacts]:
    """Per deputy uid, the sign-ins at *held* activity days with ``date_from <= date <= date_to``
    (the same facts as :func:`attendance_points`, keyed by deputy; deputies without a sign-in
    are absent from the mapping)."""
    return _facts(date_from, date_to, in_view(station_code) or "")


def attendance_points(deputy_uid: str | None, date_from: dt.date, date_to: dt.date,
                      station_code: str = SOLE) -> list[AttendanceFacts]:
    """The attendance facts the scoring issue turns into duty points (出席/迟到 earn, 缺席 may
    deduct — the points themselves are the scoring rules' business, not this function's).

    Contract:

    - counted: live (not deleted) sign-ins at *held*, live activity days of the station
      (``station_code``, the station in view) with ``date_from <= date <= date_to``,
      both ends included. Planned and cancelled days never count, whatever was signed. A day
      becomes held when someone signs in present or late, or by :func:`mark_held`; a day where
      only 请假/缺席 was recorded stays planned (and uncounted) until the clerk marks it held.
    - one :class:`AttendanceFacts` per deputy: ``present``, ``late``, ``leave``, ``absent``
      counts; ``day_uids``, ``dates`` and ``statuses`` list every counted day in date order
      (the same order in all three), so a score can open to the records behind it.
    - ``deputy_uid`` given: a list of exactly one item, with zero counts when that deputy has
      no sign-in in the period. ``None``: every deputy with at least one counted sign-in, in the
      roster's order (sort order, then name) — deputies without any are not listed.
    - the result is computed from the rows each time (no cache), so it always agrees with the
      sign-in sheets.
    """
    code = in_view(station_code) or ""
    facts = _facts(date_from, date_to, code, deputy_uid)
    if deputy_uid is not None:
        return [facts.get(deputy_uid, AttendanceFacts(deputy_uid))]
    order = {d.uid: i for i, d in enumerate(Deputy.select(Deputy.uid).where(Deputy.uid.in_(list(facts)))
                                          .order_by(Deputy.sort_order, Deputy.name, Deputy.id))} if facts else {}
    return sorted(facts.values(), key=lambda f: (order.get(f.deputy_uid, len(order)), f.deputy_uid))


# --- printouts -----------------------------------------------------------------------------------

def _time_text(day: ActivityDayRecord) -> str:
    if not day.start_time:
        return ""
    return day.start_time + (f"—{day.end_time}" if day.end_time else "")


def find_day(uid_or_date: str, station_code: str = SOLE) -> ActivityDayRecord:
    """An activity day of the station by uid or by date (YYYY-MM-DD: its live one that day)."""
    station_code = in_view(station_code) or ""
    text = (uid_or_date or "").strip()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        rec = get(text)
        if rec.station_code != station_code:
            raise NotFoundError(f"这个活动日不属于站点 {station_code}") from None
        return rec
    row = _live_on(station_code, day) or ActivityDay.alive().where(
        ActivityDay.station_code == station_code, ActivityDay.date == day).first()
    if row is None:
        raise NotFoundError(f"{format_date(day)}没有活动日")
    return _to_records([row])[0]


def minutes_data(uid: str) -> MinutesData:
    """The minutes of one day as plain data: attendance, and the visitors and opinions of the
    receptions linked to the day or received on its date."""
    from station_app.domain.codes import levels_label
    from station_app.services import deputies, station

    day = get(uid)
    marks = attendance_of(uid)
    duty = {d.uid for d in day.duty}
    people = deputies.all_deputies(deputies.DeputyFilter(active=None, station_code=day.station_code))
    attendees = [MinutesAttendee(p.name, levels_label(p.levels), AttendanceStatus.label_of(marks[p.uid]) if p.uid in marks
                                 else "未签到", p.uid in duty)
                 for p in people if p.uid in marks or p.uid in duty]
    attendees.sort(key=lambda a: not a.on_duty)
    visitors, opinions = _day_receptions(day)
    st = station.profile(day.station_code)
    return MinutesData(
        station_name=st.name, date=day.date, time_text=_time_text(day), place=day.place, host=day.host,
        kind_label=ActivityKind.label_of(day.kind), theme=day.theme, status_label=ActivityStatus.label_of(day.status),
        attendees=tuple(attendees), visitors_count=visitors, cases=opinions, agenda=day.agenda, discussion=day.discussion,
        decisions=day.decisions, follow_ups=day.follow_ups)


def _day_receptions(day: ActivityDayRecord) -> tuple[int, tuple[MinutesCase, ...]]:
    """Visitors (人次) and opinions of the receptions of the day."""
    from station_app.db.models import Case, Reception
    from station_app.domain.codes import Handling

    nxt = (day.date + dt.timedelta(days=1)).isoformat()
    rows = list(Reception.alive().where(Reception.station_code == day.station_code,
                                        (Reception.activity_day_uid == day.uid)
                                        | ((Reception.received_at >= day.date.isoformat()) & (Reception.received_at < nxt)))
                .order_by(Reception.received_at, Reception.id))
    names = {r.uid: r.visitor_name for r in rows}
    cases = (Case.alive().where(Case.reception_uid.in_(list(names))).order_by(Case.number)) if rows else []
    opinions = tuple(MinutesCase(c.number, names.get(c.reception_uid, ""), c.content,
                                 Handling.label_of(c.handling) + (f"（{c.department}）" if c.department else ""))
                     for c in cases)
    return sum(r.visitor_count for r in rows), opinions


def notice_data(date_from: dt.date, date_to: dt.date, station_code: str | None = SOLE) -> NoticeData:
    """What the duty notice of ``date_from``..``date_to`` shows: days, deputies on duty, QR content."""
    from station_app.domain import qrcontent
    from station_app.services import station
    from station_app.services.qr_settings import qr_options

    if date_to < date_from:
        raise ValidationError({"date_to": "结束日期不能早于开始日期"})
    station_code = in_view(station_code) or ""
    st = station.profile(station_code)
    rule = st.reception_rule
    from station_app.services import deputies

    roster = {p.uid: i for i, p in enumerate(deputies.all_deputies(deputies.DeputyFilter(active=None,
                                                                                       station_code=station_code)))}

    def duty_names(d: ActivityDayRecord) -> tuple[str, ...]:  # in the roster's (official) order
        return tuple(p.name for p in sorted(d.duty, key=lambda p: roster.get(p.uid, len(roster))))

    days = tuple(NoticeDay(d.date, _time_text(d), d.place, d.theme, duty_names(d), ActivityStatus.label_of(d.status),
                           d.change_reason if d.status == ActivityStatus.CANCELLED.value else "")
                 for d in days_in_range(date_from, date_to, station_code=station_code))
    if date_from.day == 1 and date_to == (date_from.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1):
        period = f"{date_from.year}年{date_from.month}月"
    else:
        period = f"{format_date(date_from)} 至 {format_date(date_to)}"
    return NoticeData(st.name, period, days, qrcontent.station_content(st, rule, qr_options()),
                      st.address, st.phone, "；".join(st.schedule_rules))


def print_minutes(uid_or_date: str, out, station_code: str = SOLE) -> Path:
    """Write the minutes PDF of the activity day (uid or date) to ``out``."""
    from station_app.printing.activity_docs import render_minutes

    day = find_day(uid_or_date, station_code)
    path = render_minutes(minutes_data(day.uid), out)
    audit.event("print", f"打印{day.date}活动日纪要（出席名单）", "activity_day", day.uid, day.station_code)
    return path


def print_notice(date_from: dt.date, date_to: dt.date, out, station_code: str | None = SOLE) -> Path:
    """Write the duty notice PDF of ``date_from``..``date_to`` to ``out``; refuses an empty period."""
    from station_app.printing.activity_docs import render_notice

    data = notice_data(date_from, date_to, station_code)
    if not data.days:  # an empty page helps nobody: say so, write nothing
        raise KnownError(f"{format_date(date_from)} 至 {format_date(date_to)} 没有活动日，没有可公示的内容，"
                         "未生成文件。请先在“活动日”页生成或新增活动日")
    return render_notice(data, out)
