"""Signaal melden from a case, as a consultant fills it in, and Mijn signalen with the status
the meldpunt set, after a sync against a real server."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime

from PySide6.QtCore import Qt

from tests.services.test_documents import a_case
from tests.services.test_signals import _meldpunt, _publish_catalogue
from tests.ui.test_confirmations import press
from wmo_desk.domain.signals import SignalStatus
from wmo_desk.ui.case_view import CaseViewWidget
from wmo_desk.ui.fields import set_date
from wmo_desk.ui.signals_view import SignalsDialog

# WMO_DESK_SHOTS=/some/dir saves what the dialogs look like (to look at, never committed)
SHOTS = os.environ.get("WMO_DESK_SHOTS")


def _shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, f"{name}.png"))


def open_dialog(qtbot, ctx):
    case_id = a_case(ctx)
    view = CaseViewWidget(ctx, case_id)
    qtbot.addWidget(view)
    view.show()
    dialog = view.report_signal()
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    return view, dialog, case_id


def fill(dialog, text="De begeleider kwam drie afspraken niet, zonder bericht aan de cliënt."):
    dialog.provider.setCurrentIndex(1)
    dialog.what_happened.setPlainText(text)


def test_empty_fields_are_said_at_the_fields_and_a_filled_signal_is_saved(qtbot, demo_ctx):
    view, dialog, case_id = open_dialog(qtbot, demo_ctx)
    assert dialog.windowTitle() == "Signaal melden"
    set_date(dialog.occurred_on, None)
    dialog.submit_button.click()
    errors = dialog.rows.visible_errors()
    assert errors["provider"] == "Kies de aanbieder waarover u een signaal meldt."
    assert errors["what_happened"] == "Beschrijf wat er is gebeurd."
    assert errors["occurred_on"] == "Vul de datum in waarop het gebeurde."
    assert dialog.isVisible() and demo_ctx.signals.mine() == []
    _shot(dialog, "signaal-melden-fouten")
    # every field is named for a screen reader and its label's Alt letter reaches it
    for name in ("provider", "kind", "occurred_on", "what_happened", "consent_on"):
        assert dialog.rows.widgets[name].accessibleName()
    fill(dialog)
    set_date(dialog.occurred_on, date(2026, 11, 20))
    assert dialog.rows.visible_errors() == {}
    assert dialog.counter.text().endswith("van 4000 tekens")
    _shot(dialog, "signaal-melden")
    with qtbot.waitSignal(dialog.saved):
        dialog.submit_button.click()
    assert not dialog.isVisible()
    [saved] = demo_ctx.signals.mine()
    assert saved.case_id == case_id and saved.client_id is None
    assert saved.provider_id == dialog.provider.itemData(1)
    assert "volgende synchronisatie" in view.feedback.text()


def test_linking_the_client_needs_a_consent_date_and_a_confirmation(qtbot, demo_ctx, answer_modal):
    _view, dialog, case_id = open_dialog(qtbot, demo_ctx)
    fill(dialog)
    assert not dialog.consent_on.isEnabled()
    dialog.link_client.setChecked(True)
    assert dialog.consent_on.isEnabled()
    dialog.submit_button.click()
    assert "toestemming" in dialog.rows.visible_errors()["consent_on"]
    set_date(dialog.consent_on, date(2026, 11, 21))
    # cancelled: nothing saved
    seen = answer_modal(press("Annuleren"))
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == ["Cliënt koppelen?"] and demo_ctx.signals.mine() == []
    asked: list[str] = []
    answer_modal(press("&Koppelen en opslaan", asked))
    with qtbot.waitSignal(dialog.saved):
        dialog.submit_button.click()
    assert "21 november 2026" in asked[0] and "geen naam of BSN" in asked[0]
    [saved] = demo_ctx.signals.mine()
    assert saved.client_id == demo_ctx.cases.view(case_id).client.id
    assert saved.consent_on == date(2026, 11, 21)


def test_my_signals_show_the_status_after_a_sync(qtbot, desktops, server):
    _publish_catalogue(server)
    desk = _meldpunt(server)
    sanne = desktops.open("sanne", demo=True)
    _view, dialog, _case = open_dialog(qtbot, sanne)
    fill(dialog)
    with qtbot.waitSignal(dialog.saved):
        dialog.submit_button.click()
    listing = SignalsDialog(sanne)
    qtbot.addWidget(listing)
    assert listing.model.text(listing.model.rows[0], 3) == "Nog niet verzonden"

    desktops.sign_in(sanne, "sanne")
    sanne.sync.sync()
    from wmo_desk.server.signals_api import change_status

    change_status(
        server.app.state.db,
        desk,
        uuid.UUID(dialog.signal_id),
        SignalStatus.IN_BEHANDELING,
        "Aanbieder gebeld.",
        datetime(2026, 11, 23, 15, 0, tzinfo=UTC),
    )
    sanne.sync.sync()
    listing = SignalsDialog(sanne)
    qtbot.addWidget(listing)
    listing.show()
    qtbot.waitExposed(listing)
    status = listing.model.index(0, 3).data(Qt.ItemDataRole.DisplayRole)
    assert status.startswith("In behandeling (sinds ")
    listing.table.selectRow(0)
    assert "drie afspraken niet" in listing.detail.text()
    assert "Status: In behandeling" in listing.detail.text()
    assert listing.empty.isHidden()
    _shot(listing, "mijn-signalen")
