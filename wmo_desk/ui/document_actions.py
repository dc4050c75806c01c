"""Opening and saving a stored document from any screen: the temporary copy for the system
viewer, the message when no viewer starts, and "Opslaan als…" to a place the user chooses.

The files are written off the GUI thread (:func:`~wmo_desk.ui.tasks.run_and_wait`), with the
busy line saying so: a slow disk or network share never freezes the window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from wmo_desk.domain.documents import DocumentRef
from wmo_desk.domain.errors import UserError
from wmo_desk.services.documents import DocumentService
from wmo_desk.ui.tasks import run_and_wait

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

    Returns the temporary copy, or None when there is none (a damaged document, a full disk)."""
    try:
        path = run_and_wait(
            parent, _tr("%s wordt geopend…") % ref.filename, lambda: documents.open_copy(ref)
        )
    except UserError as exc:
        QMessageBox.critical(parent, exc.title, exc.message)
        return None
    if path is None:  # a bug, already shown
        return None
    if opener(path) is False:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _tr("Document niet geopend"),
            _tr(
                "Er is geen programma gevonden dat %s kan tonen. Er staat een tijdelijke kopie "
                "in:\n\n%s\n\nDie kopie wordt gewist als wmo_desk sluit. Sla het document op "
                "een plek naar keuze op om het te bewaren of elders te openen."
            )
            % (ref.filename, path),
            parent=parent,
        )
        box.setObjectName("no_viewer")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
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
        return run_and_wait(
            parent,
            _tr("%s wordt opgeslagen…") % document_label(ref),
            lambda: documents.save_as(ref, target),
        )
    except UserError as exc:
        QMessageBox.critical(parent, exc.title, exc.message)
        return None
