"""People can call their deputy (issue 16, item 2), and names refuse what cannot be printed
(item 6): the deputy's 公开联系电话 is printed and put in every code in full; a masked number
nobody can call is never printed for a deputy; visitors' numbers stay masked; the field travels in
the exchange package and the roster spreadsheet."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from dataclasses import replace

import pytest

from station_app.db import close_database, open_database
from station_app.db.models import Case, Deputy, Reception, Station
from station_app.domain import clock
from station_app.domain.qrcontent import QrOptions
from station_app.domain.records import DeputyData, OpinionData, ReceptionData
from station_app.errors import ValidationError
from station_app.services import cases, deputies, deputy_io, exchange, printing, receptions, station
from tests.conftest import TEST_STATION
from tests.integration.test_print_qr import decode_pdf, pdf_text

PUBLIC, PRIVATE_A, PRIVATE_B = "13900001111", "13700002222", "13600003333"
STATION_PHONE = TEST_STATION.phone  # 0534-5123456
VISITOR = "13512345678"


def masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


@pytest.fixture
def two(station_db):
    """赵公开 publishes a number (and has a private one); 钱私人 has only a private number."""
    a = deputies.create(DeputyData(name="赵公开", levels=("township",), phone=PRIVATE_A, public_phone=PUBLIC))
    b = deputies.create(DeputyData(name="钱私人", levels=("county",), phone=PRIVATE_B))
    return a, b


@pytest.mark.parametrize("mode", ["text", "mecard"])
@pytest.mark.parametrize("kind", ["board", "cards", "sanliang"])
def test_the_public_number_is_printed_and_coded_in_full_never_a_masked_one(two, tmp_path, kind, mode):
    a, b = two
    out = tmp_path / f"{kind}.pdf"
    qr = QrOptions(mode)
    if kind == "board":
        layout = printing.print_board(out, "A4", qr, next_dates=())
    elif kind == "cards":
        layout = printing.print_cards(out, qr, next_dates=())
    else:
        layout = printing.print_sanliang(out, qr, next_dates=())
    text = "".join(pdf_text(layout.path).split())
    assert PUBLIC in text
    # 钱私人 is reached through the station, and the printout says whose number it is
    assert (f"{STATION_PHONE}（联络站）" if kind == "sanliang" else f"联络站电话{STATION_PHONE}") in text.replace("：", "")
    for hidden in (PRIVATE_A, PRIVATE_B, masked(PRIVATE_A), masked(PRIVATE_B)):
        assert hidden not in text
    assert "****" not in text

    decoded = [r.text for page in decode_pdf(layout.path, 150) for r in page]
    by_uid = {b_.key: b_.content for b_ in layout.of_kind("deputy_qr")}
    assert sorted(decoded) == sorted(b_.content for b_ in layout.qr_boxes())  # every code reads back
    if mode == "text":
        assert by_uid[a.uid].endswith(f"\n电话：{PUBLIC}")
        assert by_uid[b.uid].endswith(f"\n联络站电话：{STATION_PHONE}")
    else:
        assert f"TEL:{PUBLIC};" in by_uid[a.uid]
        assert "TEL:" not in by_uid[b.uid]  # the station's number is not saved under the deputy's name
    for content in decoded:
        assert "****" not in content and PRIVATE_A not in content and PRIVATE_B not in content


def test_full_numbers_print_the_private_number_but_the_public_one_wins(two, tmp_path):
    layout = printing.print_cards(tmp_path / "c.pdf", QrOptions("text"), show_full_numbers=True, next_dates=())
    text = "".join(pdf_text(layout.path).split())
    assert PUBLIC in text and PRIVATE_B in text and PRIVATE_A not in text


def test_visitors_numbers_stay_masked_on_the_case_sheets(two, tmp_path):
    a, _ = two
    at = dt.datetime.now(clock.zone()).replace(microsecond=0) - dt.timedelta(hours=1)
    receptions.record_visit(ReceptionData(at, "visit", "孙大爷", visitor_phone=VISITOR, deputy_uids=(a.uid,)),
                            [OpinionData("村口路灯不亮", "infrastructure", "assigned", department="供电所")])
    uid = Case.select().get().uid
    cases.reply(uid, "已安排维修")
    for kind in ("assign", "feedback"):
        text = "".join(pdf_text(cases.print_sheet(uid, kind, tmp_path / f"{kind}.pdf", TEST_STATION.code)).split())
        assert masked(VISITOR) in text and VISITOR not in text, kind


def test_the_public_number_is_checked_like_a_phone(station_db):
    with pytest.raises(ValidationError) as err:
        deputies.create(DeputyData(name="李四", levels=("township",), public_phone="12345"))
    assert set(err.value.fields) == {"public_phone"} and "公开联系电话" in err.value.fields["public_phone"]
    rec = deputies.create(DeputyData(name="李四", levels=("township",), public_phone="+86 139 0000 1111"))
    assert rec.public_phone == "13900001111" and deputies.get(rec.uid).public_phone == "13900001111"
    assert Deputy.get(Deputy.uid == rec.uid).public_phone == "13900001111"


@pytest.mark.parametrize("name, char", [("张😀", "😀"), ("王𠮷", "𠮷"), ("a\u0302b", "\u0302")])
def test_names_the_font_cannot_print_are_refused_naming_the_character(station_db, name, char):
    code = f"U+{ord(char):04X}"
    with pytest.raises(ValidationError) as err:
        deputies.create(DeputyData(name=name, levels=("township",)))
    assert f"“{char}”" in err.value.fields["name"] and code in err.value.fields["name"]
    assert "无法打印（字库中没有这个字）" in err.value.fields["name"]
    at = dt.datetime.now(clock.zone()) - dt.timedelta(hours=1)
    with pytest.raises(ValidationError) as err:
        receptions.record_visit(ReceptionData(at, "visit", name), [OpinionData("路灯", "infrastructure")])
    assert code in err.value.fields["visitor_name"] and "来访人姓名" in err.value.fields["visitor_name"]
    with pytest.raises(ValidationError) as err:
        station.save_home_station(replace(TEST_STATION, name=f"{name}联络站"))
    assert code in err.value.fields["name"] and "联络站名称" in err.value.fields["name"]
    assert Deputy.select().count() == 0 and Reception.select().count() == 0  # nothing half-saved
    assert Station.get(Station.code == TEST_STATION.code).name == TEST_STATION.name
    # an ordinary minority name with its middle dot prints, and is accepted
    assert deputies.create(DeputyData(name="赛山·托西别克", levels=("county",))).name == "赛山·托西别克"


def test_the_roster_spreadsheet_carries_the_public_number(station_db, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "名册.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名*", "代表层级*", "联系电话", "公开联系电话"])
    ws.append(["周公开", "乡镇", PRIVATE_A, PUBLIC])
    ws.append(["吴😀", "乡镇", "", ""])
    wb.save(path)
    report = deputy_io.import_deputies(path)
    assert report.imported == 0 and len(report.errors) == 1
    assert report.errors[0].row == 3 and "“😀”" in report.errors[0].message
    ws.delete_rows(3)
    wb.save(path)
    assert deputy_io.import_deputies(path).imported == 1
    rec = deputies.all_deputies()[0]
    assert (rec.phone, rec.public_phone) == (PRIVATE_A, PUBLIC)
    assert "公开联系电话" in [c.header for c in deputy_io.COLUMNS]


def test_the_public_number_travels_in_the_package(two, tmp_path):
    a, b = two
    result = exchange.export_package(tmp_path / "stick", full=True, password="")
    with zipfile.ZipFile(result.path) as zf:
        lines = [json.loads(x) for x in zf.read("data/deputies.jsonl").decode("utf-8").splitlines()]
    assert {r["uid"]: r["public_phone"] for r in lines} == {a.uid: PUBLIC, b.uid: ""}
    close_database()
    open_database(str(tmp_path / "county.db"))
    (report,) = exchange.import_packages([result.path], enroll=True)
    assert report.status == "imported", report.reason
    got = {d.uid: (d.phone, d.public_phone) for d in deputies.all_deputies(
        deputies.DeputyFilter(active=None, station_code=TEST_STATION.code))}
    assert got == {a.uid: (PRIVATE_A, PUBLIC), b.uid: (PRIVATE_B, "")}
