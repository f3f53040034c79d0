"""Users and login (issue 19 item 1): the password and lockout policies (domain/passwords.py) and
the users service on a real SQLite file, reopened to prove the lock survives a restart."""

import datetime as dt

import pytest

from station_app.db import close_database, open_database
from station_app.domain import clock, passwords
from station_app.domain.records import ReceptionData
from station_app.domain.roles import Role
from station_app.errors import KnownError, ValidationError
from station_app.services import audit, context, receptions, users

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.zone())
ADMIN_PW = "联络站管理2026"


@pytest.fixture(autouse=True)
def _nobody():
    context.set_user(None)
    yield
    context.set_user(None)


# -- policies -------------------------------------------------------------------------------
def test_password_policy_counts_chinese_characters_and_says_why():
    assert passwords.password_problem("人大代表联络站密码") is None  # 9 Chinese characters
    assert "至少要 8 个字符" in passwords.password_problem("人大代表联络站")
    assert "同一个字符" in passwords.password_problem("aaaaaaaaaa")
    assert "用户名相同" in passwords.password_problem("wangfang88", "WangFang88")
    assert passwords.password_problem("wangfang88", "wangfang") is None


def test_lockout_policy_grows_the_delay_then_locks_for_15_minutes():
    assert [passwords.delay_after(n) for n in range(6)] == [0, 0, 0, 2, 4, 0]
    g = passwords.Guard()
    for _ in range(3):
        g = passwords.after_failure(g, T0)
    assert passwords.wait_seconds(g, T0) == 2
    assert passwords.wait_seconds(g, T0 + dt.timedelta(seconds=2)) == 0
    g = passwords.after_failure(g, T0)
    assert passwords.wait_seconds(g, T0 + dt.timedelta(seconds=1)) == 3
    g = passwords.after_failure(g, T0)
    assert g.locked_until == T0 + dt.timedelta(minutes=15)
    assert "锁定" in passwords.refusal(g, T0) and "15 分钟" in passwords.refusal(g, T0)
    assert passwords.wait_seconds(g, T0 + dt.timedelta(minutes=15)) == 0
    # a lock that ran out: the next failure starts counting afresh
    assert passwords.after_failure(g, T0 + dt.timedelta(minutes=16)).failures == 1


def test_recovery_codes_are_six_groups_without_look_alikes():
    code = passwords.new_recovery_code()
    groups = code.split("-")
    assert len(groups) == 6 and all(len(g) == 4 for g in groups)
    assert not set(code) & set("01OIL")
    assert passwords.normal_recovery_code(code.lower().replace("-", " ")) == code.replace("-", "")


# -- service ---------------------------------------------------------------------------------
def test_first_admin_logs_in_and_wrong_passwords_lock_across_a_restart(db, db_path):
    assert not users.has_users()
    with pytest.raises(ValidationError) as err:
        users.create_first_admin("admin", "short")
    assert "password" in err.value.fields
    assert not users.has_users()  # nothing half-saved
    code = users.create_first_admin("王管理", ADMIN_PW)
    assert len(code) == 29 and users.has_users()
    assert context.current_user() == context.Actor("王管理", Role.ADMIN, "")
    context.set_user(None)
    with pytest.raises(KnownError):
        users.create_first_admin("second", ADMIN_PW)

    actor = users.login("王管理", ADMIN_PW, now=T0)
    assert actor.role is Role.ADMIN
    for i in range(2):  # two free failures
        with pytest.raises(users.LoginRefused) as err:
            users.login("王管理", "wrong-password", now=T0 + dt.timedelta(seconds=i))
        assert err.value.wait == 0 and "不对" in err.value.message
    with pytest.raises(users.LoginRefused) as err:
        users.login("王管理", "wrong-password", now=T0 + dt.timedelta(seconds=10))
    assert err.value.wait == 2
    with pytest.raises(users.LoginRefused, match="等 1 秒"):  # even the right password waits
        users.login("王管理", ADMIN_PW, now=T0 + dt.timedelta(seconds=11))
    with pytest.raises(users.LoginRefused) as err:
        users.login("王管理", "wrong-password", now=T0 + dt.timedelta(seconds=13))
    assert err.value.wait == 4
    with pytest.raises(users.LoginRefused) as err:
        users.login("王管理", "wrong-password", now=T0 + dt.timedelta(seconds=20))
    assert err.value.wait == 15 * 60 and "锁定" in err.value.message

    close_database()  # a restart
    open_database(db_path)
    later = T0 + dt.timedelta(minutes=10)
    with pytest.raises(users.LoginRefused, match="锁定"):
        users.login("王管理", ADMIN_PW, now=later)
    assert users.login("王管理", ADMIN_PW, now=T0 + dt.timedelta(minutes=16)).username == "王管理"
    actions = [e.action for e in audit.entries(table="user")]
    assert {"user_create", "login", "login_failed", "lock"} <= set(actions)


def test_recovery_code_works_once_then_a_new_one_replaces_it(db):
    code = users.create_first_admin("admin", ADMIN_PW)
    context.set_user(None)
    with pytest.raises(ValidationError):  # the new password keeps to the policy; the code still good
        users.reset_with_recovery_code("admin", code, "123", now=T0)
    fresh = users.reset_with_recovery_code("admin", code.lower(), "新的密码abc123", now=T0)
    assert fresh != code
    assert users.login("admin", "新的密码abc123", now=T0).role is Role.ADMIN
    with pytest.raises(users.LoginRefused):  # the old code is used up
        users.reset_with_recovery_code("admin", code, "再一个密码xyz789", now=T0)
    assert users.reset_with_recovery_code("admin", fresh, "再一个密码xyz789", now=T0) != fresh
    assert "password_reset" in [e.action for e in audit.entries(table="user")]


def test_readonly_is_refused_by_a_changing_service_and_clerk_by_admin_functions(station_db):
    users.create_first_admin("admin", ADMIN_PW)
    users.add_user("小李", Role.READONLY, "只读用户的密码1")
    users.add_user("小张", Role.CLERK, "联络员的密码22")
    assert [u.username for u in users.list_users()] == sorted(["admin", "小李", "小张"])

    users.login("小李", "只读用户的密码1")
    visit = ReceptionData(received_at=clock.now() - dt.timedelta(minutes=5), channel="visit", visitor_name="赵六")
    with pytest.raises(context.PermissionDenied, match="只读"):
        receptions.record_visit(visit)

    users.login("小张", "联络员的密码22")
    assert receptions.record_visit(visit).visitor_name == "赵六"
    for call in (lambda: users.list_users(), lambda: users.add_user("x1", Role.CLERK, "abcdefgh1"),
                 lambda: users.change_role("小李", Role.ADMIN), lambda: users.set_active("小李", False),
                 lambda: users.reset_password("小李", "abcdefgh1")):
        with pytest.raises(context.PermissionDenied, match="联络员"):
            call()

    users.login("admin", ADMIN_PW)
    users.change_role("小李", Role.CLERK)
    users.set_active("小李", False)
    with pytest.raises(users.LoginRefused):
        users.login("小李", "只读用户的密码1")
    with pytest.raises(KnownError, match="管理员"):  # the last admin keeps the role
        users.change_role("admin", Role.CLERK)
    users.reset_password("小张", "重设后的密码33")
    assert users.login("小张", "重设后的密码33").role is Role.CLERK


def test_encrypted_database_login_lock_and_recovery_live_in_the_key_file(db, db_path):
    from station_app.db import connection, keyslots

    code = users.create_first_admin("admin", ADMIN_PW, protect=db_path)
    assert users.is_protected(db_path)
    users.add_user("小张", Role.CLERK, "联络员的密码22")
    close_database()
    connection.forget_key()  # a restart: nothing known but the file and its key file
    context.set_user(None)
    with pytest.raises(users.LoginRefused, match="不对"):
        users.open_protected(db_path, "小张", "wrong-password", now=T0)
    assert keyslots.read_guard(db_path, "小张")["failures"] == 1
    assert users.open_protected(db_path, "小张", "联络员的密码22", now=T0).role is Role.CLERK
    assert keyslots.read_guard(db_path, "小张")["failures"] == 0
    close_database()
    connection.forget_key()
    for i in range(5):
        with pytest.raises(users.LoginRefused):
            users.open_protected(db_path, "admin", "wrong-password", now=T0 + dt.timedelta(seconds=10 * i))
    assert keyslots.read_guard(db_path, "admin")["locked_until"]
    with pytest.raises(users.LoginRefused, match="锁定"):
        users.open_protected(db_path, "admin", ADMIN_PW, now=T0 + dt.timedelta(minutes=5))
    later = T0 + dt.timedelta(minutes=20)
    fresh = users.reset_with_recovery_code("admin", code, "新的密码abc123", now=later, url=db_path)
    close_database()
    connection.forget_key()
    with pytest.raises(users.LoginRefused):  # the old code's slot is gone
        users.reset_with_recovery_code("admin", code, "再一个密码xyz789", now=later, url=db_path)
    assert users.open_protected(db_path, "admin", "新的密码abc123", now=later).role is Role.ADMIN
    assert fresh != code
