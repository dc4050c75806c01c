"""Two laptops change the same cases offline: both versions kept, the user chooses in a dialog."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.conftest import TODAY
from tests.synckit import SERVER_URL
from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.ui.case_view import CaseViewWidget
from wmo_desk.ui.conflict_dialog import ConflictDialog
from wmo_desk.ui.display import moment
from wmo_desk.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("quiet_sync")

HOLD_REASON = "Cliënt ligt in het ziekenhuis"
HOLD_TEXT = f"23-11-2026 – nu: {HOLD_REASON}"


def signed_in(desktops, ctx, username: str):
    desktops.sign_in(ctx, username)
    ctx.remember_server(SERVER_URL)
    return ctx


def sync(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(
        window.sync_panel.running_changed, timeout=60_000, check_params_cb=lambda r: r is False
    ):
        window.sync_action.trigger()


def rows(view) -> list[list[str]]:
    model = view.model()
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def field_row(dialog: ConflictDialog, label: str) -> list[str]:
    return next(r for r in rows(dialog.fields) if r[0] == label)


@pytest.fixture
def laptops(desktops):
    """Sanne on her laptop (the demo) and on the office pc, both synced, then three cases
    changed on both while offline: the laptop puts them on hold, the pc starts the onderzoek."""
    laptop = signed_in(desktops, desktops.open("laptop", demo=True), "sanne")
    laptop.sync.sync()
    pc = signed_in(desktops, desktops.open("pc", user="Sanne de Wit"), "sanne")
    pc.sync.sync()
    melding = [
        s
        for s in laptop.caseload.summaries(CaseloadFilter("0828", stage=Stage.MELDING))
        if not s.on_hold
    ][:3]
    assert len(melding) == 3
    for s in melding:
        laptop.cases.hold(s.case_id, TODAY, HOLD_REASON)
        pc.cases.move(s.case_id, Stage.ONDERZOEK, TODAY)
    assert laptop.sync.sync().new_conflicts == 0
    return laptop, pc, [(s.case_id, s.client_name) for s in melding]


def test_both_versions_shown_and_each_choice_converges(qtbot, laptops):
    laptop, pc, cases = laptops
    window = MainWindow(pc)
    qtbot.addWidget(window)
    panel = window.sync_panel
    sync(qtbot, window)
    assert "3 nieuwe conflicten" in panel.message.toolTip()
    assert panel.conflicts.isVisibleTo(window)
    assert panel.conflicts.text() == "⚠ 3 conflicten"
    # the caseload flags the three cases, and only those
    model = window.caseload.model
    flagged = {
        model.index(r, 0).data()
        for r in range(model.rowCount())
        if model.index(r, 3).data().endswith("⚠ conflict")
    }
    assert flagged == {name for _id, name in cases}
    row = model.row_of(cases[0][0])
    assert model.index(row, 3).data() == "Onderzoek  ⚠ conflict"
    assert "twee versies" in model.index(row, 3).data(Qt.ItemDataRole.ToolTipRole)

    qtbot.mouseClick(panel.conflicts, Qt.MouseButton.LeftButton)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ConflictDialog)
    listed = rows(dialog.list)
    assert sorted(r[1] for r in listed) == sorted(name for _id, name in cases)
    assert {(r[0], r[3]) for r in listed} == {("Casus", "Twee versies")}
    # when it was found, as the status bar says times (the storage stamps it with the wall clock)
    found = {moment(c.detected_at, TODAY) for c in pc.sync.conflicts()}
    assert {r[2] for r in listed} <= found and all(re.search(r"\d\d:\d\d$", t) for t in found)

    def choose(case_name: str) -> None:
        dialog.list.selectRow(next(i for i, r in enumerate(rows(dialog.list)) if r[1] == case_name))

    by_name = dict((name, cid) for cid, name in cases)
    first, second, third = (name for _id, name in cases)

    # 1: the server's version (the laptop's hold) wins
    choose(first)
    assert dialog.fields.model().headers == (
        "Veld",
        "Mijn versie",
        "Versie op de server",
        "Server nemen",
    )
    assert field_row(dialog, "Fase")[:3] == ["Fase", "Onderzoek", "Melding"]
    assert field_row(dialog, "Opschortingen")[:3] == ["Opschortingen", "—", HOLD_TEXT]
    hulpvraag = field_row(dialog, "Hulpvraag")
    assert hulpvraag[1] == hulpvraag[2]  # the same in both: shown, not highlighted
    assert "Fase, Opschortingen" in dialog.explanation.text()
    assert not dialog.merge_button.isEnabled()
    qtbot.mouseClick(dialog.server_button, Qt.MouseButton.LeftButton)
    assert "niets verloren" in dialog.outcome.text()
    assert len(rows(dialog.list)) == 2
    case = pc.cases.view(by_name[first]).case
    assert case.stage is Stage.MELDING and case.current_hold.reason == HOLD_REASON

    # 2: this pc's version (the onderzoek) stays and goes to the server next time
    choose(second)
    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    assert dialog.outcome.text().startswith("Uw versie blijft staan.")
    assert "volgende synchronisatie" in dialog.outcome.text()
    case = pc.cases.view(by_name[second]).case
    assert case.stage is Stage.ONDERZOEK and not case.is_on_hold

    # 3: merged, keyboard only: the hold from the server, the onderzoek from here
    choose(third)
    fields = dialog.fields
    hold_row = next(i for i, r in enumerate(rows(fields)) if r[0] == "Opschortingen")
    fields.setFocus()
    fields.setCurrentIndex(fields.model().index(hold_row, 3))
    qtbot.keyClick(fields, Qt.Key.Key_Space)
    assert fields.model().take_server == {"holds"}
    assert dialog.merge_button.isEnabled()
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert dialog.outcome.text().startswith("Samengevoegd.")
    case = pc.cases.view(by_name[third]).case
    assert case.stage is Stage.ONDERZOEK and case.current_hold.reason == HOLD_REASON

    assert rows(dialog.list) == []
    assert dialog.explanation.text() == "Er zijn geen open conflicten."
    dialog.reject()
    assert not panel.conflicts.isVisibleTo(window)
    assert not any(model.index(r, 3).data().endswith("⚠ conflict") for r in range(model.rowCount()))

    # the next syncs bring both computers to the same cases
    assert panel.pending.text() == "2 wijzigingen te versturen"
    sync(qtbot, window)
    assert panel.pending.text() == "0 wijzigingen te versturen"
    report = laptop.sync.sync()
    assert report.new_conflicts == 0
    for case_id, _name in cases:
        mine, theirs = pc.cases.view(case_id).case, laptop.cases.view(case_id).case
        assert (mine.stage, mine.holds) == (theirs.stage, theirs.holds)
    assert laptop.sync.status().conflicts == 0 and pc.sync.status().conflicts == 0


def test_the_case_view_flags_the_conflict_and_opens_it(qtbot, laptops):
    _laptop, pc, cases = laptops
    window = MainWindow(pc)
    qtbot.addWidget(window)
    sync(qtbot, window)
    case_id, name = cases[0]
    view = window.open_case(case_id)
    assert isinstance(view, CaseViewWidget)
    assert view.conflict_banner.isVisibleTo(view)
    banner = view.conflict_banner.findChild(type(window.caseload.count), "conflict_text")
    assert "Deze casus heeft een synchronisatieconflict" in banner.text()
    assert "Fase:</b> Onderzoek" in view.stage_label.text()
    qtbot.mouseClick(view.conflict_button, Qt.MouseButton.LeftButton)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ConflictDialog)
    assert dialog.windowTitle() == f"Synchronisatieconflicten — {name}"
    assert [r[1] for r in rows(dialog.list)] == [name]
    qtbot.mouseClick(dialog.server_button, Qt.MouseButton.LeftButton)
    dialog.reject()
    # the open case shows the version taken, and the flag is gone
    assert not view.conflict_banner.isVisibleTo(view)
    assert "Fase:</b> Melding" in view.stage_label.text()
    assert "Opgeschort" in view.stage_label.text()
    assert window.sync_panel.conflicts.text() == "⚠ 2 conflicten"


def test_a_refused_change_is_explained_and_only_read(qtbot, desktops):
    sanne = signed_in(desktops, desktops.open("sanne", demo=True), "sanne")
    sanne.sync.sync()
    ruud = signed_in(
        desktops, desktops.open("ruud", role="teamleider", user="Ruud Verhoeven"), "ruud"
    )
    ruud.sync.sync()
    users = {u.name: u.id for u in ruud.profiles.users()}
    case = sanne.caseload.summaries(CaseloadFilter("0828", stage=Stage.ONDERZOEK))[0]
    ruud.cases.reassign(case.case_id, users["Ahmed Yilmaz"])
    ruud.sync.sync()
    sanne.cases.hold(case.case_id, TODAY, HOLD_REASON)
    window = MainWindow(sanne)
    qtbot.addWidget(window)
    sync(qtbot, window)
    assert "geweigerd door de server" in window.sync_panel.message.toolTip()
    dialog = window.open_conflicts()
    listed = rows(dialog.list)
    assert ["Casus", case.client_name] in [r[:2] for r in listed]
    assert {r[3] for r in listed} == {"Geweigerd door de server"}
    dialog.list.selectRow(next(i for i, r in enumerate(listed) if r[0] == "Casus"))
    assert "De casus is niet (meer) aan u toegewezen." in dialog.explanation.text()
    assert dialog.read_button.isVisibleTo(dialog)
    for button in (dialog.keep_button, dialog.server_button, dialog.merge_button):
        assert not button.isVisibleTo(dialog)
    assert not dialog.fields.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.read_button, Qt.MouseButton.LeftButton)
    assert dialog.outcome.text().startswith("Gelezen.")
    assert len(rows(dialog.list)) == len(listed) - 1
    dialog.reject()


def test_a_row_held_back_by_the_record_rules_says_what_to_correct(qtbot, demo_ctx):
    from sqlalchemy import update

    from wmo_desk.storage.repositories.sync import SyncRepository
    from wmo_desk.storage.tables import ClientRow

    with demo_ctx.db.session() as session:
        client = session.query(ClientRow).order_by(ClientRow.id).first()
        session.execute(update(ClientRow).where(ClientRow.id == client.id).values(postcode="53 41"))
    with demo_ctx.db.session() as session:
        SyncRepository(session).prepare_outbox()
    dialog = ConflictDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.list.selectRow(0)
    assert dialog.list.model().index(0, 3).data() == "Niet verstuurd"
    text = dialog.explanation.text()
    assert "nog niet verstuurd" in text and "Postcode:" in text and "Verbeter de gegevens" in text
    assert "De server heeft" not in text
    assert dialog.read_button.isVisibleTo(dialog) and not dialog.keep_button.isVisibleTo(dialog)
