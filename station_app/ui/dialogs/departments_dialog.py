"""承办单位管理: the list the 交办 fields offer; add a name, or take one off the list (its cases
keep the name)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from station_app.errors import KnownError, ValidationError
from station_app.services import cases
from station_app.ui.forms import ERROR_STYLE


class DepartmentsDialog(QDialog):
    """``changed`` is True when the list was changed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.changed = False
        self.setWindowTitle(self.tr("承办单位管理"))
        self.setMinimumSize(380, 440)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("交办时可选的承办单位：")))
        self.list = QListWidget()
        lay.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("新的承办单位名称，如 镇城建办"))
        self.add_button = QPushButton(self.tr("添加"))
        self.add_button.setAutoDefault(False)
        row.addWidget(self.name, 1)
        row.addWidget(self.add_button)
        lay.addLayout(row)
        self.remove_button = QPushButton(self.tr("从列表中移除所选"))
        self.remove_button.setAutoDefault(False)
        lay.addWidget(self.remove_button)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("关闭"))
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.add_button.clicked.connect(self.add)
        self.name.returnPressed.connect(self.add)
        self.remove_button.clicked.connect(self._on_remove)
        self.list.currentRowChanged.connect(lambda r: self.remove_button.setEnabled(r >= 0))
        self._fill(cases.departments())

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return  # Enter adds the typed name (returnPressed); it never closes the list
        super().keyPressEvent(event)

    def _fill(self, names: list[str], current: str | None = None) -> None:
        self.list.clear()
        self.list.addItems(names)
        if current in names:
            self.list.setCurrentRow(names.index(current))
        self.remove_button.setEnabled(self.list.currentRow() >= 0)

    def names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def add(self) -> bool:
        name = self.name.text().strip()
        try:
            names = cases.add_department(name)
        except ValidationError as exc:
            self._show_error("；".join(exc.fields.values()))
            return False
        except KnownError as exc:
            self._show_error(exc.message)
            return False
        self._show_error("")
        self.name.clear()
        self.changed = True
        self._fill(names, name)
        return True

    def _on_remove(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        answer = QMessageBox.question(self, self.tr("移除承办单位"),
                                      self.tr("把“{0}”从列表中移除吗？已交办给它的意见建议不受影响。").format(item.text()))
        if answer == QMessageBox.StandardButton.Yes:
            self.remove(item.text())

    def remove(self, name: str) -> bool:
        try:
            names = cases.remove_department(name)
        except KnownError as exc:
            self._show_error(exc.message)
            return False
        self._show_error("")
        self.changed = True
        self._fill(names)
        return True
