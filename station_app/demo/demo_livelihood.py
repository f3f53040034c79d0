"""A year of 民生实事项目票决制 for the demo station, through the services (their rules apply):
16 candidates (群众点单 linked to opinions, 代表提出, 政府清单), 12 shortlisted, a 票决 at the
乡镇人代会 in January with every present deputy's votes, the approved projects' milestones (some
late), 督查 activity days linked to them, year-end ratings with one project flagged 不满意, and the
再督办 carried to next year. Deterministic for a seed (the caller's random generator)."""

from __future__ import annotations

import datetime as dt

from station_app.db.models import ActivityDay, Case, Deputy
from station_app.db.rows import tuples
from station_app.domain import clock
from station_app.domain.codes import Level
from station_app.services import activity, livelihood

CANDIDATES = (
    ("青石村通组道路硬化", "opinion", "镇交通办", 1200000, "硬化通组道路3.2公里，宽4.5米"),
    ("东河村饮水安全提升", "opinion", "镇水利站", 465000, "新建水源井一眼，铺设入户管网"),
    ("镇卫生院康复科建设", "government", "镇卫生院", 850000, "新建康复理疗室，添置康复设备"),
    ("村级养老服务站建设", "deputy", "镇社会事务办", 380000, "在三个村建设日间照料养老服务站"),
    ("中心小学食堂改造", "government", "镇中心学校", 620000, "改造食堂后厨，增设就餐区"),
    ("集镇路灯亮化", "opinion", "镇综合执法队", 260000, "主街新装太阳能路灯120盏"),
    ("农贸市场提升改造", "deputy", "镇经济发展办", 900000, "改造大棚，规范摊位，建设公厕"),
    ("南山村危桥加固", "opinion", "县交通运输局", 540000, "加固南山村跨河桥梁一座"),
    ("农村生活污水治理", "government", "镇生态环境办", 1500000, "四个村建设污水集中处理设施"),
    ("文化广场建设", "deputy", "镇党政办", 300000, "西岭村建设文化广场一处"),
    ("高标准农田灌渠修复", "opinion", "镇农业农村办", 700000, "修复灌渠5公里"),
    ("便民服务中心适老化改造", "government", "镇党政办", 180000, "无障碍通道、助老设施"),
    ("村卫生室标准化建设", "deputy", "镇卫生院", 420000, "五个村卫生室标准化改造"),
    ("垃圾分类收集点建设", "opinion", "镇生态环境办", 240000, "新建分类收集点40处"),
    ("幼儿园扩建", "government", "镇中心学校", 1100000, "新增三个班"),
    ("河道清淤整治", "deputy", "镇水利站", 560000, "清淤河道3公里"),
)
SHORTLIST = 12
QUOTA = 8


def make_livelihood(rng, year: int, today: dt.date | None = None) -> int:
    """Fill ``year``'s projects of the home station; returns how many projects it made."""
    today = today or clock.today()
    if today < dt.date(year, 2, 1):
        return 0
    people = [d.uid for d in Deputy.alive().where(Deputy.active == True).order_by(Deputy.id)  # noqa: E712
              if d.levels_mask & Level.TOWNSHIP.bit] or \
        [d.uid for d in Deputy.alive().where(Deputy.active == True).order_by(Deputy.id)]  # noqa: E712
    if len(people) < 3:
        return 0
    cases = [u for (u,) in tuples(Case.alive().select(Case.uid).where(Case.category == "infrastructure")
                                  .order_by(Case.id).limit(40))]
    uids = []
    for i, (title, source, dept, cost, text) in enumerate(CANDIDATES):
        linked = rng.sample(cases, min(len(cases), rng.randint(1, 2))) if source == "opinion" and cases else []
        uids.append(livelihood.save_project(dict(
            year=year, title=title, source=source, department=dept, estimated_cost=cost, description=text,
            village=title[:3] if title[2:3] == "村" else "",  # 南山村危桥加固; not 村卫生室…, 村级养老…
            registered_on=dt.date(year, 1, 2) + dt.timedelta(days=i % 8), case_uids=linked)).uid)
    ballot = uids[:SHORTLIST]
    livelihood.shortlist(ballot)
    present = [u for u in people if rng.random() < 0.88]
    session = livelihood.create_session(dict(
        date=dt.date(year, 1, 12), meeting_name="青石镇第十八届人民代表大会第三次会议", deputies_total=len(people),
        present_deputy_uids=present, quota=QUOTA, project_uids=ballot)).uid
    support = [0.99 - 0.05 * i for i in range(SHORTLIST)]  # the first ones are wanted most
    for dep in present:
        livelihood.record_votes(session, dep, {
            p: "for" if rng.random() < support[i] else rng.choice(("against", "abstain")) for i, p in enumerate(ballot)})
    result = livelihood.close_session(session)
    approved = [r.project_uid for r in result.rows if r.approved]
    steps = (("完成方案设计和招标", 2), ("开工建设", 4), ("完工验收", 10))
    for n, p in enumerate(approved):
        for title, month in steps:
            planned = dt.date(year, min(12, month + n % 3), 15)
            late = n in (1, 4) and title == "完工验收"  # two projects run late
            m = livelihood.add_milestone(p, title, planned)
            if planned < today and not late:
                livelihood.complete_milestone(m.uid, planned + dt.timedelta(days=rng.randint(-10, 12)))
        done = n not in (1, 4) and dt.date(year, min(12, 10 + n % 3), 30) < today
        livelihood.update_progress(p, 100 if done else rng.choice((40, 60, 80)),
                                   completed_at=dt.date(year, min(12, 10 + n % 3), 30) if done else None)
    _inspections(rng, year, today, approved, people)
    rating_day = min(today, dt.date(year, 12, 20))
    if rating_day > dt.date(year, 11, 30):
        for n, p in enumerate(approved):
            for dep in present:
                if rng.random() < 0.7:
                    pick = (("dissatisfied",) * 3 + ("basically_satisfied",)) if n == 4 else \
                        ("satisfied",) * 3 + ("basically_satisfied",) * 2 + ("dissatisfied",)
                    livelihood.rate(p, dep, rng.choice(pick), rated_on=rating_day)
        livelihood.carry_over(year)
    return len(uids)


def _inspections(rng, year: int, today: dt.date, approved: list[str], people: list[str]) -> None:
    """Three 督查 days (民生实事督查) on free working days, each looking at two or three projects."""
    taken = {d for (d,) in tuples(ActivityDay.alive().select(ActivityDay.date))}
    for month in (5, 8, 11):
        day = dt.date(year, month, 8)
        while day in taken or day.weekday() >= 5 or str(day) in taken:
            day += dt.timedelta(days=1)
        if day >= today:
            return
        rec = activity.add_day(day, kind="livelihood", theme="民生实事项目督查", place="项目现场")
        activity.sign_in(rec.uid, {u: "present" for u in rng.sample(people, min(len(people), 6))})
        for p in rng.sample(approved, min(len(approved), 3)):
            livelihood.link_inspection(rec.uid, p, rng.choice((
                "工程按计划推进，质量总体良好", "进度滞后于计划，要求责任单位加快推进",
                "现场安全防护不到位，已当场提出整改意见", "群众反映施工扬尘，建议洒水降尘")))
