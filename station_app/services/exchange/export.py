"""Export (EXCHANGE_FORMAT §2): one package of the home station onto the stick.

:func:`export_package` streams each table in keyset chunks (:mod:`.sources`) straight into its
``data/{table}.jsonl`` member (nothing holds all rows), adds the photos and evidence files the
records name, on request (``reports=True``) a 台账 workbook and the 汇总 PDF under ``reports/``
(:mod:`.ledger`), and writes ``manifest.json`` last. The zip goes to a temp name in the target folder, is fsynced and renamed,
then opened again and every hash and count checked (:mod:`.verify`); any failure leaves nothing
under the final name."""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import json
import os
import queue
import shutil
import tempfile
import threading
import uuid
import zipfile
from pathlib import Path

import orjson
import pyzipper

import station_app.services.exchange.keys as keys
from station_app import __version__
from station_app.core.fileio import open_private
from station_app.db.connection import database
from station_app.db.models import (
    ActivityDay,
    Case,
    Deputy,
    DutyRecord,
    ExchangeSent,
    Reception,
    ScoreYearClosing,
    ScoreYearGrade,
    ScoringRules,
)
from station_app.domain import clock
from station_app.domain import package as pk
from station_app.domain import package_safety as safety
from station_app.domain import package_signing as signing
from station_app.domain.roles import Permission
from station_app.errors import KnownError, StorageError, storage_error_from_oserror
from station_app.fileio import fsync_dir
from station_app.services import audit, context
from station_app.services.exchange.common import (
    BUFFER,
    COMPRESS_LEVEL,
    ProgressFn,
    _p,
    _q,
    _Reject,
    _table,
)
from station_app.services.exchange.ledger import _Ledger, summary_pdf
from station_app.services.exchange.results import ExportCancelled, ExportResult, SentPackage
from station_app.services.exchange.sources import SOURCES, _changed_day_uids, _count, _duties_of, _read_rows
from station_app.services.exchange.verify import _check_hashes, _check_members, _open_zip, _read_signed


class _Sink:
    """The package file being written: counts bytes (the one place a test fakes the OS)."""

    def __init__(self, handle):
        self.handle = handle
        self.written = 0

    def write(self, data) -> int:
        n = self.handle.write(data)
        self.written += len(data)
        return n

    def tell(self) -> int:
        return self.handle.tell()

    def seek(self, *args) -> int:
        return self.handle.seek(*args)

    def seekable(self) -> bool:
        return True

    def flush(self) -> None:
        self.handle.flush()

    def close(self) -> None:  # the zip must not close the file: we fsync it afterwards
        pass


class _Writer:
    """Runs the zip members' compression, hashing and writing on a thread of its own (zlib,
    sha256 and the file write release the GIL) while the caller encodes the next rows. The first
    error (a full or pulled stick) is raised in the caller at its next call."""

    def __init__(self) -> None:
        self.queue: queue.Queue = queue.Queue(maxsize=8)  # at most 8 buffers of BUFFER bytes wait
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="package-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is None:
                    return
                if self.error is None:
                    fn, args = item
                    fn(*args)
            except BaseException as exc:  # handed to the caller
                self.error = exc
            finally:
                self.queue.task_done()

    def submit(self, fn, *args) -> None:
        self._raise()
        self.queue.put((fn, args))

    def wait(self) -> None:
        """Until everything submitted is done."""
        self.queue.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        self.queue.put(None)
        self.thread.join()


class _Member:
    """One streamed zip member: lines are buffered here, then hashed, compressed and written by
    the :class:`_Writer`."""

    def __init__(self, zf, name: str, writer: _Writer):
        self.stream = zf.open(name, "w", force_zip64=True)
        self.writer = writer
        self.sha = hashlib.sha256()
        self.count = 0
        self.buf: list[bytes] = []
        self.size = 0

    def add_many(self, lines: list[bytes]) -> None:
        """JSON lines (UTF-8), each ending with a newline."""
        self.buf += lines
        self.count += len(lines)
        self.size += sum(map(len, lines))
        if self.size >= BUFFER:
            self._flush()

    def _flush(self) -> None:
        if self.buf:
            self.writer.submit(self._write, b"".join(self.buf))
            self.buf, self.size = [], 0

    def _write(self, data: bytes) -> None:
        self.sha.update(data)
        self.stream.write(data)

    def close(self) -> dict:
        self._flush()
        self.writer.submit(self.stream.close)
        self.writer.wait()
        return {"sha256": self.sha.hexdigest(), "count": self.count}


def _last_sent(code: str) -> ExchangeSent | None:
    return (ExchangeSent.select().where(ExchangeSent.station_code == code)
            .order_by(ExchangeSent.created_at.desc(), ExchangeSent.id.desc()).first())


def last_export() -> SentPackage | None:
    """The newest package this database exported for its station (None before the first)."""
    from station_app.services.station import home_code

    row = _last_sent(home_code())
    if row is None:
        return None
    return SentPackage(row.package_id, row.kind, row.period_from, row.period_to, row.created_at, row.file_name,
                       row.previous_package_id)


def _first_date(code: str) -> dt.date | None:
    """The earliest business date among the station's records (the default start of a full package)."""
    candidates = []
    for model, col, n in ((ActivityDay, "date", 10), (Reception, "received_at", 10), (Case, "registered_at", 10),
                          (DutyRecord, "date", 10), (Deputy, "created_at", 10)):
        v = database.execute_sql(f"SELECT MIN({_q(col)}) FROM {_table(model)} WHERE {_q('station_code')} = {_p()}",
                                 (code,)).fetchone()[0]
        if v:
            candidates.append(dt.date.fromisoformat(str(v)[:n]))
    return min(candidates) if candidates else None


def _encode_line(rec: dict) -> bytes:
    """A record as one line of its ``.jsonl`` member: compact UTF-8 JSON, no ASCII escapes, a
    newline at the end. orjson writes the bytes ``json.dumps(rec, ensure_ascii=False,
    separators=(",", ":")).encode()`` wrote (strings, escapes, ints, floats in plain notation; only
    a float of 1e16 or more, or below 1e-4, is written without the "+" / leading zero of its
    exponent, the same number in JSON) at a tenth of the time: most of an export's own time was
    this encoding (bench/bench_exchange.py)."""
    return orjson.dumps(rec, option=orjson.OPT_APPEND_NEWLINE)


def export_package(out_dir, date_from: dt.date | None = None, date_to: dt.date | None = None, full: bool = False,
                   password: str | None = None, progress: ProgressFn | None = None,
                   reports: bool = False) -> ExportResult:
    """Write one package of the home station into ``out_dir`` and return what was written.

    Incremental (default): the records changed since the last package this database exported (all
    of them before the first); ``full``: every record. The period (``date_from``–``date_to``)
    labels the package and its 汇总 report: by default from the day after the last package's end
    (or the first record's date) to today. ``password``: the AES-256 password (at least
    :data:`~station_app.domain.passphrase.MIN_LENGTH` characters); None or "" writes an unencrypted
    package (the faces encrypt by default and ask before not encrypting). ``reports``: also write
    ``reports/台账.xlsx`` and ``reports/汇总.pdf`` for people without the program (the import
    ignores them; every record is in ``data/`` either way). Off by default: on a station's first
    full package they cost twice the data's own time, and each is one more copy of the voters'
    names and opinions outside the database once opened. The package is signed by
    the station's own key, made here at the first export (EXCHANGE_FORMAT §2.3a). Raises :class:`StorageError` (disk full, read-only, stick removed) or
    :class:`ExportCancelled` (``progress`` returned False); either way nothing is left under the
    final name."""
    from station_app.services.station import home_station

    context.require(Permission.CHANGE, "导出数据包")  # the voters' data leaving on a stick
    home = home_station()
    if home is None:
        raise KnownError("请先填写联络站信息（设置 → 站点信息），再导出数据包")
    code = home.code
    password = password or ""
    if password:
        from station_app.domain import passphrase

        passphrase.check(password)
    pair = keys.own_key(code)
    created = clock.now()
    created_ts = clock.format_ts(created)
    previous = _last_sent(code)
    since = None if full or previous is None else clock.format_ts(previous.created_at)
    today = clock.today()
    if date_to is None:
        date_to = today
    if date_from is None:
        if not full and previous is not None:
            date_from = min(previous.period_to + dt.timedelta(days=1), date_to)
        else:
            date_from = min(_first_date(code) or date_to, date_to)
    if date_to < date_from:
        raise KnownError("结束日期不能早于开始日期")
    kind = "full" if full else "incremental"
    package_id = str(uuid.uuid4())

    extra_days = _changed_day_uids(code, since)
    plan = [(t, SOURCES[t]) for t in pk.TABLES]
    total_rows = sum(_count(src, code, since, extra_days if t == "activity_days" else []) for t, src in plan)
    total = 2 * total_rows + 3
    done = 0

    def step(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress is not None and progress(min(done, total), total) is False:
            raise ExportCancelled()

    step(0)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error_from_oserror(exc, out) from exc
    _clean_parts(out, code)
    while True:
        name = pk.package_name(code, date_from, date_to, created)
        final = out / name
        if not final.exists():
            break
        created += dt.timedelta(seconds=1)
    tmp = out / f".{name}.part"
    work = Path(tempfile.mkdtemp(prefix="station-export-"))
    counts: dict[str, int] = {}
    try:
        try:
            with open_private(tmp, "wb") as handle:  # 0600 on POSIX, and so is the package
                sink = _Sink(handle)
                manifest = _write_zip(sink, code, home, package_id, previous, kind, created_ts, date_from, date_to,
                                      since, extra_days, password, work, counts, step, pair, reports)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, final)
            fsync_dir(out)
        except OSError as exc:
            raise storage_error_from_oserror(exc, out) from exc
        try:
            _verify_written(final, password, manifest, lambda n: step(n), pair.public_b64)
        except BaseException:
            with contextlib.suppress(OSError):
                final.unlink()
            raise
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    try:
        size = final.stat().st_size
        with database.atomic():
            ExchangeSent.create(package_id=package_id, station_code=code, kind=kind, period_from=date_from,
                                period_to=date_to, created_at=created_ts,
                                previous_package_id=previous.package_id if previous else None, file_name=name,
                                counts=counts, bytes=size)
            audit.record("export", "package", package_id, None, {"file": name, "kind": kind, "counts": counts},
                         summary=f"导出数据包 {name}", station_code=code)
    except BaseException:
        # not recorded as sent (database locked, disk full): no package either, or the next
        # incremental one would skip what this one carried
        with contextlib.suppress(OSError):
            final.unlink()
        raise
    step(1)
    return ExportResult(str(final), package_id, kind, counts, size, date_from, date_to,
                        previous.package_id if previous else None, reports)


def _clean_parts(out: Path, code: str) -> None:
    """Remove the hidden ``.{package}.zip.part`` files an interrupted export of this station left
    in ``out`` (a program killed or a stick pulled mid-write)."""
    try:
        leftovers = list(out.glob(f".{glob.escape(code)}_*.zip.part"))
    except OSError:
        return
    for part in leftovers:
        with contextlib.suppress(OSError):
            part.unlink()


def _write_zip(sink, code, home, package_id, previous, kind, created_ts, date_from, date_to, since, extra_days,
               password, work: Path, counts: dict, step, pair: signing.KeyPair | None = None,
               reports: bool = False) -> pk.Manifest:
    if password:
        zf = pyzipper.AESZipFile(sink, "w", compression=pyzipper.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL,
                                 encryption=pyzipper.WZ_AES)
        zf.setpassword(password.encode("utf-8"))
        zf.setencryption(pyzipper.WZ_AES, nbits=256)
    else:
        zf = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL,
                             allowZip64=True)
    files: dict[str, dict] = {}
    attachments: set[str] = set()
    sendable: dict[str, bool] = {}
    member = None
    writer = _Writer()
    ledger = _Ledger(code) if reports else None  # the 台账, filled from the records as they stream
    try:
        for table in pk.TABLES:
            src = SOURCES[table]
            member = _Member(zf, pk.data_member(table), writer)
            extra = extra_days if table == "activity_days" else []
            for rows in _read_rows(src, code, since, extra):
                ctx = {"duties": _duties_of([r[0] for r in rows])} if table == "activity_days" else {}
                records = [src.to_record(r, ctx) for r in rows]
                for f in pk.ATTACHMENT_FIELDS.get(table, ()):
                    _sendable_attachments(records, f, sendable)
                    attachments.update(rec[f] for rec in records if rec.get(f))
                member.add_many([_encode_line(rec) for rec in records])
                if ledger is not None:
                    ledger.add_chunk(table, records)
                step(len(rows))
            files[pk.data_member(table)] = member.close()
            member = None
            counts[table] = files[pk.data_member(table)]["count"]
        counts["attachments"] = 0
        from station_app.services.deputies import photo_path

        for ref in sorted(attachments):
            path = photo_path(ref)
            if not path.is_file():
                continue  # checked by `station-app check`; the import then finds it in its own folder or rejects
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if f"attachments/{digest}" != ref.rsplit(".", 1)[0]:
                continue  # a damaged file: never send it under a name it does not match
            zf.writestr(ref, data)
            files[ref] = {"sha256": digest}
            counts["attachments"] += 1
        step(1)
        if ledger is not None:
            # the 台账 is a zip of its own: stored, not deflated a second time
            zf.writestr("reports/台账.xlsx", ledger.to_bytes(), compress_type=zipfile.ZIP_STORED)
            step(1)
            zf.write(summary_pdf(code, date_from, date_to, work), "reports/汇总.pdf")
        else:
            step(1)
        manifest = pk.Manifest(package_id=package_id, previous_package_id=previous.package_id if previous else None,
                               kind=kind, created_at=created_ts, app_version=__version__,
                               station=_station_object(home),
                               period_from=date_from, period_to=date_to, files=files)
        manifest_bytes = json.dumps(manifest.to_json(), ensure_ascii=False, indent=2).encode("utf-8")
        zf.writestr("manifest.json", manifest_bytes)
        if pair is None:
            pair = keys.own_key(code)
        zf.writestr(signing.SIGNATURE_MEMBER, signing.signature_bytes(manifest_bytes, pair))
        zf.close()
        writer.stop()
    except BaseException:
        writer.stop()  # after what it was doing: nothing else touches the zip meanwhile
        # abandon the half-written zip (the caller removes the temp file); closing it may fail again
        # on a full or removed stick, and must not leave an open handle for the garbage collector
        if member is not None:
            with contextlib.suppress(Exception):
                member.stream.close()
        if ledger is not None:
            ledger.abandon()  # the workbook's temp files
        with contextlib.suppress(Exception):
            zf.close()
        zf.fp = None
        raise
    return manifest


def _sendable_attachments(records: list[dict], f: str, cache: dict[str, bool]) -> None:
    """Leave out of the package (the field set to null) an attachment the import would refuse:
    any type but jpg/png/pdf, or bytes not of its type (evidence stored by an older version)."""
    from station_app.services.deputies import photo_path

    for rec in records:
        ref = rec.get(f)
        if not ref:
            continue
        if ref not in cache:
            ok = safety.attachment_type_fault(ref) is None
            if ok:
                try:
                    with open(photo_path(ref), "rb") as fh:
                        ok = safety.attachment_fault(ref, fh.read(16)) is None
                except OSError:
                    ok = True  # missing: as before, the import looks beside its own database
            cache[ref] = ok
        if not cache[ref]:
            rec[f] = None


def _verify_written(path: Path, password: str, manifest: pk.Manifest, step, public: str | None = None) -> None:
    """Open the package as written and check the manifest, its signature, every hash and every count."""
    try:
        zf = _open_zip(path, password or None)
        with zf:
            got, signer = _read_signed(zf, bool(password))
            if got.to_json() != manifest.to_json() or (public is not None and signer != public):
                raise _Reject("清单与写入的内容不一致")
            _check_members(zf, got)
            _check_hashes(zf, got.files, step, reopen=lambda: _open_zip(path, password or None))
    except _Reject as exc:
        raise StorageError(f"数据包写入后校验失败（{exc.reason}）：U盘可能有问题，请换一个U盘重试。") from exc
    except OSError as exc:
        raise storage_error_from_oserror(exc, path) from exc



def _station_object(home) -> dict:
    """The manifest's ``station``: the v1 fields, the profile's address, phone and reception rule,
    and each year's applied 积分指标 (docs/exchange-format.md §2.2)."""
    rules = {str(r.year): json.loads(r.applied_doc or "null")  # the query keeps only applied years
             for r in ScoringRules.select().where(ScoringRules.station_code == home.code,
                                                  ScoringRules.applied_doc.is_null(False)).order_by(ScoringRules.year)}
    out = {"code": home.code, "name": home.name, "township": home.township, "county": home.county,
           "address": home.address, "phone": home.phone, "reception_rule": home.reception_rule,
           "schedule_rules": list(home.schedule_rules)}
    if rules:
        out["scoring_rules"] = rules
    out["year_closings"] = _closings_of(home.code)
    return out


def _closings_of(code: str) -> dict:
    """The station's 年度评定 of every closed year: the county shows its frozen grades as it does."""
    out = {}
    for c in ScoreYearClosing.select().where(ScoreYearClosing.station_code == code).order_by(ScoreYearClosing.year):
        grades = [{"deputy_uid": g.deputy_uid, "deputy_name": g.deputy_name, "raw": g.raw, "score100": g.score100,
                   "grade": g.grade, "rank": g.rank, "by_indicator": json.loads(g.by_indicator)}
                  for g in ScoreYearGrade.select().where(ScoreYearGrade.closing == c.id).order_by(ScoreYearGrade.id)]
        out[str(c.year)] = {"as_of": c.as_of, "closed_at": clock.format_ts(c.closed_at), "closed_by": c.closed_by,
                            "rules": json.loads(c.rules_doc), "grades": grades}
    return out

