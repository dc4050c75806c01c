"""The OpenAPI of the API lists the error answers the server really gives, with their body."""

from __future__ import annotations

import warnings

import pytest

from tests.server.test_sync_api import PASSWORD
from wmo_desk.server import auth
from wmo_desk.server.app import create_app

with warnings.catch_warnings():
    # Starlette asks for httpx2; the project's dev dependencies install httpx.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ERRORS = {"400", "401", "403", "413", "422"}
ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}
# Signing in has no role check: a web account signs in too (the sync routes then refuse it 403).
NO_ROLE_CHECK = {("post", "/api/v1/login")}


@pytest.fixture
def app(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'server.sqlite'}")
    with app.state.db.session_scope() as session:
        for name, role in (("sanne", "consulent"), ("regio", "regio")):
            auth.create_user(
                session, username=name, password=PASSWORD, display_name=name.title(),
                role=role, municipality_code="0828",
            )  # fmt: skip
    with TestClient(app) as client:
        app.state.client = client
        yield app


def _operations(app):
    return [
        (method, path, operation)
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
    ]


def test_every_api_operation_lists_its_error_answers_with_the_error_body(app):
    operations = _operations(app)
    assert {path for _m, path, _o in operations} >= {
        "/api/v1/login", "/api/v1/health", "/api/v1/sync/push", "/api/v1/sync/pull",
        "/api/v1/decisions/{decision_id}/approve", "/api/v1/allocation-numbers",
        "/api/v1/audit", "/api/v1/signals", "/api/v1/evaluations",
    }  # fmt: skip
    checked = 0
    for method, path, operation in operations:
        if path == "/api/v1/health":
            continue
        responses = operation["responses"]
        expected = ERRORS - ({"403"} if (method, path) in NO_ROLE_CHECK else set())
        assert expected <= set(responses), (method, path, sorted(responses))
        if (method, path) in NO_ROLE_CHECK:
            assert "403" not in responses, (method, path)
        for status in expected | {"426"}:
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == ERROR_BODY, (method, path, status, schema)
            assert responses[status]["description"], (method, path, status)
        checked += 1
    assert checked == len(operations) - 1 >= 11
    body = app.openapi()["components"]["schemas"]["ErrorBody"]
    assert set(body["required"]) == {"code", "message"}


def test_health_lists_no_error_answers(app):
    [(method, operation)] = app.openapi()["paths"]["/api/v1/health"].items()
    assert method == "get" and set(operation["responses"]) == {"200"}


def test_the_login_answers_401_and_no_403_and_a_sync_route_answers_403(app):
    """What the OpenAPI says of login and of the sync routes is what they answer."""
    client = app.state.client
    wrong = client.post("/api/v1/login", json={"username": "sanne", "password": "fout fout fout"})
    assert (wrong.status_code, wrong.json()["code"]) == (401, "bad_credentials")
    # a web account signs in (no 403 at the login) and is refused by the sync routes
    signed_in = client.post("/api/v1/login", json={"username": "regio", "password": PASSWORD})
    assert signed_in.status_code == 200
    token = signed_in.json()["token"]
    pulled = client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}"})
    assert (pulled.status_code, pulled.json()["code"]) == (403, "role_not_allowed")
    assert "kan niet synchroniseren" in pulled.json()["message"]
    too_large = client.post(
        "/api/v1/login", content=b"x" * (64 * 1024 + 1), headers={"content-type": "text/plain"}
    )
    assert (too_large.status_code, too_large.json()["code"]) == (413, "too_large")
    unreadable = client.post("/api/v1/login", content=b"{", headers={"content-type": "text/json"})
    assert unreadable.status_code == 422
    assert unreadable.json()["message"] == "Geef gebruikersnaam en wachtwoord."
