"""The typed packages stay clean under mypy (configuration: [tool.mypy] in pyproject.toml).

domain/ and db/ are checked with --strict; printing/, services/ (exchange/ included), core/, demo/,
ui/ and the top-level modules (cli*.py, selftest.py, paths.py, errors.py…) at mypy's default
settings. Directories and a glob, not lists: a new module is checked without being named here.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# the top-level modules: the command line (cli*.py), selftest.py and the shims left where
# modules moved from (paths.py, errors.py, fileio.py)
TOP_LEVEL = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "station_app").glob("*.py"))

# one mypy run per strictness (each run reads the imported packages again: two runs, not four)
TARGETS = {
    "strict": ["station_app/domain", "station_app/db"],
    "default": ["station_app/printing", "station_app/services", "station_app/core", "station_app/demo",
                "station_app/ui", *TOP_LEVEL],
}


def _mypy(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # follow-imports=silent: modules imported from outside the targets are read for their
    # types, but only the targets' own errors are reported
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

