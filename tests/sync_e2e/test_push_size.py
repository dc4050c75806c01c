"""Pushes stay under the server's body limit: large changes (decision documents) are split
over several pushes, and everything still arrives once."""

from __future__ import annotations

import json

from tests.sync_e2e.helpers import pending
from wmo_desk.services import sync as sync_module


class CountingClient:
    """Passes every call to the real client and keeps the size of each push body."""

    def __init__(self, client) -> None:
        self._client = client
        self.sizes: list[int] = []

    def push(self, token, changes):
        body = {"changes": [c.model_dump(mode="json") for c in changes]}
        self.sizes.append(len(json.dumps(body).encode("utf-8")))
        return self._client.push(token, changes)

    def __getattr__(self, name):
        return getattr(self._client, name)


def test_a_push_never_goes_over_the_body_limit(desktops, server, monkeypatch):
    monkeypatch.setattr(sync_module, "PUSH_BYTES", 20_000)
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    counting = CountingClient(sanne.sign_in_service().client)
    sanne.signin.client = counting
    to_send = sanne.sync.status().pending
    report = sanne.sync.sync()
    assert report.pushed == to_send and report.refused == 0
    assert pending(sanne) == 0
    # split by size, not only by count: more pushes than PUSH_BATCH alone would make
    assert len(counting.sizes) > -(-to_send // sync_module.PUSH_BATCH)
    assert max(counting.sizes) < 20_000 + 5_000
    assert len(server.records("case")) == 30
