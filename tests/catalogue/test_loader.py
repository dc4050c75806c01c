"""The bundled region catalogues load, and malformed catalogues are refused with file and field."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from wmo_desk.catalogue.loader import CatalogueError, bundled_catalogues, load_catalogue
from wmo_desk.domain.catalogue import Catalogue, ProductModel
from wmo_desk.paths import resources_dir

CATALOGUES = resources_dir() / "catalogues"
ROOT = Path(__file__).resolve().parents[2]

BNOO_CODES = {
    "02A06", "02A07", "02A09", "02A19", "02L04", "02L05", "02L12", "02L13", "02L15",
    "04103", "04A00", "07203", "07A06", "07A07", "10A00",
}  # fmt: skip
HVB_SUB_RESULTS = {
    "1a", "1b", "2a", "2b", "3a", "3b", "4a", "4b", "5a", "5b", "5c", "6a", "6b",
}  # fmt: skip
HVB_LEVELS = {"bijna zelfredzaam", "beperkt zelfredzaam", "niet zelfredzaam"}


def load(file_name: str) -> Catalogue:
    return load_catalogue(CATALOGUES / file_name)


def raw(file_name: str = "bno-o.json") -> dict:
    return json.loads((CATALOGUES / file_name).read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict, name: str = "regio-test.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def refused(path: Path) -> CatalogueError:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    error = info.value
    assert error.path.name == path.name
    assert path.name in error.message
    if error.field:
        assert f"veld '{error.field}'" in error.message
    return error


# --- the bundled files -------------------------------------------------------------------------


def test_the_three_regions_are_bundled() -> None:
    names = [path.name for path in bundled_catalogues(CATALOGUES)]
    assert names == ["bno-o.json", "hart-van-brabant.json", "meierij.json"]


@pytest.mark.parametrize(
    ("file_name", "region_code", "centrumgemeente", "model"),
    [
        ("bno-o.json", "BNO-O", "0828", ProductModel.OUTPUT),
        ("hart-van-brabant.json", "HVB", "0855", ProductModel.RESULTAAT),
        ("meierij.json", "MEIERIJ", "0796", ProductModel.OUTPUT),
    ],
)
def test_bundled_catalogue_loads(
    file_name: str, region_code: str, centrumgemeente: str, model: ProductModel
) -> None:
    catalogue = load(file_name)
    assert catalogue.region_code == region_code
    assert catalogue.centrumgemeente == centrumgemeente
    assert catalogue.model is model
    assert (
        catalogue.contract_start.isoformat() <= "2026-11-23" <= catalogue.contract_end.isoformat()
    )
    assert catalogue.contract_end.year >= 2027
    assert "demo" in catalogue.notes.lower()


def test_bnoo_has_the_148_providers_of_the_seed() -> None:
    catalogue = load("bno-o.json")
    # the municipalities' own leveranciers (invented) carry "(demo)" in their names
    names = [provider.name for provider in catalogue.providers if "(demo)" not in provider.name]
    assert len(names) == 148
    assert len(set(names)) == 148
    for name in (
        "Actief Zorg B.V.",
        "Brownies & downieS Uden",
        'Praktijk "Jij en Ik"',
        "Stichting GGZ Oost Brabant",
        "Stichting Regionale Instelling voor Begeleiding en Wonen Nijmegen & Rivierenland (RIBW)",
        "Zorggroep 't Zicht BV (Kloosterhuis 't Zicht)",
        "Zorgverlening PGZ",
    ):
        assert name in names
    assert names[0] == "Actief Zorg B.V."
    assert names[-1] == "Zorgverlening PGZ"


def test_bnoo_products_and_municipalities() -> None:
    catalogue = load("bno-o.json")
    codes = {product.code for product in catalogue.products}
    assert codes >= BNOO_CODES
    assert {p.category for p in catalogue.products if p.code in BNOO_CODES} == {
        "02", "04", "07", "10",
    }  # fmt: skip
    assert catalogue.product("02A07").care_form == "individuele-ondersteuning"
    assert catalogue.product("07A06").care_form == "dagbesteding"
    assert any(product.category == "15" for product in catalogue.products)
    municipalities = {m.cbs_code: m for m in catalogue.municipalities}
    assert {code: m.name for code, m in municipalities.items()} == {
        "1721": "Bernheze",
        "0755": "Boekel",
        "1982": "Land van Cuijk",
        "1991": "Maashorst",
        "0828": "Oss",
    }
    assert set(municipalities["1982"].former) == {"0756", "1684", "0786", "0815", "1702"}
    assert set(municipalities["1991"].former) == {"0856", "1685"}
    care_forms = {care_form.code for care_form in catalogue.care_forms}
    assert care_forms >= {
        "individuele-ondersteuning", "dagbesteding", "kortdurend-verblijf", "beschermd-wonen",
    }  # fmt: skip


def test_hvb_result_matrix_and_areas() -> None:
    catalogue = load("hart-van-brabant.json")
    matrix = [product for product in catalogue.products if product.result_area]
    assert len(matrix) == 39
    assert {(p.result_area, p.level) for p in matrix} == {
        (area, level) for area in HVB_SUB_RESULTS for level in HVB_LEVELS
    }
    assert all(product.model is ProductModel.RESULTAAT for product in matrix)
    assert all(len(product.code) <= 5 for product in catalogue.products)
    assert any(product.category == "15" for product in catalogue.products)
    assert len({m.cbs_code for m in catalogue.municipalities}) == 9
    assert len(catalogue.area_assignments) == 12
    assert len({assignment.area for assignment in catalogue.area_assignments}) == 12
    provider_ids = {provider.id for provider in catalogue.providers}
    care_forms = {care_form.code for care_form in catalogue.care_forms}
    municipalities = {m.cbs_code for m in catalogue.municipalities}
    for assignment in catalogue.area_assignments:
        assert assignment.provider_id in provider_ids
        assert assignment.care_form in care_forms
        assert set(assignment.municipality_codes) <= municipalities
        assert assignment.reason
    covered = {code for a in catalogue.area_assignments for code in a.municipality_codes}
    assert covered == municipalities
    tilburg = [a for a in catalogue.area_assignments if a.municipality_codes == ("0855",)]
    assert len(tilburg) >= 2
    assert all(a.postcode_areas for a in tilburg)


def test_meierij_products() -> None:
    catalogue = load("meierij.json")
    assert len(catalogue.products) == 7
    levels = {}
    for product in catalogue.products:
        levels.setdefault(product.care_form, []).append(product.level)
        assert product.model is ProductModel.OUTPUT
        assert (product.unit, product.frequency, product.tariff_period) == ("82", "4", "maand")
    assert levels == {
        "individuele-begeleiding": ["Waakvlam", "Basis", "Extra"],
        "dagbesteding": ["Basis", "Extra"],
        "kortdurend-verblijf": ["Basis", "Extra"],
    }
    assert {m.cbs_code for m in catalogue.municipalities} == {"0796", "1948", "0865"}


@pytest.mark.parametrize("file_name", ["bno-o.json", "hart-van-brabant.json", "meierij.json"])
def test_every_reference_in_a_bundled_catalogue_exists(file_name: str) -> None:
    catalogue = load(file_name).for_municipality(None)
    products = {product.code: product for product in catalogue.products}
    municipalities = {m.cbs_code for m in catalogue.municipalities}
    care_forms = {care_form.code for care_form in catalogue.care_forms}
    assert {product.care_form for product in catalogue.products} <= care_forms
    assert catalogue.providers
    for provider in catalogue.providers:
        assert set(provider.product_codes) <= set(products), provider.name
        assert set(provider.municipality_codes) <= municipalities, provider.name
        assert provider.agb_code.startswith("98")
        assert provider.is_demo_data
        assert 1 <= len(provider.locations) <= 3
        for location in provider.locations:
            assert location.municipality_code in provider.municipality_codes
            assert location.id.startswith(provider.id)
            # beschermd-wonen capacity is confidential: never in a file every desktop has
            assert location.bw_places is None and location.bw_clients is None
    offered = {code for provider in catalogue.providers for code in provider.product_codes}
    # an amount (euro's, such as a woningaanpassing) goes to the client, not to a provider
    assert offered == {code for code, product in products.items() if product.unit != "83"}


@pytest.mark.parametrize("file_name", ["bno-o", "hart-van-brabant"])
def test_the_servers_copy_has_capacity_at_every_bw_location(file_name: str) -> None:
    """The region imports the copy with capacity into its server only (tests/fixtures: demo)."""
    catalogue = load_catalogue(ROOT / "tests" / "fixtures" / f"{file_name}-with-capacity.json")
    products = {p.code: p for p in catalogue.for_municipality(None).products}
    for provider in catalogue.providers:
        offers_bw = any(products[code].category == "15" for code in provider.product_codes)
        for location in provider.locations:
            if offers_bw:
                assert 4 <= location.bw_places <= 40
                assert 0 <= location.bw_clients <= location.bw_places
            else:
                assert location.bw_places is None and location.bw_clients is None


def test_agb_codes_and_ids_are_unique_across_the_bundled_files() -> None:
    catalogues = [load(path.name) for path in bundled_catalogues(CATALOGUES)]
    providers = [provider for catalogue in catalogues for provider in catalogue.providers]
    assert len({provider.agb_code for provider in providers}) == len(providers)
    assert len({provider.id for provider in providers}) == len(providers)
    locations = [location.id for provider in providers for location in provider.locations]
    assert len(set(locations)) == len(locations)


def test_bundled_files_are_what_the_generator_writes() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_catalogues.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_example_in_the_format_documentation_loads(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "catalogue-format.md").read_text(encoding="utf-8")
    example = text.split("```json\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "voorbeeld.json"
    path.write_text(example, encoding="utf-8")
    catalogue = load_catalogue(path)
    assert catalogue.region_code == "VOORBEELD"
    assert catalogue.providers[0].locations[0].postcode == "5211AB"


# --- malformed catalogues ----------------------------------------------------------------------


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "kapot.json"
    path.write_text(
        '{\n "format": "wmo-desk-catalogue",\n "format_version": 1,,\n}\n', encoding="utf-8"
    )
    error = refused(path)
    assert error.field == ""
    assert "geen geldige JSON" in error.message
    assert "regel 3" in error.message


def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    error = refused(tmp_path / "bestaat-niet.json")
    assert "niet te lezen" in error.message


def test_missing_field(tmp_path: Path) -> None:
    data = raw()
    del data["region_name"]
    error = refused(write(tmp_path, data))
    assert error.field == "region_name"
    assert "ontbreekt" in error.message


def test_unknown_extra_field(tmp_path: Path) -> None:
    data = raw()
    data["providers"][2]["locations"][0]["verdieping"] = 2
    error = refused(write(tmp_path, data))
    assert error.field == "providers[2].locations[0].verdieping"
    assert "onbekend veld" in error.message


def test_wrong_format_version(tmp_path: Path) -> None:
    data = raw("meierij.json")
    data["format_version"] = 2
    assert refused(write(tmp_path, data)).field == "format_version"


def test_bad_agb_code(tmp_path: Path) -> None:
    data = raw()
    data["providers"][0]["agb_code"] = "1234567"
    error = refused(write(tmp_path, data))
    assert error.field == "providers[0].agb_code"
    assert "1234567" in error.message


@pytest.mark.parametrize("postcode", ["0123 AB", "5341 SA", "53410AB", ""])
def test_bad_postcode_in_a_location(tmp_path: Path, postcode: str) -> None:
    data = raw("hart-van-brabant.json")
    data["providers"][1]["locations"][0]["postcode"] = postcode
    error = refused(write(tmp_path, data))
    assert error.field == "providers[1].locations[0].postcode"


def test_unknown_product_referenced_by_a_provider(tmp_path: Path) -> None:
    data = raw()
    codes = data["providers"][5]["product_codes"]
    codes.append("99Z99")
    error = refused(write(tmp_path, data))
    assert error.field == f"providers[5].product_codes[{len(codes) - 1}]"
    assert "99Z99" in error.message


def test_unknown_municipality_referenced_by_a_provider(tmp_path: Path) -> None:
    data = raw("meierij.json")
    data["providers"][0]["municipality_codes"] = ["0363"]
    error = refused(write(tmp_path, data))
    assert error.field == "providers[0].municipality_codes[0]"


def test_duplicate_product_code(tmp_path: Path) -> None:
    data = raw()
    data["products"].append(copy.deepcopy(data["products"][3]))
    error = refused(write(tmp_path, data))
    assert error.field == f"products[{len(data['products']) - 1}].code"
    assert "dubbel" in error.message


def test_unknown_category(tmp_path: Path) -> None:
    data = raw()
    data["products"][0]["category"] = "99"
    error = refused(write(tmp_path, data))
    assert error.field == "products[0].category"
    assert "productcategorie" in error.message


def test_unknown_care_form_of_a_product(tmp_path: Path) -> None:
    data = raw("meierij.json")
    data["products"][6]["care_form"] = "logeren"
    assert refused(write(tmp_path, data)).field == "products[6].care_form"


def test_unknown_provider_in_an_area_assignment(tmp_path: Path) -> None:
    data = raw("hart-van-brabant.json")
    data["area_assignments"][3]["provider_id"] = "hvb-bestaat-niet"
    assert refused(write(tmp_path, data)).field == "area_assignments[3].provider_id"


def test_duplicate_location_id(tmp_path: Path) -> None:
    data = raw()
    first = data["providers"][0]["locations"][0]["id"]
    data["providers"][1]["locations"][0]["id"] = first
    assert refused(write(tmp_path, data)).field == "providers[1].locations[0].id"


# --- checks added after review of the loader ---------------------------------------------


def _bno_o_data():
    import json

    from wmo_desk.paths import resources_dir

    return json.loads((resources_dir() / "catalogues" / "bno-o.json").read_text(encoding="utf-8"))


def _refused(tmp_path, data, raw=None):
    import json

    import pytest

    from wmo_desk.catalogue.loader import CatalogueError, load_catalogue

    path = tmp_path / "regio.json"
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    return info.value


def test_not_utf8_is_refused_in_dutch(tmp_path):
    err = _refused(tmp_path, None, raw='{"region_name": "Cuijk \u00eb"}'.encode("cp1252"))
    assert "UTF-8" in err.message and "regio.json" in err.message


def test_out_of_range_coordinates_and_wrong_model_are_explained_in_dutch(tmp_path):
    data = _bno_o_data()
    data["municipalities"][0]["latitude"] = 40.0
    err = _refused(tmp_path, data)
    assert err.field == "municipalities[0].latitude"
    assert "moet minstens 50.7" in err.message
    data = _bno_o_data()
    data["model"] = "per-uur"
    err = _refused(tmp_path, data)
    assert err.field == "model" and "niet toegestaan" in err.message


def test_location_outside_the_region_and_overfull_bw_location_are_refused(tmp_path):
    data = _bno_o_data()
    data["providers"][0]["locations"][0]["municipality_code"] = "0363"
    err = _refused(tmp_path, data)
    assert err.field == "providers[0].locations[0].municipality_code"
    data = _bno_o_data()
    loc = data["providers"][0]["locations"][0]
    loc["bw_places"], loc["bw_clients"] = 4, 5
    err = _refused(tmp_path, data)
    assert err.field == "providers[0].locations[0].bw_clients"


def test_duplicate_municipality_is_refused(tmp_path):
    data = _bno_o_data()
    data["municipalities"].append(dict(data["municipalities"][0]))
    err = _refused(tmp_path, data)
    assert err.field == f"municipalities[{len(data['municipalities']) - 1}]"
