"""How the fields of a synced record read in the conflict dialog: Dutch names, readable values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from wmo_desk.domain.bsn import mask_bsn
from wmo_desk.domain.cases import CloseReason, Stage
from wmo_desk.sync.field_names import FIELD_NAMES
from wmo_desk.ui.display import short_date

#: the Dutch field names, one table with the record rules (wmo_desk/sync/records.py)
FIELD_LABELS = FIELD_NAMES
PLACE_OF_CONVERSATION = "Plaats van het gesprek"

#: Kept in step by the program: not a choice of their own, they follow the field they come from.
DERIVED = {
    "on_hold": ("holds",),
    "next_deadline": ("stage", "holds", "melding_date", "aanvraag_date", "decision_sent_date"),
    "next_deadline_kind": ("stage", "holds", "melding_date", "aanvraag_date", "decision_sent_date"),
    "sort_name": ("surname", "initials", "prefix"),
    "search_text": ("surname", "initials", "prefix", "bsn", "postcode"),
}
#: Identifiers and bookkeeping: shown only when they differ.
TECHNICAL = {
    "client_id",
    "case_id",
    "decision_id",
    "provision_id",
    "municipality_code",
    "replaces_id",
    "actor_id",
    "provider_agb",
    "location_id",
    "sha256",
    "content",
}
USER_FIELDS = {"consultant_id", "actor_id", "assessor_id", "proposed_by", "approved_by"}
EMPTY = "—"


@dataclass(frozen=True)
class FieldRow:
    """One line of the side-by-side view."""

    field: str
    label: str
    mine: str
    server: str
    differs: bool


def label_of(record_type: str, field: str) -> str:
    if record_type == "conversation" and field == "place":
        return PLACE_OF_CONVERSATION
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def value_text(field: str, value: Any, users: dict[str, str]) -> str:
    """``value`` as a person reads it; empty values as a dash."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if field in USER_FIELDS:
        return users.get(str(value), str(value))
    if field == "stage" and value in Stage._value2member_map_:
        return Stage(value).label
    if field == "close_reason" and value in CloseReason._value2member_map_:
        return CloseReason(value).label
    if field == "bsn":
        return mask_bsn(str(value))
    if field == "holds" and isinstance(value, list):
        return "; ".join(_hold_text(h) for h in value) or EMPTY
    if isinstance(value, str):
        return _date_text(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _hold_text(hold: Any) -> str:
    if not isinstance(hold, dict):
        return str(hold)
    start = _date_text(str(hold.get("start") or ""))
    end = _date_text(str(hold.get("end") or "")) if hold.get("end") else "nu"
    return f"{start} – {end}: {hold.get('reason', '')}"


def _date_text(text: str) -> str:
    if len(text) == 10 and text[4] == "-":
        try:
            return short_date(date.fromisoformat(text))
        except ValueError:
            return text
    if len(text) > 10 and text[4] == "-" and "T" in text:
        try:
            moment = datetime.fromisoformat(text).astimezone()
        except ValueError:
            return text
        return f"{short_date(moment.date())} {moment:%H:%M}"
    return text


def side_by_side(
    record_type: str,
    mine: dict[str, Any],
    server: dict[str, Any],
    differing: set[str],
    users: dict[str, str],
) -> list[FieldRow]:
    """The fields of both versions, labelled, the known ones in a sensible order."""
    fields = (set(mine) | set(server)) - {"created_at", "modified_at"} - set(DERIVED)
    fields -= {f for f in TECHNICAL if f not in differing}
    order = {name: i for i, name in enumerate(FIELD_LABELS)}
    ordered = sorted(fields, key=lambda f: (order.get(f, len(order)), f))
    return [
        FieldRow(
            f,
            label_of(record_type, f),
            value_text(f, mine.get(f), users),
            value_text(f, server.get(f), users),
            f in differing,
        )
        for f in ordered
    ]


def with_derived(take_server: set[str], differing: set[str]) -> set[str]:
    """The chosen fields plus the derived ones that must come along to stay consistent.

    A derived field comes from the server when every differing field it follows does (or,
    when none of those differ, when every differing field the user could choose does)."""
    chosen = set(take_server)
    choosable = differing - set(DERIVED)
    for field, sources in DERIVED.items():
        if field not in differing:
            continue
        relevant = [s for s in sources if s in differing] or sorted(choosable)
        if relevant and all(s in take_server for s in relevant):
            chosen.add(field)
    return chosen
