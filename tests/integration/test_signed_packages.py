"""Signed packages and the importer's rejections of issue 19 (EXCHANGE_FORMAT §2.3a, §2.4).

Each forged, unsigned, re-signed, tampered, future-dated or booby-trapped package is refused with
a reason a county clerk understands, and the county database is byte-for-byte the same dump
before and after (sha256 of ``sqlite3 iterdump``)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from station_app import cli
from station_app.db import close_database, open_database
from station_app.db.models import AuditLog, StationKey
from station_app.domain import package as pk
from station_app.domain import package_signing as signing
from station_app.services import exchange, station
from station_app.services.demo import make_demo
from station_app.services.exchange import keys
from tests.conftest import TEST_STATION

OTHER = signing.new_key_pair()  # a key that is not the station's


def digest(path: Path) -> str:
    """sha256 of a dump of every table (a committed view, from a connection of its own)."""
    con = sqlite3.connect(str(path))
    try:
        return hashlib.sha256("\n".join(con.iterdump()).encode("utf-8")).hexdigest()
    finally:
        con.close()


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Two signed packages of station T01 (a full one, then an incremental one) and its key."""
    base = tmp_path_factory.mktemp("signed")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STATION_APP_DATA_DIR", str(base / "appdata"))
        open_database(str(base / "station.db"))
        try:
            station.save_home_station(TEST_STATION)
            make_demo(seed=3, deputies=5, receptions=20)
            first = exchange.export_package(base / "stick", full=True, password="")
            second = exchange.export_package(base / "stick2", password="")
            pair = keys.own_key(TEST_STATION.code, create=False)
        finally:
            close_database()
    return {"first": Path(first.path), "second": Path(second.path), "pair": pair}


@pytest.fixture
def county(tmp_path):
    path = tmp_path / "county.db"
    open_database(str(path))
    yield path
    close_database()


def members_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def repack(src: Path, dst: Path, edit=None, manifest_edit=None, rehash=True, sign=OTHER, keep_signature=False):
    """``src`` with its members edited, the manifest's hashes made to match (``rehash``), and signed
    by ``sign`` (None: no signature.json), or the original signature kept (``keep_signature``)."""
    members = members_of(src)
    raw = members.pop("manifest.json")
    old_sig = members.pop(signing.SIGNATURE_MEMBER)
    manifest = json.loads(raw)
    if edit:
        edit(members, manifest)
    if rehash:
        for name, data in members.items():
            if name in manifest["files"]:
                manifest["files"][name]["sha256"] = hashlib.sha256(data).hexdigest()
                if name.endswith(".jsonl"):
                    manifest["files"][name]["count"] = data.count(b"\n")
    if manifest_edit:
        manifest_edit(manifest)
    if manifest_edit or rehash:
        raw = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr("manifest.json", raw)
        if keep_signature:
            zf.writestr(signing.SIGNATURE_MEMBER, old_sig)
        elif sign is not None:
            zf.writestr(signing.SIGNATURE_MEMBER, signing.signature_bytes(raw, sign))
    return dst


def edit_record(table: str, field: str, value, index: int = 0):
    def edit(members, _manifest):
        name = pk.data_member(table)
        recs = [json.loads(line) for line in members[name].splitlines()]
        recs[index][field] = value
        members[name] = b"".join((json.dumps(r, ensure_ascii=False) + "\n").encode() for r in recs)
    return edit


def refused(path: Path, county: Path, words: str, enroll=True) -> str:
    before = digest(county)
    (report,) = exchange.import_packages([path], enroll=enroll)
    assert report.status == "rejected", path
    assert words in report.reason, report.reason
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 0)
    assert digest(county) == before
    return report.reason


# -- signatures and the registry --------------------------------------------------------------------

def test_a_signed_package_imports_after_enroll_then_without(made, tmp_path, capsys):
    county_db = tmp_path / "county.db"
    fp = signing.grouped(made["pair"].fingerprint)
    # unknown station without --enroll: refused, the reason names the fingerprint; no database left
    assert cli.main(["import", "--db", str(county_db), str(made["first"])]) == 1
    assert fp in capsys.readouterr().err and not county_db.exists()
    assert cli.main(["import", "--db", str(county_db), "--enroll", str(made["first"])]) == 0
    out = capsys.readouterr().out
    assert "已登记站点 T01 的签名密钥" in out and fp in out
    assert cli.main(["import", "--db", str(county_db), "--json", str(made["second"])]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["status"] == "imported" and "enrolled_fingerprint" not in report
    open_database(str(county_db))
    try:
        row = StationKey.get(StationKey.station_code == "T01")
        assert row.fingerprint == made["pair"].fingerprint and row.public_key == made["pair"].public_b64
        assert AuditLog.select().where(AuditLog.action == "enrol", AuditLog.record_uid == "T01").count() == 1
    finally:
        close_database()


def test_an_unsigned_package_is_refused(made, county, tmp_path):
    bad = repack(made["first"], tmp_path / "unsigned.zip", rehash=False, sign=None)
    refused(bad, county, "没有签名")
    assert StationKey.select().count() == 0


def test_a_package_re_signed_by_another_key_is_refused(made, county, tmp_path):
    assert exchange.import_packages([made["first"]], enroll=True)[0].status == "imported"
    bad = repack(made["second"], tmp_path / "resigned.zip", rehash=False, sign=OTHER)
    reason = refused(bad, county, "与已登记的站点 T01 的密钥")
    assert signing.grouped(OTHER.fingerprint) in reason


def test_tampered_data_under_the_original_signature_is_refused(made, county, tmp_path):
    # the record altered, the manifest (and so its signature) left as it was: the sha256 differs
    bad = repack(made["first"], tmp_path / "tampered.zip", edit=edit_record("receptions", "visitor_count", 99),
                 rehash=False, keep_signature=True)
    refused(bad, county, "校验值")


def test_a_forged_manifest_under_the_original_signature_is_refused(made, county, tmp_path):
    bad = repack(made["first"], tmp_path / "forged.zip", edit=edit_record("receptions", "visitor_count", 99),
                 keep_signature=True)
    refused(bad, county, "签名与内容不符")


def test_a_forged_manifest_with_a_valid_signature_by_another_key_is_refused(made, county, tmp_path):
    assert exchange.import_packages([made["first"]], enroll=True)[0].status == "imported"
    bad = repack(made["first"], tmp_path / "forged2.zip", edit=edit_record("receptions", "visitor_count", 99))
    refused(bad, county, "密钥")
    refused(bad, county, "密钥", enroll=False)  # enrolling never replaces a station's key


@pytest.mark.parametrize("damage", ["not json", "wrong alg", "short key", "bad base64"])
def test_a_malformed_signature_is_refused(damage, made, county, tmp_path):
    good = json.loads(members_of(made["first"])[signing.SIGNATURE_MEMBER])
    doc = {"not json": b"{oops", "wrong alg": {**good, "alg": "rsa"}, "short key": {**good, "public_key": "AAAA"},
           "bad base64": {**good, "signature": "!!!"}}[damage]
    members = members_of(made["first"])
    dst = tmp_path / "malformed.zip"
    with zipfile.ZipFile(dst, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, doc if isinstance(doc, bytes) and name == signing.SIGNATURE_MEMBER else
                        json.dumps(doc).encode() if name == signing.SIGNATURE_MEMBER else data)
    refused(dst, county, "signature.json" if damage != "wrong alg" else "签名算法")


def test_reenrolling_a_station_replaces_its_key_and_is_audited(made, county, tmp_path):
    assert exchange.import_packages([made["first"]], enroll=True)[0].status == "imported"
    new_pc = repack(made["second"], tmp_path / "newpc.zip", rehash=False, sign=OTHER)
    refused(new_pc, county, "密钥")
    view = keys.reenroll("T01", OTHER.public_b64)
    assert view.fingerprint == OTHER.fingerprint and view.enrolments == 2
    entry = AuditLog.select().where(AuditLog.action == "reenrol").get()
    assert entry.before["fingerprint"] == made["pair"].fingerprint and entry.after["fingerprint"] == OTHER.fingerprint
    assert exchange.import_packages([new_pc])[0].status == "imported"


# -- the new rules of §2.4 ----------------------------------------------------------------------------

CHEATS = {
    "record updated in 2099": (edit_record("receptions", "updated_at", "2099-01-01T00:00:00.000000+08:00"), "2099"),
    "record created the day after tomorrow": (edit_record("cases", "created_at", "2099-12-31T23:59:59Z"), "晚于导入时间"),
    "tombstone dated in the future": (edit_record("deputies", "deleted_at", "2098-05-01T08:00:00+00:00"), "deleted_at"),
    "bell character": (edit_record("receptions", "summary", "正常文字\x07"), "控制字符 U+0007"),
    "carriage return": (edit_record("receptions", "summary", "一行\r二行"), "控制字符 U+000D"),
    "escape sequence": (edit_record("cases", "content", "\x1b[31m红字"), "控制字符 U+001B"),
    "right-to-left override": (edit_record("deputies", "name", "张\u202e三"), "文字方向控制符 U+202E"),
    "isolate": (edit_record("receptions", "village", "东\u2066村"), "U+2066"),
    "C1 control": (edit_record("receptions", "visitor_name", "李\x85四"), "U+0085"),
}


@pytest.mark.parametrize("case", list(CHEATS))
def test_future_times_and_hidden_characters_are_refused(case, made, county, tmp_path):
    edit, words = CHEATS[case]
    refused(repack(made["first"], tmp_path / "cheat.zip", edit=edit), county, words)


def test_tab_and_newline_are_allowed(made, county, tmp_path):
    ok = repack(made["first"], tmp_path / "ok.zip", edit=edit_record("receptions", "summary", "第一行\n\t第二行"))
    (report,) = exchange.import_packages([ok], enroll=True)
    assert report.status == "imported", report.reason


def test_a_manifest_dated_in_the_future_is_refused(made, county, tmp_path):
    bad = repack(made["first"], tmp_path / "late.zip", manifest_edit=lambda m: m.update(
        created_at="2099-01-01T09:00:00+08:00"))
    refused(bad, county, "导出时间")


def test_a_manifest_with_a_bidi_override_in_the_station_name_is_refused(made, county, tmp_path):
    bad = repack(made["first"], tmp_path / "name.zip", manifest_edit=lambda m: m["station"].update(
        name="测试\u202e站"))
    refused(bad, county, "U+202E")


def _with_attachment(name_ext: str, data: bytes):
    def edit(members, manifest):
        ref = f"attachments/{hashlib.sha256(data).hexdigest()}.{name_ext}"
        members[ref] = data
        manifest["files"][ref] = {"sha256": hashlib.sha256(data).hexdigest()}
        edit_record("deputies", "photo", ref)(members, manifest)
    return edit


@pytest.mark.parametrize(("ext", "data", "words"), [
    ("bat", b"@echo off\r\ndel /q C:\\*\r\n", "类型 .bat 不允许"),
    ("exe", b"MZ\x90\x00", "不允许"),
    ("png", b"MZ\x90\x00 a program named .png", "不是PNG 图片"),
    ("jpg", b"%PDF-1.4 a pdf named .jpg", "不是JPG 图片"),
    ("pdf", b"<html><script>", "不是PDF 文件"),
])
def test_attachments_other_than_real_jpg_png_pdf_are_refused(ext, data, words, made, county, tmp_path):
    refused(repack(made["first"], tmp_path / "att.zip", edit=_with_attachment(ext, data)), county, words)


def test_a_real_png_attachment_is_imported(made, county, tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + bytes(32)
    (report,) = exchange.import_packages([repack(made["first"], tmp_path / "png.zip",
                                                 edit=_with_attachment("png", png))], enroll=True)
    assert report.status == "imported", report.reason


def test_a_password_given_for_an_unencrypted_package_refuses_it(made, county):
    before = digest(county)
    (report,) = exchange.import_packages([made["first"]], password="县里给的密码-2026年上半年", enroll=True)
    assert report.status == "rejected" and "没有加密" in report.reason
    assert digest(county) == before
