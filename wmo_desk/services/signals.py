"""Signals to the regional meldpunt: report one from a case, list one's own with their status,
and exchange them with the server at the end of a sync.

A signal is committed before the dialog closes (a kill after saving loses nothing) and sent at
the next sync; the server then owns its status, which the next syncs bring back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from wmo_desk.domain.errors import FieldErrors, UserError
from wmo_desk.domain.identifiers import new_id
from wmo_desk.domain.signals import Signal, SignalKind, SignalStatus, signal_problems
from wmo_desk.services.catalogue import CatalogueService
from wmo_desk.services.clock import Clock
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.cases import CaseRepository
from wmo_desk.storage.repositories.settings import SettingsRepository
from wmo_desk.storage.repositories.signals import SignalRepository

if TYPE_CHECKING:  # the protocol and the client (pydantic) load with the first sync
    from wmo_desk.sync.client import ServerClient

log = logging.getLogger(__name__)

# Answers about the connection or the sign-in, not about the signal: the sync says so.
_STOP = frozenset(
    {
        "unreachable",
        "token_expired",
        "token_revoked",
        "token_invalid",
        "user_inactive",
        "protocol_outdated",
    }
)
# The server could not take it now: the signal waits for the next sync, the sync goes on.
_LATER = frozenset({"server_error", "too_many_attempts"})


@dataclass(frozen=True)
class SignalExchange:
    """What one exchange with the server did."""

    sent: int = 0
    refused: int = 0
    updated: int = 0


class SignalService:
    """The current user's signals."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        user_id: Callable[[], str],
        catalogues: CatalogueService,
    ) -> None:
        self._db = db
        self._clock = clock
        self._user_id = user_id
        self._catalogues = catalogues

    def providers(self) -> list[tuple[str, str]]:
        """(id, name) of the providers of the catalogue, by name."""
        try:
            catalogue = self._catalogues.current()
        except UserError:
            return []
        return sorted(((p.id, p.name) for p in catalogue.providers), key=lambda p: p[1].lower())

    def report(
        self,
        *,
        case_id: str | None,
        provider_id: str,
        kind: SignalKind,
        what_happened: str,
        occurred_on: date | None,
        link_client: bool = False,
        consent_on: date | None = None,
    ) -> Signal:
        """Save a signal to send at the next sync; the case's client only with ``consent_on``.

        Raises:
            FieldErrors: what to correct, per field (``provider``, ``what_happened``,
                ``occurred_on``, ``consent_on``).
        """
        user = self._user_id()
        names = dict(self.providers())
        with self._db.session() as session:
            client_id = None
            if case_id is not None:
                case = CaseRepository(session).get(case_id)
                if case is None:
                    raise UserError("Dossier niet gevonden", "Dit dossier bestaat niet (meer).")
                client_id = case.client_id if link_client else None
            errors = signal_problems(
                provider_id=provider_id,
                what_happened=what_happened,
                occurred_on=occurred_on,
                today=self._clock.today(),
                client_id=client_id,
                consent_on=consent_on,
            )
            if provider_id and provider_id not in names:
                errors.setdefault("provider", "Kies een aanbieder uit de catalogus.")
            if errors:
                raise FieldErrors(errors)
            assert occurred_on is not None
            signal = Signal(
                id=new_id(),
                reporter_id=user,
                case_id=case_id,
                provider_id=provider_id,
                provider_name=names[provider_id],
                kind=kind,
                what_happened=what_happened.strip(),
                occurred_on=occurred_on,
                client_id=client_id,
                consent_on=consent_on if client_id else None,
                created_at=self._clock.now(),
            )
            SignalRepository(session).add(signal)
            if client_id is not None:
                AuditRepository(session).record(
                    user, "signal.report", client_id, case_id, object_id=signal.id
                )
        log.info("signal saved, to send at the next sync")
        return signal

    def mine(self, case_id: str | None = None) -> list[Signal]:
        """The current user's signals (of one case), newest first, with the last known status."""
        with self._db.session() as session:
            repo = SignalRepository(session)
            repo.adopt_orphans(self._user_id())
            return repo.mine(self._user_id(), case_id)

    def view(self, signal_id: str) -> Signal:
        """One signal to read in full; logged when it names a client."""
        with self._db.session() as session:
            signal = SignalRepository(session).get(signal_id)
            if signal is None or signal.reporter_id != self._user_id():
                raise UserError("Signaal niet gevonden", "Dit signaal bestaat niet (meer).")
            if signal.client_id is not None:
                AuditRepository(session).record(
                    self._user_id(),
                    "signal.read",
                    signal.client_id,
                    signal.case_id,
                    object_id=signal.id,
                )
        return signal


def exchange(db: Database, client: ServerClient, token: str) -> SignalExchange:
    """Send the signals the server has not received, then pull the statuses of one's own.

    A refusal about a signal (unknown provider, a client not one's own) is kept with the
    signal and shown; it is not sent again. A lost connection raises
    :class:`wmo_desk.sync.client.ServerError`: what was confirmed so far is kept."""
    from wmo_desk.sync.client import ServerError
    from wmo_desk.sync.signals import SignalIn

    with db.session() as session:
        user = SettingsRepository(session).get("user_id", "") or ""
        repo = SignalRepository(session)
        repo.adopt_orphans(user)
        unsent = repo.unsent(user)
    sent = refused = 0
    for signal in unsent:
        try:
            body = SignalIn(
                signal_id=signal.id,
                provider_id=signal.provider_id,
                kind=signal.kind,
                what_happened=signal.what_happened,
                occurred_on=signal.occurred_on,
                client_id=signal.client_id,
                consent=signal.client_id is not None,
                consent_on=signal.consent_on,
            )
            receipt = client.report_signal(token, body)
        except ValueError as exc:  # pydantic's ValidationError: never sendable as it is
            with db.session() as session:
                SignalRepository(session).refused(signal.id, _first_error(exc))
            refused += 1
            continue
        except ServerError as exc:
            if exc.code in _STOP:
                raise
            if exc.code in _LATER:
                log.warning("a signal was not taken now (%s); it is sent again later", exc.code)
                continue
            with db.session() as session:
                SignalRepository(session).refused(signal.id, exc.message)
            refused += 1
            continue
        with db.session() as session:
            SignalRepository(session).received(signal.id, receipt.received_at, receipt.status)
        sent += 1
    updated = 0
    while True:
        with db.session() as session:
            since = SignalRepository(session).cursor()
        page = client.signal_statuses(token, since)
        with db.session() as session:
            repo = SignalRepository(session)
            for status in page.signals:
                updated += repo.set_status(
                    str(status.signal_id), SignalStatus(status.status), status.changed_at
                )
            repo.set_cursor(page.next_since)
        if not page.more or page.next_since <= since:
            break
    return SignalExchange(sent=sent, refused=refused, updated=updated)


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        for error in errors():
            cause = (error.get("ctx") or {}).get("error")
            if isinstance(cause, ValueError):
                return str(cause)
    return "Het signaal is ongeldig en kan niet worden verzonden."
