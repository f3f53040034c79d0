"""The 民生实事 printouts (issue 22) as plain data for ``printing/livelihood_docs.py``: the 选票, the
计票结果公告 and the 公示 from services/livelihood.py's data, and two monthly sheets of 公开 from the
records the other services already count — the board of case outcomes (意见建议办理结果公开, the
visitors' names masked) and the 代表履职情况通报 (attendance from ``activity.attendance_facts``,
receptions and resolved cases from ``scoring.quota_units``: the same facts the duty points count).

Each ``print_*`` writes the PDF atomically and returns its path, for the CLI (``station-app print
ballot|tally|publicity|outcomes|bulletin``), the 打印 page and the 民生实事 page alike.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from station_app.db.models import CaseEvent
from station_app.db.rows import tuples
from station_app.domain.codes import CaseAction, CaseStatus, Category, Evaluation
from station_app.domain.masking import mask_name
from station_app.errors import ValidationError
from station_app.printing import livelihood_docs as docs
from station_app.services import activity, cases, station
from station_app.services.station import SOLE

SUMMARY_CHARS = 60  # a case's content on the board, cut to this many characters
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """``2026-03`` → (2026-03-01, 2026-03-31); anything else is a ValidationError saying how to write it."""
    m = _MONTH.match((month or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValidationError({"month": f"月份应写成 2026-03 这样的年-月，不是 {month}"})
    first = dt.date(int(m.group(1)), int(m.group(2)), 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def _summary(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS - 1] + "…"


# --- 选票, 计票结果公告, 公示 (from services/livelihood.py) -----------------------------------------


def _session_of(session_uid: str, station_code: str | None):
    """The session, refused when it is not of the station in view (a county names the station)."""
    from station_app.errors import NotFoundError
    from station_app.services import livelihood

    s = livelihood.get_session(session_uid)
    if station_code not in (None, SOLE) and s.station_code != station_code:
        raise NotFoundError(f"站点 {station_code} 没有这次票决（{session_uid}）")
    return s


def _money(project) -> str:
    from station_app.domain.livelihood import yuan

    return yuan(project.budget if project.budget is not None else (project.estimated_cost or None))


def ballot_data(session_uid: str, station_code: str | None = SOLE) -> docs.BallotData:
    """The 选票 of a 票决 session (:func:`livelihood.ballot_data`): its projects in ballot order."""
    from station_app.services import livelihood

    _session_of(session_uid, station_code)
    b = livelihood.ballot_data(session_uid)
    items = tuple(docs.BallotItem(i, p.title, _summary(p.description), _money(p)) for i, p in enumerate(b.projects, 1))
    return docs.BallotData(b.station_name, b.meeting_name, b.date, b.date.year, items, b.quota)


def tally_data(session_uid: str, station_code: str | None = SOLE) -> docs.TallyData:
    """The 计票结果公告 (:func:`livelihood.tally_notice_data`): in ballot order, with the ranks,
    通过 and 入选 as the result decides them."""
    from station_app.services import livelihood

    _session_of(session_uid, station_code)
    n = livelihood.tally_notice_data(session_uid)
    res, s = n.result, n.result.session
    projects = {p.uid: p for p in livelihood.ballot_data(session_uid).projects}
    by_uid = {r.project_uid: r for r in res.rows}
    rows = tuple(docs.TallyRow(r.title, r.votes_for, r.against, r.abstain, r.passed, r.rank, r.approved,
                               projects[u].department if u in projects else "",
                               _money(projects[u]) if u in projects else "")
                 for u in s.project_uids if (r := by_uid.get(u)) is not None)
    return docs.TallyData(n.station_name, s.meeting_name, s.date, s.date.year, s.deputies_total, res.present,
                          res.quorum_ok, res.majority, s.quota, rows, rule_text=res.approval_rule)


def publicity_data(year: int, station_code: str | None = SOLE, today: dt.date | None = None) -> docs.PublicityData:
    """The 公示 of ``year`` (:func:`livelihood.publicity_data`): the approved projects with milestones,
    progress and (once rated) the 评单."""
    from station_app.services import livelihood

    d = livelihood.publicity_data(year, station_code, today)
    out = []
    for line in d.lines:
        p, t = line.project, line.rating
        rating = (f"满意{t.satisfied}、基本满意{t.basically_satisfied}、不满意{t.dissatisfied}"
                  + ("，列为再督办" if t.redo else "")) if t.total else ""
        ms = tuple(docs.Milestone(m.title, m.planned_date, m.actual_date, m.overdue) for m in line.milestones)
        out.append(docs.PublicityProject(p.title, _summary(p.description), p.village, p.department, _money(p),
                                         p.progress, p.status_label, ms, rating))
    st = station.choose(station_code) if station_code is not None else None
    return docs.PublicityData(d.station_name, year, d.as_of, tuple(out), st.phone if st else "",
                              st.address if st else "")


def print_ballot(session_uid: str, out, station_code: str | None = SOLE) -> Path:
    """The 票决 ballot of session ``session_uid`` as a PDF at ``out``; returns the file written."""
    return docs.render_ballot(ballot_data(session_uid, station_code), out)


def print_tally(session_uid: str, out, station_code: str | None = SOLE) -> Path:
    """The 计票 sheet of session ``session_uid`` as a PDF at ``out``; returns the file written."""
    return docs.render_tally(tally_data(session_uid, station_code), out)


def print_publicity(year: int, out, station_code: str | None = SOLE) -> Path:
    """The year's 民生实事 publicity sheet as a PDF at ``out``; returns the file written."""
    return docs.render_publicity(publicity_data(year, station_code), out)


# --- 意见建议办理结果公开 -------------------------------------------------------------------------


def outcomes_data(month: str, station_code: str | None = SOLE) -> docs.OutcomesData:
    """The cases of the station concluded in ``month`` (办结, or 结案 without a solution), each with
    its last answer (or the reason it was closed) and the citizen's 评价; names masked always: this
    sheet goes on the wall."""
    first, last = month_bounds(month)
    st = station.choose(station_code)
    lo, hi = first.isoformat(), (last + dt.timedelta(days=1)).isoformat()  # stored local time sorts as text
    concluded = (CaseEvent.select(CaseEvent.case_uid)
                 .where(CaseEvent.deleted_at.is_null(), CaseEvent.station_code == st.code,
                        CaseEvent.action.in_((CaseAction.RESOLVE.value, CaseAction.CLOSE.value)),
                        CaseEvent.at >= lo, CaseEvent.at < hi)
                 .order_by(CaseEvent.at, CaseEvent.id))
    uids = dict.fromkeys(uid for (uid,) in tuples(concluded))
    rows = []
    for uid in uids:
        rec = cases.get(uid)
        if rec.status not in (CaseStatus.RESOLVED.value, CaseStatus.CLOSED_UNRESOLVED.value):
            continue  # reopened since (再次交办): not an outcome any more
        evs = cases.events(uid)
        answer = next((e.note for e in reversed(evs) if e.action == CaseAction.REPLY.value and e.note), "")
        if rec.status == CaseStatus.CLOSED_UNRESOLVED.value:
            reason = next((e.note for e in reversed(evs) if e.action == CaseAction.CLOSE.value), "")
            answer = "未解决结案" + (f"：{reason}" if reason else "")
        rows.append(docs.OutcomeRow(rec.number, Category.label_of(rec.category), rec.village,
                                    mask_name(rec.visitor_name), _summary(rec.content), _summary(answer),
                                    Evaluation.label_of(rec.evaluation) if rec.evaluation else ""))
    rows.sort(key=lambda r: r.number)
    return docs.OutcomesData(st.name, f"{first.year}-{first.month:02d}", tuple(rows), st.phone, st.address)


def print_outcomes(month: str, out, station_code: str | None = SOLE) -> Path:
    """The month's 意见建议办理结果公开 as a PDF at ``out``; returns the file written."""
    return docs.render_outcomes(outcomes_data(month, station_code), out)


# --- 代表履职情况通报 -----------------------------------------------------------------------------


def bulletin_data(month: str, station_code: str | None = SOLE) -> docs.BulletinData:
    """Per active deputy of the station (roster order): sign-ins at the month's held activity days,
    receptions and resolved cases — the facts the duty points count, never counted again here."""
    from station_app.services import deputies, scoring
    from station_app.services.deputies import DeputyFilter

    first, last = month_bounds(month)
    st = station.choose(station_code)
    held = [d for d in activity.days_in_range(first, last, include_cancelled=False, station_code=st.code)
            if d.status == "held"]
    attendance = activity.attendance_facts(first, last, station_code=st.code)
    receptions = scoring.quota_units(st.code, ("reception",), first, last)
    resolved = scoring.quota_units(st.code, ("case_resolved",), first, last)
    rows = []
    for d in deputies.all_deputies(DeputyFilter(active=True, station_code=st.code)):
        a = attendance.get(d.uid)
        rows.append(docs.BulletinRow(d.name, a.present if a else 0, a.late if a else 0, a.leave if a else 0,
                                     a.absent if a else 0, receptions.get(d.uid, 0), resolved.get(d.uid, 0)))
    return docs.BulletinData(st.name, f"{first.year}-{first.month:02d}", len(held), tuple(rows), st.phone, st.address)


def print_bulletin(month: str, out, station_code: str | None = SOLE) -> Path:
    """The month's 代表履职情况通报 as a PDF at ``out``; returns the file written."""
    return docs.render_bulletin(bulletin_data(month, station_code), out)
