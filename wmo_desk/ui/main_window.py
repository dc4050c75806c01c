"""The main window: Mijn dossiers (the caseload) and a tab per opened case.

Only what the first screen shows is imported at start (issue 14): the case view, the team
lead's approvals, the team overviews and the dialogs load when first opened (see
``tests/test_startup_imports.py``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from wmo_desk import __version__
from wmo_desk.domain.users import Role
from wmo_desk.ui.caseload_panel import CaseloadPanel
from wmo_desk.ui.tasks import Changes, Task, change_hub, run_task

if TYPE_CHECKING:  # loaded when first opened (the conflicts' field names need pydantic's records)
    from wmo_desk.services.context import AppContext
    from wmo_desk.services.first_screen import ScreenData
    from wmo_desk.ui.approval_view import ApprovalPanel
    from wmo_desk.ui.case_view import CaseViewWidget
    from wmo_desk.ui.conflict_dialog import ConflictDialog
    from wmo_desk.ui.evaluations_view import EvaluationsPanel, WeeksDialog
    from wmo_desk.ui.my_details_dialog import MyDetailsDialog
    from wmo_desk.ui.signals_view import SignalsDialog
    from wmo_desk.ui.signin_dialog import SignInDialog
    from wmo_desk.ui.sync_panel import SyncPanel

#: how long a confirmation stays in the status bar before the profile line comes back
SAVED_MESSAGE_MS = 8000

#: the widgets of tabs opened later, as (module, class): a module not loaded yet has no tabs
_CASE_VIEW = ("wmo_desk.ui.case_view", "CaseViewWidget")
_TEAM_VIEWS = (
    ("wmo_desk.ui.team_view", "WorkloadView"),
    ("wmo_desk.ui.herindicatie_view", "HerindicatieView"),
)


class MainWindow(QMainWindow):
    """Caseload in the first tab, opened cases in further tabs.

    Signals:
        switch_user(str): work on as this other user of the profile (the application rebuilds the window).
        changes_made(object): work done here changed this :class:`Changes` (after the window's
            own screens redrew); for screens that want to decide for themselves.
    """

    switch_user = Signal(str)
    changes_made = Signal(object)

    def __init__(self, ctx: AppContext | None = None, *, data: ScreenData | None = None) -> None:
        """The window of ``ctx``; or, at a start, of ``data`` alone (the caseload read without
        the services, see :mod:`wmo_desk.services.first_screen`) until :meth:`attach` hands it
        the services. Until then the actions that need them are disabled, a case asked for
        opens as soon as they are there, and a search typed waits for them."""
        super().__init__()
        if data is None:
            assert ctx is not None and ctx.profile is not None
            data = ctx.screen_data()
        self._ctx: AppContext = None  # type: ignore[assignment]  # set by attach
        self._data = data
        self._open_when_ready: str | None = None
        self.setWindowTitle(self.tr("wmo_desk — Mijn dossiers"))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.caseload = CaseloadPanel(ctx, data=data)
        self.tabs.addTab(self.caseload, self.tr("Mijn dossiers"))
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.approvals: ApprovalPanel | None = None
        self.evaluations: EvaluationsPanel | None = None
        self.sync_panel: SyncPanel | None = None
        self.setCentralWidget(self.tabs)
        self.caseload.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.caseload.table.activated.connect(lambda _i: self.open_selected())
        self._build_menus()
        self._show_profile()
        # a confirmation (or a menu's status tip) passes; the profile line is the resting text
        self.statusBar().messageChanged.connect(lambda text: text or self._show_profile())
        self.resize(1280, 780)
        if ctx is not None:
            self.attach(ctx)
        else:
            for act in self._needs_services:
                act.setEnabled(False)

    @property
    def ready(self) -> bool:
        """Whether the services are attached (every action works)."""
        return self._ctx is not None

    def attach(self, ctx: AppContext) -> None:
        """The services of the profile are loaded: the rest of the window comes up."""
        from wmo_desk.ui.evaluations_view import EvaluationsPanel
        from wmo_desk.ui.sync_panel import SyncPanel

        assert ctx.profile is not None
        self._ctx = ctx
        self._data = ctx.screen_data()
        if ctx.profile.user.role is Role.TEAMLEIDER:
            from wmo_desk.ui.approval_view import ApprovalPanel  # with decision_view: 50 ms

            self.approvals = ApprovalPanel(ctx)
            self.approvals.decided.connect(lambda _case: self._approved())
            self.tabs.addTab(self.approvals, self.tr("Goedkeuren"))
            self.tabs.tabBar().setTabButton(1, self.tabs.tabBar().ButtonPosition.RightSide, None)
        # the telephone evaluations (cliëntervaring) to call, next to Mijn dossiers
        self.evaluations = EvaluationsPanel(ctx)
        index = self.tabs.insertTab(1, self.evaluations, self.tr("Evaluaties"))
        self.tabs.tabBar().setTabButton(index, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.sync_panel = SyncPanel(ctx, self)
        self.caseload.changed.connect(lambda _id: self.sync_panel.refresh_status())
        # a case given to another consultant moves in the team overviews
        self.caseload.changed.connect(lambda _id: self._refresh_team_views())
        self.sync_panel.running_changed.connect(self._sync_running)
        self.sync_panel.synced.connect(self._synced)
        self.sync_panel.conflicts_requested.connect(lambda: self.open_conflicts())
        self.sync_panel.sign_in_requested.connect(lambda: self.sign_in())
        # no timer reads everything again: finished tasks and syncs say what they changed
        change_hub().changed.connect(self.apply_changes)
        self.sync_panel.day_changed.connect(self.caseload.reload)  # deadlines move at midnight
        self.sync_panel.day_changed.connect(self.evaluations.refresh)
        self.connection = self.sync_panel.state
        self.statusBar().addPermanentWidget(self.sync_panel)
        if not self.caseload.attached:
            self.caseload.attach(ctx)
        for act in self._needs_services:
            act.setEnabled(True)
        self._show_profile()
        if self._open_when_ready is not None:
            case_id, self._open_when_ready = self._open_when_ready, None
            self.open_case(case_id)

    def _show_profile(self) -> None:
        profile = self._data.profile
        line = self._data.catalogue_line()
        role = profile.user.role.label
        if not self._data.role_confirmed():
            # set locally at the first start; the server's account decides at sign-in
            role = self.tr("%s, niet bevestigd") % role
        self.statusBar().showMessage(
            f"{profile.user.name} ({role}) · gemeente "
            f"{line.municipality_name or profile.municipality_code} · "
            f"{line.region_name}, catalogus {line.version}"
        )

    def _build_menus(self) -> None:
        def action(
            text: str, shortcut: QKeySequence.StandardKey | str | None, slot, extra: str = ""
        ) -> QAction:
            act = QAction(text, self)
            keys = (
                QKeySequence.keyBindings(shortcut)
                if isinstance(shortcut, QKeySequence.StandardKey)
                else []
            )
            if isinstance(shortcut, str):
                keys.append(QKeySequence(shortcut))
            if extra and QKeySequence(extra) not in keys:
                # the same keys on every platform, whatever the platform theme maps
                keys.insert(0, QKeySequence(extra))
            if keys:
                act.setShortcuts(keys)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.new_action = action(
            self.tr("&Nieuwe melding…"), QKeySequence.StandardKey.New, self.new_melding
        )
        self.open_action = action(self.tr("Dossier &openen"), "Ctrl+O", self.open_selected)
        self.close_tab_action = action(
            self.tr("Tabblad &sluiten"),
            QKeySequence.StandardKey.Close,
            lambda: self.close_tab(self.tabs.currentIndex()),
        )
        self.refresh_action = action(
            self.tr("&Vernieuwen"), QKeySequence.StandardKey.Refresh, self.refresh
        )
        self.find_action = action(
            self.tr("&Zoeken"), QKeySequence.StandardKey.Find, self.focus_search
        )
        quit_action = action(
            self.tr("&Afsluiten"), QKeySequence.StandardKey.Quit, self.close, "Ctrl+Q"
        )
        self.signin_action = action(
            self.tr("&Aanmelden bij de server…"), None, lambda: self.sign_in()
        )
        self.sync_action = action(self.tr("S&ynchroniseren"), "Ctrl+Shift+S", self.sync_now)
        self.sync_action.setObjectName("sync_action")
        self.conflicts_action = action(
            self.tr("Con&flicten oplossen…"), None, lambda: self.open_conflicts()
        )
        self.import_action = action(
            self.tr("&Catalogus inlezen…"), None, lambda: self.import_catalogue()
        )
        about = action(self.tr("&Over wmo_desk"), None, self.about)
        file_menu = self.menuBar().addMenu(self.tr("&Bestand"))
        file_menu.addActions([self.new_action, self.open_action, self.close_tab_action])
        file_menu.addSeparator()
        file_menu.addActions([self.signin_action, self.sync_action, self.conflicts_action])
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu(self.tr("Bee&ld"))
        view_menu.addActions([self.find_action, self.refresh_action])
        self.signals_action = action(self.tr("Mijn &signalen…"), None, self.open_signals)
        view_menu.addAction(self.signals_action)
        self.evaluations_action = action(
            self.tr("&Evaluaties bellen"), "Ctrl+E", self.show_evaluations
        )
        view_menu.addAction(self.evaluations_action)
        # switching user locally is for the demo only: elsewhere the role is the server's
        self.user_menu = user_menu = self.menuBar().addMenu(self.tr("&Gebruiker"))
        self.my_details_action = action(
            self.tr("&Mijn gegevens…"), None, lambda: self.open_my_details()
        )
        user_menu.addAction(self.my_details_action)
        profile = self._data.profile
        others = [u for u in self._data.users() if u.id != profile.user.id]
        if others and profile.demo:
            user_menu.addSeparator()
            for user in others:
                act = user_menu.addAction(
                    self.tr("Werken als %s (%s, demo)") % (user.name, user.role.label)
                )
                act.triggered.connect(lambda _c=False, uid=user.id: self.switch_user.emit(uid))
        self.herindicatie_action = action(
            self.tr("&Herindicaties…"),
            None,
            self.open_herindicaties,
        )
        if profile.user.role is Role.TEAMLEIDER:
            self.team_menu = self.menuBar().addMenu(self.tr("Tea&m"))
            self.workload_action = self.team_menu.addAction(self.tr("&Werkvoorraad team…"))
            self.workload_action.triggered.connect(self.open_workload)
            self.team_menu.addAction(self.herindicatie_action)
        else:  # a consultant's own provisions that end soon
            view_menu.addAction(self.herindicatie_action)
        # no Alt letter: every letter of the word is taken by a field or button of some screen
        self.settings_menu = self.menuBar().addMenu(self.tr("Instellingen"))
        self.settings_menu.addAction(
            action(self.tr("&Cliëntervaring…"), None, self.open_evaluation_settings)
        )
        self.menuBar().addMenu(self.tr("&Help")).addAction(about)
        toolbar = self.addToolBar(self.tr("Acties"))
        toolbar.setObjectName("actions")
        toolbar.setMovable(False)
        toolbar.addActions(
            [self.new_action, self.open_action, self.refresh_action, self.sync_action]
        )
        # what works before the services are loaded: opening a case waits for them
        always = {self.open_action, self.close_tab_action, self.find_action, quit_action, about}
        self._needs_services = [act for act in self.actions() if act not in always]
        self._needs_services += [act for act in user_menu.actions() if not act.isSeparator()]
        if profile.user.role is Role.TEAMLEIDER:
            self._needs_services.append(self.workload_action)

    # --- actions ------------------------------------------------------------------------

    def open_signals(self) -> SignalsDialog:
        """The signals this user reported to the meldpunt, with their status."""
        from wmo_desk.ui.signals_view import SignalsDialog

        dialog = SignalsDialog(self._ctx, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_workload(self) -> QWidget:
        """Team > Werkvoorraad team: the team's workload in a tab."""
        from wmo_desk.ui.team_view import WorkloadView, open_team_tab

        return open_team_tab(self, self._ctx, WorkloadView)

    def open_herindicaties(self) -> QWidget:
        """Herindicaties: the provisions that end soon (the team's, or a consultant's own)."""
        from wmo_desk.ui.herindicatie_view import HerindicatieView
        from wmo_desk.ui.team_view import open_team_tab

        return open_team_tab(self, self._ctx, HerindicatieView)

    def show_evaluations(self) -> None:
        """The Evaluaties tab, with the cursor in its list."""
        self.tabs.setCurrentWidget(self.evaluations)
        self.evaluations.refresh()
        self.evaluations.table.setFocus()

    def open_my_details(self) -> MyDetailsDialog:
        """Gebruiker > Mijn gegevens…: the telefoon and e-mail the letters print beside the
        user's name; the status bar says when they are saved."""
        from wmo_desk.ui.my_details_dialog import MyDetailsDialog

        dialog = MyDetailsDialog(self._ctx, self)
        dialog.accepted.connect(
            lambda: self.statusBar().showMessage(
                self.tr("Uw gegevens voor de brieven zijn opgeslagen."), SAVED_MESSAGE_MS
            )
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_evaluation_settings(self) -> WeeksDialog:
        """Instellingen > Cliëntervaring…: the weeks between the conversation and the call."""
        from wmo_desk.ui.evaluations_view import WeeksDialog

        dialog = WeeksDialog(self._ctx, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.caseload.search.setFocus()
        self.caseload.search.selectAll()

    def new_melding(self) -> None:
        from wmo_desk.ui.melding_dialog import MeldingDialog

        dialog = MeldingDialog(self._ctx, self)
        if dialog.exec() and dialog.case_id:
            self.caseload.model.reload()
            row = self.caseload.model.row_of(dialog.case_id)
            if row is not None:
                self.caseload.table.selectRow(row)
            self.open_case(dialog.case_id)

    def open_selected(self) -> None:
        case_id = self.caseload.selected_case_id()
        if not case_id:
            return
        if not self.ready:  # opens as soon as the services are loaded (a moment)
            self._open_when_ready = case_id
            return
        self.open_case(case_id)

    def _opened(self, module: str, name: str) -> list[QWidget]:
        """The tabs holding a ``module.name`` widget: none while that module is not loaded (it
        loads with the first such tab)."""
        loaded = sys.modules.get(module)
        if loaded is None:
            return []
        kind = getattr(loaded, name)
        return [
            w for i in range(1, self.tabs.count()) if isinstance(w := self.tabs.widget(i), kind)
        ]

    def _case_views(self) -> list[CaseViewWidget]:
        """The opened cases' tabs, in tab order."""
        return self._opened(*_CASE_VIEW)  # type: ignore[return-value]

    def open_case(self, case_id: str) -> CaseViewWidget:
        for widget in self._case_views():
            if widget.case_id == case_id:
                self.tabs.setCurrentWidget(widget)
                return widget
        from wmo_desk.ui.case_view import CaseViewWidget  # at the first opened case

        widget = CaseViewWidget(self._ctx, case_id)
        widget.changed.connect(lambda _id: self._case_changed())
        widget.conflicts_requested.connect(lambda cid: self.open_conflicts(cid))
        assert widget.view is not None
        self.tabs.addTab(widget, widget.view.client.display_name)
        self.tabs.setCurrentWidget(widget)
        return widget

    def close_tab(self, index: int) -> None:
        if self.tabs.widget(index) in (self.approvals, self.evaluations):
            return
        if index > 0:
            widget = self.tabs.widget(index)
            if widget in self._case_views():
                widget.save_now()  # type: ignore[attr-defined]
            self.tabs.removeTab(index)
            widget.deleteLater()

    def _case_changed(self) -> None:
        self.caseload.model.reload()
        self.evaluations.refresh()  # a completed conversation puts a call in the list
        self.sync_panel.refresh_status()

    def refresh(self) -> None:
        self.caseload.reload()
        self.evaluations.refresh()
        self.sync_panel.refresh_status()
        if self.approvals is not None:
            self.approvals.refresh()
        for widget in self._case_views():
            widget.refresh()
        self._refresh_team_views()

    def apply_changes(self, changes: Changes) -> None:
        """Redraw what ``changes`` touched, screen by screen (Anki's OpChanges)."""
        if changes.catalogue:
            self._show_profile()
        if changes.cases or changes.decisions or changes.conflicts or changes.catalogue:
            self.caseload.reload()  # stages, deadlines, the conflict flags
        if changes.cases or changes.decisions or changes.sync or changes.conflicts:
            self.sync_panel.refresh_status()
        if self.approvals is not None and (changes.decisions or changes.cases or changes.catalogue):
            self.approvals.refresh()
        if changes.cases or changes.decisions:
            self._refresh_team_views()
        if changes.cases or changes.decisions or changes.conflicts or changes.catalogue:
            for widget in self._case_views():
                widget.refresh()
        self.changes_made.emit(changes)

    def _refresh_team_views(self) -> None:
        """The open team overviews read their figures again (in the background)."""
        for module, name in _TEAM_VIEWS:
            for widget in self._opened(module, name):
                widget.refresh()  # type: ignore[attr-defined]

    def sign_in(self, dialog: SignInDialog | None = None) -> bool:
        """Ask for the server sign-in; the status bar then says who is signed in."""
        from wmo_desk.ui.signin_dialog import SignInDialog

        dialog = dialog or SignInDialog(self._ctx, self)
        if dialog.exec() != SignInDialog.DialogCode.Accepted:
            return False
        # the user may now have the server's id and name: Mijn dossiers follows
        self._show_profile()
        self.caseload.reload()
        self.sync_panel.signed_in()
        return True

    def _show_connection(self) -> None:
        self.sync_panel.refresh_status()

    def _approved(self) -> None:
        self.refresh()
        # the final decision, its toewijzingen and documents go to the server right away
        self.sync_panel.sync_if_signed_in()

    def sync_now(self) -> None:
        """Synchroniseren: push and pull in the background (Ctrl+Shift+S)."""
        self.save_all()
        self.sync_panel.start()

    def _sync_running(self, running: bool) -> None:
        self.sync_action.setEnabled(not running)
        self.signin_action.setEnabled(not running)

    def _synced(self, report) -> None:
        if report.wiped:
            self._after_wipe()
            return
        pulled = bool(report.pulled or report.refused)
        self.apply_changes(
            Changes(
                cases=pulled,
                decisions=pulled,
                sync=True,
                conflicts=bool(report.new_conflicts or report.refused),
                catalogue=bool(report.catalogue_version),
            )
        )

    def open_conflicts(self, case_id: str | None = None) -> ConflictDialog:
        """The open conflicts (of one case, or all) in a window-modal dialog."""
        from wmo_desk.ui.conflict_dialog import ConflictDialog

        dialog = ConflictDialog(self._ctx, case_id, self)
        dialog.resolved.connect(lambda _cid: self.refresh())
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        return dialog

    def import_catalogue(self, path: str | None = None) -> Task | None:
        """Read a new version of the region catalogue in the background; a malformed file
        changes nothing."""
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, self.tr("Catalogus inlezen"), "", self.tr("Regiocatalogus (*.json)")
            )
            if not path:
                return None
        chosen = Path(path)

        def work(token) -> object:
            return self._ctx.catalogues.import_file(chosen, check=token.check)

        def done(catalogue) -> None:
            QMessageBox.information(
                self,
                self.tr("Catalogus ingelezen"),
                self.tr("%s, versie %s: %d producten en %d aanbieders.")
                % (
                    catalogue.region_name,
                    catalogue.version,
                    len(catalogue.products),
                    len(catalogue.providers),
                ),
            )

        return run_task(
            self,
            self.tr("Catalogus wordt ingelezen…"),
            work,
            done,
            controls=(self.import_action,),
            changes=Changes(catalogue=True),
            cancellable=True,
        )

    def save_all(self) -> None:
        """Write whatever is unsaved in the open cases."""
        for widget in self._case_views():
            widget.save_now()

    def _after_wipe(self) -> None:
        """The server had this laptop wiped: say so, and close (nothing is left to show)."""
        self._wiped = True
        self.centralWidget().setEnabled(False)
        self.menuBar().setEnabled(False)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Gegevens gewist"),
            self.tr(
                "Op verzoek van uw gemeente zijn de cliëntgegevens van wmo_desk op deze laptop "
                "gewist. Wat nog niet verstuurd was, is eerst naar de regioserver gestuurd. "
                "wmo_desk sluit nu."
            ),
            parent=self,
        )
        box.setObjectName("wiped_message")
        box.finished.connect(lambda _result: self.close())
        box.open()

    def closeEvent(self, event) -> None:
        if getattr(self, "_wiped", False):
            super().closeEvent(event)
            return
        self.save_all()
        if self.sync_panel is not None:
            self.sync_panel.shutdown()
        super().closeEvent(event)

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("Over wmo_desk"),
            self.tr(
                "<h3>wmo_desk %s</h3><p>Voor Wmo-consulenten: melding, keukentafelgesprek, "
                "verslag en besluit, ook zonder internet.</p>"
                "<p>Postcodecoördinaten: GeoNames (www.geonames.org), licentie CC BY 4.0.</p>"
                "<p>ZRM-domeinen en -niveaus: © GGD Amsterdam.</p>"
            )
            % __version__,
        )
