"""The Algemene termijnenwet calendar: which days end no statutory term, and moving past them."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def general_holidays(year: int) -> frozenset[date]:
    """The general public holidays of Algemene termijnenwet art. 3 in ``year``."""
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),
            easter + timedelta(days=1),  # tweede paasdag
            easter + timedelta(days=39),  # Hemelvaartsdag
            easter + timedelta(days=50),  # tweede pinksterdag
            kings_day,
            date(year, 5, 5),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def is_term_end_day(day: date) -> bool:
    """True when a statutory term may end on ``day`` (no weekend, no general holiday)."""
    return day.weekday() < 5 and day not in general_holidays(day.year)


def next_term_end_day(day: date) -> date:
    """``day`` itself, or the first later day on which a statutory term may end (Atw art. 1)."""
    while not is_term_end_day(day):
        day += timedelta(days=1)
    return day
