"""The privacy policy written once (domain/privacy.py) and applied by the services: every list,
record, history, autocomplete, printout and archive comes out masked for the logged-in user unless
a 管理员 chose to show full numbers this session; the old setting unmasks only with nobody logged in."""

from __future__ import annotations

import datetime as dt

import pytest

from station_app.db.models import AuditLog
from station_app.domain import clock
from station_app.domain import privacy as policy
from station_app.domain.records import DeputyData, OpinionData, ReceptionData
from station_app.domain.roles import Role
from station_app.services import cases, context, deputies, printing, privacy, receptions, scoring, settings
from station_app.services.context import Actor, PermissionDenied

PHONE, ID = "13812341234", "11010519491231002X"
MASKED_PHONE, MASKED_ID = "138****1234", "110105********002X"


@pytest.mark.parametrize(("role", "wanted", "full"), [
    (Role.ADMIN, True, True), (Role.ADMIN, False, False),
    (Role.CLERK, True, False), (Role.CLERK, False, False),
    (Role.READONLY, True, False), (Role.READONLY, False, False),
    ("readonly", True, False), ("admin", True, True),
    (None, True, True), (None, False, False),  # no login: the choice (the old setting) decides
])
def test_reveal_each_role_and_choice(role, wanted, full):
    assert policy.reveal(role, wanted) is full
    assert policy.phone(PHONE, policy.reveal(role, wanted)) == (PHONE if full else MASKED_PHONE)
    assert policy.id_number(ID, policy.reveal(role, wanted)) == (ID if full else MASKED_ID)


def test_masked_copies_only_the_fields_it_has():
    rec = ReceptionData(received_at=clock.now(), channel="visit", visitor_name="张三", visitor_phone=PHONE,
                        visitor_id_number=ID)
    shown = policy.masked(rec, False)
    assert (shown.visitor_phone, shown.visitor_id_number, shown.visitor_name) == (MASKED_PHONE, MASKED_ID, "张三")
    assert policy.masked(rec, True) is rec
    op = OpinionData("路灯不亮", "infrastructure")  # no phone fields: unchanged
    assert policy.masked(op, False) == op


@pytest.fixture
def visited(station_db):
    """One visit with an assigned opinion, by nobody logged in; the user is reset afterwards."""
    deputies.create(DeputyData(name="王建国", levels=("township",), phone="13900001111"))
    rec = receptions.record_visit(
        ReceptionData(received_at=clock.now() - dt.timedelta(minutes=5), channel="visit", visitor_name="张大爷",
                      visitor_phone=PHONE, visitor_id_number=ID, village="前进村"),
        [OpinionData("道路坑洼", "infrastructure", "assigned", department="镇农业农村办")])
    yield rec
    context.set_user(None)
    privacy.reset()


def _seen(uid: str) -> dict[str, tuple[str, ...]]:
    """Every number the reception and case services hand the current user."""
    listed = receptions.page().rows[0]
    got = receptions.get(uid)
    hist = receptions.visitor_history(phone=PHONE)
    match = receptions.find_visitors("138")[0]
    case = cases.page().rows[0]
    return {
        "phones": (listed.visitor_phone, got.visitor_phone, hist.visitor_phone, hist.visits[0].visitor_phone,
                   hist.open_cases[0].visitor_phone, match.shown_phone, case.visitor_phone,
                   cases.get(case.uid).visitor_phone),
        "ids": (listed.visitor_id_number, got.visitor_id_number, hist.visits[0].visitor_id_number),
        "same_id": (receptions.same_id_other_name(ID, "张小爷", station_code=None).visitor_id_number,),
    }


def _all(value_phone: str, value_id: str) -> dict[str, tuple[str, ...]]:
    return {"phones": (value_phone,) * 8, "ids": (value_id,) * 3, "same_id": (value_id,)}


def test_readonly_gets_masked_numbers_even_with_the_setting_on(visited):
    settings.set("privacy.show_full_numbers", True)
    context.set_user(Actor("guest", Role.READONLY))
    assert _seen(visited.uid) == _all(MASKED_PHONE, MASKED_ID)
    edit = receptions.get_for_edit(visited.uid)  # not even for an edit form
    assert (edit.visitor_phone, edit.visitor_id_number) == (MASKED_PHONE, MASKED_ID)
    assert receptions.find_visitors("138")[0].phone == MASKED_PHONE  # nothing full to fill a form with
    with pytest.raises(PermissionDenied, match="只读"):
        privacy.set_revealed(True)
    assert _seen(visited.uid) == _all(MASKED_PHONE, MASKED_ID)


def test_clerk_sees_masked_lists_but_full_numbers_in_the_edit_form(visited):
    settings.set("privacy.show_full_numbers", True)  # set before users existed: it unmasks for nobody now
    context.set_user(Actor("clerk1", Role.CLERK))
    assert _seen(visited.uid) == _all(MASKED_PHONE, MASKED_ID)
    edit = receptions.get_for_edit(visited.uid)
    assert (edit.visitor_phone, edit.visitor_id_number) == (PHONE, ID)
    match = receptions.find_visitors("138")[0]
    assert (match.phone, match.shown_phone) == (PHONE, MASKED_PHONE)  # fills the form, shows masked
    with pytest.raises(PermissionDenied):
        privacy.set_revealed(True)


def test_admin_sees_full_numbers_only_after_choosing_and_it_is_audited(visited):
    admin = Actor("boss", Role.ADMIN)
    context.set_user(admin)
    settings.set("privacy.show_full_numbers", True)
    assert _seen(visited.uid) == _all(MASKED_PHONE, MASKED_ID)  # off at the start of a session
    privacy.set_revealed(True)
    assert _seen(visited.uid) == _all(PHONE, ID)
    assert AuditLog.select().where(AuditLog.action == "unmask", AuditLog.actor == "boss").count() == 1
    context.set_user(Actor("boss", Role.ADMIN))  # logged in again: masked again
    assert _seen(visited.uid) == _all(MASKED_PHONE, MASKED_ID)
    context.set_user(admin)
    privacy.set_revealed(False)
    assert _seen(visited.uid) == _all(MASKED_PHONE, MASKED_ID)
    assert AuditLog.select().where(AuditLog.action == "unmask").count() == 2


def test_no_login_keeps_the_old_setting(visited):
    assert _seen(visited.uid) == _all(MASKED_PHONE, MASKED_ID)
    settings.set("privacy.show_full_numbers", True)
    assert _seen(visited.uid) == _all(PHONE, ID)


def test_printouts_and_archives_follow_the_policy(visited):
    boss = deputies.all_deputies()[0]
    settings.set("privacy.show_full_numbers", True)
    context.set_user(Actor("guest", Role.READONLY))
    assert scoring.archive_data(boss.uid, clock.today().year).phone == "139****1111"
    case = cases.page().rows[0]
    assert cases.sheet_data(case.uid, "assign").visitor_phone == MASKED_PHONE
    context.set_user(Actor("clerk1", Role.CLERK))
    assert printing.build_job("A4").show_full_numbers is False
    with pytest.raises(PermissionDenied, match="印出完整电话号码"):
        printing.build_job("A4", show_full_numbers=True)
    admin = Actor("boss", Role.ADMIN)
    context.set_user(admin)
    assert printing.build_job("A4").show_full_numbers is False
    assert printing.build_job("A4", show_full_numbers=True).show_full_numbers is True
    privacy.set_revealed(True)
    assert scoring.archive_data(boss.uid, clock.today().year).phone == "13900001111"
    assert cases.sheet_data(case.uid, "assign").visitor_phone == PHONE
