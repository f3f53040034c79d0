"""Numbered migrations, run at start inside one transaction after an automatic backup.

Each migration module ``mNNNN_name.py`` defines ``VERSION``, ``NAME`` and ``apply(db)``.
A migration never imports ``station_app.db.models`` (those change); it defines the frozen
tables it needs itself, so a database made with schema 1 upgrades the same way forever.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from typing import Any

import peewee as pw

from station_app.domain import clock
from station_app.errors import DatabaseError

log = logging.getLogger(__name__)


def _names() -> list[str]:
    """The migration modules' names, found without importing them."""
    return [info.name for info in pkgutil.iter_modules(__path__) if info.name.startswith("m") and info.name[1:5].isdigit()]


def all_migrations() -> list[Any]:
    mods = [importlib.import_module(f"{__name__}.{name}") for name in _names()]
    mods.sort(key=lambda m: m.VERSION)
    versions = [m.VERSION for m in mods]
    assert versions == list(range(1, len(mods) + 1)), f"migration numbers must be 1..N: {versions}"
    return mods


def latest_version() -> int:
    """The newest schema version this program knows: its number of migrations (numbered 1..N,
    which :func:`all_migrations` asserts), counted without importing them."""
    return len(_names())


class _Version(pw.Model):
    version = pw.IntegerField(primary_key=True)
    name = pw.CharField(max_length=80)
    applied_at = pw.TextField()

    class Meta:
        table_name = "schema_version"


def current_version(db: pw.Database) -> int:
    if not db.table_exists("schema_version"):
        return 0
    with db.bind_ctx([_Version]):
        top = _Version.select(pw.fn.MAX(_Version.version)).scalar()
    return int(top or 0)


def run_migrations(db: pw.Database, url_or_path: str = "", backup: bool = True, target: int | None = None) -> list[int]:
    """Apply pending migrations (up to ``target``); return the versions applied. A database
    already at the newest version costs one query: no migration module is imported."""
    current = current_version(db)
    if current == latest_version() and (target is None or target <= current):
        return []
    mods = all_migrations()
    newest = len(mods) if target is None else target
    if current > len(mods):
        raise DatabaseError(
            f"这个数据库由更新版本的程序创建（结构版本 {current}，本程序最高支持 {len(mods)}），请先升级程序"
        )
    pending = [m for m in mods if current < m.VERSION <= newest]
    if not pending:
        return []
    if backup and current > 0 and url_or_path:
        from station_app.db.backup import backup_before_migration

        backup_before_migration(db, url_or_path, current)
    applied = []
    # IMMEDIATE: two programs opening one brand-new database together take turns (the busy
    # timeout waits) instead of both creating the tables; the second one finds them made
    lock = ("IMMEDIATE",) if isinstance(db, pw.SqliteDatabase) else ()
    with db.atomic(*lock), db.bind_ctx([_Version]):
        pending = [m for m in mods if current_version(db) < m.VERSION <= newest]
        db.create_tables([_Version], safe=True)
        for mod in pending:
            log.info("migration %s %s", mod.VERSION, mod.NAME)
            mod.apply(db)
            _Version.create(version=mod.VERSION, name=mod.NAME, applied_at=clock.now_ts())
            applied.append(mod.VERSION)
    return applied
