"""The 设置 page's editors hold every setting's value (issue 16: a default beyond an editor's range was
saved clipped)."""

from __future__ import annotations


def test_every_whole_number_setting_fits_its_editor_and_its_default_survives_the_settings_page(station_db, app):
    """A spin box clips what it cannot hold: a default beyond its range (365 days in a 1–240 box)
    was silently saved as 240 by 保存设置."""
    from station_app.services import settings
    from station_app.ui.pages.settings_page import SettingsPage

    page = SettingsPage()
    for sp in settings.SPECS:
        if isinstance(sp.default, int) and not isinstance(sp.default, bool):
            assert sp.bounds[0] <= sp.default <= sp.bounds[1], sp.key
            assert page.editors[sp.key].value() == settings.get(sp.key), sp.key
            assert settings.validate({sp.key: sp.bounds[1] + 1}), sp.key
    assert settings.get("input.past_days_confirm") == 365
