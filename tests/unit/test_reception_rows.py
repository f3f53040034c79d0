"""The records of a 接待登记 list page (issue 21 item 6, deep pages): converted when a field is
read (:class:`ReceptionRow`), every field as the record ``receptions.get`` builds — times in the
local zone whatever offset they were stored with, numbers masked or in full as decided when the
page was fetched, the deputies' names — and immutable like it."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import pickle

import pytest

from station_app.db.connection import database
from station_app.domain import clock
from station_app.domain.records import DeputyData, ReceptionData, ReceptionRecord, ReceptionRow
from station_app.services import deputies, receptions, settings

FIELDS = [f.name for f in dataclasses.fields(ReceptionRecord)]
SHANGHAI = clock.zone()


def _visits() -> list[str]:
    """Four visits: numbers of every kind, deputies (one deleted later), times on both sides of
    local midnight, one stored with a UTC offset as an older package could carry it."""
    wang, li, zhao = (deputies.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英", "赵明"))
    at = dt.datetime(2024, 1, 19, 0, 30, tzinfo=SHANGHAI)  # 00:30 local is 16:30 the day before in UTC
    made = [
        receptions.record_visit(ReceptionData(at, "visit", "张大爷", "13812341234", "11010519491231002X", "前进村",
                                              2, (wang, li), None, "反映村道破损")),
        receptions.record_visit(ReceptionData(at - dt.timedelta(hours=1), "phone", "李大娘", "0531-87654321", "",
                                              "红旗社区", 1, (zhao, wang), None, "咨询养老保险")),
        receptions.record_visit(ReceptionData(at + dt.timedelta(days=3), "qr", "王五", "", "", "", 1, (), None, "")),
        receptions.record_visit(ReceptionData(at + dt.timedelta(days=4), "visit", "孙六", "", "", "后街",
                                              1, (li,), None, "短号码")),
    ]
    # numbers outside the usual formats (typed before the checks existed): masked all the same
    database.execute_sql("UPDATE reception SET visitor_phone = '12345', visitor_id_number = 'ABC123' WHERE uid = ?",
                         (made[3].uid,))
    # the third visit's time as stored with +00:00 (same instant): read back in the local zone
    database.execute_sql("UPDATE reception SET received_at = ? WHERE uid = ?",
                         ("2024-01-21T16:30:00.000000+00:00", made[2].uid))
    deputies.delete(zhao)  # a deleted deputy keeps its name on old visits, as get() shows it
    return [r.uid for r in made]


def _page_and_get(uids: list[str]) -> list[tuple[ReceptionRecord, ReceptionRecord]]:
    rows = {r.uid: r for r in receptions.page(limit=256).rows}
    assert set(rows) == set(uids)
    return [(rows[u], receptions.get(u)) for u in uids]


def test_every_field_reads_as_the_record_get_builds_masked_and_in_full(station_db):
    uids = _visits()
    for full in (False, True):
        settings.set("privacy.show_full_numbers", full)  # nobody logged in: the setting decides
        for row, want in _page_and_get(uids):
            assert isinstance(row, ReceptionRow)
            for name in FIELDS:
                if name in ("created_at", "updated_at"):
                    assert getattr(row, name) is None  # the list never read them (as before)
                else:
                    assert getattr(row, name) == getattr(want, name), name
                    assert type(getattr(row, name)) is type(getattr(want, name)), name
    first, phoned, utc, short = (row for row, _want in _page_and_get(uids))
    assert (first.visitor_phone, first.visitor_id_number) == ("13812341234", "11010519491231002X")  # in full now
    settings.set("privacy.show_full_numbers", False)
    first, phoned, utc, short = (row for row, _want in _page_and_get(uids))
    assert (first.visitor_phone, first.visitor_id_number) == ("138****1234", "110105********002X")
    assert (phoned.visitor_phone, short.visitor_phone, short.visitor_id_number) == ("0531-****4321", "***45", "***123")
    assert first.received_at == dt.datetime(2024, 1, 19, 0, 30, tzinfo=SHANGHAI)
    assert first.received_at.utcoffset() == dt.timedelta(hours=8) and first.received_at.date() == dt.date(2024, 1, 19)
    assert utc.received_at.isoformat() == "2024-01-22T00:30:00+08:00"  # stored as 16:30 UTC the day before
    assert first.deputy_names == ("王建国", "李秀英") and phoned.deputy_names == ("赵明", "王建国")
    assert utc.deputy_uids == () == utc.deputy_names and first.case_count == 0


def test_fields_are_converted_when_read_once_with_what_was_decided_at_the_fetch(station_db):
    uids = _visits()
    rows = receptions.page(limit=256).rows
    row = next(r for r in rows if r.uid == uids[0])
    for slot in ("_at", "_phone", "_id_number"):  # nothing converted by fetching the page
        with pytest.raises(AttributeError):
            object.__getattribute__(row, slot)
    settings.set("privacy.show_full_numbers", True)  # after the fetch: this page stays masked
    assert row.visitor_phone == "138****1234" and row.visitor_id_number == "110105********002X"
    when = row.received_at
    assert object.__getattribute__(row, "_at") is when and row.received_at is when  # kept: parsed once
    assert receptions.page(limit=256).rows[-1].visitor_phone != rows[-1].visitor_phone  # a new page: in full


def test_a_row_is_immutable_and_copies_hash_and_compare_as_the_plain_record(station_db):
    uids = _visits()
    for row, want in _page_and_get(uids):
        plain = ReceptionRecord(**{f: getattr(row, f) for f in FIELDS})
        assert row == plain and plain == row and row != want  # want has created_at/updated_at
        assert hash(row) == hash(plain) and len({row, plain}) == 1
        for name in ("summary", "received_at", "_row", "_at", "anything"):
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(row, name, None)
            with pytest.raises(dataclasses.FrozenInstanceError):
                delattr(row, name)
        changed = dataclasses.replace(row, summary="改过")
        assert type(changed) is ReceptionRecord and changed.summary == "改过" and changed.uid == row.uid
        for twin in (copy.copy(row), copy.deepcopy(row), pickle.loads(pickle.dumps(row))):
            assert type(twin) is ReceptionRecord and twin == row
        assert dataclasses.asdict(row) == dataclasses.asdict(plain) and row.data() == plain.data()
        assert repr(row).startswith("ReceptionRow(") and row.uid in repr(row)
