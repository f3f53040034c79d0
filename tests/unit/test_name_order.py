"""The order of names in official lists (domain/name_order.py): 按姓氏笔画 and 按拼音, over the
generated table resources/hanzi_order.tsv; the setting names.order; the roster, its pages and the
ranking ties in that order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station_app.domain import name_order
from station_app.domain.name_order import PINYIN, STROKE, name_key, sort_names
from station_app.domain.records import DeputyData
from station_app.resources import resource_path
from station_app.services import deputies, scoring, settings
from station_app.services.deputies import DeputyFilter

BASE = DeputyData(name="王建国", levels=("township",), phone="13812345678")


def test_the_table_has_the_common_surnames_with_their_stroke_counts_and_readings():
    counts = {"王": 4, "邓": 4, "白": 5, "刘": 6, "李": 7, "张": 7, "陈": 7, "林": 8, "赵": 9, "郭": 10,
              "黄": 11, "曾": 12, "谢": 12, "一": 1, "丁": 2, "于": 3}
    assert {c: name_order.strokes(c) for c in counts} == counts
    assert [name_order.reading(c) for c in "张吕黄卜"] == ["zhang1", "lv3", "huang2", "bu3"]
    assert name_order.reading("曾") == "ceng2" and name_order.reading("曾", surname=True) == "zeng1"
    # only the two blocks, a few hundred KB
    assert resource_path("hanzi_order.tsv").stat().st_size < 400_000
    assert resource_path("UNICODE-LICENSE.txt").read_text(encoding="utf-8").count("Unicode, Inc.") >= 2


def test_stroke_order_of_surnames():
    names = ["黄敏", "郭强", "赵六", "林一", "陈静", "张三", "李四", "刘洋", "白雪", "邓亮", "王五"]
    random.Random(7).shuffle(names)
    assert sort_names(names) == ["邓亮", "王五", "白雪", "刘洋", "陈静", "李四", "张三", "林一", "赵六", "郭强", "黄敏"]


def test_stroke_ties_go_to_the_next_character_and_one_surname_stays_together():
    # 王 and 邓 both have 4 strokes: every 邓 (deng) before every 王 (wang), whatever follows
    assert sort_names(["王一", "邓鑫", "王丁", "邓一", "王", "王二十"]) == ["邓一", "邓鑫", "王", "王一", "王丁", "王二十"]
    # same surname: the second character's strokes decide (丁 2 < 三 3 < 国 8 < 磊 15)
    assert sort_names(["李磊", "李国", "李三", "李丁"]) == ["李丁", "李三", "李国", "李磊"]
    # a compound surname is just its characters: 司 5 strokes; 林 and 欧 both 8, lin before ou
    assert sort_names(["欧阳娜娜", "林一", "司马光"]) == ["司马光", "林一", "欧阳娜娜"]


def test_pinyin_order():
    names = ["邓亮", "安然", "陈静", "白雪", "张三", "曾国藩", "郭强", "黄敏", "吕布", "卢明", "林一"]
    random.Random(3).shuffle(names)
    assert sort_names(names, PINYIN) == ["安然", "白雪", "陈静", "邓亮", "郭强", "黄敏", "林一", "卢明", "吕布",
                                          "曾国藩", "张三"]
    # one reading without tone: the tone decides (黎 li2, 李 li3, 立 li4)
    assert sort_names(["李四", "黎明", "立新"], PINYIN) == ["黎明", "李四", "立新"]


def test_odd_names_never_crash_and_sort_after_every_chinese_name():
    names = ["Tom Li", "赛山·托西别克", "王五", "", "  ", "阿依古丽・买买提", "㐀", "王 五", "123", "ALICE", "alice"]
    for order in (STROKE, PINYIN, "nonsense"):
        out = sort_names(names, order)
        assert sorted(out) == sorted(names)
        assert sort_names(list(reversed(names)), order) == out  # deterministic, whatever the input order
    out = sort_names(names)
    # the middle dot and spaces are ignored: 赛山·托西别克 sorts as 赛山托西别克 (赛 14 strokes)
    assert name_key("赛山·托西别克")[0] == name_key("赛山托西别克")[0]
    assert out.index("王五") < out.index("阿依古丽・买买提") < out.index("赛山·托西别克") < out.index("Tom Li")
    assert name_key(None) == name_key("")


@given(st.lists(st.text(max_size=6), max_size=20), st.sampled_from([STROKE, PINYIN]))
def test_any_text_sorts_to_one_total_order(names, order):
    out = sort_names(names, order)
    assert sort_names(list(reversed(names)), order) == out
    keys = [name_key(n, order) for n in out]
    assert keys == sorted(keys)


# --- the roster ---------------------------------------------------------------------------------

def _add(names, **kw):
    return [deputies.create(dataclasses.replace(BASE, name=n, **kw)) for n in names]


def test_the_roster_in_official_order_explicit_sort_order_first(station_db):
    _add(["黄敏", "郭强", "张三", "白雪", "王五", "安然"])
    _add(["赵六"], sort_order=2)
    _add(["林一"], sort_order=1)
    names = [d.name for d in deputies.all_deputies()]
    assert names == ["林一", "赵六", "王五", "白雪", "安然", "张三", "郭强", "黄敏"]
    assert [d.name for d in deputies.page(DeputyFilter(active=None)).rows] == names
    settings.set("names.order", PINYIN)
    assert [d.name for d in deputies.all_deputies()] == ["林一", "赵六", "安然", "白雪", "郭强", "黄敏", "王五", "张三"]


@pytest.mark.parametrize("limit_in_python", [3000, 3])
def test_roster_pages_cover_every_deputy_once(station_db, monkeypatch, limit_in_python):
    monkeypatch.setattr(deputies, "PYTHON_ORDER_LIMIT", limit_in_python)
    made = _add(["黄敏", "郭强", "张三", "白雪", "王五", "安然", "王五", "Tom", "赛山·托西别克"])
    seen, key = [], None
    while True:
        page = deputies.page(DeputyFilter(active=None), key, 2)
        seen.extend(page.rows)
        if page.next_key is None:
            break
        key = page.next_key
    assert sorted(r.uid for r in seen) == sorted(d.uid for d in made)
    if limit_in_python > len(made):
        assert [r.name for r in seen] == [d.name for d in deputies.all_deputies()]
    else:  # a county beyond the limit pages in SQL by (排序号, name as text)
        assert [r.name for r in seen] == sorted(d.name for d in made)


def test_the_setting_is_declared_with_its_two_choices(station_db):
    spec = settings.spec("names.order")
    assert spec.default == STROKE and [c for c, _ in spec.choices] == [STROKE, PINYIN]
    assert settings.validate({"names.order": "alphabet"}) == {"names.order": "名册和打印名单中姓名的排列顺序：不认识的选项 alphabet"}


def test_ranking_ties_in_official_order(station_db):
    _add(["郭强", "张三", "王五", "黄敏"])
    year = dt.date.today().year
    ranked = scoring.ranking(year)
    assert {r.rank for r in ranked} == {1}  # nobody has points yet: all tied
    assert [r.name for r in ranked] == ["王五", "张三", "郭强", "黄敏"]
    settings.set("names.order", PINYIN)
    assert [r.name for r in scoring.ranking(year)] == ["郭强", "黄敏", "王五", "张三"]
