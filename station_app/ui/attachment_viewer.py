"""Attachments (evidence, photos) shown in the app's own viewer, never handed to the OS (issue 19).

A file is shown only when its bytes are a JPG, PNG or PDF (``domain.package_safety.file_kind``,
whatever its name says): an image scaled in a dialog, a PDF in the app's PDF preview. Anything else
(a ``.bat``, an ``.exe`` named ``.png``, a Word file) is refused with a Chinese message: the app
never asks the system to open a file with its default program.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from station_app.domain.package_safety import file_kind
from station_app.errors import KnownError


def refusal(path: Path) -> str | None:
    """Why ``path`` cannot be shown here (Chinese), or None."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return f"找不到或无法读取文件：{path}"
    kind = file_kind(head)
    ext = path.suffix.lower().lstrip(".")
    if kind is None or (ext and {"jpeg": "jpg"}.get(ext, ext) != kind):
        return (f"只能查看 JPG、PNG 图片和 PDF 文件：{path.name} 不是（或扩展名与内容不符）。"
                "为安全起见，程序不会用其他程序打开它")
    return None


class ImageDialog(QDialog):
    """One image, scaled to fit, in a scrollable dialog."""

    def __init__(self, path: Path, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(820, 760)
        lay = QVBoxLayout(self)
        self.image = QLabel()
        self.image.setObjectName("attachmentImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pix = QPixmap(str(path))
        if pix.isNull():
            self.image.setText(self.tr("无法显示这张图片（文件可能已损坏）"))
        else:
            self.image.setPixmap(pix.scaled(760, 630, Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.SmoothTransformation))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.image)
        lay.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)


def viewer_for(path: Path, title: str, parent: QWidget | None = None) -> QDialog:
    """The dialog showing ``path``; raises :class:`KnownError` for a file it will not show."""
    why = refusal(path)
    if why:
        raise KnownError(why)
    with open(path, "rb") as fh:
        kind = file_kind(fh.read(16))
    if kind == "pdf":
        from station_app.ui.pdfview import SavedPdfDialog

        dialog = SavedPdfDialog(str(path), title, parent)
        dialog.preview.info_label.setText(str(path.name))
        return dialog
    return ImageDialog(path, title, parent)
