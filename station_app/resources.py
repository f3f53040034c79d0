"""Where the bundled resources (fonts, icons, translations) are found.

In a source checkout they sit in the top-level ``resources/`` folder; an installed wheel
carries the same folder as the ``station_app.resources`` package; a frozen build puts it
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
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    try:
        from importlib.resources import files

        candidates.append(Path(str(files("station_app.resources"))))
    except (ModuleNotFoundError, TypeError):
        pass
    for cand in candidates:
        if (cand / FONT_FILE).is_file():
            return cand
    raise FileNotFoundError("找不到程序资源目录 resources/（安装不完整）")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def font_path() -> Path:
    return resource_path(FONT_FILE)
