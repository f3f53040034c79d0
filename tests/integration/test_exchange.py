"""The USB exchange (EXCHANGE_FORMAT §2) over real SQLite files and real zips: a station's demo
data exported and imported into an empty county database gives the same statistics and the same
rows; importing again changes nothing; an incremental package carries only what changed and names
its predecessor; every kind of bad package is rejected with the database exactly as it was; a
failing or cancelled export leaves nothing under the package's name; AES packages open with the
password only; packages of many stations merge in any order; and the county path runs on a real
PostgreSQL server when ``STATION_APP_TEST_PG`` is set."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest
import pyzipper

from station_app import cli
from station_app.db import close_database, open_database
from station_app.db.models import (
    ActivityDay,
    Attendance,
    Case,
    CaseEvent,
    Deputy,
    Duty,
    DutyRecord,
    ExchangeImported,
    ExchangeSent,
    Reception,
    ReceptionDeputy,
    Station,
)
from station_app.domain import package as pk
from station_app.domain import package_signing as signing
from station_app.domain.records import OpinionData, ReceptionData, StationProfile
from station_app.errors import StorageError
from station_app.services import cases, exchange, receptions, station, stats
from station_app.services.check import run_check
from station_app.services.demo import make_demo
from tests.conftest import TEST_STATION

NAME = re.compile(r"(?P<code>[A-Za-z0-9_-]+)_(?P<from>\d{8})-(?P<to>\d{8})_(?P<created>\d{8}T\d{6})\.zip")
SECOND = StationProfile(code="T02", name="邻镇人大代表联络站", township="邻镇", county="测试县",
                        address="邻镇政府", phone="0534-5123457")
TRAVEL = (Deputy, ActivityDay, Duty, Attendance, Reception, Case, CaseEvent, DutyRecord)
WIDE = (dt.date(2000, 1, 1), dt.date(2030, 12, 31))  # every record, inside the range dates may take


# -- helpers ------------------------------------------------------------------------------------------

def _members(path, password: str | None = None) -> dict[str, bytes]:
    with pyzipper.AESZipFile(path) as zf:
        if password:
            zf.setpassword(password.encode())
        return {n: zf.read(n) for n in zf.namelist()}


def _manifest(path, password: str | None = None) -> dict:
    return json.loads(_members(path, password)["manifest.json"])


def _lines(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def _rows(model, code: str | None = None) -> set[tuple]:
    """Every row of a travelling table without its local id (and the reception's local sort key)."""
    cols = [f for f in model._meta.sorted_fields if f.name not in ("id", "sort_key")]
    q = model.select(*cols)
    if code:
        q = q.where(model.station_code == code)
    return {tuple(str(v) for v in r) for r in q.tuples()}


def _snapshot(code: str | None = None) -> dict:
    snap = {m.__name__: _rows(m, code) for m in TRAVEL}
    snap["ReceptionDeputy"] = {tuple(r) for r in ReceptionDeputy.select(ReceptionDeputy.reception_uid,
                                                                         ReceptionDeputy.deputy_uid).tuples()}
    return snap


def fingerprint(path) -> str:
    """sha256 of a dump of every table (FTS shadow tables included) and of the file after a checkpoint."""
    con = sqlite3.connect(str(path))
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        h = hashlib.sha256()
        for line in con.iterdump():
            h.update(line.encode("utf-8"))
    finally:
        con.close()
    return h.hexdigest() + ":" + hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _station_db(path: Path, profile: StationProfile = TEST_STATION, seed: int = 1, deputies_n: int = 8,
                receptions_n: int = 60):
    open_database(str(path))
    station.save_home_station(profile)
    make_demo(seed=seed, deputies=deputies_n, receptions=receptions_n)


def _period(result) -> tuple[dt.date, dt.date]:
    return result.period_from, result.period_to


# the key rewrite() signs its altered packages with: the county enrols it (import ``enroll=True``),
# so the check that must catch the alteration is the one under test, not the signature
FORGER = signing.new_key_pair()


def rewrite(src: Path, dst: Path, edit=None, manifest_edit=None, rehash: bool = True, drop=(), add=None,
            sign: signing.KeyPair | None = FORGER) -> Path:
    """A copy of a plain package with members edited (and, with ``rehash``, the manifest's hashes and
    counts made to match again, so the check that must catch it is the one under test), signed by
    ``sign`` (None: unsigned)."""
    members = _members(src)
    manifest = json.loads(members.pop("manifest.json"))
    members.pop(signing.SIGNATURE_MEMBER, None)
    if edit:
        edit(members)
    if rehash:
        for name, data in members.items():
            if name in manifest["files"]:
                manifest["files"][name]["sha256"] = hashlib.sha256(data).hexdigest()
                if name.endswith(".jsonl"):
                    manifest["files"][name]["count"] = data.count(b"\n")
    if manifest_edit:
        manifest_edit(manifest)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            if name not in drop:
                zf.writestr(name, data)
        for name, data in (add or {}).items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
        raw = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
        zf.writestr("manifest.json", raw)
        if sign is not None:
            zf.writestr(signing.SIGNATURE_MEMBER, signing.signature_bytes(raw, sign))
    return dst


def _edit_line(table: str, change, index: int = 0):
    def edit(members):
        name = pk.data_member(table)
        recs = _lines(members[name])
        change(recs[index])
        members[name] = b"".join((json.dumps(r, ensure_ascii=False) + "\n").encode() for r in recs)
    return edit


# -- a station package shared by the rejection tests ---------------------------------------------------

@pytest.fixture(scope="module")
def good_package(tmp_path_factory):
    base = tmp_path_factory.mktemp("good")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STATION_APP_DATA_DIR", str(base / "appdata"))
        _station_db(base / "station.db", deputies_n=6, receptions_n=40)
        try:
            result = exchange.export_package(base / "stick", full=True, password="")
        finally:
            close_database()
    return Path(result.path)


@pytest.fixture
def county(tmp_path):
    path = tmp_path / "county.db"
    open_database(str(path))
    yield path
    close_database()


@pytest.fixture(params=["checked first", "checked beside the merge"])
def check_mode(request, monkeypatch):
    """Small packages are checked completely before the merge; big ones in a child process while
    the merge runs, committed only on its verdict. Both must reject the same packages."""
    if request.param == "checked beside the merge":
        monkeypatch.setattr(exchange, "PARALLEL_MIN_RECORDS", 0)
    return request.param


# -- round trip ---------------------------------------------------------------------------------------

def test_round_trip_into_an_empty_county_database(tmp_path, capsys):
    _station_db(tmp_path / "station.db", deputies_n=12, receptions_n=300)
    # a tombstone, a duty swap's manual row and minutes travel too
    some_case = Case.select().where(Case.deleted_at.is_null()).first()
    cases.delete(some_case.uid)
    day = ActivityDay.select().first()
    ActivityDay.update(agenda="学习两会精神", discussion="群众反映道路问题", decisions="报镇政府",
                       follow_ups="下月回访").where(ActivityDay.id == day.id).execute()
    assert cli.main(["export", "--db", str(tmp_path / "station.db"), "--out", str(tmp_path / "stick"), "--full",
                     "--password", "", "--reports"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.parent == tmp_path / "stick" and NAME.fullmatch(path.name)["code"] == "T01"
    manifest = _manifest(path)
    assert manifest["format"] == "station-exchange" and manifest["version"] == 1 and manifest["kind"] == "full"
    assert manifest["previous_package_id"] is None and manifest["station"]["code"] == "T01"
    date_from = dt.date.fromisoformat(manifest["period"]["from"])
    date_to = dt.date.fromisoformat(manifest["period"]["to"])
    assert path.name.startswith(f"T01_{date_from:%Y%m%d}-{date_to:%Y%m%d}_")
    expected = stats.statistics(date_from, date_to, "T01").to_json()
    expected_wide = stats.statistics(*WIDE, "T01").to_json()
    before = _snapshot()
    counts = {m: len(before[m]) for m in before}

    members = _members(path)
    assert set(manifest["files"]) == {n for n in members if n not in ("manifest.json", "signature.json")
                                      and not n.startswith("reports/")}
    assert {"reports/台账.xlsx", "reports/汇总.pdf"} <= set(members)
    for name, entry in manifest["files"].items():
        assert hashlib.sha256(members[name]).hexdigest() == entry["sha256"]
    recs = _lines(members["data/receptions.jsonl"])
    assert len(recs) == manifest["files"]["data/receptions.jsonl"]["count"] == counts["Reception"]
    assert not members["data/receptions.jsonl"].startswith(b"\xef\xbb\xbf")
    for table in pk.TABLES:  # every line passes the rules the import applies
        check = pk.validator(table)
        for rec in _lines(members[pk.data_member(table)]):
            check(rec)
    day_rec = next(r for r in _lines(members["data/activity_days.jsonl"]) if r["uid"] == day.uid)
    assert day_rec["minutes"] and "群众反映道路问题" in day_rec["minutes"] and day_rec["agenda"] == "学习两会精神"
    assert sorted(day_rec["duty_deputy_uids"]) == sorted(
        d.deputy_uid for d in Duty.alive().where(Duty.activity_day_uid == day.uid))
    assert members["reports/汇总.pdf"].startswith(b"%PDF")
    _check_ledger(members["reports/台账.xlsx"])
    close_database()

    county_db = tmp_path / "county" / "county.db"  # does not exist yet: a new, empty county database
    assert cli.main(["import", "--db", str(county_db), "--json", "--enroll", str(path)]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert set(report) == {"package", "status", "reason", "inserted", "updated", "unchanged", "enrolled_fingerprint"}
    assert report["status"] == "imported" and report["updated"] == 0 and report["unchanged"] == 0
    assert report["inserted"] == sum(manifest["files"][pk.data_member(t)]["count"] for t in pk.TABLES)
    open_database(str(county_db))
    assert stats.statistics(date_from, date_to, "T01").to_json() == expected
    assert stats.statistics(*WIDE, "T01").to_json() == expected_wide
    assert _snapshot() == before  # nothing lost: extras, duty rows, tombstones, the deputy mirror
    assert [f.message for f in run_check() if f.severity == "error"] == []  # keyword index included
    st = Station.get(Station.code == "T01")
    assert st.name == TEST_STATION.name and st.is_home is False
    word = recs[0]["village"]  # the keyword index answers at the county as at the station
    assert receptions.count(word, station_code="T01") == sum(1 for r in recs if word in receptions.search_text(
        dataclasses.make_dataclass("R", ["visitor_name", "visitor_phone", "village", "summary"])(
            r["visitor_name"], r["visitor_phone"], r["village"], r["summary"])) and r["deleted_at"] is None)
    (status,) = exchange.county_stations()
    assert (status.code, status.packages, status.gap, status.period_from, status.period_to) == \
        ("T01", 1, False, date_from, date_to)
    close_database()

    # again: every record unchanged, nothing written
    fp = fingerprint(county_db)
    assert cli.main(["import", "--db", str(county_db), str(path)]) == 0
    out = capsys.readouterr().out
    assert "已导入" in out and "新增 0 条，更新 0 条" in out
    assert fingerprint(county_db) == fp


def _check_ledger(data: bytes) -> None:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    assert wb.sheetnames == ["代表", "活动日", "签到", "接待登记", "意见建议", "办理记录", "履职记录",
                             "民生实事项目", "民生实事票决", "民生实事表决票", "民生实事实施节点", "民生实事督查",
                             "民生实事评单"]
    rows = list(wb["接待登记"].iter_rows(values_only=True))
    assert rows[0][:3] == ("接待时间", "来访方式", "来访人") and len(rows) > 1
    phones = [r[3] for r in rows[1:] if r[3]]
    assert phones and all("****" in p for p in phones)  # masked
    ids = [r[4] for r in rows[1:] if r[4]]
    assert all("*" in i for i in ids)
    deputies_rows = list(wb["代表"].iter_rows(values_only=True))
    assert all(r[8] is None or "*" in r[8] for r in deputies_rows[1:])


def _ledger_rows(data: bytes) -> dict[str, list[tuple]]:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    return {name: list(wb[name].iter_rows(values_only=True)) for name in wb.sheetnames}


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return "\n".join(line for line in out.splitlines() if "生成" not in line)  # the printing time differs


def test_a_big_export_writes_its_reports_here_from_the_records_it_streams(tmp_path, monkeypatch):
    """However big the export, no child process is started for the 台账 and 汇总 (one used to be
    spawned for every package of 50,000 records or more, ~2 s a package on the 90-station county):
    the 台账 is filled from the records the data members get, so it lists exactly their live
    records, in their order."""
    import multiprocessing.context

    def no_child(*_args, **_kwargs):
        raise AssertionError("an export started a child process")

    _station_db(tmp_path / "station.db", receptions_n=40)
    receptions.delete(Reception.alive().first().uid)
    monkeypatch.setattr(exchange, "PARALLEL_MIN_RECORDS", 0)
    monkeypatch.setattr(multiprocessing.context.SpawnContext, "Pool", no_child)
    members = _members(exchange.export_package(tmp_path, full=True, password="", reports=True).path)
    _check_ledger(members["reports/台账.xlsx"])
    listed = [row[2] for row in _ledger_rows(members["reports/台账.xlsx"])["接待登记"][1:]]
    live = [r["visitor_name"] for r in _lines(members["data/receptions.jsonl"]) if r["deleted_at"] is None]
    assert listed == live and len(live) == 39
    assert TEST_STATION.name in _pdf_text(members["reports/汇总.pdf"], tmp_path)
    close_database()


def test_the_reports_are_written_only_when_asked_for_and_change_no_data(tmp_path, capsys):
    """By default a package carries its data and no reports/ (the 台账 and 汇总 cost a station's
    first full package twice its data's time); ``--reports`` adds both, and the data members are
    the same bytes either way."""
    _station_db(tmp_path / "station.db", receptions_n=40)
    close_database()
    db = str(tmp_path / "station.db")
    paths = {}
    for flag in ([], ["--reports"]):
        assert cli.main(["export", "--db", db, "--out", str(tmp_path / "stick"), "--full", "--password", ""]
                        + flag) == 0
        paths[bool(flag)] = Path(capsys.readouterr().out.strip())
    plain, with_reports = _members(paths[False]), _members(paths[True])
    assert not [n for n in plain if n.startswith("reports/")]
    assert {n for n in with_reports if n.startswith("reports/")} == {"reports/台账.xlsx", "reports/汇总.pdf"}
    assert {n: b for n, b in plain.items() if n.startswith("data/")} == \
        {n: b for n, b in with_reports.items() if n.startswith("data/")}
    _check_ledger(with_reports["reports/台账.xlsx"])
    open_database(str(tmp_path / "county.db"))
    reports = exchange.import_packages([paths[False]], enroll=True)
    assert [r.status for r in reports] == ["imported"] and reports[0].inserted > 40
    close_database()


def test_the_ledger_lists_the_first_rows_and_says_how_many_there_are(tmp_path, monkeypatch):
    _station_db(tmp_path / "station.db", receptions_n=40)
    receptions.delete(Reception.alive().first().uid)  # a tombstone is not listed, nor counted
    monkeypatch.setattr(exchange, "XLSX_CAP", 5)
    live = Reception.alive().where(Reception.station_code == "T01").count()
    rows = _ledger_rows(_members(exchange.export_package(tmp_path, full=True, password="",
                                                         reports=True).path)["reports/台账.xlsx"])
    assert len(rows["接待登记"]) == 1 + 5 + 1
    assert rows["接待登记"][-1][0] == f"……共 {live} 条，表中只列出前 5 条；完整数据见数据包的 data/ 目录"
    assert live == 39
    close_database()


# -- incremental ---------------------------------------------------------------------------------------

def test_incremental_carries_only_the_changes_and_chains(tmp_path):
    station_db = tmp_path / "station.db"
    _station_db(station_db)
    first = exchange.export_package(tmp_path / "stick", full=True, password="")
    assert exchange.last_export().package_id == first.package_id
    # changes after the first package
    rec = Reception.alive().order_by(Reception.id).first()
    old = receptions.get_for_edit(rec.uid)  # the form's record: full numbers, for one who may change
    data = ReceptionData(**{f.name: getattr(old, f.name) for f in dataclasses.fields(ReceptionData)})
    receptions.update(rec.uid, dataclasses.replace(data, visitor_name="改名人", village="新村社区"))
    gone = Case.alive().where(Case.reception_uid != rec.uid).order_by(Case.id).first()
    cases.delete(gone.uid)
    new = receptions.record_visit(ReceptionData(dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5), "visit",
                                                "新来访人", village="东关村", visitor_count=2),
                                  [OpinionData("路灯不亮", "infrastructure", reply="已报修")])
    second = exchange.export_package(tmp_path / "stick", password="")
    assert second.kind == "incremental" and second.previous_package_id == first.package_id
    m2 = _manifest(second.path)
    assert m2["previous_package_id"] == first.package_id and m2["kind"] == "incremental"
    assert m2["period"]["from"] == min(first.period_to + dt.timedelta(days=1), second.period_to).isoformat()
    members = _members(second.path)
    got = {t: {r["uid"] for r in _lines(members[pk.data_member(t)])} for t in pk.TABLES}
    new_case = Case.get(Case.reception_uid == new.uid)
    assert got["receptions"] == {rec.uid, new.uid}
    assert got["cases"] == {gone.uid, new_case.uid}
    assert got["case_events"] == {e.uid for e in CaseEvent.select().where(CaseEvent.case_uid.in_([gone.uid, new_case.uid]))}
    assert got["deputies"] == set() and got["activity_days"] == set()
    deleted = next(r for r in _lines(members["data/cases.jsonl"]) if r["uid"] == gone.uid)
    assert deleted["deleted_at"] is not None  # a tombstone
    assert second.counts["receptions"] == 2
    station_stats = stats.statistics(*WIDE, "T01").to_json()
    station_snap = _snapshot()
    close_database()

    open_database(str(tmp_path / "county.db"))
    r1, r2 = exchange.import_packages([first.path, second.path], enroll=True)
    assert (r1.status, r2.status) == ("imported", "imported"), (r1.reason, r2.reason)
    assert r2.tables["receptions"] == {"inserted": 1, "updated": 1, "unchanged": 0}
    assert r2.tables["cases"] == {"inserted": 1, "updated": 1, "unchanged": 0}
    assert stats.statistics(*WIDE, "T01").to_json() == station_stats
    assert _snapshot() == station_snap
    assert [f.message for f in run_check() if f.severity == "error"] == []
    assert receptions.count("改名人", station_code="T01") == 1
    (status,) = exchange.county_stations()
    assert status.packages == 2 and not status.gap
    close_database()

    # a third package while the county missed the second: the county view shows the gap
    open_database(str(station_db))
    d = Deputy.select().first()
    Deputy.update(note="新备注", updated_at=dt.datetime.now(dt.timezone.utc).astimezone()).where(
        Deputy.id == d.id).execute()
    third = exchange.export_package(tmp_path / "stick", password="")
    assert third.previous_package_id == second.package_id and third.counts["deputies"] == 1
    close_database()
    open_database(str(tmp_path / "county2.db"))
    reports = exchange.import_packages([third.path, first.path], enroll=True)  # any order
    assert [r.status for r in reports] == ["imported", "imported"], [r.reason for r in reports]
    (status,) = exchange.county_stations()
    assert status.gap and status.packages == 2 and "之前的数据包" in status.gap_note
    assert exchange.import_packages([second.path], enroll=True)[0].status == "imported"
    (status,) = exchange.county_stations()
    assert not status.gap and status.packages == 3


# -- rejections ----------------------------------------------------------------------------------------

def _flip_raw_byte(src: Path, dst: Path) -> Path:
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo("data/receptions.jsonl")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x5A
    dst.write_bytes(bytes(data))
    return dst


def _without_manifest(src: Path, dst: Path) -> Path:
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in _members(src).items():
            if name != "manifest.json":
                zf.writestr(name, data)
    return dst


def _sub_member(table: str, pattern: bytes, replacement: bytes):
    """Edit the member's bytes themselves (the first match), as no JSON writer would write them."""
    def edit(members):
        name = pk.data_member(table)
        members[name], n = re.subn(pattern, lambda _m: replacement, members[name], count=1)
        assert n == 1, pattern
    return edit


def _set(key, value):
    def change(rec):
        rec[key] = value
    return change


def _unset(key):
    def change(rec):
        del rec[key]
    return change


REJECTIONS = {
    "flipped byte in a member": (lambda p, d: rewrite(p, d, edit=lambda m: m.__setitem__(
        "data/receptions.jsonl", m["data/receptions.jsonl"].replace(b"\"visit\"", b"\"visiu\"", 1)), rehash=False),
        "校验值"),
    "flipped byte in the compressed data": (_flip_raw_byte, "损坏"),
    "missing file": (lambda p, d: rewrite(p, d, drop=("data/cases.jsonl",)), "缺少文件 data/cases.jsonl"),
    "wrong count": (lambda p, d: rewrite(p, d, manifest_edit=lambda m: m["files"]["data/receptions.jsonl"].update(
        count=m["files"]["data/receptions.jsonl"]["count"] + 1)), "条数不符"),
    "dot-dot member": (lambda p, d: rewrite(p, d, add={"../evil.txt": b"x"}), "不安全"),
    "absolute member": (lambda p, d: rewrite(p, d, add={"/etc/evil.txt": b"x"}), "不安全"),
    "unlisted member": (lambda p, d: rewrite(p, d, add={"data/extra.jsonl": b"{}\n"}), "清单以外"),
    "zip bomb": (lambda p, d: rewrite(p, d, add={"reports/big.bin": bytes(64 << 20)}), "压缩炸弹"),
    "station code mismatch": (lambda p, d: rewrite(p, d, edit=_edit_line("receptions", _set("station_code", "X99"))),
                              "不一致"),
    "dangling reference": (lambda p, d: rewrite(p, d, edit=_edit_line("attendances", _set(
        "deputy_uid", str(uuid.uuid4())))), "不存在的代表"),
    "unknown version": (lambda p, d: rewrite(p, d, manifest_edit=lambda m: m.update(version=2)), "版本"),
    "missing manifest": (lambda p, d: _without_manifest(p, d), "manifest.json"),
    "missing required field": (lambda p, d: rewrite(p, d, edit=_edit_line("receptions", _unset("visitor_count"))),
                               "缺少字段 visitor_count"),
    "wrong type": (lambda p, d: rewrite(p, d, edit=_edit_line("receptions", _set("visitor_count", "3"))), "整数"),
    "unknown code": (lambda p, d: rewrite(p, d, edit=_edit_line("cases", _set("category", "weather"))), "代码无效"),
    "bad uid": (lambda p, d: rewrite(p, d, edit=_edit_line("deputies", _set("uid", "ABC"))), "UUID"),
    "bad timestamp": (lambda p, d: rewrite(p, d, edit=_edit_line("receptions", _set("received_at", "2026-05-01 09:00"))),
                      "时间"),
    "duplicate uid": (lambda p, d: rewrite(p, d, edit=lambda m: m.__setitem__(
        "data/attendances.jsonl", m["data/attendances.jsonl"] + m["data/attendances.jsonl"].split(b"\n")[0] + b"\n")),
        "重复"),
    "not a zip": (lambda p, d: (d.write_bytes(b"PK\x03\x04 not really a zip"), d)[1], "ZIP"),
    # JSON that Python's json module took but is not JSON (RFC 8259) or not text: rejected whole
    "NaN for a number": (lambda p, d: rewrite(p, d, edit=_sub_member("receptions", rb'"visitor_count":\d+',
                                                                     b'"visitor_count":NaN')), "不是有效的 UTF-8 JSON"),
    "lone surrogate escape": (lambda p, d: rewrite(p, d, edit=_sub_member("receptions", rb'"visitor_name":"[^"]*"',
                                                                          b'"visitor_name":"\\ud800"')),
                              "不是有效的 UTF-8 JSON"),
}


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_a_bad_package_is_rejected_and_changes_nothing(case, check_mode, good_package, county, tmp_path):
    make, words = REJECTIONS[case]
    bad = make(good_package, tmp_path / f"T01_20260101-20260131_20260201T090000-{abs(hash(case))}.zip")
    fp = fingerprint(county)
    (report,) = exchange.import_packages([bad], enroll=True)
    assert report.status == "rejected", case
    assert report.reason and re.search(r"[\u4e00-\u9fff]", report.reason)
    if words:
        assert words in report.reason, report.reason
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 0)
    assert report.to_json()["status"] == "rejected"
    assert fingerprint(county) == fp
    assert ExchangeImported.select().count() == 0 and Deputy.select().count() == 0


def test_the_good_package_itself_imports(good_package, county):
    (report,) = exchange.import_packages([good_package], enroll=True)
    assert report.status == "imported" and report.inserted > 0, report.reason


def test_wrong_or_missing_password_is_rejected(tmp_path):
    _station_db(tmp_path / "station.db", deputies_n=4, receptions_n=10)
    result = exchange.export_package(tmp_path / "stick", full=True, password="机密2026-县人大代表工委")
    close_database()
    county_db = tmp_path / "county.db"
    open_database(str(county_db))
    fp = fingerprint(county_db)
    (wrong,) = exchange.import_packages([result.path], password="wrong", enroll=True)
    assert wrong.status == "rejected" and wrong.reason == "密码不正确"
    (none,) = exchange.import_packages([result.path], enroll=True)
    assert none.status == "rejected" and "密码" in none.reason
    assert fingerprint(county_db) == fp
    (ok,) = exchange.import_packages([result.path], password="机密2026-县人大代表工委", enroll=True)
    assert ok.status == "imported" and ok.inserted > 0


def test_the_encrypted_package_opens_with_pyzipper_and_the_password_only(tmp_path):
    _station_db(tmp_path / "station.db", deputies_n=4, receptions_n=10)
    result = exchange.export_package(tmp_path / "stick", full=True, password="县里给的密码-2026年上半年")
    with zipfile.ZipFile(result.path) as zf:  # the directory is readable, the contents are not
        assert "manifest.json" in zf.namelist()
        assert all(i.flag_bits & 1 and i.compress_type == 99 for i in zf.infolist())  # WinZip AES
        with pytest.raises((RuntimeError, NotImplementedError)):
            zf.read("manifest.json")
    with pyzipper.AESZipFile(result.path) as zf:
        with pytest.raises(RuntimeError):
            zf.read("data/deputies.jsonl")
        zf.setpassword(b"wrong")
        with pytest.raises(RuntimeError):
            zf.read("data/deputies.jsonl")
        zf.setpassword("县里给的密码-2026年上半年".encode())
        assert len(_lines(zf.read("data/deputies.jsonl"))) == 4
        assert all((i.wz_aes_strength, i.wz_aes_version) == (3, 2) for i in zf.infolist())  # AES-256, AE-2
    plain = exchange.export_package(tmp_path / "stick2", full=True, password="")
    with zipfile.ZipFile(plain.path) as zf:
        assert zf.read("manifest.json")


# -- failing and cancelled exports ---------------------------------------------------------------------

def test_a_full_stick_raises_storage_error_and_leaves_nothing(station_db, tmp_path, monkeypatch):
    make_demo(seed=2, deputies=5, receptions=30)
    out = tmp_path / "stick"
    out.mkdir()
    real = exchange._Sink.write

    def write(self, data):
        if self.written + len(data) > 20_000:  # the stick is full after 20 kB
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(exchange._Sink, "write", write)
    with pytest.raises(StorageError) as exc:
        exchange.export_package(out, full=True, password="")
    assert "磁盘空间不足" in exc.value.message
    assert list(out.iterdir()) == []
    assert ExchangeSent.select().count() == 0
    monkeypatch.setattr(exchange._Sink, "write", real)
    result = exchange.export_package(out, full=True, password="")  # retried on a stick with room
    assert [p.name for p in out.iterdir()] == [Path(result.path).name]


def test_a_stick_that_gives_back_other_bytes_fails_the_re_read_and_leaves_nothing(station_db, tmp_path,
                                                                                   monkeypatch):
    """The package is read back after the rename and every hash checked (two members at a time): a
    stick that stores a byte wrongly is reported, and the package is removed from the stick."""
    make_demo(seed=2, deputies=5, receptions=200)
    out = tmp_path / "stick"
    real_replace = os.replace

    def replace_and_damage(src, dst):
        real_replace(src, dst)
        if not str(dst).endswith(".zip"):
            return
        with zipfile.ZipFile(dst) as zf:
            info = zf.getinfo(pk.data_member("receptions"))
        with open(dst, "r+b") as f:  # a byte in the middle of the member's compressed data
            f.seek(info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2)
            byte = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([byte[0] ^ 0xFF]))

    monkeypatch.setattr(exchange.os, "replace", replace_and_damage)
    with pytest.raises(StorageError) as exc:
        exchange.export_package(out, full=True, password="")
    assert "写入后校验失败" in exc.value.message and "请换一个U盘重试" in exc.value.message
    assert list(out.iterdir()) == [] and ExchangeSent.select().count() == 0
    monkeypatch.setattr(exchange.os, "replace", real_replace)
    result = exchange.export_package(out, full=True, password="")
    assert [p.name for p in out.iterdir()] == [Path(result.path).name]


def test_hashes_checked_on_two_threads_report_the_damaged_member_and_stop_on_cancel(tmp_path):
    """exchange._check_hashes on two threads, each on its own opening of the file: the same
    verdicts as one, the lines stepped on the calling thread, and a cancel raised from ``step``
    stops the workers."""
    import threading

    good = {f"data/t{i}.jsonl": b"".join(b'{"n":%d}\n' % k for k in range(2000 * (i + 1))) for i in range(4)}
    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in good.items():
            zf.writestr(name, data)
    files = {n: {"sha256": hashlib.sha256(d).hexdigest(), "count": d.count(b"\n")} for n, d in good.items()}
    callers = set()
    lines = []

    def step(k):
        callers.add(threading.current_thread())
        lines.append(k)

    def reopen():
        return zipfile.ZipFile(path)

    with zipfile.ZipFile(path) as zf:
        exchange._check_hashes(zf, files, step, reopen)
        assert sum(lines) == sum(e["count"] for e in files.values()) and callers == {threading.current_thread()}
        wrong = dict(files, **{"data/t2.jsonl": dict(files["data/t2.jsonl"], count=1)})
        with pytest.raises(exchange._Reject) as exc:
            exchange._check_hashes(zf, wrong, lambda k: None, reopen)
        assert "data/t2.jsonl" in exc.value.reason

        class Cancelled(Exception):
            pass

        def cancel(k):
            raise Cancelled()

        before = threading.active_count()
        with pytest.raises(Cancelled):
            exchange._check_hashes(zf, files, cancel, reopen)
        assert threading.active_count() == before  # the workers have ended


def test_a_parent_that_is_a_file_is_a_storage_error(station_db, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError) as exc:
        exchange.export_package(blocker / "stick", full=True, password="")
    assert "不是文件夹" in exc.value.message
    assert not re.search(r"[A-Za-z]", exc.value.message.replace(str(blocker / "stick"), "").replace("U盘", ""))


@pytest.mark.parametrize("code", sorted({errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOENT, errno.EIO,
                                         errno.ENOTDIR, errno.EEXIST, errno.EISDIR, errno.ENAMETOOLONG, errno.EINVAL,
                                         errno.EDQUOT, errno.EMFILE, errno.ETXTBSY, 0}))
def test_every_storage_message_is_plain_chinese(code, tmp_path):
    """The system's text (English on most machines) never reaches the clerk's sentence."""
    from station_app.errors import os_reason, storage_error_from_oserror

    err = storage_error_from_oserror(OSError(code, os.strerror(code) if code else "Unknown"), tmp_path / "stick")
    text = err.message.replace(str(tmp_path / "stick"), "").replace("U盘", "")
    assert re.search(r"[\u4e00-\u9fff]", text) and not re.search(r"[A-Za-z]", text), text
    reason = os_reason(OSError(code, os.strerror(code) if code else "Unknown")).replace("U盘", "")
    assert re.search(r"[\u4e00-\u9fff]", reason) and not re.search(r"[A-Za-z]", reason), reason


def test_cancel_leaves_nothing(station_db, tmp_path):
    make_demo(seed=2, deputies=5, receptions=30)
    out = tmp_path / "stick"
    calls = []

    def progress(done, total):
        calls.append((done, total))
        return len(calls) < 3

    with pytest.raises(exchange.ExportCancelled) as exc:
        exchange.export_package(out, full=True, password="", progress=progress)
    assert "取消" in exc.value.message and list(out.iterdir()) == []
    assert all(0 <= d <= t for d, t in calls)
    assert ExchangeSent.select().count() == 0
    seen = []
    result = exchange.export_package(out, full=True, password="", progress=lambda d, t: seen.append((d, t)) or True)
    assert seen[-1][0] == seen[-1][1] and Path(result.path).is_file()


# -- many stations, any order --------------------------------------------------------------------------

def test_packages_of_many_stations_merge_in_any_order(check_mode, tmp_path):
    _station_db(tmp_path / "a.db", TEST_STATION, seed=11)
    a_old = exchange.export_package(tmp_path / "stick", full=True, password="")
    rec = Reception.alive().first()
    receptions.delete(rec.uid)
    Deputy.update(note="后来改的", updated_at=dt.datetime.now(dt.timezone.utc).astimezone()).where(
        Deputy.id == Deputy.select().first().id).execute()
    a_new = exchange.export_package(tmp_path / "stick", full=True, password="")
    a_snap = _snapshot("T01")
    close_database()
    _station_db(tmp_path / "b.db", SECOND, seed=12)
    b = exchange.export_package(tmp_path / "stick", full=True, password="")
    b_snap = _snapshot("T02")
    close_database()

    results = {}
    for name, order in (("forward", [a_old.path, b.path, a_new.path]), ("backward", [a_new.path, b.path, a_old.path])):
        open_database(str(tmp_path / f"{name}.db"))
        reports = exchange.import_packages(order, enroll=True)
        assert all(r.status == "imported" for r in reports), [r.reason for r in reports]
        results[name] = (_snapshot("T01"), _snapshot("T02"), stats.statistics(*WIDE).to_json())
        assert [f.message for f in run_check() if f.severity == "error"] == []
        assert {s.code for s in exchange.county_stations()} == {"T01", "T02"}
        for period in (WIDE, (dt.date(2026, 3, 1), dt.date(2026, 8, 31))):  # grouped = one station at a time
            county = stats.statistics(*period)
            assert county.by_station == {c: stats.figures(*period, c) for c in ("T01", "T02")}
            assert sum(f.receptions for f in county.by_station.values()) == county.figures.receptions > 0
        close_database()
    assert results["forward"] == results["backward"]
    assert results["forward"][0]["Reception"] == a_snap["Reception"]
    assert results["forward"][1]["Deputy"] == b_snap["Deputy"]
    assert set(results["forward"][2]["by_station"]) == {"T01", "T02"}


# -- PostgreSQL (the county server) --------------------------------------------------------------------

@pytest.mark.postgres
def test_import_into_postgresql(pg_url, check_mode, tmp_path):
    _station_db(tmp_path / "station.db", deputies_n=8, receptions_n=80)
    first = exchange.export_package(tmp_path / "stick", full=True, password="")
    expected = stats.statistics(*WIDE, "T01").to_json()
    snap = _snapshot()
    rec = Reception.alive().first()
    old = receptions.get_for_edit(rec.uid)
    data = ReceptionData(**{f.name: getattr(old, f.name) for f in dataclasses.fields(ReceptionData)})
    receptions.update(rec.uid, dataclasses.replace(data, village="改过的村"))
    second = exchange.export_package(tmp_path / "stick", password="")
    snap2 = _snapshot()
    close_database()
    bad = rewrite(Path(second.path), tmp_path / "bad.zip", edit=_edit_line("receptions", _set("station_code", "X9")))

    open_database(pg_url)
    (r1,) = exchange.import_packages([first.path], enroll=True)
    assert r1.status == "imported", r1.reason
    assert stats.statistics(*WIDE, "T01").to_json() == expected
    assert _snapshot() == snap
    counts = {m.__name__: m.select().count() for m in TRAVEL}
    (rejected,) = exchange.import_packages([bad], enroll=True)
    assert rejected.status == "rejected"
    assert {m.__name__: m.select().count() for m in TRAVEL} == counts and _snapshot() == snap
    (r2,) = exchange.import_packages([second.path], enroll=True)
    assert r2.status == "imported" and r2.tables["receptions"]["updated"] == 1, r2.reason
    assert _snapshot() == snap2
    (again,) = exchange.import_packages([first.path, ], enroll=True)
    assert again.inserted == 0 and again.updated == 0
    assert [f.message for f in run_check() if f.severity == "error"] == []
    (status,) = exchange.county_stations()
    assert status.packages == 2 and not status.gap


@pytest.mark.postgres
def test_a_postgresql_station_exports_a_big_package_with_its_reports(pg_url, tmp_path, monkeypatch):
    """A big export of a PostgreSQL station: its 台账 and 汇总 (the ledger's lookups and the
    report's statistics through PostgreSQL). The package then imports beside a child checker,
    which opens its file by path, into SQLite."""
    monkeypatch.setattr(exchange, "PARALLEL_MIN_RECORDS", 0)
    open_database(pg_url)
    station.save_home_station(TEST_STATION)
    make_demo(seed=3, deputies=5, receptions=30)
    expected = stats.statistics(*WIDE, "T01").to_json()
    live = Reception.alive().count()
    result = exchange.export_package(tmp_path / "stick", full=True, password="", reports=True)
    close_database()
    members = _members(result.path)
    _check_ledger(members["reports/台账.xlsx"])
    assert len(_ledger_rows(members["reports/台账.xlsx"])["接待登记"]) == 1 + live
    assert TEST_STATION.name in _pdf_text(members["reports/汇总.pdf"], tmp_path)
    open_database(str(tmp_path / "county.db"))
    (report,) = exchange.import_packages([result.path], enroll=True)
    assert report.status == "imported", report.reason
    assert stats.statistics(*WIDE, "T01").to_json() == expected
    close_database()


def test_receptions_at_the_same_moment_in_two_stations_get_free_keys_in_their_second(tmp_path):
    """Stations of one county often record a visit in the same minute. The second one imported
    takes, like a single save (``free_sort_key``), one microsecond after the highest key in that
    second; keys stay unique, in their second, and the keyword index follows them."""
    from station_app.services.receptions import time_key

    _station_db(tmp_path / "a.db", TEST_STATION, seed=5, receptions_n=40)
    a = exchange.export_package(tmp_path / "stick", full=True, password="")
    close_database()
    uid = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

    def as_second_station(members):  # the same visits at the same moments, as station T02's records
        for name in [n for n in members if n.startswith("data/")]:
            data = uid.sub(lambda m: str(uuid.uuid5(uuid.NAMESPACE_OID, m.group().decode())).encode(), members[name])
            members[name] = data.replace(b'"station_code":"T01"', b'"station_code":"T02"')

    b = rewrite(Path(a.path), tmp_path / "T02_20260101-20261231_20261231T090000.zip", edit=as_second_station,
                manifest_edit=lambda m: m.update(package_id=str(uuid.uuid4()), station={
                    "code": "T02", "name": SECOND.name, "township": SECOND.township, "county": SECOND.county}))
    open_database(str(tmp_path / "county.db"))
    assert [r.status for r in exchange.import_packages([a.path, b], enroll=True)] == ["imported", "imported"]
    rows = list(Reception.select(Reception.station_code, Reception.received_at, Reception.sort_key).tuples())
    assert len({k for _c, _t, k in rows}) == len(rows) == 80
    for _code, at, key in rows:
        assert time_key(at) <= key < time_key(at) + 1_000_000
    by_moment: dict = {}
    for code, at, key in rows:
        by_moment.setdefault(time_key(at), {}).setdefault(code, []).append(key)
    shared = [m for m, codes in by_moment.items() if len(codes) == 2]
    assert len(shared) >= 30  # the two stations really collide
    for m in shared:
        first, second = sorted(by_moment[m]["T01"]), sorted(by_moment[m]["T02"])
        assert first[0] == m and second[0] == max(first) + 1  # T01 came first and kept its moment
    assert [f.message for f in run_check() if f.severity == "error"] == []  # index rowids = keys
    name = Reception.get(Reception.station_code == "T02").visitor_name
    assert receptions.count(name, station_code="T02") == receptions.count(name, station_code="T01") >= 1
    (again,) = exchange.import_packages([b], enroll=True)
    assert again.status == "imported" and again.inserted == again.updated == 0
    close_database()
