"""Offline-first sync with the regional server: push local changes, pull the region's.

Every local change marks its row pending. A sync prepares the pending rows as changes with a
fixed change id (kept in the outbox, so a retry after a crash is the same change to the
server), pushes them in batches, then pulls from the saved cursor into an inbox and applies the
whole inbox in one transaction. Killing the app at any point loses nothing: the next sync
resends what was not confirmed and continues the pull where the cursor stands.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from wmo_desk.domain.audit import GENESIS, chain_break
from wmo_desk.domain.errors import UserError
from wmo_desk.services import evaluations, signals
from wmo_desk.services.catalogue import CatalogueService
from wmo_desk.services.clock import Clock
from wmo_desk.services.first_screen import SERVER_USERNAME_KEY
from wmo_desk.services.work_contact import move_work_contact
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.cases import CaseRepository
from wmo_desk.storage.repositories.settings import SettingsRepository
from wmo_desk.storage.repositories.sync import Conflict, OutgoingChange, SyncRepository
from wmo_desk.storage.repositories.sync_payloads import wire_id
from wmo_desk.sync.engine import FieldDifference, differences, merge

if TYPE_CHECKING:  # the protocol and the client (pydantic) load with the first sync
    from wmo_desk.sync.client import ServerClient, ServerSession

log = logging.getLogger(__name__)

# Refusals after which only signing in again helps.
SIGN_IN_AGAIN = frozenset({"token_expired", "token_revoked", "token_invalid", "user_inactive"})
PUSH_BATCH = 200
# The server takes push bodies up to 16 MiB; decision documents (PDFs in base64) are large.
PUSH_BYTES = 6 * 1024 * 1024
PULL_PAGE = 500

Progress = Callable[[str, int, int], None]


RECORD_LABELS = {
    "client": "Cliëntgegevens",
    "case": "Casus",
    "case_event": "Tijdlijn",
    "conversation": "Gesprek",
    "case_result": "Resultaat",
    "zrm_assessment": "ZRM-meting",
    "provider_choice": "Gekozen aanbieder",
    "decision": "Besluit",
    "provision": "Voorziening",
    "allocation": "Toewijzing",
    "decision_document": "Besluitdocument",
    "evaluation": "Telefonische evaluatie",
}


def _within_size(batch: list[OutgoingChange]) -> list[OutgoingChange]:
    """The first changes of ``batch`` that fit one push body (always at least one); the rest
    stay in the outbox for the next push."""
    from pydantic_core import to_json  # loaded with the first sync, as the protocol

    size = 0
    for n, change in enumerate(batch):
        # the payload's UTF-8 JSON as the push body holds it (encoded in Rust, not json.dumps)
        size += len(to_json(change.payload)) + 400
        if size > PUSH_BYTES and n > 0:
            return batch[:n]
    return batch


class SyncCancelled(Exception):
    """The sync was stopped (the app closes); what was confirmed so far is kept."""


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows."""

    signed_in: bool
    last_sync: datetime | None
    pending: int
    conflicts: int


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    pulled: int
    new_conflicts: int
    refused: int
    catalogue_version: str | None
    #: lines of the access log the server stored in this sync
    audit_pushed: int = 0
    #: the server asked for a remote wipe: the profile's personal data are gone now
    wiped: bool = False


class AuditChainBroken(UserError):
    """The access log on this laptop was changed after it was written."""


class SyncService:
    """Sync of one profile database with the server the user signed in to."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        catalogues: CatalogueService,
        client: Callable[[], ServerClient],
        token: Callable[[], str | None],
        forget: Callable[[], None] | None = None,
        wipe: Callable[[], None] | None = None,
    ) -> None:
        self._db = db
        self._wipe = wipe
        self._clock = clock
        self._catalogues = catalogues
        self._client = client
        self._token = token
        self._forget = forget
        # one sync at a time, whether started by the timer or by the user
        self._running = threading.Lock()

    # --- identity --------------------------------------------------------------------------

    def adopt_identity(self, session: ServerSession, username: str, municipality_code: str) -> str:
        """After sign-in: the local user becomes the server's user (same id everywhere).

        Returns the user id to work as. Raises :class:`UserError` for an account of another
        municipality than this installation's."""
        if session.municipality_code != municipality_code:
            raise UserError(
                "Andere gemeente",
                f"Dit account hoort bij gemeente {session.municipality_code}; deze installatie "
                f"werkt voor gemeente {municipality_code}.",
            )
        with self._db.session() as db_session:
            settings = SettingsRepository(db_session)
            current = settings.get("user_id")
            repo = SyncRepository(db_session)
            if current and current != session.user_id:
                repo.rekey_user(current, session.user_id)
                move_work_contact(settings, current, session.user_id)
            settings.set("user_id", session.user_id)
            settings.set(SERVER_USERNAME_KEY, username)
            repo.update_user(session.user_id, session.display_name, session.role, municipality_code)
        return session.user_id

    # --- status ----------------------------------------------------------------------------

    def signed_in(self) -> bool:
        """Whether a sign-in token is at hand (what :meth:`status` says, without its counts)."""
        return self._token() is not None

    def status(self) -> SyncStatus:
        with self._db.session() as session:
            repo = SyncRepository(session)
            return SyncStatus(
                signed_in=self.signed_in(),
                last_sync=repo.last_sync(),
                pending=repo.pending_count(),
                conflicts=len(repo.conflicts()),
            )

    @property
    def running(self) -> bool:
        return self._running.locked()

    # --- the sync itself -------------------------------------------------------------------

    def sync(
        self, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
    ) -> SyncReport:
        """Push, then pull. Raises :class:`ServerError` (offline, token expired, ...)."""
        from wmo_desk.sync.client import ServerError

        token = self._token()
        if token is None:
            raise ServerError("token_invalid", "Niet aangemeld", "Meld u eerst aan bij de server.")
        if not self._running.acquire(blocking=False):
            raise UserError("Synchronisatie loopt al", "Er loopt al een synchronisatie.")
        try:
            return self._sync(token, progress or (lambda *_: None), cancelled or (lambda: False))
        except ServerError as exc:
            if exc.code in SIGN_IN_AGAIN and self._forget is not None:
                self._forget()  # a token the server refuses is never tried again
            raise
        finally:
            self._running.release()

    def _sync(self, token: str, progress: Progress, cancelled: Callable[[], bool]) -> SyncReport:
        client = self._client()
        with self._db.session() as session:
            # the server passes over what this profile pushed when it pulls (it has that)
            client.device = AuditRepository(session).device_id()
        pushed, new_conflicts, refused = self._push(client, token, progress, cancelled)
        audit_pushed = self._push_audit(client, token)
        pulled, catalogue_version, conflicts_on_pull, wipe = self._pull(
            client, token, progress, cancelled
        )
        if wipe:
            return self._wiped(client, token, pushed, refused, audit_pushed)
        with self._db.session() as session:
            SyncRepository(session).set_last_sync(self._clock.now())
        # signals to the meldpunt: apart from the records, sent once, their statuses back
        signals.exchange(self._db, client, token)
        # the anonymous cliëntervaring evaluations: sent once; then the tasks handed on to a
        # colleague (of cases not held here) leave this laptop, with whom they said to call
        evaluations.exchange(self._db, client, token)
        evaluations.forget_handed_on(self._db)
        report = SyncReport(
            pushed=pushed,
            pulled=pulled,
            new_conflicts=new_conflicts + conflicts_on_pull,
            refused=refused,
            catalogue_version=catalogue_version,
            audit_pushed=audit_pushed,
        )
        log.info(
            "sync done: %d pushed, %d pulled, %d conflicts, %d refused, %d log lines",
            report.pushed,
            report.pulled,
            report.new_conflicts,
            report.refused,
            report.audit_pushed,
        )
        return report

    def _push_audit(self, client: ServerClient, token: str) -> int:
        """Send the access-log lines the server has not stored yet, after checking locally
        that they continue the chain the server holds (the server checks it again)."""
        from wmo_desk.sync.protocol import MAX_AUDIT_PER_PUSH, AuditEntryIn, AuditPushRequest

        stored = 0
        while True:
            with self._db.session() as session:
                audit = AuditRepository(session)
                device = audit.device_id()
                after = audit.pushed_seq()
                head = audit.entries(after - 1, limit=1) if after else []
                entries = audit.entries(after, limit=MAX_AUDIT_PER_PUSH)
            if not entries:
                return stored
            broken = chain_break(
                entries,
                after_seq=after,
                after_hash=head[0].hash if head else GENESIS,
            )
            if broken is not None:
                log.error("the local access log was changed at line %d", broken.seq)
                raise AuditChainBroken(
                    "Toegangslog gewijzigd",
                    f"Het toegangslog op deze laptop is na het vastleggen veranderd ({broken.reason}). "
                    "Uw wijzigingen zijn wel gesynchroniseerd, het log niet. Meld dit bij de "
                    "functioneel beheerder en de privacyfunctionaris.",
                )
            response = client.push_audit(
                token,
                AuditPushRequest(
                    device_id=device, entries=[AuditEntryIn.of(entry) for entry in entries]
                ),
            )
            with self._db.session() as session:
                AuditRepository(session).mark_pushed(response.stored_through)
            stored += response.stored_through - after
            if response.stored_through <= after:
                return stored

    def _wiped(
        self, client: ServerClient, token: str, pushed: int, refused: int, audit_pushed: int
    ) -> SyncReport:
        """The server asked for a remote wipe: what was pending has been pushed; now the
        profile's personal data go, and the server hears it was done."""
        from wmo_desk.sync.client import ServerError

        with self._db.session() as session:
            device = AuditRepository(session).device_id()
        log.warning("remote wipe requested by the server: removing this profile's data")
        if self._wipe is not None:
            self._wipe()
        try:
            client.wipe_done(token, device)
        except ServerError as exc:
            log.warning("the server could not be told the wipe was done: %s", exc.code)
        return SyncReport(
            pushed=pushed,
            pulled=0,
            new_conflicts=0,
            refused=refused,
            catalogue_version=None,
            audit_pushed=audit_pushed,
            wiped=True,
        )

    def _push(
        self, client: ServerClient, token: str, progress: Progress, cancelled: Callable[[], bool]
    ) -> tuple[int, int, int]:
        from wmo_desk.sync.protocol import Change, ChangeStatus

        with self._db.session() as session:
            repo = SyncRepository(session)
            repo.prepare_outbox()
            total = repo.outbox_size()
        pushed = conflicts = refused = 0
        done = 0
        # A change prepared earlier (an answer lost, a crash) may be outdated by an edit made
        # since: its row stays pending when confirmed, and is prepared again once the outbox
        # is empty, so one sync sends every edit made before it started.
        second_round = False
        municipality = self._municipality()
        progress("Versturen", 0, total)
        while True:
            if cancelled():
                raise SyncCancelled
            with self._db.session() as session:
                repo = SyncRepository(session)
                batch = repo.outbox(PUSH_BATCH)
                if not batch and not second_round:
                    second_round = True
                    total += repo.prepare_outbox()
                    batch = repo.outbox(PUSH_BATCH)
            if not batch:
                break
            batch = _within_size(batch)
            results = client.push(
                token,
                [
                    # prepare_outbox checked each payload by the record rules: not again here
                    Change.of_checked(
                        change_id=c.change_id,
                        record_type=c.record_type,
                        record_id=wire_id(c.record_id),
                        case_id=c.case_id,
                        municipality_code=municipality,
                        base_revision=c.base_revision,
                        deleted=c.deleted,
                        payload=c.payload,
                    )
                    for c in batch
                ],
            )
            by_id = {str(r.change_id): r for r in results}
            with self._db.session() as session:
                repo = SyncRepository(session)
                confirmed = []
                for change in batch:
                    result = by_id[change.change_id]
                    if result.status in (ChangeStatus.APPLIED, ChangeStatus.DUPLICATE):
                        confirmed.append((change, result.revision))
                        pushed += 1
                    elif result.status is ChangeStatus.CONFLICT:
                        conflicts += repo.conflicted(
                            change,
                            server_revision=result.revision,
                            server_payload=result.server_payload,
                            server_deleted=bool(result.server_deleted),
                        )
                    else:
                        repo.refused(
                            change,
                            result.reason.value if result.reason else "",
                            server_revision=result.revision,
                            server_payload=result.server_payload,
                            detail=result.detail,
                        )
                        refused += 1
                # the confirmed changes of the batch at once (each concerns a row of its own)
                repo.confirmed_all(confirmed)
            done += len(batch)
            progress("Versturen", min(done, total), total)
        return pushed, conflicts, refused

    def _pull(
        self, client: ServerClient, token: str, progress: Progress, cancelled: Callable[[], bool]
    ) -> tuple[int, str | None, int, bool]:
        with self._db.session() as session:
            since = SyncRepository(session).cursor()
        fetched = 0
        while True:
            if cancelled():
                raise SyncCancelled
            page = client.pull(token, since, PULL_PAGE)
            if page.wipe:
                return 0, None, 0, True
            with self._db.session() as session:
                SyncRepository(session).stage(page.records_as_json(), page.next_since)
            since = page.next_since
            fetched += len(page.records)
            progress("Ophalen", fetched, fetched + (PULL_PAGE if page.more else 0))
            if not page.more:
                break
        return (*self._apply_inbox(progress), False)

    def _apply_inbox(self, progress: Progress) -> tuple[int, str | None, int]:
        with self._db.session() as session:
            repo = SyncRepository(session)
            catalogues = repo.staged_catalogues()
            staged = repo.staged_count()
        version = None
        for data in catalogues:
            version = self._catalogues.import_published(data)
        progress("Verwerken", 0, staged)
        with self._db.session() as session:
            repo = SyncRepository(session)
            before = len(repo.conflicts())
            applied = repo.apply_staged()
            after = len(repo.conflicts())
        progress("Verwerken", staged, staged)
        return applied, version, after - before

    def _municipality(self) -> str:
        with self._db.session() as session:
            return SettingsRepository(session).get("municipality_code", "") or ""

    # --- conflicts -------------------------------------------------------------------------

    def conflicts(self, case_id: str | None = None) -> list[Conflict]:
        """Open conflicts, each with this desktop's version as it is now."""
        with self._db.session() as session:
            repo = SyncRepository(session)
            repo.refresh_local_versions()
            return repo.conflicts(case_id=case_id)

    def cases_in_conflict(self) -> set[str]:
        with self._db.session() as session:
            return SyncRepository(session).cases_in_conflict()

    @staticmethod
    def differences(conflict: Conflict) -> list[FieldDifference]:
        """The fields in which the two versions differ (bookkeeping times left out)."""
        return differences(conflict.local_payload, conflict.server_payload)

    def resolve(self, conflict_id: str, take_server: set[str] | None = None) -> None:
        """Settle a conflict: the fields in ``take_server`` come from the server's version,
        all others stay as on this desktop. ``None`` takes the whole server version.

        The version not chosen stays in the conflict record, so no one's work is lost."""
        with self._db.session() as session:
            repo = SyncRepository(session)
            # edited since the conflict arose: that newer version is "mine"
            repo.refresh_local_versions()
            conflict = next((c for c in repo.conflicts() if c.id == conflict_id), None)
            if conflict is None:
                return
            if conflict.kind != "conflict":
                repo.resolve(conflict_id, {}, False, "gelezen")
                return
            server = conflict.server_payload or {}
            if take_server is None:
                repo.resolve(conflict_id, server, conflict.server_deleted, "server")
                return
            merged = merge(conflict.local_payload, server, take_server)
            how = "eigen" if not take_server else "samengevoegd"
            repo.resolve(conflict_id, merged, conflict.local_deleted and not take_server, how)
            if conflict.record_type == "case":
                # a mix of two versions: deadlines and search fields follow the chosen values
                cases = CaseRepository(session)
                case = cases.get(conflict.record_id)
                if case is not None:
                    cases.save(case, self._clock.today())

    @staticmethod
    def refusal_text(conflict: Conflict) -> str:
        from wmo_desk.sync.protocol import refusal_text

        text = refusal_text(conflict.reason)
        return f"{text} {conflict.detail}" if conflict.detail else text
