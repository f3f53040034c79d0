# ruff: noqa: F401 - this module re-exports the package's names
"""The USB exchange (EXCHANGE_FORMAT §2): a station exports one package to a stick; the county
imports every station's packages and sees each station's chain.

The package's modules, each readable alone:

- :mod:`.codecs`: the record ↔ row mapping, one column spec per table (:data:`~.codecs.CODECS`);
  the export's records, the import's rows and the columns both use all come from it;
- :mod:`.sources`: the export's reading of each table in keyset chunks;
- :mod:`.ledger`: the package's reports, the 台账 workbook (columns declared per table, filled
  from the records the export streams, written with openpyxl) and the 汇总 PDF;
- :mod:`.export`: :func:`export_package`, the streamed zip, its atomic rename and re-read;
- :mod:`.verify`: the checks of a package before anything is written (members, hashes, records);
- :mod:`.merge` and :mod:`.merge_receptions`: the merge by uid of a verified package;
- :mod:`.importing`: :func:`import_packages`, one transaction a package;
- :mod:`.county`: :func:`county_stations`, the county's view of each station's chain;
- :mod:`.common` (limits, SQL helpers, the rejection) and :mod:`.results` (what is returned).

Every name other modules, the tests and the benches use stays importable from here. The two
tunables tests set on this package (``XLSX_CAP``, ``PARALLEL_MIN_RECORDS``) are forwarded to
:mod:`.common`, where the modules read them at the time of use (:func:`~.common.tunable`).
"""

from __future__ import annotations

import os  # noqa: F401 - tests patch exchange.os.replace (the rename of the written package)
import sys
import types

from station_app.services.exchange import common as _common
from station_app.services.exchange.codecs import BY_MODEL, CODECS, DUTY, Codec, Col, mismatches
from station_app.services.exchange.codecs import flag as _b
from station_app.services.exchange.codecs import text as _s
from station_app.services.exchange.codecs import ts as _ts
from station_app.services.exchange.common import (
    BUFFER,
    CHUNK,
    COMPRESS_LEVEL,
    DUTY_NAMESPACE,
    MAX_MANIFEST_BYTES,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    PARALLEL_MIN_RECORDS,
    RATIO_FLOOR,
    XLSX_CAP,
    ProgressFn,
    _Cancelled,
    _chunks,
    _in,
    _p,
    _q,
    _Reject,
    _station_filter,
    _table,
)
from station_app.services.exchange.county import county_stations
from station_app.services.exchange.export import (
    _clean_parts,
    _closings_of,
    _first_date,
    _last_sent,
    _Member,
    _Sink,
    _station_object,
    _verify_written,
    _write_zip,
    _Writer,
    export_package,
    last_export,
)
from station_app.services.exchange.importing import (
    _clash_reason,
    _expected_records,
    _import_one,
    _mirror_closings,
    _resolve_outside,
    _store_attachments,
    _upsert_station,
    import_packages,
)
from station_app.services.exchange.ledger import LEDGER, _Ledger, summary_pdf
from station_app.services.exchange.merge import (
    _batches,
    _columns,
    _fields,
    _merge,
    _Merger,
    _parse_batch,
    _Tally,
)
from station_app.services.exchange.results import (
    ExportCancelled,
    ExportResult,
    ImportReport,
    SentPackage,
    StationStatus,
)
from station_app.services.exchange.signers import PackageSigner, package_signers, reenroll_from_package
from station_app.services.exchange.sources import (
    SOURCES,
    _changed_day_uids,
    _count,
    _duties_of,
    _read_rows,
    _Source,
    _where,
)
from station_app.services.exchange.verify import (
    _check_entry,
    _check_hashes,
    _check_member,
    _check_members,
    _check_package,
    _Checker,
    _CheckPool,
    _member_lines,
    _open_zip,
    _read_manifest,
    _read_member,
    _records,
    _resolve_in_database,
    _Verdict,
)

# the names the single module had, derived now from the codecs
MERGE_COLUMNS = {name: codec.row_columns for name, codec in BY_MODEL.items()}
MODELS = {table: codec.model for table, codec in CODECS.items()}
ROWS = {table: codec.to_row for table, codec in CODECS.items() if table != "receptions"}
_V1 = ("deputies", "activity_days", "attendances", "receptions", "cases", "case_events", "duty_records")
_deputy_row, _day_row, _attendance_row, _reception_row, _case_row, _event_row, _duty_record_row = (
    CODECS[t].to_row for t in _V1)
_deputy_record, _day_record, _attendance_record, _reception_record, _case_record, _event_record, _duty_record = (
    CODECS[t].to_record for t in _V1)

class _Package(types.ModuleType):
    """This package as a module whose tunables, when set here, are set where they are read."""

    def __setattr__(self, name, value):
        if name in _common.TUNABLES:
            setattr(_common, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = ["ExportCancelled", "ExportResult", "ImportReport", "StationStatus", "SentPackage", "county_stations",
           "export_package", "import_packages", "last_export", "package_signers", "PackageSigner"]
