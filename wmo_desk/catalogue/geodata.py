"""Offline PC4 coordinates (GeoNames postal code data, CC BY 4.0) from resources/geodata."""

from __future__ import annotations

import csv
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
