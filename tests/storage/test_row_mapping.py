"""The storage edge maps rows to protocol records: a desktop migration changes the map, not the wire."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Column, String
from sqlalchemy.orm import DeclarativeBase

from wmo_desk.storage.repositories import sync_payloads
from wmo_desk.storage.repositories.sync_payloads import (
    LOCAL_ONLY,
    RECORD_TYPES,
    RENAMED,
    MappingError,
    fill_row,
    payload_of,
    row_values,
    wire_fields,
)
from wmo_desk.storage.tables import ClientRow
from wmo_desk.sync.records import RECORDS, validate

MOMENT = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)


def _client(model: type, **renamed: str) -> object:
    values = {
        "id": "8a6f2a8e-6f55-4f0a-9a57-3b7d1f0f1a11",
        "created_at": MOMENT,
        "modified_at": MOMENT,
        "pending": True,
        "deleted": False,
        "server_revision": None,
        "bsn": "999990019",
        "initials": "J.",
        "first_names": "Jan",
        "prefix": "",
        "surname": "Jansen",
        "sort_name": "Jansen, J.",
        "search_text": "jansen jan 999990019 5341ab",
        "birth_date": date(1941, 4, 2),
        "sex": "1",
        "street": "Kerkstraat",
        "house_number": 4,
        "house_number_addition": "",
        "postcode": "5341AB",
        "place": "Oss",
        "municipality_code": "0828",
        "phone": "",
        "email": "",
        "street_short": "",
    }
    for field, column in renamed.items():
        values[column] = values.pop(field)
    row = model()
    for key, value in values.items():
        setattr(row, key, value)
    return row


def _client_table_after_a_migration(*, rename: dict[str, str], add: str | None = None) -> type:
    """A model of ``clients`` as a later desktop migration might leave it."""
    columns = {}
    for column in ClientRow.__table__.columns:
        key = rename.get(column.key, column.key)
        columns[key] = Column(key, column.type, primary_key=column.primary_key)
    if add:
        columns[add] = Column(add, String(20))

    class Base(DeclarativeBase):
        pass

    return type("MigratedClientRow", (Base,), {"__tablename__": "clients", **columns})


@pytest.fixture
def migrated(monkeypatch):
    """Put a migrated client table in the place of today's, with its own mapping."""

    def use(model: type, renamed: dict[str, str], local: frozenset[str] = frozenset()) -> None:
        monkeypatch.setitem(RECORD_TYPES, "client", model)
        monkeypatch.setitem(RENAMED, "client", renamed)
        monkeypatch.setitem(LOCAL_ONLY, "client", local)
        sync_payloads._fields.cache_clear()

    yield use
    sync_payloads._fields.cache_clear()


def test_every_record_type_maps_all_its_fields_and_columns():
    for record_type, model in RECORD_TYPES.items():
        fields = wire_fields(record_type)
        assert set(fields) == {
            name
            for name, info in RECORDS[record_type].model_fields.items()
            if not (info.alias or "").startswith("_")
        }
        columns = {c.key for c in model.__table__.columns}
        assert set(fields) <= columns | set(RENAMED[record_type].values())


def test_the_bookkeeping_never_travels():
    payload = payload_of(_client(ClientRow))
    assert not {"id", "pending", "deleted", "server_revision"} & set(payload)
    assert validate("client", payload) is None


def test_a_renamed_column_leaves_the_wire_unchanged(migrated):
    today = payload_of(_client(ClientRow))
    model = _client_table_after_a_migration(rename={"surname": "family_name"})
    migrated(model, {"surname": "family_name"})

    row = _client(model, surname="family_name")
    assert payload_of(row) == today

    pulled = model()
    fill_row(pulled, today)
    assert pulled.family_name == "Jansen"
    assert row_values(model, today)["family_name"] == "Jansen"
    assert "surname" not in row_values(model, today)


def test_a_new_local_column_stays_on_the_desktop(migrated):
    today = payload_of(_client(ClientRow))
    model = _client_table_after_a_migration(rename={}, add="colour_mark")
    migrated(model, {}, frozenset({"colour_mark"}))

    row = _client(model)
    row.colour_mark = "groen"
    assert payload_of(row) == today


def test_a_column_neither_mapped_nor_local_is_an_error(migrated):
    model = _client_table_after_a_migration(rename={}, add="colour_mark")
    migrated(model, {})
    with pytest.raises(MappingError, match="colour_mark"):
        payload_of(_client(model))


def test_a_renamed_column_without_its_mapping_is_an_error(migrated):
    model = _client_table_after_a_migration(rename={"surname": "family_name"})
    migrated(model, {})
    with pytest.raises(MappingError, match="surname"):
        payload_of(_client(model, surname="family_name"))


def test_the_sort_name_copied_onto_a_case_stays_on_this_desktop():
    """``cases.sort_name`` (migration 0011) is the client's, copied for the caseload's index:
    local only, so a case's record is what it was before the copy."""
    assert "sort_name" in LOCAL_ONLY["case"]
    assert "sort_name" not in wire_fields("case")
    assert "sort_name" not in RECORDS["case"].model_fields
