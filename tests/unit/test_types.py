"""The typed packages stay clean under mypy (configuration: [tool.mypy] in pyproject.toml).

domain/ and db/ are checked with --strict, printing/ and the services listed below at mypy's
default settings. Not yet covered (see the comment in pyproject.toml): ui/, services/exchange/,
the newer services/qr_settings.py and services/session.py, demo/, core/ and the cli modules.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# the services/ modules that are clean (services/exchange/ is not yet)
CLEAN_SERVICES = (
    "activity", "audit", "backup", "backup_store", "cases", "check", "context", "demo",
    "demo_receptions", "deputies", "deputy_io", "health", "holiday_notice", "printing",
    "receptions", "scoring", "settings", "station", "stats", "xlsx_export",
)

# one mypy run per strictness (each run reads the imported packages again: two runs, not four)
TARGETS = {
    "strict": ["station_app/domain", "station_app/db"],
    "default": ["station_app/printing", *(f"station_app/services/{name}.py" for name in CLEAN_SERVICES)],
}


def _mypy(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # follow-imports=silent: modules imported from outside the targets (ui, exchange) are read
    # for their types, but only the targets' own errors are reported
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", "--cache-dir", str(tmp_path / "cache"),
         "--no-error-summary", "--show-error-codes", *args],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=False,
    )


@pytest.mark.parametrize("level", sorted(TARGETS))
def test_packages_are_type_clean(level, tmp_path):
    pytest.importorskip("mypy")
    for path in TARGETS[level]:
        assert (ROOT / path).exists(), f"{path} is listed here but does not exist"
    # --strict on the command line as well as in pyproject.toml's overrides, so that a slip in the
    # configuration cannot quietly loosen domain/ and db/
    strict = ["--strict"] if level == "strict" else []
    result = _mypy([*strict, *TARGETS[level]], tmp_path)
    assert result.returncode == 0, f"mypy ({level}) found errors:\n{result.stdout}{result.stderr}"

