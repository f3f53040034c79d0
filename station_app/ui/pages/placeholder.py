"""A page whose function is not built yet: it says so plainly, with no fake data."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PlaceholderPage(QWidget):
    def __init__(self, title: str, coming: str, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(32, 24, 32, 24)
        head = QLabel(title)
        head.setObjectName("pageTitle")
        lay.addWidget(head)
        body = QLabel(self.tr("此功能正在建设中，将在后续版本提供。") + "\n\n" + coming)
        body.setObjectName("comingSoon")
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        lay.addWidget(body)
        lay.addStretch(1)
