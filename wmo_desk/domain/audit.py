"""The access log in NEN 7513 terms: who did what, when, to which client file, on which device.

Each entry carries the SHA-256 of the one before it (a hash chain per device), so a changed,
removed or inserted entry breaks the chain wherever it is checked: on the laptop and on the
regional server, which keeps the pushed entries append-only. Written once here, pure Python,
for both sides.

An entry never holds a BSN, a name or a search term: ``detail`` carries counts and file kinds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

#: the ``prev_hash`` of a device's first entry
GENESIS = "0" * 64

#: what each action means, in the words of an inzage report (AVG art. 15)
ACTION_LABELS: dict[str, str] = {
    "caseload.list": "Overzicht van dossiers bekeken",
    "caseload.search": "Dossiers gezocht",
    "team.list": "Teamoverzicht bekeken",
    "herindicatie.list": "Lijst van aflopende voorzieningen (herindicaties) bekeken",
    "approval.list": "Lijst van voorstellen ter goedkeuring bekeken",
    "case.read": "Dossier geopend",
    "case.create": "Melding vastgelegd",
    "client.create": "Cliënt vastgelegd",
    "client.update": "Cliëntgegevens gewijzigd",
    "bsn.lookup": "Gezocht op BSN",
    "conversation.start": "Gesprek begonnen",
    "verslag.signed": "Ondertekening verslag vastgelegd",
    "zrm.add": "ZRM vastgelegd",
    "case.hold": "Dossier opgeschort",
    "case.resume": "Dossier hervat",
    "case.reassign": "Dossier aan een andere consulent gegeven",
    "case.close": "Dossier afgesloten",
    "result.save": "Resultaat vastgelegd",
    "provider.choose": "Aanbieder gekozen",
    "account.linked": "Aangemeld bij de regioserver",
    "result.add": "Resultaat vastgelegd",
    "result.remove": "Resultaat verwijderd",
    "provider.choice": "Aanbieder gekozen",
    "decision": "Besluit gewijzigd",
    "decision.approve": "Besluit goedgekeurd",
    "document.make": "Document gemaakt",
    "document.view": "Document geopend",
    "document.export": "Document opgeslagen buiten wmo_desk",
    "document.print": "Document afgedrukt",
    "inzage.report": "Inzageoverzicht gemaakt",
    "server.sent": "Door de server verstrekt",
    "server.received": "Door de server ontvangen",
    "device.wiped": "Gegevens op het apparaat op afstand gewist",
    "signal.report": "Signaal over een aanbieder gemeld, met toestemming van de cliënt",
    "signal.read": "Gemeld signaal over een aanbieder bekeken",
    "signal.received": "Signaal over een aanbieder ontvangen door het meldpunt",
    "signal.web_read": "Signaal over een aanbieder ingezien op de regiowebsite",
    "evaluation.record": "Telefonische evaluatie (cliëntervaring) vastgelegd",
}


def action_label(action: str) -> str:
    """The Dutch description of ``action`` (unknown actions as they are)."""
    if action.startswith("case.stage."):
        return f"Fase gewijzigd: {action.removeprefix('case.stage.')}"
    return ACTION_LABELS.get(action, action)


def canonical_time(at: datetime) -> str:
    """``at`` in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``: the one spelling the hash is taken over."""
    if at.tzinfo is None:
        raise ValueError("audit times are aware (UTC)")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class AuditEntry:
    """One line of the access log.

    Attributes:
        seq: 1, 2, 3 ... per device, without gaps.
        at: when (aware, UTC).
        user_id: who (the server's user id once signed in).
        device_id: the profile installation that wrote it.
        action: one of :data:`ACTION_LABELS` (or a newer action).
        client_id / case_id / object_id: which file, case, document or decision.
        detail: counts or kinds ("42 resultaten", "beschikking"), never names or BSNs.
        prev_hash: the ``hash`` of entry ``seq - 1`` (:data:`GENESIS` for the first).
        hash: SHA-256 over all fields above (:func:`entry_hash`).
    """

    seq: int
    at: datetime
    user_id: str
    device_id: str
    action: str
    client_id: str | None
    case_id: str | None
    object_id: str | None
    detail: str
    prev_hash: str
    hash: str


def entry_hash(
    *,
    seq: int,
    at: datetime,
    user_id: str,
    device_id: str,
    action: str,
    client_id: str | None,
    case_id: str | None,
    object_id: str | None,
    detail: str,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) over the entry's fields in one canonical JSON spelling."""
    fields = [
        seq,
        canonical_time(at),
        user_id,
        device_id,
        action,
        client_id,
        case_id,
        object_id,
        detail,
        prev_hash,
    ]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_entry(
    previous: AuditEntry | None,
    *,
    at: datetime,
    user_id: str,
    device_id: str,
    action: str,
    client_id: str | None = None,
    case_id: str | None = None,
    object_id: str | None = None,
    detail: str = "",
) -> AuditEntry:
    """The entry that follows ``previous`` (None: the device's first)."""
    seq = previous.seq + 1 if previous else 1
    prev_hash = previous.hash if previous else GENESIS
    fields = dict(
        seq=seq,
        at=at,
        user_id=user_id,
        device_id=device_id,
        action=action,
        client_id=client_id,
        case_id=case_id,
        object_id=object_id,
        detail=detail,
        prev_hash=prev_hash,
    )
    return AuditEntry(**fields, hash=entry_hash(**fields))


@dataclass(frozen=True)
class ChainBreak:
    """Where a chain stops being trustworthy, in Dutch."""

    seq: int
    reason: str


def chain_break(
    entries: Iterable[AuditEntry], *, after_seq: int = 0, after_hash: str = GENESIS
) -> ChainBreak | None:
    """The first place where ``entries`` (in order) do not continue the chain that ended at
    ``after_seq``/``after_hash``; None when every entry follows its predecessor unchanged."""
    seq, prev = after_seq, after_hash
    for entry in entries:
        if entry.seq != seq + 1:
            return ChainBreak(
                entry.seq, f"na regel {seq} volgt regel {entry.seq}: er ontbreekt iets"
            )
        if entry.prev_hash != prev:
            return ChainBreak(entry.seq, f"regel {entry.seq} sluit niet aan op regel {seq}")
        fields = dataclasses.asdict(entry)
        del fields["hash"]
        expected = entry_hash(**fields)
        if entry.hash != expected:
            return ChainBreak(entry.seq, f"regel {entry.seq} is na het vastleggen gewijzigd")
        seq, prev = entry.seq, entry.hash
    return None
