"""Kill bench (issue 18 item 8): SIGKILL a worker at random moments of real service writes
(reception saves, case steps, county import, export, creating and migrating a new database),
then check integrity_check, every acknowledged write, and that no partial package is visible.

    python3 bench/bench_kill.py [RUNS]    (default 100, spread evenly over the kinds)
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import kill_harness  # noqa: E402


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    rng = random.Random(18)
    failures: list[str] = []
    figures = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-kill-") as tmp:
        base = Path(tmp)
        for i, kind in enumerate(kill_harness.KINDS):
            n = runs // len(kill_harness.KINDS) + (1 if i < runs % len(kill_harness.KINDS) else 0)
            kill_harness.prepare(kind, base / f"template-{kind}")
            acked = 0
            for r in range(n):
                try:
                    acked += kill_harness.run(kind, base / f"template-{kind}", base / "run", rng)["acked"]
                except Exception as exc:  # a loss or a broken database: count it, go on
                    failures.append(f"{kind} run {r}: {type(exc).__name__}: {exc}")
            figures[kind] = (n, acked)
        two = [kill_harness.two_new(base / f"two{i}") for i in range(10)]
    total = sum(n for n, _ in figures.values())
    for kind, (n, acked) in figures.items():
        print(f"{kind:10s} runs {n:3d}  acknowledged writes checked {acked}")
    print(f"runs {total}, failures {len(failures)}, two-new-database races with an error "
          f"{sum(1 for t in two if t)} of 10, {time.monotonic() - started:.0f} s")
    for f in failures:
        print("  ", f)
    return 1 if failures or any(two) else 0


if __name__ == "__main__":
    raise SystemExit(main())
