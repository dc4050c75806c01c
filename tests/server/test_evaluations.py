"""Cliëntervaring evaluations through the real server process, on SQLite and PostgreSQL: what is
stored (anonymously), what is refused and why, and no 5xx on any input."""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import inspect, select

from tests.server.test_sync_api import CATALOGUE, PASSWORD, Api
from tests.serverproc import serving
from wmo_desk.server import auth
from wmo_desk.server.db import ServerDatabase
from wmo_desk.server.models import EvaluationReport
from wmo_desk.server.records import publish_catalogue

USERS = {
    "sanne": ("consulent", "0828"),
    "tl": ("teamleider", "0828"),
    "kees": ("consulent", "1721"),
    "regio": ("regio", "0828"),
}
DESKTOP = ("sanne", "tl", "kees")
PROVIDER = "bnoo-actief-zorg-b-v"


@pytest.fixture
def server(server_db_url, tmp_path):
    db = ServerDatabase.open(server_db_url)
    with db.session_scope() as session:
        for name, (role, code) in USERS.items():
            auth.create_user(
                session, username=name, password=PASSWORD, display_name=name.title(),
                role=role, municipality_code=code,
            )  # fmt: skip
        publish_catalogue(session, json.loads(CATALOGUE.read_text("utf-8")))
    with (
        serving(server_db_url, tmp_path / "server.log") as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        api = Api(SimpleNamespace(state=SimpleNamespace(db=db)), client, DESKTOP)
        yield SimpleNamespace(db=db, api=api, client=client)
    db.close()


def evaluation(**fields):
    body = {
        "evaluation_id": str(uuid.uuid4()),
        "municipality_code": "0828",
        "year": 2026,
        "outcome": "afgerond",
        "form_id": "clientervaring",
        "form_version": "2026.1",
        "answers": {"ceo.1": "helemaal_eens", "ceo.2": "eens", "regio.aanwezig": "alleen_gewenst"},
        "product_codes": ["02A06"],
        "provider_ids": [PROVIDER],
    }
    return {**body, **fields}


def post(server, user, body):
    token = server.api.tokens.get(user) or login(server, user)
    return server.client.post(
        "/api/v1/evaluations", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def login(server, user):
    response = server.client.post("/api/v1/login", json={"username": user, "password": PASSWORD})
    return response.json().get("token", "")


def stored(server):
    with server.db.session_scope() as session:
        return {
            str(e.id): (
                e.municipality_code,
                e.year,
                e.outcome,
                json.loads(e.answers),
                json.loads(e.product_codes),
                json.loads(e.provider_ids),
            )
            for e in session.scalars(select(EvaluationReport))
        }


def test_an_evaluation_is_stored_once_and_anonymously(server):
    body = evaluation()
    first = post(server, "sanne", body)
    assert first.status_code == 200, first.text
    assert first.json()["duplicate"] is False
    again = post(server, "sanne", body)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    # a colleague of the same municipality resending it (a reassigned call) is the same one
    assert post(server, "tl", body).json()["duplicate"] is True
    # a municipality's own product (hulp bij het huishouden) is in no regional list
    own = evaluation(product_codes=["01B01"], provider_ids=[])
    assert post(server, "sanne", own).status_code == 200
    assert stored(server).pop(own["evaluation_id"])[4] == ["01B01"]
    rows = stored(server)
    rows.pop(own["evaluation_id"])
    assert rows == {
        body["evaluation_id"]: (
            "0828",
            2026,
            "afgerond",
            body["answers"],
            ["02A06"],
            [PROVIDER],
        )
    }
    # nothing in the table could point to the client, the case or the consultant
    columns = {c.key for c in inspect(EvaluationReport).columns}
    assert not {c for c in columns if any(w in c for w in ("client", "case", "user", "bsn"))}


def test_refusals_and_no_answer_are_stored_without_answers(server):
    refused = evaluation(outcome="wil_niet_meewerken", answers={}, provider_ids=[])
    unreached = evaluation(outcome="geen_bereik", answers={}, product_codes=[], provider_ids=[])
    for body in (refused, unreached):
        response = post(server, "sanne", body)
        assert response.status_code == 200, response.text
    rows = stored(server)
    assert rows[refused["evaluation_id"]][2:4] == ("wil_niet_meewerken", {})
    assert rows[unreached["evaluation_id"]][2:] == ("geen_bereik", {}, [], [])


@pytest.mark.parametrize(
    "fields,status,code",
    [
        ({"municipality_code": "1721"}, 403, "other_municipality"),
        ({"answers": {"ceo.99": "eens"}}, 409, "invalid_answers"),
        ({"answers": {"ceo.1": "misschien"}}, 409, "invalid_answers"),
        ({"answers": {"ceo.1": True}}, 409, "invalid_answers"),
        ({"form_version": "2099.1"}, 409, "unknown_form"),
        ({"form_id": "keukentafelgesprek"}, 409, "unknown_form"),
        ({"provider_ids": ["bnoo-bestaat-niet"]}, 409, "unknown_catalogue_item"),
    ],
)
def test_what_the_form_or_the_region_does_not_know_is_refused(server, fields, status, code):
    response = post(server, "sanne", evaluation(**fields))
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert response.json()["message"]  # Dutch, shown as is with the evaluation
    assert stored(server) == {}


def test_a_keukentafelgesprek_answer_is_no_evaluation_answer(server):
    # free text never goes to the region: the protocol refuses anything but a listed value
    for answers in (
        {"ceo.1": "De heer Jansen was erg tevreden"},
        {"ceo.1": "helemaal_eens", "opmerking": "x" * 70},
        {"ceo.1": None},
        {"ceo.1": ["eens"]},
    ):
        response = post(server, "sanne", evaluation(answers=answers))
        assert response.status_code == 422, response.text
    assert post(server, "sanne", evaluation(outcome="geen_bereik")).status_code == 422
    assert stored(server) == {}


def test_the_web_roles_and_strangers_cannot_send(server):
    body = evaluation()
    assert post(server, "regio", body).status_code == 403
    no_token = server.client.post("/api/v1/evaluations", json=body)
    assert no_token.status_code == 401
    taken = evaluation()
    assert post(server, "sanne", taken).status_code == 200
    other = post(server, "kees", {**taken, "municipality_code": "1721"})
    assert other.status_code == 409 and other.json()["code"] == "evaluation_taken"
    assert len(stored(server)) == 1


def test_no_input_gives_a_server_error(server):
    token = server.api.tokens["sanne"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    bodies = [
        b"",
        b"null",
        b"[]",
        b'{"evaluation_id": "x"}',
        json.dumps(evaluation(year=10**20)).encode(),
        json.dumps(evaluation(answers={"ceo.1": "eens\u0000"})).encode(),
        json.dumps(evaluation(answers={f"q{i}": "eens" for i in range(500)})).encode(),
        json.dumps(evaluation(provider_ids=["a" * 5000])).encode(),
        json.dumps(evaluation(municipality_code="０８２８")).encode(),
        b'{"evaluation_id": "' + b"\xff" * 10 + b'"}',
    ]
    for raw in bodies:
        response = server.client.post("/api/v1/evaluations", content=raw, headers=headers)
        assert response.status_code < 500, (raw[:60], response.text)
        assert response.status_code in (400, 403, 409, 422), (raw[:60], response.status_code)
    assert stored(server) == {}


def test_the_desktop_client_sends_and_a_second_send_is_a_duplicate(server):
    from wmo_desk.sync.client import ServerClient, ServerError
    from wmo_desk.sync.evaluations import EvaluationIn

    client = ServerClient(str(server.client.base_url))
    try:
        body = EvaluationIn.model_validate(evaluation())
        token = server.api.tokens["sanne"]
        assert client.report_evaluation(token, body).duplicate is False
        assert client.report_evaluation(token, body).duplicate is True
        wrong = EvaluationIn.model_validate(evaluation(answers={"ceo.99": "eens"}))
        with pytest.raises(ServerError) as refused:
            client.report_evaluation(token, wrong)
        assert refused.value.code == "invalid_answers" and "ceo.99" in refused.value.message
    finally:
        client.close()
    assert len(stored(server)) == 1
