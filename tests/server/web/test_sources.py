"""The region as the monitor reads it from the published catalogue: municipalities, providers
and every product, the region's and each municipality's own."""

from __future__ import annotations

import json
from pathlib import Path

from wmo_desk.server.db import ServerDatabase
from wmo_desk.server.records import publish_catalogue
from wmo_desk.server.web import sources

CATALOGUE = Path(__file__).resolve().parents[3] / "resources" / "catalogues" / "bno-o.json"


def test_a_municipalitys_own_products_are_named_and_priced_like_the_regions(tmp_path):
    catalogue = json.loads(CATALOGUE.read_text("utf-8"))
    db = ServerDatabase.open(f"sqlite:///{tmp_path / 'server.sqlite'}")
    with db.session_scope() as session:
        publish_catalogue(session, catalogue)
    with db.session_scope() as session:
        region = sources.region_of(session, "0828")
    db.close()
    own = {p["code"]: p for m in catalogue["municipal_products"] for p in m["products"]}
    assert own, "the bundled catalogue has municipal products"
    for code, product in own.items():
        info = region.products[code]
        assert (info.name, info.category) == (product["name"], product["category"])
        assert info.tariff_cents == product.get("tariff_cents")
        assert info.tariff_is_demo == product.get("tariff_is_demo", False)
    regional = {p["code"] for p in catalogue["products"]}
    assert set(region.products) == regional | set(own)
    assert region.revision > 0
