"""Automatic backups (daily and on exit), their rotation, the list of backups and what each holds.

Automatic backups are ``<stem>-auto-YYYYMMDD-HHMMSS.db`` in the ``backups/`` folder beside the
SQLite file (paths.backups_dir), made with the SQLite backup API from the open connection and
verified with ``integrity_check`` (db/backup.py). After each one the automatic backups are
rotated: 7 daily, 4 weekly, 12 monthly (domain/rotation.py); manual backups and the copies taken
before a migration are never deleted here. With the setting ``backup.second_place`` (a USB stick,
a network folder) each automatic backup is also copied there, verified, and rotated there too; a
second place that is missing or full is reported, never fatal.

PostgreSQL databases: no automatic backups; ``pg_dump`` is the county IT's job.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from station_app.core.errors import DatabaseError, KnownError, storage_error_from_oserror
from station_app.core.paths import backups_dir, sqlite_file_of
from station_app.db.backup import copy_open_database, copy_verified, home_of, read_backup
from station_app.db.connection import current_key, database
from station_app.db.keyslots import sidecar
from station_app.domain import clock
from station_app.domain.rotation import to_keep
from station_app.services import audit

log = logging.getLogger(__name__)

AUTO_RE = re.compile(r"^(?P<stem>.+)-auto-(?P<stamp>\d{8}-\d{6})\.db$")
BEFORE_RE = re.compile(r"-before-v\d+-")
POSTGRES_NOTE = "PostgreSQL 数据库不在本机备份：请由县里的信息技术人员用服务器自带的 pg_dump 备份和恢复。"


@dataclass(frozen=True)
class BackupInfo:
    """One backup file and what it holds (``problem`` set when it cannot be read)."""

    path: Path
    taken_at: dt.datetime
    size: int
    kind: str  # auto / before-migration / manual
    problem: str = ""
    version: int = 0
    station_code: str = ""
    station_name: str = ""
    stations: int = 0
    county: bool = False
    deputies: int = 0
    receptions: int = 0
    cases: int = 0
    newest_reception: dt.date | None = None

    @property
    def ok(self) -> bool:
        """Whether the backup could be read (no ``problem``)."""
        return not self.problem

    @property
    def empty(self) -> bool:
        """Readable but holding no deputy, reception or case: nothing worth restoring."""
        return self.ok and not (self.deputies or self.receptions or self.cases)

    @property
    def kind_label(self) -> str:
        """The kind in Chinese: 自动, 升级前 or 手工 (an unknown kind as it is)."""
        return {"auto": "自动", "before-migration": "升级前", "manual": "手工"}.get(self.kind, self.kind)

    def holds(self) -> str:
        """What it holds, in one line."""
        if not self.ok:
            return f"不可用：{self.problem}"
        if self.county:
            who = f"县级汇总库（{self.stations} 个联络站）"
        elif self.station_code:
            who = f"{self.station_name}（{self.station_code}）"
        else:
            who = "尚未设置站点"
        newest = f"，最新接待 {self.newest_reception}" if self.newest_reception else ""
        return (f"{who}：代表 {self.deputies} 名，接待登记 {self.receptions} 次，"
                f"意见建议 {self.cases} 条{newest}")


@dataclass(frozen=True)
class AutoBackupResult:
    """The automatic backup just made: its file, the second copy (or why it failed) and the old ones removed."""
    path: Path
    second_copy: Path | None
    second_problem: str
    removed: tuple[Path, ...]


def _kind_and_time(path: Path) -> tuple[str, dt.datetime]:
    m = AUTO_RE.match(path.name)
    if m:
        return "auto", dt.datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S")
    # in the station's zone, as the automatic backups' names are
    taken = clock.to_local(dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)).replace(tzinfo=None)
    return ("before-migration" if BEFORE_RE.search(path.name) else "manual"), taken


def inspect(path: str | Path, full: bool = False, key: bytes | None = None) -> BackupInfo:
    """Read what a backup holds (read-only). ``full`` verifies it with ``integrity_check``. An
    encrypted backup is read with ``key``, by default the open database's."""
    path = Path(path)
    try:
        kind, taken = _kind_and_time(path)
        size = path.stat().st_size
    except OSError as exc:
        raise storage_error_from_oserror(exc, path) from exc
    problem, facts = read_backup(path, full, key if key is not None else current_key())
    return BackupInfo(path=path, taken_at=taken, size=size, kind=kind, problem=problem, **facts)


def list_backups(url_or_path: str) -> list[BackupInfo]:
    """Every backup in the ``backups/`` folder of the database, newest first."""
    if sqlite_file_of(url_or_path) is None:
        return []
    folder = backups_dir(url_or_path)
    out = [inspect(p) for p in folder.glob("*.db") if p.is_file() and not p.name.startswith(".")]
    return sorted(out, key=lambda b: b.taken_at, reverse=True)


def newest_good_backup(url_or_path: str) -> BackupInfo | None:
    """The newest backup that passes ``integrity_check`` and holds our tables."""
    for b in list_backups(url_or_path):
        if b.ok:
            full = inspect(b.path, full=True)
            if full.ok:
                return full
    return None


_home_of = home_of  # the old name


def restore_warnings(url_or_path: str, source: str | Path, key: bytes | None = None) -> list[str]:
    """What the clerk should know before restoring ``source`` over the database: an empty
    backup, another station's, a county database. Raises when the backup cannot be used.
    ``key``: an encrypted backup's (unlocked from its own ``.keys``)."""
    if not Path(source).is_file():
        raise KnownError(f"找不到备份文件：{source}")
    info = inspect(source, full=True, key=key)
    if not info.ok:
        raise DatabaseError(f"这个备份不能用：{info.problem}（{info.path}）")
    out = []
    if info.empty:
        out.append("这个备份是空的：没有代表、接待登记和意见建议。恢复后数据库里将什么都没有。")
    if info.county:
        out.append(f"这是县级汇总库的备份（{info.stations} 个联络站），不是一个联络站自己的数据库。")
    file = sqlite_file_of(url_or_path)
    home = _home_of(file, current_key()) if file is not None else None
    if home and info.station_code and home[0] != info.station_code:
        out.append(f"这个备份属于另一个联络站：{info.station_name}（{info.station_code}），"
                   f"而当前数据库是 {home[1]}（{home[0]}）。")
    return out


def _auto_name(stem: str, when: dt.datetime) -> str:
    return f"{stem}-auto-{when:%Y%m%d-%H%M%S}.db"


def daily_due(url_or_path: str, today: dt.date | None = None) -> bool:
    """True when there is no automatic backup of ``today`` yet."""
    file = sqlite_file_of(url_or_path)
    if file is None:
        return False
    today = today or clock.today()
    stamp = f"{file.stem}-auto-{today:%Y%m%d}-"
    return not any(p.name.startswith(stamp) for p in backups_dir(url_or_path).glob("*-auto-*.db"))


def rotate(folder: Path, stem: str) -> tuple[Path, ...]:
    """Delete the automatic backups of ``stem`` in ``folder`` that the rotation does not keep."""
    autos = {}
    for p in folder.glob(f"{glob_escape(stem)}-auto-*.db"):
        m = AUTO_RE.match(p.name)
        if m and m["stem"] == stem:
            autos[dt.datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S")] = p
    keep = to_keep(autos)
    removed = []
    for when, p in autos.items():
        if when not in keep:
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
            with contextlib.suppress(OSError):
                sidecar(p).unlink()  # an encrypted backup's key slots go with it
    return tuple(sorted(removed))


def glob_escape(text: str) -> str:
    """``text`` with the glob wildcards ``*?[`` escaped, to match it literally."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def auto_backup(url_or_path: str) -> AutoBackupResult:
    """Take an automatic backup of the open database now (verified), copy it to the second
    place if one is set, and rotate both places."""
    from station_app.services import settings

    file = sqlite_file_of(url_or_path)
    if file is None:
        raise KnownError(POSTGRES_NOTE)
    name = _auto_name(file.stem, clock.now().replace(tzinfo=None))
    out = backups_dir(url_or_path) / name
    audit.event("backup", f"备份数据库到 {out}", "database", name)  # before the copy: the backup holds it
    copy_open_database(database.obj, out)
    removed = rotate(out.parent, file.stem)
    second, problem = None, ""
    place = str(settings.get("backup.second_place") or "").strip()
    if place:
        folder = Path(place)
        try:
            if not folder.is_dir():
                raise KnownError(f"第二存放位置不存在或未插入：{folder}")
            second = folder / name
            copy_verified(out, second, current_key())
            removed += rotate(folder, file.stem)
        except KnownError as exc:
            second, problem = None, exc.message
        except OSError as exc:
            second, problem = None, storage_error_from_oserror(exc, folder).message
        if problem:
            log.warning("second backup place: %s", problem)
    return AutoBackupResult(out, second, problem, removed)


def encrypt_plain_copies(url_or_path: str, key: bytes) -> int:
    """After the database was encrypted (services/users.convert_to_protected): the backups and the
    set-aside copies made while it was plain hold the same voters' data in the clear. Each is
    rewritten encrypted under the database's key (checked, then put in the plain file's place) with
    the database's key slots beside it. Returns how many were encrypted."""
    from station_app.db import cipher, keyslots
    from station_app.db.backup import carry_keys

    file = sqlite_file_of(url_or_path)
    if file is None:
        return 0
    copies = [p for p in backups_dir(url_or_path).glob("*.db") if p.is_file()]
    copies += [p for p in file.parent.glob(f"{glob_escape(file.stem)}.replaced-*.db") if p.is_file()]
    done = 0
    for plain in copies:
        if not cipher.has_plain_header(plain):
            continue
        tmp = plain.with_name(f".{plain.name}.encrypting")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        try:
            keyslots.encrypt_file(plain, tmp, key)
            carry_keys(file, plain)
            tmp.replace(plain)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    Path(str(plain) + suffix).unlink()
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise storage_error_from_oserror(exc, plain) from exc
        except DatabaseError as exc:  # a damaged plain copy: left as it is, and said in the log
            log.warning("backup %s not encrypted: %s", plain, exc)
            with contextlib.suppress(OSError):
                tmp.unlink()
            continue
        done += 1
    return done
