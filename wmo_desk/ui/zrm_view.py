"""The ZRM in a case: score the 13 domains beside the chart of the change over time and old notes."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.domain.errors import UserError
from wmo_desk.domain.zrm import (
    ZRM_DOMAINS,
    ZRM_LEVELS,
    ZrmScore,
    level_text,
)
from wmo_desk.services.context import AppContext
from wmo_desk.ui.confirm import feedback_label, tell_done
from wmo_desk.ui.display import long_date, short_date
from wmo_desk.ui.fields import date_edit, date_value
from wmo_desk.ui.layout import scrolled
from wmo_desk.ui.zrm_chart import ZrmChart


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
            if col == 1:
                self.previous_header = header
        for row, domain in enumerate(ZRM_DOMAINS, start=1):
            combo = QComboBox()
            combo.setObjectName(f"zrm_{row}")
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
            combo.addItem(self.tr("n.v.t./onbekend"), None)
            for level, label in ZRM_LEVELS.items():
                combo.addItem(f"{level} – {label}", level)
            note = QLineEdit()
            note.setPlaceholderText(self.tr("korte toelichting"))
            note.setAccessibleName(self.tr("Toelichting %s") % domain)
            combo.setAccessibleName(self.tr("Niveau %s") % domain)
            previous = QLabel()
            previous.setStyleSheet("color: #555;")
            previous.setWordWrap(True)  # it wraps rather than widen the tab
            label = QLabel(domain.replace("&", "&&"))  # a label with a buddy reads & as a mnemonic
            label.setBuddy(combo)
            grid.addWidget(label, row, 0)
            grid.addWidget(previous, row, 1)
            grid.addWidget(combo, row, 2)
            grid.addWidget(note, row, 3)
            self.levels[domain], self.notes[domain], self.previous[domain] = combo, note, previous
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 2)
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
        self.chart.chosen.connect(self._show_assessment)
        self.chosen = QComboBox()
        self.chosen.setObjectName("zrm_chosen")
        self.chosen.setAccessibleName(self.tr("Meting waarvan de toelichting wordt getoond"))
        self.chosen.currentIndexChanged.connect(self._combo_changed)
        chosen_label = QLabel(self.tr("Toelichting bij de meting &van"))
        chosen_label.setBuddy(self.chosen)
        self.old_notes = QTextBrowser()
        self.old_notes.setObjectName("zrm_notes")
        self.old_notes.setAccessibleName(self.tr("Scores en toelichting van de gekozen meting"))
        self.old_notes.setMinimumHeight(140)
        chart_box = QGroupBox(self.tr("Verloop over de tijd"))
        cl = QVBoxLayout(chart_box)
        hint = QLabel(
            self.tr(
                "Per domein een lijn door de metingen (1 onder, 5 boven), rechts de verandering "
                "sinds de eerste. Kies een meting met ← en → of een klik."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        cl.addWidget(hint)
        cl.addWidget(self.chart)
        legend = QLabel(
            self.tr(
                "1 acute problematiek · 2 niet zelfredzaam · 3 beperkt zelfredzaam · "
                "4 voldoende zelfredzaam · 5 volledig zelfredzaam · – niet gescoord. "
                "ZRM-domeinen en -niveaus © GGD Amsterdam."
            )
        )
        legend.setWordWrap(True)
        legend.setStyleSheet("color: #555;")
        cl.addWidget(legend)
        chosen_row = QHBoxLayout()
        chosen_row.addWidget(chosen_label)
        chosen_row.addWidget(self.chosen, 1)
        cl.addLayout(chosen_row)
        cl.addWidget(self.old_notes, 1)
        entry_page = QWidget()
        el = QVBoxLayout(entry_page)
        el.addWidget(entry)
        el.addStretch(1)
        # side by side: the new scores beside the history; on a narrow screen each side scrolls
        splitter = QSplitter()
        splitter.setObjectName("zrm_splitter")
        splitter.setChildrenCollapsible(False)
        entry_scroll = scrolled(entry_page, "zrm_entry_scroll")
        entry_scroll.setAccessibleName(self.tr("ZRM-domeinen"))
        splitter.addWidget(entry_scroll)
        splitter.addWidget(scrolled(chart_box, "zrm_history_scroll"))
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([700, 540])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(splitter)
        self.refresh()

    def refresh(self) -> None:
        assessments = self._ctx.assessment.zrm_history(self.case_id)
        last = assessments[-1] if assessments else None
        for domain in ZRM_DOMAINS:
            score = next((s for s in last.scores if s.domain == domain), None) if last else None
            self.previous[domain].setText(level_text(score.level) if last and score else "—")
        # the date once in the header, not on every row: the rows stay one line high
        self.previous_header.setText(
            f"<b>{escape(self.tr('Vorige score'))}</b>"
            + (f" ({short_date(last.assessed_on)})" if last else "")
        )
        self.chart.set_assessments(assessments)
        self.chosen.blockSignals(True)
        self.chosen.clear()
        for assessment in self.chart.assessments:
            self.chosen.addItem(long_date(assessment.assessed_on))
        self.chosen.blockSignals(False)
        self._show_assessment(len(assessments) - 1)

    def _combo_changed(self, index: int) -> None:
        if index >= 0:
            self.chart.choose(index)

    def _show_assessment(self, index: int) -> None:
        """The scores and notes of assessment ``index`` (oldest first) below the chart."""
        self.chosen.blockSignals(True)
        self.chosen.setCurrentIndex(index)
        self.chosen.blockSignals(False)
        if index < 0 or index >= len(self.chart.assessments):
            self.old_notes.setHtml(f"<i>{escape(self.tr('Nog geen ZRM afgenomen.'))}</i>")
            return
        assessment = self.chart.assessments[index]
        rows = []
        for s in assessment.scores:
            if s.level is None and not s.note:
                continue
            note = escape(s.note) if s.note else f"<i>{escape(self.tr('geen toelichting'))}</i>"
            rows.append(
                f"<tr><td><b>{escape(s.domain)}</b></td><td>{escape(level_text(s.level))}</td>"
                f"<td>{note}</td></tr>"
            )
        self.old_notes.setHtml(
            f"<p><b>{escape(self.tr('Meting van %s') % long_date(assessment.assessed_on))}</b></p>"
            f"<table cellspacing='0' cellpadding='3'>{''.join(rows)}</table>"
        )

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
