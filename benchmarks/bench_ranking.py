"""Ranking time for 100, 1,000 and 10,000 provider locations, beside two floors in the same run.

Run: ``.venv/bin/python -m benchmarks.bench_ranking [--repeat 15]``

- wmo_desk: :func:`wmo_desk.domain.ranking.suggest` on a synthetic catalogue (coverage checks,
  filters, haversine, stable sort, result objects);
- plain loop: the same haversine and sort over a list of (lat, lon) tuples, nothing else;
- numpy: the haversine vectorised over arrays plus ``argsort`` (the floor).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from datetime import date

import numpy as np

from wmo_desk.domain.catalogue import (
    CareForm,
    Catalogue,
    Municipality,
    Product,
    ProductModel,
    Provider,
    ProviderLocation,
)
from wmo_desk.domain.ranking import EARTH_RADIUS_KM, Home, SuggestionQuery, suggest

HOME = Home(51.7650, 5.5180)  # Oss, PC4 5341


def synthetic_catalogue(locations: int, seed: int = 1) -> Catalogue:
    rng = random.Random(seed)
    providers = []
    per_provider = 4
    for i in range(locations // per_provider):
        locs = tuple(
            ProviderLocation(
                id=f"p{i}-l{j}",
                name=f"Locatie {j}",
                street="Straat",
                house_number=1,
                postcode="5341AB",
                place="Oss",
                municipality_code="0828",
                latitude=HOME.latitude + rng.uniform(-0.4, 0.4),
                longitude=HOME.longitude + rng.uniform(-0.6, 0.6),
            )
            for j in range(per_provider)
        )
        providers.append(
            Provider(
                id=f"p{i}",
                agb_code=f"98{i:06d}",
                name=f"Aanbieder {i}",
                product_codes=("07A06",),
                municipality_codes=("0828",),
                locations=locs,
            )
        )
    return Catalogue(
        region_code="BENCH",
        region_name="Bench",
        version="1",
        published=date(2026, 1, 1),
        contract_start=date(2026, 1, 1),
        contract_end=date(2027, 12, 31),
        centrumgemeente="0828",
        model=ProductModel.OUTPUT,
        municipalities=(Municipality("0828", "Oss", "BENCH", HOME.latitude, HOME.longitude),),
        care_forms=(CareForm("dagbesteding", "Dagbesteding"),),
        products=(Product("07A06", "Dagbesteding", "07", "dagbesteding", ProductModel.OUTPUT),),
        providers=tuple(providers),
    )


def plain_loop(points: list[tuple[float, float]]) -> list[int]:
    lat0, lon0 = math.radians(HOME.latitude), math.radians(HOME.longitude)
    out = []
    for i, (lat, lon) in enumerate(points):
        p2, dl = math.radians(lat), math.radians(lon) - lon0
        a = math.sin((p2 - lat0) / 2) ** 2 + math.cos(lat0) * math.cos(p2) * math.sin(dl / 2) ** 2
        out.append((2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a)), i))
    out.sort()
    return [i for _, i in out]


def numpy_floor(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    lat0, lon0 = np.radians(HOME.latitude), np.radians(HOME.longitude)
    p2, dl = np.radians(lat), np.radians(lon) - lon0
    a = np.sin((p2 - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.argsort(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a)), kind="stable")


def median_ms(action, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        action()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    query = SuggestionQuery(care_form="dagbesteding", municipality_code="0828")
    print(f"ranking by distance from Oss, median of {args.repeat} runs")
    print(
        f"  {'locations':>9} {'wmo_desk':>12} {'plain loop':>12} {'numpy floor':>12} {'vs loop':>8} {'vs numpy':>9}"
    )
    for n in (100, 1_000, 10_000):
        catalogue = synthetic_catalogue(n)
        points = [(loc.latitude, loc.longitude) for p in catalogue.providers for loc in p.locations]
        lat, lon = np.array([p[0] for p in points]), np.array([p[1] for p in points])
        ours = median_ms(lambda c=catalogue: suggest(c, query, HOME), args.repeat)
        loop = median_ms(lambda p=points: plain_loop(p), args.repeat)
        vec = median_ms(lambda a=lat, b=lon: numpy_floor(a, b), args.repeat)
        print(
            f"  {len(points):>9,} {ours:9.2f} ms {loop:9.2f} ms {vec:9.3f} ms {ours / loop:7.1f}x {ours / vec:8.0f}x"
        )


if __name__ == "__main__":
    main()
