"""``station-app demo``: realistic, deterministic Chinese demo data.

The same seed gives the same people, numbers and uids. Each later feature adds its tables
here, so tests and benchmarks can stand on it.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from station_app.db.bulk import bulk_insert
from station_app.db.connection import database
from station_app.db.loading import EmptyTableIndexes, raise_cache_for_loading, restore_cache
from station_app.db.models import ActivityDay, Deputy, DutyRecord, seeded_uids
from station_app.demo.demo_livelihood import make_livelihood
from station_app.demo.demo_receptions import cache_kib, generate
from station_app.demo.names import GIVEN_F, GIVEN_M, MINORITY, PHONE_PREFIXES, SURNAMES, VILLAGES
from station_app.domain import clock
from station_app.domain.codes import SECTORS, Level, levels_to_mask
from station_app.domain.records import StationProfile
from station_app.domain.schedule import HolidayCalendar
from station_app.errors import KnownError
from station_app.services import activity, audit, scoring, settings, station

GROUPS = ("第一代表小组", "第二代表小组", "第三代表小组", "第四代表小组", "第五代表小组")
COMMITMENTS = ("每月进站接待选民不少于一次，群众反映的问题件件有回音。",
               "常回选区走访群众，做好政策宣传和民意收集。",
               "围绕产业发展和乡村振兴，多提管用的意见建议。")

DEMO_STATION = StationProfile(code="DEMO-CG01", name="长官镇人大代表联络站", township="长官镇", county="宁津县",
                              address="宁津县长官镇政府院内一楼", phone="0534-5123456")


@dataclass(frozen=True)
class DemoSummary:
    station_code: str
    deputies: int
    activity_days: int = 0
    attendances: int = 0
    receptions: int = 0
    cases: int = 0
    case_events: int = 0
    duty_records: int = 0


MONTH_THEMES = ("学习贯彻全国两会精神", "春耕生产与农资保障", "农村人居环境整治", "防汛备汛和安全生产",
                "优化营商环境", "义务教育与校园安全", "高温天气下的民生保障", "基层医疗服务",
                "秋粮收购与农民增收", "养老服务体系建设", "冬季供暖和清洁取暖", "年度履职情况述职")
DISCUSSIONS = ("群众反映村内道路破损，雨天出行不便，代表现场查看后建议纳入明年村道硬化计划。",
               "有群众反映农资价格上涨，代表介绍了县里的补贴政策，答应向镇农业服务中心反映。",
               "几位老人询问居家养老服务，代表当场解答了申请条件和办理流程。",
               "群众对垃圾清运不及时有意见，代表与村两委商量增加清运次数。")


class _Gen:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def person(self) -> tuple[str, str, str]:
        rng = self.rng
        if rng.random() < 0.08:
            return rng.choice(MINORITY)
        gender = "female" if rng.random() < 0.36 else "male"
        pool = GIVEN_F if gender == "female" else GIVEN_M
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given, gender, "汉族"

    def levels(self) -> list[str]:
        r = self.rng.random()
        if r < 0.55:
            return [Level.TOWNSHIP.value]
        if r < 0.85:
            return [Level.COUNTY.value, Level.TOWNSHIP.value]
        if r < 0.95:
            return [Level.COUNTY.value]
        if r < 0.99:
            return [Level.CITY.value, Level.COUNTY.value]
        return [Level.PROVINCIAL.value]


DEFAULT_RECEPTIONS = 400  # about a year of a busy township station


def make_demo(seed: int = 1, deputies: int = 30, receptions: int | None = None) -> DemoSummary:
    """Fill an empty database with a demo station: deputies, a year of activity days, and
    ``receptions`` visits (default :data:`DEFAULT_RECEPTIONS`) with their opinions and timelines
    spread over the past year — six years when there are more than 100,000 (the bench's 1M).
    Refuses a database that already has data."""
    if deputies < 1:
        raise KnownError("代表人数至少为 1")
    if Deputy.select().exists():
        raise KnownError("这个数据库里已经有数据了；演示数据请写入一个新的数据库文件")
    gen = _Gen(seed)
    rng = gen.rng
    home = station.home_station()
    if home is None:
        home = station.save_home_station(DEMO_STATION)
    code = home.code
    year = clock.today().year
    created = clock.format_ts(dt.datetime(year - 1, 1, 5, 9, 0, tzinfo=clock.zone()))
    fields = [Deputy.uid, Deputy.station_code, Deputy.created_at, Deputy.updated_at, Deputy.deleted_at,
              Deputy.name, Deputy.gender, Deputy.ethnicity, Deputy.birth_date, Deputy.party,
              Deputy.levels_mask, Deputy.sector, Deputy.group_name, Deputy.phone, Deputy.term,
              Deputy.active, Deputy.photo, Deputy.note, Deputy.commitment, Deputy.sort_order, Deputy.public_phone]
    rows = []
    used_names: set[str] = set()
    for i in range(deputies):
        name, gender, ethnicity = gen.person()
        while name in used_names and i < 2000:
            name, gender, ethnicity = gen.person()
        used_names.add(name)
        birth = dt.date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28))
        party = rng.choices(("中共党员", "群众", "民盟", "无党派人士", "九三学社"), (70, 22, 3, 3, 2))[0]
        levels = gen.levels()
        active = rng.random() > 0.05
        rows.append((
            gen.uid(), code, created, created, None, name, gender, ethnicity, birth.isoformat(), party,
            levels_to_mask(levels), rng.choice(SECTORS[:-1]), GROUPS[i % len(GROUPS)], gen.phone(),
            "第十八届" if Level.TOWNSHIP.value in levels else "第十九届", active, None,
            "" if rng.random() < 0.8 else f"联系{rng.choice(VILLAGES)}",
            rng.choice(COMMITMENTS), 0, "",
        ))
    with database.atomic():
        bulk_insert(Deputy, fields, rows)
        audit.record("import", "deputy", f"demo-seed-{seed}", None, {"deputies": deputies},
                     summary=f"生成演示数据（种子 {seed}，代表 {deputies} 名）", station_code=code)
    with seeded_uids(gen.uid):
        days, marks = _demo_activity_days(rng, year)
    n = DEFAULT_RECEPTIONS if receptions is None else receptions
    if n < 0:
        raise KnownError("接待登记条数不能为负数")
    counts = {"receptions": 0, "cases": 0, "case_events": 0}
    if n:
        on_duty = [d.uid for d in Deputy.select(Deputy.uid).where(Deputy.active == True)  # noqa: E712
                   .order_by(Deputy.id)]
        held = [(a.uid, a.date) for a in ActivityDay.alive().where(ActivityDay.status == "held")
                .order_by(ActivityDay.date)]
        counts = generate(n, seed, code, on_duty, held, today=clock.today(), years=1 if n <= 100_000 else 6)
    with seeded_uids(gen.uid):
        make_livelihood(rng, year)  # before the duty records: votes, 督查 and 评单 earn points
        duty = _demo_duty_records(rng, year, n)
    return DemoSummary(station_code=code, deputies=deputies, activity_days=days, attendances=marks,
                       duty_records=duty, **counts)


MANUAL_DEMO = (("A02", "列席镇人大主席团第{n}次会议"), ("E02", "参加《农村公路条例》执法检查"),
               ("E02", "就民生实事项目开展专题询问"), ("A04", "在镇人代会上就农村饮水安全发言"))


def _demo_duty_records(rng, year: int, receptions: int) -> int:
    """The year's automatic duty records (one recompute, as a clerk would run it, without the list
    of the records it adds: nobody looks at it) and some manual ones: most reviewed, a few still
    waiting for review. The records go in as the receptions did (a quarter of a million at 100k):
    the empty table's indexes dropped and re-created after, the page cache raised meanwhile."""

    if not any(i.code == code for code, _ in MANUAL_DEMO for i in scoring.rules(year).indicators):
        return 0
    indexes = EmptyTableIndexes(("duty_record",))  # re-created at the end: a sort, not random inserts
    cache = raise_cache_for_loading(cache_kib(receptions))
    indexes.drop()
    try:
        scoring.recompute(year, listed=False)
    finally:
        indexes.restore({})
        restore_cache(cache)
    people = [d.uid for d in Deputy.select(Deputy.uid).where(Deputy.active == True).order_by(Deputy.id)]  # noqa: E712
    today = clock.today()
    for i, uid in enumerate(people):
        for _ in range(rng.randint(0, 3)):
            code, text = MANUAL_DEMO[rng.randrange(len(MANUAL_DEMO))]
            day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(max(1, (today - dt.date(year, 1, 1)).days)))
            rec = scoring.add_manual(uid, day, code, 1, text.format(n=rng.randint(1, 6)))
            if rng.random() < 0.8 or i == 0:
                scoring.review(rec.uid, approve=True)
    return DutyRecord.select().where(DutyRecord.deleted_at.is_null()).count()


def _demo_activity_days(rng, year: int) -> tuple[int, int]:
    """A year of 每月15日 activity days with the months' themes, a deputy's leave, the rota, a
    recorded swap, sign-ins and minutes of the past days, one day moved and one cancelled. Uses
    the services, so it is what a clerk would have made. A year beyond the holiday data uses the
    last year the data covers (nothing guessed)."""

    cal = HolidayCalendar()
    while not cal.covers(year) and year > 2004:
        year -= 1
    settings.set("schedule.rules", ["每月15日"])
    settings.set("schedule.default_place", "联络站接待室")
    for month, theme in enumerate(MONTH_THEMES, start=1):
        activity.set_monthly_theme((year, month), theme)
    people = [d.uid for d in Deputy.alive().where(Deputy.active == True).order_by(Deputy.id)]  # noqa: E712
    if len(people) > 2:  # one deputy away for a spring training course: the rota goes around it
        activity.add_unavailable(rng.choice(people), dt.date(year, 3, 1), dt.date(year, 4, 30), "参加县里代表履职培训")
    activity.generate_year(year, today=dt.date(year, 1, 1))
    today = clock.today()
    days = activity.days_in_range(dt.date(year, 1, 1), dt.date(year, 12, 31), station_code=station.home_code())
    if len(days) >= 4:  # what happens in a real year: a day put off by a meeting, one called off
        moved, dropped = rng.sample(days[1:-1], 2)
        target = moved.date + dt.timedelta(days=1)
        while target.weekday() >= 5 or not cal.is_workday(target):
            target += dt.timedelta(days=1)
        if target.year == year:
            activity.move_day(moved.uid, target, "与镇防汛专题会议冲突，推迟一个工作日")
        activity.cancel_day(dropped.uid, "台风预警，暂停集中活动")
        days = activity.days_in_range(dt.date(year, 1, 1), dt.date(year, 12, 31), station_code=station.home_code())
    marks = 0
    for day in days:
        if day.date > today or day.status == "cancelled":
            continue
        statuses = {}
        for d in day.duty:
            statuses[d.uid] = rng.choices(("present", "late", "leave", "absent"), (85, 7, 6, 2))[0]
        for uid in rng.sample(people, k=min(len(people), rng.randint(1, 4))):
            statuses.setdefault(uid, "present")
        activity.sign_in(day.uid, statuses)
        marks += len(statuses)
        activity.save_minutes(day.uid, f"一、学习{day.theme}有关精神\n二、接待来访群众\n三、研究群众意见的办理",
                              rng.choice(DISCUSSIONS), "对群众反映的问题逐条登记，分别交办有关站所。",
                              "下次活动日前通报办理情况。")
    future = [d for d in days if d.date > today and d.status != "cancelled"]
    if future and future[0].duty:  # a recorded swap on the next day
        on = {d.uid for d in future[0].duty}
        stand_ins = [u for u in people if u not in on]
        if stand_ins:
            activity.swap_duty(future[0].uid, future[0].duty[0].uid, rng.choice(stand_ins), "家中有事，已找人替班")
    if len(future) >= 3:
        activity.cancel_day(future[-1].uid, "与县人代会会期冲突")
    return len(days), marks


