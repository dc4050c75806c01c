"""Opening and saving a stored document from any screen: the temporary copy for the system
viewer, the message when no viewer starts, and "Opslaan als…" to a place the user chooses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from wmo_desk.domain.documents import DocumentRef
from wmo_desk.domain.errors import UserError
from wmo_desk.services.documents import DocumentService

#: shows a file in the system's viewer; False when no viewer could be started
Opener = Callable[[Path], object]

_FILTERS = {
    ".pdf": "PDF-document (*.pdf)",
    ".xml": "XML-bericht (*.xml)",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("DocumentActions", text)


def system_opener(path: Path) -> bool:
    """Open ``path`` with the program the system uses for its type."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def document_label(ref: DocumentRef) -> str:
    """How a document is named in a list: ``Beschikking (PDF)``, ``Toewijzing 12 versie 1 (PDF)``."""
    kind, _, rest = ref.kind.partition("-")
    number, _, version = rest.partition("-v")
    names = {
        "verslag": _tr("Verslag"),
        "beschikking": _tr("Beschikking"),
        "toewijzing": _tr("Toewijzing"),
        "wmo301": _tr("WMO301-bericht"),
    }
    label = names.get(kind, ref.kind)
    if number:
        label += f" {number}"
    if version:
        label += _tr(" versie %s") % version
    return f"{label} ({Path(ref.filename).suffix.lstrip('.').upper()})"


def open_document(
    parent: QWidget,
    documents: DocumentService,
    ref: DocumentRef,
    opener: Opener,
    save_as: Callable[[DocumentRef], object],
) -> Path | None:
    """Show the document in the viewer; when none starts, say so and offer ``save_as``.

    Returns the temporary copy, or None when there is none (a damaged document)."""
    try:
        path = documents.open_copy(ref)
    except UserError as exc:
        QMessageBox.critical(parent, exc.title, exc.message)
        return None
    if opener(path) is False:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _tr("Document niet geopend"),
            _tr(
                "Er is geen programma gevonden dat %s kan tonen. Sla het document op een plek "
                "naar keuze op en open het daar."
            )
            % ref.filename,
            parent=parent,
        )
        save = box.addButton(_tr("Opslaan als…"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_tr("Sluiten"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.exec()
        if box.clickedButton() is save:
            save_as(ref)
    return path


def save_document_as(parent: QWidget, documents: DocumentService, ref: DocumentRef) -> Path | None:
    """Ask where to save the document, then write it there; None when cancelled or failed."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    suggested = str(Path(folder) / ref.filename) if folder else ref.filename
    suffix = Path(ref.filename).suffix.lower()
    chosen, _filter = QFileDialog.getSaveFileName(
        parent,
        _tr("%s opslaan als") % document_label(ref),
        suggested,
        _FILTERS.get(suffix, _tr("Alle bestanden (*)")),
    )
    if not chosen:
        return None
    target = Path(chosen)
    if suffix and not target.suffix:
        target = target.with_suffix(suffix)
    try:
        return documents.save_as(ref, target)
    except UserError as exc:
        QMessageBox.critical(parent, exc.title, exc.message)
        return None
