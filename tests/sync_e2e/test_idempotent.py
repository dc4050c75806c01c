"""A lost answer: the server applied a push but the desktop never recorded the results (the
connection dropped, the laptop crashed). Sending the same batch again changes nothing twice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.sync_e2e.helpers import (
    case_ids,
    edit_request,
    local_records,
    pending,
    server_records,
    server_revisions,
)
from wmo_desk.server.models import AppliedChange
from wmo_desk.services import sync as sync_module
from wmo_desk.sync.client import ServerError


class AnswerLost(ServerError):
    """What the desktop sees when the connection breaks after the server answered."""

    def __init__(self) -> None:
        super().__init__("unreachable", "Server niet bereikbaar", "De verbinding viel weg.")


class LosingClient:
    """Passes every call to the real client, but throws away the answer of the push calls
    numbered in ``lose`` (1 is the first push) after the server has handled them."""

    def __init__(self, client, lose: set[int]) -> None:
        self._client = client
        self._lose = lose
        self.pushes = 0
        self.batches: list[list[str]] = []

    def push(self, token, changes):
        self.pushes += 1
        results = self._client.push(token, changes)
        self.batches.append([str(c.change_id) for c in changes])
        if self.pushes in self._lose:
            raise AnswerLost()
        return results

    def __getattr__(self, name):
        return getattr(self._client, name)


def losing(ctx, lose: set[int]) -> LosingClient:
    client = LosingClient(ctx.sign_in_service().client, lose)
    ctx.signin.client = client
    return client


def applied_changes(server) -> int:
    with server.app.state.db.session_scope() as session:
        return session.scalar(select(func.count()).select_from(AppliedChange))


@pytest.fixture
def sanne(desktops):
    ctx = desktops.open("sanne", demo=True)
    desktops.sign_in(ctx, "sanne")
    return ctx


def test_the_same_batch_three_times_is_applied_once(sanne, server, monkeypatch):
    monkeypatch.setattr(sync_module, "PUSH_BATCH", 40)
    before = pending(sanne)
    client = losing(sanne, lose={1, 2})

    with pytest.raises(ServerError, match="verbinding viel weg"):
        sanne.sync.sync()
    after_first = server_revisions(server)
    assert len(server_records(server, "case")) > 0  # the server did apply the first batch
    assert pending(sanne) == before  # the desktop does not know that

    with pytest.raises(ServerError):
        sanne.sync.sync()
    # the second delivery of the same batch: same change ids, nothing applied again
    assert client.batches[1] == client.batches[0]
    assert server_revisions(server) == after_first

    report = sanne.sync.sync()
    assert client.batches[2] == client.batches[0]
    assert report.pushed == before and report.refused == 0 and report.new_conflicts == 0
    assert pending(sanne) == 0

    # every record once on the server, each change applied once
    for record_type in ("client", "case", "case_event"):
        assert server_records(server, record_type) == local_records(sanne, record_type)
    assert len(server_records(server, "case")) == 30
    assert applied_changes(server) == before
    revisions = server_revisions(server)
    assert {k: v for k, v in revisions.items() if k in after_first} == after_first


def test_a_lost_answer_in_a_later_batch_and_an_edit_meanwhile(sanne, server, monkeypatch):
    monkeypatch.setattr(sync_module, "PUSH_BATCH", 50)
    before = pending(sanne)
    losing(sanne, lose={2})
    with pytest.raises(ServerError):
        sanne.sync.sync()
    # the first batch was answered and recorded, the second only applied
    assert 0 < pending(sanne) < before
    # the consultant goes on working before the next sync: every case gets a new text
    for case_id in case_ids(sanne):
        edit_request(sanne, case_id, f"Nieuwe hulpvraag {case_id[:8]}")

    report = sanne.sync.sync()

    # one sync sends both: what the lost answer left, and the edits made since
    assert report.refused == 0 and report.new_conflicts == 0
    assert pending(sanne) == 0 and sanne.sync.conflicts() == []
    cases = server_records(server, "case")
    assert len(cases) == 30
    assert all(c["request_text"] == f"Nieuwe hulpvraag {i[:8]}" for i, c in cases.items())
    for record_type in ("client", "case", "case_event"):
        assert server_records(server, record_type) == local_records(sanne, record_type)


def test_a_team_lead_pulling_twice_after_a_lost_answer_sees_each_case_once(sanne, desktops, server):
    losing(sanne, lose={1})
    with pytest.raises(ServerError):
        sanne.sync.sync()
    sanne.sync.sync()
    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    ruud.sync.sync()
    ruud.sync.sync()
    assert sorted(case_ids(ruud)) == sorted(case_ids(sanne))
    assert len(case_ids(ruud)) == 30
    assert local_records(ruud, "case_event") == local_records(sanne, "case_event")
