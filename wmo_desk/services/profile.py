"""The profile: which region, municipality and user this installation works for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wmo_desk.domain.errors import FieldErrors
from wmo_desk.domain.profile import DEMO_KEY, Profile
from wmo_desk.domain.users import Role, User
from wmo_desk.services.catalogue import CatalogueService
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.settings import SettingsRepository
from wmo_desk.storage.repositories.users import UserRepository

__all__ = ["DEMO_KEY", "Profile", "ProfileService", "RegionChoice", "region_choices"]


@dataclass(frozen=True)
class RegionChoice:
    """A region offered in the first-start dialog, with its municipalities (code, name)."""

    code: str
    name: str
    municipalities: tuple[tuple[str, str], ...]
    centrumgemeente: str
    path: Path


def region_choices(catalogue_dir: Path) -> list[RegionChoice]:
    """The regions whose catalogue ships with wmo_desk."""
    from wmo_desk.catalogue.loader import bundled_catalogues, load_catalogue  # first start only

    choices = []
    for path in bundled_catalogues(catalogue_dir):
        catalogue = load_catalogue(path)
        municipalities = tuple(
            sorted(((m.cbs_code, m.name) for m in catalogue.municipalities), key=lambda m: m[1])
        )
        choices.append(
            RegionChoice(
                catalogue.region_code,
                catalogue.region_name,
                municipalities,
                catalogue.centrumgemeente,
                path,
            )
        )
    return choices


class ProfileService:
    """Reads and sets up the profile stored in the database."""

    def __init__(self, db: Database, catalogues: CatalogueService) -> None:
        self._db = db
        self._catalogues = catalogues

    def load(self) -> Profile | None:
        """The configured profile, or None on a first start."""
        with self._db.session() as session:
            settings = SettingsRepository(session)
            user_id = settings.get("user_id")
            region = settings.get("region_code")
            municipality = settings.get("municipality_code")
            settings_demo = settings.get(DEMO_KEY)
            user = UserRepository(session).get(user_id) if user_id else None
        if not (user and region and municipality):
            return None
        return Profile(
            region_code=region,
            municipality_code=municipality,
            user=user,
            demo=settings_demo == "1",
        )

    def mark_demo(self) -> None:
        """This profile holds the invented demo data (set by the demo set-up only)."""
        with self._db.session() as session:
            SettingsRepository(session).set(DEMO_KEY, "1")

    def set_up(
        self, choice: RegionChoice, municipality_code: str, name: str, role: Role
    ) -> Profile:
        """First start: import the region's catalogue and create the user; all or nothing."""
        errors = {}
        if not name.strip():
            errors["name"] = "Vul uw naam in."
        if municipality_code not in {code for code, _ in choice.municipalities}:
            errors["municipality_code"] = "Kies een gemeente uit de regio."
        if errors:
            raise FieldErrors(errors)
        self._catalogues.import_file(choice.path, expected_region=choice.code)
        user = User(name=" ".join(name.split()), role=role, municipality_code=municipality_code)
        with self._db.session() as session:
            UserRepository(session).add(user)
            settings = SettingsRepository(session)
            settings.set("region_code", choice.code)
            settings.set("municipality_code", municipality_code)
            settings.set("user_id", user.id)
        self._catalogues.set_region(choice.code)
        return Profile(region_code=choice.code, municipality_code=municipality_code, user=user)

    def switch_user(self, user_id: str) -> Profile:
        """Work as another user of this profile (the demo has a consultant and a team lead)."""
        with self._db.session() as session:
            SettingsRepository(session).set("user_id", user_id)
        profile = self.load()
        assert profile is not None
        return profile

    def users(self) -> list[User]:
        with self._db.session() as session:
            return UserRepository(session).all()
