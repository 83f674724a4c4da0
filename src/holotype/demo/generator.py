"""Seeded generator of realistic synthetic Darwin Core specimen records.

Used for the demo datasets and for the benchmark reference data. The same seed always yields the
same records, so benchmark runs measure identical data. Realism that matters for an engine:

* taxa, countries and collectors follow Zipf distributions (a few very common, a long tail);
* about 5% of records have no coordinates;
* localities are multi-word phrases;
* many fields are sparse, as in real collection exports.

Generation is vectorised (numpy + Arrow) so two million records take a few seconds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from holotype.demo.words import (
    CENTROIDS,
    COUNTRIES,
    HABITATS,
    INITIALS,
    KINGDOMS,
    PLACES,
    PREPARATIONS,
    QUALIFIERS,
    SURNAMES,
    SYLLABLES,
    TYPE_STATUS,
)

COLUMNS = (
    "occurrenceID",
    "catalogNumber",
    "institutionCode",
    "collectionCode",
    "basisOfRecord",
    "scientificName",
    "scientificNameAuthorship",
    "kingdom",
    "phylum",
    "class",
    "order",
    "family",
    "genus",
    "specificEpithet",
    "typeStatus",
    "country",
    "stateProvince",
    "locality",
    "decimalLatitude",
    "decimalLongitude",
    "year",
    "month",
    "day",
    "eventDate",
    "recordedBy",
    "recordNumber",
    "preparations",
    "department",
    "associatedMediaCount",
    "associatedMedia",
)


@dataclass(frozen=True)
class Vocabulary:
    """The pools the generator draws from, derived from the seed."""

    genera: list[str]
    species: list[tuple[str, str, int]]  # (genus, epithet, kingdom index)
    families: list[str]
    orders: list[str]
    collectors: list[str]
    authors: list[str]


def _word(rng: np.random.Generator, low: int, high: int) -> str:
    n = int(rng.integers(low, high + 1))
    return "".join(SYLLABLES[int(i)] for i in rng.integers(0, len(SYLLABLES), n))


def build_vocabulary(seed: int, n_species: int = 20_000) -> Vocabulary:
    rng = np.random.default_rng(seed)
    orders = sorted({_word(rng, 2, 3).capitalize() + "ales" for _ in range(60)})
    families = sorted({_word(rng, 2, 3).capitalize() + "idae" for _ in range(400)})
    genera = sorted({_word(rng, 2, 4).capitalize() for _ in range(n_species // 6)})
    species = []
    for _ in range(n_species):
        genus = genera[int(rng.integers(0, len(genera)))]
        epithet = _word(rng, 2, 4) + ("us", "a", "um", "is", "ensis", "i")[int(rng.integers(0, 6))]
        species.append((genus, epithet, int(rng.integers(0, len(KINGDOMS)))))
    collectors = []
    for _ in range(3_000):
        initials = ".".join(rng.choice(INITIALS, int(rng.integers(1, 3)))) + "."
        collectors.append(f"{initials} {rng.choice(SURNAMES)}")
    authors = [f"{rng.choice(SURNAMES)}, {int(rng.integers(1758, 2020))}" for _ in range(500)]
    return Vocabulary(genera, species, families, orders, collectors, authors)


def _zipf_index(rng: np.random.Generator, n: int, size: int, a: float = 1.3) -> np.ndarray:
    """Indices in [0, size) with a Zipf-like skew: index 0 is the most common."""
    ranks = rng.zipf(a, n) - 1
    return np.where(ranks < size, ranks, rng.integers(0, size, n)).astype(np.int64)


def _pick(pool: list[str] | tuple[str, ...], idx: np.ndarray) -> pa.Array:
    return pa.array(list(pool), pa.string()).take(pa.array(idx))


def _sparse(rng: np.random.Generator, arr: pa.Array, present: float) -> pa.Array:
    mask = rng.random(len(arr)) >= present
    return pc.if_else(pa.array(mask), pa.nulls(len(arr), arr.type), arr)


def generate_table(n: int, seed: int = 42, start: int = 0) -> pa.Table:
    """``n`` synthetic specimen records as an Arrow table of strings (as a CSV export has)."""
    vocab = build_vocabulary(seed)
    rng = np.random.default_rng(seed * 1_000_003 + start)
    ids = np.arange(start, start + n)
    # Stable UUIDs from the seed and record number.
    namespace = uuid.UUID(int=seed)
    occurrence_ids = [str(uuid.uuid5(namespace, str(i))) for i in ids]

    sp_idx = _zipf_index(rng, n, len(vocab.species), 1.2)
    sp_genus = np.array([s[0] for s in vocab.species], dtype=object)
    sp_epithet = np.array([s[1] for s in vocab.species], dtype=object)
    sp_kingdom = np.array([s[2] for s in vocab.species])
    genus = sp_genus[sp_idx]
    epithet = sp_epithet[sp_idx]
    kingdom_idx = sp_kingdom[sp_idx]
    author_idx = sp_idx % len(vocab.authors)
    family_idx = sp_idx % len(vocab.families)
    order_idx = family_idx % len(vocab.orders)
    sci_name = pc.binary_join_element_wise(
        pa.array(genus, pa.string()), pa.array(epithet, pa.string()), " "
    )

    country_idx = _zipf_index(rng, n, len(COUNTRIES), 1.4)
    countries = np.array(COUNTRIES, dtype=object)[country_idx]
    centre = np.array([CENTROIDS.get(c, (0.0, 0.0)) for c in COUNTRIES])
    has_centre = np.array([c in CENTROIDS for c in COUNTRIES])[country_idx]
    lat = np.where(
        has_centre, centre[country_idx, 0] + rng.normal(0, 3, n), rng.uniform(-60, 70, n)
    )
    lon = np.where(
        has_centre, centre[country_idx, 1] + rng.normal(0, 4, n), rng.uniform(-180, 180, n)
    )
    lat = np.clip(lat, -90, 90)
    lon = np.clip(lon, -180, 180)
    no_coords = rng.random(n) < 0.05
    lat_s = pc.if_else(pa.array(no_coords), None, pc.round(pa.array(lat), 5).cast(pa.string()))
    lon_s = pc.if_else(pa.array(no_coords), None, pc.round(pa.array(lon), 5).cast(pa.string()))

    q = _pick(QUALIFIERS, rng.integers(0, len(QUALIFIERS), n))
    place = _pick(PLACES, _zipf_index(rng, n, len(PLACES), 1.5))
    habitat = _pick(HABITATS, rng.integers(0, len(HABITATS), n))
    locality = pc.binary_join_element_wise(
        pc.utf8_capitalize(q),
        place,
        pc.binary_join_element_wise(habitat, pa.scalar("edge"), " "),
        " ",
    )
    locality = pc.if_else(
        pa.array(rng.random(n) < 0.5),
        pc.binary_join_element_wise(pc.utf8_capitalize(q), place, habitat, " "),
        locality,
    )

    year = rng.integers(1820, 2025, n)
    month = rng.integers(1, 13, n)
    day = rng.integers(1, 29, n)
    year_s = pa.array(year).cast(pa.string())
    month_s = pa.array(month).cast(pa.string())
    day_s = pa.array(day).cast(pa.string())
    event_date = pc.binary_join_element_wise(
        year_s, pc.utf8_lpad(month_s, 2, "0"), pc.utf8_lpad(day_s, 2, "0"), "-"
    )
    partial = rng.random(n)
    event_date = pc.if_else(pa.array(partial < 0.15), year_s, event_date)
    event_date = pc.if_else(pa.array(partial > 0.9), None, event_date)

    kingdoms = np.array(KINGDOMS, dtype=object)
    collection_code = _pick([k[3] for k in KINGDOMS], kingdom_idx)
    catalog_prefix = pc.if_else(pc.equal(collection_code, "BOT"), "BM", "NHMUK")
    catalog_number = pc.binary_join_element_wise(
        catalog_prefix, pc.utf8_lpad(pa.array(ids + 10_000_000).cast(pa.string()), 9, "0"), ""
    )
    type_status = _sparse(rng, _pick(TYPE_STATUS, _zipf_index(rng, n, len(TYPE_STATUS), 2.0)), 0.02)
    collectors = _pick(vocab.collectors, _zipf_index(rng, n, len(vocab.collectors), 1.1))

    media_count = np.where(rng.random(n) < 0.1, rng.integers(1, 4, n), 0)
    columns = {
        "occurrenceID": pa.array(occurrence_ids, pa.string()),
        "catalogNumber": catalog_number,
        "institutionCode": pa.array(["NHMUK"] * n, pa.string()),
        "collectionCode": collection_code,
        "basisOfRecord": pa.array(["PreservedSpecimen"] * n, pa.string()),
        "scientificName": sci_name,
        "scientificNameAuthorship": _sparse(rng, _pick(vocab.authors, author_idx), 0.7),
        "kingdom": _pick([k[0] for k in kingdoms], kingdom_idx),
        "phylum": _pick([k[1] for k in kingdoms], kingdom_idx),
        "class": _pick([k[2] for k in kingdoms], kingdom_idx),
        "order": _pick(vocab.orders, order_idx),
        "family": _pick(vocab.families, family_idx),
        "genus": pa.array(genus, pa.string()),
        "specificEpithet": pa.array(epithet, pa.string()),
        "typeStatus": type_status,
        "country": pa.array(countries, pa.string()),
        "stateProvince": _sparse(rng, _pick(PLACES, rng.integers(0, len(PLACES), n)), 0.3),
        "locality": _sparse(rng, locality, 0.85),
        "decimalLatitude": lat_s,
        "decimalLongitude": lon_s,
        "year": year_s,
        "month": _sparse(rng, month_s, 0.9),
        "day": _sparse(rng, day_s, 0.8),
        "eventDate": event_date,
        "recordedBy": _sparse(rng, collectors, 0.9),
        "recordNumber": _sparse(rng, pa.array(rng.integers(1, 9999, n)).cast(pa.string()), 0.4),
        "preparations": _pick(PREPARATIONS, rng.integers(0, len(PREPARATIONS), n)),
        "department": _pick([k[4] for k in kingdoms], kingdom_idx),
        "associatedMediaCount": pa.array(media_count).cast(pa.string()),
        "associatedMedia": _media(catalog_number, media_count),
    }
    return pa.table(columns)


def _media(catalog_number: pa.Array, counts: np.ndarray) -> pa.Array:
    """Addresses of the portal's own drawn demo images (``/media/demo/<name>.svg``), one per
    counted image, separated by `` | `` as Darwin Core recommends; null without images. No
    random draws, so the other columns are exactly as before."""
    numbers = catalog_number.to_pylist()
    return pa.array(
        [" | ".join(f"/media/demo/{numbers[i]}-{k}.svg" for k in range(1, int(c) + 1)) or None
         for i, c in enumerate(counts)],
        pa.string(),
    )


def write_csv(path: Path, n: int, seed: int = 42, batch: int = 250_000) -> Path:
    """Write ``n`` records to a CSV file in batches (bounded memory for millions of rows)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer: pacsv.CSVWriter | None = None
    try:
        for start in range(0, n, batch):
            table = generate_table(min(batch, n - start), seed=seed, start=start)
            if writer is None:
                writer = pacsv.CSVWriter(str(path), table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:  # n == 0: still a valid file with a header
        pacsv.write_csv(generate_table(0, seed=seed), str(path))
    return path
