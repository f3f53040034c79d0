"""Frozen dataclasses that services return (never ORM rows: Qt's data() must not query)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from station_app.domain.codes import Gender, levels_label


@dataclass(frozen=True)
class StationProfile:
    code: str
    name: str
    township: str = ""
    county: str = ""
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class DeputyData:
    """The fields a clerk edits (EXCHANGE_FORMAT §2.3 deputies, plus commitment and order)."""

    name: str
    levels: tuple[str, ...]
    gender: str | None = None
    ethnicity: str = ""
    birth_date: dt.date | None = None
    party: str = ""
    sector: str = ""
    group: str = ""
    phone: str = ""
    term: str = ""
    active: bool = True
    note: str = ""
    commitment: str = ""
    sort_order: int = 0


@dataclass(frozen=True)
class DeputyRecord(DeputyData):
    uid: str = ""
    station_code: str = ""
    photo: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    deleted_at: dt.datetime | None = None

    @property
    def levels_text(self) -> str:
        return levels_label(self.levels)

    @property
    def gender_text(self) -> str:
        return Gender.label_of(self.gender)

    def data(self) -> DeputyData:
        return DeputyData(**{f: getattr(self, f) for f in DeputyData.__dataclass_fields__})


@dataclass(frozen=True)
class Page:
    """One page of a keyset-paged list: rows, and the key to pass for the next page."""

    rows: tuple
    next_key: tuple | None = None


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based spreadsheet row number
    field: str
    message: str


@dataclass(frozen=True)
class ImportReport:
    total: int
    imported: int
    errors: tuple[RowError, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class CheckFinding:
    severity: str  # "error" | "warning"
    message: str


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    action: str
    table_name: str
    record_uid: str
    summary: str
    before: dict | None
    after: dict | None
