"""A page printed in strips (so the GUI thread never waits for a whole page) prints the same
pixels as the page in one piece: the strips meet without a gap or an overlap."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from wmo_desk.ui import document_print


def _letter() -> bytes:
    """A page with lines across every strip edge: a seam would show on them."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    width, height = A4
    for i in range(0, int(height), 7):
        page.setLineWidth(0.5 + (i % 3))
        page.line(30, i, width - 30, i + 40)
    page.setFont("Helvetica", 11)
    for i in range(40, int(height) - 40, 17):
        page.drawString(60, i, "Beschikking Wmo 2015, kenmerk WMO-2026-000123, zorg in natura")
    page.rect(50, 50, width - 100, height - 100)
    page.showPage()
    page.save()
    return out.getvalue()


def _printed(tmp_path, name: str, bands: int) -> bytes:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setResolution(150)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / name))
    assert document_print.print_pdf(printer, _letter(), bands=bands) == 1
    pdf = pdfium.PdfDocument(str(tmp_path / name))
    try:
        bitmap = pdf[0].render(scale=150 / 72, grayscale=True)
        return bytes(bitmap.buffer), bitmap.width, bitmap.height
    finally:
        pdf.close()


def test_on_a_raster_device_the_strips_give_exactly_the_whole_page(qapp):
    """What a printer driver rasterises: the strips meet on whole dots."""
    from PySide6.QtGui import QColor, QImage

    def painted(bands: int) -> QImage:
        device = QImage(1197, 1712, QImage.Format.Format_RGB32)
        device.fill(QColor("white"))
        assert document_print.print_pdf(device, _letter(), bands=bands) == 1
        return device

    whole, strips = painted(1), painted(document_print.BANDS)
    assert whole.pixelColor(600, 10) == QColor("white")
    assert whole == strips


def _ink_per_row(gray: bytes, width: int, height: int) -> list[int]:
    return [sum(255 - b for b in gray[y * width : (y + 1) * width]) for y in range(height)]


def test_a_page_in_strips_prints_the_ink_of_the_whole_page(qapp, tmp_path):
    """Printed to PDF (the path a print takes to CUPS on Linux) and rendered back: a viewer may
    place a strip a dot higher or lower, but no ink is lost and no blank line runs between
    strips."""
    whole, width, height = _printed(tmp_path, "whole.pdf", bands=1)
    strips, width2, height2 = _printed(tmp_path, "strips.pdf", bands=document_print.BANDS)
    assert (width, height) == (width2, height2)
    total = sum(255 - b for b in whole)
    assert total > 255 * width * height // 50  # the page has lines and text to compare
    assert abs(sum(255 - b for b in strips) - total) < total * 0.01
    # a strip a dot off moves a row's ink to its neighbour; a seam leaves a row without it
    rows, printed = _ink_per_row(whole, width, height), _ink_per_row(strips, width, height)
    for y in range(1, height - 1):
        expected = min(rows[y - 1 : y + 2])
        assert printed[y] >= expected * 0.5, f"row {y}: a blank line between strips"
