"""What a sync request checks first, and in which order it takes the pool and the writer lock."""

from __future__ import annotations

import threading

import pytest

from tests.server.test_mandate import proposal
from tests.server.test_sync_api import api, change  # noqa: F401 (api: the fixture)
from wmo_desk.server import approvals, auth, push

BAD_BODIES = [{"changes": [{"x": 1}]}, {"changes": 5}]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_a_refused_token_is_a_401_whatever_the_body(api, body):  # noqa: F811
    """The token is checked before the body: a stranger learns nothing from validation, and a
    desktop whose sign-in ended is told so (and signs in again) even with a batch in error."""
    response = api.client.post(
        "/api/v1/sync/push", json=body, headers={"Authorization": "Bearer not-a-token"}
    )
    assert response.status_code == 401
    assert response.json() == {
        "code": "token_invalid",
        "message": "U bent niet aangemeld. Meld u opnieuw aan.",
    }
    response = api.client.get(
        "/api/v1/sync/pull",
        params={"since": -1},
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert response.status_code == 401


def test_a_web_account_is_refused_before_its_body_is_read(api):  # noqa: F811
    with api.app.state.db.session_scope() as session:
        auth.create_user(
            session, username="regio1", password="correct horse battery", display_name="Regio",
            role="regio", municipality_code="0828",
        )  # fmt: skip
    token = api.client.post(
        "/api/v1/login", json={"username": "regio1", "password": "correct horse battery"}
    ).json()["token"]
    response = api.client.post(
        "/api/v1/sync/push", json=BAD_BODIES[0], headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "role_not_allowed"


class CheckedLock:
    """WRITE_LOCK, noting how many pooled connections are out whenever it is taken."""

    def __init__(self, engine):
        self._lock = threading.Lock()
        self._engine = engine
        self.out_when_taken: list[int] = []

    def __enter__(self):
        self.out_when_taken.append(self._engine.pool.checkedout())
        return self._lock.__enter__()

    def __exit__(self, *exc):
        return self._lock.__exit__(*exc)


def test_the_writer_lock_is_taken_only_with_a_connection_in_hand(api, monkeypatch):  # noqa: F811
    """Requests that wait for the writer lock may hold every pooled connection: its holder must
    never be the one waiting for the pool. Pushes (a consultant's and a team lead's), an approval
    and a new toewijzingnummer all take their connection first (one request at a time here, so
    the one connection out is the request's own)."""
    lock = CheckedLock(api.app.state.db.engine)
    monkeypatch.setattr(push, "WRITE_LOCK", lock)
    monkeypatch.setattr(approvals, "WRITE_LOCK", lock)
    decision, provisions, _ = proposal(api, "sanne")
    assert [r["status"] for r in api.push("tl", [change(surname="Visser")])] == ["applied"]
    grant = api.approve("tl", decision["record_id"], [provisions[0]["record_id"]])
    assert grant["kenmerk"].startswith("WMO-0828-")
    response = api.client.post(
        "/api/v1/allocation-numbers",
        json={"provision_id": provisions[0]["record_id"]},
        headers={"Authorization": f"Bearer {api.tokens['tl']}"},
    )
    assert response.status_code == 200, response.text
    assert len(lock.out_when_taken) == 4
    assert lock.out_when_taken == [1, 1, 1, 1]
