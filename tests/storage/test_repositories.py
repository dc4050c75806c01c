"""Round trips through the repositories: what goes in comes back the same."""

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from tests.domain.test_deadlines import ACTOR, make_case
from wmo_desk.domain.caseload import CaseloadFilter, SortKey
from wmo_desk.domain.cases import CaseEvent, CloseReason, EventKind, HoldPeriod, Stage, close_case
from wmo_desk.domain.clients import Address, Client, Sex
from wmo_desk.domain.users import Role, User
from wmo_desk.storage.repositories.caseload import CaseloadRepository
from wmo_desk.storage.repositories.cases import CaseRepository
from wmo_desk.storage.repositories.clients import ClientRepository
from wmo_desk.storage.repositories.users import UserRepository
from wmo_desk.storage.tables import CaseRow, ClientRow

TODAY = date(2026, 11, 23)


def a_client(bsn="999990019", surname="Vries", prefix="de", postcode="5341AB") -> Client:
    return Client(
        bsn=bsn,
        initials="J.",
        first_names="Johanna",
        prefix=prefix,
        surname=surname,
        birth_date=date(1948, 5, 17),
        sex=Sex.VROUW,
        address=Address("Kruisstraat", 12, postcode, "Oss", "A"),
        municipality_code="0828",
        phone="06-12345678",
        email="j@voorbeeld.nl",
    )


@pytest.fixture
def user(db):
    u = User(name="Sanne de Wit", role=Role.CONSULENT, municipality_code="0828", id="u1")
    with db.session() as s:
        UserRepository(s).add(u)
    return u


def test_client_round_trip_and_pending_marker(db):
    client = a_client()
    with db.session() as s:
        ClientRepository(s).save(client)
    with db.session() as s:
        assert ClientRepository(s).get(client.id) == client
        assert ClientRepository(s).by_bsn("999990019") == client
        row = s.get(ClientRow, client.id)
        assert row.pending is True and row.deleted is False
        assert row.created_at.tzinfo is not None


def test_bsn_is_unique(db):
    with pytest.raises(IntegrityError), db.session() as s:
        ClientRepository(s).save(a_client())
        ClientRepository(s).save(a_client())


def test_case_round_trip_with_holds_events_and_denormalised_deadline(db, user):
    client = a_client()
    hold = HoldPeriod(start=date(2026, 11, 1), end=date(2026, 11, 5), reason="Opname")
    case = make_case(date(2026, 10, 20), stage=Stage.ONDERZOEK, holds=(hold,), client_id=client.id)
    event = CaseEvent(
        case_id=case.id,
        kind=EventKind.CREATED,
        text="Melding geregistreerd",
        actor_id="u1",
        actor_name="Sanne de Wit",
    )
    with db.session() as s:
        ClientRepository(s).save(client)
        CaseRepository(s).save(case, TODAY, (event,))
    with db.session() as s:
        assert CaseRepository(s).get(case.id) == case
        assert CaseRepository(s).timeline(case.id) == [event]
        row = s.get(CaseRow, case.id)
        assert row.next_deadline == date(
            2026, 12, 7
        )  # 1 Dec + 4 hold days = Sat 5 Dec -> Mon 7 Dec
        assert row.next_deadline_kind == "onderzoek"


def test_a_failed_transaction_saves_nothing(db, user):
    client = a_client()
    case = make_case(date(2026, 10, 20), client_id=client.id, consultant_id="nobody")
    with pytest.raises(IntegrityError), db.session() as s:
        ClientRepository(s).save(client)
        CaseRepository(s).save(case, TODAY)
    with db.session() as s:
        assert ClientRepository(s).by_bsn(client.bsn) is None


def _seed_caseload(db):
    people = [
        ("999990019", "Vries", "de", "5341AB"),
        ("999990032", "Jansen", "", "5342CD"),
        ("999990044", "Berg", "van den", "5391EF"),
    ]
    ids = {}
    with db.session() as s:
        for i, (bsn, surname, prefix, pc) in enumerate(people):
            client = a_client(bsn, surname, prefix, pc)
            ClientRepository(s).save(client)
            case = make_case(date(2026, 10, 1 + i * 10), client_id=client.id)
            if surname == "Berg":
                case, _ = close_case(case, CloseReason.INGETROKKEN, date(2026, 11, 1), "", ACTOR)
            CaseRepository(s).save(case, TODAY)
            ids[surname] = case.id
    return ids


def test_caseload_search_by_name_bsn_and_postcode(db, user):
    _seed_caseload(db)
    with db.session() as s:
        repo = CaseloadRepository(s)
        flt = CaseloadFilter(municipality_code="0828")
        assert [r.client_name for r in repo.summaries(flt)] == ["Vries, J. de", "Jansen, J."]

        def names(text):
            return [r.client_name for r in repo.summaries(CaseloadFilter("0828", text=text))]

        assert names("jans") == ["Jansen, J."]
        assert names("de vries") == ["Vries, J. de"]
        assert names("032") == ["Jansen, J."]
        assert names("5341") == ["Vries, J. de"]
        assert names("5342 cd") == ["Jansen, J."]
        assert names("100%") == []
        closed = repo.summaries(CaseloadFilter("0828", include_closed=True, sort=SortKey.NAME))
        assert [r.client_name for r in closed] == ["Berg, J. van den", "Jansen, J.", "Vries, J. de"]
        desc = repo.summaries(CaseloadFilter("0828", sort=SortKey.NAME, descending=True))
        assert [r.client_name for r in desc] == ["Vries, J. de", "Jansen, J."]
        assert repo.summaries(CaseloadFilter("0828", consultant_id="someone-else")) == []


def test_refresh_deadlines_updates_running_holds(db, user):
    client = a_client()
    hold = HoldPeriod(start=date(2026, 11, 10), reason="Opname")
    case = make_case(date(2026, 11, 2), stage=Stage.ONDERZOEK, holds=(hold,), client_id=client.id)
    with db.session() as s:
        ClientRepository(s).save(client)
        CaseRepository(s).save(case, date(2026, 11, 12))
    with db.session() as s:
        before = s.get(CaseRow, case.id).next_deadline
        assert CaseRepository(s).refresh_deadlines(date(2026, 11, 20)) == 1
        after = s.get(CaseRow, case.id).next_deadline
    assert (after - before).days >= 8
