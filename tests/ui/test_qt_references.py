"""Guards against a Qt binding that loses references to ``None``.

PySide6 6.12.0's item setters (``QTableWidgetItem.setToolTip``, ``setFont``, ``setForeground`` …)
drop one reference to ``None`` on every call. Python 3.11's ``None`` is not immortal: after some
hundred thousand calls (a county ranking of 2,000 deputies, or a clerk's long day of tables) the
interpreter aborts with "none_dealloc". pyproject.toml excludes that version; this test fails on
any binding that does it again.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem


def test_filling_a_table_keeps_every_reference_to_none(qapp):
    table = QTableWidget(50, 4)
    font = QFont()
    font.setBold(True)
    before = sys.getrefcount(None)
    for i in range(300):
        item = QTableWidgetItem(str(i))
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        item.setToolTip("提示")
        item.setFont(font)
        item.setForeground(QColor("#C00000"))
        item.setBackground(QColor("#FDECEC"))
        table.setItem(i % 50, i % 4, item)
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"the Qt binding dropped {lost} references to None filling 300 table items"
