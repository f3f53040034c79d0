"""A station's data is whole wherever it lives (issue 15).

Three stations each make their own database (demo data of different seeds and sizes, their own
profiles and reception rules), print every printout and compute their statistics at home, and
export a full package. Then:

- the county imports all three packages into one database (SQLite here, PostgreSQL in CI), and
- each station is restored onto an empty database from its own package (a replacement PC);

and for each station, the county (with ``--station``) and the restored database (no flag needed)
give exactly what the station gave at home: ``stats --json``, the period report's data, the
points ranking, and the extracted text of every printed kind. Only the print date may differ.

Also: every print kind and ``stats`` end with exit 0, 1 or 2 and a Chinese message, never a
traceback, on an empty database, a one-imported-station database and a county database.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import json
import re
import subprocess
from pathlib import Path

import pytest

from station_app import cli
from station_app.db import close_database, open_database
from station_app.domain import clock
from station_app.domain.records import StationProfile
from station_app.services import cases, exchange, scoring, settings, station, stats

STATIONS = (
    # profile, seed, deputies, receptions, reception rule
    (StationProfile(code="S-CG01", name="长官镇人大代表联络站", township="长官镇", county="宁津县",
                    address="长官镇政府一楼东", phone="0534-5511001"), 3, 9, 70, "每月15日"),
    (StationProfile(code="S-DZ02", name="大柳镇人大代表联络站", township="大柳镇", county="宁津县",
                    address="大柳镇人民路8号", phone="0534-5511002"), 7, 14, 130, "每月第一个周二"),
    (StationProfile(code="S-XJ03", name="相衙镇人大代表联络站", township="相衙镇", county="宁津县",
                    address="相衙镇便民服务中心", phone="0534-5511003"), 11, 6, 40, "每周三"),
)
CLOSED = "S-DZ02"  # this station has held its 年度评定 of the year
TODAY = clock.today()
YEAR = TODAY.year
FROM, TO = dt.date(YEAR, 1, 1), TODAY

# the printed kinds and their arguments (filled per station): every kind the CLI prints
KINDS = ("board", "cards", "sanliang", "nameplate", "poster", "notice", "minutes", "archive", "ranking", "report",
         "assign", "feedback")
# what may differ between two prints of the same data: the day and time it was printed
PRINTED_AT = re.compile(r"(打印日期|制表日期|生成日期|打印时间|制表时间|生成时间)[：:]?\s*\S+(\s+\d{1,2}:\d{2}(:\d{2})?)?")


def pdf_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return PRINTED_AT.sub("〔打印日期〕", text)


def run_cli(*args) -> tuple[int, str, str]:
    """The command line, in this process (as ``station-app ARGS``): exit status, stdout, stderr."""
    close_database()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@dataclasses.dataclass
class Picked:
    """What a station's prints are about: one held activity day, one deputy, one answered case."""

    day: str
    deputy: str
    case: str


def _pick(code: str) -> Picked:
    from station_app.db.models import ActivityDay, Case, CaseEvent, Deputy

    day = (ActivityDay.alive().where(ActivityDay.station_code == code, ActivityDay.status == "held")
           .order_by(ActivityDay.date.desc()).first())
    deputy = Deputy.alive().where(Deputy.station_code == code, Deputy.active == True).order_by(Deputy.id).first()  # noqa: E712
    replied = CaseEvent.select(CaseEvent.case_uid).where(CaseEvent.action == "reply", CaseEvent.deleted_at.is_null())
    case = (Case.alive().where(Case.station_code == code, Case.handling == "assigned", Case.uid.in_(replied))
            .order_by(Case.number).first())
    assert day is not None and deputy is not None and case is not None, f"{code}: demo data lacks a held day, deputy or answered case"
    return Picked(day.date.isoformat(), deputy.uid, case.number)


def _print_args(kind: str, picked: Picked) -> list[str]:
    extra = {"notice": ["--from", FROM.isoformat(), "--to", (TODAY + dt.timedelta(days=60)).isoformat()],
             "minutes": ["--activity-day", picked.day],
             "archive": ["--deputy", picked.deputy, "--year", str(YEAR)],
             "ranking": ["--year", str(YEAR)],
             "report": ["--from", FROM.isoformat(), "--to", TO.isoformat(), "--title", f"{YEAR}年"],
             "assign": ["--case", picked.case], "feedback": ["--case", picked.case]}
    return extra.get(kind, [])


def _views(db: str) -> dict:
    """The services' answers for every station of ``db`` (data, not text)."""
    open_database(db)
    try:
        out = {}
        for st in station.data_stations():
            out[st.code] = {
                "report": dataclasses.replace(stats.report_data(FROM, TO, st.code, f"{YEAR}年"), station_name=st.name),
                "ranking": [dataclasses.astuple(s) for s in scoring.ranking(YEAR, station_code=st.code)],
                "overdue": [c.number for c in cases.overdue(station_code=st.code)],
                "profile": dataclasses.replace(station.profile(st.code), is_home=False),
            }
        return out
    finally:
        close_database()


def _outputs(db: str, code: str | None, picked: Picked, folder: Path) -> dict:
    """``stats --json`` and the text of every printed kind, through the command line."""
    folder.mkdir(parents=True, exist_ok=True)
    flag = ["--station", code] if code else []
    rc, out, err = run_cli("stats", "--db", db, "--from", FROM, "--to", TO, *flag, "--json")
    assert rc == 0, err
    result = {"stats": json.loads(out)}
    for kind in KINDS:
        pdf = folder / f"{kind}.pdf"
        rc, out, err = run_cli("print", kind, "--db", db, "--out", pdf, *flag, *_print_args(kind, picked))
        assert rc == 0, f"print {kind}: {err}"
        result[kind] = pdf_text(pdf)
    return result


@pytest.fixture(scope="module")
def stations_at_home(tmp_path_factory):
    """Each station's database, what it printed and counted at home, and its full package."""
    base = tmp_path_factory.mktemp("anywhere")
    stick = base / "stick"
    homes = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STATION_APP_DATA_DIR", str(base / "appdata"))
        for profile, seed, n_deputies, n_receptions, rule in STATIONS:
            db = str(base / profile.code / "station.db")
            open_database(db)
            try:
                station.save_home_station(profile)
                settings.set("station.reception_rule", rule)
                from station_app.services.demo import make_demo

                make_demo(seed=seed, deputies=n_deputies, receptions=n_receptions)
                picked = _pick(profile.code)
                scoring.sync_auto(YEAR)
                if profile.code == CLOSED:  # 年度评定 done: its frozen grades travel too
                    scoring.close_year(YEAR)
            finally:
                close_database()
            home_out = _outputs(db, None, picked, base / profile.code / "home-prints")
            open_database(db)
            try:
                package = Path(exchange.export_package(stick, full=True, password="").path)
            finally:
                close_database()
            homes[profile.code] = {"db": db, "picked": picked, "out": home_out, "package": package}
        views = {code: _views(h["db"])[code] for code, h in homes.items()}
    return {"base": base, "homes": homes, "views": views}


def _compare(home: dict, there: dict, where: str) -> None:
    assert there["stats"] == home["stats"], f"{where}: stats --json differs"
    for kind in KINDS:
        assert there[kind] == home[kind], f"{where}: the text of print {kind} differs"


def _county(url: str, homes: dict) -> None:
    rc, out, err = run_cli("import", "--db", url, "--enroll", *[h["package"] for h in homes.values()])
    assert rc == 0, err


def _check_everywhere(db: str, homes: dict, views: dict, folder: Path, named: bool) -> None:
    there_views = _views(db)
    for code, home in homes.items():
        got = there_views[code]
        want = views[code]
        assert got["profile"] == want["profile"], f"{code}: the profile did not travel"
        assert got["report"] == want["report"], f"{code}: the period report's data differs"
        assert got["ranking"] == want["ranking"], f"{code}: the points ranking differs"
        assert got["overdue"] == want["overdue"], f"{code}: the overdue list differs"
        out = _outputs(db, code if named else None, home["picked"], folder / code)
        _compare(home["out"], out, f"{code} at {folder.name}")


def test_a_county_database_shows_each_station_exactly_as_at_home(stations_at_home, tmp_path):
    homes, views = stations_at_home["homes"], stations_at_home["views"]
    county = str(tmp_path / "county.db")
    _county(county, homes)
    _check_everywhere(county, homes, views, tmp_path / "county", named=True)
    # and the whole county adds up the stations
    rc, out, err = run_cli("stats", "--db", county, "--from", FROM, "--to", TO, "--station", "all", "--json")
    assert rc == 0, err
    whole = json.loads(out)
    assert set(whole["by_station"]) == set(homes)
    for key in ("receptions", "visitors", "cases_collected", "cases_resolved"):
        assert whole[key] == sum(h["out"]["stats"][key] for h in homes.values())
        assert {c: whole["by_station"][c][key] for c in homes} == {c: h["out"]["stats"][key] for c, h in homes.items()}


@pytest.mark.postgres
def test_a_county_on_postgresql_shows_each_station_exactly_as_at_home(stations_at_home, tmp_path, pg_url):
    homes, views = stations_at_home["homes"], stations_at_home["views"]
    _county(pg_url, homes)
    _check_everywhere(pg_url, homes, views, tmp_path / "pg", named=True)


def test_a_station_restored_from_its_own_package_is_as_at_home(stations_at_home, tmp_path):
    homes, views = stations_at_home["homes"], stations_at_home["views"]
    for code, home in homes.items():
        restored = str(tmp_path / f"{code}-new-pc.db")
        rc, out, err = run_cli("import", "--db", restored, "--enroll", home["package"])
        assert rc == 0, err
        _check_everywhere(restored, {code: home}, views, tmp_path / f"restored-{code}", named=False)


def test_the_record_counts_of_the_equivalence(stations_at_home):
    """The size of what the equivalence above compares (for the note): stations and records."""
    total = 0
    for home in stations_at_home["homes"].values():
        import zipfile

        with zipfile.ZipFile(home["package"]) as zf:
            manifest = json.loads(zf.read("manifest.json"))
        total += sum(v.get("count", 0) for k, v in manifest["files"].items() if k.endswith(".jsonl"))
    assert len(stations_at_home["homes"]) == 3 and total > 500
    print(f"equivalence: {len(stations_at_home['homes'])} stations, {total} records")


def _kind_args(kind: str) -> list[str]:
    picked = Picked(day=TODAY.isoformat(), deputy="王建国", case=f"{YEAR}-0001")
    return _print_args(kind, picked)


@pytest.mark.parametrize("where", ["empty", "one imported station", "county"])
def test_printing_and_statistics_never_end_in_an_internal_error(stations_at_home, tmp_path, where):
    """Every print kind and ``stats``, with and without ``--station``: exit 0, 1 or 2 with a message
    in Chinese; never a traceback, never 程序内部错误."""
    homes = stations_at_home["homes"]
    db = str(tmp_path / "db.db")
    if where == "empty":
        open_database(db)
        close_database()
    else:
        packages = [h["package"] for h in homes.values()][: 1 if where == "one imported station" else None]
        assert run_cli("import", "--db", db, "--enroll", *packages)[0] == 0
    first = next(iter(homes))
    seen = set()
    for flag in ([], ["--station", first], ["--station", "NOPE-99"]):
        runs = [("stats", ["stats", "--db", db, "--from", FROM, "--to", TO, *flag, "--json"])]
        runs += [(kind, ["print", kind, "--db", db, "--out", tmp_path / f"{kind}.pdf", *flag, *_kind_args(kind)])
                 for kind in KINDS]
        for what, args in runs:
            rc, out, err = run_cli(*args)
            seen.add(rc)
            assert rc in (0, 1, 2), f"{what} {flag}: exit {rc}"
            assert "Traceback" not in err and "程序内部错误" not in err, f"{what} {flag}: {err}"
            if rc:
                assert re.search(r"[\u4e00-\u9fff]", err), f"{what} {flag}: no Chinese message: {err!r}"
            if flag and flag[1] == "NOPE-99":
                assert rc == 2 and "NOPE-99" in err, f"{what}: an unknown station is a wrong argument"
    if where == "county":  # several stations and none named: exit 2 listing them
        rc, _out, err = run_cli("stats", "--db", db, "--from", FROM, "--to", TO, "--json")
        assert rc == 2 and all(code in err for code in homes)
        assert "长官镇人大代表联络站" in err
    assert 2 in seen
