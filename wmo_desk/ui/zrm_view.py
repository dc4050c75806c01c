"""The ZRM in a case: score the 13 domains, see the previous scores and the change over time."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.errors import UserError
from wmo_desk.domain.zrm import (
    ZRM_DOMAINS,
    ZRM_LEVELS,
    ZrmAssessment,
    ZrmScore,
    history,
    level_text,
)
from wmo_desk.services.context import AppContext
from wmo_desk.ui.confirm import feedback_label, tell_done
from wmo_desk.ui.display import long_date, short_date
from wmo_desk.ui.fields import date_edit, date_value

LEVEL_COLOURS = {
    1: QColor("#d9534f"),
    2: QColor("#f0ad4e"),
    3: QColor("#f7e07a"),
    4: QColor("#a8d5a2"),
    5: QColor("#5cb85c"),
    None: QColor("#e6e6e6"),
}


class ZrmChart(QWidget):
    """A grid of coloured cells: domains down, assessment dates across; the change over time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data: dict[str, list[tuple[date, int | None]]] = {}
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_assessments(self, assessments: list[ZrmAssessment]) -> None:
        self._data = history(assessments)
        self.updateGeometry()
        self.update()

    def columns(self) -> int:
        return len(next(iter(self._data.values()), []))

    def sizeHint(self) -> QSize:
        return QSize(240 + 64 * max(1, self.columns()), 22 * (len(ZRM_DOMAINS) + 1) + 8)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_w, cell_w, cell_h = 230, 60, 22
        if not self.columns():
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Nog geen ZRM afgenomen.")
            )
            return
        dates = [d for d, _ in next(iter(self._data.values()))]
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        for c, day in enumerate(dates):
            rect = QRectF(label_w + c * (cell_w + 4), 0, cell_w, cell_h)
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignCenter, short_date(day)[:5] + "-" + str(day.year)[2:]
            )
        painter.setFont(self.font())
        for r, domain in enumerate(ZRM_DOMAINS):
            y = (r + 1) * cell_h + 2
            painter.setPen(QPen(self.palette().windowText().color()))
            painter.drawText(
                QRectF(0, y, label_w - 8, cell_h), Qt.AlignmentFlag.AlignVCenter, domain
            )
            for c, (_day, level) in enumerate(self._data[domain]):
                rect = QRectF(label_w + c * (cell_w + 4), y + 1, cell_w, cell_h - 3)
                painter.fillRect(rect, LEVEL_COLOURS[level])
                painter.setPen(QPen(QColor("#222")))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(level) if level else "–")


class ZrmPanel(QWidget):
    """Enter a new dated ZRM beside the previous scores; every assessment is kept.

    Signals:
        saved(): a new assessment was stored.
    """

    saved = Signal()

    def __init__(self, ctx: AppContext, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.case_id = case_id
        self.assessed_on = date_edit(ctx.clock.today(), allow_blank=False)
        self.assessed_on.setMaximumDate(self.assessed_on.date())
        self.assessed_on.setAccessibleName(self.tr("Datum van de meting"))
        self.levels: dict[str, QComboBox] = {}
        self.notes: dict[str, QLineEdit] = {}
        self.previous: dict[str, QLabel] = {}
        grid = QGridLayout()
        for col, text in enumerate(
            (
                self.tr("Domein"),
                self.tr("Vorige score"),
                self.tr("Score nu"),
                self.tr("Toelichting"),
            )
        ):
            header = QLabel(f"<b>{text}</b>")
            grid.addWidget(header, 0, col)
        for row, domain in enumerate(ZRM_DOMAINS, start=1):
            combo = QComboBox()
            combo.setObjectName(f"zrm_{row}")
            combo.addItem(self.tr("n.v.t./onbekend"), None)
            for level, label in ZRM_LEVELS.items():
                combo.addItem(f"{level} – {label}", level)
            note = QLineEdit()
            note.setPlaceholderText(self.tr("korte toelichting"))
            note.setAccessibleName(self.tr("Toelichting %s") % domain)
            combo.setAccessibleName(self.tr("Niveau %s") % domain)
            previous = QLabel()
            previous.setStyleSheet("color: #555;")
            label = QLabel(domain.replace("&", "&&"))  # a label with a buddy reads & as a mnemonic
            label.setBuddy(combo)
            grid.addWidget(label, row, 0)
            grid.addWidget(previous, row, 1)
            grid.addWidget(combo, row, 2)
            grid.addWidget(note, row, 3)
            self.levels[domain], self.notes[domain], self.previous[domain] = combo, note, previous
        grid.setColumnStretch(3, 1)
        self.save_button = QPushButton(self.tr("ZRM &opslaan"))
        self.save_button.clicked.connect(self.save)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Datum afname")))
        top.addWidget(self.assessed_on)
        top.addStretch(1)
        self.feedback = feedback_label("zrm_feedback")
        top.addWidget(self.feedback)
        top.addWidget(self.save_button)
        entry = QGroupBox(
            self.tr("Zelfredzaamheid-Matrix (ZRM 2017): huidige situatie, samen met de cliënt")
        )
        entry_layout = QVBoxLayout(entry)
        entry_layout.addLayout(top)
        entry_layout.addLayout(grid)
        self.chart = ZrmChart()
        self.chart.setObjectName("zrm_chart")
        chart_box = QGroupBox(self.tr("Verloop over de tijd"))
        QVBoxLayout(chart_box).addWidget(self.chart)
        legend = QLabel(
            self.tr(
                "1 acute problematiek · 2 niet zelfredzaam · 3 beperkt zelfredzaam · "
                "4 voldoende zelfredzaam · 5 volledig zelfredzaam · – niet gescoord. "
                "ZRM-domeinen en -niveaus © GGD Amsterdam."
            )
        )
        legend.setWordWrap(True)
        legend.setStyleSheet("color: #555;")
        chart_box.layout().addWidget(legend)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(entry)
        layout.addWidget(chart_box)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setAccessibleName(self.tr("ZRM-domeinen"))
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.refresh()

    def refresh(self) -> None:
        assessments = self._ctx.assessment.zrm_history(self.case_id)
        last = assessments[-1] if assessments else None
        for domain in ZRM_DOMAINS:
            score = next((s for s in last.scores if s.domain == domain), None) if last else None
            self.previous[domain].setText(
                f"{level_text(score.level)} ({short_date(last.assessed_on)})"
                if last and score
                else "—"
            )
        self.chart.set_assessments(assessments)

    def scores(self) -> tuple[ZrmScore, ...]:
        return tuple(
            ZrmScore(domain, self.levels[domain].currentData(), self.notes[domain].text().strip())
            for domain in ZRM_DOMAINS
        )

    def save(self) -> None:
        assessed_on = date_value(self.assessed_on)
        self.feedback.clear()
        try:
            self._ctx.assessment.add_zrm(self.case_id, assessed_on, self.scores())
        except UserError as exc:
            QMessageBox.warning(self, exc.title, exc.message)
            return
        tell_done(self.feedback, self.tr("ZRM opgeslagen (afname %s).") % long_date(assessed_on))
        for domain in ZRM_DOMAINS:
            self.levels[domain].setCurrentIndex(0)
            self.notes[domain].clear()
        self.refresh()
        self.saved.emit()
