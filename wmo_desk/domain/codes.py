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


#: Eenheid in the words of a letter to a resident: (one, many).
_RESIDENT_UNITS: dict[str, tuple[str, str]] = {
    "01": ("minuut", "minuten"),
    "04": ("uur", "uur"),
    "14": ("etmaal (dag en nacht)", "etmalen (dag en nacht)"),
    "16": ("dagdeel van 4 uur", "dagdelen van 4 uur"),
    "84": ("keer", "keer"),
}

#: Frequentie in a letter to a resident; "totaal binnen geldigheidsduur" is the whole period.
_RESIDENT_FREQUENCIES: dict[str, str] = {
    "1": "per dag",
    "2": "per week",
    "4": "per maand",
    "6": "voor de hele looptijd",
}


def _euros(whole: int) -> str:
    return "€ " + f"{whole:,}".replace(",", ".")


def resident_omvang_text(
    volume: int | None, unit: str, frequency: str, *, item: str = "", level: str = ""
) -> str:
    """The omvang as the resident's letter says it, in plain Dutch (the toewijzing keeps the codes).

    ``item`` names one thing given (``"scootmobiel (in bruikleen)"``) for an output-based aid;
    ``level`` is a product's intensity (``"Extra"``) where a region pays per level and period.

    Examples: ``3 uur per week``, ``1 scootmobiel (in bruikleen)``, ``Extra, per maand``,
    ``1 keer, voor de hele looptijd``, ``€ 5.000 voor de hele looptijd``.
    """
    period = _RESIDENT_FREQUENCIES.get(frequency, "")
    if level and unit in ("82", ""):
        return f"{level}, {period}" if period else level
    if volume is None:
        return period[:1].upper() + period[1:]
    if unit == "83":
        return f"{_euros(volume)} {period}".strip()
    if unit in ("82", ""):
        if item and frequency == "6":
            return f"{volume} {item}" if volume == 1 else f"{volume} × {item}"
        if frequency == "6":
            return f"{volume} keer, voor de hele looptijd"
        if volume == 1:
            return f"{period[:1].upper()}{period[1:]}, zoveel als nodig is voor het resultaat"
        return f"{volume} keer {period}".strip()
    one, many = _RESIDENT_UNITS.get(unit, (UNITS.get(unit, ""), UNITS.get(unit, "")))
    words = f"{volume} {one if volume == 1 else many}"
    if frequency == "6":
        return f"{words}, voor de hele looptijd"
    return f"{words} {period}".strip()
