"""The Windows installer script compiles (makensis, Debian's nsis) against a placeholder payload."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from station_app import __version__

ROOT = Path(__file__).resolve().parents[2]
NSI = ROOT / "installer" / "station_app.nsi"


def _placeholder_payload(folder: Path) -> Path:
    """What PyInstaller puts in dist/station-app on Windows, with dummy executables."""
    app = folder / "station-app"
    (app / "_internal" / "resources" / "icons").mkdir(parents=True)
    for exe in ("station-app.exe", "station-app-cli.exe"):
        (app / exe).write_bytes(b"MZ placeholder")
    shutil.copy(ROOT / "resources" / "icons" / "station_app.ico", app / "_internal" / "resources" / "icons")
    shutil.copytree(ROOT / "installer" / "licenses", app / "_internal" / "licenses")
    (app / "VERSION.txt").write_text(__version__ + "\n", encoding="utf-8")
    return app


def test_nsis_script_compiles(tmp_path):
    makensis = shutil.which("makensis")
    if makensis is None:
        pytest.skip("makensis not installed (apt-get install nsis)")
    payload = _placeholder_payload(tmp_path)
    out = tmp_path / f"station-app-{__version__}-setup.exe"
    res = subprocess.run([makensis, "-V4", f"-DVERSION={__version__}", f"-DPAYLOAD={payload}", f"-DOUTFILE={out}",
                          str(NSI)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr
    for packed in ('File: "station-app.exe"', 'File: "station-app-cli.exe"', 'File: "THIRD-PARTY-NOTICES.txt"'):
        assert packed in res.stdout  # the whole payload folder goes in
    data = out.read_bytes()
    assert data[:2] == b"MZ" and b"Nullsoft" in data
    # the placeholder payload is inside, compressed: the installer is bigger than the stub alone
    assert len(data) > 50_000


def test_nsis_script_needs_version_and_payload(tmp_path):
    makensis = shutil.which("makensis")
    if makensis is None:
        pytest.skip("makensis not installed (apt-get install nsis)")
    res = subprocess.run([makensis, "-V2", str(NSI)], capture_output=True, text=True, timeout=120)
    assert res.returncode != 0 and "VERSION" in (res.stdout + res.stderr)


def test_license_page_text_is_utf8_with_bom():
    """NSIS reads a license .txt without a BOM in the system code page: the Chinese would be garbled."""
    assert (ROOT / "installer" / "licenses" / "THIRD-PARTY-NOTICES.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    for name in ("LGPL-3.0.txt", "GPL-3.0.txt"):
        assert "GNU" in (ROOT / "installer" / "licenses" / name).read_text(encoding="utf-8")
