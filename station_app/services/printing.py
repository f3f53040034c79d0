"""Printouts with QR codes (一站一码、一人一码): gather the data, hand it to a renderer.

Every ``print_*`` function takes the output path and optional overrides, writes the PDF
atomically and returns the renderer's :class:`~station_app.printing.jobs.Layout` (``.path``,
``.pages``, and where every QR code, cell and photo landed). The same functions serve the GUI
(from a worker thread with its own connection) and ``station-app print``.

Where the data comes from: the home station, or ``station_code`` (a county database holds
many); the station's active deputies in roster order; their photos from the attachments
folder; the settings ``qr.mode``, ``qr.deputy_template``, ``qr.station_template``,
``station.reception_rule`` and ``privacy.show_full_numbers``. Explicit arguments (the CLI's
flags) override the settings.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path

from station_app.domain.qrcontent import QrOptions
from station_app.domain.records import StationProfile
from station_app.errors import KnownError, ValidationError
from station_app.printing.jobs import Layout, PrintJob
from station_app.services import deputies, settings, station
from station_app.services.deputies import DeputyFilter

log = logging.getLogger(__name__)

BOARD_PAPERS = ("A3", "A4")


def qr_options(mode: str | None = None, deputy_template: str | None = None,
               station_template: str | None = None) -> QrOptions:
    """The QR settings, with whatever is given here taking their place."""
    return QrOptions(
        mode=mode or settings.get("qr.mode"),
        deputy_template=settings.get("qr.deputy_template") if deputy_template is None else deputy_template,
        station_template=settings.get("qr.station_template") if station_template is None else station_template,
    )


def resolve_station(station_code: str | None = None) -> StationProfile:
    if not station_code:
        home = station.home_station()
        if home is None:
            raise ValidationError({"station": "请先填写联络站信息（设置 → 站点信息）"})
        return home
    for st in station.stations():
        if st.code == station_code:
            return st
    raise KnownError(f"数据库里没有编码为 {station_code} 的联络站")


def build_job(paper: str = "A3", qr: QrOptions | None = None, station_code: str | None = None,
              show_full_numbers: bool | None = None, next_dates: Sequence[dt.date] = ()) -> PrintJob:
    """Everything a printout needs, as plain data. (The renderers work out every QR content
    before they open the file, so a bad QR setting fails with nothing written.)"""
    st = resolve_station(station_code)
    people = tuple(deputies.all_deputies(DeputyFilter(active=True, station_code=st.code)))
    photos: dict[str, Path] = {}
    for d in people:
        if d.photo:
            path = deputies.photo_path(d.photo)
            if path.is_file():
                photos[d.uid] = path
            else:
                log.warning("photo of %s missing: %s", d.uid, path)
    return PrintJob(
        station=st, deputies=people, photos=photos,
        rule=str(settings.get("station.reception_rule") or "").strip(),
        next_dates=tuple(next_dates), qr=qr or qr_options(),
        show_full_numbers=bool(settings.get("privacy.show_full_numbers") if show_full_numbers is None
                               else show_full_numbers),
        paper=paper,
    )


def _need_deputies(job: PrintJob, what: str) -> None:
    if not job.deputies:
        raise KnownError(f"{job.station.name}还没有在任代表，无法打印{what}；请先在代表名册中添加代表")


def print_board(out: str | Path, paper: str = "A3", qr: QrOptions | None = None, station_code: str | None = None,
                show_full_numbers: bool | None = None, next_dates: Sequence[dt.date] = ()) -> Layout:
    """代表公示栏: the station code and one code per active deputy (A3 by default, or A4)."""
    from station_app.printing.board import render_board

    paper = (paper or "A3").upper()
    if paper not in BOARD_PAPERS:
        raise ValidationError({"paper": f"公示栏只能用 A3 或 A4 纸（不是 {paper}）"})
    return render_board(build_job(paper, qr, station_code, show_full_numbers, next_dates), out)


def print_cards(out: str | Path, qr: QrOptions | None = None, station_code: str | None = None,
                show_full_numbers: bool | None = None, next_dates: Sequence[dt.date] = ()) -> Layout:
    """代表联系卡: eight cards to an A4 sheet, with cut marks."""
    from station_app.printing.cards import render_cards

    job = build_job("A4", qr, station_code, show_full_numbers, next_dates)
    _need_deputies(job, "联系卡")
    return render_cards(job, out)


def print_sanliang(out: str | Path, qr: QrOptions | None = None, station_code: str | None = None,
                   show_full_numbers: bool | None = None, next_dates: Sequence[dt.date] = ()) -> Layout:
    """三亮 (亮身份、亮服务、亮承诺): one A5 page per active deputy."""
    from station_app.printing.cards import render_sanliang

    job = build_job("A5", qr, station_code, show_full_numbers, next_dates)
    _need_deputies(job, "三亮公示卡")
    return render_sanliang(job, out)


def print_nameplate(out: str | Path, station_code: str | None = None) -> Layout:
    """Desk name plates (铭牌): one folded A4 landscape tent card per active deputy (no QR)."""
    from station_app.printing.cards import render_nameplate

    job = build_job("A4-landscape", QrOptions(), station_code)
    _need_deputies(job, "桌牌")
    return render_nameplate(job, out)


def print_poster(out: str | Path, qr: QrOptions | None = None, station_code: str | None = None,
                 next_dates: Sequence[dt.date] = ()) -> Layout:
    """The station's own QR poster (A4)."""
    from station_app.printing.board import render_poster

    job = build_job("A4", qr, station_code, None, next_dates)
    return render_poster(job, out)
