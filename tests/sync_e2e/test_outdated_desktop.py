"""A desktop that speaks an older protocol than the server accepts is told in Dutch to update,
and keeps everything it has not sent (issue 10: a 426, not an error it cannot explain)."""

from __future__ import annotations

import pytest

from tests.sync_e2e.helpers import pending, server_records
from wmo_desk.sync import client as sync_client
from wmo_desk.sync.client import ServerError
from wmo_desk.sync.protocol import MIN_PROTOCOL_VERSION, PROTOCOL_OUTDATED_TEXT


def test_an_outdated_desktop_is_told_in_dutch_to_update_and_keeps_its_changes(
    desktops, server, monkeypatch
):
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    waiting = pending(sanne)
    assert waiting  # the demo's cases are not on the server yet
    # this desktop's code is a version behind what the server accepts
    monkeypatch.setattr(sync_client, "PROTOCOL_VERSION", MIN_PROTOCOL_VERSION - 1)

    with pytest.raises(ServerError) as info:
        sanne.sync.sync()

    assert info.value.code == "protocol_outdated"
    assert info.value.title == "Werk wmo_desk bij"
    assert info.value.message == PROTOCOL_OUTDATED_TEXT
    assert "Werk wmo_desk bij" in info.value.message
    assert "blijft bewaard" in info.value.message
    assert pending(sanne) == waiting  # nothing was lost or marked as sent
    assert server_records(server, "case") == {}  # and the server stored nothing

    monkeypatch.undo()  # updated: the same changes go through
    report = sanne.sync.sync()
    assert report.pushed == waiting and pending(sanne) == 0
    assert len(server_records(server, "case")) == 30
