"""Provider suggestions in a case: the client's home, the ranking, and the client's choice."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from wmo_desk.catalogue.geodata import pc4_coordinates
from wmo_desk.domain.choices import ProviderChoice, check_choice
from wmo_desk.domain.clients import Client
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.ranking import (
    AreaProvider,
    Home,
    Suggestion,
    SuggestionQuery,
    area_provider,
    suggest,
)
from wmo_desk.domain.users import Role
from wmo_desk.services.catalogue import CatalogueService
from wmo_desk.services.clock import Clock
from wmo_desk.services.profile import Profile
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.cases import CaseRepository
from wmo_desk.storage.repositories.choices import ChoiceRepository
from wmo_desk.storage.repositories.clients import ClientRepository


@dataclass(frozen=True)
class Suggestions:
    """What the suggestions screen shows."""

    home: Home
    ranked: list[Suggestion]
    area: AreaProvider | None
    show_bw_capacity: bool


class SuggestionService:
    """Ranks contracted providers from the client's home; offline, from the stored catalogue."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        profile: Profile,
        catalogues: CatalogueService,
        geodata: Path,
    ) -> None:
        self._db = db
        self._clock = clock
        self._profile = profile
        self._catalogues = catalogues
        self._geodata = geodata

    def home_of(self, client: Client) -> Home:
        """The PC4 centre of the client's postcode, else the municipality's centre with a warning."""
        coordinates = pc4_coordinates(self._geodata)
        pc4 = client.address.postcode[:4]
        if pc4 in coordinates:
            lat, lon = coordinates[pc4]
            return Home(lat, lon)
        catalogue = self._catalogues.current()
        municipality = catalogue.municipality(client.municipality_code) or catalogue.municipality(
            catalogue.centrumgemeente
        )
        assert municipality is not None
        return Home(
            municipality.latitude,
            municipality.longitude,
            approximate=True,
            warning=(
                f"Postcode {pc4 or '(leeg)'} is onbekend; de afstanden zijn gemeten vanaf het centrum van "
                f"{municipality.name} en dus bij benadering."
            ),
        )

    def _client(self, case_id: str) -> Client:
        with self._db.session() as session:
            case = CaseRepository(session).get(case_id)
            if case is None:
                raise UserError("Dossier niet gevonden", "Dit dossier bestaat niet (meer).")
            client = ClientRepository(session).get(case.client_id)
        assert client is not None
        return client

    def suggestions(
        self,
        case_id: str,
        care_form: str,
        product_code: str = "",
        specialism: str = "",
        accepting_only: bool = False,
    ) -> Suggestions:
        client = self._client(case_id)
        home = self.home_of(client)
        query = SuggestionQuery(
            care_form=care_form,
            municipality_code=client.municipality_code,
            product_code=product_code,
            specialism=specialism,
            accepting_only=accepting_only,
            postcode=client.address.postcode,
        )
        catalogue = self._catalogues.current()
        ranked = suggest(catalogue, query, home)
        area = area_provider(catalogue, query)
        if area is not None:
            # one provider per area (task-based): no ranking, only that provider's locations
            ranked = [
                replace(s, rank=i + 1)
                for i, s in enumerate(x for x in ranked if x.provider.id == area.provider.id)
            ]
        return Suggestions(
            home=home,
            ranked=ranked,
            area=area,
            show_bw_capacity=self._profile.user.role is Role.BW_CONSULENT,
        )

    def choose(
        self, case_id: str, care_form: str, product_code: str, suggestion: Suggestion, reason: str
    ) -> ProviderChoice:
        """Record the client's choice; beyond the three nearest a reason is required (FieldErrors)."""
        loc = suggestion.location
        choice = ProviderChoice(
            case_id=case_id,
            care_form=care_form,
            product_code=product_code,
            provider_id=suggestion.provider.id,
            provider_name=suggestion.provider.name,
            provider_agb=suggestion.provider.agb_code,
            location_id=loc.id,
            location_label=f"{loc.name}, {loc.street} {loc.house_number}, {loc.place}",
            distance_km=round(suggestion.distance_km, 1),
            rank=suggestion.rank,
            reason=reason.strip(),
            chosen_on=self._clock.today(),
        )
        check_choice(choice)
        with self._db.session() as session:
            client_id = CaseRepository(session).get(case_id).client_id
            ChoiceRepository(session).add(choice)
            AuditRepository(session).record(
                self._profile.user.id, "provider.choose", client_id, case_id
            )
        return choice

    def choices(self, case_id: str) -> list[tuple[ProviderChoice, str]]:
        """The case's current choices, each with a warning when the catalogue no longer has the provider."""
        with self._db.session() as session:
            choices = ChoiceRepository(session).for_case(case_id)
        known = {p.id for p in self._catalogues.current().providers}
        return [
            (
                c,
                ""
                if c.provider_id in known
                else "Deze aanbieder staat niet meer in de huidige catalogus van de regio.",
            )
            for c in choices
        ]
