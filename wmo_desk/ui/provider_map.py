"""An offline map of the providers around the client's home, on the PC4 areas and places of the region."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QKeyEvent, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from wmo_desk.catalogue.geodata import Pc4Area
from wmo_desk.domain.ranking import Home, Suggestion

KM_PER_DEGREE_LAT = 111.32
#: the distance rings the map may draw; it shows those up to the farthest provider
RINGS_KM = (1, 2, 5, 10, 25, 50)
#: the light tints that tell the municipalities of the region apart
MUNICIPALITY_TINTS = ("#c9d9c2", "#d9cdb8", "#c2d0dc", "#dccad6", "#d3d6b5", "#bfd6d1")
ZOOM_STEP = 1.5
LABEL_PAD = 3.0


def _overlaps(a: QRectF, others: Iterable[QRectF]) -> bool:
    return any(a.intersects(b) for b in others)


class _Grid:
    """Placed rectangles in buckets of a coarse grid, so a collision test looks at neighbours only."""

    def __init__(self, cell: float = 40.0) -> None:
        self._cell = cell
        self._buckets: dict[tuple[int, int], list[QRectF]] = defaultdict(list)

    def _keys(self, rect: QRectF) -> Iterable[tuple[int, int]]:
        c = self._cell
        for x in range(math.floor(rect.left() / c), math.floor(rect.right() / c) + 1):
            for y in range(math.floor(rect.top() / c), math.floor(rect.bottom() / c) + 1):
                yield x, y

    def free(self, rect: QRectF) -> bool:
        return not any(_overlaps(rect, self._buckets[k]) for k in self._keys(rect))

    def add(self, rect: QRectF) -> None:
        for k in self._keys(rect):
            self._buckets[k].append(rect)


class ProviderMap(QWidget):
    """Suggestions around the home by their coordinates (equirectangular, fine at this scale).

    The background are the PC4 areas of the bundled geodata (a dot each, tinted per municipality)
    with the names of places and municipalities; a number label per provider is placed where it
    overlaps no other label, with a leader line to its dot when it had to move. + and − (or the
    mouse wheel) zoom in and out.

    Signals:
        picked(int): the row (index in the suggestions) of the dot that was clicked.
    """

    picked = Signal(int)

    def __init__(self, areas: Sequence[Pc4Area] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home: Home | None = None
        self.suggestions: list[Suggestion] = []
        self.selected: int | None = None
        self.areas = tuple(areas)
        self.zoom = 1.0
        self._labels: dict[int, QRectF] = {}
        self._layout_key: tuple | None = None
        tints = sorted({a.municipality for a in self.areas if a.municipality})
        self._tint = {
            m: QColor(MUNICIPALITY_TINTS[i % len(MUNICIPALITY_TINTS)]) for i, m in enumerate(tints)
        }
        self.setMinimumSize(240, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("Kaart van de aanbieders"))
        self.setToolTip(
            self.tr("Klik op een nummer om de aanbieder te kiezen in de lijst; + en − zoomen")
        )

    def sizeHint(self) -> QSize:
        return QSize(480, 440)

    def set_data(self, home: Home, suggestions: list[Suggestion]) -> None:
        self.home, self.suggestions, self.selected = home, suggestions, None
        self.zoom = 1.0
        self._layout_key = None
        self.setAccessibleDescription(
            self.tr("%d aanbieders, de dichtstbijzijnde op %s km van de woning van de cliënt")
            % (len(suggestions), f"{suggestions[0].distance_km:.1f}".replace(".", ","))
            if suggestions
            else self.tr("Geen aanbieders gevonden")
        )
        self.update()

    def select(self, row: int | None) -> None:
        self.selected = row
        self.update()

    # --- geometry -----------------------------------------------------------------------

    def extent_km(self) -> float:
        """The radius shown at zoom 1: the smallest ring around the nearest four in five providers
        (the farthest few sit at the map's edge, so the crowded centre stays readable)."""
        distances = sorted(s.distance_km for s in self.suggestions)
        if not distances:
            return RINGS_KM[2]
        most = distances[max(0, math.ceil(len(distances) * 0.8) - 1)]
        return next((r for r in RINGS_KM if r >= most), RINGS_KM[-1])

    def _scale(self) -> float:
        """Pixels per km."""
        return (min(self.width(), self.height()) / 2 - 18) / self.extent_km() * self.zoom

    def project(self, latitude: float, longitude: float) -> QPointF:
        assert self.home is not None
        scale = self._scale()
        dy = (latitude - self.home.latitude) * KM_PER_DEGREE_LAT
        dx = (
            (longitude - self.home.longitude)
            * KM_PER_DEGREE_LAT
            * math.cos(math.radians(self.home.latitude))
        )
        return QPointF(self.width() / 2 + dx * scale, self.height() / 2 - dy * scale)

    def position(self, suggestion: Suggestion) -> QPointF:
        """Where the dot of ``suggestion`` is drawn: at its place, or at the edge towards it."""
        p = self.project(suggestion.location.latitude, suggestion.location.longitude)
        margin = 12.0
        return QPointF(
            min(max(p.x(), margin), self.width() - margin),
            min(max(p.y(), margin), self.height() - margin),
        )

    def label_rects(self) -> dict[int, QRectF]:
        """Row -> the rectangle of its number label; no two overlap."""
        key = (self.width(), self.height(), self.zoom, id(self.suggestions), self.home)
        if key != self._layout_key:
            self._labels = self._place_labels()
            self._layout_key = key
        return self._labels

    def _place_labels(self) -> dict[int, QRectF]:
        if self.home is None:
            return {}
        metrics = QFontMetricsF(self._label_font())
        height = metrics.height() + 2
        grid = _Grid()
        centre = QPointF(self.width() / 2, self.height() / 2)
        grid.add(QRectF(centre.x() - 8, centre.y() - 8, 16, 16))  # the home marker stays clear
        placed: dict[int, QRectF] = {}
        # nearest first: the ones a consultant looks at most get the spot on their dot
        for row in sorted(range(len(self.suggestions)), key=lambda r: self.suggestions[r].rank):
            s = self.suggestions[row]
            dot = self.position(s)
            width = metrics.horizontalAdvance(str(s.rank)) + 2 * LABEL_PAD
            rect = self._free_spot(dot, width, height, grid, QRectF(self.rect()))
            grid.add(rect)
            placed[row] = rect
        return placed

    @staticmethod
    def _free_spot(
        dot: QPointF, width: float, height: float, grid: _Grid, bounds: QRectF
    ) -> QRectF:
        """The first free place for a label on a spiral around its dot."""
        step = height * 0.8
        for ring in range(0, 60):
            radius = ring * step
            count = 1 if ring == 0 else 8 + 4 * ring
            for k in range(count):
                angle = 2 * math.pi * k / count - math.pi / 4
                x = dot.x() + radius * math.cos(angle)
                y = dot.y() - radius * math.sin(angle)
                rect = QRectF(x - width / 2, y - height / 2, width, height)
                if bounds.contains(rect) and grid.free(rect):
                    return rect
        return QRectF(dot.x() - width / 2, dot.y() - height / 2, width, height)

    def _label_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
        font.setBold(True)
        return font

    # --- painting -----------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#f4f1ea"))
        if self.home is None:
            return
        self._paint_background(painter, list(self.label_rects().values()))
        self._paint_rings(painter)
        self._paint_providers(painter)
        self._paint_home(painter)
        self._paint_scale(painter)
        self._paint_legend(painter)
        if self.hasFocus():
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.rect().adjusted(1, 1, -1, -1))

    def visible_areas(self) -> list[tuple[Pc4Area, QPointF]]:
        """The PC4 areas whose point is on the map, with that point."""
        bounds = QRectF(self.rect()).adjusted(-4, -4, 4, 4)
        shown = []
        for area in self.areas:
            p = self.project(area.latitude, area.longitude)
            if bounds.contains(p):
                shown.append((area, p))
        return shown

    def _paint_background(self, painter: QPainter, taken: list[QRectF]) -> None:
        shown = self.visible_areas()
        painter.setPen(Qt.PenStyle.NoPen)
        radius = max(2.0, min(6.0, self._scale() * 0.45))
        for area, p in shown:
            painter.setBrush(self._tint.get(area.municipality, QColor("#d8d4ca")))
            painter.drawEllipse(p, radius, radius)
        taken = [r.adjusted(-2, -2, 2, 2) for r in taken]  # names never hide a provider
        # municipality names first (larger), then places with the most PC4 areas
        municipality_font = QFont(self.font())
        municipality_font.setPointSizeF(self.font().pointSizeF() + 1)
        municipality_font.setBold(True)
        municipality_font.setCapitalization(QFont.Capitalization.AllUppercase)
        self._paint_names(
            painter,
            self._centres(shown, lambda a: a.municipality),
            municipality_font,
            "#8c8577",
            taken,
        )
        place_font = QFont(self.font())
        place_font.setPointSizeF(max(7.0, self.font().pointSizeF() - 1))
        place_font.setItalic(True)
        self._paint_names(
            painter, self._centres(shown, lambda a: a.place), place_font, "#6f6a60", taken
        )

    @staticmethod
    def _centres(shown, key) -> list[tuple[str, QPointF, int]]:
        groups: dict[str, list[QPointF]] = defaultdict(list)
        for area, p in shown:
            name = key(area)
            if name:
                groups[name].append(p)
        centres = [
            (
                name,
                QPointF(sum(p.x() for p in ps) / len(ps), sum(p.y() for p in ps) / len(ps)),
                len(ps),
            )
            for name, ps in groups.items()
        ]
        return sorted(centres, key=lambda c: -c[2])

    def _paint_names(self, painter, centres, font: QFont, colour: str, taken: list[QRectF]) -> None:
        painter.setFont(font)
        painter.setPen(QColor(colour))
        metrics = QFontMetricsF(font)
        for name, p, _count in centres:
            w, h = metrics.horizontalAdvance(name), metrics.height()
            rect = QRectF(p.x() - w / 2, p.y() - h / 2, w, h)
            if rect.left() < 0 or rect.right() > self.width() or _overlaps(rect, taken):
                continue
            taken.append(rect.adjusted(-6, -2, 6, 2))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, name)

    def _paint_rings(self, painter: QPainter) -> None:
        centre = QPointF(self.width() / 2, self.height() / 2)
        scale = self._scale()
        painter.setPen(QPen(QColor("#9aa7b4"), 1, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1.5))
        painter.setFont(small)
        for km in RINGS_KM:
            r = km * scale
            if r < 24 or r > max(self.width(), self.height()):
                continue
            painter.drawEllipse(centre, r, r)
            painter.drawText(QPointF(centre.x() + 4, centre.y() - r + 12), f"{km} km")

    def _paint_providers(self, painter: QPainter) -> None:
        labels = self.label_rects()
        painter.setFont(self._label_font())
        for row, s in enumerate(self.suggestions):
            dot, rect = self.position(s), labels[row]
            if not rect.contains(dot):
                painter.setPen(QPen(QColor("#55606b"), 1))
                painter.drawLine(dot, self._nearest_edge(rect, dot))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#1b2a3a"))
            painter.drawEllipse(dot, 2.5, 2.5)
        for row, s in enumerate(self.suggestions):
            rect = labels[row]
            chosen = row == self.selected
            fill = "#d9822b" if chosen else ("#1f5f9e" if s.rank <= 3 else "#6d8db3")
            if not s.provider.accepting_new_clients and not chosen:
                fill = "#9a9a9a"
            painter.setPen(QPen(QColor("#1b2a3a" if chosen else "#ffffff"), 2 if chosen else 1))
            painter.setBrush(QColor(fill))
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(s.rank))
        if self.selected is not None and 0 <= self.selected < len(self.suggestions):
            s, rect = self.suggestions[self.selected], labels[self.selected]
            name = s.provider.name[:40]
            metrics = QFontMetricsF(painter.font())
            box = QRectF(
                rect.right() + 4, rect.top(), metrics.horizontalAdvance(name) + 8, rect.height()
            )
            if box.right() > self.width():
                box.moveRight(rect.left() - 4)
            painter.setPen(QPen(QColor("#1b2a3a")))
            painter.setBrush(QColor(255, 255, 255, 230))
            painter.drawRect(box)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, name)

    @staticmethod
    def _nearest_edge(rect: QRectF, p: QPointF) -> QPointF:
        return QPointF(
            min(max(p.x(), rect.left()), rect.right()), min(max(p.y(), rect.top()), rect.bottom())
        )

    def _paint_home(self, painter: QPainter) -> None:
        c = QPointF(self.width() / 2, self.height() / 2)
        painter.setPen(QPen(QColor("#b00020"), 2))
        painter.setBrush(QColor("#ffffff"))
        # a little house: the resident's home
        painter.drawPolygon(
            [
                QPointF(c.x() - 7, c.y() + 7),
                QPointF(c.x() - 7, c.y() - 1),
                QPointF(c.x(), c.y() - 8),
                QPointF(c.x() + 7, c.y() - 1),
                QPointF(c.x() + 7, c.y() + 7),
            ]
        )

    def _paint_scale(self, painter: QPainter) -> None:
        scale = self._scale()
        target = self.width() / 5 / scale
        km = next((k for k in (0.2, 0.5, 1, 2, 5, 10, 20, 50) if k >= target * 0.6), 50)
        length = km * scale
        x, y = 12.0, self.height() - 14.0
        painter.setPen(QPen(QColor("#1b2a3a"), 2))
        painter.drawLine(QPointF(x, y), QPointF(x + length, y))
        painter.drawLine(QPointF(x, y - 4), QPointF(x, y + 1))
        painter.drawLine(QPointF(x + length, y - 4), QPointF(x + length, y + 1))
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1.5))
        painter.setFont(small)
        text = (f"{km:g}".replace(".", ",") + " km") if km >= 1 else f"{int(km * 1000)} m"
        painter.drawText(QPointF(x + length + 6, y + 4), text)

    def _paint_legend(self, painter: QPainter) -> None:
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1.5))
        painter.setFont(small)
        metrics = QFontMetricsF(small)
        rows = [
            (
                "home",
                self.tr("woning cliënt")
                + (self.tr(" (bij benadering)") if self.home and self.home.approximate else ""),
            ),
            ("#1f5f9e", self.tr("nr. 1–3, dichtstbij")),
            ("#6d8db3", self.tr("overige aanbieders")),
            ("#9a9a9a", self.tr("wachtlijst")),
            ("#d9822b", self.tr("gekozen in de lijst")),
            ("area", self.tr("postcodegebied (PC4)")),
        ]
        line = metrics.height() + 2
        width = max(metrics.horizontalAdvance(t) for _k, t in rows) + 30
        credit = self.tr("Postcodes © GeoNames, CC BY 4.0")
        width = max(width, metrics.horizontalAdvance(credit) + 12)
        box = QRectF(self.width() - width - 8, 8, width, line * (len(rows) + 1) + 8)
        painter.setPen(QPen(QColor("#b9b3a6")))
        painter.setBrush(QColor(255, 255, 255, 225))
        painter.drawRect(box)
        for i, (kind, text) in enumerate(rows):
            y = box.top() + 4 + i * line
            mark = QRectF(box.left() + 6, y + 2, 14, line - 5)
            if kind == "home":
                painter.setPen(QPen(QColor("#b00020"), 2))
                painter.setBrush(QColor("#ffffff"))
                painter.drawRect(mark.adjusted(2, 1, -2, 0))
            elif kind == "area":
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor("#c9d9c2"))
                painter.drawEllipse(mark.center(), 3.5, 3.5)
            else:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(kind))
                painter.drawRoundedRect(mark, 3, 3)
            painter.setPen(QColor("#1b2a3a"))
            painter.drawText(
                QRectF(box.left() + 26, y, width - 28, line), Qt.AlignmentFlag.AlignVCenter, text
            )
        painter.setPen(QColor("#6f6a60"))
        painter.drawText(
            QRectF(box.left() + 6, box.top() + 4 + len(rows) * line, width - 8, line),
            Qt.AlignmentFlag.AlignVCenter,
            credit,
        )

    # --- input --------------------------------------------------------------------------

    def row_at(self, point: QPointF) -> int | None:
        """The provider whose label is at ``point``, else the nearest dot within 10 px."""
        for row, rect in self.label_rects().items():
            if rect.contains(point):
                return row
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

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(16.0, max(1.0, zoom))
        self.update()

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120
        self.set_zoom(self.zoom * ZOOM_STEP**steps)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.set_zoom(self.zoom * ZOOM_STEP)
        elif event.key() == Qt.Key.Key_Minus:
            self.set_zoom(self.zoom / ZOOM_STEP)
        else:
            super().keyPressEvent(event)
