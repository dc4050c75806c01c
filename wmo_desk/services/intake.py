"""Nieuwe melding: register a client (reused by BSN) and a new case, all or nothing."""

from __future__ import annotations

import logging

from wmo_desk.domain.bsn import is_valid_bsn, normalize_bsn
from wmo_desk.domain.cases import CaseEvent, EventKind
from wmo_desk.domain.clients import Client
from wmo_desk.domain.intake import MeldingForm, case_from_form, check_melding, client_from_form
from wmo_desk.services.catalogue import CatalogueService
from wmo_desk.services.clock import Clock
from wmo_desk.services.profile import Profile
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.cases import CaseRepository
from wmo_desk.storage.repositories.clients import ClientRepository

log = logging.getLogger(__name__)


class IntakeService:
    """Registers meldingen for the signed-in user."""

    def __init__(
        self, db: Database, clock: Clock, profile: Profile, catalogues: CatalogueService
    ) -> None:
        self._db = db
        self._clock = clock
        self._profile = profile
        self._catalogues = catalogues

    def find_client(self, bsn_text: str) -> Client | None:
        """The client already known under this BSN, for pre-filling the form."""
        bsn = normalize_bsn(bsn_text)
        if not is_valid_bsn(bsn):
            return None
        with self._db.session() as session:
            client = ClientRepository(session).by_bsn(bsn)
            # a look-up is logged whether or not it found someone (the BSN itself is not kept)
            AuditRepository(session).record(
                self._profile.user.id,
                "bsn.lookup",
                client.id if client else None,
                None,
                detail="cliënt gevonden" if client else "geen cliënt gevonden",
            )
            return client

    def register(self, form: MeldingForm) -> str:
        """Check ``form`` and store client, case and first timeline entry in one transaction.

        Returns:
            The new case's id.

        Raises:
            FieldErrors: one Dutch message per wrong field; nothing was stored.
        """
        municipalities = {m.cbs_code for m in self._catalogues.current().municipalities}
        check_melding(form, self._clock.today(), municipalities)
        user = self._profile.user
        with self._db.session() as session:
            clients = ClientRepository(session)
            existing = clients.by_bsn(normalize_bsn(form.bsn))
            client = client_from_form(form, existing)
            clients.save(client)
            case = case_from_form(form, client, user.id)
            text = "Melding geregistreerd" + (" (bestaande cliënt)" if existing else "")
            event = CaseEvent(
                case_id=case.id,
                kind=EventKind.CREATED,
                text=text,
                actor_id=user.id,
                actor_name=user.name,
            )
            CaseRepository(session).save(case, self._clock.today(), (event,))
            AuditRepository(session).record(user.id, "case.create", client.id, case.id)
        log.info("melding registered (case %s, existing client: %s)", case.id, existing is not None)
        return case.id
