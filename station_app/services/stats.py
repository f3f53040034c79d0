"""Statistics of EXCHANGE_FORMAT §3: one function behind the 首页 tiles, the statistics page, the
月报/季报/年报 PDF and ``station-app stats --json``, so the four always show the same numbers.

Periods are local dates, both ends included: a timestamp's local date is its first ten characters
(times are stored in the station's zone with their offset). Deleted records never count.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field

import peewee as pw

from station_app.db.models import ActivityDay, Attendance, Case, Deputy, Reception, Station
from station_app.db.rows import raw_tuples, tuples
from station_app.domain import attendance as attendance_rule
from station_app.domain import periods
from station_app.domain.cases import GOOD
from station_app.domain.codes import CaseStatus, Category
from station_app.domain.records import PeriodReportData, Statistics, StatsFigures
from station_app.domain.validators import check_date_range
from station_app.errors import ValidationError
from station_app.services import livelihood, station

RESOLVED, CLOSED = CaseStatus.RESOLVED.value, CaseStatus.CLOSED_UNRESOLVED.value


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[str, str]:
    errors = {k: m for k, m in (("from", check_date_range(date_from, "开始日期")),
                                 ("to", check_date_range(date_to, "结束日期"))) if m}
    if errors:
        raise ValidationError(errors)
    if date_to < date_from:
        raise ValidationError({"to": "结束日期不能早于开始日期"})
    return date_from.isoformat(), (date_to + dt.timedelta(days=1)).isoformat()


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _receptions(lo: str, hi: str, code: str | None):
    q = Reception.select().where(Reception.deleted_at.is_null(), Reception.received_at >= lo, Reception.received_at < hi)
    return q.where(Reception.station_code == code) if code else q


def _cases(lo: str, hi: str, code: str | None):
    q = Case.select().where(Case.deleted_at.is_null(), Case.registered_at >= lo, Case.registered_at < hi)
    return q.where(Case.station_code == code) if code else q


def _station_key(code: str | None) -> pw.Node:
    """The station column the receptions are grouped by. For every station (None) an expression
    the ``(station_code, …)`` indexes cannot serve, so SQLite reads the rows in table order instead
    of walking an index and fetching each row from wherever it lies: on a county whose imports
    interleave the stations, 4–5× faster (bench/bench_stats.py). For one station the column itself:
    its ``(station_code, received_at)`` index finds the period."""
    return Reception.station_code.concat(pw.SQL("''")) if code is None else Reception.station_code


def _deputy_lists(lo: str, hi: str, code: str | None) -> list[tuple[str, list[str], int]]:
    """(station code, deputy uids, receptions) of the period's receptions, grouped by
    the stored list. The receptions carry their deputies' uids themselves: grouping on that column
    reads the reception rows in table order, where joining ``reception_deputy`` to them by uid reads
    them in random order (a cold county database of a million receptions: seconds against many
    minutes)."""
    key = _station_key(code)
    return _with_lists(raw_tuples(_receptions(lo, hi, code).select(key, Reception.deputy_uids, pw.fn.COUNT(Reception.id))
                                  .group_by(key, Reception.deputy_uids)))


def _with_lists(rows) -> list[tuple[str, list[str], int]]:
    """Rows (key, stored ``deputy_uids`` JSON text, count) with the lists read, each distinct text
    once (peewee's per-row converters cost more than the grouped query at a county)."""
    seen: dict[str | None, list[str]] = {}
    out = []
    for key, text, n in rows:
        uids = seen.get(text)
        if uids is None:
            uids = seen[text] = json.loads(text) if text else []
        out.append((key, uids, n))
    return out


@dataclass
class _Parts:
    """The counts behind :class:`StatsFigures` of one station, which add up across stations."""

    receptions: int = 0
    visitors: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_eval: Counter = field(default_factory=Counter)
    by_cat: Counter = field(default_factory=Counter)
    resolved: int = 0
    deputies: set = field(default_factory=set)
    livelihood: Counter = field(default_factory=Counter)  # livelihood_projects (services.livelihood)

    def add(self, other: _Parts) -> None:
        self.receptions += other.receptions
        self.visitors += other.visitors
        self.by_status.update(other.by_status)
        self.by_eval.update(other.by_eval)
        self.by_cat.update(other.by_cat)
        self.resolved += other.resolved
        self.deputies |= other.deputies
        self.livelihood.update(other.livelihood)

    @classmethod
    def total(cls, parts) -> _Parts:
        out = cls()
        for part in parts:
            out.add(part)
        return out

    def figures(self) -> StatsFigures:
        n_cases = sum(self.by_status.values())
        return StatsFigures(
            deputies_in_station=len(self.deputies), receptions=int(self.receptions), visitors=int(self.visitors),
            cases_collected=n_cases, cases_resolved=self.resolved,
            completion_rate=_rate(self.by_status[RESOLVED] + self.by_status[CLOSED], n_cases),
            satisfaction_rate=_rate(sum(n for e, n in self.by_eval.items() if e in GOOD), sum(self.by_eval.values())),
            by_category={c: self.by_cat[c] for c in Category.codes() if self.by_cat.get(c)},
            livelihood_projects={k: self.livelihood[k] for k in livelihood.FIGURE_KEYS})


def _month(ts: pw.Field) -> pw.Node:
    """The ``YYYY-MM`` of a stored timestamp, with literal bounds so that the select and GROUP BY
    write the same expression."""
    return pw.fn.SUBSTR(ts, pw.SQL("1"), pw.SQL("7"))


@dataclass
class _Breakdown:
    """By village and by month, summed in the same grouped passes as the figures."""

    village_rec: dict = field(default_factory=dict)  # {village: [receptions, visitors]}
    month_rec: dict = field(default_factory=dict)  # {"2026-03": [receptions, visitors]}
    month_cases: Counter = field(default_factory=Counter)
    month_res: Counter = field(default_factory=Counter)


def _add_pair(into: dict, key, n: int, v: int) -> None:
    pair = into.setdefault(key, [0, 0])
    pair[0] += n
    pair[1] += v


def _parts(lo: str, hi: str, code: str | None, deputy_lists: list | None = None,
           breakdown: _Breakdown | None = None) -> dict[str, _Parts]:
    """{station code: counts} of one station (or of every station when None), each figure grouped
    by station in one query: a county of 90 stations and a million receptions costs the same
    handful of scans as one station. With ``breakdown``, the same passes also group by village and
    month and fill it: one pass over the period's receptions, one over its cases, one over the
    cases resolved in it."""
    out: dict[str, _Parts] = {}

    def at(c: str) -> _Parts:
        part = out.get(c)  # not setdefault: a _Parts (five containers) made for every row
        return part if part is not None else out.setdefault(c, _Parts())

    bd = breakdown
    keys: tuple[pw.Node, ...] = (_station_key(code),) + (
        (Reception.village, _month(Reception.received_at)) if bd else ())
    for c, *k, n, v in tuples(_receptions(lo, hi, code).select(
            *keys, pw.fn.COUNT(Reception.id), pw.fn.COALESCE(pw.fn.SUM(Reception.visitor_count), 0)).group_by(*keys)):
        at(c).receptions += n
        at(c).visitors += v
        if bd is not None:
            _add_pair(bd.village_rec, k[0], n, v)
            _add_pair(bd.month_rec, k[1], n, v)
    keys = (Case.station_code, Case.status, Case.evaluation, Case.category) + ((_month(Case.registered_at),) if bd else ())
    for c, status, evaluation, category, *m, n in tuples(
            _cases(lo, hi, code).select(*keys, pw.fn.COUNT(Case.id)).group_by(*keys)):
        part = at(c)
        part.by_status[status] += n
        part.by_cat[category] += n
        if evaluation is not None:
            part.by_eval[evaluation] += n
        if bd is not None:
            bd.month_cases[m[0]] += n
    keys = (Case.station_code,) + ((_month(Case.resolved_at),) if bd else ())
    resolved = Case.select(*keys, pw.fn.COUNT(Case.id)).where(
        Case.deleted_at.is_null(), Case.status == RESOLVED, Case.resolved_at >= lo, Case.resolved_at < hi)
    for c, *m, n in tuples((resolved.where(Case.station_code == code) if code else resolved).group_by(*keys)):
        at(c).resolved += n
        if bd is not None:
            bd.month_res[m[0]] += n
    held = (Attendance.select(ActivityDay.station_code, Attendance.deputy_uid).distinct()
            .join(ActivityDay, on=(ActivityDay.uid == Attendance.activity_day_uid))
            .where(Attendance.deleted_at.is_null(), ActivityDay.deleted_at.is_null(),
                   ActivityDay.status == attendance_rule.COUNTED_DAY, Attendance.status.in_(attendance_rule.COUNTED),
                   ActivityDay.date >= lo, ActivityDay.date < hi))
    for c, uid in tuples(held.where(ActivityDay.station_code == code) if code else held):
        at(c).deputies.add(uid)
    for c, uids, _n in _deputy_lists(lo, hi, code) if deputy_lists is None else deputy_lists:
        at(c).deputies.update(uids or ())
    for c, counts in livelihood.figures_by_station(lo, hi, code).items():
        at(c).livelihood.update(counts)
    return out


def figures(date_from: dt.date, date_to: dt.date, station_code: str | None = None) -> StatsFigures:
    """The §3 figures of one station (or of every station in the database when None)."""
    lo, hi = _bounds(date_from, date_to)
    return _Parts.total(_parts(lo, hi, station_code).values()).figures()


def station_codes() -> list[str]:
    """The codes of every station in the database."""
    return [s.code for s in Station.select(Station.code).order_by(Station.code)]


def statistics(date_from: dt.date, date_to: dt.date, station_code: str | None = None,
               breakdowns: bool = True) -> Statistics:
    """§3 figures for the period, with the breakdowns the statistics page and the report show
    (``breakdowns`` False: the figures and ``by_station`` only, what the county view shows).

    ``station_code`` None: the whole database; ``by_station`` is filled when it holds more than
    one station."""
    codes = station_codes()
    if station_code and station_code not in codes:
        raise ValidationError({"station": f"数据库中没有这个联络站：{station_code}"})
    lo, hi = _bounds(date_from, date_to)
    lists = _deputy_lists(lo, hi, station_code)
    bd = _Breakdown() if breakdowns else None
    parts = _parts(lo, hi, station_code, lists, bd)
    figs = _Parts.total(parts.values()).figures()
    by_station = {c: parts.get(c, _Parts()).figures() for c in codes} if not station_code and len(codes) > 1 else {}
    if bd is None:
        return Statistics(date_from, date_to, station_code, figs, by_station)
    village_cases: Counter = Counter()
    dep_cases: Counter = Counter()
    for village, dep_list, n in _with_lists(raw_tuples(
            _cases(lo, hi, station_code).select(Reception.village, Reception.deputy_uids, pw.fn.COUNT(Case.id))
            .join(Reception, on=(Reception.uid == Case.reception_uid)).group_by(Reception.village, Reception.deputy_uids))):
        village_cases[village] += n
        for u in dep_list:
            dep_cases[u] += n
    none = (0, 0)
    villages = sorted(set(bd.village_rec) | set(village_cases),
                      key=lambda v: (-bd.village_rec.get(v, none)[0], -village_cases.get(v, 0), v))
    by_village = tuple((v or "（未填）", *bd.village_rec.get(v, none), village_cases.get(v, 0)) for v in villages)
    dep_rec: Counter = Counter()
    for _c, dep_list, n in lists:
        for u in dep_list:
            dep_rec[u] += n
    uids = set(dep_rec) | set(dep_cases)
    names = dict(tuples(Deputy.select(Deputy.uid, Deputy.name).where(Deputy.uid.in_(list(uids))))) if uids else {}
    by_deputy = tuple(sorted(((names.get(u, "（已删除）"), dep_rec.get(u, 0), dep_cases.get(u, 0)) for u in uids),
                             key=lambda t: (-t[1], -t[2], t[0])))
    by_month = tuple((m, *bd.month_rec.get(m, none), bd.month_cases.get(m, 0), bd.month_res.get(m, 0))
                     for m in _months(date_from, date_to))
    return Statistics(date_from, date_to, station_code, figs, by_station, by_village, by_deputy, by_month)


def _months(date_from: dt.date, date_to: dt.date) -> list[str]:
    out, y, m = [], date_from.year, date_from.month
    while (y, m) <= (date_to.year, date_to.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# --- periods and the report -------------------------------------------------------------------

QUARTERS = periods.QUARTERS
period = periods.period  # (from, to, name) of a month, quarter or year (domain/periods.py)


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def headline(f: StatsFigures, scope: str = "本期") -> str:
    """The seed-style sentence: 本季度共接待群众890人次，收集意见建议168条，解决实际问题126件……"""
    text = (f"{scope}共接待群众{f.visitors}人次（{f.receptions}批次），进站代表{f.deputies_in_station}人，"
            f"收集意见建议{f.cases_collected}条，解决实际问题{f.cases_resolved}件")
    if f.completion_rate is not None:
        text += f"，办结率{_pct(f.completion_rate)}"
    if f.satisfaction_rate is not None:
        text += f"，群众满意率{_pct(f.satisfaction_rate)}"
    return text + "。"


def report_data(date_from: dt.date, date_to: dt.date, station_code: str | None = station.SOLE,
                name: str | None = None, today: dt.date | None = None, kind: str | None = None) -> PeriodReportData:
    """What the 月报/季报/年报 PDF of a station (None: 全县, every station of the database; default:
    the database's only station) shows; ``name`` like ``2026年第三季度`` is the title, ``kind`` (a code
    of domain/periods.py) the report and scope words — from a free ``name`` when not given."""
    from station_app.services import cases, printing

    station_code = station.in_view(station_code)
    s = statistics(date_from, date_to, station_code)
    label = f"{date_from.year}年{date_from.month}月{date_from.day}日至{date_to.year}年{date_to.month}月{date_to.day}日"
    code = kind if kind in periods.KINDS else periods.kind_of_title(name)
    report, scope = periods.REPORT[code], periods.SCOPE[code]
    st_name = printing.resolve_station(station_code).name if station_code \
        else "全县各联络站"
    title = f"{name or label}接待工作{report}"
    rows = tuple(sorted(((Category.label_of(c), n) for c, n in s.figures.by_category.items()), key=lambda t: -t[1]))
    overdue: tuple[tuple[str, str, str, str], ...] = ()
    overdue_total = 0
    if station_code:  # the station's own overdue cases (全县: the figures only)
        overdue = tuple((c.number, c.department, c.deadline.isoformat() if c.deadline else "", c.content[:60])
                        for c in cases.overdue(today, station_code=station_code))
        overdue_total = cases.overdue_count(today, station_code=station_code) if len(overdue) >= cases.OVERDUE_LISTED \
            else len(overdue)
    text = headline(s.figures, scope)
    if any(s.figures.livelihood_projects.values()):  # 民生实事项目票决制: 票决民生实事X件、已完成Y件
        text += f"{scope}{livelihood.headline(s.figures.livelihood_projects)}。"
    return PeriodReportData(st_name, title, label, text, s, rows, overdue, overdue_total)


def print_report(date_from: dt.date, date_to: dt.date, out, station_code: str | None = station.SOLE,
                 name: str | None = None, kind: str | None = None):
    """Write the period report (接待工作报告) as PDF to ``out``."""
    from station_app.printing.case_docs import render_period_report

    return render_period_report(report_data(date_from, date_to, station_code, name, kind=kind), out)
