"""Import (EXCHANGE_FORMAT §2.4): verify and merge each package, one transaction a package.

:func:`import_packages` checks a package before writing anything (:mod:`.verify`), then opens the
package's one transaction and streams its records into the merge by uid (:mod:`.merge`) while the
record rules run beside it; the attachments, the station's profile, 积分指标 and 年度评定 follow. The
first broken record, reference or hash rolls the transaction back: a rejected package leaves the
database exactly as it was and is not even logged."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from pathlib import Path

import station_app.services.exchange.keys as keys
from station_app.db import loading
from station_app.db.connection import database
from station_app.db.models import ExchangeImported, ScoreYearClosing, ScoreYearGrade, ScoringRules, Station
from station_app.domain import clock
from station_app.domain import package as pk
from station_app.domain.roles import Permission
from station_app.errors import KnownError, StorageError, os_reason
from station_app.services import audit, context
from station_app.services.exchange.codecs import ts as _ts
from station_app.services.exchange.common import ProgressFn, _Cancelled, _Reject
from station_app.services.exchange.merge import _merge
from station_app.services.exchange.results import ImportReport
from station_app.services.exchange.verify import (
    _check_members,
    _CheckPool,
    _open_zip,
    _read_manifest,
    _read_signed,
    _resolve_in_database,
    _Verdict,
)

IMPORT_CACHE_KIB = 65536  # 64 MiB of page cache while a big package merges
BIG_PACKAGE = 50_000  # records


def _resolve_outside(verdict: _Verdict) -> None:
    """Attachments the records name but the package leaves out must already be beside the database."""
    from station_app.services.deputies import photo_path

    for ref, where in verdict.outside.items():
        if not photo_path(ref).is_file():
            raise _Reject(f"{where}引用的附件 {ref} 不在数据包中")


def _store_attachments(zf, manifest: pk.Manifest) -> None:
    """Copy the package's attachments beside the database (content-addressed: never overwritten)."""
    from station_app.fileio import atomic_write_bytes
    from station_app.services.deputies import photo_path

    for name, entry in manifest.files.items():
        if not name.startswith("attachments/"):
            continue
        target = photo_path(name)
        if target.is_file():
            continue
        data = zf.read(name)
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise _Reject(f"数据包已损坏或被改动：{name} 的校验值（sha256）不符")
        atomic_write_bytes(target, data)



def _mirror_closings(code: str, closings: dict) -> None:
    """An imported station's 年度评定 as its newest package says: closed years as frozen there,
    reopened ones open again."""
    from station_app.domain.scoring import ruleset_from_json
    from station_app.errors import ValidationError

    ScoreYearClosing.delete().where(ScoreYearClosing.station_code == code).execute()  # grades cascade
    for year, c in sorted(closings.items()):
        text = json.dumps(c["rules"], ensure_ascii=False, sort_keys=True)
        try:
            ruleset_from_json(text)
        except ValidationError as exc:
            raise _Reject(f"数据包中{year}年年度评定所用的积分指标无效：{exc.message}") from None
        row = ScoreYearClosing.create(station_code=code, year=int(year), as_of=c["as_of"],
                                      closed_at=_ts(c["closed_at"]), closed_by=c["closed_by"], rules_doc=text)
        for g in c["grades"]:
            ScoreYearGrade.create(closing=row, deputy_uid=g["deputy_uid"], deputy_name=g["deputy_name"],
                                  raw=g["raw"], score100=g["score100"], grade=g["grade"], rank=g["rank"],
                                  by_indicator=json.dumps(g["by_indicator"], ensure_ascii=False, sort_keys=True))


def _upsert_station(manifest: pk.Manifest) -> None:
    """The profile and the applied 积分指标 the package carries, so that the county prints and
    ranks the station as it does itself; a package older than one already imported changes nothing."""
    from station_app.domain.scoring import ruleset_from_json
    from station_app.errors import ValidationError
    from station_app.services import station

    code = manifest.station_code
    newest = (ExchangeImported.select(ExchangeImported.created_at)
              .where(ExchangeImported.station_code == code).order_by(ExchangeImported.created_at.desc()).scalar())
    if isinstance(newest, str):
        newest = clock.parse_ts(newest)
    if newest is not None and clock.parse_ts(manifest.created_at) < newest:
        if Station.get_or_none(Station.code == code) is None:
            station.save_imported_profile(manifest.station)
        return
    station.save_imported_profile(manifest.station)
    home = station.home_station()
    if home is not None and home.code == code:
        return
    if "year_closings" in manifest.station:  # a package of an older program carries none: keep what is here
        _mirror_closings(code, manifest.station["year_closings"])
    for year, doc in sorted((manifest.station.get("scoring_rules") or {}).items()):
        text = json.dumps(doc, ensure_ascii=False, sort_keys=True)
        try:
            ruleset_from_json(text)
        except ValidationError as exc:
            raise _Reject(f"数据包中{year}年的积分指标无效：{exc.message}") from None
        row = ScoringRules.get_or_none(ScoringRules.station_code == code, ScoringRules.year == int(year))
        if row is None:
            ScoringRules.create(station_code=code, year=int(year), doc=text, applied_doc=text,
                                applied_at=clock.now_ts())
        elif row.applied_doc != text:
            ScoringRules.update(doc=text, applied_doc=text, applied_at=clock.now_ts(),
                                updated_at=clock.now_ts()).where(ScoringRules.id == row.id).execute()


def _unencrypted_member(zf) -> str | None:
    """A member stored without encryption (a package re-zipped after it was altered), or None."""
    for info in zf.infolist():
        if not info.flag_bits & 0x1 and not info.filename.endswith("/"):
            return info.filename
    return None


def _signer_verdict(zf, manifest: pk.Manifest, public: str, enroll) -> str | None:
    """The registry's word on the package's key (§2.3a): None (known), "enrol", or a rejection."""
    try:
        return keys.registry_verdict(manifest.station_code, public, enroll)
    except keys.UnknownStation as exc:
        raise _Reject(keys.unknown_reason(exc.code, exc.fingerprint)) from None
    except KnownError as exc:
        raise _Reject(exc.message) from None


def _import_one(path: str, password: str | None, step, checks: _CheckPool, index: int,
                enroll=False) -> ImportReport:
    report = ImportReport(package=str(path), status="rejected")
    try:
        zf = _open_zip(path, password)
    except OSError as exc:
        report.reason = f"无法读取数据包：{os_reason(exc)}"
        return report
    except _Reject as exc:
        report.reason = exc.reason
        return report
    try:
        with zf:
            if password and (plain := _unencrypted_member(zf)):
                raise _Reject(f"输入了密码，但数据包没有加密（{plain} 未加密）：加密的数据包被解开改动后可能以"
                              "不加密的方式重新打包，已拒绝。请向联络站核实")
            manifest, public = _read_signed(zf, bool(password))
            report.package_id, report.station_code = manifest.package_id, manifest.station_code
            report.fingerprint = keys.sig.key_fingerprint(public)
            enrolment = _signer_verdict(zf, manifest, public, enroll)
            _check_members(zf, manifest)
            parallel = checks.parallel(index)
            if not parallel:  # checked completely before anything is written
                verdict = checks.verdict(index)
                if verdict.reason:
                    raise _Reject(verdict.reason)
            with database.atomic():
                if enrolment == "enrol":
                    keys.enrol(manifest.station_code, public)
                    report.enrolled = True
                try:
                    tally = _merge(zf, manifest, step)
                except _Cancelled:
                    raise
                except Exception:
                    # a record the checks reject can break the merge first: name the record's fault
                    if parallel and (verdict := checks.verdict(index)).reason:
                        raise _Reject(verdict.reason) from None
                    raise
                if parallel:  # nothing is committed before the verdict
                    verdict = checks.verdict(index)
                    if verdict.reason:
                        raise _Reject(verdict.reason)
                _resolve_outside(verdict)
                _resolve_in_database(manifest.station_code, verdict.pending)
                _store_attachments(zf, manifest)
                _upsert_station(manifest)
                report.inserted = sum(t.inserted for t in tally.values())
                report.updated = sum(t.updated for t in tally.values())
                report.unchanged = sum(t.unchanged for t in tally.values())
                report.tables = {k: v.as_dict() for k, v in tally.items()}
                if not ExchangeImported.select().where(ExchangeImported.package_id == manifest.package_id).exists():
                    ExchangeImported.create(
                        package_id=manifest.package_id, station_code=manifest.station_code, kind=manifest.kind,
                        period_from=manifest.period_from, period_to=manifest.period_to,
                        created_at=_ts(manifest.created_at), previous_package_id=manifest.previous_package_id,
                        file_name=Path(path).name[:200],
                        counts={"inserted": report.inserted, "updated": report.updated,
                                "unchanged": report.unchanged, "tables": report.tables},
                        status="imported", reason="")
                    audit.record("import", "package", manifest.package_id, None,
                                 {"file": Path(path).name, "inserted": report.inserted, "updated": report.updated},
                                 summary=f"导入 {manifest.station['name']} 的数据包 {Path(path).name}",
                                 station_code=manifest.station_code)
    except _Reject as exc:
        report.reason = exc.reason
        report.enrolled = False
        return report
    except OSError as exc:
        report.reason = f"读取数据包时出错：{os_reason(exc)}，数据库没有改动"
        report.enrolled = False
        return report
    except StorageError as exc:
        report.reason = exc.message
        report.enrolled = False
        return report
    except KnownError as exc:  # database locked, disk full…: this package not imported, the batch goes on
        report.reason = f"{exc.message}（这个数据包没有导入）"
        report.enrolled = False
        return report
    except Exception as exc:
        if type(exc).__name__ in ("IntegrityError", "UniqueViolation"):  # peewee, sqlite3 or psycopg2
            report.reason = _clash_reason(str(exc), report.station_code or "（未知站点）")
            return report
        raise
    report.status = "imported"
    return report


_CLASH_TABLES = {"deputy": "代表", "activity_day": "代表活动日", "reception": "接待登记", "case": "意见建议",
                 "case_event": "办理记录", "attendance": "签到", "duty_record": "履职记录"}


def _clash_reason(text: str, code: str) -> str:
    """Why a package clashes with the database (EXCHANGE_FORMAT, import refusals), in Chinese."""
    low = text.lower()
    table = next((zh for t, zh in _CLASH_TABLES.items() if f"{t}.uid" in low or f'"{t}"' in low
                  or f"{t}_uid" in low), "")
    if ".uid" in low or "_uid" in low:
        return (f"数据包中的{table or '记录'}编号（uid）已属于数据库中的另一个联络站，不能导入为 {code} 的记录；"
                "这个数据包被拒绝，数据库没有改动。请核对数据包来自哪个联络站。")
    if "activity_day" in low or ".date" in low:
        what = "同一日期的代表活动日"
    elif "case" in low or "number" in low:
        what = "相同编号的意见建议"
    elif "sort_key" in low:
        what = "同一时刻的接待登记"
    else:
        what = f"已有的{table or ''}记录"
    return (f"数据包中的记录与数据库中 {code} 站{what}冲突，但记录编号（uid）不同：这个联络站的数据可能是重装后"
            "重新建立的。这个数据包被拒绝，数据库没有改动，同批的其他数据包照常导入。请与该站核实后由管理员处理。")


def import_packages(paths, password: str | None = None, progress: ProgressFn | None = None,
                    enroll: bool | Collection[str] = False) -> list[ImportReport]:
    """Verify and merge each package; a report per package, in the order given. A package is
    imported whole or not at all, and only when signed by its station's enrolled key (§2.3a).
    ``enroll``: True enrols every station not yet enrolled (CLI ``--enroll``), a collection of
    fingerprints only those (the GUI's confirmed ones); enrolling needs the admin's permission.
    Given a ``password``, a package that is not encrypted is rejected."""
    context.require(Permission.CHANGE, "导入数据包")
    paths = [str(p) for p in paths]
    reports: list[ImportReport] = []
    unit = 1000
    total = unit * len(paths)
    cancelled = False
    sizes = [_expected_records(path, password) for path in paths]
    checks = _CheckPool(paths, password, sizes)
    # a big package's random uid keys touch index pages all over: a bigger page cache while it
    # merges (as the demo's load does) spares re-reading them (about a tenth of the insert time at 100k)
    cache = loading.raise_cache_for_loading(IMPORT_CACHE_KIB) if max(sizes, default=0) >= BIG_PACKAGE else None
    try:
        for n, path in enumerate(paths):
            if cancelled:
                reports.append(ImportReport(package=path, status="rejected", reason=_Cancelled().reason))
                continue
            checks.start(n)
            checks.start(n + 1)  # the next package is checked while this one is merged
            expected = sizes[n]
            seen = 0

            def step(k: int, n=n, expected=expected) -> None:
                nonlocal seen, cancelled
                seen += k
                done = n * unit + min(unit - 1, unit * seen // max(expected, 1))
                if progress is not None and progress(done, total) is False:
                    cancelled = True
                    raise _Cancelled()

            with loading.gc_paused():
                reports.append(_import_one(path, password, step, checks, n, enroll))
            if progress is not None and not cancelled:
                progress((n + 1) * unit, total)
    finally:
        checks.close()
        loading.restore_cache(cache)
    return reports


def _expected_records(path: str, password: str | None) -> int:
    """Records the manifest announces (for the progress bar only; 0 when unreadable)."""
    try:
        with _open_zip(path, password) as zf:
            m = _read_manifest(zf, bool(password))
        return sum(int(e.get("count") or 0) for e in m.files.values())
    except (_Reject, OSError):
        return 0

