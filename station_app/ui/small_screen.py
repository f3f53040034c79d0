"""Forms on small screens (1024×768, 1366×768 at 125 %): a form scrolls inside its window so
the buttons under it (保存, 取消, the case's 交办/督办…) stay in view without resizing, and a
dialog is never taller than the screen it opens on.

A :class:`FormScroll` asks for the whole form where there is room (its size hint is the form's),
but can shrink to a few lines (its minimum is small), so a dialog or a pane gives it whatever
height is left after its buttons.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QLayout, QScrollArea, QSizePolicy, QWidget

TITLE_BAR = 48  # what a window's frame and title bar take from the screen's available height
MIN_LINES = 4  # a form shrinks to this many lines of text before its window stops shrinking


class FormScroll(QScrollArea):
    """A frameless, vertically scrolling area for one form; the form keeps the area's width."""

    def __init__(self, form: QWidget, parent: QWidget | None = None, grow: bool = True):
        super().__init__(parent)
        self.grow = grow
        self.setObjectName("formScroll")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(form)
        if not grow:
            self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

    def _form(self) -> QWidget:
        form = self.widget()
        assert form is not None, "a FormScroll holds its form from the start"
        return form

    def _bar(self) -> int:
        return self.verticalScrollBar().sizeHint().width()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        if not self.grow:
            return self.minimumSizeHint()
        hint = self._form().sizeHint()
        return QSize(hint.width() + self._bar(), hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        form_hint = self._form().minimumSizeHint()
        width = form_hint.width() + self._bar()
        return QSize(width, min(form_hint.height(),
                                MIN_LINES * self.fontMetrics().lineSpacing()))


def scrolling(content: QWidget | QLayout, grow: bool = True) -> FormScroll:
    """``content`` (a widget, or a layout put on a new widget) in a :class:`FormScroll`.

    ``grow``: ask for the whole form's height (a dialog: it opens as tall as the form where the
    screen allows); else ask for the minimum and take the height the layout gives (a form on a
    page, which the main window's page area sizes by its height for width: a page asking for the
    whole form would be as tall as the form and scroll as a whole, its buttons out of view)."""
    if isinstance(content, QLayout):
        holder = QWidget()
        holder.setLayout(content)
        content = holder
    return FormScroll(content, grow=grow)


def fit_to_screen(window: QWidget) -> None:
    """Keep ``window`` (a dialog) within the available height of its screen: the screen of its
    parent, else the primary screen."""
    parent = window.parentWidget()
    screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
    if screen is None:
        return
    window.setMaximumHeight(max(200, screen.availableGeometry().height() - TITLE_BAR))
