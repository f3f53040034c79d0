"""The date range of every date input, applied to Qt's date edits, and the question asked before
a date long past is saved.

The range itself is one rule in :mod:`station_app.domain.validators` (2000-01-01 to today plus
five years); here it only becomes the edits' minimum and maximum, so a date outside it cannot be
typed or picked (Qt's own range runs to 9999-12-31, whose next day overflows). How far back a
date may lie before the clerk is asked is the setting ``input.past_days_confirm``.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QMessageBox, QWidget

from station_app.domain import clock
from station_app.domain.validators import EARLIEST_DATE, latest_date

E = TypeVar("E", bound=QDateTimeEdit)  # a date edit (a QDateTimeEdit too) or a date-time edit, handed back


def _q(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


NO_DATE = _q(EARLIEST_DATE)  # a filter's 不限: the first date any input takes


def filter_date_edit(parent: QWidget) -> QDateEdit:
    """A date filter of a list (从/至): within the date range, its first date reading 不限."""
    edit = QDateEdit()
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    limit_date_edit(edit)
    edit.setSpecialValueText(parent.tr("不限"))
    edit.setDate(NO_DATE)
    edit.setMinimumWidth(100)
    return edit


def limit_date_edit(edit: E, earliest: dt.date = EARLIEST_DATE, latest: dt.date | None = None) -> E:
    """Keep ``edit`` within the date range (a date edit or a date-time edit); returns it."""
    last = latest or latest_date()
    if isinstance(edit, QDateEdit):
        edit.setDateRange(_q(earliest), _q(last))
    else:
        edit.setDateTimeRange(QDateTime(_q(earliest), QTime(0, 0)), QDateTime(_q(last), QTime(23, 59, 59)))
    return edit


def past_days_limit() -> int:
    from station_app.services import settings

    try:
        return int(settings.get("input.past_days_confirm"))
    except (TypeError, ValueError):
        return int(settings.spec("input.past_days_confirm").default)


def is_long_past(value: dt.date, today: dt.date | None = None) -> bool:
    """Is ``value`` further back than the setting allows without asking?"""
    if isinstance(value, dt.datetime):
        value = value.date()
    return ((today or clock.today()) - value).days > past_days_limit()


def confirm_long_past(parent: QWidget, value: dt.date, what: str) -> bool:
    """True when ``value`` is recent enough, or when the clerk confirms a date long past."""
    if not is_long_past(value):
        return True
    if isinstance(value, dt.datetime):
        value = value.date()
    days = (clock.today() - value).days
    answer = QMessageBox.question(
        parent, parent.tr("日期较早"),
        parent.tr("{0}是 {1}，已是 {2} 天以前（超过设置的 {3} 天）。\n确定是这个日期吗？")
        .format(what, value.isoformat(), days, past_days_limit()))
    return answer == QMessageBox.StandardButton.Yes
