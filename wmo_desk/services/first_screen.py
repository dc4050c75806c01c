"""The main window's first screen, before and after the services are loaded (issue 14).

A start shows the caseload from :class:`QuickScreen` (plain SQL, no SQLAlchemy: see
:mod:`wmo_desk.storage.first_screen`) while :class:`~wmo_desk.services.context.AppContext`
is built in the background; then the window reads the same things through
:class:`ServicesScreen`, over the services. Both answer :class:`ScreenData`.

This module imports neither SQLAlchemy nor the other services.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from wmo_desk.domain.caseload import CaseloadFilter, CaseSummary
from wmo_desk.domain.profile import Profile
from wmo_desk.domain.users import User
from wmo_desk.services.clock import Clock
from wmo_desk.storage.first_screen import CatalogueLine, FirstRead

if TYPE_CHECKING:
    from wmo_desk.services.context import AppContext
    from wmo_desk.services.profile_key import ProfileKeys

__all__ = [
    "DATABASE_NAME",
    "SERVER_USERNAME_KEY",
    "CatalogueLine",
    "QuickScreen",
    "ScreenData",
    "ServicesScreen",
]

DATABASE_NAME = "wmo_desk.sqlite"
#: the settings key of the server account this profile signed in with (see services.sync)
SERVER_USERNAME_KEY = "server_username"


class ScreenData(Protocol):
    """What the main window shows before a case is opened."""

    profile: Profile

    def today(self) -> date: ...

    def users(self) -> list[User]: ...

    def role_confirmed(self) -> bool: ...

    def catalogue_line(self) -> CatalogueLine: ...

    def case_ids(self, flt: CaseloadFilter, *, fresh: bool = True) -> list[str]: ...

    def summaries_for(self, case_ids: list[str]) -> dict[str, CaseSummary]: ...

    def cases_in_conflict(self) -> set[str]: ...

    def prepare_search(self, flt: CaseloadFilter) -> None: ...


class QuickScreen:
    """The first screen read straight from the database, until the services take over.

    It does not search (a search waits for the services), writes nothing and logs nothing:
    the caseload list goes into the access log when the services read it again.

    Attributes:
        folder: the profile folder.
        keys: the key that opened it, for the full open (no second passphrase).
    """

    def __init__(
        self,
        read: FirstRead,
        profile: Profile,
        line: CatalogueLine,
        folder: Path,
        keys: ProfileKeys,
        clock: Clock,
    ) -> None:
        self._read = read
        self.profile = profile
        self._line = line
        self.folder = folder
        self.keys = keys
        self._clock = clock

    @classmethod
    def open(
        cls, folder: Path, keys: ProfileKeys, clock: Clock | None = None
    ) -> QuickScreen | None:
        """The first screen of the profile in ``folder``, or None when the full open must come
        first (a new profile, a first start, a migration, no catalogue). Raises
        :class:`~wmo_desk.services.profile_key.KeyProblem` as the full open would; a key that
        fits is kept in ``keys``, so the full open does not ask again."""
        path = folder / DATABASE_NAME
        if FirstRead.needs_full_open(path):
            # a new profile (its key is made by the full open), a plaintext or half-encrypted
            # one: decided before any key is asked for, so none is kept unchecked
            return None
        read = keys.open_with(path, lambda key: FirstRead.open(path, key))
        if read is None:
            return None
        assert isinstance(read, FirstRead)
        profile = read.profile()
        line = profile and read.catalogue_line(profile.region_code, profile.municipality_code)
        if profile is None or line is None:
            read.close()
            return None
        return cls(read, profile, line, folder, keys, clock or Clock())

    def open_context(self) -> Callable[[], AppContext]:
        """The full open of this profile, for a worker thread: with the key already found. Its
        daily backup is made there too, while the window only reads (a backup beside the
        services' writes could count rows that change under it)."""

        def open_context() -> AppContext:
            from wmo_desk.services.context import AppContext

            return AppContext.open(self.folder, self._clock, keys=self.keys)

        return open_context

    def close(self) -> None:
        self._read.close()

    def today(self) -> date:
        return self._clock.today()

    def users(self) -> list[User]:
        return self._read.users()

    def role_confirmed(self) -> bool:
        return self.profile.demo or bool(self._read.setting(SERVER_USERNAME_KEY))

    def catalogue_line(self) -> CatalogueLine:
        return self._line

    def case_ids(self, flt: CaseloadFilter, *, fresh: bool = True) -> list[str]:
        return self._read.case_ids(flt)

    def summaries_for(self, case_ids: list[str]) -> dict[str, CaseSummary]:
        return self._read.summaries_for(case_ids)

    def cases_in_conflict(self) -> set[str]:
        return self._read.cases_in_conflict()

    def prepare_search(self, flt: CaseloadFilter) -> None:
        """Nothing: searching waits for the services."""


class ServicesScreen:
    """The first screen over the services of ``ctx`` (a profile that is set up)."""

    def __init__(self, ctx: AppContext) -> None:
        assert ctx.profile is not None
        self._ctx = ctx

    @property
    def profile(self) -> Profile:  # type: ignore[override]
        assert self._ctx.profile is not None
        return self._ctx.profile

    def today(self) -> date:
        return self._ctx.clock.today()

    def users(self) -> list[User]:
        return self._ctx.profiles.users()

    def role_confirmed(self) -> bool:
        return self._ctx.role_confirmed()

    def catalogue_line(self) -> CatalogueLine:
        catalogue = self._ctx.catalogues.current()
        municipality = catalogue.municipality(self.profile.municipality_code)
        return CatalogueLine(
            catalogue.region_name, catalogue.version, municipality.name if municipality else None
        )

    def case_ids(self, flt: CaseloadFilter, *, fresh: bool = True) -> list[str]:
        return self._ctx.caseload.case_ids(flt, fresh=fresh)

    def summaries_for(self, case_ids: list[str]) -> dict[str, CaseSummary]:
        return self._ctx.caseload.summaries_for(case_ids)

    def cases_in_conflict(self) -> set[str]:
        return self._ctx.sync.cases_in_conflict()

    def prepare_search(self, flt: CaseloadFilter) -> None:
        self._ctx.caseload.prepare_search(flt)
