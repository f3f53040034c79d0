"""Open a county database's 数据交换 → 各站情况 offscreen and report how long its statistics and
ranking take to arrive (they run on workers). Not a ratio bench: a probe for the open finding of
issue 7 (on the 90-station county of ``bench_exchange.py --stations 90 --work DIR`` the answers did
not arrive within minutes, while ``stats.statistics`` alone takes ~25 s).

    QT_QPA_PLATFORM=offscreen python bench/probe_county_view.py DIR/county.db [--wait 300]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--wait", type=int, default=300, help="seconds to wait for the answers")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtTest import QTest

    from station_app.db import open_database
    from station_app.ui.app import make_application
    from station_app.ui.main_window import MainWindow

    app = make_application()
    open_database(args.db, backup=False)
    win = MainWindow(args.db)
    win.resize(1366, 900)
    win.show()
    win.show_page("exchange")
    page = win.exchange
    t = time.perf_counter()
    page.show_tab("county")
    page.refresh()
    app.processEvents()
    print(f"refresh returned after {time.perf_counter() - t:.1f} s", flush=True)
    while page.stats_busy.isVisible() or page.ranking_busy.isVisible():
        if time.perf_counter() - t > args.wait:
            print(f"no answer after {args.wait} s: running {page._running}, waiting {list(page._waiting)}")
            return 1
        QTest.qWait(1000)
    print(f"answers after {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
