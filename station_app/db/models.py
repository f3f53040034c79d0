"""The current models. The schema itself is made by the numbered migrations in
``station_app.db.migrations``; a test checks that both agree.

Every record that travels to the county (``TravelModel``) has ``uid``, ``station_code``,
``created_at``, ``updated_at`` and ``deleted_at``; deleting sets ``deleted_at`` (a tombstone).
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Self

import peewee as pw

from station_app.db.connection import database
from station_app.db.fields import IsoDateField, JsonField, TimestampField
from station_app.domain import clock

_uid_source = threading.local()


def new_uid() -> str:
    """A new record uid: a random UUID4, or the next of :func:`seeded_uids` in this thread."""
    source = getattr(_uid_source, "next", None)
    return source() if source is not None else str(uuid.uuid4())


def new_uids(n: int) -> list[str]:
    """``n`` new record uids, as :func:`new_uid` would give them one by one, for bulk writes: the
    random ones from one read of ``os.urandom`` formatted as UUID4 text (version 4, RFC 4122
    variant) without a ``uuid.UUID`` object each, a third of the time."""
    if getattr(_uid_source, "next", None) is not None:
        return [new_uid() for _ in range(n)]
    h = os.urandom(16 * n).hex()
    return [f"{h[i:i + 8]}-{h[i + 8:i + 12]}-4{h[i + 13:i + 16]}-{'89ab'[int(h[i + 16], 16) & 3]}{h[i + 17:i + 20]}"
            f"-{h[i + 20:i + 32]}" for i in range(0, 32 * n, 32)]


@contextmanager
def seeded_uids(source: Callable[[], str]) -> Iterator[None]:
    """Within the block, records created in this thread take their uid from ``source`` (the
    demo uses a seeded generator so the same seed gives the same uids)."""
    previous = getattr(_uid_source, "next", None)
    _uid_source.next = source
    try:
        yield
    finally:
        _uid_source.next = previous


class BaseModel(pw.Model):
    # For mypy only (an annotation, not a field): the ``id`` primary key peewee adds to every model
    # that declares none. Setting and SchemaVersion declare their own key and have no ``id``.
    id: pw.AutoField[int]

    class Meta:
        database = database
        legacy_table_names = False


class TravelModel(BaseModel):
    """Base of every record exchanged with the county (EXCHANGE_FORMAT §2.3)."""

    uid = pw.CharField(max_length=36, unique=True, default=new_uid)
    station_code = pw.CharField(max_length=32, index=True)
    created_at = TimestampField(default=clock.now_ts)
    updated_at = TimestampField(default=clock.now_ts, index=True)
    deleted_at = TimestampField(null=True)

    @classmethod
    def alive(cls) -> pw.ModelSelect[Self]:
        """The rows not deleted (no tombstone)."""
        return cls.select().where(cls.deleted_at.is_null())


class Station(BaseModel):
    """联络站 profile. At a county database there is one row per station merged in."""

    code = pw.CharField(max_length=32, unique=True)
    name = pw.CharField(max_length=100)
    township = pw.CharField(max_length=100, default="")
    county = pw.CharField(max_length=100, default="")
    address = pw.CharField(max_length=200, default="")
    phone = pw.CharField(max_length=40, default="")
    is_home = pw.BooleanField(default=False)  # the station this database belongs to
    reception_rule = pw.CharField(max_length=200, default="")  # migration 9: 接待日, as the station prints it
    schedule_rules = JsonField(default=list)  # migration 9: 活动日规则 texts, as the station prints them
    created_at = TimestampField(default=clock.now_ts)
    updated_at = TimestampField(default=clock.now_ts)


class Deputy(TravelModel):
    """人大代表 (EXCHANGE_FORMAT §2.3 deputies)."""

    name = pw.CharField(max_length=40, index=True)
    gender = pw.CharField(max_length=8, null=True)
    ethnicity = pw.CharField(max_length=20, default="")
    birth_date = IsoDateField(null=True)
    party = pw.CharField(max_length=20, default="")
    levels_mask = pw.IntegerField()  # bits of domain.codes.Level
    sector = pw.CharField(max_length=40, default="")
    group_name = pw.CharField(max_length=40, default="", index=True)  # 代表小组 ("group")
    phone = pw.CharField(max_length=40, default="")
    term = pw.CharField(max_length=40, default="")
    active = pw.BooleanField(default=True)
    photo = pw.CharField(max_length=120, null=True)  # attachments/{sha256}.jpg
    note = pw.TextField(default="")
    # migration 2
    commitment = pw.TextField(default="")  # 亮承诺
    sort_order = pw.IntegerField(default=0)
    # migration 10
    public_phone = pw.CharField(max_length=40, default="")  # 公开联系电话: printed in full


class ActivityDay(TravelModel):
    """代表活动日 (EXCHANGE_FORMAT §2.3 activity_days). At most one live (not deleted, not
    cancelled) day per station and date: a partial unique index (migration 3) guards it."""

    date = IsoDateField(index=True)
    start_time = pw.CharField(max_length=5, null=True)  # HH:MM
    end_time = pw.CharField(max_length=5, null=True)
    kind = pw.CharField(max_length=16, default="reception")
    theme = pw.CharField(max_length=200, default="")
    place = pw.CharField(max_length=200, default="")
    host = pw.CharField(max_length=40, default="")
    status = pw.CharField(max_length=12, default="planned")
    agenda = pw.TextField(default="")  # 会议纪要: 议程
    discussion = pw.TextField(default="")  # 讨论情况
    decisions = pw.TextField(default="")  # 议定事项
    follow_ups = pw.TextField(default="")  # 后续跟进
    origin = pw.CharField(max_length=12, default="manual")  # rule / manual
    original_date = IsoDateField(null=True)  # the rule's date before a holiday shift or a move
    change_reason = pw.CharField(max_length=200, default="")  # why it was moved, shifted or cancelled


class Duty(TravelModel):
    """One deputy on duty (值班) at one activity day; ``manual`` marks a recorded swap."""

    activity_day_uid = pw.CharField(max_length=36, index=True)
    deputy_uid = pw.CharField(max_length=36, index=True)
    manual = pw.BooleanField(default=False)
    note = pw.CharField(max_length=200, default="")


class Attendance(TravelModel):
    """签到 (EXCHANGE_FORMAT §2.3 attendances): one row per activity day and deputy."""

    activity_day_uid = pw.CharField(max_length=36, index=True)
    deputy_uid = pw.CharField(max_length=36, index=True)
    status = pw.CharField(max_length=8)


class ActivityPhoto(TravelModel):
    """A photo of an activity day (attachments/{sha256}.jpg beside the database)."""

    activity_day_uid = pw.CharField(max_length=36, index=True)
    photo = pw.CharField(max_length=120)
    caption = pw.CharField(max_length=200, default="")


class HolidayOverride(BaseModel):
    """The clerk's correction of the holiday calendar (e.g. next year's arrangement)."""

    date = IsoDateField(unique=True)
    kind = pw.CharField(max_length=8)  # holiday / workday
    note = pw.CharField(max_length=100, default="")


class DeputyUnavailable(BaseModel):
    """A deputy cannot take duty from ``date_from`` to ``date_to`` (请假、外出)."""

    deputy_uid = pw.CharField(max_length=36, index=True)
    date_from = IsoDateField()
    date_to = IsoDateField()
    reason = pw.CharField(max_length=100, default="")


class MonthlyTheme(BaseModel):
    """The theme of a month's activity days (the county's 月度主题), per station (migration 5)."""

    station_code = pw.CharField(max_length=32)
    month = pw.CharField(max_length=7)  # YYYY-MM
    theme = pw.CharField(max_length=200)
    updated_at = TimestampField(default=clock.now_ts)

    class Meta:
        indexes = ((("station_code", "month"), True),)


class Reception(TravelModel):
    """接待登记 (EXCHANGE_FORMAT §2.3 receptions); ``deputy_uids`` is mirrored in
    :class:`ReceptionDeputy` so lists filter by deputy through an index (migration 6)."""

    station_code = pw.CharField(max_length=32)  # no index of its own: the composite indexes lead with it
    received_at = TimestampField()
    sort_key = pw.BigIntegerField(unique=True)  # list order and keyword-index rowid: see db/search.py
    channel = pw.CharField(max_length=12)
    visitor_name = pw.CharField(max_length=40, index=True)
    visitor_phone = pw.CharField(max_length=40, default="", index=True)
    visitor_id_number = pw.CharField(max_length=18, default="", index=True)  # schema 12
    village = pw.CharField(max_length=60, default="", index=True)
    visitor_count = pw.IntegerField(default=1)
    deputy_uids = JsonField(default=list)
    activity_day_uid = pw.CharField(max_length=36, null=True, index=True)
    summary = pw.TextField(default="")

    class Meta:
        indexes = ((("station_code", "sort_key"), False), (("station_code", "received_at"), False))


class ReceptionDeputy(BaseModel):
    """Which deputies received a visit (an index of ``Reception.deputy_uids``)."""

    reception_uid = pw.CharField(max_length=36, index=True)
    deputy_uid = pw.CharField(max_length=36)

    class Meta:
        indexes = ((("deputy_uid", "reception_uid"), True),)


class Case(TravelModel):
    """意见建议 (EXCHANGE_FORMAT §2.3 cases). ``status``, ``evaluation``, ``rounds`` and
    ``resolved_at`` always equal what :func:`station_app.domain.cases.replay` makes of the
    case's events (``check`` verifies it)."""

    station_code = pw.CharField(max_length=32)  # see Reception
    reception_uid = pw.CharField(max_length=36, null=True, index=True)
    number = pw.CharField(max_length=20)
    registered_at = TimestampField()
    category = pw.CharField(max_length=24, index=True)
    content = pw.TextField()
    handling = pw.CharField(max_length=16)
    urgency = pw.CharField(max_length=8, default="normal")
    department = pw.CharField(max_length=60, default="", index=True)  # 主办
    co_departments = JsonField(default=list)  # 协办
    deadline = IsoDateField(null=True)
    status = pw.CharField(max_length=20)
    evaluation = pw.CharField(max_length=20, null=True)
    rounds = pw.IntegerField(default=1)
    resolved_at = TimestampField(null=True)

    class Meta:
        table_name = "case"
        indexes = ((("station_code", "number"), True),
                   (("station_code", "registered_at", "id"), False),
                   (("status", "deadline"), False))


class CaseEvent(TravelModel):
    """One step of a case's timeline (EXCHANGE_FORMAT §2.3 case_events, plus what it set)."""

    station_code = pw.CharField(max_length=32)  # events are read by case
    case_uid = pw.CharField(max_length=36, index=True)
    at = TimestampField()
    action = pw.CharField(max_length=12)
    actor = pw.CharField(max_length=40, default="")
    note = pw.TextField(default="")
    round = pw.IntegerField(default=1)
    department = pw.CharField(max_length=60, default="")
    deadline = IsoDateField(null=True)
    evaluation = pw.CharField(max_length=20, null=True)


class CaseCounter(BaseModel):
    """The last case number given per station and year (``2026-0123`` → 123)."""

    station_code = pw.CharField(max_length=32)
    year = pw.IntegerField()
    last = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("station_code", "year"), True),)


class Department(BaseModel):
    """承办单位: the managed list the clerk assigns cases to."""

    station_code = pw.CharField(max_length=32)
    name = pw.CharField(max_length=60)
    contact = pw.CharField(max_length=40, default="")
    phone = pw.CharField(max_length=40, default="")
    active = pw.BooleanField(default=True)
    sort_order = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("station_code", "name"), True),)


class ScoringRules(BaseModel):
    """A year's 履职积分 rules (domain.scoring.RuleSet as JSON): ``doc`` as edited or imported,
    ``applied_doc`` as the scores use them (set by an explicit, logged recompute)."""

    station_code = pw.CharField(max_length=32)
    year = pw.IntegerField()
    doc = pw.TextField()
    applied_doc = pw.TextField(null=True)
    updated_at = TimestampField(default=clock.now_ts)
    applied_at = TimestampField(null=True)

    class Meta:
        indexes = ((("station_code", "year"), True),)


class DutyRecord(TravelModel):
    """One 履职 record (EXCHANGE_FORMAT §2.3 duty_records): automatic ones name the fact they come
    from (``source_uid``: an attendance, reception or case), manual ones carry a note and maybe
    an evidence file; ``verified`` is the review (录入 → 审核)."""

    deputy_uid = pw.CharField(max_length=36)
    date = IsoDateField()
    indicator_code = pw.CharField(max_length=16)
    quantity = pw.FloatField(default=1)
    points = pw.FloatField()
    source = pw.CharField(max_length=8)  # auto / manual
    source_uid = pw.CharField(max_length=36, null=True)
    note = pw.TextField(default="")
    evidence = pw.CharField(max_length=120, null=True)  # attachments/{sha256}.{ext}
    verified = pw.BooleanField(default=False)
    reviewer = pw.CharField(max_length=40, default="")
    reviewed_at = TimestampField(null=True)

    class Meta:
        indexes = ((("deputy_uid", "date"), False), (("station_code", "date"), False))


class ScoreYearClosing(BaseModel):
    """年度评定 (migration 11): an admin froze the year's 履职积分 of a station — who, when, the
    date the figures run to and the rules they were graded with. Deleted when the year is reopened."""

    station_code = pw.CharField(max_length=32)
    year = pw.IntegerField()
    as_of = pw.CharField(max_length=10)
    closed_at = TimestampField(default=clock.now_ts)
    closed_by = pw.CharField(max_length=40)
    rules_doc = pw.TextField()

    class Meta:
        indexes = ((("station_code", "year"), True),)


class ScoreYearGrade(BaseModel):
    """One deputy's frozen final score and grade of a closed year (migration 11)."""

    closing = pw.ForeignKeyField(ScoreYearClosing, on_delete="CASCADE", backref="grades")
    deputy_uid = pw.CharField(max_length=36)
    deputy_name = pw.CharField(max_length=40)
    raw = pw.FloatField()  # type: ignore[assignment]  # the column is named raw: shadows Model.raw here
    score100 = pw.FloatField()
    grade = pw.CharField(max_length=16)
    rank = pw.IntegerField()
    by_indicator = pw.TextField()  # JSON {indicator code: counted points}

    class Meta:
        indexes = ((("closing", "deputy_uid"), True),)


class LivelihoodProject(TravelModel):
    """民生实事项目 (migration 16): a candidate (征集) from opinions, deputies or the government's list,
    through 初审 and 票决 to 实施 and 评单. Money in fen (分); ``case_uids`` the linked opinions;
    ``session_uid`` the 票决 session that decided it; ``carried_from_uid`` last year's project
    carried over for 再督办."""

    year = pw.IntegerField(index=True)
    title = pw.CharField(max_length=100)
    description = pw.TextField(default="")
    village = pw.CharField(max_length=60, default="")
    estimated_cost = pw.BigIntegerField(default=0)  # fen
    department = pw.CharField(max_length=60, default="")
    source = pw.CharField(max_length=12)  # domain.livelihood.SOURCE
    status = pw.CharField(max_length=12)  # domain.livelihood.STATUS
    registered_on = IsoDateField()  # 征集日期
    session_uid = pw.CharField(max_length=36, null=True, index=True)
    budget = pw.BigIntegerField(null=True)  # fen
    progress = pw.IntegerField(default=0)  # 0..100
    completed_at = TimestampField(null=True)
    carried_from_uid = pw.CharField(max_length=36, null=True)
    case_uids = JsonField(default=list)
    note = pw.TextField(default="")


class LivelihoodSession(TravelModel):
    """票决 session at the 乡镇人代会 (migration 16): who was present, how many deputies in all,
    which projects were on the ballot, how many to approve; ``held`` once the result is applied."""

    date = IsoDateField(index=True)
    meeting_name = pw.CharField(max_length=120)
    deputies_total = pw.IntegerField()
    present_deputy_uids = JsonField(default=list)
    project_uids = JsonField(default=list)  # the ballot, in order
    quota = pw.IntegerField()
    status = pw.CharField(max_length=8)  # planned / held


class LivelihoodVote(TravelModel):
    """One deputy's vote on one project (``choice``), or — ``deputy_uid`` null — the counts of the
    paper ballots for one project (``count_*``). Never both for one project in one session."""

    session_uid = pw.CharField(max_length=36, index=True)
    project_uid = pw.CharField(max_length=36, index=True)
    deputy_uid = pw.CharField(max_length=36, null=True)
    choice = pw.CharField(max_length=8, null=True)  # for / against / abstain
    count_for = pw.IntegerField(default=0)
    count_against = pw.IntegerField(default=0)
    count_abstain = pw.IntegerField(default=0)


class LivelihoodMilestone(TravelModel):
    """A milestone (节点) of an approved project: planned and actual dates."""

    project_uid = pw.CharField(max_length=36, index=True)
    title = pw.CharField(max_length=100)
    planned_date = IsoDateField()
    actual_date = IsoDateField(null=True)
    note = pw.TextField(default="")


class LivelihoodInspection(TravelModel):
    """督查: an activity day of kind ``livelihood`` looked at a project; the findings (its photos
    are the activity day's photos)."""

    activity_day_uid = pw.CharField(max_length=36, index=True)
    project_uid = pw.CharField(max_length=36, index=True)
    findings = pw.TextField(default="")


class LivelihoodRating(TravelModel):
    """评单: one deputy's year-end rating of one project."""

    project_uid = pw.CharField(max_length=36, index=True)
    deputy_uid = pw.CharField(max_length=36)
    year = pw.IntegerField()
    rating = pw.CharField(max_length=20)  # satisfied / basically_satisfied / dissatisfied
    rated_on = IsoDateField()
    note = pw.TextField(default="")


LIVELIHOOD_MODELS = [LivelihoodProject, LivelihoodSession, LivelihoodVote, LivelihoodMilestone,
                     LivelihoodInspection, LivelihoodRating]


class Setting(BaseModel):
    """Stored settings (declared with defaults in ``services.settings``)."""

    key = pw.CharField(max_length=80, primary_key=True)
    value = JsonField()


class User(BaseModel):
    uid = pw.CharField(max_length=36, unique=True, default=new_uid)
    username = pw.CharField(max_length=40, unique=True)
    display_name = pw.CharField(max_length=40, default="")
    password_hash = pw.CharField(max_length=200)
    role = pw.CharField(max_length=16, default="clerk")  # domain.roles.Role value
    active = pw.BooleanField(default=True)
    created_at = TimestampField(default=clock.now_ts)
    updated_at = TimestampField(default=clock.now_ts)
    # migration 13: the admin's one-time recovery code (argon2), and the lockout state for
    # databases whose user table is readable before login (plain SQLite, PostgreSQL)
    recovery_hash = pw.CharField(max_length=200, default="")
    failed_logins = pw.IntegerField(default=0)
    locked_until = TimestampField(null=True)
    last_login_at = TimestampField(null=True)


class AuditLog(BaseModel):
    """Who changed what, when: before → after (JSON)."""

    at = TimestampField(default=clock.now_ts, index=True)
    actor = pw.CharField(max_length=40)
    action = pw.CharField(max_length=20)  # create / update / deactivate / activate / delete / restore / import
    table_name = pw.CharField(max_length=40)
    record_uid = pw.CharField(max_length=64, index=True)
    station_code = pw.CharField(max_length=32, default="")
    before = JsonField(null=True)
    after = JsonField(null=True)
    summary = pw.CharField(max_length=200, default="")
    # the hash chain (migration 14, domain/audit_chain.py): 1, 2, 3, … without gaps; the previous
    # entry's hash; SHA-256 over this entry's columns and prev_hash. Null only on a forged row
    seq = pw.BigIntegerField(null=True, unique=True)
    prev_hash = pw.CharField(max_length=64, null=True)
    hash = pw.CharField(max_length=64, null=True)


class ExchangeSent(BaseModel):
    """A package this database exported (EXCHANGE_FORMAT §2; migration 8): the next incremental
    package starts after the newest one and names it as ``previous_package_id``."""

    package_id = pw.CharField(max_length=36, unique=True)
    station_code = pw.CharField(max_length=32)
    kind = pw.CharField(max_length=12)  # full / incremental
    period_from = IsoDateField()
    period_to = IsoDateField()
    created_at = TimestampField()
    previous_package_id = pw.CharField(max_length=36, null=True)
    file_name = pw.CharField(max_length=200)
    counts = JsonField()  # {table: records}
    bytes = pw.BigIntegerField(default=0)

    class Meta:
        indexes = ((("station_code", "created_at"), False),)


class ExchangeImported(BaseModel):
    """A package merged into this database (the county's view of each station's chain). Only
    imported packages are recorded: a rejected one leaves the database exactly as it was."""

    package_id = pw.CharField(max_length=36, unique=True)
    station_code = pw.CharField(max_length=32)
    kind = pw.CharField(max_length=12)
    period_from = IsoDateField()
    period_to = IsoDateField()
    created_at = TimestampField()  # when the station made it
    previous_package_id = pw.CharField(max_length=36, null=True)
    file_name = pw.CharField(max_length=200)
    counts = JsonField()  # {"inserted": n, "updated": n, "unchanged": n, "tables": {...}}
    imported_at = TimestampField(default=clock.now_ts)
    status = pw.CharField(max_length=12)  # imported
    reason = pw.TextField(default="")

    class Meta:
        indexes = ((("station_code", "created_at"), False),)


class StationKey(BaseModel):
    """The registry of station keys (EXCHANGE_FORMAT §2.3a; migration 15): station code → Ed25519
    public key. A package is imported only when signed by its station's enrolled key. Re-enrolling
    a station replaces the key; the audit log keeps the old and the new one."""

    station_code = pw.CharField(max_length=32, unique=True)
    public_key = pw.CharField(max_length=64)  # base64 of the 32-byte raw key
    fingerprint = pw.CharField(max_length=20)  # 20 hex digits (domain.package.key_fingerprint)
    enrolled_at = TimestampField(default=clock.now_ts)
    enrolled_by = pw.CharField(max_length=40)
    enrolments = pw.IntegerField(default=1)


class OwnKey(BaseModel):
    """This station's own Ed25519 key pair (migration 15), made at its first export. The private
    key stays in this database, which is encrypted at rest and unlocked by a user's login."""

    station_code = pw.CharField(max_length=32, unique=True)
    private_key = pw.CharField(max_length=64)  # base64 of the 32-byte raw private key
    public_key = pw.CharField(max_length=64)
    fingerprint = pw.CharField(max_length=20)
    created_at = TimestampField(default=clock.now_ts)


class SchemaVersion(BaseModel):
    version = pw.IntegerField(primary_key=True)
    name = pw.CharField(max_length=80)
    applied_at = TimestampField(default=clock.now_ts)


ALL_MODELS = [Station, Deputy, Setting, User, AuditLog, SchemaVersion, ActivityDay, Duty, Attendance,
              HolidayOverride, DeputyUnavailable, ActivityPhoto, MonthlyTheme, Reception, ReceptionDeputy, Case,
              CaseEvent, Department, CaseCounter, ScoringRules, DutyRecord, ExchangeSent, ExchangeImported,
              ScoreYearClosing, ScoreYearGrade, StationKey, OwnKey]
ALL_MODELS += LIVELIHOOD_MODELS
