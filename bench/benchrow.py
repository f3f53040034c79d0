"""One figure of a bench, in a line ``bench/run_all.py`` collects: ``BENCH {json}``.

Each bench still prints its own report; this line adds the figure to the common table
(path | raw | ours | ratio | goal | met), the raw measured in the same run.
"""

from __future__ import annotations

import json


def emit(path: str, raw: str, ours: str, ratio: float | None, goal: str, met: bool | None) -> None:
    print("BENCH " + json.dumps({"path": path, "raw": raw, "ours": ours,
                                 "ratio": None if ratio is None else round(ratio, 2), "goal": goal, "met": met},
                                ensure_ascii=False), flush=True)
