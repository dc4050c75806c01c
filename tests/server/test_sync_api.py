"""Sync push and pull: idempotent, conflict-safe, and never across municipalities or colleagues."""

from __future__ import annotations

import json
import logging
import uuid
import warnings
from pathlib import Path

import pytest

from tests.server.payloads import valid
from wmo_desk.server import auth
from wmo_desk.server.app import create_app
from wmo_desk.server.records import publish_catalogue

with warnings.catch_warnings():
    # Starlette asks for httpx2; the project's dev dependencies install httpx.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
# the region's product and provider catalogue, as the server publishes it
CATALOGUE = Path(__file__).resolve().parents[1] / "fixtures" / "bno-o-with-capacity.json"
USERS = {
    "sanne": ("consulent", "0828"),
    "ahmed": ("consulent", "0828"),
    "tl": ("teamleider", "0828"),
    "kees": ("consulent", "1721"),
}


class Api:
    """A logged-in test client per user."""

    def __init__(self, app, client, users=None):
        self.app = app
        self.client = client
        self.ids: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        # A pull skips what the same sign-in pushed (its desktop has it): to see what a user
        # sees, pulls go through a second sign-in of the user (as from a second laptop).
        self.readers: dict[str, str] = {}
        for name in users or USERS:
            body = client.post("/api/v1/login", json={"username": name, "password": PASSWORD})
            self.tokens[name] = body.json()["token"]
            self.ids[name] = body.json()["user"]["id"]

    def reader(self, user):
        if user not in self.readers:
            body = self.client.post("/api/v1/login", json={"username": user, "password": PASSWORD})
            assert body.status_code == 200, body.text
            self.readers[user] = body.json()["token"]
        return self.readers[user]

    def push(self, user, changes):
        response = self.client.post(
            "/api/v1/sync/push",
            json={"changes": changes},
            headers={"Authorization": f"Bearer {self.tokens[user]}"},
        )
        assert response.status_code == 200, response.text
        return response.json()["results"]

    def pull(self, user, since=0, limit=500, *, own_session=False):
        """A page of what ``user`` pulls; with ``own_session`` through the sign-in that pushes."""
        token = self.tokens[user] if own_session else self.reader(user)
        response = self.client.get(
            "/api/v1/sync/pull",
            params={"since": since, "limit": limit},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        return response.json()

    def approve(self, user, decision_id, allocate=()):
        """The team lead ``user`` approves on the server; returns the grant."""
        response = self.client.post(
            f"/api/v1/decisions/{decision_id}/approve",
            json={"allocate": [str(p) for p in allocate]},
            headers={"Authorization": f"Bearer {self.tokens[user]}"},
        )
        assert response.status_code == 200, response.text
        return response.json()

    def pull_all(self, user, limit=500, *, accounts=False):
        """Every record ``user`` pulls; the published accounts only with ``accounts``."""
        records, since = [], 0
        while True:
            page = self.pull(user, since, limit)
            records += page["records"]
            since = page["next_since"]
            if not page["more"]:
                return [r for r in records if accounts or r["record_type"] != "user"]

    def count_records(self):
        with self.app.state.db.engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT count(*) FROM records WHERE record_type <> 'user'"
            ).scalar()


@pytest.fixture
def api(server_db_url):
    app = create_app(server_db_url)
    with app.state.db.session_scope() as session:
        for name, (role, code) in USERS.items():
            auth.create_user(
                session,
                username=name,
                password=PASSWORD,
                display_name=name.title(),
                role=role,
                municipality_code=code,
            )
    with TestClient(app) as client:
        yield Api(app, client)


def change(
    record_type="client", *, code="0828", base=None, record_id=None, case_id=None, **payload
):
    """A new change of a valid ``record_type`` record (tests/server/payloads.py) with ``payload``
    in it; ``case_id`` is the case it travels with, and in its payload if the type has one."""
    body = valid(record_type, **payload)
    if "municipality_code" in body and "municipality_code" not in payload:
        body["municipality_code"] = code
    if case_id is not None and "case_id" in body:
        body["case_id"] = case_id
    return {
        "change_id": str(uuid.uuid4()),
        "record_type": record_type,
        "record_id": record_id or str(uuid.uuid4()),
        "municipality_code": code,
        "base_revision": base,
        "case_id": case_id,
        "deleted": False,
        "payload": body,
    }


def case(api, user, client=None, **kwargs):
    """A case assigned to ``user``, of ``client`` (a client change) when given."""
    if client is not None:
        kwargs["client_id"] = client["record_id"]
    return change("case", consultant_id=api.ids[user], **kwargs)


def test_the_same_batch_three_times_is_applied_once(api):
    client = change(surname="Jansen")
    batch = [client, case(api, "sanne", client, stage="melding")]
    first = api.push("sanne", batch)
    assert [r["status"] for r in first] == ["applied", "applied"]
    assert first[0]["revision"] < first[1]["revision"]
    for _ in range(2):
        again = api.push("sanne", batch)
        assert [r["status"] for r in again] == ["duplicate", "duplicate"]
        assert [r["revision"] for r in again] == [r["revision"] for r in first]
    assert api.count_records() == 2
    assert len(api.pull_all("sanne")) == 2


def test_a_duplicate_inside_one_batch_is_applied_once(api):
    one = change(surname="Jansen")
    results = api.push("sanne", [one, one])
    assert [r["status"] for r in results] == ["applied", "duplicate"]
    assert api.count_records() == 1


def test_a_record_sent_twice_in_one_push_conflicts_with_the_first_version_and_its_number(api):
    first = change(surname="Jansen")
    second = change(record_id=first["record_id"], surname="Janssen")  # also as if new
    applied, conflict = api.push("sanne", [first, second])
    assert applied["status"] == "applied"
    assert conflict["status"] == "conflict"
    assert conflict["revision"] == applied["revision"]
    assert conflict["server_payload"]["surname"] == "Jansen"
    [stored] = api.pull_all("sanne")
    assert stored["payload"]["surname"] == "Jansen" and stored["revision"] == applied["revision"]


def test_a_stale_base_revision_is_a_conflict_and_the_server_keeps_its_version(api):
    client = change(surname="Jansen")
    created = case(api, "sanne", client, stage="melding")
    rev1 = api.push("sanne", [client, created])[1]["revision"]
    edit = case(api, "sanne", client, record_id=created["record_id"], base=rev1, stage="onderzoek")
    rev2 = api.push("sanne", [edit])[0]["revision"]
    assert rev2 > rev1
    stale = case(
        api, "sanne", client, record_id=created["record_id"], base=rev1, stage="afgesloten"
    )
    result = api.push("sanne", [stale])[0]
    assert result["status"] == "conflict"
    assert result["revision"] == rev2
    assert result["server_payload"] == edit["payload"]
    assert result["server_payload"]["stage"] == "onderzoek"
    [record] = [r for r in api.pull_all("sanne") if r["record_type"] == "case"]
    assert record["payload"]["stage"] == "onderzoek" and record["revision"] == rev2
    # a new record sent as if it existed is a conflict too, with nothing kept on the server
    phantom = api.push("sanne", [change(base=5)])[0]
    assert phantom["status"] == "conflict" and phantom["server_payload"] is None
    assert api.count_records() == 2


def test_a_tombstone_keeps_no_data_and_reaches_the_others(api):
    created = change(surname="Jansen")
    rev = api.push("sanne", [created])[0]["revision"]
    gone = dict(change(record_id=created["record_id"], base=rev), deleted=True)
    assert api.push("sanne", [gone])[0]["status"] == "applied"
    [record] = api.pull_all("sanne")
    assert record["deleted"] is True and record["payload"] == {}


def test_a_consultant_cannot_push_for_another_municipality(api):
    client = change(code="1721", surname="Jansen")
    results = api.push("sanne", [client, case(api, "sanne", client, code="1721")])
    assert [(r["status"], r["reason"]) for r in results] == [
        ("forbidden", "other_municipality")
    ] * 2
    assert api.count_records() == 0


def test_a_consultant_cannot_write_a_case_of_a_colleague(api):
    client = change(surname="Pietersen")
    colleague_case = case(api, "ahmed", client, stage="melding")
    assert api.push("sanne", [colleague_case])[0]["status"] == "forbidden"
    rev = api.push("ahmed", [client, colleague_case])[1]["revision"]
    takeover = case(api, "sanne", client, record_id=colleague_case["record_id"], base=rev)
    assert api.push("sanne", [takeover])[0]["status"] == "forbidden"


def test_pull_never_crosses_municipalities_or_colleagues(api):
    jansen, pietersen = change(surname="Jansen"), change(surname="Pietersen")
    sanne = api.push("sanne", [jansen, case(api, "sanne", jansen)])
    ahmed = api.push("ahmed", [pietersen, case(api, "ahmed", pietersen)])
    # a client is personal data, never reference data: the team lead's own stays the team lead's
    lead = api.push("tl", [change(surname="Verhoeven")])
    kees_client = change(surname="Bakker", code="1721")
    api.push("kees", [kees_client, case(api, "kees", kees_client, code="1721")])
    # reference data: the region's catalogue, one copy per municipality, published by the server
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    with api.app.state.db.session_scope() as session:
        published = publish_catalogue(session, data)
    codes = [m["cbs_code"] for m in data["municipalities"]]

    def revisions(user):
        return {r["revision"] for r in api.pull_all(user)}

    own = {r["revision"] for r in sanne}
    colleague = {r["revision"] for r in ahmed}
    shared = {published[codes.index("0828")]}
    assert revisions("sanne") == own | shared
    assert revisions("ahmed") == colleague | shared
    assert revisions("tl") == own | colleague | {lead[0]["revision"]} | shared
    assert {r["municipality_code"] for r in api.pull_all("kees")} == {"1721"}
    for user in ("sanne", "ahmed", "tl"):
        assert {r["municipality_code"] for r in api.pull_all(user)} == {"0828"}


def test_a_teamleider_reassigns_a_case_and_its_visibility_follows(api):
    client = change(surname="Jansen")
    created = case(api, "sanne", client)
    rev = api.push("sanne", [client, created])[1]["revision"]
    moved = case(api, "ahmed", client, record_id=created["record_id"], base=rev)
    assert api.push("tl", [moved])[0]["status"] == "applied"
    # Ahmed gets the case and its client
    assert {(r["record_type"], r["record_id"]) for r in api.pull_all("ahmed")} == {
        ("case", created["record_id"]),
        ("client", client["record_id"]),
    }
    # Sanne no longer gets the case, only word that it was withdrawn from her
    sannes = api.pull_all("sanne")
    assert "case" not in {r["record_type"] for r in sannes}
    # nor the client she registered for it: the client went with the case
    assert "client" not in {r["record_type"] for r in sannes}
    assert "Jansen" not in str(sannes)
    [withdrawal] = [r for r in sannes if r["record_type"] == "withdrawal"]
    assert withdrawal["payload"]["case_id"] == created["record_id"]
    assert withdrawal["payload"]["user_id"] == api.ids["sanne"]


def test_pull_pages_resume_without_gaps_or_duplicates(api):
    # the accounts of the municipality come first; page through what follows them
    accounts = api.pull_all("sanne", accounts=True)
    assert {r["payload"]["name"] for r in accounts} == {"Sanne", "Ahmed", "Tl"}
    pushed = api.push("sanne", [change(house_number=n) for n in range(1, 24)])
    # interleaved, not visible to sanne
    api.push("ahmed", [change(house_number=n) for n in range(1, 6)])
    api.push("sanne", [change(house_number=n) for n in range(24, 31)])
    pages, since = [], max(r["revision"] for r in accounts)
    while True:
        page = api.pull("sanne", since, limit=7)
        pages.append(page)
        assert page["records"] or not page["more"]
        since = page["next_since"]
        if not page["more"]:
            break
    seen = [r["payload"]["house_number"] for page in pages for r in page["records"]]
    assert seen == list(range(1, 31))
    assert [len(p["records"]) for p in pages] == [7, 7, 7, 7, 2]
    assert pushed[0]["revision"] == pages[0]["records"][0]["revision"]
    # nothing new: the cursor stays where it is
    assert api.pull("sanne", since) == {
        "records": [],
        "next_since": since,
        "more": False,
        "wipe": False,
    }


def test_a_pusher_does_not_pull_back_what_it_just_pushed(api):
    """The desktop that pushed has those versions: its next pull skips them but moves past
    them, and still brings what others (or the server) wrote, also to the same records."""
    client = change(surname="Jansen")
    created = case(api, "sanne", client)
    pushed = api.push("sanne", [client, created] + [change(house_number=n) for n in range(1, 9)])
    head = max(r["revision"] for r in pushed)
    accounts = api.pull_all("sanne", accounts=True)  # the second laptop gets everything
    assert len(accounts) == 10 + 3
    page = api.pull("sanne", since=0, limit=4, own_session=True)
    assert [r["record_type"] for r in page["records"]] == ["user"] * 3  # published by the server
    assert page["more"] is True
    page = api.pull("sanne", since=page["next_since"], limit=4, own_session=True)
    assert page["records"] == [] and page["more"] is True  # four of her own passed over
    since = page["next_since"]
    while page["more"]:
        page = api.pull("sanne", since=since, limit=4, own_session=True)
        assert page["records"] == []
        since = page["next_since"]
    assert since == head
    # the team lead changes her case: her own sign-in gets that version
    edited = case(api, "sanne", client, record_id=created["record_id"], base=pushed[1]["revision"])
    edited["payload"]["stage"] = "onderzoek"
    assert api.push("tl", [edited])[0]["status"] == "applied"
    [got] = api.pull("sanne", since=since, own_session=True)["records"]
    assert got["record_id"] == created["record_id"] and got["payload"]["stage"] == "onderzoek"


def test_the_openapi_document_lists_the_endpoints(api):
    paths = api.client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/login", "/api/v1/health", "/api/v1/sync/push", "/api/v1/sync/pull"} <= set(
        paths
    )
    assert (
        "application/x-www-form-urlencoded"
        in paths["/api/v1/login"]["post"]["requestBody"]["content"]
    )


def test_requests_are_logged_without_query_or_payload(api, caplog):
    api.reader("sanne")  # the second sign-in that pulls, before the log is read
    with caplog.at_level(logging.INFO, logger="wmo_desk.server.access"):
        api.push("sanne", [change(surname="Jansen", bsn="999993653")])
        api.pull("sanne", since=0)
        api.client.get("/nergens/999993653")
    lines = [r.getMessage() for r in caplog.records if r.name == "wmo_desk.server.access"]
    assert lines[0].startswith("POST /api/v1/sync/push 200 ")
    assert lines[1].startswith("GET /api/v1/sync/pull 200 ")
    assert lines[2].startswith("GET <geen route> 404 ")
    text = "\n".join(lines)
    assert "Jansen" not in text and "999993653" not in text and "since" not in text
