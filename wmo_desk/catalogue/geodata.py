"""Offline PC4 coordinates (GeoNames postal code data, CC BY 4.0) from resources/geodata."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=2)
def pc4_coordinates(path: Path) -> dict[str, tuple[float, float]]:
    """PC4 -> (latitude, longitude) for every Dutch 4-digit postcode area in the file."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["pc4"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


@dataclass(frozen=True)
class Pc4Area:
    """One PC4 area as the map's background draws it: its point, place and municipality."""

    pc4: str
    place: str
    municipality: str
    latitude: float
    longitude: float


@lru_cache(maxsize=2)
def pc4_areas(path: Path) -> tuple[Pc4Area, ...]:
    """Every PC4 area in the file, with its place and (where known) municipality name."""
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Pc4Area(
                row["pc4"],
                row["place"],
                row["municipality"],
                float(row["latitude"]),
                float(row["longitude"]),
            )
            for row in csv.DictReader(handle)
        )
