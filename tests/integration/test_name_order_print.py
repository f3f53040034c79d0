"""The printed board and contact cards list the deputies in the official order the setting
``names.order`` chooses (按姓氏笔画 by default, 按拼音 as the alternative): real PDFs, read back
with pdftotext."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from station_app.domain.qrcontent import QrOptions
from station_app.domain.records import DeputyData
from station_app.services import deputies, printing, settings
from station_app.services.printing import PrintOptions

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")

NAMES = ["黄敏", "郭强", "张三", "白雪", "王五", "安然", "邓亮", "赵六", "曾国藩"]  # as typed in, any order
BY_STROKES = ["邓亮", "王五", "白雪", "安然", "张三", "赵六", "郭强", "黄敏", "曾国藩"]
BY_PINYIN = ["安然", "白雪", "邓亮", "郭强", "黄敏", "王五", "曾国藩", "张三", "赵六"]


def names_in(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    found = sorted((m.start(), n) for n in NAMES for m in [re.search(n, text)] if m)
    return [n for _pos, n in found]


@pytest.mark.parametrize("kind", ["board", "cards"])
def test_printed_names_follow_the_setting(station_db, tmp_path, kind):
    for name in NAMES:
        deputies.create(DeputyData(name=name, levels=("township",), phone="13812345678"))
    layout = printing.render(PrintOptions(kind, qr=QrOptions("text")), tmp_path / "stroke.pdf")
    assert names_in(layout.path) == BY_STROKES  # the default: 按姓氏笔画
    settings.set("names.order", "pinyin")
    layout = printing.render(PrintOptions(kind, qr=QrOptions("text")), tmp_path / "pinyin.pdf")
    assert names_in(layout.path) == BY_PINYIN
