"""Suggestions in a case: unknown postcode falls back with a warning, BW capacity by role, choices kept."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.errors import FieldErrors
from wmo_desk.domain.users import Role
from wmo_desk.storage.repositories.clients import ClientRepository


def a_case(ctx) -> str:
    return ctx.caseload.summaries(CaseloadFilter("0828", stage=Stage.ONDERZOEK))[0].case_id


def test_unknown_postcode_falls_back_to_the_municipality_centre_with_a_warning(demo_ctx):
    case_id = a_case(demo_ctx)
    client = demo_ctx.cases.view(case_id).client
    with demo_ctx.db.session() as s:
        ClientRepository(s).save(
            replace(client, address=replace(client.address, postcode="1000ZZ"))
        )
    result = demo_ctx.suggestions.suggestions(case_id, "dagbesteding")
    oss = demo_ctx.catalogues.current().municipality("0828")
    assert result.home.approximate
    assert (result.home.latitude, result.home.longitude) == (oss.latitude, oss.longitude)
    assert "1000 is onbekend" in result.home.warning and "bij benadering" in result.home.warning
    assert result.ranked


CAPACITY_COPY = Path(__file__).resolve().parents[1] / "fixtures" / "bno-o-with-capacity.json"


def test_bw_capacity_only_for_the_bw_consultant(demo_ctx):
    case_id = a_case(demo_ctx)
    assert not demo_ctx.suggestions.suggestions(case_id, "beschermd-wonen").show_bw_capacity
    profile = demo_ctx.profile
    demo_ctx.activate(replace(profile, user=replace(profile.user, role=Role.BW_CONSULENT)))
    result = demo_ctx.suggestions.suggestions(case_id, "beschermd-wonen")
    assert result.show_bw_capacity
    # the bundled catalogue has no capacity: it comes from the region (its server) only
    assert not any(s.location.bw_places for s in result.ranked)
    demo_ctx.catalogues.import_file(CAPACITY_COPY, expected_region="BNO-O")
    result = demo_ctx.suggestions.suggestions(case_id, "beschermd-wonen")
    assert any(s.location.bw_places for s in result.ranked)


def test_choice_beyond_the_nearest_three_needs_a_reason_and_survives_a_catalogue_update(
    demo_ctx, tmp_path
):
    import json

    from wmo_desk.paths import resources_dir

    case_id = a_case(demo_ctx)
    ranked = demo_ctx.suggestions.suggestions(case_id, "dagbesteding").ranked
    with pytest.raises(FieldErrors) as info:
        demo_ctx.suggestions.choose(case_id, "dagbesteding", "", ranked[5], "")
    assert "drie dichtstbijzijnde" in info.value.errors["reason"]
    demo_ctx.suggestions.choose(
        case_id, "dagbesteding", "", ranked[5], "Zoon werkt vlakbij deze locatie"
    )
    [(choice, warning)] = demo_ctx.suggestions.choices(case_id)
    assert choice.provider_id == ranked[5].provider.id and choice.rank == 6 and warning == ""
    # the region drops the provider from its catalogue: the case keeps the choice and warns
    data = json.loads((resources_dir() / "catalogues" / "bno-o.json").read_text(encoding="utf-8"))
    data["version"] = "2026.2"
    data["providers"] = [p for p in data["providers"] if p["id"] != choice.provider_id]
    path = tmp_path / "bno-o-2026.2.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    demo_ctx.catalogues.import_file(path)
    [(kept, warning)] = demo_ctx.suggestions.choices(case_id)
    assert kept.provider_name == choice.provider_name
    assert "niet meer in de huidige catalogus" in warning


def test_a_malformed_catalogue_changes_nothing(demo_ctx, tmp_path):
    import json

    from wmo_desk.catalogue.loader import CatalogueError
    from wmo_desk.paths import resources_dir

    before = demo_ctx.catalogues.current()
    data = json.loads((resources_dir() / "catalogues" / "bno-o.json").read_text(encoding="utf-8"))
    data["version"] = "2026.9"
    data["providers"][3]["locations"][0]["postcode"] = "0000 AA"
    path = tmp_path / "kapot.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        demo_ctx.catalogues.import_file(path)
    assert "providers[3].locations[0].postcode" in info.value.message
    after = demo_ctx.catalogues.current()
    assert after.version == before.version and len(after.providers) == len(before.providers)


def test_hart_van_brabant_begeleiding_shows_the_area_provider_instead_of_a_ranking(tmp_path, clock):
    from wmo_desk.domain.cases import Channel, Reporter
    from wmo_desk.domain.intake import MeldingForm
    from wmo_desk.services.context import AppContext

    ctx = AppContext.open(tmp_path / "hvb", clock)
    choice = next(c for c in ctx.region_choices() if c.code == "HVB")
    ctx.activate(ctx.profiles.set_up(choice, "0855", "Test Consulent", Role.CONSULENT))
    assignment = next(a for a in ctx.catalogues.current().area_assignments if a.postcode_areas)
    pc4 = assignment.postcode_areas[0].split("-")[0]
    case_id = ctx.intake.register(
        MeldingForm(
            bsn="999990019",
            initials="A.",
            surname="Tester",
            birth_date=clock.today().replace(year=1950),
            street="Heuvel",
            house_number="1",
            postcode=f"{pc4} AB",
            place="Tilburg",
            municipality_code=assignment.municipality_codes[0]
            if assignment.municipality_codes
            else "0855",
            melding_date=clock.today(),
            reported_by=Reporter.CLIENT,
            channel=Channel.TELEFOON,
            request_text="Hulp bij structuur in de dag",
        )
    )
    result = ctx.suggestions.suggestions(case_id, assignment.care_form)
    assert result.area is not None and result.area.provider.id == assignment.provider_id
    assert {s.provider.id for s in result.ranked} <= {assignment.provider_id}
    ctx.close()
