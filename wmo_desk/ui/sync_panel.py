"""The sync part of the status bar: online or not, last sync, pending changes, conflicts, progress.

The sync itself runs on a :class:`SyncThread`; only signals cross back to the GUI thread, so the
window never waits for the server. The counts are read again when something changed (the main
window says so after a task or a sync), never on a timer; only the time of the last sync is
repainted once a minute, as "vandaag" becomes "gisteren" at midnight.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from wmo_desk.domain.errors import UserError
from wmo_desk.services.context import AppContext
from wmo_desk.services.sync import SyncCancelled, SyncReport
from wmo_desk.ui.display import count, moment

log = logging.getLogger(__name__)

#: An automatic sync this often while signed in.
AUTO_SYNC_MS = 5 * 60 * 1000
#: The first automatic sync this long after the window opens (signed in from an earlier start).
FIRST_SYNC_MS = 3000
#: A "Klaar: ..." line stays this long (errors stay until the next sync).
DONE_MESSAGE_MS = 10_000
#: How often the time of the last sync is repainted (from memory: no database read).
CLOCK_TICK_MS = 60_000

AUTH_CODES = frozenset({"token_expired", "token_revoked", "token_invalid", "user_inactive"})
PHASES = {"Versturen": "Versturen…", "Ophalen": "Ophalen…", "Verwerken": "Verwerken…"}

_ONLINE_STYLE = "color: #1e6b30; font-weight: bold;"
_OFFLINE_STYLE = "color: #8a5300; font-weight: bold;"
_CONFLICT_STYLE = "color: #9b1c1c; font-weight: bold; padding: 0 6px;"


class SyncThread(QThread):
    """One run of ``ctx.sync.sync`` off the GUI thread; the outcome is read after ``finished``.

    Signals:
        progressed(str, int, int): phase ("Versturen", "Ophalen", "Verwerken"), done, total.
    """

    progressed = Signal(str, int, int)

    def __init__(self, sync: Callable[..., SyncReport]) -> None:
        super().__init__()
        self._sync = sync
        self._cancel = threading.Event()
        self.report: SyncReport | None = None
        self.error: BaseException | None = None

    def cancel(self) -> None:
        """Stop at the next batch; what the server confirmed so far is kept."""
        self._cancel.set()

    def run(self) -> None:
        try:
            self.report = self._sync(progress=self.progressed.emit, cancelled=self._cancel.is_set)
        except Exception as exc:  # handed to the GUI thread, which shows or re-raises it
            self.error = exc


class SyncPanel(QWidget):
    """Status-bar widgets for the sync, and the one place a sync is started.

    Signals:
        running_changed(bool): a sync started (True) or ended (False).
        synced(object): a sync completed with this :class:`SyncReport`.
        day_changed(): the date changed while the window was open (deadlines move on).
        conflicts_requested(): the user wants to see the conflicts.
        sign_in_requested(): the server wants a new sign-in and the user agreed.
    """

    running_changed = Signal(bool)
    synced = Signal(object)
    day_changed = Signal()
    conflicts_requested = Signal()
    sign_in_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._thread: SyncThread | None = None
        self._manual = False
        self._closing = False
        self._unreachable = False
        self.state = QLabel()
        self.state.setObjectName("connection")
        self.last_sync = QLabel()
        self.last_sync.setObjectName("last_sync")
        self.pending = QLabel()
        self.pending.setObjectName("pending")
        self.conflicts = QPushButton()
        self.conflicts.setObjectName("conflicts")
        self.conflicts.setFlat(True)
        self.conflicts.setStyleSheet(_CONFLICT_STYLE)
        self.conflicts.setToolTip(self.tr("Twee versies van dezelfde gegevens: kies wat blijft"))
        self.conflicts.clicked.connect(self.conflicts_requested)
        self.message = QLabel()
        self.message.setObjectName("sync_message")
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(lambda: self._say(""))
        self.message.hide()
        self.sign_in_button = QPushButton(self.tr("Opnieuw aanmelden…"))
        self.sign_in_button.setObjectName("sign_in_again")
        self.sign_in_button.clicked.connect(self.sign_in_requested)
        self.sign_in_button.hide()
        self.progress = QProgressBar()
        self.progress.setObjectName("sync_progress")
        self.progress.setMaximumWidth(140)
        self.progress.setMaximumHeight(16)
        self.progress.setFormat(self.tr("%v van %m"))
        self.progress.hide()
        self.cancel_button = QPushButton(self.tr("Annuleren"))
        self.cancel_button.setObjectName("sync_cancel")
        self.cancel_button.setToolTip(
            self.tr("Stoppen na de lopende stap; wat de server al bevestigde, blijft bewaard")
        )
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self._last_sync_at: datetime | None = None
        self._today: date = ctx.clock.today()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        for widget in (
            self.message,
            self.sign_in_button,
            self.progress,
            self.cancel_button,
            self.state,
            self.last_sync,
            self.pending,
            self.conflicts,
        ):
            layout.addWidget(widget)

        self.auto_timer = QTimer(self)
        self.auto_timer.setInterval(AUTO_SYNC_MS)
        self.auto_timer.timeout.connect(self._automatic)
        self.auto_timer.start()
        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(CLOCK_TICK_MS)
        self.clock_timer.timeout.connect(self._tick)
        self.clock_timer.start()
        self.refresh_status()
        if ctx.sync.signed_in():  # not status(): its counts were just read
            QTimer.singleShot(FIRST_SYNC_MS, self._automatic)

    # --- what the status bar shows ---------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None

    @Slot()
    def refresh_status(self) -> None:
        """Read the counts and the connection again."""
        status = self._ctx.sync.status()
        online = status.signed_in and not self._unreachable
        if status.signed_in:
            # the status bar names the user already; who is signed in goes in the tooltip
            state = self._ctx.signin.state() if self._ctx.signin else None
            name = state.display_name if state and state.signed_in else ""
            assert self._ctx.profile is not None
            text = self.tr("Online") if online else self.tr("Offline")
            tip = self.tr("Aangemeld als %s") % (name or self._ctx.profile.user.name)
            if state and state.signed_in and not state.remembered:
                text += self.tr(" (aanmelding tot afsluiten)")
                tip += self.tr(
                    "; er is geen sleutelbos, dus de aanmelding wordt niet onthouden na afsluiten"
                )
            if self._unreachable:
                tip += self.tr("; de server was bij de laatste poging niet bereikbaar")
        else:
            text = self.tr("Offline · niet aangemeld")
            tip = self.tr("Meld u aan via Bestand > Aanmelden bij de server")
        self.state.setText(text)
        self.state.setToolTip(tip)
        self.state.setStyleSheet(_ONLINE_STYLE if online else _OFFLINE_STYLE)
        self._last_sync_at = status.last_sync
        self._show_last_sync()
        self.pending.setText(
            count(status.pending, "wijziging", "wijzigingen") + self.tr(" te versturen")
        )
        self.conflicts.setText("⚠ " + count(status.conflicts, "conflict", "conflicten"))
        self.conflicts.setVisible(status.conflicts > 0)
        if status.signed_in:
            self.sign_in_button.hide()

    def _show_last_sync(self) -> None:
        at = self._last_sync_at
        self.last_sync.setText(
            self.tr("Laatst gesynchroniseerd: %s") % moment(at, self._ctx.clock.today())
            if at
            else self.tr("Nog niet gesynchroniseerd")
        )

    @Slot()
    def _tick(self) -> None:
        """Once a minute: only the time of the last sync is repainted; a new day says so."""
        self._show_last_sync()
        today = self._ctx.clock.today()
        if today != self._today:
            self._today = today
            self.day_changed.emit()

    def _say(self, text: str, detail: str = "") -> None:
        self._message_timer.stop()
        self.message.setText(text)
        self.message.setToolTip(detail)
        self.message.setVisible(bool(text))

    # --- running a sync --------------------------------------------------------------------

    @Slot()
    def _automatic(self) -> None:
        self.sync_if_signed_in()

    def sync_if_signed_in(self) -> None:
        """Start a background sync now when someone is signed in (and none runs yet)."""
        if not self.running and not self._closing and self._ctx.sync.signed_in():
            self.start(manual=False)

    def start(self, *, manual: bool = True) -> bool:
        """Start a sync in the background; False when one runs already or no one is signed in.

        ``manual``: the user asked for it, so a refused sign-in is asked about in a dialog
        (an automatic sync only says so in the status bar)."""
        if self.running or self._closing:
            return False
        if not self._ctx.sync.signed_in():
            self._unreachable = False
            self._say(self.tr("Meld u eerst aan om te synchroniseren"))
            self.sign_in_button.show()
            self.refresh_status()
            return False
        # built here, on the GUI thread, so the worker only uses it
        self._ctx.sign_in_service()
        self._manual = manual
        thread = SyncThread(self._ctx.sync.sync)
        thread.progressed.connect(self._progressed)
        thread.finished.connect(self._finished)
        self._thread = thread
        self._say(self.tr("Synchroniseren…"))
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        thread.start()
        self.running_changed.emit(True)
        return True

    def cancel(self) -> None:
        """Annuleren: the sync stops after the batch it is in (nothing is half-applied)."""
        if self._thread is not None:
            self._thread.cancel()
            self.cancel_button.setEnabled(False)
            self._say(self.tr("Synchronisatie wordt geannuleerd…"))

    @Slot(str, int, int)
    def _progressed(self, phase: str, done: int, total: int) -> None:
        if self.cancel_button.isEnabled():  # after Annuleren the line keeps saying so
            self._say(PHASES.get(phase, phase + "…"))
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(min(done, total))

    @Slot()
    def _finished(self) -> None:
        thread = self._thread
        if thread is None:
            return
        thread.wait()
        self._thread = None
        self.progress.hide()
        self.cancel_button.hide()
        report, error = thread.report, thread.error
        # first, so that whatever follows (a new sign-in and its sync) starts from idle
        self.running_changed.emit(False)
        if report is not None and report.wiped:
            # the profile's data are gone: no more syncs, no more status reads
            self._closing = True
            self.auto_timer.stop()
            self.clock_timer.stop()
            self._say(self.tr("Gegevens op deze laptop gewist"))
            self.synced.emit(report)
            return
        if report is not None:
            self._unreachable = False
            self._say(*self._summary(report))
            self._message_timer.start(DONE_MESSAGE_MS)
            self.refresh_status()
            self.synced.emit(report)
        elif error is not None:
            self._failed(error)

    def _summary(self, report: SyncReport) -> tuple[str, str]:
        """A short line for the status bar (conflicts have their own count there) and the
        whole story for its tooltip."""
        short = []
        if report.pushed:
            short.append(count(report.pushed, "verstuurd", "verstuurd"))
        if report.pulled:
            short.append(count(report.pulled, "ontvangen", "ontvangen"))
        if report.refused:
            short.append(count(report.refused, "geweigerd", "geweigerd"))
        full = [
            count(report.pushed, "wijziging", "wijzigingen") + " verstuurd",
            count(report.pulled, "wijziging", "wijzigingen") + " ontvangen",
        ]
        if report.new_conflicts:
            full.append(count(report.new_conflicts, "nieuw conflict", "nieuwe conflicten"))
        if report.refused:
            full.append(
                count(report.refused, "wijziging", "wijzigingen") + " geweigerd door de server"
            )
        if report.catalogue_version:
            full.append(self.tr("nieuwe catalogus %s") % report.catalogue_version)
        text = self.tr("Klaar: %s") % (", ".join(short) or self.tr("alles is bijgewerkt"))
        return text, self.tr("Gesynchroniseerd: %s.") % ", ".join(full)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, SyncCancelled):
            # closing the window stops it too; Annuleren is the user's own choice
            self._say(
                self.tr("Synchronisatie gestopt")
                if self._closing
                else self.tr("Synchronisatie geannuleerd")
            )
            self.refresh_status()
            return
        if not isinstance(error, UserError):
            self._say(self.tr("Synchronisatie mislukt door een programmafout"))
            raise error
        self._say(error.title, error.message)
        from wmo_desk.sync.client import ServerError  # loaded by the sync that failed

        code = error.code if isinstance(error, ServerError) else ""
        self._unreachable = code == "unreachable"
        if code in AUTH_CODES:
            self._forget_sign_in()
            self.sign_in_button.show()
        self.refresh_status()
        if code in AUTH_CODES and self._manual and not self._closing:
            self._ask_sign_in(error)

    def _forget_sign_in(self) -> None:
        """The server no longer takes the token: drop it, so no sync tries it again."""
        self._ctx.sign_out()

    def _ask_sign_in(self, error: UserError) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, error.title, error.message, parent=self)
        again = box.addButton(self.tr("&Opnieuw aanmelden…"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("&Later"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(again)
        box.exec()
        if box.clickedButton() is again:
            self.sign_in_requested.emit()

    def signed_in(self) -> None:
        """After a new sign-in: clear the old trouble and sync at once."""
        self._unreachable = False
        self.sign_in_button.hide()
        self._say("")
        self.refresh_status()
        self.start(manual=False)

    def shutdown(self) -> None:
        """The window closes: stop a running sync at its next step and wait for the thread."""
        self._closing = True
        self.auto_timer.stop()
        self.clock_timer.stop()
        if self._thread is not None:
            self._thread.cancel()
            self._thread.wait()
            self._finished()
