"""The sync in the status bar against an in-process regional server, driven like a user."""

from __future__ import annotations

import re
import socket

import httpx
import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from tests.fakes import GatedHttp
from tests.synckit import PASSWORD, SERVER_URL
from tests.ui.conftest import queue_read
from tests.ui.test_confirmations import press
from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.server import auth
from wmo_desk.ui import sync_panel
from wmo_desk.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("quiet_sync")

LAST_SYNC = re.compile(r"Laatst gesynchroniseerd: vandaag \d\d:\d\d")


def signed_in(desktops, ctx, username: str):
    desktops.sign_in(ctx, username)
    ctx.remember_server(SERVER_URL)
    return ctx


def open_window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    return window


def sync(qtbot, window: MainWindow) -> None:
    """Synchroniseren, as from the menu, and wait until the worker is done."""
    with qtbot.waitSignal(
        window.sync_panel.running_changed, timeout=60_000, check_params_cb=lambda r: r is False
    ):
        window.sync_action.trigger()


def names(window: MainWindow) -> list[str]:
    model = window.caseload.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_a_fresh_demo_profile_is_offline_and_has_everything_to_send(qtbot, desktops):
    ctx = desktops.open("sanne", demo=True)
    window = open_window(qtbot, ctx)
    panel = window.sync_panel
    pending = ctx.sync.status().pending
    assert pending > 30
    assert panel.state.text() == "Offline · niet aangemeld"
    assert panel.last_sync.text() == "Nog niet gesynchroniseerd"
    assert panel.pending.text() == f"{pending:,} wijzigingen te versturen".replace(",", ".")
    assert not panel.conflicts.isVisibleTo(window)
    assert not panel.progress.isVisibleTo(window)
    assert window.sync_action.text() == "S&ynchroniseren"
    assert QKeySequence("Ctrl+Shift+S") in window.sync_action.shortcuts()
    # Synchroniseren without a sign-in says what to do and offers it
    window.sync_action.trigger()
    assert panel.message.text() == "Meld u eerst aan om te synchroniseren"
    assert panel.sign_in_button.isVisibleTo(window)
    assert not panel.running


def test_signing_in_starts_a_sync_and_the_status_bar_follows(qtbot, desktops, answer_modal):
    ctx = desktops.open("sanne", demo=True)
    window = open_window(qtbot, ctx)
    panel = window.sync_panel

    def fill(dialog):
        dialog.server.setText(SERVER_URL)
        dialog.username.setText("sanne")
        dialog.password.setText(PASSWORD)
        dialog.ok_button.click()

    seen = answer_modal(fill)
    with qtbot.waitSignal(panel.running_changed, timeout=60_000, check_params_cb=lambda r: not r):
        assert window.sign_in()
    assert seen == ["Aanmelden bij de regionale server"]
    assert panel.state.text() == "Online"
    assert panel.state.toolTip() == "Aangemeld als Sanne de Wit"
    assert LAST_SYNC.fullmatch(panel.last_sync.text())
    assert panel.pending.text() == "0 wijzigingen te versturen"
    assert re.fullmatch(r"Klaar: \d+ verstuurd", panel.message.text())
    assert panel.message.toolTip().startswith("Gesynchroniseerd: ")
    # Mijn dossiers follows the server identity the sign-in gave this user
    assert window.caseload.model.rowCount() == 27


def test_the_window_stays_responsive_while_the_sync_runs(qtbot, desktops, server):
    ctx = desktops.open("sanne", demo=True)
    gated = GatedHttp(server.http)
    ctx.http = gated
    signed_in(desktops, ctx, "sanne")
    window = open_window(qtbot, ctx)
    panel = window.sync_panel
    pending = ctx.sync.status().pending
    assert panel.state.text() == "Online"
    assert panel.state.toolTip() == "Aangemeld als Sanne de Wit"
    assert panel.last_sync.text() == "Nog niet gesynchroniseerd"

    gated.gate.clear()
    window.sync_action.trigger()
    assert panel.running
    assert panel.progress.isVisibleTo(window)
    assert not window.sync_action.isEnabled()
    # the worker reports its progress while it waits for the server ...
    qtbot.waitUntil(gated.waiting.is_set)
    qtbot.waitUntil(lambda: panel.progress.maximum() == pending)
    assert panel.message.text() == "Versturen…"
    # ... and meanwhile the window answers: the search filters the caseload
    first = names(window)[0]
    surname = first.split(",")[0]
    qtbot.keyClicks(window.caseload.search, surname)
    qtbot.waitUntil(lambda: all(n.startswith(surname) for n in names(window)))
    assert panel.running and panel.pending.text().endswith("wijzigingen te versturen")

    with qtbot.waitSignal(panel.running_changed, timeout=60_000, check_params_cb=lambda r: not r):
        gated.gate.set()
    assert not panel.progress.isVisibleTo(window)
    assert window.sync_action.isEnabled()
    assert panel.state.text() == "Online"
    assert panel.state.toolTip() == "Aangemeld als Sanne de Wit"
    assert LAST_SYNC.fullmatch(panel.last_sync.text())
    assert panel.pending.text() == "0 wijzigingen te versturen"
    assert panel.message.text() == f"Klaar: {pending} verstuurd"
    assert panel.message.toolTip() == (
        f"Gesynchroniseerd: {pending} wijzigingen verstuurd, 0 wijzigingen ontvangen."
    )


def test_an_unreachable_server_means_offline_and_nothing_is_lost(qtbot, desktops):
    ctx = signed_in(desktops, desktops.open("sanne", demo=True), "sanne")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    ctx.remember_server(f"http://127.0.0.1:{closed_port}")
    with httpx.Client(timeout=5) as real_http:
        ctx.http = real_http
        window = open_window(qtbot, ctx)
        panel = window.sync_panel
        before = panel.pending.text()
        sync(qtbot, window)
    assert QApplication.activeModalWidget() is None
    assert panel.state.text() == "Offline"
    assert "niet bereikbaar" in panel.state.toolTip()
    assert panel.message.text() == "Server niet bereikbaar"
    assert "offline doorwerken" in panel.message.toolTip()
    assert panel.pending.text() == before
    assert panel.last_sync.text() == "Nog niet gesynchroniseerd"
    assert window.sync_action.isEnabled()


def test_a_revoked_sign_in_asks_to_sign_in_again(qtbot, desktops, server, answer_modal):
    ctx = signed_in(desktops, desktops.open("sanne", demo=True), "sanne")
    window = open_window(qtbot, ctx)
    panel = window.sync_panel
    with server.app.state.db.session_scope() as session:
        auth.revoke_sessions(session, "sanne")
    texts: list[str] = []

    def sign_in_again(dialog):
        dialog.server.setText(SERVER_URL)
        dialog.username.setText("sanne")
        dialog.password.setText(PASSWORD)
        dialog.ok_button.click()

    def answer(box: QMessageBox):
        texts.append(box.text())
        later.append(answer_modal(sign_in_again))
        next(b for b in box.buttons() if b.text() == "&Opnieuw aanmelden…").click()

    later: list[list[str]] = []
    seen = answer_modal(answer)
    # the refusal, then the sign-in dialog, then the sync after the new sign-in
    with qtbot.waitSignal(panel.running_changed, timeout=60_000, check_params_cb=lambda r: not r):
        window.sync_action.trigger()
    qtbot.waitUntil(lambda: not panel.running and bool(LAST_SYNC.fullmatch(panel.last_sync.text())))
    assert seen == ["Aanmelding ingetrokken"]
    assert later == [["Aanmelden bij de regionale server"]]
    assert texts == ["Uw aanmelding is ingetrokken. Neem contact op met de beheerder."]
    assert panel.state.text() == "Online"
    assert panel.state.toolTip() == "Aangemeld als Sanne de Wit"
    assert panel.pending.text() == "0 wijzigingen te versturen"


def test_an_automatic_sync_that_finds_the_sign_in_expired_only_says_so(qtbot, desktops, server):
    ctx = signed_in(desktops, desktops.open("sanne", demo=True), "sanne")
    window = open_window(qtbot, ctx)
    panel = window.sync_panel
    with server.app.state.db.session_scope() as session:
        auth.revoke_sessions(session, "sanne")
    with qtbot.waitSignal(panel.running_changed, timeout=60_000, check_params_cb=lambda r: not r):
        panel.auto_timer.timeout.emit()
    assert QApplication.activeModalWidget() is None
    assert panel.message.text() == "Aanmelding ingetrokken"
    assert panel.state.text() == "Offline · niet aangemeld"
    assert panel.sign_in_button.isVisibleTo(window)
    assert panel.sign_in_button.text() == "Opnieuw aanmelden…"
    # the token is forgotten: the timer does not try it again
    assert not ctx.sync.status().signed_in
    panel.auto_timer.timeout.emit()
    assert not panel.running


def test_the_timer_syncs_by_itself(qtbot, desktops, monkeypatch):
    monkeypatch.setattr(sync_panel, "AUTO_SYNC_MS", 50)
    monkeypatch.setattr(sync_panel, "DONE_MESSAGE_MS", 50)
    ctx = signed_in(desktops, desktops.open("sanne", demo=True), "sanne")
    window = open_window(qtbot, ctx)
    panel = window.sync_panel
    assert panel.auto_timer.interval() == 50
    qtbot.waitUntil(lambda: bool(LAST_SYNC.fullmatch(panel.last_sync.text())), timeout=60_000)
    panel.auto_timer.stop()
    qtbot.waitUntil(lambda: not panel.running, timeout=60_000)
    # the "Klaar" line goes away after a while; the counts stay
    qtbot.waitUntil(lambda: not panel.message.isVisibleTo(window))
    assert panel.pending.text() == "0 wijzigingen te versturen"


def test_closing_the_window_stops_a_running_sync(qtbot, desktops, server):
    ctx = desktops.open("sanne", demo=True)
    gated = GatedHttp(server.http)
    ctx.http = gated
    signed_in(desktops, ctx, "sanne")
    window = open_window(qtbot, ctx)
    panel = window.sync_panel
    gated.gate.clear()
    window.sync_action.trigger()
    qtbot.waitUntil(gated.waiting.is_set)
    gated.gate.set()
    window.close()
    assert not panel.running
    assert panel.message.text() == "Synchronisatie gestopt"
    # stopped after the batch on its way (the server confirmed it: kept), before the pull
    assert panel.last_sync.text() == "Nog niet gesynchroniseerd"
    assert panel.pending.text() == "0 wijzigingen te versturen"


def test_team_view_after_sync_and_a_reassignment_reaches_the_consultant(qtbot, desktops):
    sanne = signed_in(desktops, desktops.open("sanne", demo=True), "sanne")
    assert sanne.sync.sync().refused == 0
    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    lead = open_window(qtbot, ruud)
    panel = lead.caseload
    assert panel.scope.currentText() == "Alle dossiers van de gemeente"
    assert panel.model.rowCount() == 0
    signed_in(desktops, ruud, "ruud")
    sync(qtbot, lead)
    assert lead.sync_panel.state.text() == "Online"
    assert lead.sync_panel.state.toolTip() == "Aangemeld als Ruud Verhoeven"
    assert panel.model.rowCount() == 27
    assert panel.count.text() == "27 dossiers"
    scopes = [panel.scope.itemText(i) for i in range(panel.scope.count())]
    assert "Dossiers van Sanne de Wit" in scopes and "Dossiers van Ahmed Yilmaz" in scopes
    panel.scope.setCurrentIndex(panel.scope.findText("Dossiers van Sanne de Wit"))
    assert panel.model.rowCount() == 27
    assert {panel.model.index(r, 6).data() for r in range(27)} == {"Sanne de Wit"}
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.AANVRAAG))
    assert panel.model.rowCount() == 5
    assert {panel.model.index(r, 3).data() for r in range(5)} == {Stage.AANVRAAG.label}

    panel.table.selectRow(0)
    client = panel.model.index(0, 0).data()
    ahmed_id = panel.scope.itemData(panel.scope.findText("Dossiers van Ahmed Yilmaz"))
    panel.reassign(ahmed_id)
    assert panel.model.rowCount() == 4
    assert lead.sync_panel.pending.text() != "0 wijzigingen te versturen"
    sync(qtbot, lead)
    assert lead.sync_panel.pending.text() == "0 wijzigingen te versturen"

    ahmed = desktops.open("ahmed", user="Ahmed Yilmaz")
    window = open_window(qtbot, ahmed)
    assert names(window) == []
    signed_in(desktops, ahmed, "ahmed")
    sync(qtbot, window)
    assert names(window) == [client]
    assert window.caseload.model.index(0, 6).data() == "Ahmed Yilmaz"
    view = window.open_case(window.caseload.selected_case_id())
    assert view.view.timeline[-1].text == "Toegewezen aan Ahmed Yilmaz"


def test_the_conflict_count_opens_the_conflicts(qtbot, desktops):
    ctx = desktops.open("sanne", demo=True)
    window = open_window(qtbot, ctx)
    button = window.sync_panel.conflicts
    assert isinstance(button, QPushButton) and not button.isVisibleTo(window)
    assert window.conflicts_action.text() == "Con&flicten oplossen…"
    window.conflicts_action.trigger()
    dialog = QApplication.activeModalWidget()
    assert dialog is not None and dialog.windowTitle() == "Synchronisatieconflicten"
    assert dialog.explanation.text() == "Er zijn geen open conflicten."
    dialog.reject()


def test_a_role_chosen_at_the_first_start_is_unconfirmed_until_sign_in(qtbot, desktops):
    ctx = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    window = open_window(qtbot, ctx)
    assert "(Teamleider, niet bevestigd)" in window.statusBar().currentMessage()
    # a real profile has no local switch of user: that is for the demo only
    assert [a.text() for a in window.user_menu.actions()] == ["&Mijn gegevens…"]
    signed_in(desktops, ctx, "ruud")
    confirmed = open_window(qtbot, ctx)
    message = confirmed.statusBar().currentMessage()
    assert "Ruud Verhoeven (Teamleider)" in message and "niet bevestigd" not in message


def test_a_team_lead_approves_through_the_server_and_the_final_decision_is_sent(
    qtbot, desktops, server, answer_modal
):
    from datetime import date

    from wmo_desk.domain.decisions import DecisionOutcome, DeliveryForm, Provision

    sanne = signed_in(desktops, desktops.open("sanne", demo=True), "sanne")
    case_id = sanne.caseload.case_ids(CaseloadFilter("0828", stage=Stage.AANVRAAG))[0]
    catalogue = sanne.catalogues.current()
    product = next(p for p in catalogue.products if p.care_form == "dagbesteding")
    provider = next(p for p in catalogue.providers if product.code in p.product_codes)
    d = sanne.decisions.propose(case_id, DecisionOutcome.TOEGEKEND, "Zie verslag.")
    provision = Provision(
        decision_id=d.id, product_code=product.code, result="Structuur",
        start=date(2026, 12, 1), end=date(2027, 5, 31), delivery_form=DeliveryForm.NATURA,
        volume=2, unit="82", frequency="4", provider_id=provider.id,
    )  # fmt: skip
    sanne.decisions.submit(sanne.decisions.save(d, provisions=(provision,)))
    sanne.sync.sync()

    ruud = signed_in(desktops, desktops.open("ruud", role="teamleider", user="Ruud"), "ruud")
    ruud.sync.sync()
    window = open_window(qtbot, ruud)
    queue = queue_read(qtbot, window.approvals)
    assert queue.table.model().rowCount() == 1
    with qtbot.waitSignal(
        window.sync_panel.running_changed, timeout=60_000, check_params_cb=lambda r: r is False
    ):
        answer_modal(press("Besluit goedkeuren"))
        queue.approve()
    assert queue.table.model().rowCount() == 0
    [(_t, _id, _rev, stored)] = [r for r in server.records("decision") if r[1] == d.id]
    assert stored["status"] == "definitief" and stored["kenmerk"].startswith("WMO-0828-2026-")
    assert stored["approved_by"] == ruud.profile.user.id
    assert {r[3]["kind"] for r in server.records("decision_document")} >= {"beschikking"}
    assert window.sync_panel.pending.text() == "0 wijzigingen te versturen"
