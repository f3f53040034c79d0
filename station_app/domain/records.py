"""Frozen dataclasses that services return (never ORM rows: Qt's data() must not query)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass, field
from operator import attrgetter
from typing import Any, NamedTuple

from station_app.domain import cases as case_rules
from station_app.domain import clock, privacy
from station_app.domain.codes import Gender, levels_label


@dataclass(frozen=True)
class StationProfile:
    """The station as printed and exported: code, name, township, county, address, phone…"""
    code: str
    name: str
    township: str = ""
    county: str = ""
    address: str = ""
    phone: str = ""
    reception_rule: str = ""  # 接待日 as the station prints it (at home: the setting)
    schedule_rules: tuple[str, ...] = ()  # 活动日规则 texts (at home: the setting)
    is_home: bool = False  # the station this database belongs to (its records can be changed here)


@dataclass(frozen=True)
class StationView:
    """The station in view: one station (``code``), or the whole county (``code`` None).

    Decided at the top edge (the CLI's ``--station``, the GUI's selector) and passed down to every
    service. ``writable`` is False for a station whose records came in packages: they belong to that
    station and its next package would overwrite any change made here (``read_only_reason`` says so)."""

    code: str | None
    name: str
    writable: bool = False
    read_only_reason: str = ""

    @property
    def county(self) -> bool:
        """Whether every station is in view (the county's database)."""
        return self.code is None


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
    public_phone: str = ""  # 公开联系电话: the number the deputy agrees to publish (printed in full)


@dataclass(frozen=True)
class DeputyRecord(DeputyData):
    """A deputy as stored: the editable fields plus uid, station, photo and timestamps."""
    uid: str = ""
    station_code: str = ""
    photo: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    deleted_at: dt.datetime | None = None

    @property
    def levels_text(self) -> str:
        """The deputy's levels in Chinese (e.g. 县、乡)."""
        return levels_label(self.levels)

    @property
    def gender_text(self) -> str:
        """The deputy's gender in Chinese."""
        return Gender.label_of(self.gender)

    def data(self) -> DeputyData:
        """The editable fields of the record, as a form fills them."""
        return DeputyData(**{f: getattr(self, f) for f in DeputyData.__dataclass_fields__})


@dataclass(frozen=True)
class Page:
    """One page of a keyset-paged list: rows, and the key to pass for the next page."""

    rows: tuple[Any, ...]
    next_key: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class RowError:
    """Why a spreadsheet row was refused: the row number, the field and the message."""
    row: int  # 1-based spreadsheet row number
    field: str
    message: str


@dataclass(frozen=True)
class ImportReport:
    """A spreadsheet import: rows read, rows imported and the refused rows."""
    total: int
    imported: int
    errors: tuple[RowError, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """Whether every row was imported."""
        return not self.errors


@dataclass(frozen=True)
class CheckFinding:
    """A finding of the data check: error or warning, with its message."""
    severity: str  # "error" | "warning"
    message: str


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: when, who, what action on which record, before and after."""
    at: dt.datetime
    actor: str
    action: str
    table_name: str
    record_uid: str
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class DutyDeputy:
    """A deputy on duty at an activity day; ``manual`` when put there by a recorded swap."""
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
        """The names of the deputies on duty, in duty order."""
        return tuple(d.name for d in self.duty)


@dataclass(frozen=True)
class GenerateSummary:
    """What generating a year's activity days did: created, already there, and warnings."""
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
        """Held days the deputy attended: present or late."""
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
    """A deputy in an activity day's minutes: name, levels, sign-in and whether on duty."""
    name: str
    levels: str
    status_label: str  # 出席/迟到/请假/缺席/未签到
    on_duty: bool = False


@dataclass(frozen=True)
class MinutesCase:
    """An opinion in an activity day's minutes: number, visitor, content and handling."""
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
    """An activity day on the public notice: date, time, place, theme and deputies on duty."""
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


# --- receptions and cases (接待登记, 意见建议) ------------------------------------------------------


@dataclass(frozen=True)
class ReceptionData:
    """What the clerk types for one visit (EXCHANGE_FORMAT §2.3 receptions)."""

    received_at: dt.datetime
    channel: str
    visitor_name: str
    visitor_phone: str = ""
    visitor_id_number: str = ""
    village: str = ""
    visitor_count: int = 1
    deputy_uids: tuple[str, ...] = ()
    activity_day_uid: str | None = None
    summary: str = ""


@dataclass(frozen=True)
class OpinionData:
    """One opinion (意见建议) taken at a visit, as entered on the reception form.

    ``handling``: on_the_spot closes at once with ``reply`` as the answer; assigned goes to
    ``department`` (主办) with ``co_departments`` (协办); deputy_proposal becomes a 代表建议.
    ``deadline`` overrides the working-day default of the handling mode."""

    content: str
    category: str
    handling: str = "on_the_spot"
    urgency: str = "normal"
    department: str = ""
    co_departments: tuple[str, ...] = ()
    reply: str = ""
    deadline: dt.date | None = None


@dataclass(frozen=True)
class ReceptionRecord(ReceptionData):
    """A reception as stored: the editable fields plus ids, station, deputies' names and cases counted."""
    id: int = 0
    uid: str = ""
    station_code: str = ""
    deputy_names: tuple[str, ...] = ()
    case_count: int = 0
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    def data(self) -> ReceptionData:
        """The editable fields of the record, as a form fills them."""
        return ReceptionData(**{f: getattr(self, f) for f in ReceptionData.__dataclass_fields__})


class ReceptionRowPage:
    """What the rows of one list page share, settled when the page was fetched: whether numbers
    are shown in full, each stored deputy list parsed (text → uids) and the names of those
    deputies. A list's names are put together on the first read of a row that has it."""

    __slots__ = ("revealed", "uids", "_names", "_named")

    def __init__(self, revealed: bool, uids: dict[str | None, tuple[str, ...]], names: dict[str, str]):
        self.revealed = revealed
        self.uids = uids
        self._names = names
        self._named: dict[str | None, tuple[str, ...]] = {}

    def names(self, text: str | None) -> tuple[str, ...]:
        """The names of the deputies of the stored list ``text`` (those still known), in its order."""
        named = self._named.get(text)
        if named is None:
            names = self._names
            named = self._named[text] = tuple(names[u] for u in self.uids[text] if u in names)
        return named


def _derived(read: Callable[[Any], Any]) -> Any:
    """A read-only field of :class:`ReceptionRow` (typed as the field it stands for)."""
    return property(read)


def _column(i: int) -> Any:
    return _derived(lambda self: self._row[i])


def _converted(slot: str, convert: Callable[[Any], Any]) -> Any:
    """A field converted from the stored row on its first read, then kept in ``slot`` (written
    through ``object.__setattr__``: the record's own ``__setattr__`` refuses every name)."""
    def read(self: Any) -> Any:
        value = getattr(self, slot, _UNSET)  # (a default, not try/except: a third of the cost unread)
        if value is _UNSET:  # not read yet
            value = convert(self)
            object.__setattr__(self, slot, value)
        return value
    return property(read)


_UNSET = object()
# the columns of a list page's statement, in order (:class:`ReceptionRow` reads its fields by position)
_ROW_COLUMNS = ("id", "uid", "station_code", "received_at", "sort_key", "channel", "visitor_name", "visitor_phone",
                "visitor_id_number", "village", "visitor_count", "deputy_uids", "activity_day_uid", "summary",
                "case_count")
_AT, _PHONE, _ID_NUMBER, _DEPUTIES = (_ROW_COLUMNS.index(c) for c in ("received_at", "visitor_phone",
                                                                       "visitor_id_number", "deputy_uids"))


class ReceptionRow(ReceptionRecord):
    """A :class:`ReceptionRecord` of a list page (``receptions.page``), made from the row its
    statement returned (:attr:`COLUMNS`, in this order) and converted when a field is read — a
    table draws ~30 of 256 rows, and making each record whole took most of a deep page's time.

    Every field reads as the record ``ReceptionRecord(...)`` would hold (time parsed into the local
    zone, phone and ID number masked as :attr:`ReceptionRowPage.revealed` decided, deputies' names);
    ``==`` and ``hash`` agree with that record, and ``dataclasses.replace``, copy and pickle give
    one. Immutable like it: no attribute can be set or deleted (``__setattr__``/``__delattr__``
    refuse every name); a conversion is written once into its private slot, past that refusal,
    and never changes what a field reads."""

    __slots__ = ("_row", "_page", "_at", "_phone", "_id_number")
    COLUMNS = _ROW_COLUMNS

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:  # dataclasses.replace and friends: a plain record
        return ReceptionRecord(*args, **kwargs)

    @classmethod
    def of_rows(cls, rows: list[tuple[Any, ...]], page: ReceptionRowPage) -> list[ReceptionRecord]:
        """The records of ``rows`` (tuples of :attr:`COLUMNS`), nothing converted yet."""
        new, set_row, set_page = object.__new__, cls._row.__set__, cls._page.__set__  # type: ignore[attr-defined]
        out: list[ReceptionRecord] = []
        for r in rows:
            record = new(cls)
            set_row(record, r)
            set_page(record, page)
            out.append(record)
        return out

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ReceptionRecord):
            return _reception_values(self) == _reception_values(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(_reception_values(self))

    def __reduce__(self) -> tuple[type[ReceptionRecord], tuple[Any, ...]]:
        return ReceptionRecord, _reception_values(self)

    received_at = _converted("_at", lambda r: clock.parse_ts(r._row[_AT]))
    visitor_phone = _converted("_phone", lambda r: privacy.phone(r._row[_PHONE], r._page.revealed))
    visitor_id_number = _converted("_id_number", lambda r: privacy.id_number(r._row[_ID_NUMBER], r._page.revealed))
    id = _column(_ROW_COLUMNS.index("id"))
    uid = _column(_ROW_COLUMNS.index("uid"))
    station_code = _column(_ROW_COLUMNS.index("station_code"))
    channel = _column(_ROW_COLUMNS.index("channel"))
    visitor_name = _column(_ROW_COLUMNS.index("visitor_name"))
    village = _column(_ROW_COLUMNS.index("village"))
    visitor_count = _column(_ROW_COLUMNS.index("visitor_count"))
    activity_day_uid = _column(_ROW_COLUMNS.index("activity_day_uid"))
    summary = _column(_ROW_COLUMNS.index("summary"))
    case_count = _column(_ROW_COLUMNS.index("case_count"))
    deputy_uids = _derived(lambda self: self._page.uids[self._row[_DEPUTIES]])
    deputy_names = _derived(lambda self: self._page.names(self._row[_DEPUTIES]))
    created_at = _derived(lambda self: None)  # not read by the list (as before)
    updated_at = _derived(lambda self: None)


_reception_values = attrgetter(*ReceptionRecord.__dataclass_fields__)  # the constructor's order


@dataclass(frozen=True)
class CaseRecord:
    """One 意见建议 with what the lists show of its visit."""

    id: int
    uid: str
    station_code: str
    number: str
    reception_uid: str | None
    registered_at: dt.datetime
    category: str
    content: str
    handling: str
    urgency: str
    department: str
    co_departments: tuple[str, ...]
    deadline: dt.date | None
    status: str
    evaluation: str | None
    rounds: int
    resolved_at: dt.datetime | None
    visitor_name: str = ""
    visitor_phone: str = ""
    village: str = ""
    deputy_names: tuple[str, ...] = ()
    updated_at: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        """Whether the case is still open (not resolved or closed, domain/cases.py)."""
        return case_rules.is_open(self.status)

    def is_overdue(self, today: dt.date) -> bool:
        """Open, waiting for the department (交办/办理中), and past its deadline (domain/cases.py)."""
        return case_rules.is_overdue(self.status, self.deadline, today)


@dataclass(frozen=True)
class CaseEventRecord:
    """One step of a case's timeline (EXCHANGE_FORMAT §2.3 case_events, plus what it set)."""

    uid: str
    case_uid: str
    at: dt.datetime
    action: str
    actor: str
    note: str
    round: int = 1
    department: str = ""
    deadline: dt.date | None = None
    evaluation: str | None = None


class VisitorMatch(NamedTuple):
    """An earlier visitor offered by the form's autocomplete: ``phone`` is what choosing them fills
    in (in full only for a user who may register visits), ``shown_phone`` what the list shows
    (masked unless the user revealed full numbers)."""

    name: str
    phone: str
    village: str
    shown_phone: str


@dataclass(frozen=True)
class VisitorHistory:
    """What the form shows when a known visitor is typed: earlier visits and open cases."""

    visitor_name: str
    visitor_phone: str
    village: str
    visits: tuple[ReceptionRecord, ...]
    open_cases: tuple[CaseRecord, ...]


@dataclass(frozen=True)
class CaseSheetData:
    """A 交办通知单 (``kind='assign'``) or 办理情况反馈单 (``kind='feedback'``) of one case.

    Personal numbers arrive already masked (or not) as the privacy setting says: the renderer
    prints what it is given."""

    kind: str  # assign | feedback
    station_name: str
    station_phone: str
    station_address: str
    number: str
    registered_at: dt.date
    category_label: str
    urgency_label: str
    handling_label: str
    content: str
    visitor_name: str
    visitor_phone: str
    village: str
    deputy_names: tuple[str, ...]
    department: str
    co_departments: tuple[str, ...]
    assigned_at: dt.date | None
    deadline: dt.date | None
    round: int
    reply: str = ""
    replied_at: dt.date | None = None
    evaluation_label: str = ""
    timeline: tuple[tuple[str, str, str, str], ...] = ()  # (when, action label, actor, note)
    qr_content: str = ""  # the case number, for scanning the sheet back to the case


LIVELIHOOD_KEYS = ("candidates", "voted", "approved", "completed", "rated", "rated_satisfied")


@dataclass(frozen=True)
class StatsFigures:
    """The figures of EXCHANGE_FORMAT §3 for one period (and one station or all)."""

    deputies_in_station: int = 0
    receptions: int = 0
    visitors: int = 0
    cases_collected: int = 0
    cases_resolved: int = 0
    completion_rate: float | None = None
    satisfaction_rate: float | None = None
    by_category: dict[str, Any] = field(default_factory=dict)
    # 民生实事项目票决制 (v1.1): candidates, voted, approved, completed, rated, rated_satisfied
    livelihood_projects: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LIVELIHOOD_KEYS, 0))

    def to_json(self) -> dict[str, Any]:
        """The figures under the keys of ``stats --json`` (docs/exchange-format.md §3)."""
        return {"deputies_in_station": self.deputies_in_station, "receptions": self.receptions,
                "visitors": self.visitors, "cases_collected": self.cases_collected,
                "cases_resolved": self.cases_resolved, "completion_rate": self.completion_rate,
                "satisfaction_rate": self.satisfaction_rate, "by_category": dict(self.by_category),
                "livelihood_projects": {k: int(self.livelihood_projects.get(k, 0)) for k in LIVELIHOOD_KEYS}}


@dataclass(frozen=True)
class Statistics:
    """§3 figures for a period, with the breakdowns the statistics page and report show."""

    date_from: dt.date
    date_to: dt.date
    station_code: str | None  # None: every station of the database
    figures: StatsFigures
    by_station: dict[str, Any] = field(default_factory=dict)  # {station_code: StatsFigures}, >1 station only
    by_village: tuple[Any, ...] = ()  # ((village, receptions, visitors, cases_collected), ...) most first
    by_deputy: tuple[Any, ...] = ()  # ((deputy name, receptions, cases_collected), ...) most first
    by_month: tuple[Any, ...] = ()  # (("2026-03", receptions, visitors, cases_collected, cases_resolved), ...)

    def to_json(self) -> dict[str, Any]:
        """``stats --json``: the figures, plus ``by_station`` when several stations are counted."""
        out = self.figures.to_json()
        if self.by_station:
            out["by_station"] = {code: f.to_json() for code, f in sorted(self.by_station.items())}
        return out


@dataclass(frozen=True)
class PeriodReportData:
    """月报/季报/年报: the seed-style headline sentence and the tables behind it."""

    station_name: str
    title: str  # e.g. 2026年第三季度接待工作季报
    period_label: str  # 2026年7月1日至9月30日
    headline: str  # 本季度共接待群众890人次，收集意见建议168条，解决实际问题126件……
    stats: Statistics
    category_rows: tuple[tuple[str, int], ...]  # (category label, cases), most first
    overdue_rows: tuple[tuple[str, str, str, str], ...] = ()  # (number, department, deadline, content)
    overdue_total: int = 0  # overdue cases in all; more than the rows when the list was cut short


# --- 履职档案 and 履职积分 printouts -------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveLine:
    """One duty record in the archive: ``counted`` is what it adds to the total (after caps)."""

    date: dt.date
    indicator: str
    category: str
    quantity: float
    points: float
    counted: float
    note: str
    source: str  # 自动 / 手工
    verified: bool


@dataclass(frozen=True)
class ArchiveData:
    """A deputy's 履职档案 for one year (述职参考材料)."""

    station_name: str
    year: int
    name: str
    levels: str
    gender: str
    party: str
    sector: str
    group: str
    phone: str  # masked unless the privacy setting shows it
    term: str
    commitment: str
    photo: str | None  # a file path, or None
    raw: float
    score100: float
    grade: str
    rank: int
    of_total: int
    full_marks: float
    by_category: tuple[tuple[str, float], ...]
    by_month: tuple[tuple[str, float, int], ...]  # ("2026-03", points counted, records)
    lines: tuple[ArchiveLine, ...]  # sum(counted) == raw
    attendance: tuple[int, int, int, int]  # present, late, leave, absent at held days
    receptions: int
    visitors: int
    cases: int
    cases_resolved: int
    quotas: tuple[tuple[str, int, int], ...]  # (quota, have, need) for the year
    formula: str  # how 百分制 is computed, printed under the total
    as_of: dt.date | None = None  # 截至: the date the figures run to
    printed_on: dt.date | None = None  # 打印日期
    final: bool = False  # the year is closed (年度评定): ``grade`` is the frozen final grade
    standing: str = ""  # in place of a grade while the year is open: 年度未结束 / 待年度评定
    progress: int | None = None  # 合格进度 in % (open year)
    progress_note: str = ""  # the definition of 合格进度, printed beside it


@dataclass(frozen=True)
class RankingRow:
    """A deputy's line in the points ranking: rank, name, levels, points, grade and points per category."""
    rank: int
    name: str
    levels: str
    raw: float
    score100: float
    grade: str  # final grade of a closed year, "" while open
    by_category: tuple[float, ...]  # in the order of RankingSheetData.categories
    pending: int
    progress: int | None = None  # 合格进度 in % (open year)


@dataclass(frozen=True)
class RankingSheetData:
    """The points ranking sheet: station, year, title, indicator categories and rows."""
    station_name: str
    year: int
    title: str
    categories: tuple[str, ...]
    rows: tuple[RankingRow, ...]
    formula: str
    grades: tuple[tuple[str, float], ...]  # (grade, minimum 百分制)
    as_of: dt.date | None = None  # 截至
    printed_on: dt.date | None = None  # 打印日期
    final: bool = False  # closed year: grades are final
    standing: str = ""  # 年度未结束 / 待年度评定 while open
    progress_note: str = ""  # the definition of 合格进度
