"""The desktop checks a pulled decision document against its SHA-256 before keeping it."""

from __future__ import annotations

import base64
import hashlib
import uuid

from sqlalchemy import select

from wmo_desk.storage.repositories.sync import SyncRepository
from wmo_desk.storage.tables import DecisionDocumentRow


def _document(content: bytes, sha256: str) -> dict:
    return {
        "record_type": "decision_document",
        "record_id": str(uuid.uuid4()),
        "revision": 7,
        "deleted": False,
        "municipality_code": "0828",
        "payload": {
            "_local_id": "besluit-1-beschikking",
            "decision_id": "besluit-1",
            "kind": "beschikking",
            "filename": "beschikking.pdf",
            "sha256": sha256,
            "content": base64.b64encode(content).decode(),
        },
    }


def test_a_document_that_does_not_match_its_checksum_is_not_kept(db):
    forged = _document(b"%PDF-1.4 gewijzigd", hashlib.sha256(b"%PDF-1.4 echt").hexdigest())
    with db.session() as session:
        repo = SyncRepository(session)
        repo.stage([forged], next_cursor=7)
        repo.apply_staged()
    with db.session() as session:
        assert session.scalars(select(DecisionDocumentRow)).all() == []
        [refused] = SyncRepository(session).conflicts()
        assert (refused.kind, refused.reason) == ("refused", "checksum")
        assert refused.record_id == "besluit-1-beschikking"
        assert refused.server_payload["filename"] == "beschikking.pdf"
        assert "content" not in refused.server_payload
        assert SyncRepository(session).cursor() == 7
