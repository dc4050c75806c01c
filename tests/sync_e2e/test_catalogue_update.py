"""The region publishes a new catalogue on the server; every desktop has it after its next sync,
with beschermd-wonen capacity for BW consultants only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.sync_e2e.helpers import register
from tests.synckit import PASSWORD
from wmo_desk.server import auth
from wmo_desk.server.cli import main as server_cli

# the region's own copy, with beschermd-wonen capacity: on the server only, never bundled
CAPACITY_COPY = Path(__file__).resolve().parents[1] / "fixtures" / "bno-o-with-capacity.json"
NEW_VERSION = "2027.1"
NEW_PROVIDER = "Zorgboerderij De Maasdijk"
BW_LOCATION = "bnoo-acuut-zorggroep-helmond-bv-L1"


def new_catalogue(tmp_path) -> str:
    """bno-o.json with a new version, one provider more and other BW capacity at one location."""
    data = json.loads((CAPACITY_COPY).read_text("utf-8"))
    data["version"] = NEW_VERSION
    data["published"] = "2026-11-20"
    for provider in data["providers"]:
        for location in provider["locations"]:
            if location["id"] == BW_LOCATION:
                location["bw_places"], location["bw_clients"] = 9, 4
    data["providers"].append(
        {
            "id": "bnoo-zorgboerderij-de-maasdijk",
            "agb_code": "98099999",
            "name": NEW_PROVIDER,
            "product_codes": ["07A06", "15B24"],
            "municipality_codes": ["0828"],
            "locations": [
                {
                    "id": "bnoo-zorgboerderij-de-maasdijk-L1",
                    "name": f"{NEW_PROVIDER} – Oss",
                    "street": "Maasdijk",
                    "house_number": 12,
                    "postcode": "5341AB",
                    "place": "Oss",
                    "municipality_code": "0828",
                    "latitude": 51.768,
                    "longitude": 5.52,
                    "bw_places": 12,
                    "bw_clients": 10,
                }
            ],
            "specialisms": [],
            "accepting_new_clients": True,
            "phone": "0412-000000",
            "email": "info@maasdijk.example",
            "website": "https://maasdijk.example",
            "contact_person": "Jan de Boer",
            "is_demo_data": True,
        }
    )
    path = tmp_path / "bno-o-2027.1.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return str(path)


def locations(catalogue) -> dict:
    return {loc.id: loc for p in catalogue.providers for loc in p.locations}


@pytest.fixture
def bw_account(server):
    with server.app.state.db.session_scope() as session:
        auth.create_user(
            session,
            username="bram",
            password=PASSWORD,
            display_name="Bram Kuipers",
            role="bw-consulent",
            municipality_code="0828",
        )


def test_a_new_catalogue_reaches_every_desktop_on_its_next_sync(
    desktops, server, bw_account, tmp_path, capsys
):
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    bram = desktops.open("bram", role="bw-consulent", user="Bram Kuipers")
    desktops.sign_in(bram, "bram")
    for ctx in (sanne, bram):
        ctx.sync.sync()
        assert ctx.catalogues.current().version == "2026.1"
    case_id = sanne.caseload.case_ids(_all())[0]
    bram_case = register(bram, "999990019")
    assert NEW_PROVIDER not in _providers(sanne, case_id, "dagbesteding")

    server_db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    assert (
        server_cli(["import-catalogue", "--db", server_db, "--file", new_catalogue(tmp_path)]) == 0
    )
    assert "versie 2027.1 gepubliceerd voor 5 gemeenten" in capsys.readouterr().out

    for ctx in (sanne, bram):
        report = ctx.sync.sync()
        assert report.catalogue_version == NEW_VERSION
        assert ctx.catalogues.current().version == NEW_VERSION
        # the next sync has nothing new to read in
        assert ctx.sync.sync().catalogue_version is None

    assert NEW_PROVIDER in _providers(sanne, case_id, "dagbesteding")
    assert NEW_PROVIDER in _providers(bram, bram_case, "beschermd-wonen")

    # a consultant's copy has no beschermd-wonen capacity at all, a BW consultant's has it
    consultant_copy = locations(sanne.catalogues.current())
    assert all(loc.bw_places is None and loc.bw_clients is None for loc in consultant_copy.values())
    bw_copy = locations(bram.catalogues.current())
    assert (bw_copy[BW_LOCATION].bw_places, bw_copy[BW_LOCATION].bw_clients) == (9, 4)
    assert bw_copy["bnoo-zorgboerderij-de-maasdijk-L1"].bw_places == 12
    shown = bram.suggestions.suggestions(bram_case, "beschermd-wonen")
    assert shown.show_bw_capacity
    assert any(s.location.bw_places == 12 for s in shown.ranked)
    assert not sanne.suggestions.suggestions(case_id, "beschermd-wonen").show_bw_capacity


def test_a_team_lead_without_cases_gets_the_catalogue_too(desktops, server, tmp_path):
    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    server_db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    assert (
        server_cli(["import-catalogue", "--db", server_db, "--file", new_catalogue(tmp_path)]) == 0
    )
    assert ruud.sync.sync().catalogue_version == NEW_VERSION
    assert NEW_PROVIDER in {p.name for p in ruud.catalogues.current().providers}
    assert all(loc.bw_places is None for loc in locations(ruud.catalogues.current()).values())


def test_a_malformed_catalogue_is_not_published(desktops, server, tmp_path, capsys):
    path = tmp_path / "kapot.json"
    data = json.loads(Path(new_catalogue(tmp_path)).read_text("utf-8"))
    del data["providers"][0]["name"]
    path.write_text(json.dumps(data), encoding="utf-8")
    server_db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    assert server_cli(["import-catalogue", "--db", server_db, "--file", str(path)]) == 1
    assert "kapot.json" in capsys.readouterr().err
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    assert sanne.sync.sync().catalogue_version is None
    assert sanne.catalogues.current().version == "2026.1"


def _all():
    from wmo_desk.domain.caseload import CaseloadFilter

    return CaseloadFilter("0828", include_closed=True)


def _providers(ctx, case_id: str, care_form: str) -> set[str]:
    return {s.provider.name for s in ctx.suggestions.suggestions(case_id, care_form).ranked}
