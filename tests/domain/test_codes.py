"""The omvang in plain Dutch for the resident's letter (the toewijzing keeps the iWmo codes)."""

import pytest

from wmo_desk.domain.codes import omvang_text, resident_omvang_text


@pytest.mark.parametrize(
    ("volume", "unit", "frequency", "extra", "expected"),
    [
        (3, "04", "2", {}, "3 uur per week"),
        (1, "04", "2", {}, "1 uur per week"),
        (45, "01", "1", {}, "45 minuten per dag"),
        (1, "01", "1", {}, "1 minuut per dag"),
        (2, "16", "2", {}, "2 dagdelen van 4 uur per week"),
        (3, "14", "4", {}, "3 etmalen (dag en nacht) per maand"),
        (20, "84", "4", {}, "20 keer per maand"),
        (1, "82", "6", {}, "1 keer, voor de hele looptijd"),
        (1, "82", "6", {"item": "scootmobiel (in bruikleen)"}, "1 scootmobiel (in bruikleen)"),
        (2, "82", "6", {"item": "douchestoel"}, "2 × douchestoel"),
        (1, "82", "4", {"level": "Extra"}, "Extra, per maand"),
        (1, "82", "4", {}, "Per maand, zoveel als nodig is voor het resultaat"),
        (5000, "83", "6", {}, "€ 5.000 voor de hele looptijd"),
        (None, "", "4", {}, "Per maand"),
    ],
)
def test_the_letter_speaks_plain_dutch(volume, unit, frequency, extra, expected):
    text = resident_omvang_text(volume, unit, frequency, **extra)
    assert text == expected
    assert "stuks" not in text and "geldigheidsduur" not in text and "(output)" not in text


def test_the_code_list_wording_stays_for_the_provider():
    assert omvang_text(1, "82", "6") == "1 stuks (output) totaal binnen geldigheidsduur"
