"""Checking a package before anything is written (EXCHANGE_FORMAT §2.4).

The manifest, version, member names, sizes and ratios (:func:`_check_members`), then every
member's sha256 and line count in one pass at the speed of zlib (:func:`_check_hashes`); the record
rules (:class:`_Checker`: fields, codes, station, unique uids, references, attachments) over the
whole package, here or in a child process beside the merge (:class:`_CheckPool`), ending in a
:class:`_Verdict`. Used by the import and by the export's re-read of what it wrote."""

from __future__ import annotations

import hashlib
import multiprocessing
import queue
import threading
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult, Pool

import orjson
import pyzipper

from station_app.db import loading
from station_app.db.connection import database
from station_app.domain import package as pk
from station_app.domain import package_safety as safety
from station_app.domain import package_signing as signing
from station_app.errors import os_reason
from station_app.services.exchange.codecs import CODECS
from station_app.services.exchange.common import (
    BUFFER,
    CHUNK,
    MAX_MANIFEST_BYTES,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    RATIO_FLOOR,
    _chunks,
    _in,
    _p,
    _q,
    _Reject,
    _table,
    tunable,
)

_READ_ERRORS = (zipfile.BadZipFile, pyzipper.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError)


def _open_zip(path, password: str | None):
    try:
        zf = pyzipper.AESZipFile(str(path))
    except FileNotFoundError as exc:
        raise _Reject(f"找不到文件：{path}") from exc
    except (zipfile.BadZipFile, pyzipper.BadZipFile, ValueError, EOFError) as exc:
        raise _Reject("不是有效的数据包：文件已损坏或不是 ZIP 文件") from exc
    if password:
        zf.setpassword(password.encode("utf-8"))
    return zf


def _read_small(zf, name: str, most: int, have_password: bool) -> bytes:
    """The bytes of the small member ``name`` (manifest.json, signature.json)."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        if name == "manifest.json":
            raise _Reject("数据包中没有 manifest.json，不是联络站数据包") from None
        raise
    if info.file_size > most:
        raise _Reject(f"{name} 过大，已拒绝（疑似压缩炸弹）")
    try:
        with zf.open(info) as f:
            return f.read(most + 1)
    except RuntimeError as exc:
        if "password" in str(exc).lower() or "encrypted" in str(exc).lower():
            raise _Reject("密码不正确" if have_password else "数据包已加密，请输入密码") from exc
        raise _Reject(f"数据包已损坏：{name} 无法读取（{exc}）") from exc
    except _READ_ERRORS as exc:
        raise _Reject(f"数据包已损坏：{name} 无法读取（{exc}）") from exc


def _manifest_of(raw: bytes) -> pk.Manifest:
    """The manifest of §2.2, with the guards of §2.4 on its own text and time."""
    try:
        manifest = pk.parse_manifest(raw)
    except pk.ManifestError as exc:
        raise _Reject(str(exc)) from exc
    why = safety.text_fault(manifest.to_json())
    if why:
        raise _Reject(f"数据包清单（manifest.json）的{why}，已拒绝")
    if safety.FutureGuard().too_late(manifest.created_at):
        raise _Reject(f"数据包的导出时间 {manifest.created_at} 晚于现在一天以上：时间不可能在将来，数据包不可信，已拒绝")
    return manifest


def _read_manifest(zf, have_password: bool) -> pk.Manifest:
    return _manifest_of(_read_small(zf, "manifest.json", MAX_MANIFEST_BYTES, have_password))


def _read_signed(zf, have_password: bool) -> tuple[pk.Manifest, str]:
    """The manifest and the public key (base64) whose signature over its exact bytes verifies
    (§2.3a); an unsigned, malformed or mismatching signature rejects the package."""
    raw = _read_small(zf, "manifest.json", MAX_MANIFEST_BYTES, have_password)
    manifest = _manifest_of(raw)
    try:
        signature = _read_small(zf, signing.SIGNATURE_MEMBER, signing.MAX_SIGNATURE_BYTES, have_password)
    except KeyError:
        raise _Reject("数据包没有签名（缺少 signature.json）：无法确认它来自哪个联络站，已拒绝。"
                      "请让联络站用新版程序重新导出") from None
    try:
        public = signing.verify(raw, signature)
    except signing.SignatureError as exc:
        raise _Reject(str(exc)) from None
    return manifest, public


def _check_members(zf, manifest: pk.Manifest) -> None:
    """Names safe, nothing unlisted but reports/, every listed file there, sizes and ratios bounded."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _Reject("数据包中的文件太多，已拒绝")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        why = pk.unsafe_name(name) or pk.unsafe_name(info.orig_filename)
        if why:
            raise _Reject(f"数据包中有不安全的文件名（{why}）：{name}")
        if name in seen:
            raise _Reject(f"数据包中有重名的文件：{name}")
        if name.startswith("attachments/") and (why := safety.attachment_type_fault(name)):
            raise _Reject(why)
        seen.add(name)
        if name not in ("manifest.json", signing.SIGNATURE_MEMBER) and name not in manifest.files \
                and not name.startswith("reports/"):
            if name.endswith("/") and any(f.startswith(name) for f in manifest.files):
                continue  # a folder entry of a listed file
            raise _Reject(f"数据包中有清单以外的文件：{name}")
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise _Reject(f"数据包解压后过大，已拒绝（疑似压缩炸弹）：{name}")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _Reject(f"数据包中的文件压缩比异常，已拒绝（疑似压缩炸弹）：{name}")
    for name in manifest.files:
        if name not in seen:
            raise _Reject(f"数据包不完整：缺少文件 {name}")


def _read_member(zf, name: str) -> Iterator[bytes]:
    """The blocks of a member, read errors as a rejection. The bytes read never exceed the size the
    zip declares (zipfile stops there), and that size is bounded by :func:`_check_members`."""
    size = 0
    try:
        with zf.open(name) as f:
            while True:
                block = f.read(BUFFER)
                if not block:
                    return
                size += len(block)
                if size > MAX_MEMBER_BYTES:
                    raise _Reject(f"数据包解压后过大，已拒绝（疑似压缩炸弹）：{name}")
                yield block
    except RuntimeError as exc:
        if "password" in str(exc).lower():
            raise _Reject("密码不正确") from exc
        raise _Reject(f"数据包已损坏：{name} 无法读取（{exc}）") from exc
    except _READ_ERRORS as exc:
        raise _Reject(f"数据包已损坏或被改动：{name} 无法读取（{exc}）") from exc


def _check_entry(name: str, entry: dict, sha, n: int) -> None:
    if sha.hexdigest() != entry["sha256"]:
        raise _Reject(f"数据包已损坏或被改动：{name} 的校验值（sha256）不符")
    if name.endswith(".jsonl") and n != entry.get("count"):
        raise _Reject(f"数据包记录条数不符：{name} 清单写 {entry.get('count')} 条，实际 {n} 条")


def _check_member(zf, name: str, entry: dict, step, stop: threading.Event | None = None) -> None:
    """One member read once, at the speed of zlib and sha256: its hash and its number of lines as
    the manifest says. ``step(lines)`` after each block; ``stop`` set: give up quietly."""
    sha = hashlib.sha256()
    n = 0
    last = b"\n"
    jsonl = name.endswith(".jsonl")
    for block in _read_member(zf, name):
        if stop is not None and stop.is_set():
            return
        sha.update(block)
        if jsonl:
            k = block.count(b"\n")
            n += k
            last = block[-1:]
            step(k)
    if jsonl and last != b"\n":
        n += 1  # a last line without its newline
    _check_entry(name, entry, sha, n)


def _check_hashes(zf, files: dict[str, dict], step, reopen=None, workers: int = 2) -> None:
    """Each listed member checked by :func:`_check_member`. Given ``reopen`` (a function opening
    the package again) the members are read on ``workers`` threads, biggest first, each thread on
    its own opening of the file: inflating and hashing let go of the GIL, so the re-read after an
    export takes half the time on two cores. (Two threads reading members of one pyzipper object
    were seen to inflate garbage in the 90-station bench; pyzipper's shared file is not safe for
    that, so each thread opens its own.) ``step`` is still called on this thread, and the first
    fault stops the others."""
    if reopen is None or workers <= 1 or len(files) < 2:
        for name, entry in files.items():
            _check_member(zf, name, entry, step)
        return
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for name in sorted(files, key=lambda n: -zf.getinfo(n).file_size):
        todo.put(name)
    events: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()

    def work() -> None:
        try:
            with reopen() as own:
                while not stop.is_set():
                    try:
                        name = todo.get_nowait()
                    except queue.Empty:
                        return
                    _check_member(own, name, files[name], events.put, stop)
        except BaseException as exc:  # handed to the calling thread
            events.put(exc)
        finally:
            events.put(None)

    threads = [threading.Thread(target=work, name="check-hashes", daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    try:
        running = len(threads)
        while running:
            item = events.get()
            if item is None:
                running -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                step(item)
    finally:
        stop.set()
        for t in threads:
            t.join()


def _member_blocks(zf, name: str, entry: dict, mark: bool = True) -> Iterator[tuple[list[bytes], bool]]:
    """The lines of a .jsonl member a block at a time, checking its sha256 and count at the end.
    With each list of lines: whether any of them may hold a forbidden character, by the first
    test of :func:`~station_app.domain.package_safety.line_suspect` (a byte every hit starts
    with) run once over the block, so that the lines of a clean block need no test of their own
    (``mark`` False: no test, every list marked)."""
    sha = hashlib.sha256()
    n = 0
    carry = b""
    carry_marked = False
    starts = safety._SUSPECT_START.search  # line_suspect's first test
    for block in _read_member(zf, name):
        sha.update(block)
        marked = not mark or starts(block) is not None
        parts = (carry + block).split(b"\n")
        carry = parts.pop()
        n += len(parts)
        if parts:
            yield parts, marked or carry_marked
            carry_marked = marked
        else:
            carry_marked = marked or carry_marked
    if carry:
        n += 1
        yield [carry], carry_marked
    _check_entry(name, entry, sha, n)


def _member_lines(zf, name: str, entry: dict) -> Iterator[bytes]:
    """The lines of a .jsonl member, checking its sha256 and count at the end."""
    for lines, _marked in _member_blocks(zf, name, entry, mark=False):
        yield from lines


def _records(zf, manifest: pk.Manifest, table: str) -> Iterator[tuple[int, dict]]:
    """(line number, record) of a data member. A line that is not JSON rejects the package, but
    only after the whole member was read: a damaged member is reported by its hash."""
    name = pk.data_member(table)
    if name not in manifest.files:  # an optional table an older package lacks (pk.OPTIONAL_TABLES)
        return
    bad: _Reject | None = None
    loads, suspect = orjson.loads, safety.line_suspect
    i = 0
    for lines, marked in _member_blocks(zf, name, manifest.files[name]):
        for line in lines:
            i += 1
            if bad is not None:
                continue
            if i == 1 and line.startswith(b"\xef\xbb\xbf"):
                bad = _Reject(f"{name} 不能以 BOM 开头（应为不带 BOM 的 UTF-8）")
                continue
            try:
                rec = loads(line)
            except (UnicodeDecodeError, ValueError):  # orjson.JSONDecodeError is a ValueError
                bad = _Reject(f"{name} 第 {i} 行不是有效的 UTF-8 JSON")
                continue
            if marked and suspect(line) and (why := safety.text_fault(rec)):
                bad = _Reject(f"{pk.TABLE_LABELS[table]}（{name} 第 {i} 行）的{why}（可能用来伪装文字），已拒绝")
                continue
            yield i, rec
    if bad is not None:
        raise bad


class _Checker:
    """The record rules of §2.4 (fields, codes, station, unique uids, references, attachments),
    applied to each table's records as they stream from the package to the merge."""

    def __init__(self, zf, manifest: pk.Manifest):
        self.zf = zf
        self.manifest = manifest
        self.code = manifest.station_code
        self.uids: dict[str, set[str]] = {}
        # (table, field, target tables) → uids found neither in the package so far
        self.pending: dict[tuple[str, str, tuple[str, ...]], set[str]] = {}
        # attachments named but not in the package → where (they may already be beside the database)
        self.outside: dict[str, str] = {}
        self.future = safety.FutureGuard()

    def run(self) -> None:
        """Check every record and every other listed member; raises :class:`_Reject`."""
        for table in pk.TABLES:
            for _batch in self.batches(table):
                pass
        tables = {pk.data_member(t) for t in pk.TABLES}
        others = {n: e for n, e in self.manifest.files.items() if n not in tables}
        _check_hashes(self.zf, others, lambda _n: None)
        for name in others:
            if name.startswith("attachments/"):
                head = next(_read_member(self.zf, name), b"")[:16]
                why = safety.attachment_fault(name, head)
                if why:
                    raise _Reject(why)

    def batches(self, table: str) -> Iterator[list[dict]]:
        """The table's checked records in batches of :data:`CHUNK`."""
        lines = _records(self.zf, self.manifest, table)
        batch: list[dict] = []
        try:
            for rec in self._checked(table, lines):
                batch.append(rec)
                if len(batch) >= CHUNK:
                    yield batch
                    batch = []
        except _Reject:
            # a broken record may be a damaged member: finish reading it, so a wrong hash or count is
            # what the report names (it raises), else the record's own fault
            for _rest in lines:
                pass
            raise
        if batch:
            yield batch

    def _checked(self, table: str, lines) -> Iterator[dict]:
        check = pk.validator(table)
        code = self.code
        files = self.manifest.files
        att_fields = pk.ATTACHMENT_FIELDS.get(table, ())
        label, member = pk.TABLE_LABELS[table], pk.data_member(table)
        uids, pending, outside = self.uids, self.pending, self.outside
        seen: set[str] = set()
        uids[table] = seen
        refs = self._reference_plan(table)
        # the future guard's quick test: a time in our stored form compares as text with the limit
        # (the guard's own fast path); anything else, and a day's duty rows, go to the guard itself
        fault = self.future.fault
        limit = self.future.limit_ts if self.future.limit_ts.endswith("+08:00") else ""
        whole = not limit or any(f.name == "duties" for f in pk.SPECS[table])
        for i, rec in lines:
            try:
                check(rec)
            except pk.RecordError as exc:
                raise _Reject(f"{label}（{member} 第 {i} 行）：{exc}") from None
            # check() passed: created_at and updated_at are texts, deleted_at a text or None
            c, u, d = rec["created_at"], rec["updated_at"], rec.get("deleted_at")
            if whole or "duties" in rec or not (len(c) == 32 and c[26:] == "+08:00" and c <= limit
                             and len(u) == 32 and u[26:] == "+08:00" and u <= limit
                             and (d is None or (len(d) == 32 and d[26:] == "+08:00" and d <= limit))):
                why = fault(rec)
                if why:
                    raise _Reject(f"{label}（{member} 第 {i} 行）的{why}，已拒绝")
            if rec["station_code"] != code:
                raise _Reject(f"{label}（{member} 第 {i} 行）属于站点 {rec['station_code']}，"
                              f"与数据包的站点 {code} 不一致")
            uid = rec["uid"]
            if uid in seen:
                raise _Reject(f"{label}（{member} 第 {i} 行）：记录编号 {uid} 重复")
            seen.add(uid)
            for name, inner, one, sets, key in refs:
                v = rec.get(name)
                if v is None:
                    continue
                if inner is not None:
                    v = [item[inner] for item in v]
                elif type(v) is not list:
                    v = (v,)
                for x in v:
                    if x in one:
                        continue
                    for known in sets:
                        if x in known:
                            break
                    else:
                        pending.setdefault(key, set()).add(x)
            for f in att_fields:
                ref = rec.get(f)
                if ref and (why := safety.attachment_type_fault(ref)):
                    raise _Reject(f"{label}（{member} 第 {i} 行）：{why}")
                if ref and ref not in files:
                    outside.setdefault(ref, f"{label}（{member} 第 {i} 行）")
            yield rec

    def _reference_plan(self, table: str) -> list[tuple]:
        """Each reference of ``table`` as ``(field, inner field or None, first uid set, the other
        uid sets, pending key)``: the uid sets of the tables before this one and of this one, taken
        once (a later table has none yet: what it would resolve stays pending until after the
        merge); a field ``outer.inner`` names a list of objects."""
        plan = []
        for path, targets in pk.REFERENCES[table]:
            sets = [self.uids[t] for t in targets if t in self.uids]
            one = sets.pop(0) if sets else frozenset()
            name, _dot, inner = path.partition(".")
            plan.append((name, inner or None, one, sets, (table, path, targets)))
        return plan


@dataclass
class _Verdict:
    """What checking a package's records found: ``reason`` None when all passed; the references
    and attachments left for the database to resolve."""

    reason: str | None
    pending: dict = field(default_factory=dict)
    outside: dict = field(default_factory=dict)


def _check_package(path: str, password: str | None) -> _Verdict:
    """Every record rule of §2.4 over the whole package, without a database (it also runs in a
    child process, beside the merge)."""
    try:
        zf = _open_zip(path, password)
        with zf, loading.gc_paused():
            checker = _Checker(zf, _read_manifest(zf, bool(password)))
            checker.run()
    except _Reject as exc:
        return _Verdict(exc.reason)
    except OSError as exc:
        return _Verdict(f"读取数据包时出错：{os_reason(exc)}，数据库没有改动")
    return _Verdict(None, checker.pending, checker.outside)


class _CheckPool:
    """Checks big packages in a child process while this one merges (JSON parsing and the record
    rules take a core of their own): the verdict for package n+1 is prepared while package n is
    merged. Small packages, or a machine where no process can be started, are checked here first.
    A package is committed only after its verdict says every record passed."""

    def __init__(self, paths: list[str], password: str | None, sizes: list[int]):
        self.paths, self.password = paths, password
        least = tunable("PARALLEL_MIN_RECORDS")
        self.big = [n >= least for n in sizes]
        self.pool: Pool | None = None
        self.pending: dict[int, AsyncResult[_Verdict]] = {}
        if any(self.big):
            try:
                self.pool = multiprocessing.get_context("spawn").Pool(1)
            except (OSError, ImportError, RuntimeError):
                self.pool = None

    def start(self, i: int) -> None:
        if self.pool is not None and i < len(self.paths) and self.big[i] and i not in self.pending:
            self.pending[i] = self.pool.apply_async(_check_package, (self.paths[i], self.password))

    def parallel(self, i: int) -> bool:
        return i in self.pending

    def verdict(self, i: int) -> _Verdict:
        job = self.pending.pop(i, None)
        if job is None:
            return _check_package(self.paths[i], self.password)
        return job.get()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()


def _resolve_in_database(code: str, pending: dict) -> None:
    for (table, path, targets), wanted in pending.items():
        missing = set(wanted)
        for target in targets:
            model = CODECS[target].model
            for chunk in _chunks(sorted(missing)):
                sql = (f"SELECT {_q('uid')} FROM {_table(model)} WHERE {_q('station_code')} = {_p()} "
                       f"AND {_q('uid')} IN {_in(len(chunk))}")
                missing -= {r[0] for r in database.execute_sql(sql, [code, *chunk]).fetchall()}
            if not missing:
                break
        if missing:
            what = "或".join(pk.TABLE_LABELS[t] for t in targets)
            raise _Reject(f"{pk.TABLE_LABELS[table]}中有 {len(missing)} 条引用指向不存在的{what}"
                          f"（字段 {path}，如 {sorted(missing)[0]}），在数据包和数据库中都找不到："
                          "请先导入这个站更早的数据包，或让联络站导出全部数据")

