"""The installed wheel must carry every package and the bundled resources."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed_for_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "station_app").rglob("__init__.py")}
    listed = set(config["packages"])
    assert on_disk - listed == set(), "add these packages to [tool.setuptools] packages in pyproject.toml"
    assert listed - on_disk == {"station_app.bundled"}
    assert config["package-dir"]["station_app.bundled"] == "resources"
    assert (ROOT / "resources" / "fonts" / "wqy-microhei.ttc").is_file()


def test_the_built_wheel_carries_the_font_and_every_module(tmp_path):
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("station_app-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "station_app/bundled/fonts/wqy-microhei.ttc" in names
    assert "station_app/bundled/fonts/LICENSE-wqy-microhei.txt" in names
    sources = {p.relative_to(ROOT).as_posix() for p in (ROOT / "station_app").rglob("*.py")}
    assert sources - names == set()
    # every resource, the exchange JSON Schemas included
    bundled = {"station_app/bundled/" + p.relative_to(ROOT / "resources").as_posix()
               for p in (ROOT / "resources").rglob("*") if p.is_file()}
    assert "station_app/bundled/schemas/manifest.schema.json" in bundled
    assert bundled - names == set()
