"""Reading a region for the dashboard: its municipalities, products and providers from the
published catalogue, and the synced records of its municipalities, decoded."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from wmo_desk.server.models import Record
from wmo_desk.server.web.monitoring import ProductInfo, RawRecord

MONITORED_TYPES = ("case", "decision", "provision", "allocation")
#: the period's own fields, on a provision and on each of its toewijzingen
_SPAN = ("start", "end", "product_code", "provider_id", "volume", "unit", "frequency")
#: what monitoring.decode reads of each record type; the rest of a payload is not kept
NEEDED = {
    "case": ("client_id", "melding_date", "aanvraag_date", "holds", "decision_sent_date"),
    "decision": ("status", "case_id", "decision_date"),
    "provision": ("decision_id", "delivery_form", "pgb_cents", "product_category", *_SPAN),
    "allocation": (
        "provision_id",
        "number",
        "version",
        "change_reason",
        "product_category",
        *_SPAN,
    ),
}
#: rows fetched from the database at a time: the region is streamed, never held as text
_BATCH = 5000


@dataclass(frozen=True)
class Region:
    """A region as its catalogue describes it; without a catalogue, the one municipality."""

    code: str
    name: str
    municipalities: dict[str, str]
    #: a former municipality's code (a merger, RedenWijziging 11) -> the current code
    former: dict[str, str]
    products: dict[str, ProductInfo]
    providers: dict[str, str]
    has_catalogue: bool
    #: the revision of the catalogue record read (0: none)
    revision: int = 0

    @property
    def codes(self) -> list[str]:
        return sorted({*self.municipalities, *self.former})


def region_of(session: Session, municipality_code: str) -> Region:
    """The region of ``municipality_code``: the newest catalogue published for it."""
    row = session.scalar(
        select(Record)
        .where(
            Record.record_type == "catalogue",
            Record.municipality_code == municipality_code,
            Record.deleted.is_(False),
        )
        .order_by(Record.revision.desc())
        .limit(1)
    )
    if row is None:
        return Region(
            code="",
            name="",
            municipalities={municipality_code: f"Gemeente {municipality_code}"},
            former={},
            products={},
            providers={},
            has_catalogue=False,
        )
    catalogue = json.loads(row.payload)
    municipalities = {m["cbs_code"]: m["name"] for m in catalogue.get("municipalities", [])}
    former = {
        old: m["cbs_code"]
        for m in catalogue.get("municipalities", [])
        for old in m.get("former", [])
    }
    products = {
        p["code"]: ProductInfo(
            name=p.get("name", p["code"]),
            category=p.get("category", ""),
            tariff_cents=p.get("tariff_cents"),
            tariff_period=p.get("tariff_period", ""),
            tariff_is_demo=bool(p.get("tariff_is_demo", False)),
        )
        for p in (
            *catalogue.get("products", []),
            # bought by one municipality itself (hulp bij het huishouden, hulpmiddelen, vervoer)
            *(p for own in catalogue.get("municipal_products", []) for p in own["products"]),
        )
    }
    providers = {p["id"]: p.get("name", p["id"]) for p in catalogue.get("providers", [])}
    return Region(
        code=catalogue.get("region_code", ""),
        name=catalogue.get("region_name", ""),
        municipalities=municipalities,
        former=former,
        products=products,
        providers=providers,
        has_catalogue=True,
        revision=row.revision,
    )


def _monitored(region: Region) -> tuple[ColumnElement[bool], ...]:
    return (
        Record.record_type.in_(MONITORED_TYPES),
        Record.municipality_code.in_(region.codes),
    )


def records_version(session: Session, region: Region) -> tuple[int, int]:
    """What the region's figures were computed from: the catalogue's revision and the newest
    revision of its monitored records (a tombstone has one too). Equal: the same figures."""
    newest = session.scalar(select(func.max(Record.revision)).where(*_monitored(region)))
    return region.revision, newest or 0


def region_records(session: Session, region: Region) -> list[RawRecord]:
    """The live case, decision, provision and allocation records of the region's
    municipalities (a former municipality's under its current code), each with only the
    fields the figures read (:data:`NEEDED`). Streamed in batches: at 300,000 records the
    payload texts are never all in memory at once."""
    rows = session.execute(
        select(Record.record_type, Record.record_id, Record.municipality_code, Record.payload)
        .where(*_monitored(region), Record.deleted.is_(False))
        .execution_options(yield_per=_BATCH)
    )
    records = []
    for record_type, record_id, municipality, payload in rows:
        try:
            decoded = json.loads(payload)
        except ValueError:
            continue
        if isinstance(decoded, dict):
            records.append(
                RawRecord(
                    record_type,
                    str(record_id),
                    region.former.get(municipality, municipality),
                    {k: decoded[k] for k in NEEDED[record_type] if k in decoded},
                )
            )
    return records
