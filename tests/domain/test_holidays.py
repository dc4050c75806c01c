"""The Algemene termijnenwet calendar."""

from datetime import date

from wmo_desk.domain.holidays import easter_sunday, general_holidays, next_term_end_day


def test_easter_dates():
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2025) == date(2025, 4, 20)
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2027) == date(2027, 3, 28)


def test_holidays_2026():
    assert general_holidays(2026) == {
        date(2026, 1, 1),
        date(2026, 4, 6),  # tweede paasdag
        date(2026, 4, 27),  # Koningsdag
        date(2026, 5, 5),
        date(2026, 5, 14),  # Hemelvaart
        date(2026, 5, 25),  # tweede pinksterdag
        date(2026, 12, 25),
        date(2026, 12, 26),
    }


def test_kings_day_moves_to_the_26th_when_the_27th_is_a_sunday():
    assert date(2031, 4, 27).weekday() == 6
    assert date(2031, 4, 26) in general_holidays(2031)
    assert date(2031, 4, 27) not in general_holidays(2031)


def test_term_end_moves_past_weekend_and_holidays():
    assert next_term_end_day(date(2026, 4, 13)) == date(2026, 4, 13)  # a Monday
    assert next_term_end_day(date(2026, 2, 14)) == date(2026, 2, 16)  # Saturday
    assert next_term_end_day(date(2026, 12, 25)) == date(
        2026, 12, 28
    )  # Christmas, Boxing Day, Sunday
    assert next_term_end_day(date(2026, 4, 5)) == date(2026, 4, 7)  # Easter Sunday and Monday
