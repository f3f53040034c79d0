"""House rule: domain/, db/, services/ and printing/ never import PySide6 (ui → services → db/domain)."""

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "station_app"
LAYERS = ("domain", "db", "services", "printing")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):  # includes lazy imports inside functions
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", LAYERS)
def test_no_qt_below_ui(layer):
    files = sorted((PKG / layer).rglob("*.py"))
    assert files, f"no modules found in {layer}"
    offenders = {str(f.relative_to(PKG)): sorted(n for n in _imports(f) if n.split(".")[0] in ("PySide6", "shiboken6"))
                 for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("layer", ("domain", "db"))
def test_lower_layers_do_not_import_upper(layer):
    upper = ("station_app.ui", "station_app.services", "station_app.cli", "station_app.printing")
    if layer == "domain":
        upper += ("station_app.db", "peewee")
    bad = {}
    for f in sorted((PKG / layer).rglob("*.py")):
        hits = sorted(n for n in _imports(f) if n.startswith(upper))
        # the migration runner takes a backup through the backup service before migrating
        hits = [h for h in hits if not (f.name == "__init__.py" and "migrations" in str(f) and h == "station_app.services.backup")]
        if hits:
            bad[str(f.relative_to(PKG))] = hits
    assert bad == {}


def test_detector_sees_a_qt_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from PySide6.QtCore import QObject\n", encoding="utf-8")
    assert "PySide6.QtCore" in _imports(probe)
