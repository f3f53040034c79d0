"""What each role is offered in the window (issue 19): the pages grey out what the services would
refuse — a 联络员 cannot touch the house's rules, restore or re-enrol a station's key; a 只读 user
changes nothing, exports and imports nothing."""

from __future__ import annotations

import pytest

from station_app.domain.roles import Role
from station_app.services import context, settings
from station_app.services.context import Actor


@pytest.fixture(autouse=True)
def _nobody():
    yield
    context.set_user(None)


def _window_as(open_window, db_path, role):
    context.set_user(Actor("小王", role))
    return open_window(db_path)


def test_a_clerk_changes_records_but_not_the_rules_restore_or_keys(open_window, station_db, db_path, qtbot, tmp_path):
    win = _window_as(open_window, db_path, Role.CLERK)
    win.show_page("settings")
    page = win.settings_page
    assert page.editors["qr.mode"].isEnabled()  # the clerk's own printing choices
    assert not page.editors["cases.due_soon_days"].isEnabled()  # the house's rules
    assert not page.editors["security.idle_lock_minutes"].isEnabled()
    assert page.save_button.isEnabled()
    page.editors["qr.mode"].setCurrentIndex(page.editors["qr.mode"].findData("mecard"))
    assert page.save()  # the unchanged rules are not a change the clerk is refused for
    assert settings.get("qr.mode") == "mecard"
    win.grab().save(str(tmp_path / "clerk-settings.png"))

    win.show_page("backups")
    backups = win.page("backups")
    assert backups.backup_now.isEnabled() and not backups.restore_file.isEnabled()

    win.show_page("exchange")
    assert win.exchange.pick_button.isEnabled() and win.exchange.reenrol_button.isHidden()

    win.show_page("points")
    assert not win.points.default_button.isEnabled() and not win.points.import_button.isEnabled()


def test_a_readonly_user_is_offered_no_change(open_window, station_db, db_path):
    win = _window_as(open_window, db_path, Role.READONLY)
    win.show_page("settings")
    assert not win.settings_page.save_button.isEnabled()
    assert not any(w.isEnabled() for w in win.settings_page.editors.values())
    win.show_page("exchange")
    assert not win.exchange.export_button.isEnabled() and not win.exchange.pick_button.isEnabled()
    win.show_page("livelihood")
    collect = win.page("livelihood").collect
    assert not collect.save_button.isEnabled()
    assert collect.title.isReadOnly() and collect.description.isReadOnly() and not collect.source.isEnabled()


def test_the_admin_is_offered_everything(open_window, station_db, db_path):
    win = _window_as(open_window, db_path, Role.ADMIN)
    win.show_page("settings")
    assert all(w.isEnabled() for w in win.settings_page.editors.values())
    win.show_page("backups")
    assert win.page("backups").restore_file.isEnabled()
    win.show_page("exchange")
    assert not win.exchange.reenrol_button.isHidden()
