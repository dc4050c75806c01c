#!/usr/bin/env python3
"""Write the three bundled region catalogues in resources/catalogues/ (format: docs/catalogue-format.md).

* ``bno-o.json``            Brabant Noordoost-oost (seeds 000 and 001), outputgericht, open house
* ``hart-van-brabant.json`` Hart van Brabant (seeds 002 and 003), resultaatgericht, 12 gebieden
* ``meierij.json``          Meierij (seed 004), outputgericht, open house

The hand-curated facts (municipalities, care forms, products, the provider names of seed 001
Bijlage III) are data in this script, each with a comment naming its seed file and section.
Everything the seeds do not give (tariffs, most product names, contact data, AGB codes,
locations, BW capacity, the HvB and Meierij demo providers) is generated deterministically:
every random choice comes from a ``random.Random`` seeded with a fixed string, so every run
writes the same bytes. Locations are placed in real PC4 areas of ``resources/geodata/nl_pc4.csv``
(run ``scripts/extract_geodata.py`` first).

Usage: .venv/bin/python scripts/generate_catalogues.py [--check]
  --check   write nothing; exit 1 when a file on disk differs from what would be written
"""

from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import json
import math
import random
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "resources" / "geodata" / "nl_pc4.csv"
OUT_DIR = ROOT / "resources" / "catalogues"
# The copy with beschermd-wonen capacity: confidential, so never bundled with the desktop; the
# region imports it into its server, which gives it to BW consultants only. Here: demo values
# for the tests.
CAPACITY_DIR = ROOT / "tests" / "fixtures"
CAPACITY = ("bw_places", "bw_clients")

VERSION = "2026.1"
PUBLISHED = "2026-11-02"

# Seed files (in the project's shared seeds folder), quoted in `sources` and comments below.
SEED_000 = "000_fb15819e20bb174d.txt"  # Beleidskader Wmo regio BNO-O 2024-2028
SEED_001 = "001_b5d3f204be8e7641.txt"  # Inkoopplan Wmo BNO-O 2020 en 2021
SEED_002 = "002_a3dad1f461736c40.txt"  # Inkoopplan resultaatgerichte Wmo-begeleiding HvB 2019
SEED_003 = "003_66333fabfff7644d.txt"  # Inkoop Wmo HvB: begeleiding, dagbesteding, BW (poster)
SEED_004 = "004_3cfde33dea7a9dca.txt"  # Inkoopstrategie specialistische ondersteuning Meierij

#: Specialisms a provider can list (the app filters on these words).
SPECIALISMS = (
    "NAH",
    "autisme",
    "psychiatrie",
    "ouderen",
    "verstandelijke beperking",
    "lichamelijke beperking",
    "dementie",
    "jongvolwassenen",
    "verslaving",
)

# fmt: off
#: Invented street names (common Dutch ones) for demo addresses.
STREETS = (
    "Kerkstraat", "Schoolstraat", "Molenstraat", "Dorpsstraat", "Nieuwstraat", "Stationsstraat",
    "Kastanjelaan", "Beukenlaan", "Eikenlaan", "Lindenlaan", "Julianastraat", "Wilhelminastraat",
    "Beatrixstraat", "Irenestraat", "Parkweg", "Industrieweg", "Kloosterstraat", "Hoogstraat",
    "Torenstraat", "Veldstraat", "Meidoornstraat", "Populierenlaan", "Sportlaan",
    "Raadhuisstraat", "Brugstraat", "Akkerstraat", "Vlasstraat", "Klaproosstraat",
    "Rembrandtlaan", "Vondelstraat", "Heuvelstraat", "Wilgenlaan", "Esdoornlaan", "Zandstraat",
)
FIRST_NAMES = (
    "Anke", "Bram", "Carla", "Daan", "Els", "Frank", "Gerda", "Hans", "Ilse", "Joost", "Karin",
    "Luuk", "Marieke", "Niels", "Petra", "Rob", "Sanne", "Tom", "Ellen", "Wim", "Yvonne",
    "Sem", "Lotte", "Ruud", "Inge", "Mark", "Nicole", "Bas", "Marloes", "Johan",
)
SURNAMES = (
    "de Vries", "van den Broek", "Jansen", "van Dijk", "Bakker", "Verhoeven", "van der Heijden",
    "Smits", "de Jong", "van Gerwen", "Peters", "van Rooij", "Hendriks", "Martens", "Kuijpers",
    "van de Ven", "Willems", "Claassen", "van Lieshout", "Schouten", "Vermeulen", "Coolen",
    "van Hout", "Dekkers", "Timmermans", "Verbeek",
)
#: Letters used in Dutch postcode letter pairs (F, I, O, Q, U and Y are not used).
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
FORBIDDEN_PAIRS = {"SA", "SD", "SS"}

#: Telephone area codes by municipality (CBS code). Demo numbers get a subscriber number
#: starting with 0, which the Dutch numbering plan never issues: they cannot reach anyone.
AREA_CODES = {
    "1721": "0412", "0755": "0492", "1982": "0485", "1991": "0413", "0828": "0412",
    "0766": "0162", "0784": "0161", "0785": "013", "0797": "0416", "0798": "013",
    "0809": "0416", "0824": "013", "0855": "013", "0867": "0416",
    "0796": "073", "1948": "0413", "0865": "073",
}

# fmt: on

OUTPUT = {"unit": "82", "frequency": "4"}  # stuks (output) per maand
ETMAAL_PER_WEEK = {"unit": "14", "frequency": "2"}
ETMAAL_PER_MAAND = {"unit": "14", "frequency": "4"}


# ---------------------------------------------------------------------------------------------
# Deterministic helpers
# ---------------------------------------------------------------------------------------------


def rng(*parts: object) -> random.Random:
    """A random generator seeded from ``parts`` (string seeds are hashed with SHA-512)."""
    return random.Random("|".join(str(p) for p in parts))


def slugify(text: str, max_length: int = 48) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "x"


def short_name(name: str) -> str:
    """The provider name without a parenthesised remark such as ``(voorheen …)``."""
    return re.sub(r"\s*\([^)]*\)", "", name).strip() or name


def domain_slug(name: str) -> str:
    words = slugify(short_name(name), 60).split("-")
    legal = {"b", "v", "bv", "vof", "o", "f", "u", "a", "ua", "demo"}
    kept = [w for w in words if w not in legal] or words
    return slugify("-".join(kept), 32)


class AgbCodes:
    """Unique fictitious AGB codes: "98" + six digits derived from a hash of the name."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def code(self, region: str, name: str) -> str:
        number = int(hashlib.sha256(f"{region}|{name}".encode()).hexdigest(), 16) % 1_000_000
        while f"98{number:06d}" in self.used:
            number = (number + 1) % 1_000_000
        code = f"98{number:06d}"
        self.used.add(code)
        return code


# ---------------------------------------------------------------------------------------------
# Geodata
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pc4:
    pc4: str
    place: str
    municipality: str
    latitude: float
    longitude: float


def read_geodata(path: Path = GEODATA) -> list[Pc4]:
    if not path.exists():
        raise SystemExit(f"{path} ontbreekt: draai eerst scripts/extract_geodata.py")
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Pc4(
                row["pc4"],
                row["place"],
                row["municipality"],
                float(row["latitude"]),
                float(row["longitude"]),
            )
            for row in csv.DictReader(handle)
        ]


def in_areas(pc4: str, areas: Sequence[str]) -> bool:
    """Whether ``pc4`` lies in one of ``areas`` ("5011" or the inclusive range "5011-5019")."""
    for area in areas:
        low, _, high = area.partition("-")
        if low <= pc4 <= (high or low):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Region definitions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalitySpec:
    cbs_code: str
    name: str
    weight: float  # relative chance that a demo location is placed here (roughly: inhabitants)
    main_places: tuple[str, ...]  # where most demo locations go (GeoNames place names)
    former: tuple[str, ...] = ()


@dataclass
class ProviderSpec:
    name: str
    kind: str
    specialisms: tuple[str, ...] = ()
    product_codes: tuple[str, ...] = ()  # fixed products; else chosen by kind
    municipality_codes: tuple[str, ...] = ()  # fixed coverage; else mostly the whole region
    home: str = ""  # CBS code of the first location; else from the name or chosen
    home_areas: tuple[str, ...] = ()  # PC4 areas the locations must lie in
    locations: int = 0  # fixed number of locations; else 1-3 by kind


@dataclass
class Region:
    file_name: str
    code: str
    name: str
    contract_start: str
    contract_end: str
    centrumgemeente: str
    model: str
    notes: str
    sources: list[str]
    municipalities: list[MunicipalitySpec]
    care_forms: list[tuple[str, str]]
    products: list[dict]
    providers: list[ProviderSpec]
    id_prefix: str
    area_assignments: list[dict] = field(default_factory=list)
    municipal_products: list[dict] = field(default_factory=list)


def product(
    code: str,
    name: str,
    category: str,
    care_form: str,
    model: str,
    tariff_cents: int | None,
    tariff_period: str,
    tariff_is_demo: bool,
    *,
    omvang: dict[str, str],
    level: str = "",
    result_area: str = "",
) -> dict:
    """A product in the field order of the format."""
    return {
        "code": code,
        "name": name,
        "category": category,
        "care_form": care_form,
        "model": model,
        "level": level,
        "result_area": result_area,
        "unit": omvang["unit"],
        "frequency": omvang["frequency"],
        "tariff_cents": tariff_cents,
        "tariff_period": tariff_period,
        "tariff_is_demo": tariff_is_demo,
    }


# fmt: off
# --- Brabant Noordoost-oost ------------------------------------------------------------------

# DOMAIN.md §7 (CBS indeling 2025) and seed 001 Bijlage II, "Specificatie per zorgsoort" (the
# ten municipalities of 2019); the mergers of 2022 are DOMAIN.md §6.
BNOO_MUNICIPALITIES = [
    MunicipalitySpec("1721", "Bernheze", 3, ("Heesch", "Heeswijk-Dinther", "Nistelrode")),
    MunicipalitySpec("0755", "Boekel", 1, ("Boekel",)),
    MunicipalitySpec(
        "1982",
        "Land van Cuijk",
        5,
        ("Cuijk", "Boxmeer", "Grave", "Mill", "Sint Anthonis"),
        former=("0756", "1684", "0786", "0815", "1702"),  # Boxmeer, Cuijk, Grave, Mill en
    ),  # Sint Hubert, Sint Anthonis
    MunicipalitySpec(
        "1991", "Maashorst", 4, ("Uden", "Schaijk", "Zeeland"), former=("0856", "1685")
    ),  # Uden, Landerd
    MunicipalitySpec("0828", "Oss", 6, ("Oss", "Lith", "Ravenstein")),
]

# Seed 001 §4.3 (geografische overzichtskaart: gespecialiseerde dagbesteding, individuele
# ondersteuning, kortdurend verblijf, beschermd wonen) and Bijlage II (category 10 product).
BNOO_CARE_FORMS = [
    ("individuele-ondersteuning", "Individuele ondersteuning / begeleiding"),
    ("dagbesteding", "Gespecialiseerde dagbesteding"),
    ("kortdurend-verblijf", "Kortdurend verblijf"),
    ("beschermd-wonen", "Beschermd wonen"),
    ("maatwerkarrangement", "Overig maatwerkarrangement"),
]

# Product codes: seed 001 Bijlage II, "Specificatie per zorgsoort" (the only place the seeds
# name them; no descriptions or tariffs are given there). Payment: a fixed monthly amount per
# prestatie, tied to the result in the trajectplan (seed 001 §2.2), hence output, per maand.
# Names are demo descriptions; tariffs are demo values.
BNOO_PRODUCTS = [
    product("02A06", "Individuele ondersteuning licht", "02", "individuele-ondersteuning",
            "output", 26900, "maand", True, omvang=OUTPUT),
    product("02A07", "Individuele ondersteuning", "02", "individuele-ondersteuning",
            "output", 58400, "maand", True, omvang=OUTPUT),
    product("02A09", "Individuele ondersteuning specialistisch", "02",
            "individuele-ondersteuning", "output", 112600, "maand", True, omvang=OUTPUT),
    product("02A19", "Individuele ondersteuning, lokaal arrangement", "02",
            "individuele-ondersteuning", "output", 41200, "maand", True, omvang=OUTPUT),
    product("02L04", "Begeleiding licht, lokaal product", "02", "individuele-ondersteuning",
            "output", 18500, "maand", True, omvang=OUTPUT),
    product("02L05", "Begeleiding bij administratie, lokaal product", "02",
            "individuele-ondersteuning", "output", 34800, "maand", True, omvang=OUTPUT),
    product("02L12", "Begeleiding jongvolwassenen, lokaal product", "02",
            "individuele-ondersteuning", "output", 66500, "maand", True, omvang=OUTPUT),
    product("02L13", "Begeleiding NAH, lokaal product", "02", "individuele-ondersteuning",
            "output", 89000, "maand", True, omvang=OUTPUT),
    product("02L15", "Begeleiding en mantelzorgondersteuning, lokaal product", "02",
            "individuele-ondersteuning", "output", 47200, "maand", True, omvang=OUTPUT),
    product("04103", "Kortdurend verblijf met begeleiding", "04", "kortdurend-verblijf",
            "output", 61500, "maand", True, omvang=OUTPUT),
    product("04A00", "Kortdurend verblijf", "04", "kortdurend-verblijf",
            "output", 38900, "maand", True, omvang=OUTPUT),
    product("07203", "Dagbesteding ouderen", "07", "dagbesteding",
            "output", 43700, "maand", True, omvang=OUTPUT),
    product("07A06", "Gespecialiseerde dagbesteding", "07", "dagbesteding",
            "output", 79800, "maand", True, omvang=OUTPUT),
    product("07A07", "Gespecialiseerde dagbesteding intensief", "07", "dagbesteding",
            "output", 132400, "maand", True, omvang=OUTPUT),
    product("10A00", "Maatwerkarrangement", "10", "maatwerkarrangement",
            "output", 95000, "maand", True, omvang=OUTPUT),
    # Seed 001 §3.1: differentiation of BW products "met 24 uurs' toezicht en toezicht op
    # afroep". The seeds give no codes: 15B24 and 15BTA are invented (demo).
    product("15B24", "Beschermd wonen met 24-uurs toezicht", "15", "beschermd-wonen",
            "output", 548000, "maand", True, omvang=OUTPUT),
    product("15BTA", "Beschermd wonen met toezicht op afroep", "15", "beschermd-wonen",
            "output", 326000, "maand", True, omvang=OUTPUT),
]

# Seed 001, Bijlage III "Organisatie": the 148 contracted providers, names as written (the
# seed numbers them 1-148 with 142 twice and no 143). Contact data, AGB codes, products,
# municipalities and locations below are generated demo data.
BNOO_PROVIDER_NAMES = [
    "Actief Zorg B.V.",
    "ACTT Begeleiding (voorheen: Anki van Woerkom Coaching Couseling Begeleiding & Advies)",
    "Acuut Zorggroep Helmond BV (Acuut Woonbegeleiding)",
    "Atelier 276",
    "Autismebegeleiding.nl / Regionaal Autisme Centrum",
    "Begeleid Wonen Pijler B.V. (voorheen Zorgbureau de Pijler/Pijlerzorg)",
    "Berton Gutte Transparantzorg",
    "Bij Sas en Bep",
    "BijDe Passie voor ondersteuning V.O.F.",
    "Blinq dagbesteding BV",
    "BOTS_Begeleiding",
    "Breederzorg BV",
    "Brownies & downieS Uden",
    "Burgercoaching VOF",
    "Buro 3o",
    "Buro Maks",
    "Burozorg",
    "Careall",
    "Christel Coaching",
    "Cooperatie Partners in Zorg U.A.",
    "Dagbesteding Tante Sjaan",
    "De Ent",
    "De Huuskamer",
    "De Koffiepot Dagbesteding",
    "De Loonse Lampion",
    "De Seizoenen B.V.",
    "De Tienmorgen",
    "Driestroom (stichting Driestroom)",
    "E.A. Tiellemans-Schoenmakers (De Maalderij)",
    "Equicentrum Sprong Vooruit",
    "Essentie Coaching & Beleiding",
    "Eurosel Personeelsdiensten & Consultancy",
    "Femke van der Burgt",
    "Gasthoeve De Zijp",
    "Geert Jurgens (zorgboerderij op maat)",
    "gewoonUNIEK",
    "Heart Care B.V.",
    "Het Onthaal",
    "Het Stekkie",
    "Hier is Boris",
    "Hoeve Braamhorst Dagbesteding B.V.",
    "Hoeve de Heivelden BV",
    "Home Instead Thuisservice Meierij Den Bosch BV",
    "Humanitas_DMH",
    "Humazorg",
    "Impegno begeleiding B.V.",
    "Ingrid van der Locht Professional Organizer",
    "Inner-go",
    "Interzorg Oss Thuiszorg B.V.",
    "Jaccarro Zorg en Welzijn B.V.",
    "Jacobs Broeren VOF (voorheen Tender, zorgmakelaar & zorgcoaching en Stee-Okee)",
    "Jacqueline Gruntjes",
    "JdB Coaching en Advies",
    "Jij! Advies en Coaching B.V.",
    "Joyce zorg en welzijn & schoonheid (Joyride)",
    "Kenniscentrum ADHD en ASS B.V.",
    "Kick.co Praktijk voor gezinsbegeleiding",
    "Krachtig Thuis",
    "Krekel Autisme Coaching VOF",
    "Kubus Ondersteuning",
    "L.J. Woodproducts",
    "Labyrint Zorg & Werk",
    "Leefkracht B.V. (voorheen Van Kuijk Personal Support)",
    "Leermakers Zorggroep (voorheen Leermakers Zorg & Arbeid)",
    "LEIN5 (voorheen Iriz Begeleiding)",
    "Leunzorg / cooperatie Haarsteegs Hoeve U.A.",
    "Linc naar Zorg WMO B.V.",
    "Maatschap Zorgboerderij De Geijsterse Hoeve",
    "Mare Bijzondere Zorg",
    "Marein Organizing",
    "METT GGZ",
    "Mirjan's Zorg",
    "MWP Houtmaatjes",
    "Novafarm-Grip B.V.",
    "Novamatch B.V.",
    "Onder de Bomen BV",
    "ORO",
    "P & J Professionals Psychosociale Hulpverlening (voorheen Paul Spijker)",
    "PGTB Zorgbureau",
    "Philadelphiazorg (Prot. Chr. Stichting Philadelphia Zorg)",
    "Pierre Blonde PGB-Hulpverlener",
    "Plan H Jobcoaching B.V.  (voorheen Plan H werkt)",
    "Point O Zorg VOF (Save House)",
    'Praktijk "Jij en Ik"',
    "Praktijk Therapie Eigenkracht",
    "Praktijk Verliesbegeleiding Gezondheidszorg",
    "Prima Zorg & Welzijn",
    "PrivaZorg Wmo Beheer B.V.",
    "Professionals in NAH",
    "Re-trac BV",
    "Smart Coach BV",
    "Smartzorg",
    "Sociality Support",
    "Sterker ! B.V. (voorheen Sterker Werkt)",
    "Stichting Amarant Groep",
    "Stichting BrabantZorg",
    "Stichting Broodnodig",
    "Stichting Buitengewoon leren en werken - Prins Heerlijk",
    "Stichting De Wettering",
    "Stichting Diversiteit in Zorg (voorheen Zorgkantoor Helpende Hand/Helpende Hand Advies)",
    "Stichting Domus Mill",
    "Stichting GGZ Oost Brabant",
    "Stichting Gehandicapten Zorg (SGL-zorg)",
    "Stichting Koraalgroep",
    "Stichting Kunst Werk Plaats",
    "Stichting Laverhof",
    "Stichting Maatschappelijke Opvang Verdihuis",
    "Stichting Maison Unique",
    "Stichting Novadic-Kentron Groep",
    "Stichting Oosterpoort",
    "Stichting Pedagogisch Sociaal Werk Midden-Limburg (PSW)",
    "Stichting Pluryn Groep",
    "Stichting Regionale Instelling voor Begeleiding en Wonen Nijmegen & Rivierenland (RIBW)",
    "Stichting Sint Anna",
    "Stichting Sint Jozefoord",
    "Stichting Sociom",
    "Stichting Stan",
    "Stichting SWZ",
    "Stichting Uitblinkers",
    "Stichting Werkcarrousel",
    "Stichting Zahet",
    "Stichting ZoZijn Zorg",
    "Streek Zorgboerderij Duurendseind",
    "SZZ (Samenwerkende Zorgboeren Zuid)",
    "Thuiszorg Elele B.V.",
    "Thuiszorg en Zorgcentra Pantein B.V. (voorheen Thuiszorg Pantein en Zorgcentra Pantein)",
    "Time-aut",
    "TMP talent",
    "Trajectvol",
    "TVN zorgt",
    "Tzorg BV",
    "UniK B.V.",
    "Veer10!",
    "Vera Zorg & Welzijn",
    "ViaNeo",
    "Voorzet begeleiding B.V.",
    "WAZ ambulante zorgverlening BV",
    "Weekendopvang Kanjers",
    "Woonzorgboerderij Kooilust B.V.",
    "Zorgboerderij De Lindenhoeve",
    "Zorgboerderij familie Huismans",
    "Zorgboerderij Samen",
    "Zorggroep 't Zicht BV (Kloosterhuis 't Zicht)",
    "Zorgimkerij Ecopoll VOF",
    "Zorgland Dienstverlening",
    "ZorgPlus",
    "Zorgrijk",
    "Zorgverlening PGZ",
]

# How a BNO-O provider is profiled from its name (demo data: the seed gives names only).
# First matching kind wins; order matters.
BNOO_KIND_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("bw", ("woonbegeleiding", "begeleid wonen", "verdihuis", "save house", "domus",
            "maison unique", "woonzorgboerderij")),
    ("instelling-bw", ("ggz oost brabant", "ribw", "novadic", "philadelphia", "amarant",
                       "pluryn", "sgl-zorg")),
    ("instelling", ("driestroom", "koraalgroep", "zozijn", "sint anna", "oosterpoort",
                    "pedagogisch sociaal werk", "wettering", "sociom", "swz", "zahet",
                    "partners in zorg", "leermakers", "'t zicht")),
    ("ouderen", ("thuiszorg", "home instead", "brabantzorg", "laverhof", "zorgcentra",
                 "jozefoord", "humanitas", "privazorg", "tzorg", "careall", "heart care")),
    ("kv", ("weekendopvang",)),
    ("dagbesteding", ("dagbesteding", "zorgboerderij", "zorgboeren", "hoeve", "atelier",
                      "houtmaatjes", "woodproducts", "koffiepot", "huuskamer", "imkerij",
                      "equicentrum", "brownies", "werkcarrousel", "broodnodig",
                      "prins heerlijk", "kunst werk plaats", "onder de bomen", "stekkie",
                      "labyrint", "tienmorgen", "maalderij", "novafarm", "de ent",
                      "sas en bep", "onthaal", "seizoenen", "uitblinkers", "lampion")),
]
SPECIALISM_RULES: list[tuple[str, str]] = [
    (r"autis|\bass\b|time-aut", "autisme"),
    (r"\bnah\b", "NAH"),
    (r"ggz|psych|ribw|\bmett\b|inner-go|verdihuis|save house", "psychiatrie"),
    (r"novadic|verslav", "verslaving"),
    (r"amarant|driestroom|pluryn|koraal|zozijn|brownies|prins heerlijk|pedagogisch sociaal"
     r"|gewoonuniek|philadelphia|kunst werk|uniek|pijler|werkcarrousel", "verstandelijke beperking"),
    (r"sgl|heart care|sint anna", "lichamelijke beperking"),
    (r"jobcoaching|talent|uitblinkers|sterker|re-trac|novamatch|kick\.co", "jongvolwassenen"),
    (r"thuiszorg|home instead|brabantzorg|laverhof|zorgcentra|jozefoord|humanitas|oosterpoort",
     "ouderen"),
    (r"laverhof|zorgcentra|brabantzorg|home instead|jozefoord", "dementie"),
]
KIND_SPECIALISMS = {
    "bw": ("psychiatrie", "verstandelijke beperking", "jongvolwassenen"),
    "instelling-bw": ("psychiatrie", "verstandelijke beperking"),
    "instelling": ("verstandelijke beperking", "ouderen", "psychiatrie"),
    "ouderen": ("ouderen", "dementie", "lichamelijke beperking"),
    "kv": ("verstandelijke beperking", "autisme"),
    "dagbesteding": ("verstandelijke beperking", "ouderen", "dementie", "NAH", "autisme"),
    "ambulant": ("psychiatrie", "autisme", "jongvolwassenen", "NAH", "ouderen"),
}


def bnoo_kind(name: str) -> str:
    lower = name.lower()
    for kind, words in BNOO_KIND_RULES:
        if any(word in lower for word in words):
            return kind
    return "ambulant"


def specialisms_for(name: str, kind: str) -> tuple[str, ...]:
    lower = name.lower()
    found = {spec for pattern, spec in SPECIALISM_RULES if re.search(pattern, lower)}
    r = rng("specialisme", name)
    if not found:
        options = KIND_SPECIALISMS[kind]
        found = set(r.sample(options, k=r.choice((1, 2))))
    return tuple(s for s in SPECIALISMS if s in found)


def bnoo_products(name: str, kind: str, specialisms: Sequence[str]) -> tuple[str, ...]:
    """A plausible product set for a BNO-O provider of ``kind`` (demo)."""
    r = rng("bnoo-producten", name)
    codes: set[str] = set()

    def maybe(code: str, chance: float) -> None:
        if r.random() < chance:
            codes.add(code)

    if kind in ("ambulant", "bw", "instelling", "instelling-bw", "ouderen"):
        codes.add("02A07")
        maybe("02A06", 0.45 if kind in ("ambulant", "ouderen") else 0.25)
        maybe("02A09", 0.7 if kind.startswith("instelling") or kind == "bw" else 0.3)
        maybe("02L05", 0.08)
        maybe("02L15", 0.06 if kind != "ouderen" else 0.25)
        maybe("02L04", 0.03)
        maybe("10A00", 0.25 if kind.startswith("instelling") else 0.04)
        if "jongvolwassenen" in specialisms:
            maybe("02L12", 0.6)
        if "NAH" in specialisms:
            maybe("02L13", 0.8)
    if kind in ("dagbesteding", "instelling", "instelling-bw", "kv"):
        codes.add("07A06")
        maybe("07A07", 0.5 if kind == "dagbesteding" else 0.7)
        maybe("02A07", 0.3 if kind == "dagbesteding" else 1.0)
    if kind == "dagbesteding" and {"ouderen", "dementie"} & set(specialisms):
        maybe("07203", 0.8)
    if kind == "ouderen":
        maybe("07203", 0.5)
        maybe("04A00", 0.3)
    if kind in ("instelling", "instelling-bw"):
        maybe("04A00", 0.5)
        maybe("04103", 0.35)
    if kind == "kv" or "woonzorgboerderij" in name.lower():
        codes.update(("04A00", "04103"))
    if kind in ("bw", "instelling-bw"):
        codes.add("15B24" if r.random() < 0.6 else "15BTA")
        maybe("15BTA", 0.5)
    return tuple(p["code"] for p in BNOO_PRODUCTS if p["code"] in codes)


def bnoo_providers() -> list[ProviderSpec]:
    specs = []
    for name in BNOO_PROVIDER_NAMES:
        kind = bnoo_kind(name)
        specialisms = specialisms_for(name, kind)
        specs.append(
            ProviderSpec(
                name=name,
                kind=kind,
                specialisms=specialisms,
                product_codes=bnoo_products(name, kind, specialisms),
            )
        )
    return specs


BNOO = Region(
    file_name="bno-o.json",
    code="BNO-O",
    name="Brabant Noordoost-oost",
    # Seed 000 §1: Beleidskader 2024-2028, Inkoopplan Wmo BNO-O 2026-2028.
    contract_start="2026-01-01",
    contract_end="2028-12-31",
    centrumgemeente="0828",  # Oss (seed 000 §1, seed 001 §1.1)
    model="output",
    notes=(
        "Regio Brabant Noordoost-oost (centrumgemeente Oss), open house: iedere aanbieder die "
        "aan de voorwaarden voldoet krijgt een overeenkomst en de cliënt kiest vrij. De "
        "aanbieder krijgt een vast maandbedrag per prestatie, gekoppeld aan het resultaat in "
        "het trajectplan. ECHT uit de seeds: de vijf gemeenten (met de voormalige gemeenten "
        "van Land van Cuijk en Maashorst), de 15 productcodes (alleen genoemd in de "
        "kostenspecificatie, zonder omschrijving) en de 148 aanbiedersnamen van het "
        "Inkoopplan 2020-2021, bijlage III. DEMO: de productnamen, alle tarieven "
        "(tariff_is_demo), de codes 15B24 en 15BTA voor beschermd wonen, en bij elke aanbieder "
        "de AGB-code (begint met 98), telefoon, e-mail, website, contactpersoon, "
        "specialismen, producten, werkgebied, locaties en BW-capaciteit (is_demo_data). Deze "
        "gegevens zijn verzonnen en niet bruikbaar om een aanbieder te benaderen."
    ),
    sources=[
        f"{SEED_000}: Beleidskader Wmo regio BNO-O 2024-2028, §1 (centrumgemeente Oss, "
        "periode 2024-2028, Inkoopplan 2026-2028) en §4.2 (open house, ongeveer 145 aanbieders)",
        f"{SEED_001}: Inkoopplan Wmo BNO-O 2020 en 2021, §2.1-2.2 (bestuurlijk aanbesteden, "
        "maandbedrag per prestatie), §3.1 (beschermd wonen met 24-uurs toezicht en toezicht op "
        "afroep), §4.3 (geografische overzichtskaart en zorgvormen), bijlage II "
        "(specificatie per zorgsoort: productcodes), bijlage III (148 aanbieders)",
    ],
    municipalities=BNOO_MUNICIPALITIES,
    care_forms=BNOO_CARE_FORMS,
    products=BNOO_PRODUCTS,
    providers=[],  # filled in build()
    id_prefix="bnoo",
)


# --- Hart van Brabant ------------------------------------------------------------------------

# DOMAIN.md §7; seed 002 §1.1 (eight municipalities) and §1.3 (Waalwijk shares the principles).
HVB_MUNICIPALITIES = [
    MunicipalitySpec("0766", "Dongen", 2, ("Dongen",)),
    MunicipalitySpec("0784", "Gilze en Rijen", 2, ("Rijen", "Gilze")),
    MunicipalitySpec("0785", "Goirle", 2, ("Goirle",)),
    MunicipalitySpec("0797", "Heusden", 3, ("Drunen", "Vlijmen")),
    MunicipalitySpec("0798", "Hilvarenbeek", 1, ("Hilvarenbeek", "Diessen")),
    MunicipalitySpec("0809", "Loon op Zand", 2, ("Kaatsheuvel", "Loon op Zand")),
    MunicipalitySpec("0824", "Oisterwijk", 2, ("Oisterwijk", "Moergestel")),
    MunicipalitySpec("0855", "Tilburg", 12, ("Tilburg",)),
    MunicipalitySpec("0867", "Waalwijk", 3, ("Waalwijk",)),
]

# The result areas of seed 002 §3.1 grouped by the kind of help they buy (§3.2: 2b is in the
# main hulp bij het huishouden, 6b personal care without a medical character, 5b/5c
# volunteering and work-like day activities); kortdurend verblijf (§3.2, respijtzorg) and
# beschermd wonen (seed 003) added.
HVB_CARE_FORMS = [
    ("begeleiding", "Begeleiding (resultaatgebieden 1, 2a, 3, 4, 5a en 6a)"),
    ("hulp-bij-het-huishouden", "Hulp bij het huishouden (resultaat 2b)"),
    ("persoonlijke-verzorging", "Persoonlijke verzorging (resultaat 6b)"),
    ("dagbesteding", "Dagbesteding en participatie (resultaten 5b en 5c)"),
    ("kortdurend-verblijf", "Kortdurend verblijf (respijtzorg)"),
    ("beschermd-wonen", "Beschermd wonen"),
]

# Seed 002 §3.1, "Inkoopmatrix Wmo-begeleiding": resultaatgebieden (vertical) with their
# sub-results; per sub-result: (care form, iWmo category, demo base tariff in cents/maand for
# "bijna zelfredzaam").
HVB_RESULT_AREAS = [
    ("1", "Sociaal netwerk", [
        ("a", "het netwerk is versterkt", "begeleiding", "02", 9500),
        ("b", "het netwerk is ondersteund en/of ontlast", "begeleiding", "02", 14500),
    ]),
    ("2", "Wonen", [
        ("a", "het huishouden wordt zelfstandig gevoerd", "begeleiding", "02", 11000),
        ("b", "de woning is schoon en leefbaar", "hulp-bij-het-huishouden", "01", 9000),
    ]),
    ("3", "Financiële situatie", [
        ("a", "de financiën zijn op orde", "begeleiding", "02", 10500),
        ("b", "de administratie is op orde", "begeleiding", "02", 7500),
    ]),
    ("4", "Gezinssituatie / huiselijke relaties", [
        ("a", "de leden van het huishouden gaan goed met elkaar om", "begeleiding", "02", 15000),
        ("b", "er is een gezond opvoed- en opgroeiklimaat", "begeleiding", "02", 16500),
    ]),
    ("5", "Maatschappelijke participatie", [
        ("a", "iemand heeft sociale contacten", "begeleiding", "02", 12000),
        ("b", "iemand levert een actieve bijdrage aan de samenleving in de vorm van "
              "vrijwilligerswerk", "dagbesteding", "07", 14000),
        ("c", "iemand levert een actieve bijdrage aan de samenleving in de vorm van "
              "arbeidsmatige dagbesteding", "dagbesteding", "07", 26000),
    ]),
    ("6", "Regie op eigen leven", [
        ("a", "psychische stabiliteit", "begeleiding", "02", 17000),
        ("b", "iemand is in staat om de activiteiten van het dagelijks leven uit te voeren",
         "persoonlijke-verzorging", "03", 12500),
    ]),
]
# Seed 002 §3.1, horizontal axis "afstand tot het resultaat"; code letter and demo factor.
HVB_LEVELS = [
    ("B", "bijna zelfredzaam", 1.0),
    ("P", "beperkt zelfredzaam", 2.0),
    ("N", "niet zelfredzaam", 3.4),
]


def hvb_products() -> list[dict]:
    products = []
    for number, area_name, subs in HVB_RESULT_AREAS:
        for letter, text, care_form, category, base in subs:
            for code_letter, level, factor in HVB_LEVELS:
                products.append(
                    product(
                        f"R{number}{letter.upper()}{code_letter}",
                        f"{number}{letter} {area_name}: {text} ({level})",
                        category,
                        care_form,
                        "resultaat",
                        round(base * factor / 100.0) * 100,
                        "maand",
                        True,
                        omvang=OUTPUT,
                        level=level,
                        result_area=f"{number}{letter}",
                    )
                )
    # Seed 002 §3.2: respijtzorg belongs to result area 1, with separate tariffs per etmaal for
    # the stay. Seed 003: beschermd wonen inspanningsgericht (P x Q), 7x24 uur bereikbaar,
    # woonvormen such as "gemengd" and "prikkelarm". Codes invented (demo).
    products += [
        product("04KV1", "Kortdurend verblijf (respijtzorg), verblijfscomponent", "04",
                "kortdurend-verblijf", "inspanning", 14500, "etmaal", True,
                omvang=ETMAAL_PER_MAAND),
        product("15BW1", "Beschermd wonen, gemengde woonvorm (toezicht en begeleiding, "
                "7x24 uur bereikbaar)", "15", "beschermd-wonen", "inspanning", 16800,
                "etmaal", True, omvang=ETMAAL_PER_WEEK),
        product("15BW2", "Beschermd wonen, prikkelarme woonvorm (toezicht en begeleiding, "
                "7x24 uur bereikbaar)", "15", "beschermd-wonen", "inspanning", 19500,
                "etmaal", True, omvang=ETMAAL_PER_WEEK),
    ]
    return products


HVB_PRODUCTS = hvb_products()
HVB_BEGELEIDING = tuple(p["code"] for p in HVB_PRODUCTS if p["care_form"] == "begeleiding")


def hvb_codes(*result_areas: str) -> tuple[str, ...]:
    wanted = set(result_areas)
    return tuple(p["code"] for p in HVB_PRODUCTS if p["result_area"] in wanted)


# Seed 003: begeleiding in 12 areas "in aansluiting op indeling huidige toegangen in de regio
# HvB", one provider or consortium per area, taakgericht (lumpsum), in principle no
# beschikking. The seeds do not list the areas: this division is demo. Tilburg is split by PC4.
# (area name, municipality codes, PC4 areas, provider name)
HVB_AREAS = [
    ("Tilburg-Centrum", ("0855",), ("5011-5019",), "Consortium Wijkkracht Tilburg-Centrum (demo)"),
    ("Tilburg-Zuid", ("0855",), ("5020-5029",), "Consortium Zuiderkracht Tilburg (demo)"),
    ("Tilburg-West", ("0855",), ("5030-5039",), "Consortium Westwijzer Tilburg (demo)"),
    ("Tilburg-Noordwest en Reeshof", ("0855",), ("5040-5049",),
     "Consortium Reeshof Verbindt (demo)"),
    ("Tilburg-Oost, Berkel-Enschot, Udenhout en Biezenmortel", ("0855",),
     ("5056-5057", "5071", "5074"), "Zorgcoöperatie De Drie Dorpen (demo)"),
    ("Dongen", ("0766",), (), "Stichting Dongen Dichtbij (demo)"),
    ("Gilze en Rijen", ("0784",), (), "Zorgcollectief De Linde (demo)"),
    ("Goirle en Hilvarenbeek", ("0785", "0798"), (), "Consortium Regte Heide (demo)"),
    ("Heusden", ("0797",), (), "Coöperatie Heusden Helpt (demo)"),
    ("Loon op Zand", ("0809",), (), "Consortium Langstraat Samen (demo)"),
    ("Oisterwijk", ("0824",), (), "Consortium Vennenland (demo)"),
    ("Waalwijk", ("0867",), (), "Consortium Langstraat Samen (demo)"),
]

ALL_HVB = tuple(m.cbs_code for m in HVB_MUNICIPALITIES)


def hvb_area_providers() -> list[ProviderSpec]:
    """One provider or consortium per area (two areas share the Langstraat consortium)."""
    specs: dict[str, ProviderSpec] = {}
    for _area, municipalities, pc4_areas, name in HVB_AREAS:
        if name in specs:
            spec = specs[name]
            spec.municipality_codes = tuple(
                code for code in ALL_HVB if code in spec.municipality_codes + municipalities
            )
            spec.locations += 1
            continue
        specs[name] = ProviderSpec(
            name=name,
            kind="consortium",
            specialisms=specialisms_for(name, "ambulant"),
            product_codes=HVB_BEGELEIDING,
            municipality_codes=municipalities,
            home=municipalities[0],
            home_areas=pc4_areas,
            locations=len(municipalities) if not pc4_areas else 2,
        )
    return list(specs.values())


# Demo providers for the other care forms of HvB (seed 003, 2020: begeleiding 94 and BW 28
# providers; the seeds name none). All names are invented.
HVB_OTHER_PROVIDERS = [
    ProviderSpec("Dagbestedingscentrum De Werkplaats (demo)", "dagbesteding",
                 ("verstandelijke beperking", "jongvolwassenen"), hvb_codes("5b", "5c", "5a")),
    ProviderSpec("Zorgboerderij Het Klaverblad (demo)", "dagbesteding",
                 ("verstandelijke beperking", "ouderen", "dementie"), hvb_codes("5b", "5c", "1b")),
    ProviderSpec("Atelier De Kleurrijke Kwast (demo)", "dagbesteding",
                 ("psychiatrie", "autisme"), hvb_codes("5a", "5b")),
    ProviderSpec("Stichting Werkcentrum Midden-Brabant (demo)", "dagbesteding",
                 ("verstandelijke beperking", "NAH"), hvb_codes("5c")),
    ProviderSpec("Ontmoetingshuis De Wingerd (demo)", "dagbesteding",
                 ("ouderen", "dementie"), hvb_codes("1b", "5a", "5b")),
    ProviderSpec("Zorgboerderij De Hazelaar (demo)", "dagbesteding",
                 ("autisme", "jongvolwassenen"), hvb_codes("5b", "5c")),
    ProviderSpec("Thuishulp Brabant Centraal (demo)", "huishouden",
                 ("ouderen",), hvb_codes("2b")),
    ProviderSpec("Huishoudelijke Hulp Het Lindeblad (demo)", "huishouden",
                 ("ouderen", "lichamelijke beperking"), hvb_codes("2b", "2a")),
    ProviderSpec("Schoon & Thuis Hart van Brabant (demo)", "huishouden",
                 ("ouderen",), hvb_codes("2b")),
    ProviderSpec("Thuiszorg De Kastanje (demo)", "ouderen",
                 ("ouderen", "dementie", "lichamelijke beperking"), hvb_codes("6b", "2b", "1b")),
    ProviderSpec("Wijkzorg Het Zonnehuis (demo)", "ouderen",
                 ("ouderen", "dementie"), hvb_codes("6b", "1a", "1b")),
    ProviderSpec("Autismecoaching Het Kompas (demo)", "ambulant",
                 ("autisme", "jongvolwassenen"), hvb_codes("2a", "5a", "6a")),
    ProviderSpec("NAH-Begeleiding De Brug (demo)", "ambulant",
                 ("NAH", "lichamelijke beperking"), hvb_codes("1a", "2a", "6a", "6b")),
    ProviderSpec("Begeleidingsteam Jong & Zelfstandig (demo)", "ambulant",
                 ("jongvolwassenen",), hvb_codes("2a", "3a", "3b", "5a")),
    ProviderSpec("Budgetcoaching Op Orde (demo)", "ambulant", ("psychiatrie",),
                 hvb_codes("3a", "3b")),
    ProviderSpec("Gezinsbegeleiding Thuisbasis (demo)", "ambulant",
                 ("verstandelijke beperking", "psychiatrie"), hvb_codes("4a", "4b", "1a")),
    ProviderSpec("GGZ Wijkteam De Horizon (demo)", "ambulant",
                 ("psychiatrie", "verslaving"), hvb_codes("6a", "4a", "3a")),
    ProviderSpec("Verslavingszorg De Overstap (demo)", "ambulant",
                 ("verslaving", "psychiatrie"), hvb_codes("6a", "3a", "5a")),
    ProviderSpec("Logeerhuis De Vlinder (demo)", "kv",
                 ("verstandelijke beperking", "autisme"), ("04KV1", *hvb_codes("1b"))),
    ProviderSpec("Respijthuis De Eik (demo)", "kv",
                 ("ouderen", "dementie"), ("04KV1", *hvb_codes("1b"))),
    ProviderSpec("Beschermd Wonen De Waterlelie (demo)", "bw",
                 ("psychiatrie",), ("15BW1", "15BW2")),
    ProviderSpec("Woonvoorziening Het Anker (demo)", "bw",
                 ("psychiatrie", "verslaving"), ("15BW1",)),
    ProviderSpec("Stichting Beschut Thuis (demo)", "bw",
                 ("psychiatrie", "jongvolwassenen"), ("15BW1", *hvb_codes("6a"))),
    ProviderSpec("Woongroep De Boomgaard (demo)", "bw",
                 ("verstandelijke beperking", "psychiatrie"), ("15BW1",)),
    ProviderSpec("Prikkelarm Wonen De Stilte (demo)", "bw",
                 ("autisme", "psychiatrie"), ("15BW2",)),
    ProviderSpec("Woonzorg De Regenboog (demo)", "bw",
                 ("psychiatrie", "NAH"), ("15BW1", "15BW2")),
]

HVB = Region(
    file_name="hart-van-brabant.json",
    code="HVB",
    name="Hart van Brabant",
    # Seed 003: contract 4 jaar met 2 keer een optie tot verlenging met 2 jaar (demo dates).
    contract_start="2024-01-01",
    contract_end="2027-12-31",
    centrumgemeente="0855",  # Tilburg
    model="resultaat",
    notes=(
        "Regio Hart van Brabant (centrumgemeente Tilburg). Resultaatgericht: de consulent legt "
        "met de inwoner resultaten vast in de inkoopmatrix (resultaatgebied × afstand tot het "
        "resultaat: bijna, beperkt of niet zelfredzaam), met één tarief per cel per periode "
        "en een termijn om het resultaat te halen. Begeleiding is taakgericht verdeeld over 12 "
        "gebieden met één aanbieder of samenwerkingsverband per gebied (area_assignments). "
        "ECHT uit de seeds: de resultaatgebieden en de drie niveaus (39 producten), de 12 "
        "gebieden als principe, beschermd wonen via een regionaal toegangsteam. DEMO: alle "
        "tarieven (tariff_is_demo), alle productcodes, de indeling van de 12 gebieden, en alle "
        "aanbieders: de namen met '(demo)' zijn verzonnen, net als hun AGB-code (begint met "
        "98), contactgegevens, producten, locaties en BW-capaciteit (is_demo_data). Waalwijk "
        "onderschrijft de principes maar heeft de inkoop (nog) niet geharmoniseerd."
    ),
    sources=[
        f"{SEED_002}: Inkoopplan resultaatgerichte Wmo-begeleiding Hart van Brabant, §1.1 en "
        "§1.3 (gemeenten), §3.1 (inkoopmatrix), §3.2 (omschrijving resultaatgebieden, "
        "respijtzorg per etmaal), §4.1 (tarief per cel per periode, voorbeeld mevrouw Jansen)",
        f"{SEED_003}: Inkoop Wmo Hart van Brabant (begeleiding, dagbesteding, beschermd wonen): "
        "12 gebieden met één aanbieder of samenwerkingsverband, taakgericht; beschermd wonen "
        "P x Q met acceptatieplicht binnen 6 maanden; cijfers 2020",
    ],
    municipalities=HVB_MUNICIPALITIES,
    care_forms=HVB_CARE_FORMS,
    products=HVB_PRODUCTS,
    providers=[],  # filled in build()
    id_prefix="hvb",
)


# --- Meierij ---------------------------------------------------------------------------------

# DOMAIN.md §7; seed 004 §1.1 (Vught, Meierijstad, 's-Hertogenbosch).
MEIERIJ_MUNICIPALITIES = [
    MunicipalitySpec("0796", "'s-Hertogenbosch", 6, ("'s-Hertogenbosch", "Rosmalen")),
    MunicipalitySpec("1948", "Meierijstad", 4, ("Veghel", "Schijndel", "Sint-Oedenrode")),
    MunicipalitySpec("0865", "Vught", 2, ("Vught",)),
]
# Seed 004 §4.3: sub-percelen 1A individuele begeleiding, 1B dagbesteding groep, 1C kortdurend
# verblijf.
MEIERIJ_CARE_FORMS = [
    ("individuele-begeleiding", "Individuele begeleiding"),
    ("dagbesteding", "Dagbesteding groep"),
    ("kortdurend-verblijf", "Kortdurend verblijf"),
]
# Seed 004 §5.1 Tabel 3 (prestaties en categorieën), §5.2 (maandbedrag per prestatie en
# categorie) and Bijlage A (descriptions: KV Basis without, Extra with individual support).
# The seed gives no tariffs (to be calculated by the region) and no codes: both demo.
MEIERIJ_PRODUCTS = [
    product("02IBW", "Individuele begeleiding Waakvlam", "02", "individuele-begeleiding",
            "output", 16500, "maand", True, omvang=OUTPUT, level="Waakvlam"),
    product("02IBB", "Individuele begeleiding Basis", "02", "individuele-begeleiding",
            "output", 61800, "maand", True, omvang=OUTPUT, level="Basis"),
    product("02IBE", "Individuele begeleiding Extra", "02", "individuele-begeleiding",
            "output", 118500, "maand", True, omvang=OUTPUT, level="Extra"),
    product("07DBB", "Dagbesteding groep Basis", "07", "dagbesteding",
            "output", 74500, "maand", True, omvang=OUTPUT, level="Basis"),
    product("07DBE", "Dagbesteding groep Extra", "07", "dagbesteding",
            "output", 128000, "maand", True, omvang=OUTPUT, level="Extra"),
    product("04KVB", "Kortdurend verblijf Basis (zonder individuele ondersteuning)", "04",
            "kortdurend-verblijf", "output", 42000, "maand", True, omvang=OUTPUT,
            level="Basis"),
    product("04KVE", "Kortdurend verblijf Extra (met individuele ondersteuning)", "04",
            "kortdurend-verblijf", "output", 69500, "maand", True, omvang=OUTPUT,
            level="Extra"),
]
MEIERIJ_IB = ("02IBW", "02IBB", "02IBE")
MEIERIJ_DB = ("07DBB", "07DBE")
MEIERIJ_KV = ("04KVB", "04KVE")

# Seed 004 §4.1 Tabel 1 names the largest current providers (Cello, Vivent, Unik, Reinier van
# Arkel, written "Reinier v Arkel") and the Wmo-coöperatie de Meierij. All others are invented;
# §4.1 Tabel 2: 30 providers, 26 IB, 22 DB, 4 KV.
MEIERIJ_PROVIDERS = [
    ProviderSpec("Cello", "instelling", ("verstandelijke beperking", "autisme"),
                 MEIERIJ_IB + MEIERIJ_DB + MEIERIJ_KV),
    ProviderSpec("Vivent", "instelling", ("ouderen", "dementie", "lichamelijke beperking"),
                 MEIERIJ_IB + MEIERIJ_DB + MEIERIJ_KV),
    ProviderSpec("Unik", "instelling", ("verstandelijke beperking",),
                 MEIERIJ_IB + MEIERIJ_DB, home="0865"),
    ProviderSpec("Reinier van Arkel", "instelling", ("psychiatrie", "verslaving"),
                 MEIERIJ_IB + MEIERIJ_DB, home="0796"),
    ProviderSpec("Wmo-coöperatie de Meierij", "ambulant",
                 ("ouderen", "psychiatrie", "jongvolwassenen"), MEIERIJ_IB + MEIERIJ_DB),
    ProviderSpec("Begeleidingspraktijk De Dommel (demo)", "ambulant", ("psychiatrie",),
                 MEIERIJ_IB),
    ProviderSpec("Thuisbegeleiding Het Groene Woud (demo)", "ambulant",
                 ("ouderen", "lichamelijke beperking"), MEIERIJ_IB),
    ProviderSpec("Autismecoaching De Wielewaal (demo)", "ambulant",
                 ("autisme", "jongvolwassenen"), MEIERIJ_IB),
    ProviderSpec("NAH-Team Meierij (demo)", "ambulant", ("NAH",), (*MEIERIJ_IB, "07DBB")),
    ProviderSpec("Jongerenbegeleiding Op Eigen Benen (demo)", "ambulant",
                 ("jongvolwassenen",), ("02IBB", "02IBE")),
    ProviderSpec("Stichting Steunpunt Zelfregie (demo)", "ambulant",
                 ("psychiatrie", "verslaving"), MEIERIJ_IB),
    ProviderSpec("Coachingspraktijk Kompasroos (demo)", "ambulant", ("psychiatrie",),
                 ("02IBW", "02IBB")),
    ProviderSpec("Begeleiding Aan Huis Vught (demo)", "ambulant",
                 ("ouderen", "dementie"), MEIERIJ_IB, home="0865"),
    ProviderSpec("Ambulant Team De Aa (demo)", "ambulant",
                 ("verstandelijke beperking",), MEIERIJ_IB),
    ProviderSpec("Praktijk Levenskracht (demo)", "ambulant", ("psychiatrie",),
                 ("02IBB", "02IBE")),
    ProviderSpec("Zorgbureau De Zuidwillemsvaart (demo)", "ambulant",
                 ("ouderen", "lichamelijke beperking"), MEIERIJ_IB),
    ProviderSpec("Woonbegeleiding Sterk Thuis (demo)", "ambulant",
                 ("verstandelijke beperking", "jongvolwassenen"), MEIERIJ_IB),
    ProviderSpec("Zorgboerderij De Leeuwerik (demo)", "dagbesteding",
                 ("verstandelijke beperking", "ouderen"), (*MEIERIJ_DB, "04KVB")),
    ProviderSpec("Dagcentrum De Bossche Poort (demo)", "dagbesteding",
                 ("ouderen", "dementie"), (*MEIERIJ_DB, "02IBB"), home="0796"),
    ProviderSpec("Atelier Kleurrijk Veghel (demo)", "dagbesteding",
                 ("psychiatrie",), (*MEIERIJ_DB, "02IBB"), home="1948"),
    ProviderSpec("Werkplaats De Schakel (demo)", "dagbesteding",
                 ("verstandelijke beperking", "jongvolwassenen"), MEIERIJ_DB + MEIERIJ_IB),
    ProviderSpec("Zorgboerderij Het Vlasveld (demo)", "dagbesteding",
                 ("dementie", "ouderen"), MEIERIJ_DB + MEIERIJ_IB),
    ProviderSpec("Ontmoetingscentrum De Linde (demo)", "dagbesteding",
                 ("dementie",), ("07DBB", "02IBW", "02IBB")),
    ProviderSpec("Dagbesteding Het Kloosterhof (demo)", "dagbesteding",
                 ("NAH", "lichamelijke beperking"), (*MEIERIJ_DB, "02IBB")),
    ProviderSpec("Creatief Centrum De Bolle Boom (demo)", "dagbesteding",
                 ("autisme", "psychiatrie"), MEIERIJ_DB + MEIERIJ_IB),
    ProviderSpec("Tuinderij De Groene Vingers (demo)", "dagbesteding",
                 ("verstandelijke beperking",), (*MEIERIJ_DB, "02IBB", "02IBE")),
    ProviderSpec("Stichting Dagactief Schijndel (demo)", "dagbesteding",
                 ("ouderen",), ("07DBB", "02IBW", "02IBB"), home="1948"),
    ProviderSpec("Logeerhuis De Zandhaas (demo)", "kv",
                 ("verstandelijke beperking", "autisme"), (*MEIERIJ_KV, "07DBB")),
    ProviderSpec("Sportieve Dagbesteding In Beweging (demo)", "dagbesteding",
                 ("jongvolwassenen", "autisme"), (*MEIERIJ_DB, "02IBB")),
    ProviderSpec("Zorgpension De Kempenhoeve (demo)", "kv",
                 ("ouderen", "dementie"), MEIERIJ_KV),
]

MEIERIJ = Region(
    file_name="meierij.json",
    code="MEIERIJ",
    name="Meierij",
    # Seed 004 §5.5: contract 2020-2021 with yearly tacit renewal (demo: the current period).
    contract_start="2026-01-01",
    contract_end="2027-12-31",
    centrumgemeente="0796",  # 's-Hertogenbosch
    model="output",
    notes=(
        "Regio Meierij ('s-Hertogenbosch, Meierijstad, Vught), open house met "
        "raamovereenkomsten en de outputgerichte uitvoeringsvariant: de beschikking noemt aard, "
        "intensiteit (categorie) en duur, de toewijzing gaat voor die duur naar de gekozen "
        "aanbieder, die start- en stopberichten stuurt en per maand het maandtarief declareert. "
        "ECHT uit de seed: de prestaties en categorieën (individuele begeleiding "
        "Waakvlam/Basis/Extra, dagbesteding groep Basis/Extra, kortdurend verblijf Basis/Extra) "
        "en de namen Cello, Vivent, Unik, Reinier van Arkel en Wmo-coöperatie de Meierij. "
        "DEMO: de productcodes, alle tarieven (tariff_is_demo), de overige aanbieders (met "
        "'(demo)' in de naam) en bij alle aanbieders de AGB-code (begint met 98), "
        "contactgegevens, producten, werkgebied en locaties (is_demo_data)."
    ),
    sources=[
        f"{SEED_004}: Inkoopstrategie specialistische ondersteuning regio Meierij 2020-2021, "
        "§1.1 (gemeenten, percelen), §4.1 (tabellen 1 en 2: aanbieders), §4.3 (sub-percelen), "
        "§5.1 (tabel 3: prestaties en categorieën), §5.2 (maandbedrag per prestatie), §5.4 "
        "(berichten, maandelijkse declaratie), §5.5 (looptijd), bijlage A (beschrijvingen)",
    ],
    municipalities=MEIERIJ_MUNICIPALITIES,
    care_forms=MEIERIJ_CARE_FORMS,
    products=MEIERIJ_PRODUCTS,
    providers=MEIERIJ_PROVIDERS,
    id_prefix="meierij",
)


# --- Each municipality's own products ---------------------------------------------------------

# The regions buy specialised support together; hulp bij het huishouden (iWmo 01), rolstoelen
# (11), vervoervoorzieningen (12), woonvoorzieningen (13), overige hulpmiddelen (14) and
# Wmo-vervoer (08) each municipality buys itself (DOMAIN.md §6: the seeds cover only the
# regional part). Everything here is demo: the codes (category + the municipality's letter +
# a number), names, tariffs and the leveranciers.
MUNICIPAL_CARE_FORMS = [
    ("hulp-bij-het-huishouden", "Hulp bij het huishouden (gemeente)"),
    ("hulpmiddelen", "Rolstoelen en hulpmiddelen (gemeente)"),
    ("woonvoorzieningen", "Woonvoorzieningen (gemeente)"),
    ("vervoer", "Vervoer: scootmobiel en Wmo-vervoer (gemeente)"),
]
HH_PER_UUR = {"unit": "04", "frequency": "2"}  # uur per week
PER_STUK = {"unit": "82", "frequency": "6"}  # stuks, totaal binnen de geldigheidsduur
RITTEN_PER_MAAND = {"unit": "84", "frequency": "4"}
BEDRAG = {"unit": "83", "frequency": "6"}  # euro's, totaal


def municipal_products(cbs_code: str, letter: str, hh_per_month: bool | None) -> dict:
    """One municipality's own products (demo), in the format's ``municipal_products`` section.

    ``hh_per_month`` None: no home help of its own (Hart van Brabant buys it as result 2b).
    """
    r = rng("gemeentelijke-producten", cbs_code)

    def tariff(base: int) -> int:  # a little difference between municipalities, whole euros
        return round(base * r.uniform(0.92, 1.08) / 100) * 100

    def code(category: str, n: int) -> str:
        return f"{category}{letter}{n:02d}"

    if hh_per_month:
        hh = product(code("01", 1), "Hulp bij het huishouden: schoon en leefbaar huis (per maand)",
                     "01", "hulp-bij-het-huishouden", "output", tariff(21500), "maand", True,
                     omvang=OUTPUT)
    else:
        hh = product(code("01", 1), "Hulp bij het huishouden (uren per week)", "01",
                     "hulp-bij-het-huishouden", "inspanning", tariff(3250), "uur", True,
                     omvang=HH_PER_UUR)
    home_help = [
        hh,
        product(code("01", 2), "Hulp bij het huishouden met wasverzorging (uren per week)",
                "01", "hulp-bij-het-huishouden", "inspanning", tariff(3350), "uur", True,
                omvang=HH_PER_UUR),
    ]
    return {
        "municipality_code": cbs_code,
        "products": [
            *(home_help if hh_per_month is not None else []),
            product(code("11", 1), "Handbewogen rolstoel (in bruikleen)", "11", "hulpmiddelen",
                    "output", tariff(145000), "", True, omvang=PER_STUK),
            product(code("11", 2), "Elektrische rolstoel (in bruikleen)", "11", "hulpmiddelen",
                    "output", tariff(520000), "", True, omvang=PER_STUK),
            product(code("12", 1), "Scootmobiel (in bruikleen)", "12", "vervoer", "output",
                    tariff(310000), "", True, omvang=PER_STUK),
            product(code("08", 1), "Wmo-vervoer (regiotaxi), ritten per maand", "08", "vervoer",
                    "inspanning", tariff(650), "", True, omvang=RITTEN_PER_MAAND),
            product(code("13", 1), "Traplift (in bruikleen)", "13", "woonvoorzieningen",
                    "output", tariff(890000), "", True, omvang=PER_STUK),
            # an amount per beschikking (quote of the contractor): no tariff
            product(code("13", 2), "Woningaanpassing (bijdrage in de kosten)", "13",
                    "woonvoorzieningen", "output", None, "", True, omvang=BEDRAG),
            product(code("14", 1), "Overig hulpmiddel (douchestoel, tillift, aangepast bed)",
                    "14", "hulpmiddelen", "output", tariff(68000), "", True, omvang=PER_STUK),
        ],
    }


#: (CBS code, the letter in its product codes, hulp bij het huishouden per maand)
BNOO_MUNICIPAL = [("1721", "B", False), ("0755", "K", False), ("1982", "C", True),
                  ("1991", "M", True), ("0828", "O", True)]
MEIERIJ_MUNICIPAL = [("0796", "H", False), ("1948", "M", True), ("0865", "V", False)]
HVB_MUNICIPAL = [("0766", "D", None), ("0784", "G", None), ("0785", "R", None),
                 ("0797", "U", None), ("0798", "B", None), ("0809", "L", None),
                 ("0824", "O", None), ("0855", "T", None), ("0867", "W", None)]

#: The letter data of the municipalities the demo writes letters for: place, postal address,
#: visiting address, phone, web domain. Demo values, to be replaced by each municipality's own.
LETTERS: dict[str, tuple[str, tuple[str, str], tuple[str, str], str, str]] = {
    "0828": ("Oss", ("Postbus 5", "5340 BA"), ("Raadhuislaan 2", "5341 GM"), "14 0412", "oss.nl"),
    "1721": ("Heesch", ("Postbus 7", "5384 ZG"), ("De Misse 9", "5384 BZ"), "0412 45 88 88",
             "bernheze.org"),
    "0755": ("Boekel", ("Postbus 4", "5427 ZG"), ("Kerkstraat 13", "5427 BB"), "0492 32 55 55",
             "boekel.nl"),
    "1982": ("Cuijk", ("Postbus 5", "5430 AA"), ("Raadhuisplein 1", "5431 ES"), "0485 78 80 00",
             "landvancuijk.nl"),
    "1991": ("Uden", ("Postbus 83", "5400 AB"), ("Mondriaanplein 10", "5401 HX"),
             "0413 28 19 11", "maashorst.nl"),
    "0855": ("Tilburg", ("Postbus 90155", "5000 LH"), ("Stadhuisplein 130", "5038 TC"),
             "14 013", "tilburg.nl"),
    "0796": ("'s-Hertogenbosch", ("Postbus 12345", "5200 GZ"), ("Wolvenhoek 1", "5211 HH"),
             "14 073", "s-hertogenbosch.nl"),
}  # fmt: skip


def letter_data(cbs_code: str) -> dict:
    place, postal, visiting, phone, domain = LETTERS[cbs_code]

    def address(line_and_postcode: tuple[str, str]) -> dict:
        return {"line": line_and_postcode[0], "postcode": line_and_postcode[1], "place": place}

    return {
        "department": "Team Wmo",
        "postal_address": address(postal),
        "visiting_address": address(visiting),
        "phone": phone,
        "email": f"wmo@{domain}",
        "website": f"www.{domain}",
        "objection": {
            "department": "Team Juridische Zaken",
            "address": address(postal),
            "online": f"www.{domain}/bezwaar",
        },
        "mandate_holders": ["teamleider Wmo"],
        "is_demo_data": True,
    }


#: Two demo home-help organisations per municipality; one hulpmiddelen- and one
#: vervoersleverancier for the region's municipalities together.
HH_NAMES = ("Thuishulp {} (demo)", "Huishoudelijke Zorg Schoon Thuis {} (demo)")


def municipal_providers(region: Region) -> list[ProviderSpec]:
    names = {m.cbs_code: m.name for m in region.municipalities}
    specs: list[ProviderSpec] = []
    aids: list[str] = []
    rides: list[str] = []
    for section in region.municipal_products:
        cbs = section["municipality_code"]
        codes = {p["category"]: [] for p in section["products"]}
        for p in section["products"]:
            codes[p["category"]].append(p["code"])
        for pattern in HH_NAMES if "01" in codes else ():
            specs.append(ProviderSpec(pattern.format(names[cbs]), "huishouden", ("ouderen",),
                                      tuple(codes["01"]), (cbs,), home=cbs, locations=1))
        aids += [c for cat in ("11", "12", "13", "14") for c in codes.get(cat, [])
                 if not c.endswith("02") or cat != "13"]  # no leverancier for an amount
        rides += codes.get("08", [])
    covered = tuple(s["municipality_code"] for s in region.municipal_products)
    specs.append(ProviderSpec(f"Hulpmiddelencentrum {region.name} (demo)", "leverancier",
                              ("lichamelijke beperking", "ouderen"), tuple(aids), covered,
                              home=region.centrumgemeente, locations=2))
    specs.append(ProviderSpec(f"Regiotaxi {region.name} (demo)", "vervoer",
                              ("lichamelijke beperking", "ouderen"), tuple(rides), covered,
                              home=region.centrumgemeente, locations=1))
    return specs


# fmt: on


# ---------------------------------------------------------------------------------------------
# Building a catalogue
# ---------------------------------------------------------------------------------------------


def jitter(latitude: float, longitude: float, r: random.Random) -> tuple[float, float]:
    """Move a point by less than 250 m in a random direction."""
    distance = r.uniform(20.0, 240.0)
    bearing = r.uniform(0.0, 2.0 * math.pi)
    d_lat = distance * math.cos(bearing) / 111_320.0
    d_lon = distance * math.sin(bearing) / (111_320.0 * math.cos(math.radians(latitude)))
    return round(latitude + d_lat, 5), round(longitude + d_lon, 5)


def postcode_letters(r: random.Random) -> str:
    while True:
        pair = r.choice(POSTCODE_LETTERS) + r.choice(POSTCODE_LETTERS)
        if pair not in FORBIDDEN_PAIRS:
            return pair


def weighted_choice(r: random.Random, items: Sequence[MunicipalitySpec]) -> MunicipalitySpec:
    return r.choices(list(items), weights=[m.weight for m in items], k=1)[0]


class Builder:
    def __init__(self, region: Region, geodata: list[Pc4], agb: AgbCodes) -> None:
        self.region = region
        self.agb = agb
        self.by_name = {m.name: m for m in region.municipalities}
        self.by_code = {m.cbs_code: m for m in region.municipalities}
        self.pc4s: dict[str, list[Pc4]] = {m.cbs_code: [] for m in region.municipalities}
        for row in geodata:
            spec = self.by_name.get(row.municipality)
            if spec:
                self.pc4s[spec.cbs_code].append(row)
        for code, rows in self.pc4s.items():
            if not rows:
                raise SystemExit(f"geen PC4-gebieden voor gemeente {code} in {GEODATA.name}")
        self.place_words = {row.place: code for code, rows in self.pc4s.items() for row in rows}
        self.ids: set[str] = set()

    # -- municipalities ---------------------------------------------------------------------

    def municipalities(self) -> list[dict]:
        out = []
        for spec in self.region.municipalities:
            rows = self.pc4s[spec.cbs_code]
            out.append(
                {
                    "cbs_code": spec.cbs_code,
                    "name": spec.name,
                    "latitude": round(sum(r.latitude for r in rows) / len(rows), 4),
                    "longitude": round(sum(r.longitude for r in rows) / len(rows), 4),
                    "former": list(spec.former),
                    **({"letter": letter_data(spec.cbs_code)} if spec.cbs_code in LETTERS else {}),
                }
            )
        return out

    # -- providers --------------------------------------------------------------------------

    def provider_id(self, name: str) -> str:
        base = f"{self.region.id_prefix}-{slugify(short_name(name).replace('(demo)', ''))}"
        candidate, n = base, 2
        while candidate in self.ids:
            candidate, n = f"{base}-{n}", n + 1
        self.ids.add(candidate)
        return candidate

    def home_municipality(self, spec: ProviderSpec, r: random.Random) -> str:
        if spec.home:
            return spec.home
        for word in re.findall(r"[\w'-]+", short_name(spec.name)):
            if word in self.place_words:
                return self.place_words[word]
        return weighted_choice(r, self.region.municipalities).cbs_code

    def coverage(self, spec: ProviderSpec, home: str, r: random.Random) -> tuple[str, ...]:
        all_codes = tuple(m.cbs_code for m in self.region.municipalities)
        if spec.municipality_codes:
            return spec.municipality_codes
        if len(all_codes) <= 3 or r.random() < 0.8:
            return all_codes
        others = [c for c in all_codes if c != home]
        chosen = {home, *r.sample(others, k=r.randint(1, min(3, len(others) - 1)))}
        return tuple(c for c in all_codes if c in chosen)

    def location_count(self, spec: ProviderSpec, r: random.Random) -> int:
        if spec.locations:
            return spec.locations
        weights = {
            "ambulant": (80, 17, 3),
            "consortium": (0, 100, 0),
            "huishouden": (85, 15, 0),
            "leverancier": (100, 0, 0),
            "vervoer": (100, 0, 0),
            "ouderen": (40, 40, 20),
            "dagbesteding": (60, 30, 10),
            "kv": (70, 30, 0),
            "bw": (35, 40, 25),
            "instelling": (10, 40, 50),
            "instelling-bw": (0, 40, 60),
        }[spec.kind]
        return r.choices((1, 2, 3), weights=weights, k=1)[0]

    def location(
        self,
        provider_id: str,
        index: int,
        spec: ProviderSpec,
        municipality: str,
        is_bw: bool,
        r: random.Random,
    ) -> dict:
        rows = self.pc4s[municipality]
        if spec.home_areas and municipality == spec.home:
            rows = [row for row in rows if in_areas(row.pc4, spec.home_areas)] or rows
        # Three in four locations lie in a main place of the municipality.
        main = [row for row in rows if row.place in self.by_code[municipality].main_places]
        row = r.choice(main if main and r.random() < 0.75 else rows)
        latitude, longitude = jitter(row.latitude, row.longitude, r)
        place = row.place.removesuffix(" NB")
        label = {
            "dagbesteding": "Dagbestedingslocatie",
            "kv": "Logeerlocatie",
            "bw": "Woonlocatie",
            "leverancier": "Uitleenpunt",
            "vervoer": "Centrale",
        }.get(spec.kind, "Locatie")
        if is_bw:
            label = "Woonlocatie"
        location = {
            "id": f"{provider_id}-L{index}",
            "name": f"{short_name(spec.name).replace(' (demo)', '')} – {label} {place}",
            "street": r.choice(STREETS),
            "house_number": r.choice((r.randint(1, 40), r.randint(1, 160))),
            "postcode": f"{row.pc4}{postcode_letters(r)}",
            "place": place,
            "municipality_code": municipality,
            "latitude": latitude,
            "longitude": longitude,
        }
        if is_bw:
            places = r.randint(4, 40)
            location["bw_places"] = places
            location["bw_clients"] = r.randint(max(0, places - 6), places)
        return location

    def provider(self, spec: ProviderSpec) -> dict:
        r = rng(self.region.code, "aanbieder", spec.name)
        provider_id = self.provider_id(spec.name)
        home = self.home_municipality(spec, r)
        coverage = self.coverage(spec, home, r)
        if home not in coverage:
            home = coverage[0]
        categories = {
            p["code"]: p["category"]
            for p in self.region.products
            + [p for m in self.region.municipal_products for p in m["products"]]
        }
        is_bw = any(categories[c] == "15" for c in spec.product_codes)
        count = self.location_count(spec, r)
        municipalities = [home]
        if spec.kind == "consortium":
            municipalities = list(coverage) if len(coverage) > 1 else [home] * count
        else:
            pool = [self.by_code[c] for c in coverage]
            while len(municipalities) < count:
                municipalities.append(weighted_choice(r, pool).cbs_code)
        locations = [
            self.location(provider_id, i, spec, code, is_bw, r)
            for i, code in enumerate(municipalities, start=1)
        ]
        seen: dict[str, int] = {}
        for location in locations:  # "… – Woonlocatie Grave", "… – Woonlocatie Grave 2"
            seen[location["name"]] = seen.get(location["name"], 0) + 1
            if seen[location["name"]] > 1:
                location["name"] += f" {seen[location['name']]}"
        domain = domain_slug(spec.name)
        first, last = r.choice(FIRST_NAMES), r.choice(SURNAMES)
        area = AREA_CODES[home]
        subscriber = "0" + "".join(str(r.randint(0, 9)) for _ in range(9 - len(area)))
        return {
            "id": provider_id,
            "agb_code": self.agb.code(self.region.code, spec.name),
            "name": spec.name,
            "product_codes": list(spec.product_codes),
            "municipality_codes": list(coverage),
            "locations": locations,
            "specialisms": list(spec.specialisms),
            "accepting_new_clients": r.random() < 0.85,
            "phone": f"{area}-{subscriber}",
            "email": f"info@{domain}.example",
            "website": f"https://{domain}.example",
            "contact_person": f"{first} {last}",
            "is_demo_data": True,
        }

    # -- area assignments -------------------------------------------------------------------

    def area_assignments(self, providers: list[dict]) -> list[dict]:
        if self.region is not HVB:
            return []
        ids = {p["name"]: p["id"] for p in providers}
        out = []
        for area, municipalities, pc4_areas, name in HVB_AREAS:
            kind = (
                "samenwerkingsverband"
                if "onsortium" in name or "oöperatie" in name
                else ("aanbieder")
            )
            out.append(
                {
                    "area": area,
                    "care_form": "begeleiding",
                    "provider_id": ids[name],
                    "municipality_codes": list(municipalities),
                    "postcode_areas": list(pc4_areas),
                    "reason": (
                        f"Taakgericht contract: begeleiding in gebied {area} is gegund aan "
                        f"{kind} {name}; één aanbieder of samenwerkingsverband per gebied, in "
                        "principe zonder beschikking (seed 003)."
                    ),
                }
            )
        return out

    # -- the file ---------------------------------------------------------------------------

    def catalogue(self) -> dict:
        region = self.region
        providers = [self.provider(spec) for spec in region.providers]
        check_coverage(region, providers)
        return {
            "format": "wmo-desk-catalogue",
            "format_version": 1,
            "region_code": region.code,
            "region_name": region.name,
            "version": VERSION,
            "published": PUBLISHED,
            "contract_start": region.contract_start,
            "contract_end": region.contract_end,
            "centrumgemeente": region.centrumgemeente,
            "model": region.model,
            "notes": region.notes,
            "sources": region.sources,
            "municipalities": self.municipalities(),
            "care_forms": [{"code": code, "name": name} for code, name in region.care_forms],
            "products": region.products,
            "providers": providers,
            "area_assignments": self.area_assignments(providers),
            **(
                {"municipal_products": region.municipal_products}
                if region.municipal_products
                else {}
            ),
        }


def check_coverage(region: Region, providers: Iterable[dict]) -> None:
    """Every product has a provider, every municipality a location (else the data are wrong)."""
    providers = list(providers)
    offered = {code for p in providers for code in p["product_codes"]}
    missing = [p["code"] for p in region.products if p["code"] not in offered]
    located = {loc["municipality_code"] for p in providers for loc in p["locations"]}
    empty = [m.name for m in region.municipalities if m.cbs_code not in located]
    if missing or empty:
        raise SystemExit(f"{region.code}: geen aanbieder voor {missing}, geen locatie in {empty}")


def ensure_all_products(specs: list[ProviderSpec], products: list[dict]) -> None:
    """Give a product nobody offers to the first providers of a fitting kind (deterministic)."""
    fitting = {
        "02": ("ambulant", "instelling"),
        "04": ("instelling", "kv", "ouderen"),
        "07": ("dagbesteding", "instelling"),
        "10": ("instelling", "ambulant"),
        "15": ("instelling-bw", "bw"),
    }
    for item in products:
        code = item["code"]
        if any(code in s.product_codes for s in specs):
            continue
        candidates = [s for s in specs if s.kind in fitting.get(item["category"], ("ambulant",))]
        for spec in rng("aanvulling", code).sample(candidates, k=min(3, len(candidates))):
            spec.product_codes = tuple(
                p["code"] for p in products if p["code"] in {*spec.product_codes, code}
            )


def build(geodata: list[Pc4]) -> dict[str, dict]:
    BNOO.providers = bnoo_providers()
    ensure_all_products(BNOO.providers, BNOO.products)
    HVB.providers = hvb_area_providers() + HVB_OTHER_PROVIDERS
    MEIERIJ.providers = list(MEIERIJ_PROVIDERS)
    for region, municipal in (
        (BNOO, BNOO_MUNICIPAL),
        (HVB, HVB_MUNICIPAL),
        (MEIERIJ, MEIERIJ_MUNICIPAL),
    ):
        known = {code for code, _name in region.care_forms}
        region.care_forms = [
            *region.care_forms,
            *(c for c in MUNICIPAL_CARE_FORMS if c[0] not in known),
        ]
        region.municipal_products = [municipal_products(*m) for m in municipal]
        bought = "rolstoelen, scootmobiel, woonvoorzieningen, overige hulpmiddelen, Wmo-vervoer"
        if region is not HVB:  # there hulp bij het huishouden is result 2b of the region
            bought = "hulp bij het huishouden, " + bought
        note = (
            f" Wat iedere gemeente zelf inkoopt ({bought}) staat per gemeente in "
            "municipal_products: DEMO, net als hun codes, tarieven en leveranciers."
        )
        if not region.notes.endswith(note):
            region.notes += note
        region.providers = region.providers + municipal_providers(region)
    agb = AgbCodes()
    return {
        region.file_name: Builder(region, geodata, agb).catalogue()
        for region in (BNOO, HVB, MEIERIJ)
    }


def has_capacity(catalogue: dict) -> bool:
    return any(k in loc for p in catalogue["providers"] for loc in p["locations"] for k in CAPACITY)


def without_capacity(catalogue: dict) -> dict:
    """The catalogue as bundled with every desktop: no beschermd-wonen capacity."""
    stripped = copy.deepcopy(catalogue)
    for provider in stripped["providers"]:
        for location in provider["locations"]:
            for key in CAPACITY:
                location.pop(key, None)
    return stripped


def render(catalogue: dict) -> str:
    return json.dumps(catalogue, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the files on disk")
    args = parser.parse_args(argv)
    catalogues = build(read_geodata())
    differs = []
    outputs = []
    for file_name, catalogue in catalogues.items():
        outputs.append((OUT_DIR / file_name, without_capacity(catalogue), catalogue))
        if has_capacity(catalogue):
            name = file_name.replace(".json", "-with-capacity.json")
            outputs.append((CAPACITY_DIR / name, catalogue, catalogue))
    for path, content, catalogue in outputs:
        text = render(content)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                differs.append(path.name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        locations = sum(len(p["locations"]) for p in catalogue["providers"])
        print(
            f"{path.relative_to(ROOT)}: {len(catalogue['products'])} producten, "
            f"{sum(len(m['products']) for m in catalogue.get('municipal_products', []))} "
            "gemeentelijke producten, "
            f"{len(catalogue['providers'])} aanbieders, {locations} locaties, "
            f"{len(path.read_bytes()) // 1024} kB"
        )
    if differs:
        print(f"verschilt van de generator: {', '.join(differs)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
