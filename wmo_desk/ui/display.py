"""How dates, deadlines and amounts read in the Dutch interface (Babel, never strftime)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_date, format_time

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


def moment(at: datetime | None, today: date) -> str:
    """``vandaag 14:05``, ``gisteren 09:30``, ``26 nov 14:05``; another year adds it."""
    if at is None:
        return ""
    local = at.astimezone()
    time = format_time(local, "HH:mm", locale=LOCALE)
    day = local.date()
    if day == today:
        return f"vandaag {time}"
    if day == today - timedelta(days=1):
        return f"gisteren {time}"
    pattern = "d MMM" if day.year == today.year else "d MMM y"
    return f"{format_date(day, pattern, locale=LOCALE)} {time}"


def count(n: int, one: str, many: str) -> str:
    """``1 conflict``, ``12.345 conflicten``: the number in Dutch notation with its noun."""
    from babel.numbers import format_decimal

    return f"{format_decimal(n, locale=LOCALE)} {one if n == 1 else many}"


def days_left_text(days: int) -> str:
    """``nog 3 dagen``, ``vandaag``, ``1 dag te laat``."""
    if days == 0:
        return "vandaag"
    if days > 0:
        return "morgen" if days == 1 else f"nog {days} dagen"
    late = -days
    return f"{late} dag te laat" if late == 1 else f"{late} dagen te laat"


def money(cents: int | None) -> str:
    """``€ 3.120,00`` (Babel, Dutch notation); empty for None."""
    if cents is None:
        return ""
    from babel.numbers import format_currency

    return format_currency(cents / 100, "EUR", locale=LOCALE)


def parse_money(text: str) -> int | None:
    """Eurocents from Dutch notation (``1.234,56`` or ``12,5``); None when empty.

    Raises:
        ValueError: not an amount.
    """
    from babel.numbers import NumberFormatError, parse_decimal

    cleaned = text.replace("€", "").strip()
    if not cleaned:
        return None
    try:
        return round(parse_decimal(cleaned, locale=LOCALE, strict=True) * 100)
    except NumberFormatError as exc:
        raise ValueError(str(exc)) from None
