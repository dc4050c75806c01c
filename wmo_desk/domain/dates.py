"""Dutch date notation for texts the domain writes itself (timeline entries, web pages),
locale-independent: the machines have no nl_NL locale."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

#: times as the region reads them, whatever the machine's own time zone
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def nl_date(day: date) -> str:
    """``13-04-2026``: the numeric form Dutch letters and forms use, locale-independent."""
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}"


def nl_written_date(day: date) -> str:
    """``3 december 2026``."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def nl_written_time(moment: datetime) -> str:
    """``3 december 2026 07:12``, in Dutch time (an aware ``moment``, e.g. UTC)."""
    local = moment.astimezone(AMSTERDAM)
    return f"{nl_written_date(local.date())} {local.hour:02d}:{local.minute:02d}"
