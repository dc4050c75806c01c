"""iWmo 3.2 code lists used by products, decisions and toewijzingen (DOMAIN.md §4)."""

from __future__ import annotations

#: Productcategorie (WMO020)
PRODUCT_CATEGORIES: dict[str, str] = {
    "01": "Hulp bij het huishouden",
    "02": "Begeleiding",
    "03": "Persoonlijke verzorging",
    "04": "Kortdurend verblijf",
    "05": "Woondiensten",
    "06": "Overige ondersteuning individu/huishouden",
    "07": "Dagbesteding",
    "08": "Vervoerdiensten",
    "09": "Overige groepsgerichte ondersteuning",
    "10": "Overige maatwerkarrangementen",
    "11": "Rolstoelen",
    "12": "Vervoervoorzieningen",
    "13": "Woonvoorzieningen",
    "14": "Overige hulpmiddelen",
    "15": "Beschermd wonen",
    "16": "Opvang",
    "17": "Spoedopvang",
    "18": "Overige BW en opvang",
}

#: Eenheid (WJ756)
UNITS: dict[str, str] = {
    "01": "minuut",
    "04": "uur",
    "14": "etmaal",
    "16": "dagdeel (4 uur)",
    "82": "stuks (output)",
    "83": "euro's",
    "84": "stuks (inspanning)",
}

#: Frequentie (WMO757)
FREQUENCIES: dict[str, str] = {
    "1": "per dag",
    "2": "per week",
    "4": "per maand",
    "6": "totaal binnen geldigheidsduur",
}

#: RedenWijziging (WMO002)
CHANGE_REASONS: dict[str, str] = {
    "01": "Administratieve correctie (vervallen)",
    "02": "Cliënt overleden",
    "03": "Contractwijziging",
    "04": "Herbeoordeling: verlenging",
    "05": "Herbeoordeling: verkorting",
    "06": "Uitstroom ander domein",
    "07": "Verhuizing andere gemeente",
    "08": "Wijziging leveringsvorm",
    "09": "Overstap andere aanbieder",
    "10": "Nieuwe bekostigingssystematiek",
    "11": "Gemeentelijke herindeling",
    "12": "Geïnitieerd door aanbieder",
    "13": "Verwijderd",
    "14": "Administratieve correctie",
}


def omvang_text(volume: int | None, unit: str, frequency: str) -> str:
    """``3 dagdeel (4 uur) per week``: an iWmo Omvang in words."""
    if volume is None:
        return FREQUENCIES.get(frequency, "")
    return f"{volume} {UNITS.get(unit, '')} {FREQUENCIES.get(frequency, '')}".replace(
        "  ", " "
    ).strip()
