"""Layout helpers that keep screens usable on small municipal laptops and wide monitors alike."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def scrolled(page: QWidget, name: str = "") -> QScrollArea:
    """``page`` in a frameless scroll area: a long form scrolls instead of growing the window.

    The page keeps its own minimum size inside; only the scroll area's minimum (next to nothing)
    reaches the window, so the window fits a 1280 × 720 screen whatever the page holds.
    """
    area = QScrollArea()
    area.setObjectName(name or f"{page.objectName() or 'page'}_scroll")
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setWidget(page)
    return area
