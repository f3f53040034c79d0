"""代表公示栏 (wall board, A3 or A4) and the station's own QR poster (A4).

The board: a red title band, the big station code with the station's details beside it, then
a grid of deputy cells (photo 3:4, name, levels, sector, group, phone, a ≥ 3 cm code) that
flows onto further pages. Layout is planned first (so every page knows the page count) and
drawn second; nothing overlaps by construction, and the returned :class:`Layout` says where
everything is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from station_app.domain import qrcontent
from station_app.printing.jobs import PAPERS_MM, Layout, PrintJob

DEPUTY_QR_SYMBOL = 30.0  # mm: read up close (§4: at least 3 cm)
STATION_QR_SYMBOL_A3 = 120.0  # mm: read from about 1.2 m (§4: at least 12 cm on an A3 board)
PAD = 3.0


@dataclass(frozen=True)
class _Geo:
    margin: float
    band: float  # first page's title band
    title: float  # pt
    subtitle: float
    band_next: float  # the band on further pages
    station_qr: float  # the station code's square, quiet zone included
    station_symbol: float  # its symbol at least this wide
    cols: int
    gap: float
    photo_w: float
    qr: float = 38.0  # a deputy code's square: symbol ≥ 30 mm inside it
    info: float = 14  # pt, the station details beside the big code
    name: float = 16  # pt
    small: float = 9.5  # pt
    footer: float = 9.0  # mm kept free at the bottom

    @property
    def photo_h(self) -> float:
        return self.photo_w * 4 / 3

    @property
    def cell_h(self) -> float:
        return PAD + self.photo_h + 2 + self.qr + 2


GEOMETRY = {
    "A3": _Geo(margin=15, band=30, title=34, subtitle=14, band_next=16, station_qr=150,
               station_symbol=STATION_QR_SYMBOL_A3, cols=4, gap=5, photo_w=27),
    # A4: the station code as big as fits beside its details (§4 sets no minimum on A4).
    "A4": _Geo(margin=12, band=24, title=24, subtitle=11, band_next=13, station_qr=112, station_symbol=90,
               cols=3, gap=4, photo_w=25, info=11, name=15, small=9),
}


def render_board(job: PrintJob, out: str | Path) -> Layout:
    """Write the wall board for ``job`` (``job.paper`` A3 or A4) to ``out``; return where all went."""
    from station_app.printing.kit import write_pdf

    if job.paper not in GEOMETRY:
        raise ValueError(f"paper {job.paper!r}")
    geo = GEOMETRY[job.paper]
    size = PAPERS_MM[job.paper]
    station_content = job.station_qr()
    cells = [(d, job.deputy_qr(d)) for d in job.deputies]  # every content first: a bad template fails early
    pages = _plan(geo, size, len(cells))

    def draw(sheet) -> None:
        for index, slots in enumerate(pages):
            if index:
                sheet.new_page()
                sheet.band(geo.margin, geo.margin, size[0] - 2 * geo.margin, geo.band_next,
                           f"{job.station.name}　代表公示栏（续）", geo.title * 0.5)
            else:
                _first_page_head(sheet, job, geo, size, station_content)
            for i, x, y in slots:
                deputy, content = cells[i]
                _cell(sheet, job, geo, deputy, content, x, y, _cell_w(geo, size))
            sheet.footer(f"{job.station.name}　·　第 {index + 1} 页 / 共 {len(pages)} 页", size[1] - geo.margin + 2)

    return write_pdf(out, size, f"{job.station.name} 代表公示栏", draw)


def _cell_w(geo: _Geo, size) -> float:
    return (size[0] - 2 * geo.margin - (geo.cols - 1) * geo.gap) / geo.cols


def _grid_top(geo: _Geo, first: bool) -> float:
    if first:
        return geo.margin + geo.band + 6 + geo.station_qr + 14
    return geo.margin + geo.band_next + 6


def _plan(geo: _Geo, size, count: int) -> list[list[tuple[int, float, float]]]:
    """Which deputy goes where: pages of (index, x, y) slots, filled row by row."""
    cw, bottom = _cell_w(geo, size), size[1] - geo.margin - geo.footer
    pages: list[list[tuple[int, float, float]]] = [[]]
    y = _grid_top(geo, True)
    col = 0
    for i in range(count):
        if col == geo.cols:
            col, y = 0, y + geo.cell_h + geo.gap
        if y + geo.cell_h > bottom:
            pages.append([])
            col, y = 0, _grid_top(geo, False)
        pages[-1].append((i, geo.margin + col * (cw + geo.gap), y))
        col += 1
    return pages


def _first_page_head(sheet, job: PrintJob, geo: _Geo, size, content: str) -> None:
    from station_app.printing.kit import GREY, RED

    m, width = geo.margin, size[0] - 2 * geo.margin
    sheet.band(m, m, width, geo.band, job.station.name, geo.title, "代表公示栏　·　一站一码　一人一码", geo.subtitle)
    top = m + geo.band + 6
    sheet.qr(content, m, top, geo.station_qr, "station_qr", job.station.code, geo.station_symbol)
    x = m + geo.station_qr + 6
    w = size[0] - m - x
    y = top + geo.info * 0.55
    sheet.text(x, y, "扫码联系联络站", geo.info * 1.45, RED, width=w, bold=True)
    y += geo.info * 0.75
    for line in _station_lines(job):
        y = sheet.paragraph(x, y, line, geo.info, w) + geo.info * 0.12
    y += geo.info * 0.1
    sheet.paragraph(x, y, "群众有意见建议，可在接待日到站当面反映，也可扫描代表的二维码联系代表。",
                    geo.info * 0.8, w, color=GREY)
    if job.deputies:
        heading_y = top + geo.station_qr + 8.5
        sheet.text(m, heading_y, f"本站人大代表（共 {len(job.deputies)} 名）", geo.info * 1.1, RED, bold=True)
        sheet.line(m, heading_y + 2, size[0] - m, heading_y + 2, RED, 1.2)


def _station_lines(job: PrintJob) -> list[str]:
    """The station's details: the text-mode QR content's lines, plus the next dates."""
    lines = qrcontent.station_text(job.station, job.rule).splitlines()
    if job.next_dates:
        at = next((i for i, line in enumerate(lines) if line.startswith("接待日")), len(lines) - 1)
        lines.insert(at + 1, f"近期接待日：{job.dates_text()}")
    return lines


def _cell(sheet, job: PrintJob, geo: _Geo, deputy, content: str, x: float, y: float, cw: float) -> None:
    from station_app.printing.kit import GREY, INK, LINE, RED

    sheet.rect(x, y, cw, geo.cell_h, fill="#FFFFFF", stroke=LINE, width=0.5)
    sheet.rect(x, y, cw, 1.0, fill=RED)
    sheet.record("cell", x, y, cw, geo.cell_h, deputy.uid)
    sheet.photo(job.photos.get(deputy.uid), x + PAD, y + PAD + 0.5, geo.photo_w, geo.photo_h, deputy.uid)
    tx = x + PAD + geo.photo_w + 2.5
    tw = x + cw - PAD - tx
    ty = y + PAD + 0.5 + geo.name * 0.36
    drawn = sheet.text(tx, ty, deputy.name, geo.name, INK, width=tw, bold=True, condense=0.75)
    sheet.record("name", tx, ty - geo.name * 0.3, drawn, geo.name * 0.36, deputy.uid)
    ty += geo.small * 0.75
    sheet.text(tx, ty, qrcontent.deputy_title(deputy), geo.small, RED, width=tw)
    ty += 1.5
    phone = job.phone(deputy)
    for value, color in ((deputy.sector, GREY), (deputy.group, GREY), (phone and f"{phone.label} {phone.number}", INK)):
        if value:
            ty += geo.small * 0.62
            sheet.text(tx, ty, value, geo.small, color, width=tw)
    qx = x + (cw - geo.qr) / 2
    sheet.qr(content, qx, y + PAD + 0.5 + geo.photo_h + 1.5, geo.qr, "deputy_qr", deputy.uid, DEPUTY_QR_SYMBOL)


def render_poster(job: PrintJob, out: str | Path) -> Layout:
    """The station's own QR poster (A4 portrait): title band, a big code, the station's details."""
    from station_app.printing.kit import GREY, RED, write_pdf

    size = PAPERS_MM["A4"]
    content = job.station_qr()
    m, width = 15.0, size[0] - 30.0

    def draw(sheet) -> None:
        sheet.band(m, m, width, 30, job.station.name, 26, "有事找代表　码上来说事", 13)
        cx = size[0] / 2
        sheet.text(cx, m + 30 + 16, "扫一扫　联系人大代表联络站", 22, RED, "center", width, bold=True)
        side = 150.0
        top = m + 30 + 24
        sheet.qr(content, cx - side / 2, top, side, "station_qr", job.station.code, STATION_QR_SYMBOL_A3)
        y = top + side + 10
        for line in _station_lines(job)[1:]:
            for part in sheet.wrap(line, 14, width):
                sheet.text(cx, y, part, 14, align="center")
                y += 7.5
        sheet.text(cx, y + 4, "群众有意见建议，欢迎在接待日到站反映，或扫码联系。", 11, GREY, "center", width)

    return write_pdf(out, size, f"{job.station.name} 二维码", draw)
