"""Opening, saving and printing documents happen off the GUI thread, with Dutch messages when
the disk refuses, and a way on when there is no PDF viewer (issues 13 and 14)."""

from __future__ import annotations

import errno
import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from tests.services.test_documents import final_decision, log_entries
from tests.ui.test_documents import choose_save_target, to_pdf_file
from wmo_desk.services import files
from wmo_desk.ui import document_print
from wmo_desk.ui.decision_view import DecisionPanel


def a_panel(qtbot, ctx, opener) -> DecisionPanel:
    final = final_decision(ctx)
    panel = DecisionPanel(ctx, final.case_id, opener=opener)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.document_choice.currentText() == "Beschikking (PDF)"
    return panel


def on_which_thread(monkeypatch, owner, name: str) -> list[threading.Thread]:
    """Record the thread ``owner.name`` runs on."""
    seen: list[threading.Thread] = []
    original = getattr(owner, name)

    def wrapped(*args, **kwargs):
        seen.append(threading.current_thread())
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapped)
    return seen


def test_openen_without_a_viewer_shows_where_the_copy_is_and_offers_save_as(
    qtbot, demo_ctx, monkeypatch, tmp_path, answer_modal
):
    ctx = demo_ctx
    panel = a_panel(qtbot, ctx, opener=lambda _path: False)
    written = on_which_thread(monkeypatch, ctx.documents, "open_copy")
    target = tmp_path / "beschikking.pdf"
    choose_save_target(monkeypatch, target)
    texts: list[str] = []

    def save(box: QMessageBox) -> None:
        texts.append(box.text())
        [button] = [b for b in box.findChildren(QPushButton) if b.text() == "Opslaan als…"]
        button.click()

    seen = answer_modal(save)
    qtbot.mouseClick(panel.documents_button, Qt.MouseButton.LeftButton)
    assert seen == ["Document niet geopend"]
    [copy] = (ctx.folder / "geopend").glob("*.pdf")
    assert "Er is geen programma gevonden dat" in texts[0]
    assert str(copy) in texts[0]  # the user can find the copy there
    assert written and written[0] is not threading.main_thread()
    assert target.read_bytes() == copy.read_bytes()
    assert panel.feedback.text() == f"Opgeslagen als {target}"


def test_saving_to_a_full_disk_says_so_in_dutch(
    qtbot, demo_ctx, monkeypatch, tmp_path, answer_modal
):
    ctx = demo_ctx
    panel = a_panel(qtbot, ctx, opener=lambda _path: None)
    target = tmp_path / "beschikking.pdf"
    choose_save_target(monkeypatch, target)

    def full(_fd) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    texts: list[str] = []
    seen = answer_modal(lambda box: (texts.append(box.text()), box.accept()))
    qtbot.mouseClick(panel.save_as_button, Qt.MouseButton.LeftButton)
    assert seen == ["Opslaan mislukt"]
    assert texts[0].endswith(f"kon niet worden opgeslagen in {tmp_path}: de schijf is vol.")
    assert not target.exists() and not list(tmp_path.glob(".wmo-*"))
    assert log_entries(ctx, "document.export") == []


def test_no_permission_to_write_is_said_in_dutch():
    assert files.os_reason(PermissionError(errno.EACCES, "Permission denied")) == (
        "u hebt geen toestemming om daar te schrijven"
    )
    assert files.os_reason(OSError(errno.EROFS, "Read-only file system")) == (
        "die plek is alleen-lezen"
    )


def test_printing_renders_the_pages_off_the_gui_thread(qtbot, demo_ctx, monkeypatch, tmp_path):
    ctx = demo_ctx
    panel = a_panel(qtbot, ctx, opener=lambda _path: None)
    rendered = on_which_thread(monkeypatch, document_print, "print_pdf")
    pages = panel.print_document(ask=to_pdf_file(tmp_path / "printer.pdf"))
    assert pages >= 1 and (tmp_path / "printer.pdf").stat().st_size > 0
    assert rendered and rendered[0] is not threading.main_thread()
    assert [e.detail for e in log_entries(ctx, "document.print")] == ["beschikking"]
    assert panel.print_button.isEnabled()


def test_the_copy_for_the_viewer_is_written_off_the_gui_thread(qtbot, demo_ctx, monkeypatch):
    ctx = demo_ctx
    opened: list[Path] = []
    panel = a_panel(qtbot, ctx, opener=opened.append)
    written = on_which_thread(monkeypatch, ctx.documents, "open_copy")
    qtbot.mouseClick(panel.documents_button, Qt.MouseButton.LeftButton)
    [copy] = opened
    assert copy.read_bytes().startswith(b"%PDF")
    assert written[0] is not threading.main_thread()
