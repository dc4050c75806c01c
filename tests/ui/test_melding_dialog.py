"""Nieuwe melding, driven like a user: type, submit, see the row; bad input, see the message."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from tests.ui.conftest import close_without_asking
from wmo_desk.storage.tables import CaseRow, ClientRow
from wmo_desk.ui.main_window import MainWindow
from wmo_desk.ui.melding_dialog import MeldingDialog


def count(ctx, table) -> int:
    with ctx.db.session() as s:
        return s.scalar(select(func.count()).select_from(table))


def fill(qtbot, dialog: MeldingDialog, bsn: str = "999991772") -> None:
    qtbot.keyClicks(dialog.bsn, bsn)
    qtbot.keyClicks(dialog.initials, "H.")
    qtbot.keyClicks(dialog.first_names, "Hendrika")
    qtbot.keyClicks(dialog.prefix, "van der")
    qtbot.keyClicks(dialog.surname, "Steen")
    dialog.birth_date.setFocus()
    qtbot.keyClicks(dialog.birth_date.line, "14021941")  # typed as digits, as a consultant does
    qtbot.keyClicks(dialog.street, "Begijnenstraat")
    qtbot.keyClicks(dialog.house_number, "7")
    qtbot.keyClicks(dialog.postcode, "5341 ca")
    qtbot.keyClicks(dialog.place, "Oss")
    qtbot.keyClicks(dialog.phone, "0412-123456")
    qtbot.keyClicks(dialog.request_text, "Ik kan de trap niet meer op en het huishouden lukt niet.")


def test_register_a_melding_and_see_the_row(qtbot, demo_ctx):
    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    before = window.caseload.model.rowCount()
    dialog = MeldingDialog(demo_ctx, window)
    qtbot.addWidget(dialog, before_close_func=close_without_asking)
    fill(qtbot, dialog)
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == MeldingDialog.DialogCode.Accepted
    window.caseload.model.reload()
    model = window.caseload.model
    assert model.rowCount() == before + 1
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "Steen, H. van der" in names
    row = names.index("Steen, H. van der")
    assert model.index(row, 1).data() == "******772"
    assert model.index(row, 2).data() == "5341 CA"
    assert model.index(row, 3).data() == "Melding"
    assert model.index(row, 4).data().startswith("Persoonlijk plan: ")


def test_bad_bsn_shows_the_message_at_the_field_and_saves_nothing(qtbot, demo_ctx):
    clients, cases = count(demo_ctx, ClientRow), count(demo_ctx, CaseRow)
    dialog = MeldingDialog(demo_ctx)
    qtbot.addWidget(dialog, before_close_func=close_without_asking)
    fill(qtbot, dialog, bsn="123456789")
    dialog.postcode.clear()
    qtbot.keyClicks(dialog.postcode, "5341 SS")
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != MeldingDialog.DialogCode.Accepted
    errors = dialog.rows.visible_errors()
    assert set(errors) == {"bsn", "postcode"}
    assert "elfproef" in errors["bsn"]
    assert "SS" in errors["postcode"]
    assert dialog.focusWidget() is dialog.bsn or not dialog.isVisible()
    assert count(demo_ctx, ClientRow) == clients
    assert count(demo_ctx, CaseRow) == cases
    # correcting the field clears its message
    dialog.bsn.clear()
    qtbot.keyClicks(dialog.bsn, "999991772")
    assert "bsn" not in dialog.rows.visible_errors()


def test_known_bsn_fills_the_form_and_reuses_the_client(qtbot, demo_ctx):
    from wmo_desk.services.demo import demo_bsn

    known = demo_bsn(0)
    clients = count(demo_ctx, ClientRow)
    dialog = MeldingDialog(demo_ctx)
    qtbot.addWidget(dialog, before_close_func=close_without_asking)
    qtbot.keyClicks(dialog.bsn, known)
    dialog.bsn.editingFinished.emit()
    assert dialog.known_label.isVisibleTo(dialog)
    assert "al bekend" in dialog.known_label.text()
    assert dialog.surname.text() != ""
    qtbot.keyClicks(dialog.request_text, "Nieuwe hulpvraag: vervoer naar de dagbesteding.")
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == MeldingDialog.DialogCode.Accepted
    assert count(demo_ctx, ClientRow) == clients


def test_cancel_with_typed_data_asks_first(qtbot, demo_ctx, answer_modal):
    dialog = MeldingDialog(demo_ctx)
    qtbot.addWidget(dialog, before_close_func=close_without_asking)
    dialog.show()
    qtbot.keyClicks(dialog.surname, "Steen")
    seen = answer_modal(lambda box: box.button(QMessageBox.StandardButton.Cancel).click())
    dialog.reject()
    assert seen == ["Melding niet opslaan?"]
    assert dialog.isVisible()
    # answering "Niet opslaan" closes it
    answer_modal(lambda box: box.button(QMessageBox.StandardButton.Discard).click())
    dialog.reject()
    assert not dialog.isVisible()


def test_a_new_melding_guesses_no_sex(qtbot, demo_ctx):
    from wmo_desk.domain.clients import Sex

    dialog = MeldingDialog(demo_ctx)
    qtbot.addWidget(dialog, before_close_func=close_without_asking)
    assert dialog.sex.currentData() == Sex.ONBEKEND and dialog.sex.currentText() == "Onbekend"


def test_a_long_street_asks_for_the_brp_short_name_which_the_wmo301_carries(qtbot, demo_ctx):
    from wmo_desk.services.decision_documents import _identity
    from wmo_desk.storage.repositories.clients import ClientRepository

    dialog = MeldingDialog(demo_ctx)
    qtbot.addWidget(dialog, before_close_func=close_without_asking)
    dialog.show()
    fill(qtbot, dialog)
    assert not dialog.street_short.isVisible()  # Begijnenstraat fits in a message
    dialog.street.clear()
    qtbot.keyClicks(dialog.street, "Burgemeester van Mierlostraat")
    assert dialog.street_short.isVisible()
    assert dialog.street_short.accessibleName() == "Korte straatnaam (BRP)"
    clients = count(demo_ctx, ClientRow)
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != MeldingDialog.DialogCode.Accepted
    assert "korte straatnaam uit de BRP" in dialog.rows.visible_errors()["street_short"]
    assert dialog.focusWidget() is dialog.street_short
    assert count(demo_ctx, ClientRow) == clients  # nothing saved
    qtbot.keyClicks(dialog.street_short, "Burg van Mierlostr")
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == MeldingDialog.DialogCode.Accepted
    with demo_ctx.db.session() as s:
        row = s.scalars(select(ClientRow).where(ClientRow.bsn == "999991772")).one()
        assert (row.street, row.street_short) == (
            "Burgemeester van Mierlostraat",
            "Burg van Mierlostr",
        )
        client = ClientRepository(s).get(row.id)
    assert _identity(client).address.street == "Burg van Mierlostr"
