"""The inzage report of a client (AVG art. 15): the municipality's access log from the server,
as a PDF and a CSV for the client, for team leads only."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wmo_desk.domain.audit import action_label
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.users import Role
from wmo_desk.services.files import save_file
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.clients import ClientRepository

# The documents (reportlab, Jinja2) and the protocol (pydantic) are imported in the functions
# that use them: the window starts without them.
if TYPE_CHECKING:
    from wmo_desk.documents.inzage import (
        InzageData,
        InzageRow,
    )
    from wmo_desk.services.context import AppContext
    from wmo_desk.sync.client import ServerClient
    from wmo_desk.sync.protocol import InzageEntry

#: ``detail`` of the local "document.export" line when the report is saved
EXPORT_DETAIL = "inzageoverzicht"
_RECORDS = re.compile(r"^(\d+) records?$")


@dataclass(frozen=True)
class InzageReport:
    """A made report: the PDF, the CSV, and the data both were made from (for a preview).

    Attributes:
        client_id / case_id: whose file, and the case it was asked from (may be None).
    """

    client_id: str
    case_id: str | None
    pdf: bytes
    csv: bytes
    data: InzageData

    @property
    def count(self) -> int:
        """The number of lines of the log in the report."""
        return len(self.data.rows)


def role_text(role: str | None) -> str:
    """``teamleider`` as ``Teamleider``; an unknown role as it is, none as ""."""
    if not role:
        return ""
    try:
        return Role(role).label
    except ValueError:
        return role


def detail_text(detail: str) -> str:
    """The server's ``3 records`` in the client's words (``3 onderdelen``); others as they are."""
    found = _RECORDS.match(detail)
    if found:
        n = int(found.group(1))
        return "1 onderdeel" if n == 1 else f"{n} onderdelen"
    return detail


def when_text(row: InzageRow) -> str:
    """``23 nov 2026 10:05:07``: when, in Amsterdam time, as the PDF writes it."""
    from wmo_desk.documents.inzage import local_time

    return local_time(row.at)


def row_of(entry: InzageEntry) -> InzageRow:
    """One line of the server's report in the words of the PDF."""
    from wmo_desk.documents.inzage import InzageRow
    from wmo_desk.sync.protocol import SERVER_DEVICE

    server = entry.source == "server" or entry.device_id == SERVER_DEVICE
    return InzageRow(
        at=entry.at,
        who=entry.user_name or "Onbekende gebruiker",
        role=role_text(entry.role),
        what=entry.action_label or action_label(entry.action),
        detail=detail_text(entry.detail),
        device="regionale server" if server else f"werkplek {entry.device_id[:8]}",
        source="Regionale server" if server else "Werkplek",
    )


class InzageService:
    """Makes and saves the inzage report; every report and every save is in the access log."""

    def __init__(
        self,
        services: AppContext,
        client: Callable[[], ServerClient],
        token: Callable[[], str | None],
    ) -> None:
        self._s = services
        self._client = client
        self._token = token

    def allowed(self) -> bool:
        """Whether this user may make inzage reports (the profile's role: team leads)."""
        profile = self._s.profile
        return profile is not None and profile.user.role is Role.TEAMLEIDER

    def report(self, client_id: str, case_id: str | None = None) -> InzageReport:
        """The report of ``client_id`` from the server's log, with the client's data from here.

        Raises:
            UserError: not a team lead, not signed in, or the client is not in this profile.
            ServerError: the server refused (another municipality, unknown client) or is down.
        """
        from wmo_desk.documents.inzage import (
            AMSTERDAM,
            InzageData,
            render_inzage_csv,
            render_inzage_pdf,
        )

        s = self._s
        profile = s.profile
        if not self.allowed() or profile is None:
            raise UserError(
                "Geen bevoegdheid", "Alleen een teamleider kan een inzageoverzicht maken."
            )
        token = self._token()
        if not token:
            raise UserError(
                "Aanmelden nodig",
                "Meld u eerst aan bij de server (Bestand > Aanmelden bij de server): het "
                "toegangslog van de hele gemeente staat op de regionale server.",
            )
        with s.db.session() as session:
            client = ClientRepository(session).get(client_id)
        if client is None:
            raise UserError("Cliënt niet gevonden", "Deze cliënt staat niet (meer) in wmo_desk.")
        answer = self._client().inzage(token, client_id)
        rows = tuple(row_of(e) for e in answer.entries)
        today = s.clock.today()
        local_days = [r.at.astimezone(AMSTERDAM).date() for r in rows]
        catalogue = s.catalogues.current()
        municipality = catalogue.municipality(client.municipality_code) or catalogue.municipality(
            profile.municipality_code
        )
        user = profile.user
        data = InzageData(
            municipality_name=municipality.name if municipality else profile.municipality_code,
            client_name=client.display_name,
            client_bsn=client.bsn,
            client_birth_date=client.birth_date,
            period_start=min(local_days) if local_days else None,
            period_end=max([today, *local_days]),
            made_on=s.clock.now(),
            made_by=f"{user.name} ({user.role.label})",
            rows=rows,
        )
        pdf, csv = render_inzage_pdf(data), render_inzage_csv(data)
        with s.db.session() as session:
            AuditRepository(session).record(
                user.id, "inzage.report", client_id, case_id, detail=f"{len(rows)} regels"
            )
        return InzageReport(client_id, case_id, pdf, csv, data)

    def save(self, report: InzageReport, kind: str, target: Path) -> Path:
        """Write the report's ``kind`` ("pdf" or "csv") to ``target`` the user chose, logged as
        exported; returns ``target``. Raises :class:`UserError` when it cannot be written."""
        content = {"pdf": report.pdf, "csv": report.csv}[kind]
        save_file(target, content, target.name)
        assert self._s.profile is not None
        with self._s.db.session() as session:
            AuditRepository(session).record(
                self._s.profile.user.id,
                "document.export",
                report.client_id,
                report.case_id,
                detail=EXPORT_DETAIL,
            )
        return target

    def default_filename(self, kind: str) -> str:
        """``inzageoverzicht-2026-11-23.pdf``: never the client's name or BSN in a file name."""
        return f"inzageoverzicht-{self._s.clock.today().isoformat()}.{kind}"
