"""Who sees what, on every endpoint: another municipality's token and a colleague's token get
nothing of a case, and cannot change it. Final decisions and their documents never change."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from pathlib import Path

import pytest

from tests.server.test_sync_api import PASSWORD, Api, change
from tests.synckit import TestClient
from wmo_desk.server import auth
from wmo_desk.server.app import create_app
from wmo_desk.server.records import publish_catalogue

# the region's copy with beschermd-wonen capacity, imported into the server only
CATALOGUE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "bno-o-with-capacity.json"
USERS = {
    "sanne": ("consulent", "0828"),
    "ahmed": ("consulent", "0828"),
    "tl": ("teamleider", "0828"),
    "bw": ("bw-consulent", "0828"),
    "kees": ("consulent", "1721"),
}
# Every route of the API; a new one must be added here and to the checks below.
KNOWN_ROUTES = {
    ("POST", "/api/v1/login"),
    ("GET", "/api/v1/health"),
    ("POST", "/api/v1/sync/push"),
    ("GET", "/api/v1/sync/pull"),
    ("POST", "/api/v1/decisions/{decision_id}/approve"),
    ("POST", "/api/v1/allocation-numbers"),
    ("POST", "/api/v1/audit"),
    ("GET", "/api/v1/audit/clients/{client_id}"),
    ("POST", "/api/v1/wipe/done"),
    # signals to the meldpunt: their isolation is tested in tests/server/test_signals.py
    ("POST", "/api/v1/signals"),
    ("GET", "/api/v1/signals/mine"),
    # anonymous cliëntervaring answers, without a client: tested in tests/server/test_evaluations.py
    ("POST", "/api/v1/evaluations"),
}


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
        yield Api(app, client, USERS)


def _sanne_case(api):
    """A case of Sanne with its client, a conversation and a decision the team lead approved
    on the server, made final with its PDF."""
    client_id, case_id, decision_id = (str(uuid.uuid4()) for _ in range(3))
    pdf = b"%PDF-1.4 beschikking"
    proposal = {"case_id": case_id, "status": "ingediend", "proposed_by": api.ids["sanne"]}
    changes = [
        change(record_id=client_id, surname="Jansen", bsn="999990019"),
        change(
            "case", record_id=case_id, consultant_id=api.ids["sanne"], client_id=client_id,
            request_text="Hulp bij het huishouden",
        ),
        change("conversation", case_id=case_id, answers={"mobiliteit": "rollator"}),
        change("decision", record_id=decision_id, **proposal),
    ]  # fmt: skip
    results = api.push("sanne", changes)
    assert [r["status"] for r in results] == ["applied"] * 4
    grant = api.approve("tl", decision_id)
    final = dict(
        changes[3], change_id=str(uuid.uuid4()), base_revision=results[3]["revision"],
        payload={**changes[3]["payload"], "status": "definitief", "kenmerk": grant["kenmerk"],
                 "approved_by": grant["approved_by"], "decision_date": grant["decision_date"]},
    )  # fmt: skip
    document = change(
        "decision_document", case_id=case_id, decision_id=decision_id, kind="beschikking",
        content=base64.b64encode(pdf).decode(), sha256=hashlib.sha256(pdf).hexdigest(),
    )  # fmt: skip
    approved = api.push("tl", [final, document])
    assert [r["status"] for r in approved] == ["applied"] * 2
    return [*changes[:3], final, document], results[:3] + approved


def _taken_over(change):
    """The payload of ``change`` as an outsider rewrites it: still a valid record."""
    field = {"client": "surname", "case": "request_text", "conversation": "place",
             "decision": "motivation", "decision_document": "filename"}[change["record_type"]]  # fmt: skip
    return {**change["payload"], field: "overgenomen"}


def _leaks(records, changes):
    ids = {c["record_id"] for c in changes}
    text = json.dumps(records)
    return (
        [r for r in records if r["record_id"] in ids] or ("Jansen" in text) or ("999990019" in text)
    )


def test_the_api_has_no_route_this_test_does_not_know(api):
    paths = api.client.get("/openapi.json").json()["paths"]
    routes = {(method.upper(), path) for path, ops in paths.items() for method in ops}
    assert routes == KNOWN_ROUTES


@pytest.mark.parametrize("outsider", ["kees", "ahmed"])
def test_another_municipality_and_a_colleague_see_and_change_nothing(api, outsider):
    changes, results = _sanne_case(api)
    before = api.pull_all("tl")
    # pull: nothing of the case, its client or its records
    assert not _leaks(api.pull_all(outsider, accounts=True), changes)
    # push: every record of the case refused, whatever base revision is claimed
    code = USERS[outsider][1]
    attempts = [
        dict(c, change_id=str(uuid.uuid4()), base_revision=r["revision"], municipality_code=code,
             payload=_taken_over(c))
        for c, r in zip(changes, results, strict=True)
    ]  # fmt: skip
    assert {r["status"] for r in api.push(outsider, attempts)} == {"forbidden"}
    # a new record hung on Sanne's case is refused too
    intruder = change("case_event", code=code, case_id=changes[1]["record_id"], text="x")
    assert api.push(outsider, [intruder])[0]["status"] == "forbidden"
    # a colleague cannot delete it either
    tombstones = [dict(a, change_id=str(uuid.uuid4()), deleted=True) for a in attempts]
    assert {r["status"] for r in api.push(outsider, tombstones)} == {"forbidden"}
    assert api.pull_all("tl") == before
    # nor can they approve Sanne's decision or draw numbers for its provisions
    decision_id = changes[3]["record_id"]
    response = api.client.post(
        f"/api/v1/decisions/{decision_id}/approve", json={"allocate": []},
        headers={"Authorization": f"Bearer {api.tokens[outsider]}"},
    )  # fmt: skip
    assert response.status_code in (403, 404)
    # health and login say nothing about records
    health = api.client.get(
        "/api/v1/health", headers={"Authorization": f"Bearer {api.tokens[outsider]}"}
    )
    assert health.json() == {"status": "ok"}


def test_without_a_valid_token_every_data_endpoint_refuses(api):
    _sanne_case(api)
    for headers in ({}, {"Authorization": "Bearer verzonnen"}):
        assert api.client.get("/api/v1/sync/pull", headers=headers).status_code == 401
        pushed = api.client.post("/api/v1/sync/push", json={"changes": []}, headers=headers)
        assert pushed.status_code == 401
        approved = api.client.post(
            f"/api/v1/decisions/{uuid.uuid4()}/approve", json={"allocate": []}, headers=headers
        )
        assert approved.status_code == 401
        numbered = api.client.post(
            "/api/v1/allocation-numbers", json={"provision_id": str(uuid.uuid4())}, headers=headers
        )
        assert numbered.status_code == 401
        logged = api.client.post(
            "/api/v1/audit", json={"device_id": str(uuid.uuid4()), "entries": []}, headers=headers
        )
        assert logged.status_code == 401
        report = api.client.get(f"/api/v1/audit/clients/{uuid.uuid4()}", headers=headers)
        assert report.status_code == 401
        wiped = api.client.post(
            "/api/v1/wipe/done", json={"device_id": str(uuid.uuid4())}, headers=headers
        )
        assert wiped.status_code == 401


def test_a_final_decision_and_its_documents_never_change(api):
    changes, results = _sanne_case(api)
    decision, document = changes[3], changes[4]
    edit = dict(
        decision, change_id=str(uuid.uuid4()), base_revision=results[3]["revision"],
        payload={**decision["payload"], "status": "concept"},
    )  # fmt: skip
    refused = api.push("tl", [edit])[0]
    assert (refused["status"], refused["reason"]) == ("forbidden", "final")
    other = b"%PDF-1.4 iets anders"
    swap = dict(
        document, change_id=str(uuid.uuid4()), base_revision=results[4]["revision"],
        payload={**document["payload"], "content": base64.b64encode(other).decode(),
                 "sha256": hashlib.sha256(other).hexdigest()},
    )  # fmt: skip
    assert api.push("sanne", [swap])[0]["reason"] == "final"
    # the same final version again is no change at all
    again = dict(decision, change_id=str(uuid.uuid4()), base_revision=results[3]["revision"])
    assert api.push("sanne", [again])[0] == {
        "change_id": again["change_id"], "status": "duplicate",
        "revision": results[3]["revision"], "server_payload": None, "server_deleted": None,
        "reason": None, "detail": None,
    }  # fmt: skip
    [stored] = [r for r in api.pull_all("sanne") if r["record_type"] == "decision_document"]
    content = base64.b64decode(stored["payload"]["content"])
    assert hashlib.sha256(content).hexdigest() == stored["payload"]["sha256"]
    assert content == b"%PDF-1.4 beschikking"


def test_a_document_whose_content_does_not_match_its_checksum_is_refused(api):
    changes, _results = _sanne_case(api)
    forged = change(
        "decision_document", case_id=changes[1]["record_id"], kind="beschikking",
        decision_id=changes[3]["record_id"], content=base64.b64encode(b"gewijzigd").decode(),
        sha256="0" * 64,
    )  # fmt: skip
    result = api.push("tl", [forged])[0]
    assert (result["status"], result["reason"]) == ("forbidden", "checksum")
    # and from anyone but the approving team lead, even intact, it is refused as well
    intact = dict(forged, change_id=str(uuid.uuid4()),
                  payload={**forged["payload"], "sha256": hashlib.sha256(b"gewijzigd").hexdigest()})  # fmt: skip
    result = api.push("sanne", [intact])[0]
    assert (result["status"], result["reason"]) == ("forbidden", "not_approver")


def test_only_the_server_publishes_accounts_and_catalogues(api):
    for record_type in ("user", "catalogue", "withdrawal"):
        result = api.push("tl", [change(record_type, name="Nep")])[0]
        assert (result["status"], result["reason"]) == ("forbidden", "server_owned")


def test_the_catalogue_reaches_its_municipalities_with_bw_capacity_for_bw_only(api):
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    with api.app.state.db.session_scope() as session:
        published = publish_catalogue(session, data)
    assert len(published) == len(data["municipalities"])

    def catalogue(user):
        [record] = [r for r in api.pull_all(user) if r["record_type"] == "catalogue"]
        return record["payload"]

    def capacity(payload):
        return [
            (loc.get("bw_places"), loc.get("bw_clients"))
            for p in payload["providers"]
            for loc in p["locations"]
            if "bw_places" in loc
        ]

    assert capacity(catalogue("bw")) and capacity(catalogue("bw")) == capacity(data)
    for user in ("sanne", "tl"):
        assert catalogue(user)["version"] == data["version"]
        assert capacity(catalogue(user)) == []
    # Bernheze (1721) is in the region too: Kees gets his own copy
    assert catalogue("kees")["region_code"] == data["region_code"]


def test_a_case_for_someone_who_is_no_colleague_is_refused(api):
    for consultant in (str(uuid.uuid4()), api.ids["kees"]):
        result = api.push("tl", [change("case", consultant_id=consultant)])[0]
        assert (result["status"], result["reason"]) == ("forbidden", "unknown_consultant")
    assert api.count_records() == 0
