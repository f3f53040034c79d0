"""The merge of receptions (a piece of :class:`~.merge._Merger`): each new or moved reception
gets a free ``sort_key`` (the list's keyset order), its ``reception_deputy`` mirror rows and its
keyword index row; a visitor or village renamed re-indexes the cases of the reception."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from station_app.db import search
from station_app.db.bulk import bulk_insert
from station_app.db.connection import database
from station_app.db.models import Case, Reception, ReceptionDeputy
from station_app.domain import clock
from station_app.services.exchange.codecs import CODECS, text, ts
from station_app.services.exchange.common import _chunks, _in, _p, _q, _table, split_many

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_MICROSECOND = dt.timedelta(microseconds=1)
_fromiso = dt.datetime.fromisoformat


def _search_text(search_text, r: dict) -> str:
    """A reception record's keyword text (before it is split into characters)."""
    return search_text(SimpleNamespace(
        visitor_name=r["visitor_name"], visitor_phone=text(r["visitor_phone"]), village=text(r["village"]),
        summary=text(r["summary"])))


def _time_keys(records: list[dict]) -> list[int]:
    """:func:`~station_app.services.receptions.time_key` of each record's ``received_at``: an aware
    time's microseconds since 1970 do not depend on the zone it is written in, so a time in our
    stored form is read once by ``fromisoformat`` (not parsed, moved into the local zone and moved
    again); any other form goes the services' way."""
    from station_app.services.receptions import time_key

    out = []
    for r in records:
        v = r["received_at"]
        if len(v) == 32 and v[19] == "." and v[26:] == "+08:00":
            out.append((_fromiso(v) - _EPOCH) // _MICROSECOND)
        else:
            out.append(time_key(clock.parse_ts(v)))
    return out


class _Receptions:
    """Merges receptions' chunks for a :class:`~.merge._Merger` (its ``split``, ``update_sql``, ``fts``)."""

    EXTRA = ("sort_key", "received_at", "visitor_name", "visitor_phone", "village", "summary", "deleted_at")

    def __init__(self, merger):
        self.m = merger

    def merge(self, records: list[dict], t) -> None:
        new, newer, same = self.m.split("receptions", Reception, records, self.EXTRA)
        t.unchanged += same
        if newer:
            self._update(newer)
            t.updated += len(newer)
        if new:
            self._insert(new)
            t.inserted += len(new)

    def _update(self, newer: list[tuple]) -> None:
        """Newer versions: the sort key kept unless the time moved, the index and the mirror redone."""
        from station_app.services import cases as case_service
        from station_app.services.receptions import FTS, search_text

        to_row = CODECS["receptions"].to_row
        moved = [r for r, e in newer if ts(r["received_at"]) != e.received_at]
        moved_keys = dict(zip([r["uid"] for r in moved], self._sort_keys(moved), strict=True)) if moved else {}
        unindex, index, rows = [], [], []
        for r, e in newer:
            key = moved_keys.get(r["uid"], e.sort_key)
            rows.append((*to_row(r, key)[1:], e.id))
            if e.deleted_at is None:
                unindex.append((e.sort_key, search.split_chars(search_text(SimpleNamespace(
                    visitor_name=e.visitor_name, visitor_phone=e.visitor_phone, village=e.village,
                    summary=e.summary)))))
            if r["deleted_at"] is None:
                index.append((key, _search_text(search_text, r)))
        fts = self.m.fts
        if fts and unindex:
            database.cursor().executemany(f"INSERT INTO {FTS}({FTS}, rowid, body) VALUES ('delete', ?, ?)", unindex)
        database.cursor().executemany(self.m.update_sql(Reception), rows)
        if fts and index:
            database.cursor().executemany(search.bulk_index_sql(FTS), zip(
                [k for k, _t in index], split_many([t for _k, t in index]), strict=True))
        uids = [r["uid"] for r, _e in newer]
        database.execute_sql(f"DELETE FROM {_table(ReceptionDeputy)} WHERE {_q('reception_uid')} "
                             f"IN {_in(len(uids))}", uids)
        self._mirror([r for r, _e in newer])
        renamed = {r["uid"]: (e.visitor_name, e.village, r["visitor_name"], text(r["village"])) for r, e in newer
                   if (e.visitor_name, e.village) != (r["visitor_name"], text(r["village"]))}
        if renamed and fts:
            self._reindex_cases_of(renamed, case_service)

    def _insert(self, new: list[dict]) -> None:
        from station_app.services.receptions import FTS, search_text

        to_row = CODECS["receptions"].to_row
        keys = self._sort_keys(new)
        bulk_insert(Reception, CODECS["receptions"].fields, [to_row(r, k) for r, k in zip(new, keys, strict=True)])
        self._mirror(new)
        if self.m.fts:
            live = [(k, r) for r, k in zip(new, keys, strict=True) if r["deleted_at"] is None]
            database.cursor().executemany(search.bulk_index_sql(FTS), zip(
                [k for k, _r in live], split_many([_search_text(search_text, r) for _k, r in live]), strict=True))

    def _sort_keys(self, records: list[dict]) -> list[int]:
        """A free ``sort_key`` per reception, as ``free_sort_key`` gives a single save: its
        :func:`~station_app.services.receptions.time_key`, or when taken one microsecond after the
        highest key in that second. Found for the whole chunk with a few queries: the keys taken,
        the highest key in each second hit (a county's stations often share a minute), then a check
        that the moved keys are free (moved on by a microsecond while not, rare)."""
        keys = _time_keys(records)
        taken = self._taken(set(keys))
        tops = self._tops(sorted({k for k in keys if k in taken}))
        start = [tops[k] + 1 if k in taken else k for k in keys]
        taken |= self._taken(set(start) - taken)
        while True:
            used: set[int] = set()
            out = []
            for k in start:
                while k in used or k in taken:
                    k += 1
                used.add(k)
                out.append(k)
            more = self._taken({k for k, k0 in zip(out, start, strict=True) if k != k0} - taken)
            if not more:
                return out
            taken |= more

    def _tops(self, keys: list[int]) -> dict[int, int]:
        """{k: the highest sort key in [k, k + 1 s)} for taken keys ``k``."""
        tops: dict[int, int] = {}
        sk = _q("sort_key")
        for chunk in _chunks(keys, 1000):
            values = ", ".join(f"({_p()})" for _k in chunk)
            sql = (f"WITH w(k) AS (VALUES {values}) SELECT w.k, (SELECT MAX({sk}) FROM {_table(Reception)} "
                   f"WHERE {sk} >= w.k AND {sk} < w.k + 1000000) FROM w")
            tops.update(database.execute_sql(sql, chunk).fetchall())
        return tops

    def _taken(self, keys: set[int]) -> set[int]:
        found: set[int] = set()
        for chunk in _chunks(sorted(keys)):
            sql = f"SELECT {_q('sort_key')} FROM {_table(Reception)} WHERE {_q('sort_key')} IN {_in(len(chunk))}"
            found |= {r[0] for r in database.execute_sql(sql, chunk).fetchall()}
        return found

    def _mirror(self, records: list[dict]) -> None:
        rows = [(r["uid"], d) for r in records if r["deleted_at"] is None for d in dict.fromkeys(r["deputy_uids"])]
        if rows:
            bulk_insert(ReceptionDeputy, [ReceptionDeputy.reception_uid, ReceptionDeputy.deputy_uid], rows)

    def _reindex_cases_of(self, renamed: dict, case_service) -> None:
        uids = list(renamed)
        sql = (f"SELECT {_q('id')}, {_q('reception_uid')}, {_q('number')}, {_q('department')}, {_q('content')} "
               f"FROM {_table(Case)} WHERE {_q('deleted_at')} IS NULL AND {_q('reception_uid')} IN {_in(len(uids))}")
        for cid, ruid, number, dept, content in database.execute_sql(sql, uids).fetchall():
            old_name, old_village, name, village = renamed[ruid]
            row = SimpleNamespace(number=number, department=dept, content=content)
            search.unindex_row(case_service.FTS, cid, case_service.search_text(row, old_name, old_village))
            search.index_row(case_service.FTS, cid, case_service.search_text(row, name, village))
