"""Frozen dataclasses that services return (never ORM rows: Qt's data() must not query)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from station_app.domain.codes import Gender, levels_label


@dataclass(frozen=True)
class StationProfile:
    code: str
    name: str
    township: str = ""
    county: str = ""
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class DeputyData:
    """The fields a clerk edits (EXCHANGE_FORMAT §2.3 deputies, plus commitment and order)."""

    name: str
    levels: tuple[str, ...]
    gender: str | None = None
    ethnicity: str = ""
    birth_date: dt.date | None = None
    party: str = ""
    sector: str = ""
    group: str = ""
    phone: str = ""
    term: str = ""
    active: bool = True
    note: str = ""
    commitment: str = ""
    sort_order: int = 0


@dataclass(frozen=True)
class DeputyRecord(DeputyData):
    uid: str = ""
    station_code: str = ""
    photo: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    deleted_at: dt.datetime | None = None

    @property
    def levels_text(self) -> str:
        return levels_label(self.levels)

    @property
    def gender_text(self) -> str:
        return Gender.label_of(self.gender)

    def data(self) -> DeputyData:
        return DeputyData(**{f: getattr(self, f) for f in DeputyData.__dataclass_fields__})


@dataclass(frozen=True)
class Page:
    """One page of a keyset-paged list: rows, and the key to pass for the next page."""

    rows: tuple
    next_key: tuple | None = None


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based spreadsheet row number
    field: str
    message: str


@dataclass(frozen=True)
class ImportReport:
    total: int
    imported: int
    errors: tuple[RowError, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class CheckFinding:
    severity: str  # "error" | "warning"
    message: str


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    action: str
    table_name: str
    record_uid: str
    summary: str
    before: dict | None
    after: dict | None


@dataclass(frozen=True)
class DutyDeputy:
    uid: str
    name: str
    manual: bool = False  # put there by a recorded swap


@dataclass(frozen=True)
class ActivityDayRecord:
    """One 代表活动日 with its duty deputies (in rota order)."""

    uid: str
    station_code: str
    date: dt.date
    start_time: str | None
    end_time: str | None
    kind: str
    theme: str
    place: str
    host: str
    status: str
    agenda: str
    discussion: str
    decisions: str
    follow_ups: str
    origin: str
    original_date: dt.date | None
    change_reason: str
    duty: tuple[DutyDeputy, ...] = ()

    @property
    def duty_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.duty)


@dataclass(frozen=True)
class GenerateSummary:
    year: int
    created: int
    existing: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttendanceFacts:
    """A deputy's sign-ins at held activity days in a period (source of duty points)."""

    deputy_uid: str
    present: int = 0
    late: int = 0
    leave: int = 0
    absent: int = 0
    day_uids: tuple[str, ...] = ()  # every held day counted, in date order
    dates: tuple[dt.date, ...] = ()  # the dates of those days, in the same order
    statuses: tuple[str, ...] = ()  # the sign-in status at each of those days, in the same order

    @property
    def attended(self) -> int:
        return self.present + self.late

    @property
    def days(self) -> int:
        """Held days at which the deputy has a sign-in record (any status)."""
        return len(self.day_uids)


@dataclass(frozen=True)
class UnavailableRecord:
    """Dates a deputy cannot take duty (代表请假), avoided by the rota."""

    id: int
    deputy_uid: str
    deputy_name: str
    date_from: dt.date
    date_to: dt.date
    reason: str = ""


@dataclass(frozen=True)
class MinutesAttendee:
    name: str
    levels: str
    status_label: str  # 出席/迟到/请假/缺席/未签到
    on_duty: bool = False


@dataclass(frozen=True)
class MinutesCase:
    number: str
    visitor: str
    content: str
    handling: str


@dataclass(frozen=True)
class MinutesData:
    """What the minutes PDF (活动记录) of one activity day shows."""

    station_name: str
    date: dt.date
    time_text: str
    place: str
    host: str
    kind_label: str
    theme: str
    status_label: str
    attendees: tuple[MinutesAttendee, ...]
    visitors_count: int
    cases: tuple[MinutesCase, ...]
    agenda: str
    discussion: str
    decisions: str
    follow_ups: str


@dataclass(frozen=True)
class NoticeDay:
    date: dt.date
    time_text: str
    place: str
    theme: str
    duty_names: tuple[str, ...]
    status_label: str
    note: str = ""


@dataclass(frozen=True)
class NoticeData:
    """What the schedule notice (接访计划公示) shows."""

    station_name: str
    period_label: str
    days: tuple[NoticeDay, ...]
    station_qr: str
    address: str
    phone: str
    rule_text: str
