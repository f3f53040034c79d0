"""显示完整号码 on the 接待登记 page: offered to a 管理员 only; it asks the privacy service, and the list
shows what the service returns (masked for everybody else)."""

from __future__ import annotations

import pytest

from station_app.db.models import AuditLog
from station_app.domain.roles import Role
from station_app.services import context, privacy, receptions
from station_app.services.context import Actor
from tests.ui.test_receptions_page import _setup, _visit


@pytest.fixture
def nobody_afterwards():
    yield
    context.set_user(None)
    privacy.reset()


def test_admin_toggles_full_numbers_and_readonly_never_sees_the_box(open_window, qtbot, db_path, nobody_afterwards):
    win = open_window(db_path)
    page, _uids = _setup(win, qtbot)
    receptions.record_visit(_visit("李大娘", "13900001111", "红旗社区", "咨询养老保险", 20))
    context.set_user(Actor("boss", Role.ADMIN))
    page.refresh()
    assert page.full_numbers.isVisible() and not page.full_numbers.isChecked()
    assert page.model.index(0, 2).data() == "139****1111"
    page.full_numbers.click()
    assert page.model.index(0, 2).data() == "13900001111"
    assert AuditLog.select().where(AuditLog.action == "unmask", AuditLog.actor == "boss").count() == 1
    page.grab().save("/tmp/privacy_admin_full.png")

    context.set_user(Actor("guest", Role.READONLY))
    page.refresh()
    assert not page.full_numbers.isVisible()
    assert page.model.index(0, 2).data() == "139****1111"
    page.grab().save("/tmp/privacy_readonly.png")
