"""The rules of offline-first sync as functions over wire payloads, shared by desktop and server.

What a pull does to the desktop's rows is decided in :mod:`wmo_desk.sync.apply` (over the storage
port, :mod:`wmo_desk.sync.port`); storage (``wmo_desk/storage/repositories/sync*.py``) keeps the
outbox, inbox and conflict tables and carries out what these functions decide; the service
(``services/sync.py``) runs the rounds.

- Two versions of a record are **the same** when they differ only in their bookkeeping times.
- A **conflict** is settled by taking chosen fields from the server's version (:func:`merge`);
  the version not chosen stays on record.
- A pushed change the server answers with **another version** (:func:`answer_to`): the row
  takes it when both say the same, else both are kept as a conflict.
- **Twin clients**: one resident registered on several desktops is one client everywhere; the
  client with the smallest id is kept, a withdrawn twin carries :func:`withdrawn_bsn` in place of
  its BSN (unique, as BSNs are) and points at the client kept.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import Enum
from typing import Any

FORM_SNAPSHOT_KEY = "_form_snapshot"
# The server knows records by UUID. A local id that is none (a decision document is
# "<decision id>-<kind>") travels as a UUID made from it, the local id itself in the payload.
LOCAL_ID_KEY = "_local_id"
TRAVEL_KEYS = (FORM_SNAPSHOT_KEY, LOCAL_ID_KEY)
TIMES = ("created_at", "modified_at")
WITHDRAWN_MARK = "="
#: an id made by a desktop or the server: a UUID as text
ID_LENGTH = 36
#: the longest kind of a decision document ("beschikking", "toewijzing-<nummer>-v<versie>",
#: "wmo301-<nummer>-v<versie>"): its column's length (decision_documents.kind); no list of
#: kinds bounds it, the numbers do not (a ToewijzingNummer of 9 digits leaves 8 for the version)
DOCUMENT_KIND_LENGTH = 30
#: the longest local id, a decision document's (:func:`document_id`): decision_documents.id and
#: the record's ``_local_id``
DOCUMENT_ID_LENGTH = ID_LENGTH + len("-") + DOCUMENT_KIND_LENGTH
#: what clients.bsn holds: nine digits, or a withdrawn twin's mark (:func:`withdrawn_bsn`)
BSN_FIELD_LENGTH = max(9, len(WITHDRAWN_MARK) + ID_LENGTH + len("/") + ID_LENGTH)
_LOCAL_ID_NAMESPACE = uuid.UUID("0b6f0f52-8a49-4c1e-9a3e-5f0c2d1e7a31")


@dataclass(frozen=True)
class FieldDifference:
    field: str
    mine: Any
    server: Any


def wire_id(record_id: str) -> str:
    """The id the server knows the record ``record_id`` by."""
    try:
        if str(uuid.UUID(record_id)) == record_id:
            return record_id
    except ValueError:
        pass
    return str(uuid.uuid5(_LOCAL_ID_NAMESPACE, record_id))


def plain(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload without what only travels with it (form snapshot, local id)."""
    return {k: v for k, v in payload.items() if k not in TRAVEL_KEYS}


def same_version(
    local: dict[str, Any], local_deleted: bool, server: dict[str, Any] | None, server_deleted: bool
) -> bool:
    """Whether two versions of a record say the same: only their bookkeeping times may differ
    (a decision's provisions are written anew, with new times, when it is saved)."""
    if server is None or bool(local_deleted) != bool(server_deleted):
        return False
    if local_deleted:
        return True
    server = plain(server)
    return all(local.get(k) == server.get(k) for k in set(local) | set(server) if k not in TIMES)


def differences(mine: dict[str, Any], server: dict[str, Any] | None) -> list[FieldDifference]:
    """The fields in which two versions differ (bookkeeping times left out), sorted."""
    server = server or {}
    fields = sorted((set(mine) | set(server)) - set(TIMES))
    return [
        FieldDifference(f, mine.get(f), server.get(f))
        for f in fields
        if mine.get(f) != server.get(f)
    ]


def merge(
    mine: dict[str, Any], server: dict[str, Any] | None, take_server: set[str]
) -> dict[str, Any]:
    """The settled version of a conflict: the fields in ``take_server`` from the server's
    version, every other field as on this desktop."""
    merged = dict(server or {})
    for key, value in mine.items():
        if key not in take_server:
            merged[key] = value
    return merged


def document_id(decision_id: str, kind: str) -> str:
    """The local id of the decision's document of ``kind`` (one of each kind per decision)."""
    return f"{decision_id}-{kind}"


def withdrawn_bsn(kept_id: str, own_id: str) -> str:
    """What a withdrawn twin client carries in place of its BSN."""
    return f"{WITHDRAWN_MARK}{kept_id}/{own_id}"


def kept_of_withdrawn(bsn: str) -> str | None:
    """The id of the client kept, when ``bsn`` marks a withdrawn twin; else None."""
    if not bsn.startswith(WITHDRAWN_MARK):
        return None
    return bsn[len(WITHDRAWN_MARK) :].split("/")[0]


def twin_gives_way(incoming_id: str, twin_id: str) -> bool:
    """Of two clients of one resident, the one with the larger id gives way."""
    return incoming_id < twin_id


def still_as_sent(
    current: dict[str, Any], current_deleted: bool, sent: dict[str, Any], sent_deleted: bool
) -> bool:
    """Whether a row is still what was pushed (then it is done once the server holds it)."""
    return bool(current_deleted) == bool(sent_deleted) and (sent_deleted or current == sent)


def goes_back(version: dict[str, Any] | None, raw: dict[str, Any] | None) -> bool:
    """Whether a row that took the server's version (``raw``), read here as ``version`` (with
    the client kept in place of a withdrawn twin), must go back to the server."""
    return plain(version or {}) != plain(raw or {})


class Answer(Enum):
    """What a row does when the server answered its pushed change with another version."""

    SEND_AS_NEW = "send_as_new"  # the server never saw it (restored from a backup)
    TOMBSTONE_ON_TOP = "tombstone_on_top"  # a withdrawn twin: its tombstone goes on top
    ADOPT = "adopt"  # both say the same: the row takes the server's version and is done
    REBASE = "rebase"  # what was sent is the server's, the row was edited since: goes on
    CONFLICT = "conflict"  # both versions are kept for the user to choose from


def answer_to(
    sent: dict[str, Any],
    sent_deleted: bool,
    current: dict[str, Any] | None,
    current_deleted: bool,
    server: dict[str, Any] | None,
    server_deleted: bool,
    server_revision: int | None,
    *,
    withdrawn_twin: bool = False,
) -> Answer:
    """The server holds another version of a pushed record (``server``, as this desktop reads
    it): what the row does. ``current``: the row as it is now (None when it is not held)."""
    if server is None and server_revision is None:
        return Answer.SEND_AS_NEW
    if withdrawn_twin:
        return Answer.TOMBSTONE_ON_TOP
    if not same_version(sent, sent_deleted, server, server_deleted):
        return Answer.CONFLICT
    # a note added to the case on two desktops re-sends the unchanged case: nothing to choose
    if current is not None and same_version(current, current_deleted, server, server_deleted):
        return Answer.ADOPT
    return Answer.REBASE
