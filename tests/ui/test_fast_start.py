"""A start of a set-up profile: the caseload is on screen before the services are loaded, and
the window is complete once they are (issue 14).

The window first reads through :class:`QuickScreen` (plain SQL); what needs the services is
disabled until :meth:`MainWindow.attach`, a case asked for opens then, and a search typed
meanwhile is applied then."""

from __future__ import annotations

import pytest

from wmo_desk.domain.users import Role
from wmo_desk.services.context import AppContext
from wmo_desk.services.demo import fill_demo
from wmo_desk.services.first_screen import QuickScreen
from wmo_desk.services.profile_key import ProfileKeys
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.ui.main_window import MainWindow


def _profile(folder, clock, role: Role = Role.CONSULENT):
    ctx = AppContext.open(folder, clock, backup=False)
    fill_demo(ctx)
    if role is Role.TEAMLEIDER:
        lead = next(u for u in ctx.profiles.users() if u.role is Role.TEAMLEIDER)
        ctx.activate(ctx.profiles.switch_user(lead.id))
    ctx.close()


@pytest.fixture
def started(qtbot, tmp_path, clock, quiet_sync):
    """A window on the first screen's reads, and a function that hands it the services."""
    folder = tmp_path / "profile"
    _profile(folder, clock)
    quick = QuickScreen.open(folder, ProfileKeys(folder), clock)
    assert quick is not None
    window = MainWindow(data=quick)
    qtbot.addWidget(window)
    opened: list[AppContext] = []

    def attach() -> AppContext:
        ctx = quick.open_context()()
        opened.append(ctx)
        quick.close()
        window.attach(ctx)
        return ctx

    yield window, attach
    window.close()
    quick.close()
    for ctx in opened:
        ctx.close()


def _names(window):
    model = window.caseload.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_the_caseload_is_on_screen_before_the_services_and_the_same_after(started):
    window, attach = started
    model = window.caseload.model
    assert model.rowCount() == 27 and window.caseload.count.text() == "27 dossiers"
    assert model.index(0, 1).data().startswith("******")  # the BSN masked, as always
    before = _names(window)
    line = window.statusBar().currentMessage()
    assert "Sanne de Wit (Wmo-consulent" in line and "catalogus" in line
    # what needs the services waits: the tabs beside Mijn dossiers, the sync status, actions
    assert window.tabs.count() == 1 and window.sync_panel is None
    assert not window.new_action.isEnabled() and not window.sync_action.isEnabled()
    assert window.find_action.isEnabled() and window.open_action.isEnabled()
    assert not window.ready

    ctx = attach()
    assert window.ready
    assert _names(window) == before
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Mijn dossiers",
        "Evaluaties",
    ]
    assert window.new_action.isEnabled() and window.sync_action.isEnabled()
    assert window.sync_panel is not None
    assert window.statusBar().currentMessage() == line
    # the list the consultant saw is in the access log, read again by the services
    with ctx.db.session() as session:
        logged = [e for e in AuditRepository(session).entries() if e.action == "caseload.list"]
    assert logged and logged[-1].detail == "27 resultaten"


def test_a_case_asked_for_while_loading_opens_when_the_services_are_there(qtbot, started):
    window, attach = started
    window.caseload.table.selectRow(2)
    wanted = window.caseload.selected_case_id()
    window.open_selected()
    assert window.tabs.count() == 1  # nothing to open it with yet
    attach()
    assert window.tabs.currentWidget().case_id == wanted


def test_a_search_typed_while_loading_is_applied_when_the_services_are_there(qtbot, started):
    window, attach = started
    first = _names(window)[0]
    surname = first.split(",")[0]
    qtbot.keyClicks(window.caseload.search, surname)
    qtbot.wait(400)  # past the search delay: the list waits, and keeps what was typed
    assert window.caseload.model.rowCount() == 27
    assert window.caseload.search.text() == surname
    attach()
    qtbot.waitUntil(lambda: all(n.startswith(surname) for n in _names(window)))
    assert first in _names(window)


def test_a_team_lead_gets_the_approvals_when_the_services_are_there(
    qtbot, tmp_path, clock, quiet_sync
):
    folder = tmp_path / "lead"
    _profile(folder, clock, Role.TEAMLEIDER)
    quick = QuickScreen.open(folder, ProfileKeys(folder), clock)
    window = MainWindow(data=quick)
    qtbot.addWidget(window)
    panel = window.caseload
    assert panel.scope.currentText() == "Alle dossiers van de gemeente"
    assert panel.reassign_button is not None and not panel.reassign_button.isEnabled()
    assert panel.model.rowCount() == 27
    ctx = quick.open_context()()
    try:
        quick.close()
        window.attach(ctx)
        assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
            "Mijn dossiers",
            "Evaluaties",
            "Goedkeuren",
        ]
        assert panel.reassign_button.isEnabled()
        assert window.workload_action.isEnabled()
    finally:
        window.close()
        ctx.close()


def test_a_passphrase_is_asked_once_for_the_first_screen_and_the_services(tmp_path, clock):
    folder = tmp_path / "zin"
    asked: list[int] = []

    def ask(request):
        asked.append(request.attempt)
        return "een lange goede wachtwoordzin"

    keys = ProfileKeys(folder, ask_passphrase=ask, use_keyring=False)
    ctx = AppContext.open(folder, clock, keys=keys, backup=False)
    fill_demo(ctx)
    ctx.close()
    asked.clear()

    keys = ProfileKeys(folder, ask_passphrase=ask, use_keyring=False)
    quick = QuickScreen.open(folder, keys, clock)
    assert quick is not None
    ctx = quick.open_context()()
    try:
        assert asked == [1]
        assert ctx.profile == quick.profile
    finally:
        quick.close()
        ctx.close()


def test_a_profile_not_set_up_or_not_migrated_opens_in_full(tmp_path, clock):
    folder = tmp_path / "leeg"
    assert QuickScreen.open(folder, ProfileKeys(folder), clock) is None  # no database at all
    assert not folder.exists() or not any(folder.iterdir())  # and no key was made for it
    ctx = AppContext.open(folder, clock, backup=False)
    ctx.close()
    assert QuickScreen.open(folder, ProfileKeys(folder), clock) is None  # no profile yet


def test_the_daily_backup_is_made_by_the_background_open_and_never_from_a_partial_copy(
    qtbot, started
):
    """The services' open on the worker makes the daily backup while the window only reads;
    a copy a kill interrupted (``.partial``) never counts as that day's backup."""
    from wmo_desk.services.first_screen import DATABASE_NAME
    from wmo_desk.storage.cipher import check_key, is_plaintext
    from wmo_desk.storage.database import back_up_if_due

    _window, attach = started
    ctx = attach()
    backups = ctx.folder / "backups"
    made = sorted(backups.glob("*.sqlite"))
    assert len(made) == 1  # by the open, today
    assert not is_plaintext(made[0])
    key = ctx.keys._found
    check_key(made[0], key)  # the profile's database, encrypted with its key
    path = ctx.folder / DATABASE_NAME
    assert back_up_if_due(path, key) is None  # once a day
    for old in made:
        old.unlink()
    interrupted = backups / "wmo_desk-20991231T000000000000Z.sqlite.partial"
    interrupted.write_bytes(b"half a copy")
    assert back_up_if_due(path, key) is not None
    assert len(list(backups.glob("*.sqlite"))) == 1 and not interrupted.exists()
