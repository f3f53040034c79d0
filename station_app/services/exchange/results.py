"""What the exchange returns: frozen results of an export, the report of each imported package,
a station's status at the county, a package sent, and the clerk's cancel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from station_app.errors import KnownError


class ExportCancelled(KnownError):
    """The clerk cancelled the export; nothing was written under the package's name."""

    def __init__(self, message: str = "已取消导出，没有写入数据包。"):
        super().__init__(message)


@dataclass(frozen=True)
class ExportResult:
    """A package written: its path, id, kind (full/incremental), records per table and size."""
    path: str
    package_id: str
    kind: str  # full / incremental
    counts: dict  # {table: records, ..., "attachments": files}
    bytes: int
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    previous_package_id: str | None = None
    reports: bool = False  # the 台账 and 汇总 are in it (asked for: ``reports=True``)


@dataclass
class ImportReport:
    """What importing one package did: imported or rejected (and why), records inserted, updated and unchanged."""
    package: str  # the path as given
    status: str  # imported / rejected
    reason: str = ""  # why it was rejected (Chinese); empty when imported
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    package_id: str | None = None
    station_code: str | None = None
    tables: dict = field(default_factory=dict)  # {table: {"inserted": n, "updated": n, "unchanged": n}}
    fingerprint: str | None = None  # the signing key's (§2.3a), once the signature verified
    enrolled: bool = False  # this import enrolled the station's key

    def to_json(self) -> dict:
        """The keys of EXCHANGE_FORMAT §2.4 (and ``enrolled_fingerprint`` when this import enrolled
        the station's key, §2.3a)."""
        out = {"package": self.package, "status": self.status, "reason": self.reason,
               "inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged}
        if self.enrolled and self.fingerprint:  # §2.3a: the report names the fingerprint enrolled
            out["enrolled_fingerprint"] = " ".join(self.fingerprint[i:i + 4] for i in range(0, 20, 4))
        return out


@dataclass(frozen=True)
class StationStatus:
    """A station as the county sees it: packages imported, the last import and the period they cover."""
    code: str
    name: str
    packages: int
    last_imported_at: dt.datetime | None
    period_from: dt.date | None
    period_to: dt.date | None
    gap: bool
    gap_note: str


@dataclass(frozen=True)
class SentPackage:
    """A package this station exported: its id, kind, period and when it was made."""
    package_id: str
    kind: str
    period_from: dt.date
    period_to: dt.date
    created_at: dt.datetime
    file_name: str
    previous_package_id: str | None
