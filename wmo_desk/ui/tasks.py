"""Long work (server calls, PDFs, imports) off the GUI thread, with a busy line and the outcome back.

A screen hands :func:`run_task` a plain callable that calls services; it runs on a worker
thread while the window shows what is going on, and ``on_done(result)`` runs on the GUI thread
afterwards, so each screen decides what to redraw. Tasks run one after the other on one worker
at a time (the database and the server see one long use case at a time, as in Anki's
background ops); the sync has its own thread (:mod:`wmo_desk.ui.sync_panel`).

Only the work runs on the worker: it must not touch widgets. Services open a session per use,
so the database may be used from there.

A task that changes data says what it changed (:class:`Changes`, Anki's OpChanges): once
``on_done`` ran, :func:`change_hub` broadcasts it and the main window lets each screen decide
whether to redraw, instead of screens reading everything again on a timer. A task started
with ``cancellable=True`` shows *Annuleren*; its work gets a :class:`CancelToken` to check
between steps, and a cancelled task, which stored nothing, ends as "Geannuleerd".
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from wmo_desk.domain.errors import UserError
from wmo_desk.ui.changes import Changes, change_hub

log = logging.getLogger(__name__)

#: The status-bar busy line of a main window, made the first time a task there has no own line.
STATUS_BUSY_NAME = "task_busy"
#: "Geannuleerd" stays this long on the busy line after a task was cancelled.
CANCELLED_MESSAGE_MS = 5000

_BUG_TITLE = "Programmafout"
_BUG_TEXT = (
    "Er ging iets mis in wmo_desk zelf (een programmafout), niet door wat u deed. Wat u vroeg, is "
    "misschien niet of maar half gebeurd: kijk het na. De fout is vastgelegd in het logbestand; "
    "meld hem aan de functioneel beheerder als hij terugkomt."
)


class Cancelled(Exception):
    """Raised by :meth:`CancelToken.check` in the work: the user pressed *Annuleren*."""


class CancelToken:
    """Handed to a cancellable task's work; the GUI thread sets it, the work checks it."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Between steps: stop here (raise :class:`Cancelled`) if the user cancelled."""
        if self._event.is_set():
            raise Cancelled


class BusyBar(QWidget):
    """A Dutch line saying what is being done, with a progress bar that moves; hidden when idle.

    While the newest work can be cancelled, an *Annuleren* button shows beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setObjectName("busy_label")
        self.progress = QProgressBar()
        self.progress.setObjectName("busy_progress")
        self.progress.setRange(0, 0)  # no steps to count: it moves while the work runs
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(120)
        self.progress.setMaximumHeight(14)
        self.progress.setAccessibleName(self.tr("Bezig"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.cancel_button = QPushButton(self.tr("&Annuleren"))
        self.cancel_button.setObjectName("busy_cancel")
        self.cancel_button.clicked.connect(self._cancel)
        self.cancel_button.hide()
        layout.addWidget(self.progress)
        layout.addWidget(self.label)
        layout.addWidget(self.cancel_button)
        layout.addStretch(1)
        self._entries: list[tuple[str, CancelToken | None]] = []
        self._after = QTimer(self)
        self._after.setSingleShot(True)
        self._after.timeout.connect(self._show_newest)
        self.hide()

    def text(self) -> str:
        """What is shown now ("" when idle)."""
        return "" if self.isHidden() else self.label.text()

    def start(self, text: str, token: CancelToken | None = None) -> None:
        self._after.stop()
        self._entries.append((text, token))
        self._show_newest()

    def stop(self, text: str, outcome: str = "") -> None:
        """``text``'s work ended; the line shows what else still runs, or ``outcome`` for a
        moment ("Geannuleerd"), or goes."""
        for entry in self._entries:
            if entry[0] == text:
                self._entries.remove(entry)
                break
        if outcome and not self._entries:
            self.label.setText(outcome)
            self.progress.hide()
            self.cancel_button.hide()
            self.show()
            self._after.start(CANCELLED_MESSAGE_MS)
            return
        self._show_newest()

    def _show_newest(self) -> None:
        if not self._entries:
            self.label.clear()
            self.hide()
            return
        text, token = self._entries[-1]
        self.label.setText(text)
        self.progress.show()
        self.cancel_button.setVisible(token is not None)
        self.cancel_button.setEnabled(token is not None and not token.cancelled)
        self.show()

    def _cancel(self) -> None:
        if self._entries and self._entries[-1][1] is not None:
            token = self._entries[-1][1]
            token.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText(self.tr("%s (wordt geannuleerd)") % self._entries[-1][0])


class _Worker(QThread):
    """Runs the work once; the result or the exception is read after ``finished``."""

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self._work = work
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self._work()
        except Exception as exc:  # handed to the GUI thread, which shows or re-raises it
            self.error = exc


class Task(QObject):
    """One piece of long work for a screen: busy while it runs, the outcome on the GUI thread.

    ``on_done(result)`` gets what ``work()`` returned; then ``changes`` (a :class:`Changes`, or
    a function of the result giving one; by default the result itself when it is one) goes to
    :func:`change_hub`. A :class:`UserError` goes to ``on_error(error)`` if given, else it is
    shown as a message box with its Dutch title and message. A cancelled task
    (``cancellable``: ``work(token)`` raised :class:`Cancelled`) calls ``on_cancelled`` and
    shows "Geannuleerd" on its busy line. Anything else is a bug: logged, shown as
    "Programmafout" and raised again.

    Signals:
        finished(): the work ended and ``on_done`` or the error handling ran (also on failure).
    """

    finished = Signal()

    def __init__(
        self,
        parent: QWidget,
        label: str,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[UserError], None] | None = None,
        *,
        controls: Sequence[QWidget | QAction] = (),
        busy: BusyBar | None = None,
        changes: Changes | Callable[[Any], Changes] | None = None,
        cancellable: bool = False,
        on_cancelled: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._parent = parent
        self._changes = changes
        self._on_cancelled = on_cancelled
        self.token = CancelToken() if cancellable else None
        if self.token is not None:
            token = self.token
            plain_work = work

            def work() -> Any:
                token.check()  # cancelled while it waited for the worker
                return plain_work(token)

        self.label = label
        self._on_done = on_done
        self._on_error = on_error
        self._controls = list(controls)
        self._disabled: list[QWidget | QAction] = []
        self._busy = busy if busy is not None else _status_busy(parent)
        self._worker = _Worker(work)
        self._worker.finished.connect(self._finish)
        self.running = False
        self.cancelled = False
        self.result: Any = None
        self.error: BaseException | None = None

    def cancel(self) -> None:
        """Ask the work to stop at its next check (only for a cancellable task)."""
        if self.token is not None:
            self.token.cancel()

    def start(self) -> Task:
        """Show that the work runs, and run it as soon as the worker is free."""
        self.running = True
        self._disabled = [c for c in self._controls if c.isEnabled()]
        for control in self._disabled:
            control.setEnabled(False)
        _set_waiting(self._parent, +1)
        if self._busy is not None:
            self._busy.start(self.label, self.token)
        _queue.append(self)
        _run_next()
        return self

    @Slot()
    def _finish(self) -> None:
        global _current
        # ``finished`` leaves the worker just before its thread ends: let it end first
        self._worker.wait()
        if _current is self:
            _current = None
        self.running = False
        self.result, self.error = self._worker.result, self._worker.error
        try:
            self._settle()
        finally:
            _tasks.discard(self)
            self.finished.emit()
            _run_next()

    def _settle(self) -> None:
        alive = shiboken6.isValid(self._parent)
        for control in self._disabled:
            if shiboken6.isValid(control):
                control.setEnabled(True)
        if alive:
            _set_waiting(self._parent, -1)
        error = self.error
        self.cancelled = isinstance(error, Cancelled)
        if self._busy is not None and shiboken6.isValid(self._busy):
            outcome = QCoreApplication.translate("Task", "Geannuleerd") if self.cancelled else ""
            self._busy.stop(self.label, outcome)
        if not alive:
            # the screen was closed meanwhile: the work is done; the other screens still hear
            # what it changed
            if error is None:
                self._announce()
            elif not isinstance(error, UserError | Cancelled):
                log.error("task %r failed", self.label, exc_info=error)
            return
        if error is None:
            self._on_done(self.result)
            self._announce()
        elif self.cancelled:
            log.info("task %r cancelled", self.label)
            if self._on_cancelled is not None:
                self._on_cancelled()
        elif isinstance(error, UserError):
            if self._on_error is not None:
                self._on_error(error)
            else:
                QMessageBox.warning(self._parent, error.title, error.message)
        else:
            log.error("task %r failed", self.label, exc_info=error)
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                QCoreApplication.translate("Task", _BUG_TITLE),
                QCoreApplication.translate("Task", _BUG_TEXT),
                parent=self._parent,
            )
            box.setObjectName("task_bug")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # not exec(): the bug is raised on at once, to the log and the test
            raise error

    def _announce(self) -> None:
        changes = self._changes
        if callable(changes):
            changes = changes(self.result)
        elif changes is None and isinstance(self.result, Changes):
            changes = self.result
        if changes:
            change_hub().changed.emit(changes)


def run_task(
    parent: QWidget,
    label: str,
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[UserError], None] | None = None,
    *,
    controls: Sequence[QWidget | QAction] = (),
    busy: BusyBar | None = None,
    changes: Changes | Callable[[Any], Changes] | None = None,
    cancellable: bool = False,
    on_cancelled: Callable[[], None] | None = None,
) -> Task:
    """Run ``work()`` off the GUI thread and ``on_done(result)`` back on it; see :class:`Task`.

    While it runs the parent shows a wait cursor, ``busy`` (or a line in the main window's
    status bar) shows ``label``, and ``controls`` (the button that started it) are disabled.
    With ``cancellable`` the work is called as ``work(token)`` and the busy line has
    *Annuleren*; the work calls ``token.check()`` between steps and stores nothing before the
    last one.
    """
    task = Task(
        parent,
        label,
        work,
        on_done,
        on_error,
        controls=controls,
        busy=busy,
        changes=changes,
        cancellable=cancellable,
        on_cancelled=on_cancelled,
    )
    _tasks.add(task)  # kept alive until it finished, whatever the screen does meanwhile
    return task.start()


def run_and_wait(
    parent: QWidget,
    label: str,
    work: Callable[[], Any],
    *,
    controls: Sequence[QWidget | QAction] = (),
    busy: BusyBar | None = None,
) -> Any:
    """:func:`run_task` for a caller that needs the answer before it goes on (open, then show
    the copy): the work runs on the worker while a local event loop keeps the window painting
    and the busy line showing, as a modal dialog's would. Returns the result; raises the
    work's :class:`UserError` (a bug is handled as by :class:`Task`, and None is returned)."""
    outcome: dict[str, Any] = {}
    task = run_task(
        parent,
        label,
        work,
        lambda result: outcome.__setitem__("result", result),
        lambda error: outcome.__setitem__("error", error),
        controls=controls,
        busy=busy,
    )
    if task.running:
        loop = QEventLoop()
        task.finished.connect(loop.quit)
        loop.exec()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def wait_for_tasks() -> None:
    """Let the running task end and drop the waiting ones (the application quits)."""
    _queue.clear()
    if _current is not None:
        _current._worker.wait()


_tasks: set[Task] = set()
_queue: deque[Task] = deque()
_current: Task | None = None
_quit_hooked = False


def _run_next() -> None:
    global _current, _quit_hooked
    if _current is not None or not _queue:
        return
    app = QCoreApplication.instance()
    if not _quit_hooked and app is not None:
        # a QThread destroyed while it runs takes the process down: quitting waits for it
        app.aboutToQuit.connect(wait_for_tasks)
        _quit_hooked = True
    _current = _queue.popleft()
    _current._worker.start()


def _status_busy(parent: QWidget) -> BusyBar | None:
    """The busy line in the status bar of ``parent``'s main window, if it has one."""
    window = parent.window()
    if not isinstance(window, QMainWindow):
        return None
    bar = window.statusBar().findChild(BusyBar, STATUS_BUSY_NAME)
    if bar is None:
        bar = BusyBar()
        bar.setObjectName(STATUS_BUSY_NAME)
        window.statusBar().insertPermanentWidget(0, bar)
    return bar


def _set_waiting(widget: QWidget, step: int) -> None:
    """A wait cursor over ``widget`` while at least one of its tasks runs."""
    count = int(widget.property("wmo_tasks") or 0) + step
    widget.setProperty("wmo_tasks", count)
    if step > 0 and count == 1:
        widget.setCursor(Qt.CursorShape.WaitCursor)
    elif count <= 0:
        widget.unsetCursor()
