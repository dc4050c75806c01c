"""Printing a stored PDF from wmo_desk itself (no viewer, no temporary file): the pages are
rasterised with PDFium (pypdfium2) at the printer's resolution and painted onto the printer.

Rendering and painting run off the GUI thread (Qt allows a QPainter on a QPrinter there); only
the print dialog is on it."""

from __future__ import annotations

import itertools
import math

from PySide6.QtCore import QCoreApplication, QRect, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from wmo_desk.domain.documents import DocumentRef
from wmo_desk.domain.errors import UserError
from wmo_desk.services.documents import DocumentService
from wmo_desk.ui.tasks import run_and_wait

#: sharp enough for letters, and a page stays a few tens of megabytes in memory
MAX_DPI = 300
#: strips per page: each ``drawImage`` holds the GIL for about 1/16 of a page's 200 ms
BANDS = 16


def _tr(text: str) -> str:
    return QCoreApplication.translate("DocumentPrint", text)


def is_printable(ref: DocumentRef) -> bool:
    return ref.filename.lower().endswith(".pdf")


def _paint_in_bands(painter: QPainter, target: QRect, image: QImage, bands: int) -> None:
    """Paint ``image`` into ``target`` as ``bands`` horizontal strips, one ``drawImage`` each.

    PySide6 keeps the GIL while ``drawImage`` runs (Qt scales and compresses the image for
    the printer, about 200 ms for a 300-dpi page), so the GUI thread waits for one call at a
    time; a strip is a fraction of that. Each strip's edges are rounded to whole device
    pixels from the same scale, so strips meet exactly: no gap, no overlap (a test prints a
    page both ways and compares the pixels)."""
    height = image.height()
    scale = target.height() / height
    edges = [round(height * i / bands) for i in range(bands + 1)]
    for top, bottom in itertools.pairwise(edges):
        if bottom <= top:
            continue
        y0, y1 = round(top * scale), round(bottom * scale)
        strip = image.copy(0, top, image.width(), bottom - top)
        painter.drawImage(QRect(target.x(), target.y() + y0, target.width(), y1 - y0), strip)


def print_pdf(printer: QPrinter, content: bytes, bands: int = BANDS) -> int:
    """Paint every page of the PDF ``content`` onto ``printer``; returns the number of pages.
    Each page goes in ``bands`` strips (:func:`_paint_in_bands`)."""
    import pypdfium2 as pdfium  # at first use: the window starts without it

    pdf = pdfium.PdfDocument(content)
    painter = QPainter()
    try:
        if not painter.begin(printer):
            raise UserError(
                _tr("Afdrukken mislukt"), _tr("De printer kon niet worden aangesproken.")
            )
        area = painter.viewport()
        pages = len(pdf)
        for index in range(pages):
            if index:
                printer.newPage()
            page = pdf[index]
            # the page fitted into the printable area, rendered at the printer's own dots or,
            # above MAX_DPI, at a whole fraction of them: painted 1:1 or by a whole factor,
            # the image is never resampled (and its strips meet on whole dots)
            fit = min(area.width() / page.get_width(), area.height() / page.get_height())
            factor = max(1, math.ceil(fit * 72 / MAX_DPI))
            bitmap = page.render(scale=fit / factor, rev_byteorder=True)
            image = QImage(
                bitmap.buffer,
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGB888
                if bitmap.n_channels == 3
                else QImage.Format.Format_RGBA8888,
            ).copy()  # the bitmap's buffer goes with the bitmap
            target = QRect(area.topLeft(), QSize(image.width(), image.height()) * factor)
            _paint_in_bands(painter, target, image, bands)
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
