"""履职积分 and 履职档案: the year's rules, automatic and manual duty records, review, quotas,
百分制 evaluation, rankings, and the explanation of every score.

House rules kept here:

- Scores use the rules *as last applied* (``ScoringRules.applied_doc``). Editing or importing the
  rules changes nothing until the clerk looks at :func:`preview_recompute` and runs
  :func:`recompute` — an explicit, audited action that lists what changes.
- Automatic records are derived from the facts (sign-ins, receptions, cases) under the applied
  rules; each names its fact (``source_uid``) and a partial unique index keeps one live record per
  indicator, fact and deputy, so :func:`sync_auto` is idempotent: run twice, it changes nothing.
- Manual records (with a note and maybe an evidence file) count once reviewed (录入 → 审核).
- Every score opens to its records (:func:`explain`); their counted points sum to the score.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import peewee as pw

from station_app.db.bulk import bulk_insert
from station_app.db.connection import database
from station_app.db.loading import gc_paused
from station_app.db.models import (
    ActivityDay,
    Attendance,
    Case,
    Deputy,
    DutyRecord,
    Reception,
    ReceptionDeputy,
    ScoreYearClosing,
    ScoreYearGrade,
    ScoringRules,
    Station,
    new_uids,
)
from station_app.db.rows import raw_rows, raw_tuples, tuples
from station_app.domain import attendance as attendance_rule
from station_app.domain import clock
from station_app.domain.codes import (
    ActivityKind,
    AttendanceStatus,
    CaseStatus,
    Channel,
    Handling,
)
from station_app.domain.name_order import name_key
from station_app.domain.records import ArchiveData, ArchiveLine, RankingRow, RankingSheetData
from station_app.domain.roles import Permission
from station_app.domain.scoring import (
    AUTO_SOURCES,
    MANUAL,
    Entry,
    RuleSet,
    Score,
    as_of_date,
    default_rules,
    open_year_label,
    progress,
    progress_definition,
    quarter_bounds,
    quarter_of,
    ruleset_from_json,
    score,
    score_sums,
    summable,
)
from station_app.domain.validators import check_date_range
from station_app.errors import KnownError, NotFoundError, ValidationError
from station_app.fileio import atomic_write, atomic_write_bytes
from station_app.services import audit, context
from station_app.services.context import current_actor
from station_app.services.deputies import names_order
from station_app.services.station import SOLE, home_code, home_station, in_view, require_writable

# only what the app's own viewer shows and a package may carry (EXCHANGE_FORMAT §2.4), checked by the bytes
EVIDENCE_TYPES = {".jpg", ".jpeg", ".png", ".pdf"}
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class DutyRecordView:
    """A 履职 record as the points page lists it: deputy, date, indicator and points."""
    uid: str
    deputy_uid: str
    date: dt.date
    indicator_code: str
    indicator_name: str
    category: str
    quantity: float
    points: float
    source: str
    source_uid: str | None
    note: str
    evidence: str | None
    verified: bool
    counted: float = 0.0  # after the yearly cap (what the score adds)


@dataclass(frozen=True)
class DeputyScore:
    """A deputy's points of a year: raw, out of 100 and the grade (empty while the year is open)."""
    deputy_uid: str
    name: str
    raw: float
    score100: float
    grade: str  # the final grade of a closed year (年度评定); "" while the year is open
    rank: int = 0
    by_indicator: dict = field(default_factory=dict)
    by_category: dict = field(default_factory=dict)
    pending: int = 0  # manual records awaiting review
    progress: int | None = None  # 合格进度 in % while the year is open (domain.scoring.progress)


@dataclass(frozen=True)
class CountyScore(DeputyScore):
    """A row of the county's ranking across stations (:func:`county_ranking`): the deputy's score
    and the station the deputy belongs to."""

    station_code: str = ""
    station_name: str = ""


@dataclass(frozen=True)
class RecordChange:
    """One 履职 record a recount adds, removes or re-values, with its points before and after."""
    kind: str  # add / remove / change
    deputy_name: str
    indicator_code: str
    date: dt.date
    before: float | None
    after: float | None
    note: str = ""


class RecordChanges(Sequence[RecordChange]):
    """The records a plan changes, in date and name order, made when first read: their count is
    known at once (the points page says how many changed), the lines only when someone lists them
    (the 重新计算 dialog's preview; a year written at once is 25k lines nobody reads)."""

    __slots__ = ("_items", "_make", "_n")

    def __init__(self, n: int, make: Callable[[], Iterable[RecordChange]]):
        self._n = n
        self._make: Callable[[], Iterable[RecordChange]] | None = make
        self._items: tuple[RecordChange, ...] | None = None

    def _all(self) -> tuple[RecordChange, ...]:
        if self._items is None:
            assert self._make is not None  # made once: set until then
            self._items = tuple(sorted(self._make(), key=operator.attrgetter("date", "deputy_name")))
            self._make = None  # what it was made from (the plan's rows) is let go
        return self._items

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        return self._all()[i]

    def __iter__(self) -> Iterator[RecordChange]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:  # as the tuple it stands for
        if isinstance(other, RecordChanges):
            other = other._all()
        return self._all() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return f"RecordChanges({self._all()!r})"


@dataclass(frozen=True)
class RecomputePlan:
    """What recounting a year's points would change, shown before it is applied."""
    year: int
    rules_changed: bool
    changes: Sequence[RecordChange]  # a RecordChanges: its lines made when first read
    scores: tuple[tuple[str, float, float], ...]  # (deputy name, raw before, raw after) that change


@dataclass(frozen=True)
class QuotaShortfall:
    """A deputy below a 履职 quota (e.g. two 接待 a quarter): how many of how many, in which period."""
    deputy_uid: str
    name: str
    quota: str
    period_label: str
    have: int
    need: int


# --- rules ------------------------------------------------------------------------------------


def _rules_row(year: int, station_code: str | None = None) -> ScoringRules | None:
    """A station's rules of the year (None: the home station's, the ones edited here)."""
    return ScoringRules.get_or_none(ScoringRules.station_code == (station_code or home_code()),
                                    ScoringRules.year == year)


def rules(year: int) -> RuleSet:
    """The rules as edited (the default set when the year has none yet)."""
    row = _rules_row(year)
    return ruleset_from_json(row.doc) if row else default_rules(year)


def applied_rules(year: int, station_code: str | None = None) -> RuleSet:
    """The rules the scores of a station use (None: the home station): as last applied by
    :func:`recompute` (an imported station's: as its packages brought them), else the default set."""
    row = _rules_row(year, station_code)
    if row and row.applied_doc:
        return ruleset_from_json(row.applied_doc)
    return default_rules(year)  # nothing applied yet: the default set, never unapplied edits


def rules_pending(year: int) -> bool:
    """True when the edited rules differ from those the scores use (a recompute is due)."""
    row = _rules_row(year)
    return row is not None and row.doc != (row.applied_doc or default_rules(year).to_json())


def save_rules(new: RuleSet) -> None:
    """Store edited rules for their year. Scores do not change until :func:`recompute`. 管理员 only."""
    context.require(Permission.MANAGE_RULES, "修改履职积分指标")
    text = new.to_json()
    ruleset_from_json(text)  # the same checks an imported file gets
    code = home_code()
    with database.atomic():
        row = _rules_row(new.year)
        if row is None:
            ScoringRules.create(station_code=code, year=new.year, doc=text)
        elif row.doc != text:
            ScoringRules.update(doc=text, updated_at=clock.now_ts()).where(ScoringRules.id == row.id).execute()
        audit.record("update", "scoring_rules", f"{code}:{new.year}", None, {"indicators": len(new.indicators)},
                     summary=f"修改{new.year}年履职积分指标（待重新计算）", station_code=code)


def import_rules(path: str | Path) -> RuleSet:
    """Read a rules file the county handed out; stored as the edited rules of its year."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnownError(f"无法读取指标文件：{path}（{exc}）") from None
    new = ruleset_from_json(text)
    save_rules(new)
    return new


def export_rules(year: int, path: str | Path) -> Path:
    """Write ``year``'s scoring rules as JSON to ``path`` (to share with other stations)."""
    with atomic_write(path) as handle:
        handle.write(rules(year).to_json().encode("utf-8"))
    return Path(path)


# --- the facts behind automatic records ---------------------------------------------------------


class _Fact(NamedTuple):  # a tuple: a year's facts are tens of thousands, made and dropped in one call
    deputy_uid: str
    date: dt.date
    source: str
    source_uid: str
    quantity: float = 1.0
    note: str = ""


class _Rec(NamedTuple):
    """The columns of a live automatic record that planning and its preview read."""
    id: int
    uid: str
    deputy_uid: str
    indicator_code: str
    source_uid: str
    date: str
    points: float
    note: str


def _d(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return clock.to_local(value).date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _days() -> Any:
    """A converter of stored dates and timestamps to local dates, each distinct day converted once:
    both are stored as text whose first ten characters are the local date (``TimestampField``)."""
    seen: dict[Any, dt.date] = {}

    def day(value) -> dt.date:
        key = value[:10] if isinstance(value, str) else value
        d = seen.get(key)
        if d is None:
            d = seen[key] = _d(key)
        return d
    return day


def facts(date_from: dt.date, date_to: dt.date, code: str | None = None) -> list[_Fact]:
    """Every fact of the period that an automatic indicator can count, per deputy. The rows are read
    as the driver gives them (a year is tens of thousands): no model or field conversion per value."""
    day = _days()
    return [_Fact(deputy, day(on), source, uid, quantity, note)
            for deputy, on, source, uid, quantity, note in _fact_rows(date_from, date_to, code or home_code())]


def _fact_rows(date_from: dt.date, date_to: dt.date, code: str) -> Iterator[tuple[str, str, str, str, float, str]]:
    """The facts of :func:`facts` as plain tuples with their day as ``YYYY-MM-DD`` text (a stored
    timestamp's first ten characters are its local date, ``TimestampField``), streamed from the
    cursor: a year at 100k receptions is a quarter of a million. The deputy uids, days and notes
    repeat: each distinct one is kept once."""
    lo, hi = date_from.isoformat(), (date_to + dt.timedelta(days=1)).isoformat()
    seen: dict[str, str] = {}
    one = seen.setdefault
    rows = raw_rows
    q = (Attendance.select(Attendance.uid, Attendance.deputy_uid, Attendance.status, ActivityDay.date,
                           ActivityDay.kind, ActivityDay.theme)
         .join(ActivityDay, on=(ActivityDay.uid == Attendance.activity_day_uid))
         .where(Attendance.deleted_at.is_null(), ActivityDay.deleted_at.is_null(), ActivityDay.station_code == code,
                ActivityDay.status == attendance_rule.COUNTED_DAY, ActivityDay.date >= lo, ActivityDay.date < hi))
    by_kind = {ActivityKind.STUDY.value: "attendance_study", ActivityKind.REPORT.value: "attendance_report",
               ActivityKind.LIVELIHOOD.value: "attendance_livelihood"}
    for uid, deputy, status, held_on, kind, theme in rows(q):
        label = f"{ActivityKind.label_of(kind)}：{theme}" if theme else ActivityKind.label_of(kind)
        on = held_on[:10]
        if attendance_rule.counts(status):  # at a held day (the query's)
            yield deputy, on, "attendance", uid, 1.0, label
            if kind in by_kind:
                yield deputy, on, by_kind[kind], uid, 1.0, label
        elif status == "absent":
            yield deputy, on, "absence", uid, 1.0, label
    rq = (ReceptionDeputy.select(ReceptionDeputy.deputy_uid, Reception.uid, Reception.received_at, Reception.channel,
                                 Reception.visitor_name)
          .join(Reception, on=(Reception.uid == ReceptionDeputy.reception_uid))
          .where(Reception.deleted_at.is_null(), Reception.station_code == code,
                 Reception.received_at >= lo, Reception.received_at < hi))
    home_visit = Channel.HOME_VISIT.value
    for deputy, uid, at, channel, visitor in rows(rq):
        on, note = at[:10], f"接待 {visitor}"
        deputy, on = one(deputy, deputy), one(on, on)
        yield deputy, on, "reception", uid, 1.0, one(note, note)
        if channel == home_visit:
            note = f"走访 {visitor}"
            yield deputy, on, "home_visit", uid, 1.0, one(note, note)
    base = (Case.select(Case.uid, Case.number, ReceptionDeputy.deputy_uid)
            .join(ReceptionDeputy, on=(ReceptionDeputy.reception_uid == Case.reception_uid))
            .where(Case.deleted_at.is_null(), Case.station_code == code))
    for uid, number, deputy, resolved in rows(base.select_extend(Case.resolved_at).where(
            Case.status == CaseStatus.RESOLVED.value, Case.resolved_at >= lo, Case.resolved_at < hi)):
        yield one(deputy, deputy), resolved[:10], "case_resolved", uid, 1.0, f"意见建议 {number} 已办结"
    for uid, number, deputy, reg in rows(base.select_extend(Case.registered_at).where(
            Case.handling == Handling.DEPUTY_PROPOSAL.value, Case.registered_at >= lo, Case.registered_at < hi)):
        yield one(deputy, deputy), reg[:10], "deputy_proposal", uid, 1.0, f"意见建议 {number} 形成代表建议"
    from station_app.services import livelihood

    for deputy, on_day, source, uid, quantity, note in livelihood.duty_facts(date_from, date_to, code):
        yield deputy, on_day.isoformat(), source, uid, quantity, note


_Want = tuple[str, float, float, str]  # the record's day (YYYY-MM-DD), quantity, points, note


def _wanted(year: int, rs: RuleSet, code: str) -> dict[tuple[str, str, str], _Want]:
    """(indicator, source_uid, deputy) → (day, quantity, points, note) the applied rules give."""
    by_source: dict[str, list[tuple[str, float, float]]] = {}
    for ind in rs.indicators:
        if ind.source != MANUAL:  # the points of one unit rounded once, not per record
            by_source.setdefault(ind.source, []).append((ind.code, ind.points, round(ind.points * 1.0, 2)))
    out = {}
    for deputy, on, source, uid, quantity, note in _fact_rows(dt.date(year, 1, 1), dt.date(year, 12, 31), code):
        for ind_code, points, one in by_source.get(source, ()):
            out[(ind_code, uid, deputy)] = (on, quantity, one if quantity == 1.0 else round(points * quantity, 2), note)
    return out


# --- recompute ----------------------------------------------------------------------------------


def _names() -> dict[str, str]:
    return {d.uid: d.name for d in Deputy.select(Deputy.uid, Deputy.name)}


def _in_year(year: int):
    """The live duty records of ``year``, of every station."""
    return DutyRecord.select().where(DutyRecord.deleted_at.is_null(),
                                     DutyRecord.date >= f"{year}-01-01", DutyRecord.date <= f"{year}-12-31")


def _year_records(year: int, code: str):
    return _in_year(year).where(DutyRecord.station_code == code)


@gc_paused()
def _plan(year: int, rs: RuleSet, code: str):
    wanted = _wanted(year, rs, code)
    live = _year_records(year, code).where(DutyRecord.source == "auto").select(
        *(getattr(DutyRecord, name) for name in _Rec._fields))
    current = {(r.indicator_code, r.source_uid, r.deputy_uid): r for r in map(_Rec._make, raw_tuples(live))}
    # the records to add: the wanted ones not there yet (all of them the first time: no copy)
    adds = {k: v for k, v in wanted.items() if k not in current} if current else wanted
    removes = [r for k, r in current.items() if k not in wanted]
    changes = [(r, wanted[k][2]) for k, r in current.items() if k in wanted and abs(r.points - wanted[k][2]) > 1e-9]
    manual = []
    for r in _year_records(year, code).where(DutyRecord.source == MANUAL):
        ind = rs.indicator(r.indicator_code)
        if ind is not None and abs(r.points - round(ind.points * r.quantity, 2)) > 1e-9:
            manual.append((r, round(ind.points * r.quantity, 2)))
    return adds, removes, changes, manual


def _counted(year: int, code: str):
    """The year's records that count: the automatic ones and the reviewed manual ones."""
    return _year_records(year, code).where((DutyRecord.source == "auto") | (DutyRecord.verified == True))  # noqa: E712


_Groups = dict[tuple[str, str], Counter]  # (deputy uid, indicator code) → {points: how many records}


def _groups(year: int, code: str) -> _Groups:
    """The counted records, how many of each point value per deputy and indicator (summed in SQL)."""
    q = _counted(year, code).select(DutyRecord.deputy_uid, DutyRecord.indicator_code, DutyRecord.points,
                                    pw.fn.COUNT(DutyRecord.id)) \
        .group_by(DutyRecord.deputy_uid, DutyRecord.indicator_code, DutyRecord.points)
    out: _Groups = {}
    for deputy, indicator, points, n in raw_tuples(q):
        out.setdefault((deputy, indicator), Counter())[points] += n
    return out


def _groups_after(groups: _Groups, planned) -> _Groups:
    """``groups`` as they would be once ``planned`` is applied (records removed, re-valued, added)."""
    adds, removes, changes, manual = planned
    out: _Groups = {k: Counter(c) for k, c in groups.items()}
    for r in removes:
        out.setdefault((r.deputy_uid, r.indicator_code), Counter())[r.points] -= 1
    for r, points in changes + [(r, points) for r, points in manual if r.verified]:  # an unreviewed one counts neither way
        moved = out.setdefault((r.deputy_uid, r.indicator_code), Counter())
        moved[r.points] -= 1
        moved[points] += 1
    added = Counter((deputy, indicator, points) for (indicator, _src, deputy), (_on, _q, points, _note) in adds.items())
    for (deputy, indicator, points), n in added.items():
        out.setdefault((deputy, indicator), Counter())[points] += n
    return out


def _raws(rs: RuleSet, groups: _Groups, entries: Callable[[set[str]], dict[str, list[Entry]]]) -> dict[str, float]:
    """Each deputy's raw points: from the sums (:func:`score_sums`), or record by record in date
    order (``entries`` of those deputies) for a deputy with an indicator whose records are not
    :func:`summable`; what ``score`` of every record gives."""
    sums: dict[str, dict[str, float]] = {}
    one_by_one: set[str] = set()
    for (deputy, indicator), counts in groups.items():
        values = [points for points, n in counts.items() if n > 0]
        if not values:
            continue
        if not summable(rs, indicator, values):
            one_by_one.add(deputy)
        sums.setdefault(deputy, {})[indicator] = sum(points * n for points, n in counts.items() if n > 0)
    out = {d: score_sums(rs, by).raw for d, by in sums.items() if d not in one_by_one}
    if one_by_one:
        out.update((d, score(rs, es).raw) for d, es in entries(one_by_one).items())
    return out


def _entries(year: int, code: str, deputies: set[str], planned=None) -> dict[str, list[Entry]]:
    """The counted records of ``deputies`` as :class:`Entry`: as they are, or as they would be once
    ``planned`` is applied."""
    adds, removes, changes, manual = planned if planned is not None else ({}, [], [], [])
    gone = {r.uid for r in removes}
    repoint = {r.uid: points for r, points in changes + manual}
    per: dict[str, list[Entry]] = {}
    for r in _counted(year, code).where(DutyRecord.deputy_uid.in_(sorted(deputies))):
        if r.uid not in gone:
            per.setdefault(r.deputy_uid, []).append(
                Entry(r.uid, r.indicator_code, _d(r.date), repoint.get(r.uid, r.points)))
    for (indicator, src, deputy), (on, _q, points, _note) in adds.items():
        if deputy in deputies:
            per.setdefault(deputy, []).append(Entry(f"new:{indicator}:{src}", indicator, _d(on), points))
    return per


def preview_recompute(year: int) -> RecomputePlan:
    """What :func:`recompute` would change: records added, removed or re-valued, and the deputies
    whose raw points move (before → after)."""
    code = home_code()
    new_rules = rules(year)
    return _preview(year, code, new_rules, _plan(year, new_rules, code))


@gc_paused()
def _preview(year: int, code: str, new_rules: RuleSet, planned, listed: bool = True) -> RecomputePlan:
    """The plan of ``planned``: its records (``listed``; else none) and the raw points that move,
    counted from sums per deputy and indicator (a year is a quarter of a million records at 100k)."""
    adds, removes, changes, manual = planned
    names = _names()

    def lines() -> list[RecordChange]:  # from the plan as it was made: nothing here reads the database
        day = _days()
        dates = {on: day(on) for on in {want[0] for want in adds.values()}}
        items = [RecordChange("add", names.get(dep, ""), indicator, dates[on], None, points, note)
                 for (indicator, _src, dep), (on, _q, points, note) in adds.items()]
        items += [RecordChange("remove", names.get(r.deputy_uid, ""), r.indicator_code, day(r.date), r.points, None,
                               r.note) for r in removes]
        items += [RecordChange("change", names.get(r.deputy_uid, ""), r.indicator_code, day(r.date), r.points, pts,
                               r.note) for r, pts in changes + manual]
        return items

    listing = RecordChanges(len(adds) + len(removes) + len(changes) + len(manual), lines) if listed \
        else RecordChanges(0, list)
    groups = _groups(year, code)
    before = _raws(applied_rules(year), groups, lambda deputies: _entries(year, code, deputies))
    after = _raws(new_rules, _groups_after(groups, planned), lambda deputies: _entries(year, code, deputies, planned))
    moved = tuple(sorted(((names.get(d, ""), before.get(d, 0.0), after.get(d, 0.0))
                          for d in set(before) | set(after) if abs(before.get(d, 0.0) - after.get(d, 0.0)) > 1e-9),
                         key=lambda t: t[0]))
    return RecomputePlan(year, rules_pending(year), listing, moved)


def recompute(year: int, listed: bool = True) -> RecomputePlan:
    """Apply the edited rules to the year and bring the automatic records in line with the facts.
    Audited with what changed; running it again changes nothing. ``listed=False``: the plan
    returned lists no records, only the scores that moved (``demo``, a year written at once)."""
    code = home_code()
    require_writable(code, "重新计算履职积分")  # a 只读 user is refused here, whatever the UI offered
    new_rules = rules(year)
    with database.atomic():
        planned = _plan(year, new_rules, code)  # once: what the preview lists is what is written
        plan = _preview(year, code, new_rules, planned, listed)
        adds, removes, changes, manual = planned
        counts = {"added": len(adds), "removed": len(removes), "changed": len(changes) + len(manual)}
        _apply(year, new_rules, code, planned=planned)
        row = _rules_row(year)
        text = new_rules.to_json()
        if row is None:
            ScoringRules.create(station_code=code, year=year, doc=text, applied_doc=text, applied_at=clock.now_ts())
        else:
            ScoringRules.update(applied_doc=row.doc, applied_at=clock.now_ts()).where(ScoringRules.id == row.id).execute()
        audit.record("recompute", "duty_record", f"{code}:{year}", None,
                     {**counts, "scores": [list(s) for s in plan.scores]},
                     summary=f"重新计算{year}年履职积分：{sum(counts.values())} 条记录变化，{len(plan.scores)} 名代表积分变化",
                     station_code=code)
    return plan


def sync_auto(year: int) -> int:
    """Bring the automatic records of ``year`` in line with the facts under the rules already
    applied (new sign-ins and receptions since last time). Returns how many records changed."""
    code = home_code()
    rs = applied_rules(year)
    with database.atomic():
        n = _apply(year, rs, code, manual_too=False)
        if n:
            audit.record("sync", "duty_record", f"{code}:{year}", None, {"changed": n},
                         summary=f"{year}年自动履职记录更新 {n} 条", station_code=code)
    return n


# the columns of an automatic record that differ from record to record (the others are the same
# for all of one write, written once into the INSERT: see _apply)
_AUTO_FIELDS = (DutyRecord.uid, DutyRecord.deputy_uid, DutyRecord.date, DutyRecord.indicator_code,
                DutyRecord.quantity, DutyRecord.points, DutyRecord.source_uid, DutyRecord.note)


_INSERT_CHUNK = 20_000


@gc_paused()
def _apply(year: int, rs: RuleSet, code: str, manual_too: bool = True, planned=None) -> int:
    """Bring the year's automatic records in line with the facts (``planned``: their :func:`_plan`,
    already made): new ones through the bulk path (one executemany), removals in one UPDATE,
    re-valued ones in one UPDATE per new value."""
    adds, removes, changes, manual = planned if planned is not None else _plan(year, rs, code)
    now = clock.now_ts()
    shared = {DutyRecord.station_code: code, DutyRecord.created_at: now, DutyRecord.updated_at: now,
              DutyRecord.source: "auto", DutyRecord.evidence: None, DutyRecord.verified: True,
              DutyRecord.reviewer: "自动"}
    pending = iter(adds.items())
    while part := list(itertools.islice(pending, _INSERT_CHUNK)):  # the rows of a chunk at a time: memory stays flat
        bulk_insert(DutyRecord, _AUTO_FIELDS, [
            (uid, dep, on, ind_code, float(quantity), float(pts), src, note)
            for uid, ((ind_code, src, dep), (on, quantity, pts, note)) in zip(new_uids(len(part)), part, strict=True)],
            constants=shared)
    if removes:
        ids = [r.id for r in removes]
        for i in range(0, len(ids), 900):  # SQLite's bound-variable limit
            DutyRecord.update(deleted_at=now, updated_at=now).where(DutyRecord.id.in_(ids[i:i + 900])).execute()
    by_points: dict[float, list[int]] = {}
    for r, pts in changes + (manual if manual_too else []):
        by_points.setdefault(pts, []).append(r.id)
    for pts, ids in by_points.items():
        for i in range(0, len(ids), 900):
            DutyRecord.update(points=pts, updated_at=now).where(DutyRecord.id.in_(ids[i:i + 900])).execute()
    return len(adds) + len(removes) + len(changes) + (len(manual) if manual_too else 0)


# --- manual records -----------------------------------------------------------------------------


def store_evidence(source: str | Path) -> str:
    """Copy an evidence file beside the database, content-addressed: ``attachments/{sha256}.ext``."""
    from station_app.services.deputies import photo_path

    src = Path(source)
    ext = src.suffix.lower()
    if ext not in EVIDENCE_TYPES:
        raise ValidationError({"evidence": "佐证材料请用照片（JPG、PNG）或 PDF 文件（Word、Excel 请先另存为 PDF）"})
    try:
        data = src.read_bytes()
    except OSError:
        raise ValidationError({"evidence": f"找不到或无法读取文件：{source}"}) from None
    from station_app.domain.package_safety import attachment_fault

    if attachment_fault("x" + ('.jpg' if ext == '.jpeg' else ext), data[:16]):
        raise ValidationError({"evidence": f"{src.name} 的内容不是它的扩展名所说的类型（JPG、PNG 或 PDF），请选原始文件"})
    if len(data) > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence": "佐证材料太大（最多 20 MB）"})
    name = f"attachments/{hashlib.sha256(data).hexdigest()}{'.jpg' if ext == '.jpeg' else ext}"
    path = photo_path(name)
    if not path.exists():
        atomic_write_bytes(path, data)
    return name


def evidence_path(name: str) -> Path:
    """The file of the stored evidence ``name``."""
    from station_app.services.deputies import photo_path

    return photo_path(name)


def add_manual(deputy_uid: str, day: dt.date, indicator_code: str, quantity: float = 1, note: str = "",
               evidence: str | Path | None = None) -> DutyRecordView:
    """A manual record (录入): counts once reviewed (:func:`review`). Checks everything first."""
    if not isinstance(day, dt.date) or check_date_range(day, "日期"):
        raise ValidationError({"date": check_date_range(day, "日期") or "日期格式应为 2026-01-31"})
    errors = {}
    rs = applied_rules(day.year)
    ind = rs.indicator(indicator_code)
    person = Deputy.alive().where(Deputy.uid == deputy_uid).first()
    if person is None:
        errors["deputy"] = "请选择代表"
    if ind is None:
        errors["indicator"] = f"{day.year}年的指标中没有 {indicator_code}"
    elif ind.source != MANUAL:
        errors["indicator"] = f"“{ind.name}”由系统根据{AUTO_SOURCES[ind.source]}自动计分，不能手工录入"
    if not isinstance(quantity, int | float) or quantity <= 0 or quantity > 1000:
        errors["quantity"] = "数量应为大于 0 的数字"
    if day > clock.today():
        errors["date"] = "日期不能晚于今天"
    if ind is not None and ind.evidence_required and not evidence:
        errors["evidence"] = f"“{ind.name}”需要上传佐证材料"
    if not (note or "").strip():
        errors["note"] = "请写明事由（如会议名称、建议标题）"
    if errors or ind is None:  # no indicator is among the errors
        raise ValidationError(errors)
    require_writable(person.station_code, "录入履职记录")
    stored = store_evidence(evidence) if evidence else None
    with database.atomic():
        row = DutyRecord.create(station_code=person.station_code, deputy_uid=deputy_uid, date=day,
                                indicator_code=indicator_code, quantity=float(quantity),
                                points=round(ind.points * float(quantity), 2), source=MANUAL, note=note.strip(),
                                evidence=stored, verified=False)
        audit.record("create", "duty_record", row.uid, None,
                     {"indicator": indicator_code, "points": row.points, "deputy": person.name},
                     summary=f"录入履职记录：{person.name} {ind.name}", station_code=person.station_code)
    return _views([row], rs)[0]


def review(record_uid: str, approve: bool = True, note: str = "") -> DutyRecordView:
    """审核: approve (it counts from now on) or reject (tombstoned, with the reason audited)."""
    with database.atomic():
        row = DutyRecord.get_or_none(DutyRecord.uid == record_uid, DutyRecord.deleted_at.is_null())
        if row is None:
            raise NotFoundError("找不到这条履职记录")
        require_writable(row.station_code, "审核履职记录")
        if row.source != MANUAL:
            raise ValidationError({"record": "自动记录无需审核"})
        now = clock.now_ts()
        if approve:
            DutyRecord.update(verified=True, reviewer=current_actor()[:40], reviewed_at=now, updated_at=now) \
                .where(DutyRecord.id == row.id).execute()
        else:
            if not (note or "").strip():
                raise ValidationError({"note": "退回请写明原因"})
            DutyRecord.update(deleted_at=now, updated_at=now).where(DutyRecord.id == row.id).execute()
        audit.record("review", "duty_record", row.uid, {"verified": row.verified},
                     {"verified": approve, "note": note}, summary="审核通过" if approve else f"审核退回：{note}",
                     station_code=row.station_code)
    row = DutyRecord.get_by_id(row.id)
    return _views([row], applied_rules(_d(row.date).year, row.station_code))[0]


def delete_record(record_uid: str) -> None:
    """Withdraw a manual record entered by mistake (tombstone, audited)."""
    with database.atomic():
        row = DutyRecord.get_or_none(DutyRecord.uid == record_uid, DutyRecord.deleted_at.is_null())
        if row is None:
            raise NotFoundError("找不到这条履职记录")
        require_writable(row.station_code, "删除履职记录")
        if row.source != MANUAL:
            raise ValidationError({"record": "自动记录来自签到和接待登记，不能删除；请修改原始记录后重新计算"})
        now = clock.now_ts()
        DutyRecord.update(deleted_at=now, updated_at=now).where(DutyRecord.id == row.id).execute()
        audit.record("delete", "duty_record", row.uid, {"indicator": row.indicator_code, "points": row.points}, None,
                     summary="删除履职记录", station_code=row.station_code)


# --- scores -------------------------------------------------------------------------------------


def _views(rows: Iterable[DutyRecord], rs: RuleSet, counted: dict[str, float] | None = None) -> list[DutyRecordView]:
    out = []
    for r in rows:
        ind = rs.indicator(r.indicator_code)
        out.append(DutyRecordView(r.uid, r.deputy_uid, _d(r.date), r.indicator_code, ind.name if ind else r.indicator_code,
                                  ind.category if ind else "", r.quantity, r.points, r.source, r.source_uid, r.note,
                                  r.evidence, r.verified, (counted or {}).get(r.uid, 0.0)))
    return out


def _station_of(deputy_uid: str) -> str:
    person = Deputy.get_or_none(Deputy.uid == deputy_uid)
    if person is None:
        raise NotFoundError("找不到这位代表")
    return person.station_code


def records(deputy_uid: str, year: int, include_pending: bool = True) -> list[DutyRecordView]:
    """The deputy's records of the year (those of the deputy's own station) in date order, each
    with what it counts for under that station's rules."""
    code = _station_of(deputy_uid)
    rs = applied_rules(year, code)
    rows = list(_year_records(year, code).where(DutyRecord.deputy_uid == deputy_uid)
                .order_by(DutyRecord.date, DutyRecord.id))
    counting = [r for r in rows if r.source == "auto" or r.verified]
    counted = {c.entry.uid: c.counted for c in score(rs, [Entry(r.uid, r.indicator_code, _d(r.date), r.points)
                                                          for r in counting]).lines}
    shown = rows if include_pending else counting
    return _views(shown, rs, counted)


def explain(deputy_uid: str, year: int) -> tuple[DeputyScore, list[DutyRecordView]]:
    """A score and the records behind it: ``sum(r.counted) == score.raw``."""
    recs = records(deputy_uid, year, include_pending=False)
    return score_of(deputy_uid, year), recs


def _score_obj(uid: str, name: str, rs: RuleSet, s: Score, pending: int) -> DeputyScore:
    by_cat: dict[str, float] = {}
    for code, pts in s.by_indicator.items():
        ind = rs.indicator(code)
        cat = ind.category if ind else "其他"
        by_cat[cat] = round(by_cat.get(cat, 0.0) + pts, 2)
    return DeputyScore(uid, name, s.raw, s.score100, s.grade, 0, s.by_indicator, by_cat, pending)


_S = TypeVar("_S", bound=DeputyScore)


def _counting(records, owners: dict[str, str]) -> tuple[dict[str, list[Entry]], dict[str, int]]:
    """Per deputy of ``owners`` (uid → station code): the entries of the ``records`` query that
    count and how many manual records await review (pending records do not count). A record counts
    only at its deputy's own station."""
    entries: dict[str, list[Entry]] = {uid: [] for uid in owners}
    pending: dict[str, int] = {}
    rows = records.select(DutyRecord.uid, DutyRecord.deputy_uid, DutyRecord.station_code, DutyRecord.date,
                          DutyRecord.indicator_code, DutyRecord.points, DutyRecord.source,
                          DutyRecord.verified).namedtuples()
    for r in rows:
        if owners.get(r.deputy_uid) != r.station_code:
            continue
        if r.source == MANUAL and not r.verified:
            pending[r.deputy_uid] = pending.get(r.deputy_uid, 0) + 1
            continue
        entries[r.deputy_uid].append(Entry(r.uid, r.indicator_code, _d(r.date), r.points))
    return entries, pending


def _scores(records, owners: dict[str, str], rs: RuleSet) -> tuple[dict[str, Score], dict[str, int]]:
    """The score of each deputy of ``owners`` (uid → station code) over the ``records`` query, and
    how many of their manual records await review; what :func:`_counting` and ``score`` give.

    The records are summed in SQL by deputy, indicator and point value (a county ranks 2,000
    deputies over millions of records); a deputy with an indicator whose records are not
    :func:`summable` is counted record by record instead."""
    sums: dict[str, dict[str, float]] = {uid: {} for uid in owners}
    values: dict[tuple[str, str], list[float]] = {}
    pending: dict[str, int] = {}
    rows = records.select(DutyRecord.deputy_uid, DutyRecord.station_code, DutyRecord.indicator_code,
                          DutyRecord.points, DutyRecord.source, DutyRecord.verified, pw.fn.COUNT(DutyRecord.id)) \
        .group_by(DutyRecord.deputy_uid, DutyRecord.station_code, DutyRecord.indicator_code, DutyRecord.points,
                  DutyRecord.source, DutyRecord.verified).tuples()
    for uid, code, indicator, points, source, verified, n in rows:
        if owners.get(uid) != code:
            continue
        if source == MANUAL and not verified:
            pending[uid] = pending.get(uid, 0) + n
            continue
        sums[uid][indicator] = sums[uid].get(indicator, 0.0) + points * n
        values.setdefault((uid, indicator), []).append(points)
    one_by_one = {uid for (uid, indicator), pts in values.items() if not summable(rs, indicator, pts)}
    out = {uid: score_sums(rs, by) for uid, by in sums.items() if uid not in one_by_one}
    if one_by_one:
        entries, _pending = _counting(records.where(DutyRecord.deputy_uid.in_(list(one_by_one))),
                                      {uid: owners[uid] for uid in one_by_one})
        out.update((uid, score(rs, e)) for uid, e in entries.items())
    return out, pending


def _ranked(scored: Iterable[_S]) -> list[_S]:
    """Best first, by name among equals in the official order (setting ``names.order``); equal
    scores share a rank (1, 2, 2, 4)."""
    order = names_order()
    out, rank, last = [], 0, None
    for i, s in enumerate(sorted(scored, key=lambda s: (-s.raw, name_key(s.name, order), s.deputy_uid)), start=1):
        if s.raw != last:
            rank, last = i, s.raw
        out.append(dataclasses.replace(s, rank=rank))
    return out


def _live_ranking(year: int, code: str) -> tuple[RuleSet, list[DeputyScore]]:
    """The year's scores as the records stand, with the grade the bands would give."""
    rs = applied_rules(year, code)
    people = list(Deputy.alive().where(Deputy.station_code == code, Deputy.active == True)  # noqa: E712
                  .order_by(Deputy.sort_order, Deputy.name))
    scores, pending = _scores(_year_records(year, code), {p.uid: code for p in people}, rs)
    return rs, _ranked(_score_obj(p.uid, p.name, rs, scores[p.uid], pending.get(p.uid, 0)) for p in people)


def _provisional(s: _S, rs: RuleSet, year: int, as_of: dt.date) -> _S:
    """A score of a year not closed: no grade, its 合格进度 instead."""
    return dataclasses.replace(s, grade="", progress=progress(rs, s.score100, year, as_of))


def ranking(year: int, station_code: str | None = SOLE) -> list[DeputyScore]:
    """Every active deputy of the station (default: the database's only station) with the year's
    score, best first (equal scores share a rank). A closed year (:func:`close_year`) gives the
    frozen scores and final grades; an open one the scores as they stand, no grade, and each
    deputy's 合格进度."""
    code = in_view(station_code) or ""
    closing = _closing(year, code)
    if closing is not None:
        return _frozen(closing)
    rs, live = _live_ranking(year, code)
    as_of = as_of_date(year, clock.today())
    return [_provisional(s, rs, year, as_of) for s in live]


# --- 年度评定: closing a year ------------------------------------------------------------------


@dataclass(frozen=True)
class YearStatus:
    """Whether a station's scoring year is closed, and the date its figures run to (截至)."""

    year: int
    station_code: str
    closed: bool
    as_of: dt.date
    closed_at: dt.datetime | None = None
    closed_by: str = ""
    label: str = ""  # 已年度评定 / 年度未结束 / 待年度评定
    progress_note: str = ""  # the definition of 合格进度 (open years)


def _closing(year: int, code: str) -> ScoreYearClosing | None:
    return ScoreYearClosing.get_or_none(ScoreYearClosing.station_code == code, ScoreYearClosing.year == year)


def _frozen(closing: ScoreYearClosing) -> list[DeputyScore]:
    rs = ruleset_from_json(closing.rules_doc)
    out = []
    for g in ScoreYearGrade.select().where(ScoreYearGrade.closing == closing.id) \
            .order_by(ScoreYearGrade.rank, ScoreYearGrade.deputy_name):
        s = _score_obj(g.deputy_uid, g.deputy_name, rs, Score(g.raw, g.score100, g.grade, json.loads(g.by_indicator)), 0)
        out.append(dataclasses.replace(s, rank=g.rank))
    return out


def year_status(year: int, station_code: str | None = None) -> YearStatus:
    """Whether ``year`` is closed (年度评定) for the station, as of which day, and by whom."""
    code = station_code or home_code()
    closing = _closing(year, code)
    if closing is not None:
        return YearStatus(year, code, True, dt.date.fromisoformat(closing.as_of), closing.closed_at, closing.closed_by,
                          "已年度评定")
    today = clock.today()
    as_of = as_of_date(year, today)
    return YearStatus(year, code, False, as_of, label=open_year_label(year, today),
                      progress_note=progress_definition(applied_rules(year, code), year, as_of))


def close_year(year: int) -> YearStatus:
    """年度评定: freeze every active deputy's score and grade of ``year`` as the records stand
    (automatic records brought up to date first). Later records change nothing until the year is
    reopened (:func:`reopen_year`). Audited."""
    code = home_code()
    today = clock.today()
    if year > today.year:
        raise KnownError(f"{year}年还没有开始，不能进行年度评定")
    with database.atomic():
        done = _closing(year, code)
        if done is not None:
            raise KnownError(f"{year}年已于 {clock.to_local(done.closed_at):%Y-%m-%d %H:%M} 由 {done.closed_by} 完成年度评定；"
                             "如需重新评定，请先重新开放该年度")
        sync_auto(year)
        rs, live = _live_ranking(year, code)
        as_of = as_of_date(year, today)
        closing = ScoreYearClosing.create(station_code=code, year=year, as_of=as_of.isoformat(),
                                          closed_at=clock.now_ts(), closed_by=current_actor()[:40], rules_doc=rs.to_json())
        for s in live:
            ScoreYearGrade.create(closing=closing, deputy_uid=s.deputy_uid, deputy_name=s.name, raw=s.raw,
                                  score100=s.score100, grade=rs.grade_of(s.score100), rank=s.rank,
                                  by_indicator=json.dumps(s.by_indicator, ensure_ascii=False, sort_keys=True))
        counts: dict[str, int] = {}
        for s in live:
            counts[rs.grade_of(s.score100)] = counts.get(rs.grade_of(s.score100), 0) + 1
        audit.record("close", "score_year_closing", f"{code}:{year}", None,
                     {"as_of": as_of.isoformat(), "deputies": len(live), "grades": counts},
                     summary=f"{year}年度评定：冻结 {len(live)} 位代表的积分和等次（截至 {as_of.isoformat()}）",
                     station_code=code)
    return year_status(year, code)


def reopen_year(year: int, reason: str) -> YearStatus:
    """Undo :func:`close_year` (the frozen grades are dropped; the audit log keeps them with the
    reason). Only explicitly, with a reason."""
    code = home_code()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写重新开放年度的原因"})
    with database.atomic():
        closing = _closing(year, code)
        if closing is None:
            raise KnownError(f"{year}年尚未进行年度评定，无需重新开放")
        frozen = {g.deputy_name: [g.score100, g.grade] for g in
                  ScoreYearGrade.select().where(ScoreYearGrade.closing == closing.id)}
        before = {"as_of": closing.as_of, "closed_by": closing.closed_by,
                  "closed_at": clock.to_local(closing.closed_at).isoformat(), "grades": frozen}
        ScoreYearGrade.delete().where(ScoreYearGrade.closing == closing.id).execute()
        ScoreYearClosing.delete().where(ScoreYearClosing.id == closing.id).execute()
        audit.record("reopen", "score_year_closing", f"{code}:{year}", before, {"reason": reason[:200]},
                     summary=f"重新开放{year}年度（撤销年度评定）：{reason}", station_code=code)
    return year_status(year, code)


def county_rules(year: int) -> RuleSet:
    """The rules a county database ranks every station's deputies by: its own 指标设置 as last
    applied (the default set when never applied, or when the database has no station profile).
    A station's own rules do not travel in its packages."""
    home = home_station()
    return applied_rules(year, home.code) if home is not None else default_rules(year)


def county_ranking(year: int, station_codes: list[str] | None = None) -> list[CountyScore]:
    """Every active deputy of the chosen stations (None: every station of the database) ranked by
    the year's score, best first (equal scores share a rank). Scores are computed with
    :func:`county_rules` over each deputy's automatic and reviewed manual records of the deputy's
    own station, the records the packages brought in."""
    if station_codes is not None and not station_codes:
        return []
    rs = county_rules(year)
    q = Deputy.alive().where(Deputy.active == True)  # noqa: E712
    rows = _in_year(year)
    if station_codes is not None:
        q = q.where(Deputy.station_code.in_(list(station_codes)))
        rows = rows.where(DutyRecord.station_code.in_(list(station_codes)))
    people = list(q.order_by(Deputy.station_code, Deputy.sort_order, Deputy.name))
    scores, pending = _scores(rows, {p.uid: p.station_code for p in people}, rs)
    names = {code: name for code, name in tuples(Station.select(Station.code, Station.name))}
    ranked = _ranked(CountyScore(**vars(_score_obj(p.uid, p.name, rs, scores[p.uid], pending.get(p.uid, 0))),
                                 station_code=p.station_code, station_name=names.get(p.station_code, p.station_code))
                     for p in people)
    # No final grade for an open year: a grade is given only by a station's 年度评定 in this
    # database (closings do not travel in packages), then the frozen one.
    frozen = _frozen_grades(year)
    as_of = as_of_date(year, clock.today())
    return [dataclasses.replace(s, grade=frozen[(s.station_code, s.deputy_uid)], progress=None)
            if (s.station_code, s.deputy_uid) in frozen else _provisional(s, rs, year, as_of) for s in ranked]


def _frozen_grades(year: int) -> dict[tuple[str, str], str]:
    """(station code, deputy uid) → final grade of every closing of ``year`` in this database."""
    rows = (ScoreYearGrade.select(ScoreYearClosing.station_code, ScoreYearGrade.deputy_uid, ScoreYearGrade.grade)
            .join(ScoreYearClosing).where(ScoreYearClosing.year == year))
    return {(code, uid): grade for code, uid, grade in tuples(rows)}


def score_of(deputy_uid: str, year: int) -> DeputyScore:
    """The deputy's score and rank among the active deputies of the deputy's own station."""
    person = Deputy.get_or_none(Deputy.uid == deputy_uid)
    if person is None:
        raise NotFoundError("找不到这位代表")
    for s in ranking(year, person.station_code):
        if s.deputy_uid == deputy_uid:
            return s
    rs = applied_rules(year, person.station_code)
    live = _score_obj(deputy_uid, person.name, rs, score(rs, [
        Entry(r.uid, r.indicator_code, _d(r.date), r.points) for r in _year_records(year, person.station_code)
        .where(DutyRecord.deputy_uid == deputy_uid, (DutyRecord.source == "auto") | (DutyRecord.verified == True))]),  # noqa: E712
        0)
    return _provisional(live, rs, year, as_of_date(year, clock.today()))  # not ranked, not in a closing: no grade


# --- quotas -------------------------------------------------------------------------------------


def quota_shortfalls(today: dt.date | None = None, *, station_code: str | None = SOLE) -> list[QuotaShortfall]:
    """Active deputies of the station behind a quota of the current quarter or year (counted
    from the records themselves, so a visit recorded a minute ago already counts). A few grouped
    counts, whatever the size of the database (:func:`quota_units`)."""
    today = today or clock.today()
    code = in_view(station_code) or ""
    rs = applied_rules(today.year, code)
    if not rs.quotas:
        return []
    q = quarter_of(today)
    q_from, _q_to = quarter_bounds(today.year, q)
    people = list(Deputy.alive().where(Deputy.station_code == code, Deputy.active == True)  # noqa: E712
                  .order_by(Deputy.sort_order, Deputy.name))
    out = []
    for quota in rs.quotas:
        lo = q_from if quota.period == "quarter" else dt.date(today.year, 1, 1)
        label = f"{today.year}年第{'一二三四'[q - 1]}季度" if quota.period == "quarter" else f"{today.year}年"
        have = quota_units(code, quota.sources, lo, today)
        for p in people:
            n = have.get(p.uid, 0)
            if n < quota.minimum:
                out.append(QuotaShortfall(p.uid, p.name, quota.name, label, n, quota.minimum))
    return out


_PRESENT = attendance_rule.COUNTED


def quota_units(code: str, sources: Iterable[str], date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    """Per deputy, how many distinct units of ``sources`` (keys of AUTO_SOURCES) the station's records
    hold in the period: the same units :func:`facts` lists, counted in SQL — one grouped query per
    kind of record (sign-ins, receptions, cases), each unit once even when two sources name it."""
    wanted = set(sources)
    lo, hi = date_from.isoformat(), (date_to + dt.timedelta(days=1)).isoformat()
    out: Counter = Counter()
    att = []
    if "attendance" in wanted:
        att.append(Attendance.status.in_(_PRESENT))
    for source, kind in (("attendance_study", ActivityKind.STUDY.value), ("attendance_report", ActivityKind.REPORT.value),
                         ("attendance_livelihood", ActivityKind.LIVELIHOOD.value)):
        if source in wanted:
            att.append(Attendance.status.in_(_PRESENT) & (ActivityDay.kind == kind))
    if "absence" in wanted:
        att.append(Attendance.status == AttendanceStatus.ABSENT.value)
    q: pw.ModelSelect[Any]
    if att:
        q = (Attendance.select(Attendance.deputy_uid, pw.fn.COUNT(Attendance.uid.distinct()))
             .join(ActivityDay, on=(ActivityDay.uid == Attendance.activity_day_uid))
             .where(Attendance.deleted_at.is_null(), ActivityDay.deleted_at.is_null(), ActivityDay.station_code == code,
                    ActivityDay.status == attendance_rule.COUNTED_DAY, ActivityDay.date >= lo, ActivityDay.date < hi,
                    reduce(operator.or_, att))
             .group_by(Attendance.deputy_uid))
        out.update(dict(tuples(q)))
    rec = []
    if "reception" in wanted:
        rec.append(Reception.id.is_null(False))
    if "home_visit" in wanted:
        rec.append(Reception.channel == Channel.HOME_VISIT.value)
    if rec:
        q = (ReceptionDeputy.select(ReceptionDeputy.deputy_uid, pw.fn.COUNT(Reception.uid.distinct()))
             .join(Reception, on=(Reception.uid == ReceptionDeputy.reception_uid))
             .where(Reception.deleted_at.is_null(), Reception.station_code == code, Reception.received_at >= lo,
                    Reception.received_at < hi, reduce(operator.or_, rec))
             .group_by(ReceptionDeputy.deputy_uid))
        out.update(dict(tuples(q)))
    case = []
    if "case_resolved" in wanted:
        case.append((Case.status == CaseStatus.RESOLVED.value) & (Case.resolved_at >= lo) & (Case.resolved_at < hi))
    if "deputy_proposal" in wanted:
        case.append((Case.handling == Handling.DEPUTY_PROPOSAL.value) & (Case.registered_at >= lo)
                    & (Case.registered_at < hi))
    if case:
        q = (Case.select(ReceptionDeputy.deputy_uid, pw.fn.COUNT(Case.uid.distinct()))
             .join(ReceptionDeputy, on=(ReceptionDeputy.reception_uid == Case.reception_uid))
             .where(Case.deleted_at.is_null(), Case.station_code == code, reduce(operator.or_, case))
             .group_by(ReceptionDeputy.deputy_uid))
        out.update(dict(tuples(q)))
    yearly = wanted & {"livelihood_vote", "livelihood_rating"}
    if yearly:  # a 票决 or two and a few hundred 评单 a year: counted from the facts themselves
        from station_app.services import livelihood

        units = {(dep, uid) for dep, _day, src, uid, _qty, _note in livelihood.duty_facts(date_from, date_to, code)
                 if src in yearly}
        out.update(Counter(dep for dep, _uid in units))
    return dict(out)


# --- printouts ----------------------------------------------------------------------------------

FORMULA = ("百分制得分 = 年度积分 ÷ 满分积分（{full:g}分）× 100，超过100按100计、低于0按0计；"
           "各指标按年度上限封顶，扣分项按上限封底。")


def archive_data(deputy_uid: str, year: int) -> ArchiveData:
    """What the 履职档案 PDF of one deputy and year shows (the automatic records brought up to
    date first)."""
    from station_app.domain.codes import Gender, levels_label
    from station_app.services import deputies, printing, privacy

    person = deputies.get(deputy_uid)
    _sync_if_home(person.station_code, year)
    rs = applied_rules(year, person.station_code)
    total, recs = explain(deputy_uid, year)
    ranks = ranking(year, person.station_code)
    by_month: dict[str, list] = {}
    for r in recs:
        m = by_month.setdefault(f"{r.date.year:04d}-{r.date.month:02d}", [0.0, 0])
        m[0] = round(m[0] + r.counted, 2)
        m[1] += 1
    year_facts = [f for f in facts(dt.date(year, 1, 1), dt.date(year, 12, 31), person.station_code)
                  if f.deputy_uid == deputy_uid]
    marks = activity_marks(deputy_uid, year, person.station_code)
    rec_uids = {f.source_uid for f in year_facts if f.source == "reception"}
    visitors = sum(r.visitor_count for r in Reception.select(Reception.visitor_count)
                   .where(Reception.uid.in_(list(rec_uids)))) if rec_uids else 0
    cases_from = Case.select().where(Case.deleted_at.is_null(), Case.reception_uid.in_(list(rec_uids))) \
        if rec_uids else None
    quotas = []
    for quota in rs.quotas:
        hits = {(quarter_of(f.date), f.source_uid) for f in year_facts if f.source in quota.sources}
        if quota.period == "quarter":  # quarters in which the quota was met, of the four
            per_q = [sum(1 for q, _u in hits if q == n) for n in range(1, 5)]
            quotas.append((f"{quota.name}（达标季度数）", sum(n >= quota.minimum for n in per_q), 4))
        else:
            quotas.append((quota.name, len({u for _q, u in hits}), quota.minimum))
    photo = str(deputies.photo_path(person.photo)) if person.photo else None
    return ArchiveData(
        station_name=printing.resolve_station(person.station_code).name, year=year, name=person.name,
        levels=levels_label(person.levels), gender=Gender.label_of(person.gender), party=person.party,
        sector=person.sector, group=person.group, phone=privacy.phone(person.phone),
        term=person.term, commitment=person.commitment, photo=photo if photo and Path(photo).is_file() else None,
        raw=total.raw, score100=total.score100, grade=total.grade, rank=total.rank, of_total=len(ranks),
        full_marks=rs.full_marks,
        by_category=tuple(sorted(total.by_category.items(), key=lambda kv: -kv[1])),
        by_month=tuple((m, v[0], v[1]) for m, v in sorted(by_month.items())),
        lines=tuple(ArchiveLine(r.date, r.indicator_name, r.category, r.quantity, r.points, r.counted, r.note,
                                "自动" if r.source == "auto" else "手工", r.verified) for r in recs),
        attendance=marks, receptions=len(rec_uids), visitors=visitors,
        cases=cases_from.count() if cases_from is not None else 0,
        cases_resolved=cases_from.where(Case.status == CaseStatus.RESOLVED.value).count() if cases_from is not None else 0,
        quotas=tuple(quotas), formula=FORMULA.format(full=rs.full_marks),
        **_standing(year, person.station_code, total.progress, _drift(total.raw, recs)))


def _drift(frozen_raw: float, recs: list[DutyRecordView]) -> str:
    """A closed year whose records changed since: say so beside the frozen total."""
    live = round(sum(r.counted for r in recs), 2)
    if abs(live - frozen_raw) < 1e-9:
        return ""
    return (f"年度评定后履职记录有变动：下列明细现计 {live:g} 分，与评定时的年度积分 {frozen_raw:g} 分不同；"
            "评定结果不变，如需按新记录评定，须由管理员重新开放该年度后再次评定。")


def _standing(year: int, code: str, progress_pct: int | None = None, drift: str = "") -> dict:
    """截至, 打印日期 and, for an open year, what stands in place of the grade."""
    st = year_status(year, code)
    out = {"as_of": st.as_of, "printed_on": clock.today(), "final": st.closed,
           "standing": "" if st.closed else st.label,
           "progress_note": (drift if st.closed else st.progress_note)}
    if progress_pct is not None:
        out["progress"] = progress_pct
    return out


def activity_marks(deputy_uid: str, year: int, station_code: str | None = None) -> tuple[int, int, int, int]:
    """(present, late, leave, absent) at the year's held activity days of ``station_code`` (the
    deputy's own station when None)."""
    from station_app.services import activity

    f = activity.attendance_points(deputy_uid, dt.date(year, 1, 1), dt.date(year, 12, 31),
                                   station_code=station_code or _station_of(deputy_uid))[0]
    return f.present, f.late, f.leave, f.absent


def _sync_if_home(station_code: str, year: int) -> None:
    """Bring the automatic records up to date before a printout, at the home station only: an
    imported station's records are those its packages brought."""
    home = home_station()
    if home is not None and home.code == station_code:
        sync_auto(year)


def ranking_sheet_data(year: int, station_code: str | None = SOLE) -> RankingSheetData:
    """What the year's ranking sheet shows: the deputies' scores, grades and ranks."""
    from station_app.domain.codes import levels_label
    from station_app.domain.scoring import CATEGORIES
    from station_app.services import deputies, printing

    code = in_view(station_code) or ""
    _sync_if_home(code, year)
    rs = applied_rules(year, code)
    rows = ranking(year, code)
    cats = tuple(c for c in CATEGORIES if any(i.category == c for i in rs.indicators))
    levels = {d.uid: levels_label(d.levels)
              for d in deputies.all_deputies(deputies.DeputyFilter(active=None, station_code=code))}
    return RankingSheetData(
        station_name=printing.resolve_station(code).name, year=year, title=f"{year}年度代表履职积分排名",
        categories=cats,
        rows=tuple(RankingRow(s.rank, s.name, levels.get(s.deputy_uid, ""), s.raw, s.score100, s.grade,
                              tuple(s.by_category.get(c, 0.0) for c in cats), s.pending, s.progress) for s in rows),
        formula=FORMULA.format(full=rs.full_marks), grades=tuple((g.name, g.min_score) for g in rs.grades),
        **_standing(year, code))


def print_archive(deputy_uid: str, year: int, out) -> Path:
    """Write the deputy's 履职档案 of ``year`` as PDF to ``out``."""
    from station_app.printing.archive_docs import render_archive

    path = render_archive(archive_data(deputy_uid, year), out)
    audit.event("print", f"打印{year}年履职档案", "deputy", deputy_uid)
    return path


def print_ranking(year: int, out, station_code: str | None = SOLE) -> Path:
    """Write the year's ranking sheet as PDF to ``out``."""
    from station_app.printing.archive_docs import render_ranking

    return render_ranking(ranking_sheet_data(year, station_code), out)
