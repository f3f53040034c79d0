"""Demo 接待登记 and 意见建议 at scale: realistic, deterministic, written at raw ``executemany`` speed.

:func:`generate` writes ``n`` receptions of one township's villagers over the last ``years`` years
(working hours, more on activity days), about 0.6 opinions (cases) per reception with their whole
timeline (登记 → 交办 → 督办 → 答复 → 评价 → 再次交办 → 办结 / 结案), the reception–deputy index,
the Chinese keyword index and the case-number counters — the same rows and index text the
services would have written, so ``receptions.page(keyword=…)`` finds exactly what a clerk's own
entries would give and ``cases.next_number`` goes on after the last generated number.

Keys and index rows as the services write them: each reception's ``sort_key`` is
:func:`receptions.time_key` of its time, moved on by a microsecond while taken (as
:func:`receptions.free_sort_key`, here in time order, so the same seed gives the same keys); the
reception index's rowid is that ``sort_key``; a case is indexed with its *stored* department (the
one its last 交办/再次交办 gave, as :func:`cases.act` re-indexes); one :class:`CaseCounter` row per
station and year holds the highest number given.

Speed (BASELINES.md): rows are built as tuples of stored values (timestamps already in the
:class:`~station_app.db.fields.TimestampField` format, JSON already dumped) and go through
:func:`station_app.db.bulk.bulk_insert` one block of receptions per transaction. On SQLite, a table
that is empty when we start has its secondary indexes dropped for the load and re-created from
their own stored ``CREATE INDEX`` text afterwards (sorting once beats 8 random B-tree inserts per
row: 7.5× → 1.8× of raw in BASELINES).

Deterministic: one seeded ``random.Random`` makes every choice and every uid (UUID4 text from
``getrandbits(128)``), so the same seed, ``today`` and starting database give the same rows.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import random
import time
from collections.abc import Sequence

import peewee as pw

from station_app.db import search
from station_app.db.bulk import bulk_insert
from station_app.db.connection import database
from station_app.db.loading import (
    LOADING_CACHE_KIB,
    EmptyTableIndexes,
    raise_cache_for_loading,
    restore_cache,
)
from station_app.db.models import Case, CaseCounter, CaseEvent, Reception, ReceptionDeputy
from station_app.demo.names import GIVEN_F, GIVEN_M, MINORITY, PHONE_PREFIXES, SURNAMES
from station_app.domain import clock
from station_app.domain.cases import add_working_days
from station_app.domain.codes import CaseAction, CaseStatus, Category, Channel, Evaluation, Handling
from station_app.services import settings
from station_app.services.cases import DEFAULT_DEPARTMENTS
from station_app.services.receptions import time_key

BLOCK = 50_000  # receptions per transaction (with their deputies, cases, events and index rows)

VILLAGES = ("东营村", "西营村", "南街村", "北街村", "前屯村", "后屯村", "王庄村", "李家村", "张集村", "柳树村",
            "杏园村", "枣林村", "河口村", "龙泉村", "新兴社区")
CLERKS = ("刘晓燕", "陈志刚", "赵丽娟")

# channel code, cumulative weight (进站来访 most, then 走访, 电话, 扫码)
CHANNELS = ((Channel.VISIT.value, 0.74), (Channel.HOME_VISIT.value, 0.86), (Channel.PHONE.value, 0.95),
            (Channel.QR.value, 1.0))

_C = Category
# (weight, category, subjects, problems, requests, departments, on-the-spot replies, department replies)
TOPICS: tuple[tuple, ...] = (
    (9, _C.INFRASTRUCTURE, ("村里通往镇上的道路", "村东头的生产路", "村内主街", "村后的机耕路"),
     ("路面破损坑洼，雨天积水严重", "年久失修，坑洼不平，群众出行不便", "路面太窄，农忙时大车会车困难"),
     ("希望尽快安排维修硬化", "希望纳入明年道路提升计划"), ("县交通运输局", "镇经济发展办"),
     ("已向群众说明村道提升项目的申报程序，群众表示理解",),
     ("已安排施工队完成路面修补", "已纳入明年农村公路提升计划，先行修补坑洼路段")),
    (4, _C.INFRASTRUCTURE, ("村里的路灯", "村口的桥涵", "村内排水沟"),
     ("损坏多日没人修", "堵塞严重，下雨就往院子里灌水"), ("希望有关部门尽快处理",),
     ("镇经济发展办", "供电所", "县水利局"), ("已联系村委会安排电工查看",), ("已更换损坏灯具并疏通排水沟",)),
    (6, _C.AGRICULTURE, ("土地流转", "承包土地确权", "土地流转费"),
     ("合同到期后流转费迟迟没有结清", "确权面积与实际耕种面积不一致", "流转价格偏低，群众有意见"),
     ("希望帮助协调解决", "希望重新核实土地面积"), ("镇农业农村办", "镇自然资源所"),
     ("已解释土地流转合同的有关规定，建议先与村委会协商",), ("已组织村委会与流转方协商，流转费已结清", "已重新测量并更正确权面积")),
    (3, _C.AGRICULTURE, ("宅基地审批", "宅基地界线"),
     ("申请翻建住房，宅基地审批手续一直没有办下来", "与邻居的宅基地界线有争议"),
     ("希望加快办理", "希望依法确定界线"), ("镇自然资源所", "镇司法所"),
     ("已告知宅基地申请需要的材料和流程",), ("已按程序完成审批，发放宅基地批准书", "已现场测量并调解，双方签订协议")),
    (4, _C.AGRICULTURE, ("农田灌溉", "春耕农资", "小麦种植补贴"),
     ("机井坏了没人修，浇地困难", "化肥价格上涨，担心影响春耕", "补贴发放名单里没有自己"),
     ("希望尽快解决", "希望帮助核实"), ("镇农业农村办", "县水利局"),
     ("已说明耕地地力保护补贴的发放标准和时间",), ("机井已维修，恢复灌溉", "经核实已补录，补贴已发放")),
    (0.2, _C.ENVIRONMENT, ("屋顶光伏", "光伏发电项目"),
     ("安装后发电收益与当初宣传的不一样", "企业租用屋顶安装光伏，合同条款不清楚"),
     ("希望帮助核实合同", "希望有关部门监管"), ("供电所", "镇经济发展办"),
     ("已讲解分布式光伏并网和收益结算的政策",), ("已约谈企业，按合同补发收益",)),
    (6, _C.SOCIAL_SECURITY, ("低保申请", "低保待遇", "临时救助"),
     ("家中老人长期患病，生活困难，申请低保没有通过", "低保被取消了，不清楚原因", "家里突发变故，生活困难"),
     ("希望重新评估", "希望给予帮助"), ("镇社会事务办",),
     ("已告知低保申请条件和办理程序", "已解释低保动态调整政策"), ("经入户调查，已按程序纳入低保", "已发放临时救助金")),
    (5, _C.HEALTH, ("医保缴费", "医保报销", "村卫生室"),
     ("不清楚今年城乡居民医保缴费时间和标准", "慢性病门诊报销比例低，手续麻烦", "村卫生室缺少常用药"),
     ("希望给予解答", "希望改善"), ("镇卫生院", "镇社会事务办"),
     ("已当场告知医保缴费时间和标准", "已讲解慢性病门诊的报销政策"), ("卫生院已为村卫生室补充常用药品",)),
    (5, _C.ELDERLY_CARE, ("养老金", "高龄补贴", "村里的幸福院"),
     ("养老金这个月没有按时到账", "年满80周岁了还没有领到高龄补贴", "幸福院建好后一直没有运营"),
     ("希望帮助查一下", "希望尽快运营起来"), ("镇社会事务办",),
     ("已帮助查询养老金发放记录，系银行代发延迟",), ("已补办高龄补贴手续", "幸福院已安排人员开始运营")),
    (5, _C.ENVIRONMENT, ("垃圾清运", "村内坑塘", "养殖场异味"),
     ("垃圾桶满了好几天没人清运", "坑塘水体发黑发臭", "养殖场离村太近，夏天气味大"),
     ("希望增加清运次数", "希望尽快治理"), ("镇生态环境办", "镇综合执法队"),
     ("已联系保洁公司当天清运",), ("已调整清运频次为每天一次", "已完成坑塘清淤", "已督促养殖场整改")),
    (4, _C.INFRASTRUCTURE, ("饮水", "自来水"),
     ("自来水经常停水，水压不够", "水质发浑，有水垢"), ("希望尽快解决吃水问题",), ("县水利局",),
     ("已告知近期管网改造的停水安排",), ("已完成管网维修，供水恢复正常", "已检测水质并更换过滤设备")),
    (4, _C.EMPLOYMENT, ("就业", "返乡创业贷款", "技能培训"),
     ("家里有劳动力想在附近找工作", "想申请创业担保贷款不知道怎么办", "希望多开展电商、家政技能培训"),
     ("希望提供就业信息", "希望帮助办理"), ("镇经济发展办", "镇社会事务办"),
     ("已介绍镇上企业的招工信息", "已告知创业担保贷款的申请条件"), ("已推荐到镇工业园企业就业", "已组织技能培训班")),
    (3, _C.EDUCATION, ("孩子上学", "校车", "学校周边交通"),
     ("孩子入学划片不清楚", "校车路线调整后接送不方便", "学校门口上下学时段车辆拥堵"),
     ("希望给予协调",), ("镇中心学校", "镇派出所"),
     ("已告知今年义务教育招生划片政策",), ("已调整校车停靠点", "已在上下学时段安排警力疏导")),
    (4, _C.LEGAL_DISPUTE, ("邻里纠纷", "工资拖欠", "土地边界纠纷"),
     ("与邻居因排水问题发生矛盾", "在建筑工地打工的工资被拖欠", "与邻村因土地边界发生争执"),
     ("希望帮助调解", "希望帮助讨要"), ("镇司法所", "镇派出所"),
     ("已讲解有关法律规定，建议通过人民调解解决",), ("经调解双方达成协议", "已协调施工方结清工资")),
    (2, _C.BUSINESS_ENVIRONMENT, ("个体经营", "农产品销售"),
     ("办理营业执照跑了好几趟", "蔬菜收获后销路不畅"), ("希望简化手续", "希望帮助对接销路"),
     ("镇经济发展办",), ("已告知可在镇便民服务中心一次办理",), ("已帮助对接县城超市和电商平台",)),
    (3, _C.OTHER, ("户籍迁移", "村务公开"),
     ("户口迁移手续不清楚", "村里账目公开不及时"), ("希望给予指导", "希望督促公开"), ("镇党政办", "镇派出所"),
     ("已告知户籍迁移所需材料",), ("已督促村委会按季度公开村务")),
)
OPENERS = ("反映", "群众反映", "来访反映", "咨询", "反映本村", "来站反映")
CLOSINGS = ("接待代表当场做了解释。", "代表表示将跟踪办理。", "已登记，承诺按时答复。", "")
SUPERVISE_NOTES = ("电话督办，承办单位表示正在办理", "代表到现场查看办理进度", "发督办函，要求按期答复")
CLOSE_REASONS = ("诉求超出现行政策范围，已做好解释工作", "属历史遗留问题，经多方协调暂无法解决，已向群众说明",
                 "群众诉求涉及诉讼，已引导通过司法途径解决")
UNEVALUATED = "多次联系群众未接通，经核实已办理完毕，办结"

VISIT = Channel.VISIT.value
PHONE = Channel.PHONE.value
ON_SPOT, ASSIGNED_H, PROPOSAL = Handling.ON_THE_SPOT.value, Handling.ASSIGNED.value, Handling.DEPUTY_PROPOSAL.value
A_REGISTER, A_ASSIGN, A_SUPERVISE = CaseAction.REGISTER.value, CaseAction.ASSIGN.value, CaseAction.SUPERVISE.value
A_REPLY, A_EVALUATE, A_REASSIGN = CaseAction.REPLY.value, CaseAction.EVALUATE.value, CaseAction.REASSIGN.value
A_RESOLVE, A_CLOSE = CaseAction.RESOLVE.value, CaseAction.CLOSE.value
S_REGISTERED, S_ASSIGNED, S_IN_PROGRESS = (CaseStatus.REGISTERED.value, CaseStatus.ASSIGNED.value,
                                           CaseStatus.IN_PROGRESS.value)
S_REPLIED, S_RESOLVED, S_CLOSED = (CaseStatus.REPLIED.value, CaseStatus.RESOLVED.value,
                                   CaseStatus.CLOSED_UNRESOLVED.value)
SATISFIED, BASIC, DISSATISFIED = (Evaluation.SATISFIED.value, Evaluation.BASICALLY_SATISFIED.value,
                                  Evaluation.DISSATISFIED.value)
_EVAL_LABEL = {SATISFIED: Evaluation.SATISFIED.label, BASIC: Evaluation.BASICALLY_SATISFIED.label}
_MINUTE = [f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)]
_US_MINUTE = 60_000_000

RECEPTION_FIELDS = (Reception.id, Reception.uid, Reception.station_code, Reception.created_at, Reception.updated_at,
                    Reception.deleted_at, Reception.received_at, Reception.sort_key, Reception.channel,
                    Reception.visitor_name, Reception.visitor_phone, Reception.visitor_id_number, Reception.village,
                    Reception.visitor_count, Reception.deputy_uids, Reception.activity_day_uid, Reception.summary)
RD_FIELDS = (ReceptionDeputy.reception_uid, ReceptionDeputy.deputy_uid)
CASE_FIELDS = (Case.id, Case.uid, Case.station_code, Case.created_at, Case.updated_at, Case.deleted_at,
               Case.reception_uid, Case.number, Case.registered_at, Case.category, Case.content, Case.handling,
               Case.urgency, Case.department, Case.co_departments, Case.deadline, Case.status, Case.evaluation,
               Case.rounds, Case.resolved_at)
EVENT_FIELDS = (CaseEvent.uid, CaseEvent.station_code, CaseEvent.created_at, CaseEvent.updated_at,
                CaseEvent.deleted_at, CaseEvent.case_uid, CaseEvent.at, CaseEvent.action, CaseEvent.actor,
                CaseEvent.note, CaseEvent.round, CaseEvent.department, CaseEvent.deadline, CaseEvent.evaluation)


def uid_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))`` without building a UUID object (3× faster)."""
    bits = (bits & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def fts_body(*fields: str) -> str:
    """The index text of ``fields`` as the services write it (``search_text`` joins the fields with
    a space, ``index_row`` splits it); a test keeps the two equal."""
    return search.split_chars(" ".join(fields))


def _mon_fri(d: dt.date) -> bool:
    return d.weekday() < 5


class _Clock:
    """Stored timestamp texts without a datetime per value: the day's prefix and offset are
    taken once from :func:`clock.format_ts`, so the text is exactly what the field stores."""

    def __init__(self) -> None:
        self._days: dict[dt.date, tuple[str, str]] = {}
        self._keys: dict[dt.date, int] = {}
        self._wd: dict[tuple[dt.date, int], dt.date] = {}

    def day(self, d: dt.date) -> tuple[str, str]:
        got = self._days.get(d)
        if got is None:
            text = clock.format_ts(dt.datetime(d.year, d.month, d.day, 12, 0, tzinfo=clock.zone()))
            got = self._days[d] = (text[:11], text[-6:])
        return got

    def midnight_key(self, d: dt.date) -> int:
        """:func:`receptions.time_key` of the day's 00:00, with the offset the day's texts carry
        (taken at noon, as :meth:`day`): ``+ minute * 60e6`` is the key of ``ts(d, minute)``."""
        got = self._keys.get(d)
        if got is None:
            got = self._keys[d] = time_key(dt.datetime(d.year, d.month, d.day, 12, 0, tzinfo=clock.zone())) \
                - 720 * _US_MINUTE
        return got

    def ts(self, d: dt.date, minute: int, second: int = 0, micro: int = 0) -> str:
        prefix, offset = self.day(d)
        return f"{prefix}{_MINUTE[minute]}:{second:02d}.{micro:06d}{offset}"

    def add_wd(self, d: dt.date, days: int) -> dt.date:
        key = (d, days)
        got = self._wd.get(key)
        if got is None:
            got = self._wd[key] = add_working_days(d, days, _mon_fri)
        return got


def _work_minute(r: float) -> int:
    """A minute of the working day (08:30–11:30, 14:00–17:30) from a uniform ``r``."""
    m = int(r * 390)
    return 510 + m if m < 180 else 840 + (m - 180)


_Sqlite = EmptyTableIndexes  # the old name


def cache_kib(n: int) -> int:
    """The page cache (KiB) for loading a demo of ``n`` receptions and its duty records: it grows
    with the load (¼ KiB a reception), not the import's 256 MiB whatever the size, so that demo at
    100k stays under 300 MB (bench/bench_duty.py)."""
    return min(LOADING_CACHE_KIB, max(16_384, n // 4))



def generate(n: int, seed: int, station_code: str, deputy_uids: list[str],
             activity_days: Sequence[tuple[str, dt.date]] = (), today: dt.date | None = None, years: int = 1,
             timings: dict[str, float] | None = None) -> dict[str, int]:
    """Write ``n`` demo receptions with their cases and timelines; returns the row counts.

    ``activity_days`` are (uid, date) of the station's activity days: more visitors come on
    those dates and their receptions link to the day. Everything happens before ``today``
    (default: the real today), so the events are history and deadlines before ``today`` with
    no reply make overdue cases. ``timings`` (optional) receives seconds per phase:
    ``build`` (Python row making), ``receptions`` / ``cases`` (bulk inserts), ``index``
    (re-creating dropped indexes), ``fts`` (keyword index)."""
    t = timings if timings is not None else {}
    for phase in ("build", "receptions", "cases", "fts", "index"):
        t.setdefault(phase, 0.0)
    t0 = time.perf_counter()
    today = today or clock.today()
    rng = random.Random(seed)
    r = rng.random
    bits = rng.getrandbits
    ck = _Clock()
    deadline_days = {ASSIGNED_H: int(settings.get("cases.deadline_days.assigned")),
                     PROPOSAL: int(settings.get("cases.deadline_days.deputy_proposal"))}
    actor = CLERKS[seed % len(CLERKS)]
    deputies = list(dict.fromkeys(deputy_uids))

    # -- the days and minutes of the visits, oldest first -------------------------------------
    first = today - dt.timedelta(days=round(365.25 * years))
    days = [first + dt.timedelta(days=i) for i in range((today - first).days)]
    activity = {d: uid for uid, d in activity_days}
    cum, total = [], 0.0
    for d in days:
        total += 6.0 if d in activity else (1.0 if d.weekday() < 5 else 0.06)
        cum.append(total)
    keys = sorted(bisect.bisect_right(cum, r() * total) * 1440 + _work_minute(r()) for _ in range(n))

    # -- where the ids and case numbers go on ------------------------------------------------
    rec_id = (Reception.select(pw.fn.MAX(Reception.id)).scalar() or 0)
    case_id = (Case.select(pw.fn.MAX(Case.id)).scalar() or 0)
    seq = {year: _last_number(station_code, year) for year in range(first.year, today.year + 1)}
    seq_before = dict(seq)
    taken: set[int] = set()  # sort keys of receptions already there (a second run into the same database)
    if Reception.select().exists():
        taken = {k for (k,) in Reception.select(Reception.sort_key)
                 .where(Reception.sort_key >= ck.midnight_key(first)).tuples().iterator()}
    prev_key = -1

    topic_cum, tw = [], 0.0
    for topic in TOPICS:
        tw += topic[0]
        topic_cum.append(tw)
    known: list[tuple[str, str, str]] = []
    counts = {"receptions": 0, "cases": 0, "case_events": 0}
    fts = search.is_sqlite()
    indexes = EmptyTableIndexes(("reception", "reception_deputy", "case", "case_event"))
    cache = raise_cache_for_loading(cache_kib(n))
    t["build"] += time.perf_counter() - t0
    indexes.drop()
    try:
        for start in range(0, n, BLOCK):
            t1 = time.perf_counter()
            recs, cases_, events, rec_fts, case_fts = [], [], [], [], []
            rds: list[tuple[str, str]] = []
            for key in keys[start:start + BLOCK]:
                day = days[key // 1440]
                minute = key % 1440
                sort_key = ck.midnight_key(day) + minute * _US_MINUTE
                if sort_key <= prev_key:  # same minute as the one before (keys come in time order)
                    sort_key = prev_key + 1
                while taken and sort_key in taken:
                    sort_key += 1
                prev_key = sort_key
                rec_id += 1
                ruid = uid_text(bits(128))
                received = ck.ts(day, minute)
                created = ck.ts(day, minute + 1 + int(r() * 30), int(r() * 60), int(r() * 1_000_000))
                x = r()
                channel = CHANNELS[0][0] if x < 0.74 else CHANNELS[1][0] if x < 0.86 else \
                    CHANNELS[2][0] if x < 0.95 else CHANNELS[3][0]
                day_uid = activity.get(day)
                if day_uid is not None:
                    channel = VISIT if x < 0.9 else channel
                if known and r() < 0.12:  # a visitor who came before
                    name, phone, village = known[int(r() * len(known))]
                else:
                    if r() < 0.05:
                        name = MINORITY[int(r() * len(MINORITY))][0]
                    else:
                        given = GIVEN_F if r() < 0.4 else GIVEN_M
                        name = SURNAMES[int(r() * len(SURNAMES))] + given[int(r() * len(given))]
                        if r() < 0.7:
                            name += given[int(r() * len(given))]
                    phone = "" if (r() < 0.12 and channel != PHONE) else \
                        PHONE_PREFIXES[int(r() * len(PHONE_PREFIXES))] + f"{int(r() * 100_000_000):08d}"
                    village = VILLAGES[int(r() * len(VILLAGES))]
                    if len(known) < 20_000:
                        known.append((name, phone, village))
                    else:
                        known[int(r() * 20_000)] = (name, phone, village)
                count = 1
                if r() < 0.015:
                    count = 5 + int(r() * 36)
                elif r() < 0.08:
                    count = 2 + int(r() * 3)
                k = 1 if (x := r()) < 0.55 else 2 if x < 0.9 else 3
                chosen = rng.sample(deputies, min(k, len(deputies))) if deputies else []
                # opinions: 0 (48 %), 1 (44 %), 2 (8 %)
                x = r()
                n_ops = 0 if x < 0.48 else 1 if x < 0.92 else 2
                issues = []
                for _ in range(max(n_ops, 1)):
                    topic = TOPICS[bisect.bisect_right(topic_cum, r() * tw)]
                    subj = topic[2][int(r() * len(topic[2]))]
                    issue = f"{subj}{topic[3][int(r() * len(topic[3]))]}，{topic[4][int(r() * len(topic[4]))]}"
                    issues.append((topic, issue))
                opener = OPENERS[int(r() * len(OPENERS))]
                summary = opener + issues[0][1] + "。"
                if len(issues) > 1:
                    summary += "另反映" + issues[1][1] + "。"
                if count >= 5:
                    summary = f"{village}村民{count}人集体来访，{summary}"
                summary += CLOSINGS[int(r() * len(CLOSINGS))]
                if len(summary) < 20:
                    summary += "接待代表认真听取了群众意见，做好记录。"
                summary = summary[:200]
                recs.append((rec_id, ruid, station_code, created, created, None, received, sort_key, channel, name,
                             phone, "",
                             village, count, ('["' + '","'.join(chosen) + '"]') if chosen else "[]", day_uid, summary))
                rds.extend((ruid, d) for d in chosen)
                rec_fts.append((sort_key, fts_body(name, phone, village, summary)))  # rowid = sort_key
                for topic, issue in issues[:n_ops]:
                    case_id += 1
                    counts["cases"] += 1
                    year = day.year
                    seq[year] += 1
                    number = f"{year}-{seq[year]:04d}"
                    cuid = uid_text(bits(128))
                    x = r()
                    handling = ON_SPOT if x < 0.70 else ASSIGNED_H if x < 0.96 else PROPOSAL
                    dept = topic[5][int(r() * len(topic[5]))] if handling != ON_SPOT else ""
                    co = "[]"
                    if handling == ASSIGNED_H and r() < 0.1:
                        other = DEFAULT_DEPARTMENTS[int(r() * len(DEFAULT_DEPARTMENTS))]
                        co = json.dumps([other], ensure_ascii=False) if other != dept else "[]"
                    urgency = "urgent" if r() < 0.06 else "normal"
                    evs = [(A_REGISTER, received, "", "", None, None)]
                    if handling == ON_SPOT:
                        reply = topic[6][int(r() * len(topic[6]))]
                        evs.append((A_REPLY, received, reply, "", None, None))
                        evs.append((A_RESOLVE, received, "当场答复办结", "", None, None))
                        state = (S_RESOLVED, "", None, None, 1, received)
                        last = received
                    else:
                        state, last = _loop(rng, ck, topic, handling, dept, day, received, today,
                                            deadline_days[handling], evs)
                    status, s_dept, s_deadline, evaluation, rounds, resolved_at = state
                    updated = created if last == received else last
                    cases_.append((case_id, cuid, station_code, created, updated, None, ruid, number, received,
                                   topic[1].value, issue, handling, urgency, s_dept, co, s_deadline, status,
                                   evaluation, rounds, resolved_at))
                    # as create_in_transaction, then cases.act after a 再次交办 to another department
                    case_fts.append((case_id, fts_body(number, name, village, s_dept, issue)))
                    rnd = 1
                    for action, at, note, e_dept, e_deadline, e_eval in evs:
                        if action == A_REASSIGN:
                            rnd += 1
                        events.append((uid_text(bits(128)), station_code, created if at == received else at,
                                       created if at == received else at, None, cuid, at, action, actor, note, rnd,
                                       e_dept, e_deadline, e_eval))
            counts["receptions"] += len(recs)
            counts["case_events"] += len(events)
            t2 = time.perf_counter()
            t["build"] += t2 - t1
            with database.atomic():
                bulk_insert(Reception, RECEPTION_FIELDS, recs, chunk=BLOCK)
                bulk_insert(ReceptionDeputy, RD_FIELDS, rds, chunk=4 * BLOCK)
                t3 = time.perf_counter()
                t["receptions"] += t3 - t2
                bulk_insert(Case, CASE_FIELDS, cases_, chunk=4 * BLOCK)
                bulk_insert(CaseEvent, EVENT_FIELDS, events, chunk=8 * BLOCK)
                t4 = time.perf_counter()
                t["cases"] += t4 - t3
                if fts:
                    cur = database.cursor()
                    cur.executemany(search.bulk_index_sql("reception_fts"), rec_fts)
                    cur.executemany(search.bulk_index_sql("case_fts"), case_fts)
                t["fts"] += time.perf_counter() - t4
        with database.atomic():  # cases.next_number goes on from here
            for year, last_number in seq.items():
                if last_number > seq_before[year] and not CaseCounter.update(last=last_number).where(
                        CaseCounter.station_code == station_code, CaseCounter.year == year).execute():
                    CaseCounter.create(station_code=station_code, year=year, last=last_number)
    finally:
        t5 = time.perf_counter()
        indexes.restore(t)
        restore_cache(cache)
        t["index"] += time.perf_counter() - t5
    return counts


def _last_number(code: str, year: int) -> int:
    """The highest case number of ``year`` given so far: the counter's, or the numbers' own when
    there is no counter (compared as numbers: ``2026-10000`` is above ``2026-9999``)."""
    counter = CaseCounter.get_or_none(CaseCounter.station_code == code, CaseCounter.year == year)
    numbers = (Case.select(Case.number).where(Case.station_code == code, Case.number >= f"{year}-",
                                              Case.number < f"{year}.").tuples())
    top = max((int(tail) for (num,) in numbers.iterator() if (tail := num.split("-", 1)[1]).isdigit()), default=0)
    return max(counter.last if counter else 0, top)


def _loop(rng: random.Random, ck: _Clock, topic: tuple, handling: str, dept: str, day: dt.date, received: str,
          today: dt.date, days: int, evs: list) -> tuple[tuple, str]:
    """The timeline of a 交办/代表建议 case after its registration, cut at ``today``; returns the
    state it reaches (status, department, deadline, evaluation, rounds, resolved_at) and the
    time of its last event. Mirrors :func:`station_app.domain.cases.step` (the tests replay it)."""
    r = rng.random
    # planned steps: (action, date, note, department, deadline, evaluation); date None = at registration
    plan: list[tuple] = []
    deadline = ck.add_wd(day, days)
    plan.append((A_ASSIGN, None, "形成代表建议" if handling == PROPOSAL else "", dept, deadline, None))
    fate = r()
    cur_day, cur_dept, rnd = day, dept, 1
    while True:
        if fate < 0.07 and rnd == 1:  # stalled with the department: no reply yet (overdue once the deadline passes)
            if r() < 0.6:
                plan.append((A_SUPERVISE, ck.add_wd(cur_day, 3 + int(r() * max(1, days - 3))),
                             SUPERVISE_NOTES[int(r() * 3)], "", None, None))
            break
        late = r() < 0.08
        k_reply = 2 + int(r() * max(1, days - 2)) if not late else days + 1 + int(r() * 10)
        if r() < 0.3 and k_reply > 2:
            plan.append((A_SUPERVISE, ck.add_wd(cur_day, 1 + int(r() * (k_reply - 2))),
                         SUPERVISE_NOTES[int(r() * 3)], "", None, None))
        reply_day = ck.add_wd(cur_day, k_reply)
        plan.append((A_REPLY, reply_day, topic[7][int(r() * len(topic[7]))], "", None, None))
        x = r()
        eval_day = ck.add_wd(reply_day, 1 + int(r() * 5))
        if x < 0.02:
            plan.append((A_CLOSE, eval_day, CLOSE_REASONS[int(r() * 3)], "", None, None))
            break
        if x < 0.05:
            plan.append((A_RESOLVE, eval_day, UNEVALUATED, "", None, None))
            break
        y = r()
        bad = (0.12, 0.3, 0.0)[rnd - 1]
        if y < bad:
            plan.append((A_EVALUATE, eval_day, "群众认为问题没有彻底解决", "", None, DISSATISFIED))
            if r() < 0.75:
                again = ck.add_wd(eval_day, 1 + int(r() * 3))
                if r() < 0.4:
                    cur_dept = DEFAULT_DEPARTMENTS[int(r() * len(DEFAULT_DEPARTMENTS))]
                plan.append((A_REASSIGN, again, "群众不满意，再次交办", cur_dept, ck.add_wd(again, days), None))
                cur_day, rnd = again, rnd + 1
                continue
            plan.append((A_CLOSE, ck.add_wd(eval_day, 1 + int(r() * 5)), CLOSE_REASONS[int(r() * 3)], "", None, None))
            break
        ev = SATISFIED if y < bad + (1 - bad) * 0.68 else BASIC
        plan.append((A_EVALUATE, eval_day, "", "", None, ev))
        plan.append((A_RESOLVE, eval_day, f"群众{_EVAL_LABEL[ev]}，办结", "", None, None))
        break

    status, s_dept, s_deadline, evaluation, rounds, resolved_at = S_REGISTERED, "", None, None, 1, None
    last = received
    prev_at = received
    for action, when, note, e_dept, e_deadline, e_eval in plan:
        if when is None:
            at = received
        elif when >= today:
            break  # not happened yet
        elif action == A_RESOLVE and evs[-1][0] == A_EVALUATE:
            at = prev_at  # 满意/基本满意 closes in the same minute
        else:
            at = ck.ts(when, _work_minute(r()), int(r() * 60), int(r() * 1_000_000))
        if action in (A_ASSIGN, A_REASSIGN):
            status, s_dept, s_deadline, evaluation = S_ASSIGNED, e_dept, e_deadline, None
            rounds += action == A_REASSIGN
        elif action == A_SUPERVISE:
            status = S_IN_PROGRESS
        elif action == A_REPLY:
            status, evaluation = S_REPLIED, None
        elif action == A_EVALUATE:
            evaluation = e_eval
        elif action == A_RESOLVE:
            status, resolved_at = S_RESOLVED, at
        else:
            status = S_CLOSED
        evs.append((action, at, note, e_dept, e_deadline.isoformat() if e_deadline else None, e_eval))
        last = prev_at = at
    return (status, s_dept, s_deadline.isoformat() if s_deadline else None, evaluation, rounds, resolved_at), last
