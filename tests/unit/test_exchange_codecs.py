"""services/exchange/codecs.py: one column spec per table, from which the export's records and the
import's rows are built, agrees with the models and with the package spec (domain/package.py), and
a record goes to a row and back unchanged."""

from __future__ import annotations

import peewee as pw
import pytest

from station_app.db.models import Deputy, Reception
from station_app.domain import package as pk
from station_app.services import exchange
from station_app.services.exchange.codecs import CODECS, DUTY, Codec, Col, mismatches

UID = "6f1c2b7e-4d2a-4c1e-9a3b-1c2d3e4f5a6b"
TS = "2026-05-20T15:00:00.000000+08:00"


def _value(f: pk.F):
    return {"uid": UID, "ts": TS, "date": "2026-05-20", "hhmm": "09:00", "str": "文字", "int": 3, "num": 1.5,
            "bool": True, "code": f.codes[0] if f.codes else "", "uids": [UID], "codes": list(f.codes[:2]),
            "strs": ["民政办", "司法所"], "attachment": "attachments/" + "a" * 64 + ".jpg", "objects": []}[f.kind]


@pytest.mark.parametrize("codec", [*CODECS.values(), DUTY], ids=lambda c: c.table)
def test_every_codec_agrees_with_its_model_and_the_package_spec(codec):
    assert mismatches(codec) == []


def test_every_table_of_the_package_has_a_codec_and_the_old_names_stay():
    assert tuple(CODECS) == pk.TABLES
    assert exchange.SOURCES["receptions"].columns == CODECS["receptions"].select_columns
    assert "sort_key" not in exchange.SOURCES["receptions"].columns  # the package does not carry it
    assert exchange.MERGE_COLUMNS["reception"] == CODECS["receptions"].row_columns
    assert [f.column_name for f in exchange._fields(Reception)] == list(CODECS["receptions"].row_columns)


def test_a_model_column_left_out_of_its_codec_is_named():
    class WiderDeputy(Deputy):
        mood = pw.CharField(default="")

        class Meta:
            table_name = "deputy"

    wider = Codec("deputies", WiderDeputy, CODECS["deputies"].cols)
    assert mismatches(wider) == ["deputies: model column mood has no Col in the codec"]


def test_a_codec_that_disagrees_with_the_package_spec_is_named():
    cols = CODECS["attendances"].cols
    without_status = Codec("attendances", CODECS["attendances"].model, tuple(c for c in cols if c.key != "status"))
    assert "attendances: package field status has no Col and is not computed" in mismatches(without_status)
    assert "attendances: model column status has no Col in the codec" in mismatches(without_status)
    renamed = Codec("attendances", CODECS["attendances"].model,
                    tuple(Col("state", "status") if c.key == "status" else c for c in cols))
    assert mismatches(renamed) == ["attendances: Col state is not a field of the package spec",
                                   "attendances: package field status has no Col and is not computed"]
    # a nullable text of the package into a NOT NULL column needs a conversion of null
    raw = Codec("deputies", Deputy, tuple(Col("ethnicity") if c.key == "ethnicity" else c
                                          for c in CODECS["deputies"].cols))
    assert mismatches(raw) == ["deputies: ethnicity may be null in the package but ethnicity is NOT NULL "
                               "and no to_row conversion turns null into a value"]


@pytest.mark.parametrize("table", pk.TABLES)
def test_a_record_goes_to_a_row_and_back_unchanged(table):
    codec = CODECS[table]
    record = {f.name: _value(f) for f in pk.SPECS[table]}
    if table == "activity_days":
        record.update(agenda="议程", discussion="讨论", decisions="议定", follow_ups="跟进")
    row = codec.to_row(record, *range(len(codec.row_args)))
    assert len(row) == len(codec.row_columns)
    values = tuple(v for v, c in zip(row, codec.cols, strict=True) if c.key is not None)
    back = codec.to_record(values, {"duties": {}})
    assert list(back) == [f.name for f in pk.SPECS[table]]  # the spec's order, every field
    assert {k: v for k, v in back.items() if k not in codec.computed} == \
           {k: v for k, v in record.items() if k not in codec.computed}
    by_column = dict(zip(codec.row_columns, row, strict=True))
    assert by_column["uid"] == UID and by_column["updated_at"] == TS


def test_optional_fields_take_their_defaults_and_null_texts_become_empty():
    spec = pk.SPECS["case_events"]
    record = {f.name: (None if f.nullable else _value(f)) for f in spec if f.required}
    row = dict(zip(CODECS["case_events"].row_columns, CODECS["case_events"].to_row(record), strict=True))
    assert row["round"] == 1 and row["department"] == "" and row["actor"] == "" and row["deadline"] is None
    days = CODECS["activity_days"]
    day = {f.name: _value(f) for f in pk.SPECS["activity_days"] if f.required} | {"minutes": "一段纪要"}
    row = dict(zip(days.row_columns, days.to_row(day), strict=True))
    assert (row["agenda"], row["discussion"], row["origin"]) == ("一段纪要", "", "manual")
