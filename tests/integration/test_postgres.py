"""The county path: the same models, migrations and services on a real PostgreSQL server.

``.ci/run`` starts a server and sets ``STATION_APP_TEST_PG``; locally the tests skip when it is
absent (CI turns any skip into a failure).
"""

from __future__ import annotations

import pytest

from station_app.db import close_database, open_database
from station_app.db.migrations import latest_version
from station_app.db.models import AuditLog, Deputy, SchemaVersion
from station_app.domain.records import DeputyData
from station_app.services import deputies, settings, station
from tests.conftest import TEST_STATION

pytestmark = pytest.mark.postgres


def test_migrations_and_roster_on_postgres(pg_url):
    open_database(pg_url)
    assert max(v.version for v in SchemaVersion.select()) == latest_version()
    station.save_home_station(TEST_STATION)
    dep = deputies.create(DeputyData(name="赛山·托西别克", levels=("county", "township"), phone="13912345678",
                                         group="第一代表小组"))
    deputies.update(dep.uid, DeputyData(name="赛山·托西别克", levels=("county",), phone="13912345678",
                                               group="第一代表小组"))
    deputies.set_active(dep.uid, False)
    settings.set("qr.mode", "mecard")
    close_database()

    open_database(pg_url)  # a second start finds everything and migrates nothing
    row = Deputy.get(Deputy.uid == dep.uid)
    assert row.name == "赛山·托西别克" and row.active is False and row.station_code == "T01"
    assert row.updated_at > row.created_at
    actions = [a.action for a in AuditLog.select().where(AuditLog.record_uid == dep.uid).order_by(AuditLog.id)]
    assert actions == ["create", "update", "deactivate"]
    assert settings.get("qr.mode") == "mecard"
    assert [d.name for d in deputies.all_deputies()] == ["赛山·托西别克"]
    assert deputies.count(deputies.DeputyFilter(text="托西")) == 0  # deactivated: not in the default filter
    assert deputies.count(deputies.DeputyFilter(text="托西", active=None)) == 1


def test_activity_days_on_postgres(pg_url):
    import datetime as dt

    from station_app.errors import ValidationError
    from station_app.services import activity

    open_database(pg_url)
    station.save_home_station(TEST_STATION)
    uids = [deputies.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英", "张伟")]
    settings.set("schedule.rules", ["每月15日"])
    assert activity.generate_year(2026, today=dt.date(2026, 1, 1)).created == 12
    march = activity.month_days(2026, 3)[0]
    with pytest.raises(ValidationError):
        activity.add_day(march.date)
    assert activity.sign_in(march.uid, {uids[0]: "present", uids[1]: "absent"}).status == "held"
    facts = activity.attendance_facts(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert facts[uids[0]].present == 1 and facts[uids[1]].absent == 1


def test_year_rota_themes_and_sign_in_on_postgres(pg_url):
    """A whole year on PostgreSQL: themes, leave, weekly days and their rota, a refused clash (the
    transaction stays usable), a swap kept through rebalancing, sign-in one by one, the facts."""
    import datetime as dt

    import peewee as pw

    from station_app.db.connection import database
    from station_app.db.models import ActivityDay
    from station_app.errors import ValidationError
    from station_app.services import activity

    D = dt.date
    open_database(pg_url)
    station.save_home_station(TEST_STATION)
    uids = [deputies.create(DeputyData(name=n, levels=("township",))).uid
            for n in ("王建国", "李秀英", "张伟", "阿依古丽·买买提", "刘洋")]
    settings.set("schedule.rules", ["每周三"])
    activity.set_monthly_theme("2026-10", "秋粮收购与农民增收")
    activity.add_unavailable(uids[0], D(2026, 10, 1), D(2026, 10, 31), "外出学习")
    summary = activity.generate_year(2026, today=D(2026, 1, 1))
    assert summary.created >= 50 and activity.generate_year(2026, today=D(2026, 1, 1)).created == 0
    days = activity.days_in_range(D(2026, 1, 1), D(2026, 12, 31))
    turns = {u: sum(u in {d.uid for d in day.duty} for day in days) for u in uids}
    assert max(turns.values()) - min(turns.values()) <= 1
    october = [d for d in days if d.date.month == 10]
    assert {d.theme for d in october} == {"秋粮收购与农民增收"}
    assert not any(uids[0] in {p.uid for p in d.duty} for d in october)

    with pytest.raises(ValidationError, match="同一天不能安排两个活动日"):
        activity.move_day(days[1].uid, days[0].date, "冲突")
    with pytest.raises(pw.IntegrityError), database.atomic():  # the partial unique index on PostgreSQL
        ActivityDay.create(station_code="T01", date=days[0].date)
    future = days[-1]
    out_uid = future.duty[0].uid
    in_uid = next(u for u in uids if u not in {d.uid for d in future.duty})
    activity.swap_duty(future.uid, out_uid, in_uid, "家中有事")
    activity.reassign_rota(2026, today=D(2026, 1, 1))
    assert in_uid in {d.uid for d in activity.get(future.uid).duty}

    first = days[0]
    activity.sign_in(first.uid, uids[1], "present")
    activity.sign_in(first.uid, uids[2], "late")
    assert activity.get(first.uid).status == "held"
    [facts] = activity.attendance_points(uids[2], D(2026, 1, 1), D(2026, 12, 31))
    assert (facts.late, facts.day_uids, facts.dates) == (1, (first.uid,), (first.date,))


def test_receptions_cases_search_and_stats_on_postgres(pg_url):
    import datetime as dt

    from station_app.domain import clock
    from station_app.domain.records import OpinionData, ReceptionData
    from station_app.services import cases, receptions, stats
    from station_app.services.check import run_check

    open_database(pg_url)
    station.save_home_station(TEST_STATION)
    uid = deputies.create(DeputyData(name="王建国", levels=("township",))).uid
    at = clock.now() - dt.timedelta(hours=1)
    rec = receptions.record_visit(
        ReceptionData(at, "visit", "张大爷", "13812341234", village="前进村", visitor_count=3, deputy_uids=(uid,),
                      summary="反映土地流转费用100%未结清"),
        [OpinionData("村道坑洼", "infrastructure", "assigned", department="镇农业农村办"),
         OpinionData("咨询医保", "health", "on_the_spot", reply="已答复")])
    road = next(c for c in cases.page(reception_uid=rec.uid).rows if c.handling == "assigned")
    cases.reply(road.uid, "已修补")
    cases.evaluate(road.uid, "dissatisfied")
    cases.reassign(road.uid, "县交通运输局")
    cases.reply(road.uid, "已硬化")
    assert cases.evaluate(road.uid, "satisfied").rounds == 2
    # search without the SQLite index: ILIKE, wildcards in the term taken literally
    assert [r.uid for r in receptions.page(keyword="土地").rows] == [rec.uid]
    assert receptions.page(keyword="100%").rows and not receptions.page(keyword="0%未结清x").rows
    assert len(cases.page(keyword="坑洼").rows) == 1 and len(cases.page(keyword="张大爷").rows) == 2
    f = stats.figures(at.date(), at.date())
    assert (f.receptions, f.visitors, f.cases_collected, f.cases_resolved, f.satisfaction_rate) == (1, 3, 2, 2, 1.0)
    assert f.deputies_in_station == 1
    assert [x.message for x in run_check() if x.severity == "error"] == []


def test_audit_chain_on_postgres(pg_url):
    """The hash chain on the county server: entries chain under the advisory lock, an edited and a
    deleted entry are named."""
    from station_app.db.connection import database
    from station_app.services import audit

    open_database(pg_url)
    station.save_home_station(TEST_STATION)
    for i in range(30):
        audit.record("update", "reception", f"r{i}", {"n": 0}, {"n": i}, summary=f"接待{i}")
    assert audit.verify_chain() is None
    database.execute_sql("UPDATE audit_log SET summary = '改' WHERE seq = 7")
    assert (audit.verify_chain().kind, audit.verify_chain().seq) == ("edited", 7)
    database.execute_sql("UPDATE audit_log SET summary = '接待5' WHERE seq = 7")
    database.execute_sql("DELETE FROM audit_log WHERE seq = 12")
    assert audit.verify_chain().message == "审计日志第 11 条之后缺少第 12 条（被删除）"
    close_database()


@pytest.mark.postgres
def test_bulk_insert_with_shared_columns_on_postgres(pg_url):
    """The duty records' bulk path writes the columns every row shares into the statement, quoted by
    psycopg2 (with ``%`` doubled, since ``%s`` marks its parameters)."""
    from tests.unit.test_duty_write import bulk_with_shared_columns

    bulk_with_shared_columns(open_database(pg_url))
