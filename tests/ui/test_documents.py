"""Opening and saving documents from the Verslag and Besluit tabs, like a user would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from tests.services.test_documents import a_case, final_decision, log_entries
from wmo_desk.ui.decision_view import DecisionPanel
from wmo_desk.ui.verslag_view import VerslagPanel


def choose_save_target(monkeypatch, target: Path) -> list[str]:
    """The save dialog answers ``target``; returns the suggested names it was asked with."""
    asked: list[str] = []

    def answer(_parent, _title, suggested, _filter):
        asked.append(suggested)
        return str(target), _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    return asked


def wait_for_task(qtbot, panel) -> None:
    """The panel's background task (started by a click) ended."""
    assert panel.task is not None
    with qtbot.waitSignal(panel.task.finished, timeout=30_000):
        pass


def test_verslag_made_opened_and_saved_as(qtbot, demo_ctx, monkeypatch, tmp_path):
    ctx = demo_ctx
    case_id = a_case(ctx)
    ctx.conversation.start(case_id)
    opened: list[Path] = []
    panel = VerslagPanel(ctx, case_id, opener=opened.append)
    qtbot.addWidget(panel)
    assert not panel.save_as_button.isEnabled()  # nothing made yet

    qtbot.mouseClick(panel.make_button, Qt.MouseButton.LeftButton)
    wait_for_task(qtbot, panel)
    [copy] = opened
    assert copy.parent == ctx.folder / "geopend" and copy.read_bytes().startswith(b"%PDF")
    assert not (ctx.folder / "documents").exists()
    assert panel.save_as_button.isEnabled() and panel.save_as_button.accessibleName()

    target = tmp_path / "verslag voor de cliënt.pdf"
    asked = choose_save_target(monkeypatch, target)
    qtbot.mouseClick(panel.save_as_button, Qt.MouseButton.LeftButton)
    assert Path(asked[0]).name == panel.document.filename
    assert target.read_bytes() == copy.read_bytes()
    assert panel.feedback.text() == f"Opgeslagen als {target}"
    assert [e.detail for e in log_entries(ctx, "document.export")] == ["verslag"]

    # a new panel finds the stored verslag again
    again = VerslagPanel(ctx, case_id, opener=opened.append)
    qtbot.addWidget(again)
    qtbot.mouseClick(again.open_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 2 and len(log_entries(ctx, "document.view")) == 2


def test_no_viewer_says_so_and_offers_save_as(qtbot, demo_ctx, monkeypatch, tmp_path, answer_modal):
    ctx = demo_ctx
    case_id = a_case(ctx)
    ctx.conversation.start(case_id)
    panel = VerslagPanel(ctx, case_id, opener=lambda _path: False)
    qtbot.addWidget(panel)
    target = tmp_path / "verslag.pdf"
    choose_save_target(monkeypatch, target)
    texts: list[str] = []

    def save(dialog: QMessageBox) -> None:
        texts.append(dialog.text())
        [button] = [b for b in dialog.findChildren(QPushButton) if b.text() == "Opslaan als…"]
        button.click()

    seen = answer_modal(save)
    qtbot.mouseClick(panel.make_button, Qt.MouseButton.LeftButton)
    wait_for_task(qtbot, panel)
    assert seen == ["Document niet geopend"]
    assert "Er is geen programma gevonden" in texts[0] and panel.document.filename in texts[0]
    assert target.read_bytes().startswith(b"%PDF")
    assert panel.feedback.text() == f"Opgeslagen als {target}"


def test_decision_documents_chosen_opened_and_saved(qtbot, demo_ctx, monkeypatch, tmp_path):
    ctx = demo_ctx
    final = final_decision(ctx)
    opened: list[Path] = []
    panel = DecisionPanel(ctx, final.case_id, opener=opened.append)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.documents_box.isVisible()
    labels = [panel.document_choice.itemText(i) for i in range(panel.document_choice.count())]
    assert labels[0] == "Beschikking (PDF)"
    assert any(t.startswith("Toewijzing ") and t.endswith("versie 1 (PDF)") for t in labels)
    assert any(t.startswith("WMO301-bericht ") and t.endswith("(XML)") for t in labels)

    qtbot.mouseClick(panel.documents_button, Qt.MouseButton.LeftButton)
    [letter] = opened
    assert letter.parent == ctx.folder / "geopend" and letter.name.startswith("beschikking-")

    xml = next(i for i, t in enumerate(labels) if t.endswith("(XML)"))
    panel.document_choice.setCurrentIndex(xml)
    target = tmp_path / "bericht"  # typed without extension
    choose_save_target(monkeypatch, target)
    qtbot.mouseClick(panel.save_as_button, Qt.MouseButton.LeftButton)
    saved = target.with_suffix(".xml")
    stored = {f: c for _k, f, c in ctx.decisions.documents(final.id)}
    assert saved.read_bytes() == stored[panel.document_choice.currentData().filename]
    assert panel.feedback.text() == f"Opgeslagen als {saved}"
    assert [e.detail for e in log_entries(ctx, "document.export")] == ["wmo301"]
    assert not (ctx.folder / "documents").exists()


def to_pdf_file(target: Path):
    """Stands in for the print dialog: the user picks Qt's "print to file" as the printer."""
    from PySide6.QtPrintSupport import QPrinter

    def ask(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return True

    return ask


def test_the_letter_is_printed_page_by_page_and_the_print_is_logged(qtbot, demo_ctx, tmp_path):
    from pypdf import PdfReader

    ctx = demo_ctx
    final = final_decision(ctx)
    panel = DecisionPanel(ctx, final.case_id, opener=lambda path: None)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.document_choice.currentText() == "Beschikking (PDF)"
    assert panel.print_button.isEnabled() and panel.print_button.accessibleName()
    printed = tmp_path / "printer.pdf"
    pages = panel.print_document(ask=to_pdf_file(printed))
    letter = panel.document_choice.currentData()
    original = PdfReader(__import__("io").BytesIO(ctx.documents.content(letter)))
    assert pages == len(original.pages) >= 1
    assert len(PdfReader(printed).pages) == pages
    assert panel.feedback.text() == f"Afgedrukt: {letter.filename} ({pages} blz.)."
    assert [e.detail for e in log_entries(ctx, "document.print")] == ["beschikking"]
    assert not list((ctx.folder / "geopend").glob("*")), "printed from memory, no copy"

    xml = next(
        i
        for i in range(panel.document_choice.count())
        if panel.document_choice.itemText(i).endswith("(XML)")
    )
    panel.document_choice.setCurrentIndex(xml)
    assert not panel.print_button.isEnabled()


def test_a_cancelled_print_prints_and_logs_nothing(qtbot, demo_ctx):
    ctx = demo_ctx
    case_id = a_case(ctx)
    ctx.conversation.start(case_id)
    panel = VerslagPanel(ctx, case_id, opener=lambda path: None)
    qtbot.addWidget(panel)
    assert not panel.print_button.isEnabled()
    qtbot.mouseClick(panel.make_button, Qt.MouseButton.LeftButton)
    wait_for_task(qtbot, panel)
    assert panel.print_button.isEnabled()
    assert panel.print_document(ask=lambda printer: False) == 0
    assert log_entries(ctx, "document.print") == []
