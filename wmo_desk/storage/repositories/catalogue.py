"""The region catalogue in the database: replaced as a whole, read back as a domain object."""

from __future__ import annotations

import json
from dataclasses import asdict, fields

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wmo_desk.domain.catalogue import (
    AreaAssignment,
    CareForm,
    Catalogue,
    LetterData,
    Municipality,
    Product,
    ProductModel,
    Provider,
    ProviderLocation,
)
from wmo_desk.storage.tables import (
    AreaAssignmentRow,
    CareFormRow,
    MunicipalityRow,
    ProductRow,
    ProviderLocationRow,
    ProviderRow,
    RegionRow,
    SettingRow,
)


def _municipal_key(region_code: str) -> str:
    # The products table has no municipality column (a migration would add one): which
    # stored product is a municipality's own is kept beside the region, as {code: cbs_code}.
    return f"catalogue.{region_code}.municipal_products"


def _letters_key(region_code: str) -> str:
    # Likewise the municipalities' letter data, as {cbs_code: {field: value}}.
    return f"catalogue.{region_code}.letters"


def _letter_from_json(data: dict) -> LetterData:
    tuples = {f.name for f in fields(LetterData) if f.type.startswith("tuple")}
    return LetterData(**{k: tuple(v) if k in tuples else v for k, v in data.items()})


class CatalogueRepository:
    """Catalogue tables; callers wrap :meth:`replace` in one transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def replace(self, catalogue: Catalogue) -> None:
        """Put ``catalogue`` in place of the region's previous one (cascades to its children)."""
        s = self._session
        s.execute(delete(RegionRow).where(RegionRow.code == catalogue.region_code))
        s.add(
            RegionRow(
                code=catalogue.region_code,
                name=catalogue.region_name,
                version=catalogue.version,
                published=catalogue.published,
                contract_start=catalogue.contract_start,
                contract_end=catalogue.contract_end,
                centrumgemeente=catalogue.centrumgemeente,
                model=catalogue.model.value,
                notes=catalogue.notes,
            )
        )
        s.flush()
        s.add_all(
            MunicipalityRow(
                cbs_code=m.cbs_code,
                region_code=catalogue.region_code,
                name=m.name,
                latitude=m.latitude,
                longitude=m.longitude,
                former=list(m.former),
            )
            for m in catalogue.municipalities
        )
        s.add_all(
            CareFormRow(region_code=catalogue.region_code, code=c.code, name=c.name, position=i)
            for i, c in enumerate(catalogue.care_forms)
        )
        s.add_all(
            ProductRow(
                region_code=catalogue.region_code,
                code=p.code,
                name=p.name,
                category=p.category,
                care_form=p.care_form,
                model=p.model.value,
                level=p.level,
                result_area=p.result_area,
                unit=p.unit,
                frequency=p.frequency,
                tariff_cents=p.tariff_cents,
                tariff_period=p.tariff_period,
                tariff_is_demo=p.tariff_is_demo,
                position=i,
            )
            for i, p in enumerate(
                (
                    *(p for p in catalogue.products if not p.municipality_code),
                    *catalogue.municipal_products,
                )
            )
        )
        s.merge(
            SettingRow(
                key=_municipal_key(catalogue.region_code),
                value=json.dumps(
                    {p.code: p.municipality_code for p in catalogue.municipal_products},
                    sort_keys=True,
                ),
            )
        )
        s.merge(
            SettingRow(
                key=_letters_key(catalogue.region_code),
                value=json.dumps(
                    {m.cbs_code: asdict(m.letter) for m in catalogue.municipalities if m.letter},
                    sort_keys=True,
                ),
            )
        )
        for i, provider in enumerate(catalogue.providers):
            s.add(
                ProviderRow(
                    id=provider.id,
                    region_code=catalogue.region_code,
                    agb_code=provider.agb_code,
                    name=provider.name,
                    product_codes=list(provider.product_codes),
                    municipality_codes=list(provider.municipality_codes),
                    specialisms=list(provider.specialisms),
                    accepting_new_clients=provider.accepting_new_clients,
                    phone=provider.phone,
                    email=provider.email,
                    website=provider.website,
                    contact_person=provider.contact_person,
                    is_demo_data=provider.is_demo_data,
                    position=i,
                )
            )
        s.flush()
        s.add_all(
            ProviderLocationRow(
                id=loc.id,
                provider_id=provider.id,
                position=j,
                **{k: getattr(loc, k) for k in _LOCATION_FIELDS},
            )
            for provider in catalogue.providers
            for j, loc in enumerate(provider.locations)
        )
        s.add_all(
            AreaAssignmentRow(
                region_code=catalogue.region_code,
                area=a.area,
                care_form=a.care_form,
                provider_id=a.provider_id,
                municipality_codes=list(a.municipality_codes),
                postcode_areas=list(a.postcode_areas),
                reason=a.reason,
            )
            for a in catalogue.area_assignments
        )
        s.flush()

    def region_codes(self) -> list[str]:
        return list(self._session.scalars(select(RegionRow.code).order_by(RegionRow.code)))

    def load(self, region_code: str) -> Catalogue | None:
        """The stored catalogue of ``region_code``, or None when none was imported."""
        s = self._session
        region = s.get(RegionRow, region_code)
        if region is None:
            return None
        locations: dict[str, list[ProviderLocation]] = {}
        for row in s.scalars(
            select(ProviderLocationRow)
            .join(ProviderRow)
            .where(ProviderRow.region_code == region_code)
            .order_by(ProviderLocationRow.provider_id, ProviderLocationRow.position)
        ):
            locations.setdefault(row.provider_id, []).append(
                ProviderLocation(id=row.id, **{k: getattr(row, k) for k in _LOCATION_FIELDS})
            )
        where = {"region_code": region_code}
        setting = s.get(SettingRow, _municipal_key(region_code))
        own: dict[str, str] = json.loads(setting.value) if setting else {}
        letters_setting = s.get(SettingRow, _letters_key(region_code))
        letters = json.loads(letters_setting.value) if letters_setting else {}
        products = [
            Product(
                code=r.code,
                name=r.name,
                category=r.category,
                care_form=r.care_form,
                model=ProductModel(r.model),
                level=r.level,
                result_area=r.result_area,
                unit=r.unit,
                frequency=r.frequency,
                tariff_cents=r.tariff_cents,
                tariff_period=r.tariff_period,
                tariff_is_demo=r.tariff_is_demo,
                municipality_code=own.get(r.code, ""),
            )
            for r in s.scalars(select(ProductRow).filter_by(**where).order_by(ProductRow.position))
        ]
        return Catalogue(
            region_code=region.code,
            region_name=region.name,
            version=region.version,
            published=region.published,
            contract_start=region.contract_start,
            contract_end=region.contract_end,
            centrumgemeente=region.centrumgemeente,
            model=ProductModel(region.model),
            notes=region.notes,
            municipalities=tuple(
                Municipality(
                    cbs_code=r.cbs_code,
                    name=r.name,
                    region_code=r.region_code,
                    latitude=r.latitude,
                    longitude=r.longitude,
                    former=tuple(r.former),
                    letter=_letter_from_json(letters[r.cbs_code])
                    if r.cbs_code in letters
                    else None,
                )
                for r in s.scalars(
                    select(MunicipalityRow).filter_by(**where).order_by(MunicipalityRow.name)
                )
            ),
            care_forms=tuple(
                CareForm(code=r.code, name=r.name)
                for r in s.scalars(
                    select(CareFormRow).filter_by(**where).order_by(CareFormRow.position)
                )
            ),
            products=tuple(p for p in products if not p.municipality_code),
            municipal_products=tuple(p for p in products if p.municipality_code),
            providers=tuple(
                Provider(
                    id=r.id,
                    agb_code=r.agb_code,
                    name=r.name,
                    product_codes=tuple(r.product_codes),
                    municipality_codes=tuple(r.municipality_codes),
                    locations=tuple(locations.get(r.id, ())),
                    specialisms=tuple(r.specialisms),
                    accepting_new_clients=r.accepting_new_clients,
                    phone=r.phone,
                    email=r.email,
                    website=r.website,
                    contact_person=r.contact_person,
                    is_demo_data=r.is_demo_data,
                )
                for r in s.scalars(
                    select(ProviderRow).filter_by(**where).order_by(ProviderRow.position)
                )
            ),
            area_assignments=tuple(
                AreaAssignment(
                    area=r.area,
                    care_form=r.care_form,
                    provider_id=r.provider_id,
                    municipality_codes=tuple(r.municipality_codes),
                    postcode_areas=tuple(r.postcode_areas),
                    reason=r.reason,
                )
                for r in s.scalars(
                    select(AreaAssignmentRow).filter_by(**where).order_by(AreaAssignmentRow.id)
                )
            ),
        )


_LOCATION_FIELDS = (
    "name",
    "street",
    "house_number",
    "postcode",
    "place",
    "municipality_code",
    "latitude",
    "longitude",
    "bw_places",
    "bw_clients",
)
