"""打印中心: the QR printouts (公示栏, 联系卡, 三亮卡, 桌牌, 二维码海报) — preview, print, save as PDF.

The options on the left are for this print only (their defaults come from 设置). Every
PDF is made by ``services/printing.py`` in a worker (``ui/tasks.py``); the preview and the
printer get its pages rasterised by PDFium (``ui/pdfview.py``). Saving writes the file
atomically through the same service, so a failure leaves nothing half-written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, QSortFilterProxyModel, QStandardPaths, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station_app.domain.qrcontent import QrOptions
from station_app.errors import KnownError, ValidationError
from station_app.services import deputies, printing, privacy, settings
from station_app.services.deputies import DeputyFilter
from station_app.services.printing import PrintOptions
from station_app.ui import style, tasks
from station_app.ui.forms import FieldForm
from station_app.ui.models.checklist import CheckItem, CheckListModel
from station_app.ui.pdfview import PdfPages, PdfPreview, prepare_printer, print_pdf
from station_app.ui.station_view import StationViewMixin

STYLE = f"""
#stepTitle {{ font-size: 11pt; font-weight: bold; color: {style.DARK_RED}; padding-top: 6px; }}
#hint, #printoutNote {{ color: {style.HINT}; }}
#kinds {{ font-size: 11pt; }}
#kinds::item {{ padding: 5px 6px; }}
#kinds::item:selected {{ background: {style.RED}; color: white; }}
#previewButton {{ background: {style.RED}; color: white; font-size: 11pt; font-weight: bold;
                 padding: 7px 14px; border-radius: 4px; }}
#previewButton:disabled {{ background: #D9A0A0; }}
#printButton, #saveButton {{ font-size: 11pt; padding: 7px 14px; }}
#message[kind="error"] {{ color: #A00000; background: #FBEAEA; border: 1px solid #E8B4B4; border-radius: 4px; }}
#message[kind="info"] {{ color: #1E5E20; background: #EAF5EA; border: 1px solid #B9DDB9; border-radius: 4px; }}
#previewDesk {{ background: #7A7A7A; }}
#previewMessage {{ color: #F2F2F2; font-size: 13pt; }}
#previewInfo {{ color: {style.TEXT_DIM}; }}
#previewStale {{ color: #A00000; font-weight: bold; }}
"""

PAPER_TEXT = {"A3": "A3（大张，贴墙推荐）", "A4": "A4", "A5": "A5", "A4-landscape": "A4 横向"}
SETTING_KEYS = ("qr.mode", "qr.deputy_template", "qr.station_template")


@dataclass(frozen=True)
class Rendered:
    """A PDF made for the options it was made with (kept for printing what was previewed)."""

    options: PrintOptions
    pages: int
    page_size: tuple[float, float]
    data: bytes


class PrintPage(StationViewMixin, QWidget):
    """Signals:
        preview_ready(int): a preview is shown; its page count
        saved(str): a PDF was saved at this path
        printed(int): pages sent to the printer
    """

    refreshes_on_show = True  # its showEvent refreshes: the station in view is caught up there

    preview_ready = Signal(int)
    saved = Signal(str)
    printed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setStyleSheet(STYLE)
        self._busy = False
        self._shown: Rendered | None = None
        self._defaults_seen: dict | None = None

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        title = QLabel(self.tr("打印中心"))
        title.setObjectName("pageTitle")
        lay.addWidget(title)
        body = QHBoxLayout()
        body.setSpacing(16)
        lay.addLayout(body, 1)

        # -- left: what and how --------------------------------------------------------------------
        left = QVBoxLayout()
        left.setSpacing(8)
        panel = QWidget()
        pl = QVBoxLayout(panel)
        pl.setContentsMargins(0, 0, 6, 0)
        pl.addWidget(self._step(self.tr("① 打印什么")))
        self.kinds = QListWidget()
        self.kinds.setObjectName("kinds")
        for p in printing.PRINTOUTS:
            item = QListWidgetItem(self.tr(p.title))
            item.setData(Qt.ItemDataRole.UserRole, p.key)
            item.setToolTip(self.tr(p.description))
            self.kinds.addItem(item)
        self.kinds.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        pl.addWidget(self.kinds)
        self.kind_note = QLabel()
        self.kind_note.setObjectName("printoutNote")
        self.kind_note.setWordWrap(True)
        pl.addWidget(self.kind_note)

        pl.addWidget(self._step(self.tr("② 纸张和二维码")))
        self.form = FieldForm(self)
        self.paper = QComboBox()
        self.qr_mode = QComboBox()
        for value, label in settings.spec("qr.mode").choices:
            self.qr_mode.addItem(self.tr(label), value)
        self.deputy_template = QLineEdit()
        self.deputy_template.setPlaceholderText("https://…/d/{deputy_uid}")
        self.deputy_template.setToolTip(self.tr("可用 {station_code} {deputy_uid} {deputy_name}"))
        self.station_template = QLineEdit()
        self.station_template.setPlaceholderText("https://…/s/{station_code}")
        self.station_template.setToolTip(self.tr("可用 {station_code}"))
        self.full_numbers = QCheckBox(self.tr("没有公开联系电话的代表印出完整联系电话（不勾选则印联络站电话）"))
        self.form.add("paper", self.tr("纸张"), self.paper)
        self.form.add("qr.mode", self.tr("二维码内容"), self.qr_mode)
        self.form.add("qr.deputy_template", self.tr("代表码网址"), self.deputy_template)
        self.form.add("qr.station_template", self.tr("站点码网址"), self.station_template)
        self.form.add("show_full_numbers", self.tr("电话号码"), self.full_numbers)
        pl.addLayout(self.form.layout)
        hint = QLabel(self.tr("这些选项只对本次打印有效；默认值在“设置”中修改。"))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        pl.addWidget(hint)

        pl.addWidget(self._step(self.tr("③ 印哪些代表")))
        self.all_deputies = QRadioButton()
        self.only_chosen = QRadioButton(self.tr("只印勾选的代表"))
        self.all_deputies.setChecked(True)
        self._who = QButtonGroup(self)
        self._who.addButton(self.all_deputies)
        self._who.addButton(self.only_chosen)
        pl.addWidget(self.all_deputies)
        pl.addWidget(self.only_chosen)
        self.choice_model = CheckListModel(self)
        self.choice_proxy = QSortFilterProxyModel(self)
        self.choice_proxy.setSourceModel(self.choice_model)
        self.choice_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.deputy_search = QLineEdit()
        self.deputy_search.setPlaceholderText(self.tr("查找代表姓名"))
        self.deputy_search.setClearButtonEnabled(True)
        self.deputy_list = QListView()
        self.deputy_list.setModel(self.choice_proxy)
        self.deputy_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.deputy_list.setMinimumHeight(150)
        pick = QHBoxLayout()
        self.check_all_button = QPushButton(self.tr("全选"))
        self.check_none_button = QPushButton(self.tr("全不选"))
        self.chosen_label = QLabel()
        pick.addWidget(self.check_all_button)
        pick.addWidget(self.check_none_button)
        pick.addStretch(1)
        pick.addWidget(self.chosen_label)
        self.chooser = QWidget()
        cl = QVBoxLayout(self.chooser)
        cl.setContentsMargins(18, 0, 0, 0)
        cl.addWidget(self.deputy_search)
        cl.addWidget(self.deputy_list, 1)
        cl.addLayout(pick)
        pl.addWidget(self.chooser, 1)
        self.who_note = QLabel()
        self.who_note.setObjectName("hint")
        self.who_note.setWordWrap(True)
        pl.addWidget(self.who_note)
        pl.addStretch(0)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(panel)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        self.preview_button = QPushButton(self.tr("预览 (F5)"))
        self.preview_button.setObjectName("previewButton")
        self.print_button = QPushButton(self.tr("打印…"))
        self.print_button.setObjectName("printButton")
        self.print_button.setToolTip(self.tr("Ctrl+P"))
        self.save_button = QPushButton(self.tr("保存为PDF…"))
        self.save_button.setObjectName("saveButton")
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        left.addLayout(buttons)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedHeight(6)
        self.busy_bar.hide()
        left.addWidget(self.busy_bar)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setContentsMargins(8, 6, 8, 6)  # not CSS padding: QLabel's heightForWidth ignores that
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        left.addWidget(self.message)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setFixedWidth(360)  # with the preview's bar, fits a 1024-pixel screen
        left.setContentsMargins(0, 0, 0, 0)
        body.addWidget(left_box)

        # -- right: the preview ----------------------------------------------------------------------
        self.preview_view = PdfPreview()
        self.preview_view.show_message(self.tr("在左边选好要打印的内容，点“预览”，\n这里就显示打印出来的样子。"))
        body.addWidget(self.preview_view, 1)

        # -- wiring -----------------------------------------------------------------------------------
        self.kinds.currentRowChanged.connect(self._on_kind_changed)
        self.paper.currentIndexChanged.connect(self._on_options_changed)
        self.qr_mode.currentIndexChanged.connect(self._on_qr_mode_changed)
        self.deputy_template.textChanged.connect(self._on_options_changed)
        self.station_template.textChanged.connect(self._on_options_changed)
        self.full_numbers.toggled.connect(self._on_options_changed)
        self.only_chosen.toggled.connect(self._on_who_changed)
        self.choice_model.checks_changed.connect(self._on_checks_changed)
        self.deputy_search.textChanged.connect(self.choice_proxy.setFilterFixedString)
        self.check_all_button.clicked.connect(self._on_check_all)
        self.check_none_button.clicked.connect(self._on_check_none)
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.request_print)
        self.save_button.clicked.connect(self._on_save)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.preview,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.kinds.setCurrentRow(0)
        self.refresh()

    @staticmethod
    def _step(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("stepTitle")
        return label

    # -- state ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the deputies and, when 设置 changed since last time, the default options."""
        values = settings.all_values()
        seen = {k: values[k] for k in SETTING_KEYS}
        seen["full_numbers"] = privacy.wanted()  # the user's choice (no login: the setting)
        if seen != self._defaults_seen:
            self._defaults_seen = seen
            self.qr_mode.setCurrentIndex(max(0, self.qr_mode.findData(seen["qr.mode"])))
            self.deputy_template.setText(str(seen["qr.deputy_template"] or ""))
            self.station_template.setText(str(seen["qr.station_template"] or ""))
            self.full_numbers.setChecked(seen["full_numbers"])
        code = self.view_code  # the station in view: a county database holds many stations' deputies
        people = deputies.all_deputies(DeputyFilter(active=True, station_code=code)) if code else []
        self.choice_model.set_items([
            CheckItem(d.uid, f"{d.name}　{d.levels_text}", "　".join(x for x in (d.group, d.sector) if x))
            for d in people])
        self.all_deputies.setText(self.tr("全部在任代表（{0} 名）").format(len(people)))
        self._update_enabled()
        self._on_checks_changed()

    def current_printout(self) -> printing.Printout:
        item = self.kinds.currentItem()
        return printing.printout(item.data(Qt.ItemDataRole.UserRole) if item else "board")

    def select_printout(self, key: str) -> None:
        for row in range(self.kinds.count()):
            if self.kinds.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.kinds.setCurrentRow(row)
                return
        raise KeyError(key)

    def set_paper(self, paper: str) -> None:
        self.paper.setCurrentIndex(self.paper.findData(paper))

    def set_qr_mode(self, mode: str) -> None:
        self.qr_mode.setCurrentIndex(self.qr_mode.findData(mode))

    def current_options(self) -> PrintOptions:
        """What the controls say now."""
        p = self.current_printout()
        qr = None
        if p.qr:
            qr = QrOptions(self.qr_mode.currentData(), self.deputy_template.text().strip(),
                           self.station_template.text().strip())
        uids = None
        if p.selectable and self.only_chosen.isChecked():
            uids = self.choice_model.checked_keys()
        return PrintOptions(kind=p.key, paper=self.paper.currentData(), qr=qr,
                            show_full_numbers=self.full_numbers.isChecked() if p.phones and privacy.may_reveal() else None,
                            deputy_uids=uids, station_code=self.view_code)

    def _update_enabled(self) -> None:
        p = self.current_printout()
        idle = not self._busy
        url = self.qr_mode.currentData() == "url"
        self.paper.setEnabled(idle and len(p.papers) > 1)
        self.qr_mode.setEnabled(idle and p.qr)
        self.form.layout.setRowVisible(self.deputy_template.parentWidget(), url and p.qr)
        self.form.layout.setRowVisible(self.station_template.parentWidget(), url and p.qr)
        self.deputy_template.setEnabled(idle and p.deputy_qr)
        self.station_template.setEnabled(idle and p.station_qr)
        self.full_numbers.setEnabled(idle and p.phones)
        self.form.layout.setRowVisible(self.full_numbers.parentWidget(), privacy.may_reveal())  # 管理员 only
        for w in (self.all_deputies, self.only_chosen, self.chooser):
            w.setVisible(p.selectable)
        self.all_deputies.setEnabled(idle)
        self.only_chosen.setEnabled(idle)
        self.chooser.setEnabled(idle and self.only_chosen.isChecked())
        self.who_note.setText("" if p.selectable else self.tr("{0}印的是全部在任代表。").format(self.tr(p.title)))
        self.who_note.setVisible(not p.selectable)
        self.kinds.setEnabled(idle)
        one_station = self.view_code is not None  # 全县 prints nothing: choose the station
        for b in (self.preview_button, self.print_button, self.save_button):
            b.setEnabled(idle and one_station)
            b.setToolTip("" if one_station else self.tr("请先在上方选择一个联络站"))

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        self.busy_bar.setVisible(busy)
        if busy:
            self._show_message(text, "info")
        self._update_enabled()

    def _show_message(self, text: str, kind: str) -> None:
        self.message.setProperty("kind", kind)
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.updateGeometry()

    def message_text(self) -> str:
        """The message shown under the buttons ('' when none)."""
        return self.message.text() if not self.message.isHidden() else ""

    def _show_error(self, exc: Exception) -> None:
        """A KnownError: its message on the page (and at the field it is about); anything else is a bug."""
        if not isinstance(exc, KnownError):
            raise exc
        if isinstance(exc, ValidationError):
            self.form.show_errors({k: v for k, v in exc.fields.items() if k in self.form.errors})
        self._show_message(exc.message, "error")

    # -- slots --------------------------------------------------------------------------------------
    def _on_kind_changed(self, _row: int) -> None:
        p = self.current_printout()
        self.paper.blockSignals(True)
        self.paper.clear()
        for paper in p.papers:
            self.paper.addItem(self.tr(PAPER_TEXT[paper]), paper)
        self.paper.blockSignals(False)
        self.kind_note.setText(self.tr(p.description))
        self._update_enabled()
        self._on_options_changed()

    def _on_qr_mode_changed(self, _index: int) -> None:
        self._update_enabled()
        self._on_options_changed()

    def _on_who_changed(self, _checked: bool) -> None:
        self._update_enabled()
        self._on_options_changed()

    def _on_checks_changed(self) -> None:
        n = len(self.choice_model.checked_keys())
        self.chosen_label.setText(self.tr("已勾选 {0} 名").format(n))
        self._on_options_changed()

    def _on_check_all(self) -> None:
        visible = [self.choice_proxy.index(r, 0).data(Qt.ItemDataRole.UserRole)
                   for r in range(self.choice_proxy.rowCount())]
        self.choice_model.set_checked(visible, True)

    def _on_check_none(self) -> None:
        self.choice_model.set_all(False)

    def _on_options_changed(self, *_args) -> None:
        self.form.clear_errors()
        if not self._busy and self.message.property("kind") == "error":
            self._show_message("", "info")
        self.preview_view.set_stale(self._shown is not None and self._shown.options != self.current_options())

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        # every printout in view without scrolling (row height is known once the style applies)
        self.kinds.setFixedHeight(self.kinds.sizeHintForRow(0) * self.kinds.count() + 2 * self.kinds.frameWidth())
        self.refresh()

    # -- making the PDF ------------------------------------------------------------------------------
    def _render(self, options: PrintOptions, text: str, on_done, on_fail=None) -> None:
        """Make the PDF in a worker; ``on_done(Rendered)`` or ``on_fail(exc)`` on the GUI thread."""
        if self._busy:
            return
        self.form.clear_errors()
        self._set_busy(True, text)

        def work() -> Rendered:
            layout, data = printing.render_bytes(options)
            return Rendered(options, layout.pages, layout.page_size, data)

        def done(result: Rendered) -> None:
            self._set_busy(False)
            self._show_message("", "info")
            on_done(result)

        def fail(exc: Exception) -> None:
            self._set_busy(False)
            (on_fail or self._show_error)(exc)

        tasks.run_task(work, done, fail)

    def preview(self) -> None:
        """Make the PDF with the current options and show it."""
        self._render(self.current_options(), self.tr("正在生成预览，请稍候…"), self._on_preview_ready,
                     self._on_preview_failed)

    def _on_preview_failed(self, exc: Exception) -> None:
        self._shown = None
        self.preview_view.show_message(self.tr("无法生成预览：\n{0}").format(getattr(exc, "message", exc)))
        self._show_error(exc)

    def _on_preview_ready(self, result: Rendered) -> None:
        pdf = PdfPages(result.data)
        self._shown = result
        w, h = result.page_size
        p = result.options.printout
        self.preview_view.set_pdf(pdf, self.tr("{0}　{1}　{2}×{3} 毫米").format(
            self.tr(p.title), self.tr(printing.PAPER_LABELS[result.options.paper_or_default]), round(w), round(h)))
        self._show_message(self.tr("预览已生成：共 {0} 页。可以打印或保存为PDF。").format(result.pages), "info")
        self.preview_ready.emit(result.pages)

    @property
    def shown(self) -> Rendered | None:
        """What the preview shows (None before the first preview or after a failed one)."""
        return self._shown

    # -- printing ----------------------------------------------------------------------------------
    def request_print(self) -> None:
        """打印… (Ctrl+P): the print dialog for the current options, then the printer."""
        self._with_rendered(self._on_print_ready)

    def print_to(self, printer: QPrinter) -> None:
        """Print the current options on ``printer`` without asking (paper set from the layout)."""
        def go(result: Rendered) -> None:
            prepare_printer(printer, result.page_size, printing.default_filename(result.options)[:-4])
            self.print_rendered(printer, result)

        self._with_rendered(go)

    def _with_rendered(self, then) -> None:
        options = self.current_options()
        if self._shown is not None and self._shown.options == options:
            then(self._shown)  # what the clerk previewed is what prints
        else:
            self._render(options, self.tr("正在准备打印，请稍候…"), then)

    def _on_print_ready(self, result: Rendered) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        prepare_printer(printer, result.page_size, printing.default_filename(result.options)[:-4])
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印 {0}").format(self.tr(result.options.printout.title)))
        dialog.setMinMax(1, result.pages)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_rendered(printer, result)

    def print_rendered(self, printer: QPrinter, result: Rendered) -> int:
        """Send ``result``'s pages to ``printer`` with a progress dialog the clerk can cancel."""
        pdf = PdfPages(result.data)
        progress = QProgressDialog(self.tr("正在打印…"), self.tr("取消"), 0, result.pages, self)
        progress.setWindowTitle(self.tr("打印"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)

        cancelled = []

        def step(done: int, total: int) -> bool:
            progress.setMaximum(total)
            progress.setLabelText(self.tr("正在打印第 {0} 页，共 {1} 页…").format(min(done + 1, total), total))
            progress.setValue(done)
            if progress.wasCanceled():
                cancelled.append(done)
            return not cancelled

        try:
            sent = print_pdf(printer, pdf, step)
        except KnownError as exc:
            self._show_error(exc)
            return 0
        finally:
            progress.close()
            progress.deleteLater()
        if cancelled:
            self._show_message(self.tr("已取消打印（已送出 {0} 页）。").format(sent), "info")
        else:
            self._show_message(self.tr("已送到打印机：{0} 页。").format(sent), "info")
        self.printed.emit(sent)
        return sent

    # -- saving -------------------------------------------------------------------------------------
    def _on_save(self) -> None:
        options = self.current_options()
        folder = QSettings().value("print/folder") or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存为PDF"),
                                              str(Path(folder) / printing.default_filename(options)),
                                              self.tr("PDF 文件 (*.pdf)"))
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self.save_pdf(path)

    def save_pdf(self, path: str) -> None:
        """Write the current options' PDF to ``path`` (atomically, in a worker)."""
        if self._busy:
            return
        options = self.current_options()
        self.form.clear_errors()
        self._set_busy(True, self.tr("正在保存，请稍候…"))

        def done(layout) -> None:
            self._set_busy(False)
            QSettings().setValue("print/folder", str(Path(path).parent))
            self._show_message(self.tr("已保存（{0} 页）：{1}").format(layout.pages, path), "info")
            self.saved.emit(path)

        def fail(exc: Exception) -> None:
            self._set_busy(False)
            self._show_error(exc)

        tasks.run_task(lambda: printing.render(options, path), done, fail)
