"""Reading a catalogue file into domain objects; a malformed file names the file and field."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from wmo_desk.domain.catalogue import (
    AreaAssignment,
    CareForm,
    Catalogue,
    LetterData,
    Municipality,
    Product,
    Provider,
    ProviderLocation,
)
from wmo_desk.domain.errors import UserError
from wmo_desk.sync.catalogue import CatalogueIn, LetterIn


class CatalogueError(UserError):
    """A catalogue file cannot be used.

    Attributes:
        path: the file.
        field: dotted path of the offending field (``providers[3].agb_code``), or "".
    """

    def __init__(self, path: Path | str, field: str, problem: str) -> None:
        where = f", veld '{field}'" if field else ""
        super().__init__("Catalogus niet ingelezen", f"{Path(path).name}{where}: {problem}")
        self.path = Path(path)
        self.field = field
        self.problem = problem


def _field_path(loc: Iterable[object]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _translate(error: dict) -> str:
    kind, msg = error.get("type", ""), error.get("msg", "")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    bounds = {
        "greater_than_equal": "minstens {ge}",
        "less_than_equal": "hoogstens {le}",
        "greater_than": "groter dan {gt}",
        "less_than": "kleiner dan {lt}",
    }
    if kind in bounds:
        return f"waarde {value} moet " + bounds[kind].format(**ctx)
    if kind in ("literal_error", "enum"):
        return f"waarde '{value}' is niet toegestaan (toegestaan: {ctx.get('expected', '')})"
    if kind == "too_short":
        return "mag niet leeg zijn"
    if kind == "too_long":
        return f"te lang (hoogstens {ctx.get('max_length')} tekens)"
    if kind == "missing":
        return "dit veld ontbreekt"
    if kind == "extra_forbidden":
        return "onbekend veld (tikfout?)"
    if kind == "string_pattern_mismatch":
        return f"waarde '{error.get('input')}' heeft niet de juiste vorm"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind.startswith(
        ("int_", "float_", "date_", "bool_", "string_type", "list_type", "dict_type", "model_type")
    ):
        return f"ongeldige waarde '{value}' (verkeerd type)"
    return f"ongeldige waarde '{value}'"


def parse_catalogue(raw: bytes | str, path: Path | str = "catalogus") -> Catalogue:
    """Validate ``raw`` JSON text and return the catalogue; raise :class:`CatalogueError`."""
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise CatalogueError(path, "", "het bestand is niet in UTF-8 opgeslagen") from None
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            path, "", f"geen geldige JSON (regel {exc.lineno}, kolom {exc.colno})"
        ) from None
    if not isinstance(data, dict):
        raise CatalogueError(
            path, "", "het bestand moet één JSON-object zijn, geen lijst of losse waarde"
        )
    try:
        model = CatalogueIn.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CatalogueError(path, _field_path(first["loc"]), _translate(first)) from None
    _check_references(model, path)
    return _to_domain(model)


def load_catalogue(path: Path | str) -> Catalogue:
    """Read and validate the catalogue file at ``path``."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise CatalogueError(path, "", f"bestand niet te lezen ({exc.strerror})") from None
    return parse_catalogue(raw, path)


def _unique(codes: list[str], path: Path | str, field: str, what: str) -> set[str]:
    seen: set[str] = set()
    for i, code in enumerate(codes):
        if code in seen:
            raise CatalogueError(path, f"{field}[{i}]", f"{what} '{code}' komt dubbel voor")
        seen.add(code)
    return seen


def _check_references(model: CatalogueIn, path: Path | str) -> None:
    municipalities = _unique(
        [m.cbs_code for m in model.municipalities], path, "municipalities", "gemeentecode"
    )
    care_forms = _unique([c.code for c in model.care_forms], path, "care_forms", "zorgvormcode")
    products: set[str] = set()
    if model.centrumgemeente not in municipalities:
        raise CatalogueError(path, "centrumgemeente", "is geen gemeente van deze regio")
    if model.contract_end < model.contract_start:
        raise CatalogueError(path, "contract_end", "ligt vóór contract_start")
    for i, product in enumerate(model.products):
        if product.code in products:
            raise CatalogueError(
                path, f"products[{i}].code", f"productcode '{product.code}' komt dubbel voor"
            )
        products.add(product.code)
        if product.care_form not in care_forms:
            raise CatalogueError(
                path, f"products[{i}].care_form", f"onbekende zorgvorm '{product.care_form}'"
            )
    # a municipality's own products: its own codes, unique beside the region's (a toewijzing
    # names the product by its code only)
    product_municipality: dict[str, str] = {}
    seen_municipalities: set[str] = set()
    for i, section in enumerate(model.municipal_products):
        where = f"municipal_products[{i}]"
        if section.municipality_code not in municipalities:
            raise CatalogueError(
                path,
                f"{where}.municipality_code",
                f"gemeente '{section.municipality_code}' hoort niet bij deze regio",
            )
        if section.municipality_code in seen_municipalities:
            raise CatalogueError(
                path,
                f"{where}.municipality_code",
                f"gemeente '{section.municipality_code}' komt dubbel voor; zet al haar "
                "producten in één lijst",
            )
        seen_municipalities.add(section.municipality_code)
        for j, product in enumerate(section.products):
            if product.code in products:
                raise CatalogueError(
                    path,
                    f"{where}.products[{j}].code",
                    f"productcode '{product.code}' komt dubbel voor (ook een gemeentelijk "
                    "product heeft een eigen code)",
                )
            products.add(product.code)
            product_municipality[product.code] = section.municipality_code
            if product.care_form not in care_forms:
                raise CatalogueError(
                    path,
                    f"{where}.products[{j}].care_form",
                    f"onbekende zorgvorm '{product.care_form}'",
                )
    provider_ids: set[str] = set()
    location_ids: set[str] = set()
    for i, provider in enumerate(model.providers):
        if provider.id in provider_ids:
            raise CatalogueError(
                path, f"providers[{i}].id", f"aanbieder-id '{provider.id}' komt dubbel voor"
            )
        provider_ids.add(provider.id)
        for j, code in enumerate(provider.product_codes):
            if code not in products:
                raise CatalogueError(
                    path, f"providers[{i}].product_codes[{j}]", f"onbekend product '{code}'"
                )
            own = product_municipality.get(code)
            if own is not None and own not in provider.municipality_codes:
                raise CatalogueError(
                    path,
                    f"providers[{i}].product_codes[{j}]",
                    f"product '{code}' is van gemeente {own}, die niet in het werkgebied "
                    "(municipality_codes) van deze aanbieder ligt",
                )
        for j, code in enumerate(provider.municipality_codes):
            if code not in municipalities:
                raise CatalogueError(
                    path, f"providers[{i}].municipality_codes[{j}]", f"onbekende gemeente '{code}'"
                )
        for j, location in enumerate(provider.locations):
            if location.id in location_ids:
                raise CatalogueError(
                    path,
                    f"providers[{i}].locations[{j}].id",
                    f"locatie-id '{location.id}' komt dubbel voor",
                )
            location_ids.add(location.id)
            where = f"providers[{i}].locations[{j}]"
            if location.municipality_code not in municipalities:
                raise CatalogueError(
                    path,
                    f"{where}.municipality_code",
                    f"gemeente '{location.municipality_code}' hoort niet bij deze regio",
                )
            if location.bw_clients is not None and (
                location.bw_places is None or location.bw_clients > location.bw_places
            ):
                raise CatalogueError(
                    path, f"{where}.bw_clients", "meer cliënten dan plaatsen (bw_places)"
                )
    for i, assignment in enumerate(model.area_assignments):
        if assignment.provider_id not in provider_ids:
            raise CatalogueError(
                path,
                f"area_assignments[{i}].provider_id",
                f"onbekende aanbieder '{assignment.provider_id}'",
            )
        for j, code in enumerate(assignment.municipality_codes):
            if code not in municipalities:
                raise CatalogueError(
                    path,
                    f"area_assignments[{i}].municipality_codes[{j}]",
                    f"onbekende gemeente '{code}'",
                )
        if assignment.care_form not in care_forms:
            raise CatalogueError(
                path,
                f"area_assignments[{i}].care_form",
                f"onbekende zorgvorm '{assignment.care_form}'",
            )


def _letter(letter: LetterIn | None) -> LetterData | None:
    if letter is None:
        return None
    objection = letter.objection
    return LetterData(
        department=letter.department,
        postal_address=letter.postal_address.lines(),
        visiting_address=letter.visiting_address.lines(),
        phone=letter.phone,
        email=letter.email,
        website=letter.website,
        objection_department=objection.department,
        objection_address=objection.address.lines() if objection.address else (),
        objection_online=objection.online,
        mandate_holders=tuple(letter.mandate_holders),
        is_demo_data=letter.is_demo_data,
    )


def _to_domain(model: CatalogueIn) -> Catalogue:
    return Catalogue(
        region_code=model.region_code,
        region_name=model.region_name,
        version=model.version,
        published=model.published,
        contract_start=model.contract_start,
        contract_end=model.contract_end,
        centrumgemeente=model.centrumgemeente,
        model=model.model,
        notes=model.notes,
        municipalities=tuple(
            Municipality(
                cbs_code=m.cbs_code,
                name=m.name,
                region_code=model.region_code,
                latitude=m.latitude,
                longitude=m.longitude,
                former=tuple(m.former),
                letter=_letter(m.letter),
            )
            for m in model.municipalities
        ),
        care_forms=tuple(CareForm(code=c.code, name=c.name) for c in model.care_forms),
        products=tuple(Product(**p.model_dump()) for p in model.products),
        municipal_products=tuple(
            Product(**p.model_dump(), municipality_code=section.municipality_code)
            for section in model.municipal_products
            for p in section.products
        ),
        providers=tuple(
            Provider(
                **p.model_dump(
                    exclude={"locations", "product_codes", "municipality_codes", "specialisms"}
                ),
                product_codes=tuple(p.product_codes),
                municipality_codes=tuple(p.municipality_codes),
                specialisms=tuple(p.specialisms),
                locations=tuple(ProviderLocation(**loc.model_dump()) for loc in p.locations),
            )
            for p in model.providers
        ),
        area_assignments=tuple(
            AreaAssignment(
                area=a.area,
                care_form=a.care_form,
                provider_id=a.provider_id,
                municipality_codes=tuple(a.municipality_codes),
                postcode_areas=tuple(a.postcode_areas),
                reason=a.reason,
            )
            for a in model.area_assignments
        ),
    )


def bundled_catalogues(directory: Path) -> list[Path]:
    """The catalogue files shipped in ``resources/catalogues``, sorted by name."""
    return sorted(directory.glob("*.json"))
