"""``station-app --self-test`` (EXCHANGE_FORMAT §1): proves an installed or frozen program works.

Every step runs on throw-away files in a temporary folder (the user's data dir is never touched):

1. a new SQLite database, migrated to the newest schema (the frozen program must find every
   migration module);
2. a station and a deputy written and read back;
3. a full exchange package exported and imported into a second (county) database;
4. a PDF with Chinese text and a QR code rendered, its font checked for embedding, its text read
   back, and the page rasterised (pypdfium2) so the QR's modules can be read off the pixels and
   compared with the modules the expected text encodes (no QR decoder ships with the program);
5. the main window started and closed (offscreen when no display is set).

A failing step raises :class:`KnownError` naming the step; the CLI prints it and exits 1.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from station_app.errors import KnownError

DEPUTY_NAME = "赛山·托西别克"


def run_self_test(gui: bool = True) -> str:
    """Run every step; return the one-line summary. Raises KnownError on the first failure."""
    from station_app import __version__

    saved = os.environ.get("STATION_APP_DATA_DIR")
    with tempfile.TemporaryDirectory(prefix="station-selftest-") as tmp:
        folder = Path(tmp)
        os.environ["STATION_APP_DATA_DIR"] = str(folder / "appdata")  # logs, settings: never the user's
        try:
            version = _step("数据库迁移", lambda: _migrate(folder / "station.db"))
            uid = _step("数据库读写", lambda: _write_and_read(folder / "station.db"))
            _step("数据包导出导入", lambda: _export_import(folder, uid))
            _step("数据库加密", lambda: _encrypted(folder / "protected.db"))
            _step("PDF（中文、二维码）", lambda: _pdf(folder / "selftest.pdf"))
            if gui:
                _step("主窗口", lambda: _main_window(folder / "station.db"))
        finally:
            from station_app.db import close_database

            close_database()
            if saved is None:
                os.environ.pop("STATION_APP_DATA_DIR", None)
            else:
                os.environ["STATION_APP_DATA_DIR"] = saved
    window = "、主窗口" if gui else ""
    return (f"自检通过（{__version__}）：数据库（结构版本 {version}）读写、数据包导出导入、数据库加密、"
            f"PDF（中文、二维码回读）{window}均正常。")


def _step(name: str, work: Callable):
    try:
        return work()
    except KnownError as exc:
        raise KnownError(f"自检失败（{name}）：{exc.message}") from exc
    except Exception as exc:  # the reason, in one line, for whoever runs the check
        raise KnownError(f"自检失败（{name}）：{type(exc).__name__}: {exc}") from exc


def _migrate(db_file: Path) -> int:
    from station_app.db import close_database, open_database
    from station_app.db.migrations import current_version, latest_version

    db = open_database(str(db_file))
    try:
        version = current_version(db)
        newest = latest_version()
        if version != newest or newest < 1:
            raise KnownError(f"数据库结构版本 {version}，应为 {newest}（迁移模块不全）")
        return version
    finally:
        close_database()


def _write_and_read(db_file: Path) -> str:
    from station_app.db import close_database, open_database
    from station_app.domain.records import DeputyData, StationProfile
    from station_app.services import deputies, station

    open_database(str(db_file))
    try:
        station.save_home_station(StationProfile(code="SELFTEST", name="自检联络站", township="自检镇",
                                                 county="自检县"))
        rec = deputies.create(DeputyData(name=DEPUTY_NAME, levels=("county", "township"),
                                         phone="13812345678", birth_date=dt.date(1980, 1, 1)))
        back = deputies.get(rec.uid)
        if back.name != DEPUTY_NAME or back.levels != ("county", "township"):
            raise KnownError("写入的代表读回不一致")
        return rec.uid
    finally:
        close_database()


def _encrypted(db_file: Path) -> None:
    """A SQLCipher database under a key slot: written, closed, unlocked by the password, read back;
    plain SQLite sees noise (the frozen program carries sqlcipher3 and argon2)."""
    import sqlite3
    from contextlib import closing

    from station_app.db import close_database, connection, keyslots, open_database
    from station_app.services import settings

    key = keyslots.protect(str(db_file), "自检管理员", "自检密码12345678")
    open_database(str(db_file), key=key)
    try:
        settings.set("names.order", "stroke")
    finally:
        close_database()
        connection.forget_key()
    with closing(sqlite3.connect(str(db_file))) as con:
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError:
            pass
        else:
            raise KnownError("加密的数据库能被普通 SQLite 读出")
    open_database(str(db_file), key=keyslots.unlock(str(db_file), "自检管理员", "自检密码12345678"))
    try:
        if settings.get("names.order") != "stroke":
            raise KnownError("加密数据库读回不一致")
    finally:
        close_database()
        connection.forget_key()


def _export_import(folder: Path, uid: str) -> None:
    from station_app.db import close_database, open_database
    from station_app.services import deputies, exchange

    open_database(str(folder / "station.db"))
    try:
        out = folder / "usb"
        out.mkdir()
        result = exchange.export_package(str(out), full=True)
    finally:
        close_database()
    open_database(str(folder / "county.db"))
    try:
        (report,) = exchange.import_packages([result.path], enroll=True)
        if report.status != "imported":
            raise KnownError(f"数据包被拒绝：{report.reason}")
        back = deputies.get(uid)
        if back.name != DEPUTY_NAME:
            raise KnownError("导入后的代表与导出的不一致")
    finally:
        close_database()


def _pdf(out: Path) -> None:
    from station_app.printing.selftest import SELF_TEST_TEXT, render_self_test

    render_self_test(out)
    data = out.read_bytes()
    if not (data.startswith(b"%PDF") and b"/FontFile2" in data and b"+WenQuanYi" in data):
        raise KnownError("PDF 未嵌入中文字体")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(out))
    try:
        page = pdf[0]
        text = page.get_textpage().get_text_range()
        if SELF_TEST_TEXT not in text.replace("\r", "").replace("\n", ""):
            raise KnownError("PDF 中的中文读不回来")
        image = page.render(scale=3).to_pil().convert("L")
        height_pt = page.get_height()
    finally:
        pdf.close()
    check_qr_pixels(image, scale=3, page_height=height_pt)


def check_qr_pixels(image, scale: float, page_height: float) -> None:
    """Read the QR's modules off the rendered page and compare them with the expected text's."""
    from station_app.printing.qr import QUIET_ZONE, qr_matrix
    from station_app.printing.selftest import SELF_TEST_QR, SELF_TEST_QR_BOX

    x, y, width = SELF_TEST_QR_BOX  # points, lower-left corner (PDF space)
    left, top = round(x * scale), round((page_height - y - width) * scale)
    box = image.crop((left, top, left + round(width * scale), top + round(width * scale)))
    dark = box.point(lambda v: 255 if v < 128 else 0)
    bbox = dark.getbbox()
    if bbox is None:
        raise KnownError("PDF 中没有二维码")
    x0, y0, x1, y1 = bbox
    # the top-left finder pattern: a dark run of exactly 7 modules along the symbol's first row
    run = 0
    while x0 + run < x1 and box.getpixel((x0 + run, y0 + 1)) < 128:
        run += 1
    module = run / 7
    if module < 2:
        raise KnownError("二维码模块太小，无法读取")
    n = round((x1 - x0) / module)
    seen = tuple(tuple(box.getpixel((int(x0 + (c + 0.5) * module), int(y0 + (r + 0.5) * module))) < 128
                       for c in range(n)) for r in range(n))
    expected = qr_matrix(SELF_TEST_QR).modules
    if seen != expected:
        wrong = sum(a != b for ra, rb in zip(seen, expected, strict=False) for a, b in zip(ra, rb, strict=False))
        raise KnownError(f"二维码与内容不符（{n}×{n} 模块，应为 {len(expected)}×{len(expected)}，"
                         f"{wrong} 个模块不同）")
    margin = (x0 / module, y0 / module)
    if min(margin) < QUIET_ZONE - 0.5:
        raise KnownError("二维码四周的空白区不足")


def _main_window(db_file: Path) -> None:
    # offscreen unless the caller chose a platform: the check needs no display and shows nothing
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from station_app.ui.selftest_window import open_and_close_main_window

    open_and_close_main_window(str(db_file), str(db_file.parent / "settings"))
