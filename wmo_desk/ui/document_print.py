"""Printing a stored PDF from wmo_desk itself (no viewer, no temporary file): the pages are
rasterised with PDFium (pypdfium2) at the printer's resolution and painted onto the printer.

Rendering and painting run off the GUI thread (Qt allows a QPainter on a QPrinter there); only
the print dialog is on it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from wmo_desk.domain.documents import DocumentRef
from wmo_desk.domain.errors import UserError
from wmo_desk.services.documents import DocumentService
from wmo_desk.ui.tasks import run_and_wait

#: sharp enough for letters, and a page stays a few tens of megabytes in memory
MAX_DPI = 300


def _tr(text: str) -> str:
    return QCoreApplication.translate("DocumentPrint", text)


def is_printable(ref: DocumentRef) -> bool:
    return ref.filename.lower().endswith(".pdf")


def print_pdf(printer: QPrinter, content: bytes) -> int:
    """Paint every page of the PDF ``content`` onto ``printer``; returns the number of pages."""
    import pypdfium2 as pdfium  # at first use: the window starts without it

    pdf = pdfium.PdfDocument(content)
    painter = QPainter()
    try:
        if not painter.begin(printer):
            raise UserError(
                _tr("Afdrukken mislukt"), _tr("De printer kon niet worden aangesproken.")
            )
        dpi = min(printer.resolution(), MAX_DPI)
        pages = len(pdf)
        for index in range(pages):
            if index:
                printer.newPage()
            page = pdf[index]
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            image = QImage(
                bitmap.buffer,
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGB888
                if bitmap.n_channels == 3
                else QImage.Format.Format_RGBA8888,
            ).copy()  # the bitmap's buffer goes with the bitmap
            area = painter.viewport()
            size = QSize(image.width(), image.height()).scaled(
                area.size(), Qt.AspectRatioMode.KeepAspectRatio
            )
            painter.drawImage(QRect(area.x(), area.y(), size.width(), size.height()), image)
            page.close()
        return pages
    finally:
        if painter.isActive():
            painter.end()
        pdf.close()


def print_document(
    parent: QWidget, documents: DocumentService, ref: DocumentRef, *, ask=None
) -> int:
    """Ask for a printer (``ask(printer)`` in tests), print the document and log it.

    Returns the number of pages printed; 0 when cancelled or it failed (a message says why)."""
    if not is_printable(ref):
        QMessageBox.information(
            parent,
            _tr("Niet af te drukken"),
            _tr("%s is een bericht voor de aanbieder en wordt niet afgedrukt.") % ref.filename,
        )
        return 0
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(ref.filename)
    if ask is not None:
        accepted = ask(printer)
    else:
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(_tr("%s afdrukken") % ref.filename)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
    if not accepted:
        return 0

    def work() -> int:
        pages = print_pdf(printer, documents.content(ref))
        documents.log_print(ref)
        return pages

    try:
        pages = run_and_wait(parent, _tr("%s wordt afgedrukt…") % ref.filename, work)
    except UserError as exc:
        QMessageBox.critical(parent, exc.title, exc.message)
        return 0
    return pages or 0
