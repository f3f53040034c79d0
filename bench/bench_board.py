"""Wall board of 60 deputies against the raw vector-QR figure (BASELINES.md "PDF and QR").

raw: 60 QR codes of 31 mm on one A3 page, plain qrcode + ReportLab canvas path rectangles (one
     per horizontal run of dark modules, the stricter of the plain ways), no app code; the codes
     carry the same texts as the app's board.
app: ``services.printing.print_board`` for a demo station of 60 active deputies: database
     read, layout, CJK font subset, 61 codes, atomic write.

Medians of interleaved runs; the ratio is the figure to quote (target ≤ 2×).

    python bench/bench_board.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchrow import emit  # noqa: E402


def raw_board(out: Path, contents: list[str]) -> None:
    import qrcode
    from reportlab.lib.pagesizes import A3
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(out), pagesize=A3)
    side, step = 31 * mm, 33 * mm
    for i, text in enumerate(contents):
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=1)
        qr.add_data(text.encode("utf-8"))
        qr.make(fit=True)
        matrix = qr.get_matrix()
        module = side / len(matrix)
        x0, y0 = 15 * mm + (i % 8) * step, A3[1] - 15 * mm - (i // 8 + 1) * step
        path = c.beginPath()
        for r, row in enumerate(matrix):
            col = 0
            while col < len(row):
                if row[col]:
                    start = col
                    while col < len(row) and row[col]:
                        col += 1
                    path.rect(x0 + start * module, y0 + side - (r + 1) * module, (col - start) * module, module)
                else:
                    col += 1
        c.drawPath(path, stroke=0, fill=1)
    c.showPage()
    c.save()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--deputies", type=int, default=60)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-board-"))
    os.environ["STATION_APP_DATA_DIR"] = str(tmp / "data")
    from station_app.db import open_database
    from station_app.db.models import Deputy
    from station_app.services import printing
    from station_app.services.demo import make_demo

    open_database(str(tmp / "bench.db"))
    make_demo(seed=7, deputies=args.deputies)
    # exactly N active deputies, whatever the demo made inactive
    Deputy.update(active=True).execute()
    warm = printing.print_board(tmp / "warm.pdf", "A3")  # font parsed once, as in a running app
    contents = [b.content for b in warm.of_kind("deputy_qr")][:60]
    assert len(warm.of_kind("deputy_qr")) == args.deputies

    raw_t, app_t = [], []
    for i in range(args.runs):
        for name, fn, sink in (("raw", lambda: raw_board(tmp / "raw.pdf", contents), raw_t),
                               ("app", lambda: printing.print_board(tmp / "app.pdf", "A3"), app_t)):
            start = time.perf_counter()
            fn()
            sink.append(time.perf_counter() - start)
            print(f"run {i + 1} {name}: {sink[-1]:.3f} s", file=sys.stderr)
    raw, app = statistics.median(raw_t), statistics.median(app_t)
    print(f"raw: 60 vector QR of 31 mm on A3 (qrcode + canvas rects): {raw:.3f} s, "
          f"{(tmp / 'raw.pdf').stat().st_size // 1024} KB")
    print(f"app: board of {args.deputies} deputies + station code ({warm.pages} A3 pages): {app:.3f} s, "
          f"{(tmp / 'app.pdf').stat().st_size // 1024} KB")
    print(f"ratio app/raw: {app / raw:.2f}x (target <= 2x)")
    emit(f"wall board, {args.deputies} deputies (A3, vector QR)", f"{raw * 1000:.0f} ms", f"{app * 1000:.0f} ms",
         app / raw, "≤ 2×", app / raw <= 2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
