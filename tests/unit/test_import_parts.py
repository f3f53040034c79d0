"""The import's quick parts (issue 21, import at the raw limit) give exactly what the slow ways
gave: the keyword texts split a chunk at a time, the reception sort keys read in one step, the
record checks' suspicious-character scan made once a block (even where a line or a character
straddles two blocks), a date checked once."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from types import SimpleNamespace

import pytest

import station_app.services.exchange.verify as verify
from station_app.db import search
from station_app.domain import clock
from station_app.domain import package as pk
from station_app.services.exchange.common import _Reject, split_many
from station_app.services.exchange.merge_receptions import _time_keys
from station_app.services.receptions import time_key
from tests.unit.test_exchange_codecs import _value

TEXTS = ["张三 138", "", "土地，流转_x", " lead", "trail ", "a__b", "“引号”……—", "a\tb\nc", "_", "、、",
         search.SEP + "已有分隔符", "1 2 3", "ＡＢＣ全角", "村民委员会（东关村）"]


@pytest.mark.parametrize("texts", [[], [""], ["", ""], TEXTS, TEXTS[::-1], ["x"] * 3])
def test_split_many_is_split_chars_of_each_text(texts):
    assert split_many(texts) == [search.split_chars(t) for t in texts]


def test_a_text_holding_the_separator_itself_is_still_split_right():
    texts = ["前\x01后", "普通", "\x01"]
    assert split_many(texts) == [search.split_chars(t) for t in texts]


@pytest.mark.parametrize("at", ["2026-05-20T15:00:00.000000+08:00", "2026-05-20T15:00:00.000001+08:00",
                                "2026-05-20T07:00:00Z", "2026-05-20T07:00:00.5+00:00", "2026-05-20T10:00:00-05:00",
                                "1999-12-31T23:59:59.999999+08:00"])
def test_the_sort_key_read_in_one_step_is_the_services_time_key(at):
    assert _time_keys([{"received_at": at}]) == [time_key(clock.parse_ts(at))]


def _package(lines: list[bytes]) -> tuple[zipfile.ZipFile, SimpleNamespace]:
    data = b"".join(line + b"\n" for line in lines)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(pk.data_member("receptions"), data)
    manifest = SimpleNamespace(files={pk.data_member("receptions"): {
        "sha256": hashlib.sha256(data).hexdigest(), "count": len(lines)}})
    return zipfile.ZipFile(io.BytesIO(buf.getvalue())), manifest


def _line(summary: str) -> bytes:
    return json.dumps({"uid": "x", "summary": summary}, ensure_ascii=False).encode()


@pytest.mark.parametrize("block", [1, 2, 3, 5, 7, 64, 1 << 20])
@pytest.mark.parametrize(("summary", "words"), [("响铃\x07", "控制字符 U+0007"), ("反向\u202e文字", "U+202E"),
                                                ("李\x85四", "U+0085"), ("回车\r", "控制字符 U+000D")])
def test_a_hidden_character_is_found_wherever_the_blocks_are_cut(monkeypatch, block, summary, words):
    monkeypatch.setattr(verify, "BUFFER", block)
    zf, manifest = _package([_line("正常的“引号”"), _line("干净"), _line(summary), _line("之后")])
    with pytest.raises(_Reject) as info:
        list(verify._records(zf, manifest, "receptions"))
    assert words in info.value.reason and "第 3 行" in info.value.reason


@pytest.mark.parametrize("block", [1, 4, 1 << 20])
def test_clean_lines_pass_whole_and_in_order_however_cut(monkeypatch, block):
    monkeypatch.setattr(verify, "BUFFER", block)
    summaries = ["第一行\n\t第二行", "“引号”", "普通", "—破折号…"]
    zf, manifest = _package([_line(s) for s in summaries])
    assert [(i, r["summary"]) for i, r in verify._records(zf, manifest, "receptions")] == list(
        enumerate(summaries, start=1))
    lines, _marks = zip(*verify._member_blocks(zf, pk.data_member("receptions"),
                                               manifest.files[pk.data_member("receptions")]), strict=True)
    assert [json.loads(x)["summary"] for part in lines for x in part] == summaries


def test_a_date_passes_once_known_and_a_wrong_one_still_fails_with_its_reason():
    check = pk.validator("duty_records")
    assert pk._known_date("2026-02-28") and not pk._known_date("2026-02-30") and not pk._known_date("2026-2-1")
    rec = {f.name: _value(f) for f in pk.SPECS["duty_records"]}
    check(rec)
    check({**rec, "evidence": None, "reviewed_at": None})
    with pytest.raises(pk.RecordError) as info:
        check({**rec, "date": "2026-02-30"})
    assert "date" in str(info.value) and "日期" in str(info.value)
