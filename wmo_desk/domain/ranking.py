"""Suggesting contracted providers: coverage rules, straight-line distance, a stable ranking."""

from __future__ import annotations

import math
from dataclasses import dataclass

from wmo_desk.domain.catalogue import AreaAssignment, Catalogue, Provider, ProviderLocation

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance between two WGS84 points, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Home:
    """Where the client lives, for distances; ``approximate`` when only the municipality is known."""

    latitude: float
    longitude: float
    approximate: bool = False
    warning: str = ""


@dataclass(frozen=True)
class SuggestionQuery:
    """What the consultant asks for: a care form, optionally one product, and filters."""

    care_form: str
    municipality_code: str
    product_code: str = ""
    specialism: str = ""
    accepting_only: bool = False
    postcode: str = ""


@dataclass(frozen=True)
class Suggestion:
    """One provider location with its distance from the client's home; ``rank`` starts at 1."""

    rank: int
    provider: Provider
    location: ProviderLocation
    distance_km: float


@dataclass(frozen=True)
class AreaProvider:
    """Task-based model: the one provider of the client's area, with the reason."""

    provider: Provider
    assignment: AreaAssignment


def _products_asked(catalogue: Catalogue, query: SuggestionQuery) -> set[str]:
    if query.product_code:
        return {query.product_code}
    return {p.code for p in catalogue.products if p.care_form == query.care_form}


def covers(provider: Provider, products: set[str], municipality_code: str) -> bool:
    """The provider's contract covers one of ``products`` in the client's municipality."""
    return municipality_code in provider.municipality_codes and bool(
        products & set(provider.product_codes)
    )


def area_provider(catalogue: Catalogue, query: SuggestionQuery) -> AreaProvider | None:
    """Where the region assigns one provider per area for this care form, that provider."""
    pc4 = query.postcode[:4]
    for assignment in catalogue.area_assignments:
        if assignment.care_form != query.care_form:
            continue
        in_municipality = (
            not assignment.municipality_codes
            or query.municipality_code in assignment.municipality_codes
        )
        in_postcodes = not assignment.postcode_areas or any(
            _in_range(pc4, r) for r in assignment.postcode_areas
        )
        in_area = in_municipality and in_postcodes
        if in_area:
            provider = next(
                (p for p in catalogue.providers if p.id == assignment.provider_id), None
            )
            if provider is not None:
                return AreaProvider(provider, assignment)
    return None


def _in_range(pc4: str, spec: str) -> bool:
    """``5011`` or ``5011-5018``: whether ``pc4`` lies in the area."""
    if not pc4:
        return False
    low, _, high = spec.partition("-")
    return low <= pc4 <= (high or low)


def suggest(catalogue: Catalogue, query: SuggestionQuery, home: Home) -> list[Suggestion]:
    """Contracted locations that deliver what is asked, nearest first.

    Never suggested: providers whose contract does not cover the product or the client's
    municipality. Ties are broken by provider name, then location id, so the order is stable.
    """
    products = _products_asked(catalogue, query)
    candidates: list[tuple[float, str, str, Provider, ProviderLocation]] = []
    for provider in catalogue.providers:
        if not covers(provider, products, query.municipality_code):
            continue
        if query.accepting_only and not provider.accepting_new_clients:
            continue
        if query.specialism and query.specialism not in provider.specialisms:
            continue
        for location in provider.locations:
            km = distance_km(home.latitude, home.longitude, location.latitude, location.longitude)
            candidates.append(
                (round(km, 6), provider.name.casefold(), location.id, provider, location)
            )
    candidates.sort(key=lambda c: c[:3])
    return [Suggestion(i + 1, c[3], c[4], c[0]) for i, c in enumerate(candidates)]


def specialisms(catalogue: Catalogue) -> list[str]:
    """Every target group or specialism named in the catalogue, sorted."""
    return sorted({s for p in catalogue.providers for s in p.specialisms})
