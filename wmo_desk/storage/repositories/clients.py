"""Clients: rows <-> :class:`wmo_desk.domain.clients.Client`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wmo_desk.domain.clients import Address, Client, Sex
from wmo_desk.domain.identifiers import utcnow
from wmo_desk.storage.tables import ClientRow


def search_text(client: Client) -> str:
    """What a search for a name matches: surname, prefix, initials and first names, lowercase."""
    parts = (
        client.surname,
        client.prefix,
        client.initials,
        client.first_names,
        client.display_name,
    )
    return " ".join(p for p in parts if p).lower()


def _to_domain(row: ClientRow) -> Client:
    return Client(
        id=row.id,
        bsn=row.bsn,
        initials=row.initials,
        first_names=row.first_names,
        prefix=row.prefix,
        surname=row.surname,
        birth_date=row.birth_date,
        sex=Sex(row.sex),
        address=Address(
            street=row.street,
            house_number=row.house_number,
            house_number_addition=row.house_number_addition,
            postcode=row.postcode,
            place=row.place,
            street_short=row.street_short,
        ),
        municipality_code=row.municipality_code,
        phone=row.phone,
        email=row.email,
        created_at=row.created_at,
        modified_at=row.modified_at,
    )


def _fill(row: ClientRow, client: Client) -> None:
    row.bsn = client.bsn
    row.initials = client.initials
    row.first_names = client.first_names
    row.prefix = client.prefix
    row.surname = client.surname
    row.sort_name = client.sort_name
    row.search_text = search_text(client)
    row.birth_date = client.birth_date
    row.sex = client.sex.value
    row.street = client.address.street
    row.house_number = client.address.house_number
    row.house_number_addition = client.address.house_number_addition
    row.postcode = client.address.postcode
    row.place = client.address.place
    row.street_short = client.address.street_short
    row.municipality_code = client.municipality_code
    row.phone = client.phone
    row.email = client.email
    row.modified_at = client.modified_at
    row.pending = True


class ClientRepository:
    """Clients; one per BSN."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def save(self, client: Client) -> None:
        """Insert or update ``client`` and mark it pending for sync."""
        row = self._session.get(ClientRow, client.id)
        if row is None:
            row = ClientRow(id=client.id, created_at=client.created_at or utcnow(), deleted=False)
            self._session.add(row)
        _fill(row, client)
        self._session.flush()

    def get(self, client_id: str) -> Client | None:
        row = self._session.get(ClientRow, client_id)
        return _to_domain(row) if row and not row.deleted else None

    def by_bsn(self, bsn: str) -> Client | None:
        row = self._session.scalar(select(ClientRow).where(ClientRow.bsn == bsn))
        return _to_domain(row) if row and not row.deleted else None
