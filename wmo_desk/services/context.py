"""The composition root: opens a profile folder and builds every service on top of it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from wmo_desk.paths import forms_dir, resources_dir
from wmo_desk.services.assessment import AssessmentService
from wmo_desk.services.caseload import CaseloadService
from wmo_desk.services.cases import CaseService
from wmo_desk.services.catalogue import CatalogueService
from wmo_desk.services.clock import Clock
from wmo_desk.services.conversation import ConversationService
from wmo_desk.services.decision_documents import DecisionDocuments
from wmo_desk.services.decisions import DecisionService
from wmo_desk.services.documents import DocumentService
from wmo_desk.services.evaluations import EvaluationService
from wmo_desk.services.first_screen import DATABASE_NAME, ServicesScreen
from wmo_desk.services.intake import IntakeService
from wmo_desk.services.inzage import InzageService
from wmo_desk.services.mandate import DemoMandate, Mandate, NoMandate, ServerMandate
from wmo_desk.services.profile import Profile, ProfileService, RegionChoice, region_choices
from wmo_desk.services.profile_key import ProfileKeys
from wmo_desk.services.signals import SignalService
from wmo_desk.services.signin import SignInService, TokenStore
from wmo_desk.services.suggestions import SuggestionService
from wmo_desk.services.sync import SERVER_USERNAME_KEY, SyncService
from wmo_desk.services.verslag import VerslagService
from wmo_desk.services.work_contact import WorkContactService
from wmo_desk.storage.cipher import shred
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.settings import SettingsRepository

if TYPE_CHECKING:  # the client (and the protocol's pydantic models) load with the first request
    import httpx

    from wmo_desk.sync.client import ServerClient

log = logging.getLogger(__name__)

DEFAULT_SERVER_URL = "http://127.0.0.1:8750"


class AppContext:
    """Everything one profile folder needs; the UI receives this and calls its services.

    Attributes:
        folder: the profile's data folder (database, backups, logs).
        profile: who works here; None until the first-start set-up is done.
    """

    def __init__(self, folder: Path, db: Database, clock: Clock) -> None:
        self.folder = folder
        self.db = db
        self.clock = clock
        self.catalogues = CatalogueService(db, None)
        self.profiles = ProfileService(db, self.catalogues)
        self.profile: Profile | None = None
        self.documents = DocumentService(db, clock, folder, self._user_id)
        self.documents.clean_open_copies()  # a crashed session leaves its copies behind
        self.keys: ProfileKeys | None = None
        #: the server had this profile wiped: nothing of it can be used any more
        self.wiped = False
        self.tokens = TokenStore()
        self.work_contact = WorkContactService(db)
        self.signin: SignInService | None = None
        self.sync = SyncService(
            db,
            clock,
            self.catalogues,
            client=self._sync_client,
            token=self._current_token,
            forget=self.sign_out,
            wipe=self.wipe_profile,
        )
        self._signin_url = ""
        # another transport for the server (tests talk to an in-process server)
        self.http: httpx.Client | None = None
        self._fallback_client: tuple[str, ServerClient] | None = None
        self.inzage = InzageService(self, self._sync_client, self._current_token)
        self.signals = SignalService(db, clock, self._user_id, self.catalogues)
        self.intake: IntakeService
        self.cases: CaseService
        self.caseload: CaseloadService
        self.assessment: AssessmentService
        self.conversation: ConversationService
        self.evaluations: EvaluationService
        self.verslag: VerslagService
        self.suggestions: SuggestionService
        self.decisions: DecisionService
        loaded = self.profiles.load()
        if loaded:
            self.activate(loaded)

    @classmethod
    def open(
        cls,
        folder: Path,
        clock: Clock | None = None,
        *,
        backup: bool = True,
        keys: ProfileKeys | None = None,
    ) -> AppContext:
        """Open the profile in ``folder`` with its key (the OS keyring unless ``keys`` says
        otherwise): encrypted, backed up when due and migrated. Raises :class:`KeyProblem`."""
        keys = keys or ProfileKeys(folder)
        path = folder / DATABASE_NAME

        def open_database(key: bytes) -> Database:
            return Database.open_file(path, key, backup=backup)

        db = keys.open_with(path, open_database)
        ctx = cls(folder, db, clock or Clock())
        ctx.keys = keys
        return ctx

    def screen_data(self) -> ServicesScreen:
        """What the main window's first screen reads, over these services."""
        return ServicesScreen(self)

    def region_choices(self) -> list[RegionChoice]:
        return region_choices(resources_dir() / "catalogues")

    def activate(self, profile: Profile) -> None:
        """Build the services for ``profile`` (after set-up or a switch of user)."""
        self.profile = profile
        self.catalogues.set_region(profile.region_code, profile.municipality_code)
        self.intake = IntakeService(self.db, self.clock, profile, self.catalogues)
        self.cases = CaseService(self.db, self.clock, profile)
        self.caseload = CaseloadService(self.db, self.clock, profile.user.id)
        self.assessment = AssessmentService(self.db, self.clock, profile, self.catalogues)
        self.conversation = ConversationService(self.db, self.clock, profile, forms_dir())
        self.evaluations = EvaluationService(self.db, self.clock, profile, forms_dir())
        self.documents.import_old_documents()
        self.verslag = VerslagService(self, self.documents)
        documents = DecisionDocuments(self)
        self.decisions = DecisionService(
            self.db,
            self.clock,
            profile,
            self.catalogues,
            documents,
            documents.allocation_documents,
            mandate=self.mandate,
            message_check=documents.check_messages,
        )
        self.suggestions = SuggestionService(
            self.db,
            self.clock,
            profile,
            self.catalogues,
            resources_dir() / "geodata" / "nl_pc4.csv",
        )

    def _user_id(self) -> str:
        assert self.profile is not None
        return self.profile.user.id

    def mandate(self) -> Mandate:
        """Who approves and numbers now: the server once signed in; the demo profile locally."""
        assert self.profile is not None
        token = self._current_token()
        if token:
            return ServerMandate(self._sync_client(), token)
        if self.profile.demo:
            return DemoMandate(
                self.db, self.clock, self.profile.municipality_code, self.profile.user.id
            )
        return NoMandate()

    def sign_in_service(self, server_url: str | None = None) -> SignInService:
        """The sign-in service for ``server_url`` (default: the one used last, kept in the profile)."""
        url = server_url or self.settings_value("server_url", DEFAULT_SERVER_URL)
        from wmo_desk.sync.client import ServerClient

        if self.signin is None or self._signin_url != url:
            if self.signin is not None:
                self.signin.client.close()
            self.signin = SignInService(ServerClient(url, http=self.http), self.tokens)
            self._signin_url = url
        return self.signin

    def _current_token(self) -> str | None:
        """The token of this session's sign-in, or the one kept in the keyring (not checked)."""
        if self.signin is not None and self.signin.session is not None:
            return self.signin.session.token
        username = self.settings_value(SERVER_USERNAME_KEY, "")
        return self.tokens.get(username) if username else None

    def _sync_client(self) -> ServerClient:
        """The client of the sign-in; never creates one on the sync thread's behalf in ``self``."""
        from wmo_desk.sync.client import ServerClient

        if self.signin is not None:
            return self.signin.client
        url = self.settings_value("server_url", DEFAULT_SERVER_URL)
        if self._fallback_client is None or self._fallback_client[0] != url:
            self._fallback_client = (url, ServerClient(url, http=self.http))
        return self._fallback_client[1]

    def sign_out(self) -> None:
        """Forget the sign-in: the token in memory and in the keyring."""
        if self.signin is not None:
            self.signin.sign_out()
        username = self.settings_value(SERVER_USERNAME_KEY, "")
        if username:
            self.tokens.delete(username)

    def signed_in(self) -> None:
        """After a successful sign-in: work as the server's user, with the server's id."""
        assert self.signin is not None and self.signin.session is not None
        assert self.profile is not None
        self.sync.adopt_identity(
            self.signin.session, self.signin.username, self.profile.municipality_code
        )
        loaded = self.profiles.load()
        if loaded:
            self.activate(loaded)

    def role_confirmed(self) -> bool:
        """Whether the user's role is the server's (after a sign-in) or the demo's; a role
        chosen at the first start is only a claim until then."""
        assert self.profile is not None
        return self.profile.demo or bool(self.settings_value(SERVER_USERNAME_KEY, ""))

    def remember_server(self, server_url: str) -> None:
        with self.db.session() as session:
            SettingsRepository(session).set("server_url", server_url)

    def settings_value(self, key: str, default: str) -> str:
        """A configuration value of this profile (e.g. ``eigen_bijdrage_cents``)."""
        with self.db.session() as session:
            return SettingsRepository(session).get(key, default) or default

    def wipe_profile(self) -> None:
        """Remote wipe (the server asked, after the pending changes were pushed): forget the
        sign-in and the database key, then overwrite and remove the database, its WAL, the
        backups and opened documents. The logs (which hold no personal data) stay."""
        self.wiped = True
        self.sign_out()
        self.documents.clean_open_copies()
        self.db.close()
        if self.keys is not None:
            self.keys.delete()
        for suffix in ("", "-wal", "-shm", "-journal"):
            shred(self.folder / (DATABASE_NAME + suffix))
        backups = self.folder / "backups"
        if backups.is_dir():
            for backup in backups.iterdir():
                shred(backup)
        log.warning("profile wiped on the server's request")

    def close(self) -> None:
        if self.wiped:
            return
        self.documents.clean_open_copies()
        if self.signin is not None:
            self.signin.client.close()
        if self._fallback_client is not None:
            self._fallback_client[1].close()
        self.db.close()
