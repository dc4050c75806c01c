"""Starting the desktop application: QApplication, first-start set-up, the main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from wmo_desk.domain.errors import UserError
from wmo_desk.services.context import AppContext
from wmo_desk.ui.main_window import MainWindow


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
    window.show()
    if smoke_test:
        # Packaging check: the window came up with its caseload; leave at once.
        QTimer.singleShot(0, app.quit)
    return app.exec()


def _set_up(ctx: AppContext) -> bool:
    """The first-start questions (a profile that has none yet); whether they were answered."""
    from wmo_desk.ui.setup_dialog import SetupDialog

    return SetupDialog(ctx).exec() == SetupDialog.DialogCode.Accepted
