"""Ranking providers: distances on real PC4 coordinates, coverage, ties, task-based areas."""

from __future__ import annotations

import math
from dataclasses import replace

from wmo_desk.catalogue.geodata import pc4_coordinates
from wmo_desk.catalogue.loader import load_catalogue
from wmo_desk.domain.ranking import Home, SuggestionQuery, area_provider, distance_km, suggest
from wmo_desk.paths import resources_dir

GEO = resources_dir() / "geodata" / "nl_pc4.csv"


def catalogue(name: str):
    return load_catalogue(resources_dir() / "catalogues" / f"{name}.json")


def spherical_law_of_cosines(lat1, lon1, lat2, lon2) -> float:
    """An independent great-circle formula, to check the haversine against."""
    p1, p2, dl = map(math.radians, (lat1, lat2, lon2 - lon1))
    return 6371.0088 * math.acos(
        min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl))
    )


def test_distance_between_real_pc4_areas():
    coordinates = pc4_coordinates(GEO)
    assert len(coordinates) == 4086
    oss, den_bosch = coordinates["5341"], coordinates["5211"]
    km = distance_km(*oss, *den_bosch)
    assert 15 < km < 25  # Oss centre to 's-Hertogenbosch centre, as the crow flies
    assert math.isclose(km, spherical_law_of_cosines(*oss, *den_bosch), rel_tol=1e-6)


def test_ranking_matches_an_independent_calculation_and_respects_coverage():
    cat = catalogue("bno-o")
    home = Home(*pc4_coordinates(GEO)["5341"])
    query = SuggestionQuery(care_form="dagbesteding", municipality_code="0828", postcode="5341AB")
    ranked = suggest(cat, query, home)
    products = {p.code for p in cat.products if p.care_form == "dagbesteding"}
    expected = sorted(
        (
            spherical_law_of_cosines(home.latitude, home.longitude, loc.latitude, loc.longitude),
            p.name.casefold(),
            loc.id,
        )
        for p in cat.providers
        if "0828" in p.municipality_codes and products & set(p.product_codes)
        for loc in p.locations
    )
    assert [s.location.id for s in ranked] == [e[2] for e in expected]
    assert [s.rank for s in ranked] == list(range(1, len(ranked) + 1))
    assert all(
        math.isclose(s.distance_km, e[0], abs_tol=1e-6)
        for s, e in zip(ranked, expected, strict=True)
    )
    # nobody outside the contract: other product, or not for Oss
    assert all(
        products & set(s.provider.product_codes) and "0828" in s.provider.municipality_codes
        for s in ranked
    )


def test_provider_not_covering_the_municipality_or_product_is_never_suggested():
    cat = catalogue("bno-o")
    home = Home(*pc4_coordinates(GEO)["5341"])
    query = SuggestionQuery(care_form="dagbesteding", municipality_code="0828")
    first = suggest(cat, query, home)[0].provider
    without_oss = replace(
        first, municipality_codes=tuple(c for c in first.municipality_codes if c != "0828")
    )
    cat2 = replace(
        cat, providers=tuple(without_oss if p.id == first.id else p for p in cat.providers)
    )
    assert first.id not in {s.provider.id for s in suggest(cat2, query, home)}
    one_product = replace(query, product_code=sorted(first.product_codes)[0])
    assert all(
        one_product.product_code in s.provider.product_codes
        for s in suggest(cat, one_product, home)
    )


def test_ties_are_broken_by_name_then_location():
    cat = catalogue("meierij")
    home = Home(51.69, 5.30)
    a, b = cat.providers[0], cat.providers[1]
    spot = replace(a.locations[0], latitude=51.70, longitude=5.31)
    a2 = replace(
        a,
        name="Zeta zorg",
        locations=(replace(spot, id="z-1"),),
        municipality_codes=("0796",),
        product_codes=("07DBB",),
    )
    b2 = replace(
        b,
        name="Alfa zorg",
        locations=(replace(spot, id="a-1"),),
        municipality_codes=("0796",),
        product_codes=("07DBB",),
    )
    cat2 = replace(cat, providers=(a2, b2))
    ranked = suggest(
        cat2, SuggestionQuery(care_form="dagbesteding", municipality_code="0796"), home
    )
    assert [s.provider.name for s in ranked] == ["Alfa zorg", "Zeta zorg"]
    assert ranked[0].distance_km == ranked[1].distance_km


def test_filters_specialism_and_accepting():
    cat = catalogue("bno-o")
    home = Home(*pc4_coordinates(GEO)["5341"])
    query = SuggestionQuery(
        care_form="individuele-ondersteuning",
        municipality_code="0828",
        specialism="NAH",
        accepting_only=True,
    )
    ranked = suggest(cat, query, home)
    assert ranked and all(
        "NAH" in s.provider.specialisms and s.provider.accepting_new_clients for s in ranked
    )


def test_hart_van_brabant_begeleiding_goes_to_the_area_provider():
    cat = catalogue("hart-van-brabant")
    assignment = next(a for a in cat.area_assignments if a.postcode_areas)
    pc4 = assignment.postcode_areas[0].split("-")[0]
    municipality = assignment.municipality_codes[0] if assignment.municipality_codes else "0855"
    found = area_provider(
        cat,
        SuggestionQuery(
            care_form=assignment.care_form, municipality_code=municipality, postcode=pc4 + "AB"
        ),
    )
    assert found is not None and found.provider.id == assignment.provider_id
    assert "Taakgericht" in found.assignment.reason
    assert (
        area_provider(
            cat,
            SuggestionQuery(
                care_form="dagbesteding", municipality_code=municipality, postcode=pc4 + "AB"
            ),
        )
        is None
    )
