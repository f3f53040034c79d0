"""PDF pages inside the app: the print preview and printing to a system printer.

PySide6-Essentials has no QtPdf, so PDFium (through pypdfium2) rasterises the PDF that
``services/printing.py`` made: for the preview one page at a time, at the size it has on screen;
for the printer one page at a time at the printer's resolution, at most :data:`PRINT_DPI_CAP`
(an A3 page at 300 dpi is a 70 MB image; only one is alive at a time). PDFium is not
thread-safe, so every call into it is made on the GUI thread; the slow part, making the PDF,
runs in a worker (``ui/tasks.py``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGraphicsDropShadowEffect,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station_app.errors import KnownError

PRINT_DPI_CAP = 300
PAGE_GAP = 16  # px of grey around the page in the preview


class PdfPages:
    """A PDF held in memory whose pages PDFium rasterises on demand (GUI thread only).

    PDFium has the document open only while pages are being drawn (inside :meth:`opened`, or
    for one :meth:`render`), so nothing is left open when a preview is dropped.
    """

    def __init__(self, data: bytes):
        self._data = data
        self._doc = None
        with self.opened() as doc:
            self._sizes = [tuple(doc.get_page_size(i)) for i in range(len(doc))]

    @contextlib.contextmanager
    def opened(self):
        """Keep the document open for several pages (printing)."""
        if self._doc is not None:
            yield self._doc
            return
        import pypdfium2 as pdfium  # lazily: start-up does not pay for PDFium

        try:
            doc = pdfium.PdfDocument(self._data)
        except pdfium.PdfiumError as exc:
            raise KnownError("生成的 PDF 无法读取，请重试；如仍不行请联系维护人员") from exc
        self._doc = doc
        try:
            yield doc
        finally:
            self._doc = None
            doc.close()

    def __len__(self) -> int:
        return len(self._sizes)

    def size_pt(self, index: int) -> tuple[float, float]:
        """Width and height of page ``index`` (0-based) in points (1/72 inch)."""
        return self._sizes[index]

    def size_mm(self, index: int) -> tuple[float, float]:
        w, h = self.size_pt(index)
        return w * 25.4 / 72, h * 25.4 / 72

    def render(self, index: int, scale: float) -> QImage:
        """Page ``index`` as an RGB image, ``scale`` pixels per point."""
        with self.opened() as doc:
            page = doc[index]
            try:
                bitmap = page.render(scale=scale, prefer_bgrx=True, rev_byteorder=True)
                try:
                    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                                   QImage.Format.Format_RGBX8888).copy()  # copy: the buffer goes with the bitmap
                finally:
                    bitmap.close()
            finally:
                page.close()
        return image


# -- printing ------------------------------------------------------------------------------------

def prepare_printer(printer: QPrinter, page_size_mm: tuple[float, float], title: str = "") -> None:
    """Paper and orientation as the printout's layout says; the page drawn edge to edge (the
    printouts keep their own margins)."""
    w, h = page_size_mm
    printer.setPageSize(QPageSize(QSizeF(min(w, h), max(w, h)), QPageSize.Unit.Millimeter))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if w > h else QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    if title:
        printer.setDocName(title)


def print_pdf(printer: QPrinter, pdf: PdfPages, progress: Callable[[int, int], bool] | None = None) -> int:
    """Draw the pages of ``pdf`` (all, or the range chosen in the print dialog) one per sheet,
    each rasterised at the printer's resolution (at most :data:`PRINT_DPI_CAP`).

    ``progress(done, total)`` is called before each page and at the end; when it returns
    ``False`` the print job is aborted. Returns the number of pages sent.
    """
    first, last = 1, len(pdf)
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = max(1, printer.fromPage()), min(len(pdf), printer.toPage() or len(pdf))
    indices = list(range(first - 1, last))
    dpi = min(printer.resolution(), PRINT_DPI_CAP)
    painter = QPainter()
    if not painter.begin(printer):
        raise KnownError("无法开始打印：请检查打印机是否开机、联网，或所选的文件位置能否写入")
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        with pdf.opened():  # one PDFium document for the whole job
            sent = _draw_pages(painter, printer, pdf, indices, dpi, progress)
    finally:
        painter.end()
    return sent


def _draw_pages(painter: QPainter, printer: QPrinter, pdf: PdfPages, indices: list[int], dpi: int,
                progress: Callable[[int, int], bool] | None) -> int:
    sent = 0
    for n, index in enumerate(indices):
        if progress is not None and not progress(n, len(indices)):
            printer.abort()
            return sent
        if n and not printer.newPage():
            raise KnownError("打印机拒绝了新的一页，打印已中断；请检查打印机后重试")
        _draw_page(painter, printer, pdf, index, dpi)
        sent += 1
    if progress is not None:
        progress(sent, len(indices))
    return sent


def _draw_page(painter: QPainter, printer: QPrinter, pdf: PdfPages, index: int, dpi: int) -> None:
    """One page, rasterised at ``dpi``, centred on the sheet at its own size (fitted if larger)."""
    image = pdf.render(index, dpi / 72)
    paper = printer.pageLayout().fullRectPixels(printer.resolution())
    w_pt, h_pt = pdf.size_pt(index)
    fit = min(paper.width() / w_pt, paper.height() / h_pt)
    w, h = w_pt * fit, h_pt * fit
    painter.drawImage(QRectF(paper.x() + (paper.width() - w) / 2, paper.y() + (paper.height() - h) / 2, w, h), image)


# -- preview -------------------------------------------------------------------------------------

class PdfPreview(QWidget):
    """The pages of a PDF on a grey desk, one at a time, with page navigation and zoom.

    Signals:
        page_changed(int): the page shown (1-based)
    """

    page_changed = Signal(int)
    ZOOMS = ("page", "width", "actual")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._pdf: PdfPages | None = None
        self._page = 0

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        self.prev_button = QPushButton(self.tr("◀ 上一页"))
        self.next_button = QPushButton(self.tr("下一页 ▶"))
        self.page_spin = QSpinBox()
        self.page_spin.setPrefix(self.tr("第 "))
        self.page_spin.setSuffix(self.tr(" 页"))
        self.page_spin.setMinimumWidth(90)
        self.count_label = QLabel()
        self.zoom = QComboBox()
        self.zoom.addItem(self.tr("整页"), "page")
        self.zoom.addItem(self.tr("适合宽度"), "width")
        self.zoom.addItem(self.tr("实际大小（100%）"), "actual")
        # as wide as 适合宽度, not as the longest choice: the bar fits beside the print options on 1024 pixels
        self.zoom.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.zoom.setMinimumContentsLength(5)
        self.info_label = QLabel()
        self.info_label.setObjectName("previewInfo")
        self.stale_label = QLabel(self.tr("选项已更改，请点“预览”查看新的效果"))
        self.stale_label.setObjectName("previewStale")
        self.stale_label.hide()
        bar.addWidget(self.prev_button)
        bar.addWidget(self.page_spin)
        bar.addWidget(self.count_label)
        bar.addWidget(self.next_button)
        bar.addSpacing(12)
        bar.addWidget(QLabel(self.tr("显示：")))
        bar.addWidget(self.zoom)
        bar.addSpacing(12)
        bar.addWidget(self.info_label)
        bar.addStretch(1)
        bar.addWidget(self.stale_label)

        self.canvas = QLabel()
        self.canvas.setObjectName("previewPage")
        self.canvas.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        shadow = QGraphicsDropShadowEffect(self.canvas)
        shadow.setBlurRadius(18)
        shadow.setOffset(2, 3)
        shadow.setColor(QColor(0, 0, 0, 110))
        self.canvas.setGraphicsEffect(shadow)
        self.message = QLabel()
        self.message.setObjectName("previewMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        desk = QWidget()
        desk.setObjectName("previewDesk")
        dl = QVBoxLayout(desk)
        dl.setContentsMargins(PAGE_GAP, PAGE_GAP, PAGE_GAP, PAGE_GAP)
        dl.addWidget(self.canvas, 0, Qt.AlignmentFlag.AlignCenter)
        dl.addWidget(self.message, 1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("previewScroll")
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(desk)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.scroll_area, 1)

        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(60)
        self._resize_timer.timeout.connect(self._render)
        self.prev_button.clicked.connect(lambda: self.go_to(self.current_page - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.current_page + 1))
        self.page_spin.valueChanged.connect(self._on_spin_changed)
        self.zoom.currentIndexChanged.connect(self._on_zoom_changed)
        self.show_message(self.tr("还没有预览"))

    # -- state ----------------------------------------------------------------------------------
    @property
    def page_count(self) -> int:
        return len(self._pdf) if self._pdf is not None else 0

    @property
    def current_page(self) -> int:
        """1-based; 0 when nothing is shown."""
        return self._page + 1 if self._pdf is not None else 0

    @property
    def image(self) -> QImage | None:
        """The page as shown (for tests and a quick look)."""
        pixmap = self.canvas.pixmap()
        return None if self._pdf is None or pixmap is None or pixmap.isNull() else pixmap.toImage()

    def set_pdf(self, pdf: PdfPages, info: str = "") -> None:
        """Show ``pdf``, from its first page."""
        self._close_pdf()
        self._pdf = pdf
        self._page = 0
        self.info_label.setText(info)
        self.message.hide()
        self.canvas.show()
        self.stale_label.hide()
        self._update_controls()
        self._render()
        self.page_changed.emit(1)

    def show_message(self, text: str) -> None:
        """No page: a message in the middle of the desk instead."""
        self._close_pdf()
        self.canvas.hide()
        self.canvas.clear()
        self.message.setText(text)
        self.message.show()
        self.info_label.clear()
        self.stale_label.hide()
        self._update_controls()

    def set_stale(self, stale: bool) -> None:
        self.stale_label.setVisible(stale and self._pdf is not None)

    def is_stale(self) -> bool:
        return not self.stale_label.isHidden()

    def go_to(self, page: int) -> None:
        if self._pdf is None or not 1 <= page <= len(self._pdf) or page == self.current_page:
            return
        self._page = page - 1
        self._update_controls()
        self._render()
        self.scroll_area.verticalScrollBar().setValue(0)
        self.page_changed.emit(page)

    def set_zoom(self, mode: str) -> None:
        self.zoom.setCurrentIndex(self.ZOOMS.index(mode))

    def _close_pdf(self) -> None:
        self._pdf = None

    def _update_controls(self) -> None:
        n = self.page_count
        self.page_spin.blockSignals(True)
        self.page_spin.setRange(1 if n else 0, max(n, 0))
        self.page_spin.setSpecialValueText("" if n else "—")  # not "第 0 页" when there is nothing
        self.page_spin.setValue(self.current_page)
        self.page_spin.blockSignals(False)
        self.count_label.setText(self.tr("共 {0} 页").format(n) if n else "")
        for w in (self.page_spin, self.zoom):
            w.setEnabled(n > 0)
        self.prev_button.setEnabled(n > 0 and self.current_page > 1)
        self.next_button.setEnabled(n > 0 and self.current_page < n)

    # -- rendering --------------------------------------------------------------------------------
    def _scale(self, pdf: PdfPages) -> float:
        """Pixels (device-independent) per point of ``pdf``'s current page for the current zoom."""
        w_pt, h_pt = pdf.size_pt(self._page)
        view = self.scroll_area.viewport().size()
        room_w = max(100, view.width() - 2 * PAGE_GAP)
        room_h = max(100, view.height() - 2 * PAGE_GAP)
        mode = self.zoom.currentData()
        if mode == "actual":
            return self.logicalDpiX() / 72
        if mode == "width":
            return room_w / w_pt
        return min(room_w / w_pt, room_h / h_pt)

    def _render(self) -> None:
        if self._pdf is None:
            return
        scale = self._scale(self._pdf)
        ratio = self.devicePixelRatioF()
        image = self._pdf.render(self._page, scale * ratio)
        image.setDevicePixelRatio(ratio)
        self.canvas.setPixmap(QPixmap.fromImage(image))
        self.canvas.setFixedSize(round(image.width() / ratio), round(image.height() / ratio))

    # -- slots ------------------------------------------------------------------------------------
    def _on_spin_changed(self, value: int) -> None:
        self.go_to(value)

    def _on_zoom_changed(self, _index: int) -> None:
        self._render()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self._pdf is not None and self.zoom.currentData() != "actual":
            self._resize_timer.start()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_PageDown:
            self.go_to(self.current_page + 1)
        elif event.key() == Qt.Key.Key_PageUp:
            self.go_to(self.current_page - 1)
        else:
            super().keyPressEvent(event)


class SavedPdfDialog(QDialog):
    """A PDF just written (a report, a case sheet), page by page, with where it was saved."""

    def __init__(self, path: str, title: str, parent=None):
        super().__init__(parent)
        self.path = path
        self.setWindowTitle(f"{title} — {Path(path).name}")
        self.resize(820, 900)
        lay = QVBoxLayout(self)
        self.preview = PdfPreview()
        lay.addWidget(self.preview, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.preview.set_zoom("width")
        try:
            self.preview.set_pdf(PdfPages(Path(path).read_bytes()), self.tr("已保存：{0}").format(path))
        except (OSError, KnownError) as exc:
            self.preview.show_message(self.tr("无法显示预览：{0}").format(getattr(exc, "message", exc)))


def show_saved_pdf(parent: QWidget, previous: SavedPdfDialog | None, path: str, title: str) -> SavedPdfDialog:
    """A page's preview of the PDF it just wrote: the page's previous preview (if any) is closed, so
    one page never piles up preview windows. Returns the new dialog, for the page to keep."""
    if previous is not None:
        previous.close()
        previous.deleteLater()
    dialog = SavedPdfDialog(path, title, parent)
    dialog.show()
    return dialog
