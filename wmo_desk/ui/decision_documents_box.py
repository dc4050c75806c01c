"""The documents of a final decision on the Besluit tab: choose one, open, save or print a copy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from wmo_desk.domain.documents import DocumentRef
from wmo_desk.services.context import AppContext
from wmo_desk.ui.document_actions import document_label, open_document, save_document_as
from wmo_desk.ui.document_print import is_printable, print_document


class DecisionDocumentsBox(QWidget):
    """The beschikking, toewijzingen and WMO301 messages of one decision; they live in the
    database, so every action works on a checked copy (ui/document_actions.py)."""

    def __init__(
        self, ctx: AppContext, opener: Callable[[Path], bool], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._open = opener
        self.document_choice = QComboBox()
        self.document_choice.setObjectName("decision_documents")
        self.document_choice.setAccessibleName(self.tr("Document van het besluit"))
        self.document_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.document_choice.currentIndexChanged.connect(lambda _i: self._chosen_changed())
        label = QLabel(self.tr("Doc&ument"))
        label.setBuddy(self.document_choice)
        self.documents_button = QPushButton(self.tr("Document ope&nen"))
        self.documents_button.setAccessibleName(self.tr("Gekozen document openen"))
        self.documents_button.clicked.connect(self.open_chosen)
        self.save_as_button = QPushButton(self.tr("Op&slaan als…"))
        self.save_as_button.setAccessibleName(self.tr("Gekozen document opslaan als bestand"))
        self.save_as_button.clicked.connect(lambda: self.save_as())
        self.print_button = QPushButton(self.tr("A&fdrukken…"))
        self.print_button.setAccessibleName(self.tr("Gekozen document afdrukken"))
        self.print_button.clicked.connect(lambda: self.print_document())
        self.feedback = QLabel()
        self.feedback.setObjectName("decision_feedback")
        self.feedback.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        for widget in (
            label,
            self.document_choice,
            self.documents_button,
            self.save_as_button,
            self.print_button,
        ):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.feedback)

    def show_for(self, decision_id: str) -> None:
        """List the decision's documents, keeping the one chosen if it is still there."""
        chosen = self.document_choice.currentData()
        self.document_choice.clear()
        for ref in self._ctx.documents.for_decision(decision_id):
            self.document_choice.addItem(document_label(ref), ref)
        index = self.document_choice.findData(chosen) if chosen is not None else -1
        self.document_choice.setCurrentIndex(max(index, 0))
        has = self.document_choice.count() > 0
        self.documents_button.setEnabled(has)
        self.save_as_button.setEnabled(has)
        self._chosen_changed()

    def _chosen_changed(self) -> None:
        ref = self._chosen()
        self.print_button.setEnabled(ref is not None and is_printable(ref))

    def _chosen(self) -> DocumentRef | None:
        ref = self.document_choice.currentData()
        return ref if isinstance(ref, DocumentRef) else None

    def open_chosen(self) -> Path | None:
        """Open a temporary copy (checked against its SHA-256) of the chosen document."""
        ref = self._chosen()
        if ref is None:
            return None
        return open_document(self, self._ctx.documents, ref, self._open, self.save_as)

    def save_as(self, ref: DocumentRef | None = None) -> Path | None:
        """Save a copy of the chosen document where the user chooses."""
        ref = ref or self._chosen()
        if ref is None:
            return None
        saved = save_document_as(self, self._ctx.documents, ref)
        if saved is not None:
            self.feedback.setText(self.tr("Opgeslagen als %s") % saved)
        return saved

    def print_document(self, ref: DocumentRef | None = None, ask=None) -> int:
        """Print the chosen document (``ask(printer)`` stands in for the dialog in tests)."""
        ref = ref or self._chosen()
        if ref is None:
            return 0
        pages = print_document(self, self._ctx.documents, ref, ask=ask)
        if pages:
            self.feedback.setText(self.tr("Afgedrukt: %s (%d blz.).") % (ref.filename, pages))
        return pages
