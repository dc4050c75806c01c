"""How dates, deadlines and amounts read in the Dutch interface (Babel, never strftime)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

LOCALE = "nl_NL"


def long_date(day: date | None) -> str:
    """``13 april 2026``."""
    return format_date(day, format="long", locale=LOCALE) if day else ""


def short_date(day: date | None) -> str:
    """``13-04-2026``."""
    return format_date(day, format="dd-MM-yyyy", locale=LOCALE) if day else ""


def weekday_date(day: date | None) -> str:
    """``maandag 13 april 2026``."""
    return format_date(day, format="EEEE d MMMM y", locale=LOCALE) if day else ""


def days_left_text(days: int) -> str:
    """``nog 3 dagen``, ``vandaag``, ``1 dag te laat``."""
    if days == 0:
        return "vandaag"
    if days > 0:
        return "morgen" if days == 1 else f"nog {days} dagen"
    late = -days
    return f"{late} dag te laat" if late == 1 else f"{late} dagen te laat"
