"""Open a county database's 数据交换 → 各站情况 offscreen and report how long its statistics and
ranking take to arrive (they run on workers). Not a ratio bench: a probe for the open finding of
issue 7, on the 90-station county of ``bench_exchange.py --stations 90 --work DIR``. Drop the page
cache first (``sync; echo 1 > /proc/sys/vm/drop_caches``) to see what a county PC sees at first.

    QT_QPA_PLATFORM=offscreen python bench/probe_county_view.py DIR/county.db [--wait 300] [--png F]
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
    parser.add_argument("--png", help="save the window to this PNG once the answers are shown")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from station_app.db import open_database
    from station_app.ui.app import make_application
    from station_app.ui.main_window import MainWindow

    app = make_application()
    open_database(args.db, backup=False)
    win = MainWindow(args.db)
    win.resize(1366, 900)
    win.show()
    app.processEvents()
    page = win.exchange
    t = time.perf_counter()
    win.show_page("exchange")  # showing the page refreshes it once
    page.show_tab("county")
    app.processEvents()
    print(f"page shown after {time.perf_counter() - t:.1f} s", flush=True)
    arrived: dict[str, float] = {}
    while len(arrived) < 2:
        for name, busy in (("statistics", page.stats_busy), ("ranking", page.ranking_busy)):
            if name not in arrived and not busy.isVisible():
                arrived[name] = time.perf_counter() - t
                print(f"{name} shown after {arrived[name]:.1f} s", flush=True)
        if time.perf_counter() - t > args.wait:
            print(f"no answer after {args.wait} s: running {page._county_work.running}, waiting {list(page._county_work.waiting)}")
            return 1
        # the event loop with the GIL released between turns: PySide's QTest.qWait keeps the GIL
        # while it waits, which starves the workers (the app's own exec() releases it)
        app.processEvents()
        time.sleep(0.05)
    if args.png:
        for _ in range(10):  # the layout requests the answers made, as the app's event loop would
            app.processEvents()
            time.sleep(0.01)
        win.grab().save(args.png)
        print(f"window saved to {args.png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
