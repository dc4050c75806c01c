"""Valid payloads per record type, as a desktop pushes them, for tests that are about something
else than the record rules (wmo_desk/sync/records.py): a test overrides only what it is about."""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

from wmo_desk.domain.zrm import ZRM_DOMAINS
from wmo_desk.services.demo import demo_bsn

MOMENT = "2026-11-02T09:30:00+00:00"
PDF = b"%PDF-1.4 beschikking"


def _id() -> str:
    return str(uuid.uuid4())


def _times() -> dict[str, Any]:
    return {"created_at": MOMENT, "modified_at": MOMENT}


def _client() -> dict[str, Any]:
    return {
        "bsn": demo_bsn(6),
        "initials": "M.",
        "first_names": "Maria",
        "prefix": "",
        "surname": "Visser",
        "sort_name": "Visser, M.",
        "search_text": "maria visser",
        "birth_date": "1948-03-14",
        "sex": "2",
        "street": "Kruisstraat",
        "house_number": 12,
        "house_number_addition": "",
        "postcode": "5341AB",
        "place": "Oss",
        "municipality_code": "0828",
        "phone": "0412-123456",
        "email": "",
        "street_short": "",
    }


def _case() -> dict[str, Any]:
    return {
        "client_id": _id(),
        "municipality_code": "0828",
        "consultant_id": _id(),
        "stage": "melding",
        "melding_date": "2026-11-02",
        "reported_by": "client",
        "channel": "telefoon",
        "request_text": "Hulp bij het huishouden",
        "aanvraag_date": None,
        "decision_sent_date": None,
        "holds": [],
        "on_hold": False,
        "close_reason": None,
        "close_note": "",
        "closed_date": None,
        "next_deadline": None,
        "next_deadline_kind": None,
    }


def _case_event() -> dict[str, Any]:
    return {
        "case_id": _id(),
        "kind": "note",
        "text": "Cliënt gebeld over het huisbezoek.",
        "actor_id": _id(),
        "actor_name": "Sanne",
        "at": MOMENT,
    }


def _conversation() -> dict[str, Any]:
    return {
        "case_id": _id(),
        "form_id": "keukentafelgesprek",
        "form_version": "1",
        "held_on": "2026-11-05",
        "place": "Bij de cliënt thuis",
        "answers": {},
        "completed": False,
        "current_section": "",
        "verslag_signed_on": None,
    }


def _case_result() -> dict[str, Any]:
    return {
        "case_id": _id(),
        "care_form": "dagbesteding",
        "product_code": "07A09",
        "result_area": "",
        "level": "",
        "description": "Structuur in de week",
        "term_end": "2027-11-30",
        "household_member": "",
    }


def _zrm_assessment() -> dict[str, Any]:
    return {
        "case_id": _id(),
        "assessed_on": "2026-11-05",
        "assessor_id": _id(),
        "scores": [{"domain": domain, "level": 3, "note": ""} for domain in ZRM_DOMAINS],
    }


def _provider_choice() -> dict[str, Any]:
    return {
        "case_id": _id(),
        "care_form": "dagbesteding",
        "product_code": "07A09",
        "provider_id": "p1",
        "provider_name": "Zorggroep Oss",
        "provider_agb": "12345678",
        "location_id": "l1",
        "location_label": "Dagcentrum De Linde",
        "distance_km": 3.5,
        "rank": 1,
        "reason": "",
        "chosen_on": "2026-11-05",
    }


def _decision() -> dict[str, Any]:
    return {
        "case_id": _id(),
        "outcome": "toegekend",
        "motivation": "Zie verslag: dagbesteding geeft structuur.",
        "status": "concept",
        "proposed_by": _id(),
        "approved_by": None,
        "kenmerk": "",
        "decision_date": None,
        "replaces_id": None,
        "proposer_phone": "",
        "proposer_email": "",
    }


def _provision() -> dict[str, Any]:
    return {
        "decision_id": _id(),
        "product_code": "07A09",
        "result": "Structuur in de week",
        "start": "2026-12-01",
        "end": "2027-11-30",
        "delivery_form": "natura",
        "volume": 2,
        "unit": "82",
        "frequency": "4",
        "provider_id": "p1",
        "pgb_cents": None,
    }


def _allocation() -> dict[str, Any]:
    return {
        "provision_id": _id(),
        "number": 1,
        "version": 1,
        "provider_id": "p1",
        "product_category": "07",
        "product_code": "07A09",
        "start": "2026-12-01",
        "end": "2027-11-30",
        "volume": 2,
        "unit": "82",
        "frequency": "4",
        "change_reason": "",
    }


def _decision_document() -> dict[str, Any]:
    return {
        "decision_id": _id(),
        "kind": "beschikking",
        "filename": "beschikking.pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "content": base64.b64encode(PDF).decode("ascii"),
    }


_DEFAULTS = {
    "client": _client,
    "case": _case,
    "case_event": _case_event,
    "conversation": _conversation,
    "case_result": _case_result,
    "zrm_assessment": _zrm_assessment,
    "provider_choice": _provider_choice,
    "decision": _decision,
    "provision": _provision,
    "allocation": _allocation,
    "decision_document": _decision_document,
}


def valid(record_type: str, **overrides: Any) -> dict[str, Any]:
    """A complete valid payload of ``record_type`` with ``overrides`` in it.

    References to other records are new random ids unless overridden. A document whose
    ``content`` is overridden gets that content's SHA-256 unless ``sha256`` is given too.
    A record type the desktop does not sync (``user``, made up) gets just ``overrides``.
    An override of a key the record type does not have is a mistake in the test: TypeError.
    """
    make = _DEFAULTS.get(record_type)
    if make is None:
        return dict(overrides)
    payload = {**_times(), **make()}
    unknown = set(overrides) - set(payload) - {"_form_snapshot", "_local_id"}
    if unknown:
        raise TypeError(f"a {record_type} has no {', '.join(sorted(unknown))}")
    if record_type == "decision_document" and "content" in overrides and "sha256" not in overrides:
        content = base64.b64decode(overrides["content"])
        overrides = {**overrides, "sha256": hashlib.sha256(content).hexdigest()}
    return {**payload, **overrides}
