"""The ZRM over time: a small line chart per domain, one point per assessment, drawn with QPainter."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QKeyEvent, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from wmo_desk.domain.zrm import ZRM_DOMAINS, ZrmAssessment
from wmo_desk.ui.display import short_date

LEVEL_COLOURS = {
    1: QColor("#d9534f"),
    2: QColor("#f0ad4e"),
    3: QColor("#e6c84a"),
    4: QColor("#8cc784"),
    5: QColor("#3f9b3f"),
}
ROW_H = 26
HEADER_H = 26
CHANGE_W = 44


def _level(assessment: ZrmAssessment, domain: str) -> int | None:
    return next((s.level for s in assessment.scores if s.domain == domain), None)


class ZrmChart(QWidget):
    """Domains down, assessments across (oldest left); per domain a line through levels 1–5.

    Left/Right (or a click) choose an assessment, whose notes the ZRM tab then shows;
    Home/End jump to the first and the latest.

    Signals:
        chosen(int): the index (oldest first) of the assessment the user chose.
    """

    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assessments: list[ZrmAssessment] = []
        self.current: int | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Verloop van de ZRM per domein"))
        self._describe()

    def set_assessments(self, assessments: list[ZrmAssessment]) -> None:
        self.assessments = sorted(assessments, key=lambda a: (a.assessed_on, a.created_at))
        self.current = len(self.assessments) - 1 if self.assessments else None
        self._describe()
        self.updateGeometry()
        self.update()

    def columns(self) -> int:
        return len(self.assessments)

    def choose(self, index: int) -> None:
        """Make assessment ``index`` (oldest first) the chosen one."""
        if not self.assessments:
            return
        index = max(0, min(index, len(self.assessments) - 1))
        if index != self.current:
            self.current = index
            self._describe()
            self.update()
        self.chosen.emit(index)

    # --- geometry -----------------------------------------------------------------------

    def _label_width(self) -> float:
        metrics = QFontMetricsF(self.font())
        return max(metrics.horizontalAdvance(d) for d in ZRM_DOMAINS) + 12

    def sizeHint(self) -> QSize:
        return QSize(
            int(self._label_width()) + 80 * max(3, self.columns()) + CHANGE_W, self._height()
        )

    def minimumSizeHint(self) -> QSize:
        return QSize(int(self._label_width()) + 160 + CHANGE_W, self._height())

    def _height(self) -> int:
        return HEADER_H + ROW_H * len(ZRM_DOMAINS) + 6

    def column_x(self, index: int) -> float:
        left = self._label_width() + 16
        right = self.width() - CHANGE_W - 16
        count = self.columns()
        if count <= 1:
            return (left + right) / 2
        return left + (right - left) * index / (count - 1)

    def row_rect(self, row: int) -> QRectF:
        return QRectF(0, HEADER_H + row * ROW_H, self.width(), ROW_H)

    def level_y(self, row: int, level: int) -> float:
        rect = self.row_rect(row)
        return rect.bottom() - 5 - (level - 1) * (rect.height() - 10) / 4

    def points(self) -> list[tuple[str, int, int, QPointF]]:
        """(domain, assessment index, level, point) of every scored domain in every assessment."""
        found = []
        for row, domain in enumerate(ZRM_DOMAINS):
            for index, assessment in enumerate(self.assessments):
                level = _level(assessment, domain)
                if level is not None:
                    found.append(
                        (
                            domain,
                            index,
                            level,
                            QPointF(self.column_x(index), self.level_y(row, level)),
                        )
                    )
        return found

    # --- painting -----------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().windowText().color()
        if not self.assessments:
            painter.setPen(text_colour)
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Nog geen ZRM afgenomen.")
            )
            return
        label_w = self._label_width()
        if self.current is not None:
            x = self.column_x(self.current)
            painter.fillRect(
                QRectF(x - 22, 0, 44, self.height()),
                QColor(47, 111, 176, 40),
            )
        bold = QFont(self.font())
        bold.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        painter.setFont(small)
        painter.setPen(text_colour)
        for index, assessment in enumerate(self.assessments):
            painter.setFont(bold if index == self.current else small)
            painter.drawText(
                QRectF(self.column_x(index) - 40, 0, 80, HEADER_H),
                Qt.AlignmentFlag.AlignCenter,
                short_date(assessment.assessed_on),
            )
        for row, domain in enumerate(ZRM_DOMAINS):
            rect = self.row_rect(row)
            if row % 2 == 0:
                painter.fillRect(rect, QColor(0, 0, 0, 12))
            painter.setPen(QPen(QColor(0, 0, 0, 30), 1, Qt.PenStyle.DotLine))
            for level in (1, 3, 5):
                y = self.level_y(row, level)
                painter.drawLine(QPointF(label_w + 8, y), QPointF(self.width() - CHANGE_W - 8, y))
            painter.setFont(self.font())
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(4, rect.top(), label_w, rect.height()), Qt.AlignmentFlag.AlignVCenter, domain
            )
            self._paint_line(painter, row, domain)
            self._paint_change(painter, row, domain)
        if self.hasFocus():
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))

    def _paint_line(self, painter: QPainter, row: int, domain: str) -> None:
        previous: QPointF | None = None
        painter.setFont(self._point_font())
        for index, assessment in enumerate(self.assessments):
            level = _level(assessment, domain)
            x = self.column_x(index)
            if level is None:
                painter.setPen(QColor("#888888"))
                painter.drawText(
                    QRectF(x - 8, self.row_rect(row).top(), 16, ROW_H),
                    Qt.AlignmentFlag.AlignCenter,
                    "–",
                )
                previous = None  # a gap: no line through an unscored assessment
                continue
            point = QPointF(x, self.level_y(row, level))
            if previous is not None:
                painter.setPen(QPen(QColor("#5a6b7d"), 2))
                painter.drawLine(previous, point)
            previous = point
        for index, assessment in enumerate(self.assessments):
            level = _level(assessment, domain)
            if level is None:
                continue
            point = QPointF(self.column_x(index), self.level_y(row, level))
            painter.setPen(
                QPen(QColor("#1b2a3a") if index == self.current else QColor("#ffffff"), 1.5)
            )
            painter.setBrush(LEVEL_COLOURS[level])
            painter.drawEllipse(point, 8, 8)
            painter.setPen(QColor("#1b2a3a"))
            painter.drawText(
                QRectF(point.x() - 8, point.y() - 8, 16, 16),
                Qt.AlignmentFlag.AlignCenter,
                str(level),
            )

    def _point_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 2))
        font.setBold(True)
        return font

    def _paint_change(self, painter: QPainter, row: int, domain: str) -> None:
        text = self.change_text(domain)
        if not text:
            return
        colour = (
            "#2e7d32"
            if text.startswith("+")
            else ("#b00020" if text.startswith("−") else "#555555")
        )
        painter.setPen(QColor(colour))
        painter.setFont(self.font())
        painter.drawText(
            QRectF(self.width() - CHANGE_W, self.row_rect(row).top(), CHANGE_W - 4, ROW_H),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            text,
        )

    def change_text(self, domain: str) -> str:
        """The change from the first to the last scored assessment: ``+2``, ``−1`` or ``0``."""
        levels = [lv for a in self.assessments if (lv := _level(a, domain)) is not None]
        if len(levels) < 2:
            return ""
        delta = levels[-1] - levels[0]
        return f"+{delta}" if delta > 0 else (f"−{-delta}" if delta < 0 else "0")

    def _describe(self) -> None:
        """The accessible description: what a sighted user reads off the chart, in words."""
        if not self.assessments:
            self.setAccessibleDescription(self.tr("Nog geen ZRM afgenomen."))
            return
        dates = ", ".join(short_date(a.assessed_on) for a in self.assessments)
        lines = [self.tr("%d metingen: %s.") % (len(self.assessments), dates)]
        for domain in ZRM_DOMAINS:
            levels = [_level(a, domain) for a in self.assessments]
            lines.append(f"{domain}: " + " → ".join(str(lv) if lv else "–" for lv in levels))
        if self.current is not None:
            lines.append(
                self.tr("Gekozen: meting van %s.")
                % short_date(self.assessments[self.current].assessed_on)
            )
        self.setAccessibleDescription(" ".join(lines))

    # --- input --------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.assessments or self.current is None:
            super().keyPressEvent(event)
            return
        key = event.key()
        if key == Qt.Key.Key_Left:
            self.choose(self.current - 1)
        elif key == Qt.Key.Key_Right:
            self.choose(self.current + 1)
        elif key == Qt.Key.Key_Home:
            self.choose(0)
        elif key == Qt.Key.Key_End:
            self.choose(len(self.assessments) - 1)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self.assessments:
            return
        x = event.position().x()
        nearest = min(range(self.columns()), key=lambda i: abs(self.column_x(i) - x))
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.choose(nearest)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()
