"""Where the bundled resources (fonts, icons, translations) are found.

In a source checkout they sit in the top-level ``resources/`` folder; an installed wheel
carries the same folder as the data-only package ``station_app.bundled``; a frozen build puts it
beside the executable (``sys._MEIPASS``).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

FONT_FILE = "fonts/wqy-microhei.ttc"
FONT_FAMILY = "WenQuanYi Micro Hei"


@lru_cache(maxsize=1)
def resources_dir() -> Path:
    candidates = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "resources")
    here = Path(__file__).resolve().parent
    candidates.append(here.parent / "resources")  # source checkout
    candidates.append(here / "bundled")  # installed wheel (data-only package station_app.bundled)
    for cand in candidates:
        if (cand / FONT_FILE).is_file():
            return cand
    raise FileNotFoundError("找不到程序资源目录 resources/（安装不完整）")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def font_path() -> Path:
    return resource_path(FONT_FILE)
