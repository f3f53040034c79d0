"""The export's reading side: each table's rows of one station (changed since the last package,
or all) in keyset chunks, turned into the package's records by the table's codec
(:mod:`.codecs`). Shared by the data members and the 台账."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from station_app.db.connection import database
from station_app.db.models import Duty
from station_app.domain import package as pk
from station_app.services.exchange.codecs import CODECS, DUTY
from station_app.services.exchange.common import CHUNK, _in, _p, _q, _station_filter, _table


@dataclass
class _Source:
    table: str
    model: type
    columns: tuple[str, ...]  # what is selected, in the order ``to_record`` takes it
    to_record: Callable  # (row tuple without id, context) -> dict


SOURCES = {t: _Source(t, CODECS[t].model, CODECS[t].select_columns, CODECS[t].to_record) for t in pk.TABLES}


def _changed_day_uids(code: str, since: str | None) -> list[str]:
    """Activity days whose duty rows changed since ``since`` (a swap touches only the duty rows)."""
    if since is None:
        return []
    sql = (f"SELECT DISTINCT {_q('activity_day_uid')} FROM {_table(Duty)} "
           f"WHERE {_q('station_code')} = {_p()} AND {_q('updated_at')} >= {_p()}")
    return [r[0] for r in database.execute_sql(sql, (code, since)).fetchall()]


def _where(code: str, since: str | None, extra_uids: list[str]) -> tuple[str, list]:
    sql = f"{_station_filter()} = {_p()}"
    params: list = [code]
    if since is not None:
        if extra_uids:
            sql += f" AND ({_q('updated_at')} >= {_p()} OR {_q('uid')} IN {_in(len(extra_uids))})"
            params += [since, *extra_uids]
        else:
            sql += f" AND {_q('updated_at')} >= {_p()}"
            params.append(since)
    return sql, params


def _count(src: _Source, code: str, since: str | None, extra: list[str]) -> int:
    where, params = _where(code, since, extra)
    return database.execute_sql(f"SELECT COUNT(*) FROM {_table(src.model)} WHERE {where}", params).fetchone()[0]


def _read_rows(src: _Source, code: str, since: str | None, extra: list[str],
               live: bool = False) -> Iterator[list[tuple]]:
    """The table's rows of the station (changed since ``since``; not deleted when ``live``) in
    chunks, keyset on id."""
    where, params = _where(code, since, extra)
    if live:
        where += f" AND {_q('deleted_at')} IS NULL"
    cols = ", ".join(_q(c) for c in ("id", *src.columns))
    sql = (f"SELECT {cols} FROM {_table(src.model)} WHERE {where} AND {_q('id')} > {_p()} "
           f"ORDER BY {_q('id')} LIMIT {CHUNK}")
    last = 0
    while True:
        rows = database.execute_sql(sql, [*params, last]).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield [r[1:] for r in rows]



def _duties_of(day_uids: list[str]) -> dict[str, list[dict]]:
    """The duty objects of each activity day (``duties`` of its record), deleted ones included."""
    out: dict[str, list[dict]] = {}
    if not day_uids:
        return out
    cols = ("activity_day_uid", *DUTY.select_columns)
    sql = (f"SELECT {', '.join(_q(c) for c in cols)} FROM {_table(Duty)} "
           f"WHERE {_q('activity_day_uid')} IN {_in(len(day_uids))} ORDER BY {_q('id')}")
    to_record = DUTY.to_record
    for row in database.execute_sql(sql, day_uids).fetchall():
        out.setdefault(row[0], []).append(to_record(row[1:], None))
    return out
