"""What finished work changed (Anki's OpChanges), and the hub that tells the screens.

A screen's task says what it changed; the main window hears it from :func:`change_hub` and
lets each screen decide whether to redraw, so nothing reads everything again on a timer.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtCore import QObject, Signal


@dataclass(frozen=True)
class Changes:
    """What a piece of work changed, so each screen decides whether to redraw.

    Attributes:
        cases: a case's stage, deadline, consultant or client data (the caseload rows).
        decisions: a proposal, an approval or a toewijzing (approval queue, team views).
        sync: what waits to be sent or the last sync (the status bar's counts).
        conflicts: conflicts came or went.
        catalogue: the region catalogue was replaced.
    """

    cases: bool = False
    decisions: bool = False
    sync: bool = False
    conflicts: bool = False
    catalogue: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            **{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)}
        )

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


class ChangeHub(QObject):
    """Where finished tasks announce what they changed (the main window listens).

    Signals:
        changed(object): a :class:`Changes` of work that just completed.
    """

    changed = Signal(object)


_hub: ChangeHub | None = None


def change_hub() -> ChangeHub:
    """The one hub of the application (made on the GUI thread with the first task)."""
    global _hub
    if _hub is None:
        _hub = ChangeHub()
    return _hub
