"""Issue 18 item 6: a form saved after someone else changed the record is refused, the newer data kept."""

from __future__ import annotations

import datetime as dt

import pytest

from station_app.domain.records import DeputyData, OpinionData, ReceptionData
from station_app.errors import StaleEdit
from station_app.services import activity, cases, deputies, receptions

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
STALE = "该记录已被修改（可能来自另一个窗口或导入的数据包），请重新打开后再改"


def test_deputy_form_over_a_newer_change_is_refused(station_db):
    opened = deputies.create(DeputyData(name="张三", levels=("township",)))  # window A opens the form
    deputies.update(opened.uid, DeputyData(name="张三", levels=("township",), note="窗口B改的"))
    with pytest.raises(StaleEdit) as err:
        deputies.update(opened.uid, DeputyData(name="张三丰", levels=("township",)),
                        expected_updated_at=opened.updated_at)
    assert STALE in err.value.message
    kept = deputies.get(opened.uid)
    assert (kept.name, kept.note) == ("张三", "窗口B改的")
    fresh = deputies.update(opened.uid, DeputyData(name="张三丰", levels=("township",)),
                            expected_updated_at=kept.updated_at)  # reopened: saves
    assert fresh.name == "张三丰"


def test_reception_correction_over_a_newer_change_is_refused(station_db):
    def visit(name):
        return ReceptionData(received_at=NOW, channel="visit", visitor_name=name)

    opened = receptions.record_visit(visit("王五"))
    receptions.update(opened.uid, visit("王五甲"))
    with pytest.raises(StaleEdit):
        receptions.update(opened.uid, visit("王五乙"), expected_updated_at=opened.updated_at)
    assert receptions.get(opened.uid).visitor_name == "王五甲"


def test_case_step_over_a_newer_step_is_refused(station_db):
    rec = receptions.record_visit(ReceptionData(received_at=NOW, channel="visit", visitor_name="赵六"),
                                  [OpinionData("道路坑洼", "infrastructure", "assigned", department="镇农业农村办")])
    opened = cases.page(after=None).rows[0]
    assert opened.reception_uid == rec.uid
    cases.act(opened.uid, "supervise", note="窗口B督办")
    with pytest.raises(StaleEdit):
        cases.act(opened.uid, "supervise", note="窗口A督办", expected_updated_at=opened.updated_at)
    assert [e.note for e in cases.events(opened.uid)].count("窗口A督办") == 0


def test_activity_day_edit_over_a_newer_change_is_refused(station_db):
    day = activity.add_day(dt.date(2026, 12, 15), theme="原主题")
    loaded = activity.version_of(day.uid)
    activity.update_day(day.uid, theme="窗口B的主题")
    with pytest.raises(StaleEdit):
        activity.update_day(day.uid, theme="窗口A的主题", expected_updated_at=loaded)
    assert activity.get(day.uid).theme == "窗口B的主题"
