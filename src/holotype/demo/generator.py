"""Seeded generator of realistic synthetic specimen records, shaped like an NHM Data Portal export.

Used for the demo datasets and for the benchmark reference data. The same seed always yields the
same records, so benchmark runs measure identical data. Realism that matters for an engine and
for people looking at the demo:

* the columns of the NHM's specimen export, each about as often filled as there (:data:`FILL`):
  department and catalogue number always, country about half the time, coordinates a quarter;
* Latin binomials with authorship and a consistent higher taxonomy (:mod:`holotype.demo.latin`);
* taxa, countries and collectors follow Zipf distributions (a few very common, a long tail);
* with the Natural Earth boundaries, every point lies inside its record's country
  (:mod:`holotype.demo.places`).

Generation is vectorised (numpy + Arrow) so two million records take seconds.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from holotype.demo import columns as col
from holotype.demo.latin import CLASSES
from holotype.demo.places import continent_of, country_points
from holotype.demo.words import COUNTRIES, HABITATS, PLACES, QUALIFIERS, TYPE_STATUS
from holotype.query.areas import AreaCatalogue

COLUMNS = (
    "occurrenceID", "catalogNumber", "institutionCode", "collectionCode", "basisOfRecord",
    "scientificName", "scientificNameAuthorship", "kingdom", "phylum", "class", "order",
    "family", "genus", "specificEpithet", "higherClassification", "typeStatus", "identifiedBy",
    "continent", "country", "stateProvince", "locality", "higherGeography", "decimalLatitude",
    "decimalLongitude", "coordinateUncertaintyInMeters", "year", "month", "day", "recordedBy",
    "recordNumber", "fieldNumber", "individualCount", "preparations", "kindOfObject",
    "department", "subDepartment", "recordType", "modified", "eventDate", "associatedMediaCount",
    "associatedMedia",
)

#: Share of records with a value, per sparse column, close to the NHM's specimen export
#: (``tests/demo`` checks the generated shares against the real sample). Columns not listed are
#: always filled, except those derived from others (continent and higherGeography go with
#: country, eventDate with year, fieldNumber with recordNumber).
FILL = {
    "scientificName": 0.946, "scientificNameAuthorship": 0.864, "kingdom": 0.545,
    "phylum": 0.58, "class": 0.499, "order": 0.839, "family": 0.895, "genus": 0.864,
    "specificEpithet": 0.841, "higherClassification": 0.933, "typeStatus": 0.069,
    "identifiedBy": 0.199, "country": 0.532, "stateProvince": 0.348, "locality": 0.331,
    "decimalLatitude": 0.263, "coordinateUncertaintyInMeters": 0.204, "year": 0.296,
    "month": 0.254, "day": 0.2, "recordedBy": 0.411, "recordNumber": 0.37,
    "individualCount": 0.298, "preparations": 0.247, "kindOfObject": 0.597,
}
PREPARATIONS = ("Dry - pinned", "Spirit", "70% IMS", "Sheet", "Skin", "Slide", "Skeleton", "Dry")
KINDS_OF_OBJECT = ("Sheet", "Packet", "Slide", "Skin", "Spirit", "Pinned", "Fossil", "Skeleton")
RECORD_TYPES = ("Specimen", "Specimen - single", "Specimen - multiple")
MEDIA_COUNTS = np.array([0, 1, 2, 3, 6])
MEDIA_SHARES = np.array([0.445, 0.369, 0.067, 0.017, 0.102])
UNCERTAINTY = ("10", "100", "250", "500", "1000", "1500", "5000", "10000")


@lru_cache(maxsize=4)
def _points(areas_dir: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """The countries' point pools (built once per process and boundary directory)."""
    return country_points(AreaCatalogue(areas_dir) if areas_dir is not None else None)


def generate_table(
    n: int, seed: int = 42, start: int = 0, areas_dir: Path | None = None
) -> pa.Table:
    """``n`` synthetic specimen records as an Arrow table of strings (as a CSV export has).

    ``areas_dir`` holds the Natural Earth boundaries: with it, coordinates lie inside the
    record's country; without, they are only roughly placed (see :mod:`holotype.demo.places`).
    """
    tax = col.taxonomy()
    rng = np.random.default_rng(seed * 1_000_003 + start)
    ids = np.arange(start, start + n)
    namespace = uuid.UUID(int=seed)  # stable UUIDs from the seed and record number
    occurrence_ids = [str(uuid.uuid5(namespace, str(i))) for i in ids]
    fill = {name: rng.random(n) < share for name, share in FILL.items()}

    sp = col.zipf_index(rng, n, len(tax.genus), 1.2)
    klass = tax.klass[sp]
    genus, epithet = col.strings(tax.genus[sp]), col.strings(tax.epithet[sp])
    ranks = rng.random(n)  # kingdom, phylum and class are filled together, as in the export
    higher = pc.binary_join_element_wise(
        col.pick([c[0] for c in CLASSES], klass), col.pick([c[1] for c in CLASSES], klass),
        col.pick([c[2] for c in CLASSES], klass), col.strings(tax.order[sp]),
        col.strings(tax.family[sp]), "; ",
    )

    country = col.zipf_index(rng, n, len(COUNTRIES), 1.4)
    has_country = fill["country"]
    has_coords = has_country & (rng.random(n) < FILL["decimalLatitude"] / FILL["country"])
    has_state = has_country & (rng.random(n) < FILL["stateProvince"] / FILL["country"])
    pool_lat, pool_lon = _points(areas_dir)
    slot = rng.integers(0, pool_lat.shape[1], n)
    country_s = col.pick(COUNTRIES, country)
    continent = col.pick([continent_of(c) for c in COUNTRIES], country)
    state = col.keep(col.pick(PLACES, rng.integers(0, len(PLACES), n)), has_state)
    geography = pc.binary_join_element_wise(continent, country_s, "; ")
    geography = pc.if_else(pa.array(has_state),
                           pc.binary_join_element_wise(geography, state, "; "), geography)

    year = rng.integers(1820, 2025, n)
    month = rng.integers(1, 13, n)
    day = rng.integers(1, 29, n)
    has_month = fill["year"] & (rng.random(n) < FILL["month"] / FILL["year"])
    has_day = has_month & (rng.random(n) < FILL["day"] / FILL["month"])
    year_s = col.keep(pa.array(year).cast(pa.string()), fill["year"])
    month_s = col.keep(pa.array(month).cast(pa.string()), has_month)
    day_s = col.keep(pa.array(day).cast(pa.string()), has_day)
    year_month = pc.binary_join_element_wise(year_s, pc.utf8_lpad(month_s, 2, "0"), "-")
    full_date = pc.binary_join_element_wise(year_month, pc.utf8_lpad(day_s, 2, "0"), "-")
    event_date = pc.if_else(pa.array(has_day), full_date,
                            pc.if_else(pa.array(has_month), year_month, year_s))

    collection_code = col.pick([c[3] for c in CLASSES], klass)
    catalog_prefix = pc.if_else(pc.equal(collection_code, "BOT"), "BM", "NHMUK")
    catalog_number = pc.binary_join_element_wise(
        catalog_prefix, pc.utf8_lpad(pa.array(ids + 10_000_000).cast(pa.string()), 9, "0"), ""
    )
    collectors = col.collectors()
    numbers = pa.array(rng.integers(1, 40_000, n)).cast(pa.string())
    record_number = pc.if_else(pa.array(rng.random(n) < 0.1), "s.n.", numbers)  # sine numero
    # Images per specimen as in the NHM export: over half have some, one most often, some six.
    media_count = rng.choice(MEDIA_COUNTS, size=n, p=MEDIA_SHARES)
    columns = {
        "occurrenceID": pa.array(occurrence_ids, pa.string()),
        "catalogNumber": catalog_number,
        "institutionCode": pa.array(["NHMUK"] * n, pa.string()),
        "collectionCode": collection_code,
        "basisOfRecord": pa.array(["PreservedSpecimen"] * n, pa.string()),
        "scientificName": col.keep(pc.binary_join_element_wise(genus, epithet, " "),
                                   fill["scientificName"]),
        "scientificNameAuthorship": col.keep(col.strings(tax.authorship[sp]),
                                             fill["scientificNameAuthorship"]),
        "kingdom": col.keep(col.pick([c[0] for c in CLASSES], klass), ranks < FILL["kingdom"]),
        "phylum": col.keep(col.pick([c[1] for c in CLASSES], klass), ranks < FILL["phylum"]),
        "class": col.keep(col.pick([c[2] for c in CLASSES], klass), ranks < FILL["class"]),
        "order": col.keep(col.strings(tax.order[sp]), fill["order"]),
        "family": col.keep(col.strings(tax.family[sp]), fill["family"]),
        "genus": col.keep(genus, fill["genus"]),
        "specificEpithet": col.keep(epithet, fill["genus"] & (
            rng.random(n) < FILL["specificEpithet"] / FILL["genus"])),
        "higherClassification": col.keep(higher, fill["higherClassification"]),
        "typeStatus": col.keep(col.pick(TYPE_STATUS, col.zipf_index(rng, n, len(TYPE_STATUS), 2.0)),
                               fill["typeStatus"]),
        "identifiedBy": col.keep(col.pick(collectors, rng.integers(0, len(collectors), n)),
                                 fill["identifiedBy"]),
        "continent": col.keep(continent, has_country),
        "country": col.keep(country_s, has_country),
        "stateProvince": state,
        "locality": col.keep(_locality(rng, n), fill["locality"]),
        "higherGeography": col.keep(geography, has_country),
        "decimalLatitude": col.keep(pa.array(pool_lat[country, slot]).cast(pa.string()),
                                    has_coords),
        "decimalLongitude": col.keep(pa.array(pool_lon[country, slot]).cast(pa.string()),
                                     has_coords),
        "coordinateUncertaintyInMeters": col.keep(
            col.pick(UNCERTAINTY, col.zipf_index(rng, n, len(UNCERTAINTY), 1.5)),
            has_coords & (rng.random(n) < FILL["coordinateUncertaintyInMeters"]
                          / FILL["decimalLatitude"])),
        "year": year_s,
        "month": month_s,
        "day": day_s,
        "recordedBy": col.keep(col.pick(collectors, col.zipf_index(rng, n, len(collectors), 1.1)),
                               fill["recordedBy"]),
        "recordNumber": col.keep(record_number, fill["recordNumber"]),
        "fieldNumber": col.keep(record_number, fill["recordNumber"]),
        "individualCount": col.keep(
            pa.array(col.zipf_index(rng, n, 50, 2.0) + 1).cast(pa.string()),
            fill["individualCount"]),
        "preparations": col.keep(col.pick(PREPARATIONS, rng.integers(0, len(PREPARATIONS), n)),
                                 fill["preparations"]),
        "kindOfObject": col.keep(col.pick(KINDS_OF_OBJECT, klass % len(KINDS_OF_OBJECT)),
                                 fill["kindOfObject"]),
        "department": col.pick([c[4] for c in CLASSES], klass),
        "subDepartment": col.pick([c[5] for c in CLASSES], klass),
        "recordType": col.pick(RECORD_TYPES, col.zipf_index(rng, n, len(RECORD_TYPES), 1.5)),
        "modified": col.modified(rng, n),
        "eventDate": event_date,
        "associatedMediaCount": pa.array(media_count).cast(pa.string()),
        "associatedMedia": col.media(catalog_number, media_count),
    }
    assert tuple(columns) == COLUMNS
    return pa.table(columns)


def _locality(rng: np.random.Generator, n: int) -> pa.Array:
    """Multi-word phrases: "North of Kandy river", "Near Manaus forest edge"."""
    q = pc.utf8_capitalize(col.pick(QUALIFIERS, rng.integers(0, len(QUALIFIERS), n)))
    place = col.pick(PLACES, col.zipf_index(rng, n, len(PLACES), 1.5))
    habitat = col.pick(HABITATS, rng.integers(0, len(HABITATS), n))
    edge = pc.binary_join_element_wise(habitat, pa.scalar("edge"), " ")
    return pc.if_else(pa.array(rng.random(n) < 0.5),
                      pc.binary_join_element_wise(q, place, habitat, " "),
                      pc.binary_join_element_wise(q, place, edge, " "))


def write_csv(
    path: Path, n: int, seed: int = 42, batch: int = 250_000, areas_dir: Path | None = None,
    kind: str = "specimens", extend: Callable[[pa.Table], pa.Table] | None = None,
) -> Path:
    """Write ``n`` records of ``kind`` (specimens or indexlots) to a CSV file in batches
    (bounded memory for millions of rows); ``extend`` may add columns to each batch (the same
    ones every time)."""
    from holotype.demo.indexlots import generate_indexlots

    def make(count: int, first: int) -> pa.Table:
        if kind == "indexlots":
            table = generate_indexlots(count, seed=seed, start=first)
        else:
            table = generate_table(count, seed=seed, start=first, areas_dir=areas_dir)
        return extend(table) if extend is not None else table

    path.parent.mkdir(parents=True, exist_ok=True)
    writer: pacsv.CSVWriter | None = None
    try:
        for start in range(0, n, batch):
            table = make(min(batch, n - start), start)
            if writer is None:
                writer = pacsv.CSVWriter(str(path), table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:  # n == 0: still a valid file with a header
        pacsv.write_csv(make(0, 0), str(path))
    return path
