"""Printouts with QR codes (一站一码、一人一码): gather the data, hand it to a renderer.

Every ``print_*`` function takes the output path and optional overrides, writes the PDF
atomically and returns the renderer's :class:`~station_app.printing.jobs.Layout` (``.path``,
``.pages``, and where every QR code, cell and photo landed). The same functions serve the GUI
(from a worker thread with its own connection) and ``station-app print``.

Where the data comes from: the home station, or ``station_code`` (a county database holds
many); the station's active deputies in roster order; their photos from the attachments
folder; the settings ``qr.mode``, ``qr.deputy_template``, ``qr.station_template``,
``station.reception_rule``; full phone numbers as the privacy policy allows the current user
(services/privacy.py). Explicit arguments (the CLI's flags) override the settings. Cards, 三亮
cards and name plates can be limited to chosen deputies (``deputy_uids``, in roster order
whatever order they are given in).

The print centre (GUI) goes through :data:`PRINTOUTS` (what each printout offers) and
:func:`render` / :func:`render_bytes` with a :class:`PrintOptions`.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from station_app.domain.qrcontent import QrOptions
from station_app.domain.records import StationProfile
from station_app.domain.roles import Permission
from station_app.errors import KnownError, ValidationError
from station_app.printing.jobs import Layout, PrintJob
from station_app.services import context, deputies, privacy, station
from station_app.services.deputies import DeputyFilter
from station_app.services.qr_settings import qr_options  # its home; importable from here too

log = logging.getLogger(__name__)

BOARD_PAPERS = ("A3", "A4")
PAPER_LABELS = {"A3": "A3", "A4": "A4", "A5": "A5", "A4-landscape": "A4横向"}


@dataclass(frozen=True)
class Printout:
    """One kind of printout and the options it takes (the CLI's ``print KIND``)."""

    key: str
    title: str
    papers: tuple[str, ...]  # the first is the default
    description: str
    deputy_qr: bool = True  # carries a code per deputy
    station_qr: bool = False  # carries the station's code
    phones: bool = True  # prints deputies' phone numbers
    selectable: bool = False  # can be limited to chosen deputies

    @property
    def qr(self) -> bool:
        """Whether the printout carries QR codes (a deputy's or the station's)."""
        return self.deputy_qr or self.station_qr


PRINTOUTS: tuple[Printout, ...] = (
    Printout("board", "代表公示栏", ("A3", "A4"), "一站一码、一人一码：联络站二维码和每位在任代表的照片、二维码，贴在站内墙上",
             station_qr=True),
    Printout("cards", "代表联系卡", ("A4",), "名片大小，每张 A4 纸 8 张，带裁切线，发给群众", selectable=True),
    Printout("sanliang", "三亮公示卡", ("A5",), "亮身份、亮服务、亮承诺：每位代表一张 A5", selectable=True),
    Printout("nameplate", "桌牌", ("A4-landscape",), "A4 横向对折，正反两面都是代表姓名（没有二维码）",
             deputy_qr=False, phones=False, selectable=True),
    Printout("poster", "联络站二维码海报", ("A4",), "联络站自己的大二维码和地址、接待日，贴在门口",
             deputy_qr=False, station_qr=True, phones=False),
)
_PRINTOUT_BY_KEY = {p.key: p for p in PRINTOUTS}


def printout(key: str) -> Printout:
    """The printout registered as ``key``."""
    try:
        return _PRINTOUT_BY_KEY[key]
    except KeyError:
        raise KnownError(f"不认识的打印种类：{key}") from None


@dataclass(frozen=True)
class PrintOptions:
    """What to print and how; ``None`` means as the settings say (or the printout's default)."""

    kind: str = "board"
    paper: str | None = None
    qr: QrOptions | None = None
    show_full_numbers: bool | None = None
    deputy_uids: tuple[str, ...] | None = None  # None: every active deputy
    station_code: str | None = None

    @property
    def printout(self) -> Printout:
        """The :class:`Printout` of ``kind``."""
        return printout(self.kind)

    @property
    def paper_or_default(self) -> str:
        """The paper asked for (``a4`` is read as ``A4``), or the printout's default."""
        if not self.paper:
            return self.printout.papers[0]
        return self.paper.upper() if self.paper.upper() in PAPER_LABELS else self.paper


def resolve_station(station_code: str | None = None) -> StationProfile:
    """The station a printout is about: the one named, else the database's only station
    (:func:`station.choose`: several and none named is an error listing them, never the home
    station by default)."""
    return station.choose(station_code)


def choose_deputies(people: Sequence, deputy_uids: Collection[str] | None) -> tuple:
    """The active deputies to print: all of them, or those chosen (kept in roster order)."""
    if deputy_uids is None:
        return tuple(people)
    wanted = set(deputy_uids)
    if not wanted:
        raise KnownError("没有选择代表：请至少勾选一名代表，或选择“全部在任代表”")
    chosen = tuple(d for d in people if d.uid in wanted)
    gone = len(wanted) - len(chosen)
    if gone:
        raise KnownError(f"所选代表中有 {gone} 名已不在任或已删除，请重新选择")
    return chosen


def upcoming_reception_dates(today: dt.date | None = None, count: int = 3,
                             rule_text: str | None = None, station_code: str | None = None) -> tuple[dt.date, ...]:
    """The next ``count`` reception days (today included) of the station from its reception rule
    (``每月15日``, ``每月第一个周二``, ``每周三`` …), moved off statutory holidays to the next workday.

    Only years the holiday data covers are used: a printed board never shows a date that may
    fall on a holiday not yet announced. A rule the parser does not understand (free text)
    gives no dates; the rule itself is still printed.
    When activity days have been scheduled (活动日 page), the planned ones are printed instead,
    moves and cancellations included.
    """
    from station_app.domain import clock
    from station_app.domain.schedule import HolidayCalendar, generate, parse_rule
    from station_app.services import activity

    today = today or clock.today()
    st = station.choose(station_code) if rule_text is None else None
    if st is not None:
        planned = activity.days_in_range(today, today + dt.timedelta(days=400), include_cancelled=False,
                                         station_code=st.code)
        if planned:
            return tuple(d.date for d in planned[:count])
    text = st.reception_rule if st is not None else rule_text
    try:
        rule = parse_rule(str(text or "").strip())
    except (KnownError, ValueError):
        return ()
    calendar = HolidayCalendar()
    found: list[dt.date] = []
    for year in (today.year, today.year + 1):
        if not calendar.covers(year):
            break
        found += [p.date for p in generate([rule], year, calendar).dates if p.date >= today]
    return tuple(found[:count])


def build_job(paper: str = "A3", qr: QrOptions | None = None, station_code: str | None = None,
              show_full_numbers: bool | None = None, next_dates: Sequence[dt.date] | None = None,
              deputy_uids: Collection[str] | None = None) -> PrintJob:
    """Everything a printout needs, as plain data. (The renderers work out every QR content
    before they open the file, so a bad QR setting fails with nothing written.)"""
    st = resolve_station(station_code)
    people = choose_deputies(deputies.all_deputies(DeputyFilter(active=True, station_code=st.code)), deputy_uids)
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
        rule=st.reception_rule.strip(),
        next_dates=tuple(upcoming_reception_dates(station_code=st.code) if next_dates is None else next_dates),
        qr=qr or qr_options(),
        show_full_numbers=_full_numbers(show_full_numbers),
        paper=paper,
    )


def _full_numbers(asked: bool | None) -> bool:
    """Print deputies' full phone numbers? As the privacy policy has it for the current user
    (services/privacy.py); ``asked`` True (the CLI's ``--full-numbers``, the print centre's box) is
    refused for a role that may not show full numbers, ``None`` is the user's session choice."""
    if asked:
        context.require(Permission.UNMASK, "印出完整电话号码")
    return privacy.revealed(asked)


def _need_deputies(job: PrintJob, what: str) -> None:
    if not job.deputies:
        raise KnownError(f"{job.station.name}还没有在任代表，无法打印{what}；请先在代表名册中添加代表")


def print_board(out: str | Path, paper: str = "A3", qr: QrOptions | None = None, station_code: str | None = None,
                show_full_numbers: bool | None = None, next_dates: Sequence[dt.date] | None = None) -> Layout:
    """代表公示栏: the station code and one code per active deputy (A3 by default, or A4)."""
    from station_app.printing.board import render_board

    paper = (paper or "A3").upper()
    if paper not in BOARD_PAPERS:
        raise ValidationError({"paper": f"公示栏只能用 A3 或 A4 纸（不是 {paper}）"})
    job = build_job(paper, qr, station_code, show_full_numbers, next_dates)
    _need_deputies(job, "代表公示栏")
    return render_board(job, out)


def print_cards(out: str | Path, qr: QrOptions | None = None, station_code: str | None = None,
                show_full_numbers: bool | None = None, next_dates: Sequence[dt.date] | None = None,
                deputy_uids: Collection[str] | None = None) -> Layout:
    """代表联系卡: eight cards to an A4 sheet, with cut marks (every active deputy, or those chosen)."""
    from station_app.printing.cards import render_cards

    job = build_job("A4", qr, station_code, show_full_numbers, next_dates, deputy_uids)
    _need_deputies(job, "联系卡")
    return render_cards(job, out)


def print_sanliang(out: str | Path, qr: QrOptions | None = None, station_code: str | None = None,
                   show_full_numbers: bool | None = None, next_dates: Sequence[dt.date] | None = None,
                   deputy_uids: Collection[str] | None = None) -> Layout:
    """三亮 (亮身份、亮服务、亮承诺): one A5 page per active deputy (or per chosen deputy)."""
    from station_app.printing.cards import render_sanliang

    job = build_job("A5", qr, station_code, show_full_numbers, next_dates, deputy_uids)
    _need_deputies(job, "三亮公示卡")
    return render_sanliang(job, out)


def print_nameplate(out: str | Path, station_code: str | None = None,
                    deputy_uids: Collection[str] | None = None) -> Layout:
    """Desk name plates (铭牌): one folded A4 landscape tent card per active (or chosen) deputy (no QR)."""
    from station_app.printing.cards import render_nameplate

    job = build_job("A4-landscape", QrOptions(), station_code, deputy_uids=deputy_uids)
    _need_deputies(job, "桌牌")
    return render_nameplate(job, out)


def print_poster(out: str | Path, qr: QrOptions | None = None, station_code: str | None = None,
                 next_dates: Sequence[dt.date] | None = None) -> Layout:
    """The station's own QR poster (A4)."""
    from station_app.printing.board import render_poster

    job = build_job("A4", qr, station_code, None, next_dates)
    return render_poster(job, out)


def render(options: PrintOptions, out: str | Path) -> Layout:
    """Write the printout ``options`` describes to ``out`` (atomically) and return its layout."""
    p = options.printout
    paper = options.paper_or_default
    if paper not in p.papers:
        labels = " 或 ".join(PAPER_LABELS[x] for x in p.papers)
        raise ValidationError({"paper": f"{p.title}只能用 {labels} 纸（不是 {paper}）"})
    if options.deputy_uids is not None and not p.selectable:
        raise KnownError(f"{p.title}印的是全部在任代表，不能只选其中几位")
    qr, full, uids, code = options.qr, options.show_full_numbers, options.deputy_uids, options.station_code
    if options.kind == "board":
        return print_board(out, paper, qr, code, full)
    if options.kind == "cards":
        return print_cards(out, qr, code, full, deputy_uids=uids)
    if options.kind == "sanliang":
        return print_sanliang(out, qr, code, full, deputy_uids=uids)
    if options.kind == "nameplate":
        return print_nameplate(out, code, deputy_uids=uids)
    return print_poster(out, qr, code)


def render_bytes(options: PrintOptions) -> tuple[Layout, bytes]:
    """Render into a temporary file and hand back its bytes (for a preview or the printer);
    the temporary file is gone when this returns. ``Layout.path`` names that vanished file."""
    with tempfile.TemporaryDirectory(prefix="station-print-") as folder:
        layout = render(options, Path(folder) / f"{options.kind}.pdf")
        return layout, layout.path.read_bytes()


def default_filename(options: PrintOptions, day: dt.date | None = None) -> str:
    """``代表公示栏-A3-2026-11-22.pdf``: what the printout is, on which paper, made which day."""
    from station_app.domain import clock

    day = day or clock.today()
    paper = PAPER_LABELS.get(options.paper_or_default, options.paper_or_default)
    return f"{options.printout.title}-{paper}-{day.isoformat()}.pdf"

