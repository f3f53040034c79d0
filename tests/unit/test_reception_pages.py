"""Deep pages of 接待登记 (issue 21 item 6): browsing without filters sends a statement built once
per shape (db/statements.py) and builds the records in one step; the pages are the same rows,
in the same order, as the filtered path gives, and each record is what ``ReceptionRecord(...)`` is."""

from __future__ import annotations

import dataclasses
import datetime as dt

from station_app.db import statements
from station_app.domain.records import DeputyData, ReceptionRecord
from station_app.services import deputies, receptions
from station_app.services.demo_receptions import generate
from tests.conftest import TEST_STATION


def _walk(**filters) -> list[ReceptionRecord]:
    out: list[ReceptionRecord] = []
    after = None
    while True:
        page = receptions.page(after=after, limit=64, **filters)
        out.extend(page.rows)
        if page.next_key is None:
            return out
        after = page.next_key


def test_unfiltered_pages_reuse_their_statement_and_equal_the_filtered_path(station_db):
    people = [deputies.create(DeputyData(name=n, levels=("township",))).uid for n in ("王建国", "李秀英")]
    generate(300, seed=9, station_code=TEST_STATION.code, deputy_uids=people, activity_days=[],
             today=dt.date(2026, 6, 15))
    statements._TEXT.clear()
    plain = _walk()
    kept = {key[2] for key in statements._TEXT}
    assert ("reception-page", False, True) in kept and ("reception-page", False, False) in kept
    # a filter every row passes takes the general path: the same rows in the same order
    assert [r.uid for r in plain] == [r.uid for r in _walk(date_from=dt.date(2000, 1, 1))]
    assert [r.uid for r in _walk(station_code=None)] == [r.uid for r in plain]
    assert len(plain) == 300 == len({r.uid for r in plain})
    # each record reads as the dataclass its constructor makes (converted when read: test_reception_rows.py)
    fields = {f.name for f in dataclasses.fields(ReceptionRecord)}
    for r in plain:
        assert isinstance(r, ReceptionRecord)
        assert r == ReceptionRecord(**{f: getattr(r, f) for f in fields})
    assert any(r.deputy_names for r in plain) and all(len(r.deputy_names) == len(r.deputy_uids) for r in plain)
    assert receptions.get(plain[0].uid).visitor_phone == plain[0].visitor_phone  # masked alike


def test_a_statement_whose_values_cannot_be_placed_is_sent_as_built(station_db):
    from station_app.db.models import Station

    statements._TEXT.clear()
    code = TEST_STATION.code
    # two equal values: their order is not proven, so the text is not kept (sent as built)
    rows = statements.rows(("probe",), [code, code], lambda: Station.select(Station.code).where(
        (Station.code == code) | (Station.name == code)))
    assert rows == [(code,)] and statements._TEXT == {}
    rows = statements.rows(("probe",), [code], lambda: Station.select(Station.code).where(Station.code == code))
    assert rows == [(code,)] and len(statements._TEXT) == 1
