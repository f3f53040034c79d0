"""The frozen Linux program (installer/build_linux.sh): built once per run, unpacked from its tarball
like a clerk would, then driven as a real process — self-test, an upgrade over an older database,
and a package of more than 50,000 records exported and imported (child processes included)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import pyzipper

from station_app import __version__

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
UNUSED_QT = ("Qt6Qml", "Qt6Quick", "Qt6WebEngine", "Qt6Multimedia", "Qt63D", "Qt6Pdf", "Qt6Designer",
             "Qt6VirtualKeyboard", "QtQml.abi3", "QtWebEngine", "QtMultimedia.abi3")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    res = subprocess.run(["bash", str(ROOT / "installer" / "build_linux.sh"), str(out)], capture_output=True,
                         text=True, timeout=900)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    tarball = Path(res.stdout.strip().splitlines()[-1])
    assert tarball.name == f"station-app-{__version__}-linux-{os.uname().machine}.tar.gz"
    unpacked = tmp_path_factory.mktemp("opt")
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, filter="tar")
    return unpacked / "station-app"


def frozen(app: Path, *args, tmp: Path, timeout: int = 600, **extra_env: str) -> subprocess.CompletedProcess:
    """Run the frozen program with a clean environment: no PYTHONPATH, its own data dir."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp), "LANG": "C.UTF-8",
           "STATION_APP_DATA_DIR": str(tmp / "appdata"), "QT_QPA_PLATFORM": "offscreen", **extra_env}
    return subprocess.run([str(app / "station-app"), *args], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=tmp)


def test_tarball_holds_program_desktop_entry_icon_and_licences(bundle):
    assert os.access(bundle / "station-app", os.X_OK)
    assert (bundle / "VERSION.txt").read_text(encoding="utf-8").strip() == __version__
    desktop = (bundle / "station-app.desktop").read_text(encoding="utf-8")
    assert "Name=联络站工作台" in desktop and "Exec=/opt/station-app/station-app" in desktop
    assert (bundle / "station-app.png").read_bytes()[:4] == b"\x89PNG"
    licences = bundle / "_internal" / "licenses"
    assert "LGPL" in (licences / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8-sig")
    assert (licences / "LGPL-3.0.txt").is_file() and (licences / "LICENSE-wqy-microhei.txt").is_file()
    assert (licences / "python" / "reportlab").is_dir()
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]  # a symlinked lib counts once
    assert not [p for p in files if any(u in p.name for u in UNUSED_QT)]
    assert (bundle / "_internal" / "PySide6" / "Qt" / "translations" / "qtbase_zh_CN.qm").is_file()
    size = sum(p.stat().st_size for p in files)
    assert size < 200 * 1024 * 1024, f"bundle is {size / 1024 / 1024:.0f} MB"


def test_frozen_self_test_passes(bundle, tmp_path):
    res = frozen(bundle, "--self-test", tmp=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    lines = res.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"自检通过（{__version__}）")
    assert "数据包导出导入" in lines[0] and "二维码回读" in lines[0] and "主窗口" in lines[0]


def test_frozen_self_test_fails_with_the_reason(bundle, tmp_path):
    font = bundle / "_internal" / "resources" / "fonts" / "wqy-microhei.ttc"
    aside = font.with_suffix(".aside")
    font.rename(aside)
    try:
        res = frozen(bundle, "--self-test", tmp=tmp_path)
    finally:
        aside.rename(font)
    assert res.returncode == 1
    assert "自检失败" in res.stderr and "Traceback" not in res.stderr and "自检通过" not in res.stdout


def _previous_release_database(path: Path) -> int:
    """A database as the previous schema left it (the newest migration not yet applied), holding data
    written with the first schema's own SQL and carried up by the earlier migrations."""
    from station_app.db.connection import make_database
    from station_app.db.migrations import latest_version, run_migrations

    previous = latest_version() - 1
    db = make_database(str(path))
    db.connect()
    run_migrations(db, str(path), backup=False, target=1)
    ts = "2025-03-01T09:00:00.000000+08:00"
    db.execute_sql("INSERT INTO station (code, name, township, county, address, phone, is_home, created_at, updated_at)"
                   f" VALUES ('OLD1', '旧站', '旧镇', '旧县', '', '', 1, '{ts}', '{ts}')")
    db.execute_sql("INSERT INTO deputy (uid, station_code, created_at, updated_at, name, gender, ethnicity, party,"
                   " levels_mask, sector, group_name, phone, term, active, note) VALUES"
                   f" ('6f1c2b7e-4d2a-4c1e-9a3b-1c2d3e4f5a6b', 'OLD1', '{ts}', '{ts}', '老代表', 'male', '汉族',"
                   " '群众', 16, '', '', '13812345678', '', 1, '')")
    run_migrations(db, str(path), backup=False, target=previous)
    db.close()
    return previous


def _version_and_deputies(path: Path) -> tuple[int, list]:
    con = sqlite3.connect(path)
    try:
        return (con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0],
                con.execute("SELECT uid, name FROM deputy").fetchall())
    finally:
        con.close()


def test_frozen_program_upgrades_the_previous_release_database(bundle, tmp_path):
    from station_app.db.migrations import latest_version

    old = tmp_path / "station.db"
    previous = _previous_release_database(old)
    res = frozen(bundle, "stats", "--db", str(old), "--from", "2025-01-01", "--to", "2025-12-31", "--json",
                 tmp=tmp_path)
    assert res.returncode == 0, res.stderr
    json.loads(res.stdout)
    version, deputies = _version_and_deputies(old)
    assert version == latest_version()
    assert deputies == [("6f1c2b7e-4d2a-4c1e-9a3b-1c2d3e4f5a6b", "老代表")]
    (backup,) = (tmp_path / "backups").glob(f"station-before-v{previous}-*.db")
    assert _version_and_deputies(backup) == (previous, deputies)  # the copy made before migrating


def test_frozen_program_exports_and_imports_more_than_50000_records(bundle, tmp_path):
    from station_app.services.exchange import PARALLEL_MIN_RECORDS

    big = tmp_path / "big.db"
    res = subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--db", str(big), "--receptions", "25000"],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    out = tmp_path / "usb"
    out.mkdir()
    refused = frozen(bundle, "export", "--db", str(big), "--out", str(out), "--full", tmp=tmp_path)
    assert refused.returncode == 2 and "STATION_APP_EXPORT_PASSWORD" in refused.stderr  # no one to ask: said
    secret = {"STATION_APP_EXPORT_PASSWORD": "县人大代表工委数据包2026"}  # encrypted, as by default
    res = frozen(bundle, "export", "--db", str(big), "--out", str(out), "--full", "--reports", tmp=tmp_path,
                 **secret)
    assert res.returncode == 0, res.stderr
    package = Path(res.stdout.strip().splitlines()[-1])
    with pyzipper.AESZipFile(package) as z:  # AES-256, as 7-Zip opens it
        z.setpassword(secret["STATION_APP_EXPORT_PASSWORD"].encode("utf-8"))
        manifest = json.loads(z.read("manifest.json"))
        names = z.namelist()
    counts = {name: entry["count"] for name, entry in manifest["files"].items() if name.endswith(".jsonl")}
    total = sum(counts.values())
    assert total > PARALLEL_MIN_RECORDS and max(counts.values()) >= PARALLEL_MIN_RECORDS
    assert {"reports/台账.xlsx", "reports/汇总.pdf"} <= set(names)  # written in the frozen program (openpyxl, ReportLab)
    res = frozen(bundle, "import", "--db", str(tmp_path / "county.db"), "--enroll", "--json", str(package),
                 tmp=tmp_path, **secret)
    assert res.returncode == 0, res.stderr
    (report,) = json.loads(res.stdout)
    assert report["status"] == "imported" and report["inserted"] == total


def test_portable_marker_keeps_the_data_beside_the_program(bundle, tmp_path):
    """The portable zip's portable.txt beside the executable: the default database is data/station.db
    next to the program, and nothing goes to the user data dir under HOME."""
    data = bundle / "data"
    marker = bundle / "portable.txt"
    shutil.copy(ROOT / "installer" / "portable.txt", marker)
    try:
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen",
               "XDG_DATA_HOME": str(tmp_path / "xdg-data"), "XDG_CONFIG_HOME": str(tmp_path / "xdg-config")}
        res = subprocess.run([str(bundle / "station-app"), "demo", "--db", str(data / "station.db")],
                             capture_output=True, text=True, env=env, timeout=300)
        assert res.returncode == 0, res.stderr
        # the GUI without --db: the portable database, shown, then quit
        res = subprocess.run([str(bundle / "station-app")], capture_output=True, text=True, timeout=300,
                             env={**env, "STATION_APP_EXIT_WHEN_SHOWN": "1"})
        assert res.returncode == 0, res.stderr
        assert not (tmp_path / "xdg-data" / "station_app").exists()
        assert (data / "station.db").is_file()
    finally:
        marker.unlink()
        shutil.rmtree(data, ignore_errors=True)
