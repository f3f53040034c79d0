"""导出Excel: what a list shows, as an .xlsx workbook (openpyxl, write-only, streaming).

One writer for every list page (接待记录, 意见办理, 代表, 积分排名, 统计): the page hands over a
title, the headers of the columns it shows (in the order shown) and an iterator of row tuples
with the same texts as its table — masked as on screen, since the page builds the texts. Rows
are streamed (openpyxl's ``write_only`` mode keeps memory flat whatever the size) and the file is
written atomically (``fileio.atomic_write``): a cancelled or failed export leaves no file under
the chosen name and an earlier file there untouched.

Cells are written as text (``data_type = "s"``) so a value that begins with ``=`` (a visitor's
summary, a department's name) stays text instead of becoming a formula when the file is opened,
and characters Excel refuses (control characters) are dropped.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from station_app.errors import KnownError
from station_app.fileio import atomic_write

ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what openpyxl refuses in a cell
SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
CELL_MAX = 32767  # Excel's limit per cell
PROGRESS_EVERY = 500  # rows between two progress calls


class ExportCancelled(KnownError):
    """The clerk cancelled the export; no file was written."""

    def __init__(self) -> None:
        super().__init__("已取消导出，没有生成文件。")


@dataclass(frozen=True)
class Sheet:
    """One worksheet: ``rows`` is any iterable of tuples (consumed once, while writing)."""

    title: str
    headers: tuple[str, ...]
    rows: Iterable[Sequence[object]]


@dataclass(frozen=True)
class ExportResult:
    """A spreadsheet written: its path and the data rows over all sheets."""
    path: str
    rows: int  # data rows written, over all sheets


def sheet_title(text: str, taken: set[str] | None = None) -> str:
    """A valid, unique worksheet name: no ``[]:*?/\\``, at most 31 characters, never empty."""
    name = SHEET_BAD.sub("_", text).strip("' ")[:31] or "Sheet"
    taken = taken if taken is not None else set()
    base, n = name, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f"({n})"
        name = base[:31 - len(suffix)] + suffix
        n += 1
    taken.add(name)
    return name


def _text(value: object) -> str:
    text = "" if value is None else str(value)
    return ILLEGAL.sub("", text)[:CELL_MAX]


def write_xlsx(path: str | os.PathLike, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]],
               progress: Callable[[int], None] | None = None,
               cancel: threading.Event | None = None) -> ExportResult:
    """Write one sheet named ``title``: the header row, then ``rows``. See :func:`write_sheets`."""
    return write_sheets(path, [Sheet(title, tuple(headers), rows)], progress, cancel)


def write_sheets(path: str | os.PathLike, sheets: Sequence[Sheet], progress: Callable[[int], None] | None = None,
                 cancel: threading.Event | None = None, audited: bool = False) -> ExportResult:
    """Write ``sheets`` to ``path`` (.xlsx) atomically; ``audited``: a user's export from the open
    database (personal data: receptions, cases, deputies), written to the audit log when done.

    ``progress(rows_written)`` is called every :data:`PROGRESS_EVERY` rows and at the end (from
    the thread that writes: the GUI polls, it never touches widgets from here); when ``cancel`` is
    set the export stops with :class:`ExportCancelled` and no file is left behind."""
    from openpyxl import Workbook

    if not sheets:
        raise KnownError("没有可以导出的内容。")
    wb = Workbook(write_only=True)
    try:
        result = _write(wb, path, sheets, progress, cancel)
    except BaseException:
        _discard(wb)
        raise
    if audited:
        from station_app.services import audit

        titles = "、".join(s.title for s in sheets)
        audit.event("export", f"导出Excel：{titles}（{result.rows} 行）", "xlsx", os.path.basename(result.path))
    return result


def _discard(wb) -> None:
    """An abandoned write-only workbook: end its sheets' row streams and remove their temp files."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            if not ws.closed:
                ws.close()
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.cleanup()


def _write(wb, path, sheets: Sequence[Sheet], progress, cancel) -> ExportResult:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    taken: set[str] = set()
    written = 0
    for sheet in sheets:
        ws = wb.create_sheet(sheet_title(sheet.title, taken))
        headers = [_text(h) for h in sheet.headers]
        for i, h in enumerate(headers, start=1):  # width from the header, as a start for the eye
            ws.column_dimensions[get_column_letter(i)].width = max(8, min(40, 2 * len(h) + 4))
        ws.freeze_panes = "A2"
        head = []
        for h in headers:
            cell = WriteOnlyCell(ws, value=h)
            cell.data_type = "s"
            cell.font = bold
            head.append(cell)
        ws.append(head)
        for row in sheet.rows:
            if cancel is not None and cancel.is_set():
                raise ExportCancelled()
            cells = []
            for value in row:
                cell = WriteOnlyCell(ws, value=_text(value))
                cell.data_type = "s"  # never a formula, whatever the text begins with
                cells.append(cell)
            ws.append(cells)
            written += 1
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written)
    if cancel is not None and cancel.is_set():
        raise ExportCancelled()
    with atomic_write(path, "wb") as handle:
        wb.save(handle)
    if progress is not None:
        progress(written)
    return ExportResult(str(path), written)


def paged_rows(fetch: Callable[[tuple | None, int], Any], texts: Sequence[Callable[[object], str]],
               batch: int = 1000) -> Iterable[tuple[str, ...]]:
    """Every row of a keyset-paged service (``fetch(after, limit) -> Page`` with ``rows`` and
    ``next_key``, as the list models use), each turned into ``texts``, page after page — all rows,
    not only the ones the table has fetched so far."""
    after = None
    while True:
        page = fetch(after, batch)
        for rec in page.rows:
            yield tuple(fn(rec) for fn in texts)
        if page.next_key is None:
            return
        after = page.next_key
