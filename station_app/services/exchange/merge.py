"""The merge by uid of one verified package, inside the caller's transaction (EXCHANGE_FORMAT §2.4).

A reader inflates and parses the next batch of a table (:func:`_batches`) while :class:`_Merger`
writes the one before: records are split by uid into new, newer and unchanged ones
(:meth:`_Merger.split`); new rows go in through ``bulk_insert``, newer rows are updated with one
prepared UPDATE, the rows built by the table's codec (:mod:`.codecs`). Three tables need more, each
in a piece of its own: an activity day's duty rows (:class:`_DayDuties`), a reception's sort key,
``reception_deputy`` mirror and keyword index (:mod:`.merge_receptions`), a case's keyword index with
its visitor and village (:class:`_Cases`).
"""

from __future__ import annotations

import uuid
from collections import namedtuple
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from station_app.db import search
from station_app.db.bulk import bulk_insert
from station_app.db.connection import database
from station_app.db.models import Case, CaseEvent, Duty, Reception
from station_app.domain import package as pk
from station_app.services.exchange.codecs import BY_MODEL, CODECS, DUTY, ts
from station_app.services.exchange.common import (
    CHUNK,
    DUTY_NAMESPACE,
    _chunks,
    _in,
    _p,
    _q,
    _Reject,
    _table,
    split_many,
)
from station_app.services.exchange.merge_receptions import _Receptions
from station_app.services.exchange.verify import _member_blocks


@dataclass
class _Tally:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged}


def _columns(model) -> tuple[str, ...]:
    """The columns of the rows the merge builds for ``model``, in their order."""
    return BY_MODEL[model._meta.table_name].row_columns


def _fields(model) -> list:
    return BY_MODEL[model._meta.table_name].fields


def _update_sql(model) -> str:
    """UPDATE of every column but ``uid`` by ``id``: the parameters are ``(*to_row(r)[1:], id)``."""
    cols = [c for c in _columns(model) if c != "uid"]
    sets = ", ".join(f"{_q(c)} = {_p()}" for c in cols)
    return f"UPDATE {_table(model)} SET {sets} WHERE {_q('id')} = {_p()}"


_EXISTING: dict[tuple[str, ...], type[Any]] = {}


def _existing_row(extra: tuple[str, ...]) -> type[Any]:
    """The named tuple of a row already in the database: ``id``, ``station_code``, ``updated_at`` and
    the ``extra`` columns asked for."""
    if extra not in _EXISTING:
        _EXISTING[extra] = namedtuple("Existing", ("id", "station_code", "updated_at", *extra))
    return _EXISTING[extra]


class _Merger:
    """Merges one verified package (inside the caller's transaction)."""

    def __init__(self, code: str):
        self.code = code
        self.fts = search.is_sqlite()
        self.tally: dict[str, _Tally] = {}
        self.fresh: dict[str, bool] = {}
        self.duties = _DayDuties(self)
        self.receptions = _Receptions(self)
        self.cases = _Cases(self)

    def _is_fresh(self, model) -> bool:
        """True when the table held no row of this station before the package: every record is
        then new, and no lookup is needed (a uid another station uses fails the unique index)."""
        name = model._meta.table_name
        if name not in self.fresh:
            if model is CaseEvent:  # no index leads with its station_code; its cases tell the same
                # (an event belongs to a case of its own station), asked before any case is merged
                self.fresh[name] = self._is_fresh(Case)
                return self.fresh[name]
            sql = f"SELECT 1 FROM {_table(model)} WHERE {_q('station_code')} = {_p()} LIMIT 1"
            self.fresh[name] = database.execute_sql(sql, [self.code]).fetchone() is None
        return self.fresh[name]

    # -- generic ---------------------------------------------------------------------------------
    def existing(self, model, uids: list[str], extra: tuple[str, ...] = ()) -> dict[str, Any]:
        """{uid: the row in the database (a named tuple, see :func:`_existing_row`)} of ``uids``."""
        make = _existing_row(extra)._make
        cols = ("uid", "id", "station_code", "updated_at", *extra)
        sql = (f"SELECT {', '.join(_q(c) for c in cols)} FROM {_table(model)} "
               f"WHERE {_q('uid')} IN {_in(len(uids))}")
        return {r[0]: make(r[1:]) for r in database.execute_sql(sql, uids).fetchall()}

    def update_sql(self, model) -> str:
        return _update_sql(model)

    def clash(self, what: str, uid: str, their_code: str) -> _Reject:
        return _Reject(f"{what}记录 {uid} 在数据库中属于站点 {their_code}，与数据包的站点 {self.code} 冲突")

    def split(self, table: str, model, records: list[dict], extra: tuple[str, ...] = ()):
        """(new records, [(record, existing row)], unchanged) by uid and updated_at."""
        if self._is_fresh(model):
            return records, [], 0
        existing = self.existing(model, [r["uid"] for r in records], extra)
        new, newer, same = [], [], 0
        for r in records:
            e = existing.get(r["uid"])
            if e is None:
                new.append(r)
                continue
            if e.station_code != self.code:
                raise self.clash(pk.TABLE_LABELS[table], r["uid"], e.station_code)
            if ts(r["updated_at"]) > e.updated_at:
                newer.append((r, e))
            else:
                same += 1
        return new, newer, same

    def write(self, model, to_row, new: list[dict], newer: list[tuple]) -> None:
        """Updates first (a tombstone may free the slot a new row takes: one live day a date), then
        the new rows."""
        if newer:
            database.cursor().executemany(_update_sql(model), [(*to_row(r)[1:], e.id) for r, e in newer])
        if new:
            bulk_insert(model, _fields(model), [to_row(r) for r in new])

    def merge_chunk(self, table: str, records: list[dict]) -> None:
        t = self.tally.setdefault(table, _Tally())
        if table == "receptions":
            self.receptions.merge(records, t)
        elif table == "cases":
            self.cases.merge(records, t)
        else:
            codec = CODECS[table]
            new, newer, same = self.split(table, codec.model, records)
            self.write(codec.model, codec.to_row, new, newer)
            t.inserted += len(new)
            t.updated += len(newer)
            t.unchanged += same
            if table == "activity_days":
                self.duties.merge(records, {r["uid"] for r in new} | {r["uid"] for r, _e in newer}, t)


class _DayDuties:
    """An activity day's duty rows: from its ``duties`` objects, or (another implementation) derived
    from its list ``duty_deputy_uids`` with a uid of their own, the dropped deputies' rows
    tombstoned."""

    def __init__(self, merger: _Merger):
        self.m = merger

    def _items(self, records: list[dict], changed_days: set[str]) -> tuple[list[dict], list[dict]]:
        """(the duty objects to merge, each with its day and station; the days whose rows are derived)."""
        code = self.m.code
        items, derived_days = [], []
        for r in records:
            if "duties" in r:
                items += [dict(d, activity_day_uid=r["uid"], station_code=code) for d in r["duties"]]
            elif r["uid"] in changed_days:  # another implementation: rows from the list of uids
                derived_days.append(r)
                for dep in dict.fromkeys(r["duty_deputy_uids"]):
                    items.append({"uid": str(uuid.uuid5(DUTY_NAMESPACE, f"{r['uid']}/{dep}")), "deputy_uid": dep,
                                  "manual": False, "note": "", "created_at": r["created_at"],
                                  "updated_at": r["updated_at"], "deleted_at": None, "activity_day_uid": r["uid"],
                                  "station_code": code})
        return items, derived_days

    def merge(self, records: list[dict], changed_days: set[str], t: _Tally) -> None:
        items, derived_days = self._items(records, changed_days)
        touched_days: set[str] = set()
        for chunk in _chunks(items):
            existing = self.m.existing(Duty, [d["uid"] for d in chunk])
            new, newer = [], []
            for d in chunk:
                e = existing.get(d["uid"])
                if e is None:
                    new.append(d)
                elif e.station_code != self.m.code:
                    raise self.m.clash("值班", d["uid"], e.station_code)
                elif ts(d["updated_at"]) > e.updated_at:
                    newer.append((d, e))
            self.m.write(Duty, DUTY.to_row, new, newer)
            touched_days |= {d["activity_day_uid"] for d in new} | {d["activity_day_uid"] for d, _e in newer}
        for r in derived_days:
            self._drop_others(r)
        # a day whose own row was unchanged but whose duty rows changed counts as updated
        moved = touched_days - changed_days
        if moved:
            t.unchanged -= len(moved)
            t.updated += len(moved)

    def _drop_others(self, r: dict) -> None:
        """Deputies no longer on a derived day's list: tombstone their rows."""
        keep = list(dict.fromkeys(r["duty_deputy_uids"])) or [""]
        now = ts(r["updated_at"])
        database.execute_sql(
            f"UPDATE {_table(Duty)} SET {_q('deleted_at')} = {_p()}, {_q('updated_at')} = {_p()} "
            f"WHERE {_q('activity_day_uid')} = {_p()} AND {_q('deleted_at')} IS NULL "
            f"AND {_q('deputy_uid')} NOT IN {_in(len(keep))}", [now, now, r["uid"], *keep])


class _Cases:
    """Cases, with their keyword index (their own text and their reception's visitor and village)."""

    EXTRA = ("reception_uid", "number", "department", "content", "deleted_at")

    def __init__(self, merger: _Merger):
        self.m = merger

    def _visitors(self, reception_uids: set) -> dict[str, tuple[str, str]]:
        uids = [u for u in reception_uids if u]
        if not uids:
            return {}
        sql = (f"SELECT {_q('uid')}, {_q('visitor_name')}, {_q('village')} FROM {_table(Reception)} "
               f"WHERE {_q('uid')} IN {_in(len(uids))}")
        return {u: (n, v) for u, n, v in database.execute_sql(sql, uids).fetchall()}

    def merge(self, records: list[dict], t: _Tally) -> None:
        from station_app.services import cases as case_service

        to_row = CODECS["cases"].to_row
        new, newer, same = self.m.split("cases", Case, records, self.EXTRA)
        t.unchanged += same
        t.updated += len(newer)
        t.inserted += len(new)
        if not self.m.fts:
            self.m.write(Case, to_row, new, newer)
            return
        fts = case_service.FTS
        people = self._visitors({r.get("reception_uid") for r in records} | {e.reception_uid for _r, e in newer})

        def text(number, dept, content, ruid) -> str:
            name, village = people.get(ruid, ("", "")) if ruid else ("", "")
            return case_service.search_words(number, dept or "", content, name or "", village or "")

        def index_rows(rowids: list[int], texts: list[str]):
            return zip(rowids, split_many(texts), strict=True)

        if newer:
            old = [(e.id, text(e.number, e.department, e.content, e.reception_uid))
                   for _r, e in newer if e.deleted_at is None]
            if old:
                database.cursor().executemany(f"INSERT INTO {fts}({fts}, rowid, body) VALUES ('delete', ?, ?)",
                                              index_rows([i for i, _t in old], [t for _i, t in old]))
            self.m.write(Case, to_row, [], newer)
            live = [(e.id, r) for r, e in newer if r["deleted_at"] is None]
            database.cursor().executemany(search.bulk_index_sql(fts), index_rows(
                [i for i, _r in live],
                [text(r["number"], r["department"], r["content"], r["reception_uid"]) for _i, r in live]))
        if new:
            self.m.write(Case, to_row, new, [])
            uids = [r["uid"] for r in new]
            ids = dict(database.execute_sql(f"SELECT {_q('uid')}, {_q('id')} FROM {_table(Case)} "
                                            f"WHERE {_q('uid')} IN {_in(len(uids))}", uids).fetchall())
            live_new = [r for r in new if r["deleted_at"] is None]
            database.cursor().executemany(search.bulk_index_sql(fts), index_rows(
                [ids[r["uid"]] for r in live_new],
                [text(r["number"], r["department"], r["content"], r["reception_uid"]) for r in live_new]))


def _batches(zf, manifest: pk.Manifest, table: str) -> Iterator[list[dict]]:
    """The table's records in batches of :data:`CHUNK`, each batch parsed by one ``orjson.loads``.
    Only for the merge: the per-line rules (one object a line, no BOM) are the checks' (the
    verdict), which decide whether anything merged here is committed."""
    name = pk.data_member(table)
    if name not in manifest.files:  # an optional table an older package lacks (pk.OPTIONAL_TABLES)
        return
    lines: list[bytes] = []
    for block, _marked in _member_blocks(zf, name, manifest.files[name], mark=False):
        lines += block
        while len(lines) >= CHUNK:
            yield _parse_batch(name, lines[:CHUNK])
            del lines[:CHUNK]
    if lines:
        yield _parse_batch(name, lines)


def _parse_batch(name: str, lines: list[bytes]) -> list[dict]:
    try:
        records = orjson.loads(b"[" + b",".join(lines) + b"]")
    except ValueError:
        records = None
    if not isinstance(records, list) or len(records) != len(lines):
        raise _Reject(f"{name} 中有不是有效 UTF-8 JSON 的行")
    return records


def _merge(zf, manifest: pk.Manifest, step) -> dict[str, _Tally]:
    """Merge the package's records (the caller holds the transaction)."""
    merger = _Merger(manifest.station_code)
    merger._is_fresh(CaseEvent)  # before the first case goes in
    for table in pk.TABLES:
        merger.tally.setdefault(table, _Tally())
        for batch in _batches(zf, manifest, table):
            merger.merge_chunk(table, batch)
            step(len(batch))
    return merger.tally
