"""Starting the desktop application: QApplication, first-start set-up, the main window."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from wmo_desk.domain.errors import UserError
from wmo_desk.ui.main_window import MainWindow

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # a start of a set-up profile shows its caseload before these load
    from wmo_desk.services.context import AppContext
    from wmo_desk.services.first_screen import QuickScreen


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with Dutch locale and Qt's own Dutch texts where available."""
    app = QApplication.instance() or QApplication(argv or sys.argv)
    app.setApplicationName("wmo_desk")
    app.setOrganizationName("wmo_desk")
    QLocale.setDefault(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
    translator = QTranslator(app)
    if translator.load(
        QLocale(), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(translator)
    return app  # type: ignore[return-value]


def show_start_problem(problem: UserError) -> None:
    """A problem that stops the start (a missing key), before any window: a dialog, and stderr."""
    print(f"{problem.title}: {problem.message}", file=sys.stderr)
    make_application()
    QMessageBox.critical(None, problem.title, problem.message)


def _switching(ctx: AppContext, window: MainWindow) -> None:
    """Let ``window`` switch to another user of the profile (the demo's *Werken als …*): the
    application builds a new window for them."""

    def switch(user_id: str) -> None:
        nonlocal window
        old = window
        old.save_all()
        ctx.activate(ctx.profiles.switch_user(user_id))
        window = MainWindow(ctx)
        window.switch_user.connect(switch)
        window.setGeometry(old.geometry())
        window.show()  # before the old one closes, or Qt would quit with its last window
        old.close()
        old.deleteLater()

    window.switch_user.connect(switch)


def run(ctx: AppContext, *, smoke_test: bool = False) -> int:
    """Show the window for ``ctx`` (asking the first-start questions if needed); returns the exit code."""
    app = make_application()
    if ctx.profile is None and not _set_up(ctx):
        return 0
    try:
        window = MainWindow(ctx)
    except UserError as exc:
        QMessageBox.critical(None, exc.title, exc.message)
        return 1
    _switching(ctx, window)
    window.show()
    if smoke_test:
        # Packaging check: the window came up with its caseload; leave at once.
        QTimer.singleShot(0, app.quit)
    return app.exec()


def run_starting(quick: QuickScreen, *, smoke_test: bool = False) -> int:
    """Show the caseload of ``quick`` at once, and load the services meanwhile (issue 14):
    the window is on screen before SQLAlchemy and the services are imported, and complete
    (every action enabled) when they are. Closes what it opened; returns the exit code."""
    from wmo_desk.ui.tasks import run_task, wait_for_tasks

    app = make_application()
    opened: list[AppContext] = []
    try:
        window = MainWindow(data=quick)
    except UserError as exc:
        quick.close()
        QMessageBox.critical(None, exc.title, exc.message)
        return 1

    closing = False

    def loaded(ctx: AppContext) -> None:
        opened.append(ctx)
        if closing or not window.isVisible():  # closed while the services loaded
            return
        try:
            window.attach(ctx)
        except Exception:
            # a bug: say so and stop, rather than leave a window that never completes
            log.exception("attaching the services failed")
            failed(UserError("Programmafout", "wmo_desk kon niet volledig starten."))
            return
        quick.close()  # the services read from here on (a repaint during the attach still read it)
        _switching(ctx, window)
        if smoke_test:
            QTimer.singleShot(0, app.quit)

    def failed(problem: UserError) -> None:
        if closing:
            return
        if not smoke_test:
            QMessageBox.critical(window, problem.title, problem.message)
        app.exit(1)  # a start that failed ends as one

    window.show()
    app.processEvents()  # the first paint, before the worker competes for the interpreter
    run_task(
        window,
        window.tr("wmo_desk wordt geladen…"),
        quick.open_context(),
        loaded,
        failed,
    )
    try:
        return app.exec()
    finally:
        closing = True
        wait_for_tasks()  # a window closed while loading: let the open end, then close it
        app.processEvents()  # its outcome arrives as an event
        quick.close()
        for ctx in opened:
            ctx.close()


def _set_up(ctx: AppContext) -> bool:
    """The first-start questions (a profile that has none yet); whether they were answered."""
    from wmo_desk.ui.setup_dialog import SetupDialog

    return SetupDialog(ctx).exec() == SetupDialog.DialogCode.Accepted
