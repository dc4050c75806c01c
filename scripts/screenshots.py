"""Saves offscreen screenshots of the screens to docs/screenshots/ for review (demo data)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datetime import timedelta  # noqa: E402

from PySide6.QtCore import Qt  # noqa: E402

from wmo_desk.domain.cases import Stage  # noqa: E402
from wmo_desk.domain.results import CaseResult  # noqa: E402
from wmo_desk.domain.zrm import ZRM_DOMAINS, ZrmScore  # noqa: E402
from wmo_desk.services.context import AppContext  # noqa: E402
from wmo_desk.services.demo import fill_demo  # noqa: E402
from wmo_desk.ui.app import make_application  # noqa: E402
from wmo_desk.ui.main_window import MainWindow  # noqa: E402
from wmo_desk.ui.melding_dialog import MeldingDialog  # noqa: E402
from wmo_desk.ui.setup_dialog import SetupDialog  # noqa: E402


def main(out: Path = ROOT / "docs" / "screenshots") -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = make_application([])
    from wmo_desk.services.profile_key import ProfileKeys

    folder = Path(tempfile.mkdtemp(prefix="wmo-shots-"))
    # a throwaway profile: its key stays in memory (no keyring needed)
    ctx = AppContext.open(folder, keys=ProfileKeys(folder, temporary=True))
    setup = SetupDialog(ctx)
    setup.show()
    app.processEvents()
    setup.grab().save(str(out / "setup_dialog.png"))
    setup.close()
    from wmo_desk.ui.signin_dialog import SignInDialog

    signin = SignInDialog(ctx)
    signin.show()
    signin.username.setText("sanne")
    signin.rows.show({"password": "Gebruikersnaam of wachtwoord klopt niet."})
    app.processEvents()
    signin.grab().save(str(out / "signin_dialog.png"))
    signin.done(0)
    fill_demo(ctx)
    window = MainWindow(ctx)
    window.show()
    app.processEvents()
    window.grab().save(str(out / "main_window.png"))

    dialog = MeldingDialog(ctx, window)
    dialog.show()
    dialog.bsn.setText("123456789")
    dialog.surname.setText("Steen")
    dialog.prefix.setText("van der")
    dialog.initials.setText("H.")
    dialog.postcode.setText("5341 SS")
    dialog.submit()
    app.processEvents()
    dialog.grab().save(str(out / "melding_dialog_errors.png"))
    dialog.done(0)

    panel = window.caseload
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.ONDERZOEK))
    for row in range(panel.model.rowCount()):
        if panel.model.summary(row).on_hold:
            break
    view = window.open_case(panel.model.summary(row).case_id)
    app.processEvents()
    window.grab().save(str(out / "case_view.png"))

    # the conversation, the ZRM and the results of a case in onderzoek
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.ONDERZOEK))
    case_id = next(
        panel.model.summary(r).case_id
        for r in range(panel.model.rowCount())
        if not panel.model.summary(r).on_hold
    )
    view = window.open_case(case_id)
    view.conversation.start()
    wizard = view.conversation.wizard
    wizard.step(1)
    view.sections.setCurrentWidget(view.conversation)
    app.processEvents()
    window.grab().save(str(out / "conversation_wizard.png"))
    today = ctx.clock.today()
    first = tuple(
        ZrmScore(d, {"Financiën": 2, "Sociaal netwerk": 2, "Basale ADL": 3}.get(d), "")
        for d in ZRM_DOMAINS
    )
    later = tuple(
        ZrmScore(
            d, {"Financiën": 3, "Sociaal netwerk": 3, "Basale ADL": 3, "Huisvesting": 4}.get(d), ""
        )
        for d in ZRM_DOMAINS
    )
    ctx.assessment.add_zrm(case_id, today - timedelta(days=120), first)
    ctx.assessment.add_zrm(case_id, today - timedelta(days=7), later)
    view.zrm.refresh()
    view.sections.setCurrentWidget(view.zrm)
    app.processEvents()
    window.grab().save(str(out / "zrm.png"))
    product = next(p for p in ctx.catalogues.current().products if p.care_form == "dagbesteding")
    ctx.assessment.save_result(
        CaseResult(
            case_id,
            "dagbesteding",
            "Drie dagen per week een zinvolle dag buitenshuis",
            today + timedelta(days=365),
            product_code=product.code,
        )
    )
    view.results.refresh()
    view.sections.setCurrentWidget(view.results)
    app.processEvents()
    window.grab().save(str(out / "results.png"))
    view.providers.care_form.setCurrentIndex(view.providers.care_form.findData("dagbesteding"))
    view.providers.table.selectRow(1)
    view.sections.setCurrentWidget(view.providers)
    app.processEvents()
    window.grab().save(str(out / "suggestions_dagbesteding_oss.png"))
    view.sections.setCurrentWidget(view.verslag)
    app.processEvents()
    window.grab().save(str(out / "verslag_tab.png"))
    # a decision proposed by the consultant, then the team lead's queue
    ranked = ctx.suggestions.suggestions(case_id, "dagbesteding").ranked
    ctx.suggestions.choose(case_id, "dagbesteding", "", ranked[0], "")
    panel_d = view.decision
    panel_d.refresh()
    panel_d.motivation.setPlainText(
        "Uit het onderzoek (verslag) blijkt dat mevrouw structuur in de week nodig heeft."
    )
    panel_d.product.setCurrentIndex(panel_d.product.findData(product.code))
    panel_d.result.setText("Drie dagdelen per week een zinvolle dag buitenshuis")
    panel_d.volume.setText("3")
    panel_d.unit.setCurrentIndex(panel_d.unit.findData("16"))
    panel_d.frequency.setCurrentIndex(panel_d.frequency.findData("2"))
    panel_d.add_provision()
    view.sections.setCurrentWidget(panel_d)
    app.processEvents()
    window.grab().save(str(out / "decision.png"))
    panel_d.submit()
    lead = next(u for u in ctx.profiles.users() if u.role.value == "teamleider")
    ctx.activate(ctx.profiles.switch_user(lead.id))
    lead_window = MainWindow(ctx)
    lead_window.show()
    lead_window.tabs.setCurrentWidget(lead_window.approvals)
    app.processEvents()
    lead_window.grab().save(str(out / "approval_queue.png"))
    ctx.close()
    sync_shots(app, out)
    print(f"screenshots in {out}")


def sync_shots(app, out: Path) -> None:
    """The status bar after a sync that found conflicts, and the conflict dialog.

    Sanne works on her laptop (the demo) and on the office pc; both change the same cases
    while offline. The regional server runs in-process; tokens stay in memory."""
    from datetime import date

    import keyring
    from PySide6.QtCore import QEventLoop

    from tests.fakes import memory_keyring_backend
    from tests.synckit import SERVER_URL, Desktops, Server, TestClient, make_server
    from wmo_desk.domain.caseload import CaseloadFilter
    from wmo_desk.ui import sync_panel
    from wmo_desk.ui.conflict_dialog import ConflictDialog

    keyring.set_keyring(memory_keyring_backend())
    root = Path(tempfile.mkdtemp(prefix="wmo-shots-sync-"))
    app_server = make_server(f"sqlite:///{root / 'server.sqlite'}")
    with TestClient(app_server, base_url=SERVER_URL) as http:
        desktops = Desktops(root, Server(app_server, http), date.today())
        laptop = desktops.open("laptop", demo=True)
        desktops.sign_in(laptop, "sanne")
        laptop.sync.sync()
        pc = desktops.open("pc", user="Sanne de Wit")
        desktops.sign_in(pc, "sanne")
        pc.remember_server(SERVER_URL)
        pc.sync.sync()
        today = pc.clock.today()
        melding = [
            s
            for s in laptop.caseload.summaries(CaseloadFilter("0828", stage=Stage.MELDING))
            if not s.on_hold
        ][:2]
        for s in melding:
            laptop.cases.hold(s.case_id, today, "Cliënt ligt in het ziekenhuis")
            pc.cases.move(s.case_id, Stage.ONDERZOEK, today)
        laptop.sync.sync()
        other = next(
            s
            for s in pc.caseload.summaries(CaseloadFilter("0828", stage=Stage.ONDERZOEK))
            if not s.on_hold
        )

        # the "Klaar" line gone again, as a few seconds after a sync
        message_ms = sync_panel.DONE_MESSAGE_MS
        sync_panel.DONE_MESSAGE_MS = 0
        window = MainWindow(pc)
        window.show()
        done = QEventLoop()
        window.sync_panel.running_changed.connect(lambda running: running or done.quit())
        window.sync_action.trigger()
        done.exec()
        # something done since: waiting to be sent
        pc.cases.hold(other.case_id, today, "Wacht op informatie van de huisarts")
        window.refresh()
        for _ in range(3):  # the timer clears the line, then the status bar lays out again
            app.processEvents()
        sync_panel.DONE_MESSAGE_MS = message_ms
        window.grab().save(str(out / "sync-status.png"))

        dialog = ConflictDialog(pc, None, window)
        dialog.show()
        fields = dialog.fields.model()
        row = next(i for i, r in enumerate(fields.rows) if r.field == "holds")
        fields.setData(fields.index(row, 3), 2, Qt.ItemDataRole.CheckStateRole)
        app.processEvents()
        dialog.grab().save(str(out / "conflict-dialog.png"))
        dialog.done(0)
        window.close()
        desktops.close()


if __name__ == "__main__":
    main()
