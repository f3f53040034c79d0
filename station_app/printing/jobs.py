"""Plain data into the renderers (what to print) and out of them (where everything landed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from station_app.domain import qrcontent
from station_app.domain.qrcontent import QrOptions
from station_app.domain.records import DeputyRecord, StationProfile

PAPERS_MM = {"A3": (297.0, 420.0), "A4": (210.0, 297.0), "A5": (148.0, 210.0), "A4-landscape": (297.0, 210.0)}
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class PrintJob:
    """Everything a printout shows. Deputies are in roster order; ``photos`` maps a deputy's uid
    to a readable photo file (a deputy without one gets a placeholder)."""

    station: StationProfile
    deputies: tuple[DeputyRecord, ...] = ()
    photos: Mapping[str, Path] = field(default_factory=dict)
    rule: str = ""  # 接待日规则, e.g. 每月15日
    next_dates: tuple[dt.date, ...] = ()  # the next reception days, if known
    qr: QrOptions = QrOptions()
    show_full_numbers: bool = False
    paper: str = "A3"

    def deputy_qr(self, deputy: DeputyRecord) -> str:
        return qrcontent.deputy_content(deputy, self.station, self.rule, self.qr, self.show_full_numbers)

    def station_qr(self) -> str:
        return qrcontent.station_content(self.station, self.rule, self.qr)

    def phone(self, deputy: DeputyRecord) -> qrcontent.ContactPhone:
        """The number printed to reach ``deputy`` (:func:`~station_app.domain.qrcontent.contact_phone`)."""
        return qrcontent.contact_phone(deputy, self.station, self.show_full_numbers)

    def dates_text(self) -> str:
        return "、".join(f"{d.month}月{d.day}日（周{WEEKDAYS[d.weekday()]}）" for d in self.next_dates)


@dataclass(frozen=True)
class Box:
    """A placed item, in millimetres from the page's top-left corner (as a ruler on the sheet).

    ``kind``: ``station_qr``/``deputy_qr`` (the square with its quiet zone; ``symbol`` is the
    width of the code itself and ``content`` what it decodes to), ``cell``/``card``/``plate``
    (one deputy's area), ``photo``/``placeholder``, ``name`` (the width the name really takes)."""

    page: int  # 1-based
    kind: str
    x: float
    y: float
    w: float
    h: float
    key: str = ""  # deputy uid or station code
    content: str = ""
    symbol: float = 0.0

    def overlaps(self, other: Box) -> bool:
        return (self.page == other.page and self.x < other.x + other.w and other.x < self.x + self.w
                and self.y < other.y + other.h and other.y < self.y + self.h)

    def inside(self, other: Box) -> bool:
        eps = 1e-6
        return (self.x >= other.x - eps and self.y >= other.y - eps and self.x + self.w <= other.x + other.w + eps
                and self.y + self.h <= other.y + other.h + eps)


@dataclass(frozen=True)
class Layout:
    """What a renderer wrote: the file, its page size in mm, page count and every placed box."""

    path: Path
    page_size: tuple[float, float]
    pages: int
    boxes: tuple[Box, ...]

    def of_kind(self, *kinds: str) -> list[Box]:
        return [b for b in self.boxes if b.kind in kinds]

    def qr_boxes(self) -> list[Box]:
        return self.of_kind("station_qr", "deputy_qr")
