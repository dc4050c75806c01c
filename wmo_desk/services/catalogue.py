"""Importing and reading the region catalogue."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from wmo_desk.domain.catalogue import Catalogue
from wmo_desk.domain.errors import UserError
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.catalogue import CatalogueRepository

log = logging.getLogger(__name__)


class CatalogueService:
    """The catalogue of this profile's region, cached after the first read.

    :meth:`current` is the catalogue as the profile's municipality decides from it: the
    region's products and that municipality's own (all municipalities' when none is set).
    """

    def __init__(
        self, db: Database, region_code: str | None, municipality_code: str | None = None
    ) -> None:
        self._db = db
        self._region_code = region_code
        self._municipality_code = municipality_code
        self._cached: Catalogue | None = None

    def import_file(
        self,
        path: Path,
        expected_region: str | None = None,
        check: Callable[[], None] | None = None,
    ) -> Catalogue:
        """Validate the file at ``path`` and replace the stored catalogue in one transaction.

        ``check`` is called between the steps and before the commit; what it raises (the user
        cancelled) leaves the stored catalogue as it was.

        Raises:
            CatalogueError: the file is malformed; nothing changed.
            UserError: the file is for another region than this profile's.
        """
        from wmo_desk.catalogue.loader import load_catalogue  # pydantic: only when importing

        catalogue = load_catalogue(path)
        region = expected_region or self._region_code
        if region and catalogue.region_code != region:
            raise UserError(
                "Verkeerde regio",
                f"{path.name} is de catalogus van {catalogue.region_name}; "
                f"deze installatie werkt voor regio {region}.",
            )
        if check is not None:
            check()
        with self._db.session() as session:
            CatalogueRepository(session).replace(catalogue)
            if check is not None:
                check()  # raised here, the transaction rolls back
        log.info("catalogue %s version %s imported", catalogue.region_code, catalogue.version)
        self._cached = None
        return catalogue

    def import_published(self, data: dict) -> str | None:
        """A catalogue that arrived by sync; returns its version when it replaced the stored one.

        Raises:
            CatalogueError: the published catalogue is malformed; nothing changed.
        """
        from wmo_desk.catalogue.loader import parse_catalogue

        catalogue = parse_catalogue(json.dumps(data), "catalogus van de server")
        if self._region_code and catalogue.region_code != self._region_code:
            return None
        with self._db.session() as session:
            repo = CatalogueRepository(session)
            stored = repo.load(catalogue.region_code)
            if stored is not None and stored.version == catalogue.version:
                return None
            repo.replace(catalogue)
        log.info("catalogue %s version %s received", catalogue.region_code, catalogue.version)
        self._cached = None
        return catalogue.version

    def current(self) -> Catalogue:
        """The stored catalogue of the profile's region."""
        if self._cached is None:
            if self._region_code is None:
                raise UserError("Geen regio", "Er is nog geen regio ingesteld.")
            with self._db.session() as session:
                stored = CatalogueRepository(session).load(self._region_code)
            if stored is None:
                raise UserError(
                    "Geen catalogus", "De catalogus van de regio is nog niet ingelezen."
                )
            self._cached = stored.for_municipality(self._municipality_code)
        return self._cached

    def set_region(self, region_code: str, municipality_code: str | None = None) -> None:
        self._region_code = region_code
        self._municipality_code = municipality_code
        self._cached = None
