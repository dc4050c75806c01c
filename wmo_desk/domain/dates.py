"""Dutch numeric date notation for texts the domain writes itself (timeline entries)."""

from __future__ import annotations

from datetime import date


def nl_date(day: date) -> str:
    """``13-04-2026``: the numeric form Dutch letters and forms use, locale-independent."""
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}"
