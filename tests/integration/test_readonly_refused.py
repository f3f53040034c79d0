"""只读 cannot change anything, whatever the UI offers: every changing service refuses with a plain
Chinese message and the database is exactly as it was (a digest of every table before and after).
A 联络员 may change records but not the house's rules (积分指标, deadlines, security settings)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from station_app.db.connection import database
from station_app.demo import make as demo_make
from station_app.domain.roles import Role
from station_app.services import activity, backup, cases, deputies, exchange, livelihood, scoring, settings
from station_app.services.context import Actor, PermissionDenied, set_user


def _digest() -> str:
    h = hashlib.sha256()
    tables = [r[0] for r in database.execute_sql(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    for t in tables:
        for row in database.execute_sql(f'SELECT * FROM "{t}" ORDER BY 1'):
            h.update(repr(row).encode())
    return h.hexdigest()


_STICK: list = []


@pytest.fixture
def demo_db(db, tmp_path):
    demo_make.make_demo(seed=3, deputies=8, receptions=40)
    stick = tmp_path / "stick"
    _STICK[:] = [stick, exchange.export_package(stick, full=True).path]
    yield db
    set_user(None)


def _changes():
    uid = deputies.all_deputies()[0].uid
    case_uid = cases.page(limit=1).rows[0].uid
    year = dt.date.today().year
    return {
        "代表停用": lambda: deputies.set_active(uid, False),
        "新增活动日": lambda: activity.add_day(dt.date(year, 12, 30)),
        "活动日规则": lambda: activity.save_rules(["每月1日"]),
        "督办": lambda: cases.supervise(case_uid, "请加快办理"),
        "删除意见": lambda: cases.delete(case_uid),
        "新增承办单位": lambda: cases.add_department("县水利局"),
        "手工积分": lambda: scoring.add_manual(uid, dt.date(year, 3, 1), "A02", note="列席主席团会议"),
        "积分指标": lambda: scoring.save_rules(scoring.rules(year)),
        "二维码设置": lambda: settings.set("qr.mode", "url"),
        "民生实事": lambda: livelihood.save_project({"year": year, "title": "村道硬化", "source": "opinion"}),
        "导出数据包": lambda: exchange.export_package(_STICK[0], full=True),
        "导入数据包": lambda: exchange.import_packages([_STICK[1]]),
    }


def test_readonly_is_refused_by_every_changing_service(demo_db):
    changes = _changes()
    before = _digest()
    set_user(Actor("查阅员", Role.READONLY))
    for what, change in changes.items():
        with pytest.raises(PermissionDenied, match="只读") as caught:
            change()
        assert "查阅员" in caught.value.message, what
        assert _digest() == before, what


def test_clerk_changes_records_but_not_the_rules(demo_db):
    changes = _changes()
    set_user(Actor("小王", Role.CLERK))
    cases.add_department("县水利局")
    settings.set("qr.mode", "url")
    before = _digest()
    for what in ("积分指标",):
        with pytest.raises(PermissionDenied, match="联络员"):
            changes[what]()
    with pytest.raises(PermissionDenied, match="联络员"):
        settings.set("cases.due_soon_days", 5)
    with pytest.raises(PermissionDenied, match="联络员"):
        settings.set("security.idle_lock_minutes", 60)
    assert _digest() == before


def test_only_the_admin_restores(demo_db, db_path, tmp_path):
    copy = backup.backup(db_path, tmp_path / "copy.db")
    for role in (Role.READONLY, Role.CLERK):
        set_user(Actor("小王", role))
        with pytest.raises(PermissionDenied, match="从备份恢复"):
            backup.restore(db_path, copy)
    set_user(None)
