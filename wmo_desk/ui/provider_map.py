"""A small offline map: the client's home in the centre, providers as numbered dots, distance rings."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from wmo_desk.domain.ranking import Home, Suggestion

RINGS_KM = (5, 10, 25)
KM_PER_DEGREE_LAT = 111.32


class ProviderMap(QWidget):
    """Draws suggestions around the home by their coordinates (equirectangular, fine at this scale).

    Signals:
        picked(int): the row (index in the suggestions) of the dot that was clicked.
    """

    picked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home: Home | None = None
        self.suggestions: list[Suggestion] = []
        self.selected: int | None = None
        self.setMinimumSize(360, 360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setToolTip(self.tr("Klik op een stip om de aanbieder te kiezen in de lijst"))

    def sizeHint(self) -> QSize:
        return QSize(420, 420)

    def set_data(self, home: Home, suggestions: list[Suggestion]) -> None:
        self.home, self.suggestions, self.selected = home, suggestions, None
        self.update()

    def select(self, row: int | None) -> None:
        self.selected = row
        self.update()

    def _scale(self) -> float:
        """Pixels per km so that the outer ring fits."""
        return (min(self.width(), self.height()) / 2 - 16) / RINGS_KM[-1]

    def position(self, suggestion: Suggestion) -> QPointF:
        assert self.home is not None
        scale = self._scale()
        dy = (suggestion.location.latitude - self.home.latitude) * KM_PER_DEGREE_LAT
        dx = (
            (suggestion.location.longitude - self.home.longitude)
            * KM_PER_DEGREE_LAT
            * math.cos(math.radians(self.home.latitude))
        )
        centre = QPointF(self.width() / 2, self.height() / 2)
        radius = min(math.hypot(dx, dy), RINGS_KM[-1] * 1.05)
        angle = math.atan2(dy, dx)
        return QPointF(
            centre.x() + radius * scale * math.cos(angle),
            centre.y() - radius * scale * math.sin(angle),
        )

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#f7f9fb"))
        if self.home is None:
            return
        centre = QPointF(self.width() / 2, self.height() / 2)
        scale = self._scale()
        painter.setPen(QPen(QColor("#b8c4d0"), 1, Qt.PenStyle.DashLine))
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        painter.setFont(small)
        for km in RINGS_KM:
            painter.drawEllipse(centre, km * scale, km * scale)
            painter.drawText(QPointF(centre.x() + 4, centre.y() - km * scale + 12), f"{km} km")
        # farthest first, so the nearest dots are drawn on top
        for row in sorted(
            range(len(self.suggestions)), key=lambda r: -self.suggestions[r].distance_km
        ):
            s = self.suggestions[row]
            point = self.position(s)
            chosen = row == self.selected
            painter.setPen(QPen(QColor("#1d3f6e" if chosen else "#ffffff"), 2 if chosen else 1))
            painter.setBrush(
                QColor("#d9822b" if chosen else ("#2f6fb0" if s.rank <= 3 else "#7d9cc0"))
            )
            painter.drawEllipse(point, 9 if chosen else 7, 9 if chosen else 7)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(
                QRectF(point.x() - 9, point.y() - 9, 18, 18),
                Qt.AlignmentFlag.AlignCenter,
                str(s.rank),
            )
            if chosen:
                painter.setPen(QColor("#1b2a3a"))
                painter.drawText(QPointF(point.x() + 12, point.y() - 8), s.provider.name[:32])
        painter.setPen(QPen(QColor("#b00020"), 2))
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(centre, 6, 6)
        painter.setPen(QColor("#1b2a3a"))
        label = self.tr("woning cliënt") + (
            self.tr(" (bij benadering)") if self.home.approximate else ""
        )
        painter.drawText(QPointF(centre.x() + 9, centre.y() + 16), label)

    def row_at(self, point: QPointF) -> int | None:
        """The nearest dot within 10 px of ``point``."""
        best, best_d = None, 10.0
        for row, s in enumerate(self.suggestions):
            p = self.position(s)
            d = math.hypot(p.x() - point.x(), p.y() - point.y())
            if d <= best_d:
                best, best_d = row, d
        return best

    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self.row_at(event.position())
        if row is not None:
            self.select(row)
            self.picked.emit(row)
