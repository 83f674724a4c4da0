"""Where demo records were collected: points inside their country's Natural Earth boundary.

With the portal's Natural Earth boundaries (``geo_areas_dir``), each demo country gets a pool of
points drawn uniformly inside its polygons (rejection sampling in each polygon's bounding box,
polygons chosen in proportion to their area, coordinates rounded to the 5 decimals the records
carry *before* the test, so the written point is the tested one). Records then pick from their
country's pool (the pools do not depend on the dataset's seed, so they are built once).

Without the boundaries the demo still has coordinates, but they are only roughly placed: near a
rough centre for a few large countries, anywhere on land latitudes otherwise, and not checked
against any outline. ``holotype demo`` says so when it generates them.
"""

from __future__ import annotations

import numpy as np
import shapely

from holotype.demo.words import CENTROIDS, COUNTRIES
from holotype.query.areas import AreaCatalogue

#: Points per country pool: enough that points rarely repeat in a demo of thousands.
POOL = 1024

#: Natural Earth's name for the demo countries it names differently.
AREA_NAMES = {
    "United States": "United States Of America",
    "China": "People's Republic Of China",
    "Trinidad and Tobago": "Trinidad And Tobago",
}

CONTINENTS = {
    "Africa": ("South Africa", "Kenya", "Tanzania", "Madagascar", "Uganda", "Nigeria", "Ghana",
               "Egypt", "Morocco", "Cameroon", "Ethiopia", "Zimbabwe"),
    "Asia": ("India", "Malaysia", "Indonesia", "Sri Lanka", "China", "Japan", "Philippines",
             "Iran", "Turkey", "Nepal", "Thailand", "Vietnam"),
    "Europe": ("United Kingdom", "France", "Spain", "Germany", "Italy", "Greece", "Norway"),
    "North America": ("United States", "Canada", "Mexico", "Costa Rica", "Jamaica",
                      "Trinidad and Tobago"),
    "Oceania": ("Australia", "New Zealand", "Papua New Guinea", "Fiji"),
    "South America": ("Brazil", "Argentina", "Peru", "Colombia", "Chile", "Ecuador", "Guyana",
                      "Bolivia", "Venezuela"),
}


def continent_of(country: str) -> str:
    return next(c for c, members in CONTINENTS.items() if country in members)


def area_name(country: str) -> str:
    """The Natural Earth country name (as the portal's named-area queries use) of a demo country."""
    return AREA_NAMES.get(country, country)


def country_points(areas: AreaCatalogue | None) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude pools, shaped (len(COUNTRIES), POOL), the same for every seed
    (records choose from them with their own seed).

    Inside each country's boundary when ``areas`` is given; roughly placed otherwise.
    """
    lat = np.empty((len(COUNTRIES), POOL))
    lon = np.empty((len(COUNTRIES), POOL))
    for i, country in enumerate(COUNTRIES):
        rng = np.random.default_rng([POOL, i])
        if areas is None:
            lat[i], lon[i] = _rough(rng, country)
        else:
            lat[i], lon[i] = _inside(rng, areas, country)
    return lat, lon


def _rough(rng: np.random.Generator, country: str) -> tuple[np.ndarray, np.ndarray]:
    if country in CENTROIDS:
        c_lat, c_lon = CENTROIDS[country]
        lat, lon = c_lat + rng.normal(0, 3, POOL), c_lon + rng.normal(0, 4, POOL)
    else:
        lat, lon = rng.uniform(-55, 70, POOL), rng.uniform(-180, 180, POOL)
    return np.round(np.clip(lat, -90, 90), 5), np.round(np.clip(lon, -180, 180), 5)


def _inside(
    rng: np.random.Generator, areas: AreaCatalogue, country: str
) -> tuple[np.ndarray, np.ndarray]:
    area = areas.area("country", area_name(country))
    weights = np.array([shapely.area(part.outline) for part in area.parts])
    per_part = rng.multinomial(POOL, weights / weights.sum())
    lats: list[np.ndarray] = []
    lons: list[np.ndarray] = []
    for part, wanted in zip(area.parts, per_part, strict=True):
        min_x, min_y, max_x, max_y = part.bbox
        found, tries = 0, 0
        while found < wanted and tries < 100:  # a sliver too thin to hit is left out
            tries += 1
            batch = max(64, 4 * (int(wanted) - found))
            x = np.round(rng.uniform(min_x, max_x, batch), 5)
            y = np.round(rng.uniform(min_y, max_y, batch), 5)
            ok = area.contains(y, x)
            take = np.flatnonzero(ok)[: int(wanted) - found]
            lats.append(y[take])
            lons.append(x[take])
            found += len(take)
    lat, lon = np.concatenate(lats), np.concatenate(lons)
    pick = rng.permutation(POOL) if len(lat) == POOL else rng.integers(0, len(lat), POOL)
    return lat[pick], lon[pick]
