"""民生实事项目票决制, loose ends of issue 22: the period report prints each 民生实事 figure with its
definition (and per station at a county), read back with pdftotext; and a package from an older
station, without the six livelihood members, still imports (EXCHANGE_FORMAT: the tables are
additive, their members optional) — made by exporting a real package, dropping those members from
the zip and its manifest, and signing the manifest again with the station's own key."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from station_app.db import close_database, open_database
from station_app.db.models import Deputy, LivelihoodProject
from station_app.domain import package as pk
from station_app.domain import package_signing as signing
from station_app.services import exchange, livelihood, station, stats
from station_app.services.exchange import keys
from tests.conftest import TEST_STATION
from tests.county_data import COUNTY, SECOND
from tests.integration.test_livelihood import Y, _small_year


def _pdf_text(pdf) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) not installed")
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.replace(" ", "").replace("\n", "")


def test_the_period_report_prints_each_livelihood_figure_with_its_definition(station_db, tmp_path):
    _small_year(3, 2, ("satisfied",))
    pdf = stats.print_report(dt.date(Y, 1, 1), dt.date(Y, 12, 31), tmp_path / "年报.pdf", name=f"{Y}年")
    text = _pdf_text(pdf)
    assert "票决民生实事项目2件、已完成1件" in text
    assert "民生实事项目票决" in text  # the section
    for key, value in (("approved", 2), ("completed", 1), ("voted", 3), ("rated", 1)):
        label, _sep, note = livelihood.FIGURE_NOTES[key].partition("：")
        assert f"{label}项目{value}件{note}" in text, key  # figure, unit and definition on one row
    # a period without any project says nothing of them
    quiet = stats.print_report(dt.date(Y, 2, 1), dt.date(Y, 2, 28), tmp_path / "月报.pdf", name=f"{Y}年2月")
    assert "民生实事" not in _pdf_text(quiet)


def _export(base: Path, profile, year_args=None) -> tuple[Path, str]:
    """A station database under ``base`` (a deputy; a year of projects when ``year_args``) and its
    full package, unencrypted."""
    path = str(base / profile.code / "station.db")
    open_database(path)
    try:
        station.save_home_station(profile)
        if year_args:
            _small_year(*year_args)
        else:
            from station_app.domain.records import DeputyData
            from station_app.services import deputies

            deputies.create(DeputyData("王建国", ("township",)))
        return Path(exchange.export_package(base / "stick", full=True, password="").path), path
    finally:
        close_database()


def _without_livelihood(package: Path, db_path: str, code: str, out: Path) -> Path:
    """``package`` as an older station wrote it: no livelihood members, the manifest re-signed with
    the station's own key (read from its database)."""
    dropped = {pk.data_member(t) for t in pk.OPTIONAL_TABLES}
    with zipfile.ZipFile(package) as zin:
        manifest = json.loads(zin.read("manifest.json"))
        assert dropped <= set(manifest["files"])  # the export carried them
        manifest["files"] = {k: v for k, v in manifest["files"].items() if k not in dropped}
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        open_database(db_path)
        try:
            pair = keys.own_key(code, create=False)
        finally:
            close_database()
        assert pair is not None
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                if info.filename in dropped or info.filename in ("manifest.json", signing.SIGNATURE_MEMBER):
                    continue
                zout.writestr(info.filename, zin.read(info.filename))
            zout.writestr("manifest.json", manifest_bytes)
            zout.writestr(signing.SIGNATURE_MEMBER, signing.signature_bytes(manifest_bytes, pair))
    return out


def test_an_older_package_without_the_livelihood_tables_still_imports(tmp_path):
    old_full, old_db = _export(tmp_path, SECOND)  # T02, an older station: deputies, no projects
    new_full, _ = _export(tmp_path, TEST_STATION, (3, 1, ("satisfied",)))  # T01 has them
    older = _without_livelihood(old_full, old_db, "T02", tmp_path / "older.zip")
    with zipfile.ZipFile(older) as z:
        assert not any(n.startswith("data/livelihood_") for n in z.namelist())

    open_database(str(tmp_path / "county.db"))
    try:
        station.save_home_station(COUNTY)
        reports = exchange.import_packages([str(older), str(new_full)], password="", enroll=True)
        assert [r.status for r in reports] == ["imported", "imported"], [r.reason for r in reports]
        assert reports[0].station_code == "T02" and reports[0].inserted > 0
        assert not any(t.startswith("livelihood_") and sum(n.values()) for t, n in reports[0].tables.items())
        assert Deputy.select().where(Deputy.station_code == "T02").count() == 1
        assert LivelihoodProject.select().where(LivelihoodProject.station_code == "T02").count() == 0
        assert LivelihoodProject.select().where(LivelihoodProject.station_code == "T01").count() == 3
        by = stats.statistics(dt.date(Y, 1, 1), dt.date(Y, 12, 31), None).by_station
        assert by["T02"].livelihood_projects["approved"] == 0 and by["T01"].livelihood_projects["approved"] == 1
    finally:
        close_database()
