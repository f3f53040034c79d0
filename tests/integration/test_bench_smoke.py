"""Every bench still runs (issue 21 item 7): ``bench/run_all.py --size small`` in the suite, its
table printed to the terminal. Nothing about timing is asserted — these machines are noisy and a
timed test would be a lie; the figures are for people (``--size full`` gives the issue's)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_every_bench_runs_at_its_small_size_and_prints_its_figures(capsys):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "run_all.py"), "--size", "small"], capture_output=True,
                         text=True, env=env, cwd=str(ROOT), timeout=1200)
    with capsys.disabled():
        print("\n" + out.stdout)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    table = [line for line in out.stdout.splitlines() if line.startswith("| ") and not line.startswith("| path")]
    paths = " ".join(table)
    for bench in ("start → window painted", "start → window with its data", "wall board", "export,", "import,", "first page of the list",
                  "duty records,", "statistics with breakdowns", "check peak memory", "page of 256 at depth"):
        assert bench in paths, f"no figure from {bench!r}"
