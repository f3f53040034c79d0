"""What the exchange's modules share: the limits, the SQL helpers (quoting for SQLite and
PostgreSQL alike), the rejection of a package."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator

from station_app.db import search
from station_app.db.connection import database, is_sqlite

CHUNK = 5000  # rows per read / per merge step
BUFFER = 1 << 20  # bytes collected before a write into a zip member
COMPRESS_LEVEL = 1  # deflate level 1: half the time of level 6 for 10 % more bytes (BASELINES)
XLSX_CAP = 5_000  # rows a sheet of the 台账 (~100 printed pages; openpyxl ~150 µs a row); data/ holds everything
# from this many records a child process takes the import's record checks (a core of their own);
# below it starting one costs more than it saves
PARALLEL_MIN_RECORDS = 50_000
# zip-bomb bounds: what a real package of 1M+ rows needs, with room, and no more
MAX_TOTAL_BYTES = 32 << 30
MAX_MEMBER_BYTES = 16 << 30
MAX_RATIO = 100  # uncompressed ÷ compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1 << 20
MAX_MANIFEST_BYTES = 4 << 20
MAX_MEMBERS = 200_000
DUTY_NAMESPACE = uuid.UUID("6b1f3c52-9a4e-4c1b-8f0e-2d7a5e3c9b10")  # duty rows derived from duty_deputy_uids

ProgressFn = Callable[[int, int], bool]


# the limits a test may set on the package (``monkeypatch.setattr(exchange, "XLSX_CAP", 5)``): the
# package forwards the setting here, and the modules read them here at the time of use
TUNABLES = ("XLSX_CAP", "PARALLEL_MIN_RECORDS")


def tunable(name: str):
    """``XLSX_CAP`` or ``PARALLEL_MIN_RECORDS`` as it is now (read at the time of use)."""
    return globals()[name]


def _q(name: str) -> str:
    q = database.obj.quote
    return f"{q[0]}{name}{q[1]}"


def _p() -> str:
    return database.obj.param


def _table(model) -> str:
    return _q(model._meta.table_name)


def _in(n: int) -> str:
    return "(" + ", ".join([_p()] * n) + ")"


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# search.split_chars' runs of spaces and punctuation, but never across \x01 (the texts' separator)
_NON_WORD_BUT_SEPARATOR = re.compile(r"(?:[^\w\x01]|_)+")


def split_many(texts: list[str]) -> list[str]:
    """``[search.split_chars(t) for t in texts]``, split as one text (two calls into C for a
    whole chunk instead of two a row): the texts joined by ``\x01``, which no run of punctuation
    swallows, and cut there again. A text holding ``\x01`` itself (a package the checks reject)
    would cut wrong: the count tells, and each text is then split on its own."""
    spaced = " " + " ".join(_NON_WORD_BUT_SEPARATOR.sub(search.SEP, "\x01".join(texts))) + " "
    parts = spaced.split("\x01")
    if len(parts) != len(texts):
        return [search.split_chars(t) for t in texts]
    return [p[1:-1] for p in parts]


def _station_filter() -> str:
    # SQLite: "+station_code" keeps the planner on the rowid range instead of a station index plus a
    # sort per chunk (a million-row table would be read quadratically). PostgreSQL has no such trap.
    return ("+" if is_sqlite() else "") + _q("station_code")


class _Reject(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Cancelled(_Reject):
    def __init__(self):
        super().__init__("已取消导入，数据库没有改动")

