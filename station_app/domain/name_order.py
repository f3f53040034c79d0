"""The order of names in official lists: 按姓氏笔画为序 (by stroke count) or 按拼音 (by reading).

One rule, used wherever a roster or a printed list is expected (名册、公示栏、联系卡、会议记录的
出席名单、值班代表、排名的并列者):

- ``stroke`` (按姓氏笔画): character by character — the surname's first character first — by its
  total stroke count, then by its reading (letters without tone, then the tone), then by code
  point. Characters are compared one by one, so one surname's names stay together (王 and 邓 both
  have 4 strokes: every 邓 comes before every 王, by reading), a tie goes to the second character,
  and a compound surname (欧阳、司马) needs no special case.
- ``pinyin`` (按拼音): character by character by reading without tone, then tone, then strokes,
  then code point.

A character the table lacks (Latin letters, digits, rare characters) sorts after every known
character, by its code point (letters case-folded); the middle dot of names such as 赛山·托西别克
and whitespace are ignored. The whole name is the last tie-breaker, so the order is total and
deterministic. Nothing here raises on odd input.

The surname's reading: the table holds a character's common reading; a few characters read
otherwise as a surname (单 Shàn, 曾 Zēng, 解 Xiè …), and the first character of a name takes the
surname reading from :data:`SURNAME_READINGS`.

The table (``resources/hanzi_order.tsv``: character, strokes, reading such as ``zhang1``) is
generated from Unicode's Unihan by ``tools/make_hanzi_order.py`` and read once, on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

STROKE = "stroke"
PINYIN = "pinyin"
ORDERS: tuple[tuple[str, str], ...] = ((STROKE, "按姓氏笔画"), (PINYIN, "按拼音"))

# characters left out of the comparison: middle dots (· ・ ‧ • ･ ●), whitespace is dropped too
IGNORED = frozenset("\u00b7\u30fb\u2027\u2022\uff65\u25cf\u2219")

# surnames read otherwise than the character's common reading (only the name's first character)
SURNAME_READINGS: dict[str, str] = {
    "单": "shan4", "曾": "zeng1", "解": "xie4", "仇": "qiu2", "朴": "piao2", "区": "ou1",
    "查": "zha1", "盖": "ge3", "缪": "miao4", "覃": "qin2", "种": "chong2", "召": "shao4",
    "翟": "zhai2", "秘": "bi4", "员": "yun4", "任": "ren2", "纪": "ji3", "那": "na1",
    "华": "hua4", "燕": "yan1", "长": "chang2", "薄": "bo2", "繁": "po2", "句": "gou1",
    "过": "guo1", "重": "chong2", "隗": "wei3", "宓": "fu2", "阚": "kan4", "折": "she2",
    "黑": "he4", "藏": "zang4", "都": "du1", "便": "pian2", "宁": "ning4", "角": "jue2",
    "洗": "xian3", "令": "ling2",
}

_UNKNOWN = 1  # rank of a character the table lacks: after every known one
_table: dict[str, tuple[int, str, int]] | None = None
_lock = threading.Lock()


def _default_path() -> Path:
    from station_app.resources import resource_path

    return resource_path("hanzi_order.tsv")


def parse(lines: Iterable[str]) -> dict[str, tuple[int, str, int]]:
    """``{char: (strokes, reading without tone, tone)}`` from the table's lines."""
    out: dict[str, tuple[int, str, int]] = {}
    for line in lines:
        if not line or line.startswith("#"):
            continue
        char, strokes, reading = line.rstrip("\n").split("\t")
        out[char] = (int(strokes), reading[:-1], int(reading[-1]))
    return out


def table() -> dict[str, tuple[int, str, int]]:
    """The character table, read on first use."""
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                with open(_default_path(), encoding="utf-8") as fh:
                    _table = parse(fh)
    return _table


def strokes(char: str) -> int | None:
    """The total stroke count of one character, or None when the table lacks it."""
    row = table().get(char)
    return None if row is None else row[0]


def reading(char: str, *, surname: bool = False) -> str | None:
    """The reading with its tone digit (``zhang1``), the surname reading if asked; None if unknown."""
    if surname and char in SURNAME_READINGS:
        return SURNAME_READINGS[char]
    row = table().get(char)
    return None if row is None else f"{row[1]}{row[2]}"


def _char_keys(name: str, order: str) -> tuple[Any, ...]:
    tbl = table()
    # (unknown?, strokes or syllable, syllable or tone, …): the order decides positions 2 and 3
    keys: list[tuple[int, int | str, int | str, int, int, int]] = []
    first = True
    for ch in name:
        if ch in IGNORED or ch.isspace():
            continue
        row = tbl.get(ch)
        if row is None:
            keys.append((_UNKNOWN, 0, "", 0, ord(ch.casefold()[0]), ord(ch)))
        else:
            n, syllable, tone = row
            if first and ch in SURNAME_READINGS:
                text = SURNAME_READINGS[ch]
                syllable, tone = text[:-1], int(text[-1])
            if order == PINYIN:
                keys.append((0, syllable, tone, n, ord(ch), 0))
            else:
                keys.append((0, n, syllable, tone, ord(ch), 0))
        first = False
    return tuple(keys)


def name_key(name: str | None, order: str = STROKE) -> tuple[Any, ...]:
    """The sort key of a name in ``order`` (``stroke`` or ``pinyin``; anything else counts as
    ``stroke``). Keys of one order compare with each other; never raises."""
    text = name or ""
    return (_char_keys(text, PINYIN if order == PINYIN else STROKE), text)


def sort_names(items: Iterable[T], order: str = STROKE, name: Callable[[T], str] = str) -> list[T]:
    """``items`` sorted by the name ``name(item)`` gives, in ``order``."""
    return sorted(items, key=lambda it: name_key(name(it), order))
