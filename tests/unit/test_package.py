"""domain/package.py: the JSON Schemas in resources/schemas/ are exactly what the record specs
generate, a small checker of the schema subset we use agrees with the code's validator on valid
records and on every single-field mutation of them, and the manifest and member-name rules."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from station_app.db import models
from station_app.domain import package as pk

SCHEMAS = Path(__file__).resolve().parents[2] / "resources" / "schemas"
UID = "6f1c2b7e-4d2a-4c1e-9a3b-1c2d3e4f5a6b"
TS = "2026-05-20T15:00:00.000000+08:00"


# -- a checker of the JSON Schema subset the files use -------------------------------------------------

def _type_ok(t: str, v) -> bool:
    return {"string": isinstance(v, str), "integer": isinstance(v, int) and not isinstance(v, bool),
            "number": isinstance(v, (int, float)) and not isinstance(v, bool), "boolean": isinstance(v, bool),
            "array": isinstance(v, list), "object": isinstance(v, dict), "null": v is None}[t]


def _format_ok(fmt: str, v: str) -> bool:
    try:
        if fmt == "date":
            dt.date.fromisoformat(v)
        elif fmt == "date-time":
            return dt.datetime.fromisoformat(v.replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False
    return True


def valid(schema: dict, v) -> bool:
    known = {"$schema", "$id", "title", "description", "type", "enum", "const", "pattern", "maxLength", "minimum",
             "required", "properties", "additionalProperties", "items", "minItems", "maxItems", "uniqueItems", "format",
             "patternProperties"}
    assert set(schema) <= known, set(schema) - known  # the files use nothing the checker ignores
    types = schema.get("type")
    if types is not None:
        types = types if isinstance(types, list) else [types]
        if not any(_type_ok(t, v) for t in types):
            return False
    if "const" in schema and v != schema["const"]:
        return False
    if "enum" in schema and v not in schema["enum"]:
        return False
    if isinstance(v, str):
        # ECMA-262 semantics: "$" is the end of the text only (Python's also matches before a final "\n")
        if "pattern" in schema and not re.search(schema["pattern"].replace("$", r"\Z"), v):
            return False
        if "maxLength" in schema and len(v) > schema["maxLength"]:
            return False
        if "format" in schema and not _format_ok(schema["format"], v):
            return False
    if isinstance(v, (int, float)) and not isinstance(v, bool) and "minimum" in schema and v < schema["minimum"]:
        return False
    if isinstance(v, list):
        if len(v) < schema.get("minItems", 0) or len(v) > schema.get("maxItems", len(v)):
            return False
        if schema.get("uniqueItems") and len({json.dumps(x) for x in v}) != len(v):
            return False
        if "items" in schema and not all(valid(schema["items"], x) for x in v):
            return False
    if isinstance(v, dict):
        if any(k not in v for k in schema.get("required", ())):
            return False
        props = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        for k, x in v.items():
            if k in props:
                if not valid(props[k], x):
                    return False
            elif any(re.search(p.replace("$", r"\Z"), k) for p in patterns):
                if not all(valid(s, x) for p, s in patterns.items() if re.search(p.replace("$", r"\Z"), k)):
                    return False
            elif isinstance(schema.get("additionalProperties"), dict) and not valid(schema["additionalProperties"], x) or schema.get("additionalProperties") is False:
                return False
    return True


def code_valid(table: str, record) -> bool:
    try:
        pk.validator(table)(record)
    except pk.RecordError:
        return False
    return True


# -- samples and mutations ----------------------------------------------------------------------------

def _sample_value(f: pk.F):
    return {"uid": UID, "ts": TS, "date": "2026-05-20", "hhmm": "09:30", "str": "东关村", "int": 2, "num": 1.5,
            "bool": True, "code": f.codes[0] if f.codes else "", "uids": [UID], "codes": list(f.codes[:2]),
            "strs": ["镇交通所"], "attachment": "attachments/" + "a" * 64 + ".jpg",
            "objects": [{s.name: _sample_value(s) for s in f.item}]}[f.kind]


def sample(table: str) -> dict:
    return {f.name: _sample_value(f) for f in pk.SPECS[table]}


BAD_VALUES = {"uid": ["ABC", UID.upper(), 5, UID + "\n"],
              "ts": ["2026-05-20 15:00", "2026-05-20T15:00:00", "2026-13-01T00:00+08:00", TS + "\n"],
              "date": ["2026-02-30", "20260520", 20260520, "2026-05-20\n"], "hhmm": ["9:30", "24:00", "09:30\n"], "str": [5, ["x"]],
              "int": ["3", 2.5, True, 0], "num": ["1", False], "bool": [1, "true"], "code": ["weather", 3],
              "uids": [UID, ["abc"]], "codes": [[], ["moon"], "county"], "strs": ["x", [1]],
              "attachment": ["photo.jpg", "attachments/../x.jpg"], "objects": [{}, [{"uid": UID}], [5]]}


def mutations(table: str):
    base = sample(table)
    yield "valid", base
    yield "unknown field", {**base, "from_the_future": {"x": 1}}
    for f in pk.SPECS[table]:
        rec = dict(base)
        del rec[f.name]
        yield f"without {f.name}", rec
        yield f"{f.name}=None", {**base, f.name: None}
        for bad in BAD_VALUES[f.kind]:
            yield f"{f.name}={bad!r}", {**base, f.name: bad}
        if f.max_length:
            yield f"{f.name} too long", {**base, f.name: "字" * (f.max_length + 1)}
    yield "not an object", [base]


@pytest.mark.parametrize("table", pk.TABLES)
def test_the_schema_and_the_code_agree_on_every_mutation(table):
    schema = json.loads((SCHEMAS / f"{table}.schema.json").read_text(encoding="utf-8"))
    verdicts = []
    for what, rec in mutations(table):
        by_schema, by_code = valid(schema, copy.deepcopy(rec)), code_valid(table, rec)
        assert by_schema == by_code, f"{table}: {what}: schema {by_schema}, code {by_code}"
        verdicts.append(by_code)
    assert verdicts[0] and verdicts[1] and not all(verdicts)


def test_the_schema_files_are_what_the_specs_generate():
    files = {p.name: p.read_text(encoding="utf-8") for p in SCHEMAS.glob("*.json")}
    generated = {name: pk.schema_text(s) for name, s in pk.all_schemas().items()}
    assert files == generated, "regenerate resources/schemas/ from station_app.domain.package.all_schemas()"


def test_lengths_follow_the_models():
    model_of = {"deputies": models.Deputy, "activity_days": models.ActivityDay, "attendances": models.Attendance,
                "receptions": models.Reception, "cases": models.Case, "case_events": models.CaseEvent,
                "duty_records": models.DutyRecord, "livelihood_projects": models.LivelihoodProject,
                "livelihood_sessions": models.LivelihoodSession, "livelihood_votes": models.LivelihoodVote,
                "livelihood_milestones": models.LivelihoodMilestone,
                "livelihood_inspections": models.LivelihoodInspection, "livelihood_ratings": models.LivelihoodRating}
    rename = {"group": "group_name"}
    for table, spec in pk.SPECS.items():
        for f in spec:
            column = model_of[table]._meta.fields.get(rename.get(f.name, f.name))
            limit = getattr(column, "max_length", None) if column is not None else None
            if limit and f.kind in ("str", "attachment"):
                assert f.max_length == limit, (table, f.name)
    for f in pk.DUTY_ITEM:
        limit = getattr(models.Duty._meta.fields[f.name], "max_length", None)
        if limit and f.kind == "str":
            assert f.max_length == limit


def _manifest(**changes) -> bytes:
    doc = {"format": "station-exchange", "version": 1, "package_id": UID, "previous_package_id": None,
           "kind": "full", "created_at": "2026-05-20T15:00:00+08:00", "app_version": "0.1.0",
           "station": {"code": "T01", "name": "测试站", "township": "", "county": ""},
           "period": {"from": "2026-01-01", "to": "2026-05-20"},
           "files": {pk.data_member(t): {"sha256": "0" * 64, "count": 0} for t in pk.TABLES}}
    doc.update(changes)
    return json.dumps(doc).encode()


def test_manifest_rules():
    m = pk.parse_manifest(_manifest())
    assert m.station_code == "T01" and m.period_to == dt.date(2026, 5, 20)
    schema = json.loads((SCHEMAS / "manifest.schema.json").read_text(encoding="utf-8"))
    assert valid(schema, json.loads(_manifest()))
    with pytest.raises(pk.ManifestError) as exc:
        pk.parse_manifest(_manifest(version=2))
    assert exc.value.version and "版本" in str(exc.value)
    assert not valid(schema, json.loads(_manifest(version=2)))
    for bad in (_manifest(kind="partial"), _manifest(package_id="x"), _manifest(format="other"),
                _manifest(period={"from": "2026-05-20", "to": "2026-01-01"}), _manifest(files={}), b"{",
                _manifest(files={"../x.jsonl": {"sha256": "0" * 64, "count": 0}}),
                _manifest(files={**json.loads(_manifest())["files"],
                                 "attachments/" + "a" * 64 + ".jpg": {"sha256": "b" * 64}})):
        with pytest.raises(pk.ManifestError):
            pk.parse_manifest(bad)
    name = pk.package_name("T01", dt.date(2026, 1, 1), dt.date(2026, 6, 30), dt.datetime(2026, 7, 15, 9, 30, 5))
    assert name == "T01_20260101-20260630_20260715T093005.zip"


def test_unsafe_names():
    for bad in ("/etc/passwd", "\\x", "C:/x", "../x", "data/../../x", "data\\x", "a/../b"):
        assert pk.unsafe_name(bad), bad
    for good in ("data/receptions.jsonl", "reports/台账.xlsx", "attachments/" + "a" * 64 + ".jpg", "a..b/c"):
        assert pk.unsafe_name(good) is None, good


def test_minutes_round_trip_and_foreign_minutes():
    parts = {"agenda": "学习", "discussion": "", "decisions": "报镇政府", "follow_ups": ""}
    text = pk.minutes_text(parts)
    assert "学习" in text and "报镇政府" in text and "讨论情况" not in text
    assert pk.minutes_text({k: "" for k in parts}) is None
    assert pk.minutes_parts({"minutes": text, **parts}) == parts
    assert pk.minutes_parts({"minutes": "一段纪要"})["agenda"] == "一段纪要"


def test_timestamps_are_normalised_to_the_stored_form():
    assert pk.normalize_ts(TS) == TS
    assert pk.normalize_ts("2026-05-20T07:00:00Z") == "2026-05-20T15:00:00.000000+08:00"
    assert pk.normalize_ts(None) is None


def test_the_station_profile_travels_and_a_bad_one_rejects_the_manifest():
    """The optional profile of the manifest's ``station`` (address, phone, reception and activity-day
    rules, applied 积分指标, 年度评定) is kept as sent; a field of the wrong shape rejects the package,
    by our code and by the published schema alike."""
    from station_app.domain.scoring import default_rules

    rules = json.loads(default_rules(2026).to_json())
    closing = {"as_of": "2026-12-31", "closed_at": "2027-01-05T10:00:00+08:00", "closed_by": "王秘书", "rules": rules,
               "grades": [{"deputy_uid": UID, "deputy_name": "王建国", "raw": 80.5, "score100": 80.5, "grade": "称职",
                           "rank": 1, "by_indicator": {"A01": 5}}]}
    full = {"code": "T01", "name": "测试站", "township": "测试镇", "county": "测试县", "address": "镇政府一楼",
            "phone": "0534-5123456", "reception_rule": "每月15日", "schedule_rules": ["每月15日", "每周三"],
            "scoring_rules": {"2026": rules}, "year_closings": {"2026": closing}}
    schema = json.loads((SCHEMAS / "manifest.schema.json").read_text(encoding="utf-8"))
    m = pk.parse_manifest(_manifest(station=full))
    assert m.station == full and valid(schema, json.loads(_manifest(station=full)))
    old = pk.parse_manifest(_manifest())  # a v1 package: none of them, nothing invented
    assert set(old.station) == {"code", "name", "township", "county"}
    bad_grade = {**closing, "grades": [{**closing["grades"][0], "rank": "1"}]}
    for change in ({"address": "址" * 201}, {"phone": 5}, {"reception_rule": ["每月15日"]},
                   {"schedule_rules": "每月15日"}, {"schedule_rules": ["x"] * 21},
                   {"scoring_rules": {"2026年": rules}}, {"scoring_rules": {"2026": "x"}},
                   {"year_closings": {"2026": {**closing, "as_of": "2026-13-01"}}},
                   {"year_closings": {"2026": bad_grade}}, {"year_closings": {"2026": {"as_of": "2026-12-31"}}}):
        with pytest.raises(pk.ManifestError):
            pk.parse_manifest(_manifest(station={**full, **change}))
    for change in ({"address": "址" * 201}, {"schedule_rules": "每月15日"}, {"scoring_rules": {"2026年": rules}},
                   {"year_closings": {"2026": {"as_of": "2026-12-31"}}}):
        assert not valid(schema, json.loads(_manifest(station={**full, **change})))
