"""Seeded synthetic index lots, shaped like the NHM Data Portal's index lot export.

An index lot is a group of specimens catalogued under one name, so it has its own columns, not
a specimen's: the name with its authorship, a higher classification from the family up, and
yes/no flags for whether material, types or British specimens are held. Animals only (the
Entomology and Zoology departments), as in the NHM's index lots.
"""

from __future__ import annotations

import uuid

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from holotype.demo import columns as col
from holotype.demo.latin import CLASSES

COLUMNS = (
    "occurrenceID", "scientificName", "higherClassification", "material", "type", "british",
    "kindOfMaterial", "department", "associatedMediaCount", "modified", "associatedMedia",
)
#: Share of index lots with a value, per sparse column, close to the NHM's export.
FILL = {"scientificName": 0.998, "higherClassification": 0.998, "material": 0.999,
        "type": 0.745, "british": 0.979, "kindOfMaterial": 0.981}
KINDS_OF_MATERIAL = ("Dry", "Slide", "Spirit")


def generate_indexlots(n: int, seed: int = 7, start: int = 0) -> pa.Table:
    """``n`` synthetic index lots as an Arrow table of strings."""
    tax = col.taxonomy()
    rng = np.random.default_rng(seed * 1_000_003 + start)
    namespace = uuid.UUID(int=seed)
    ids = np.arange(start, start + n)
    occurrence_ids = [str(uuid.uuid5(namespace, f"indexlot-{i}")) for i in ids]
    animals = np.flatnonzero([CLASSES[k][4] in ("Entomology", "Zoology") for k in tax.klass])
    sp = animals[col.zipf_index(rng, n, len(animals), 1.1)]
    klass = tax.klass[sp]
    name = pc.binary_join_element_wise(
        col.strings(tax.genus[sp]), col.strings(tax.epithet[sp]), " ")
    with_author = pc.binary_join_element_wise(name, col.strings(tax.authorship[sp]), " ")
    name = pc.if_else(pa.array(rng.random(n) < 0.85), with_author, name)
    higher = pc.binary_join_element_wise(
        col.strings(tax.family[sp]), col.strings(tax.order[sp]),
        col.pick([c[2] for c in CLASSES], klass), "; ")

    def flag(yes: float, present: float) -> pa.Array:
        return col.sparse(rng, pc.if_else(pa.array(rng.random(n) < yes), "Yes", "No"), present)

    media_count = (rng.random(n) < 0.15).astype(np.int64)
    serial = pc.binary_join_element_wise(
        "IL", pc.utf8_lpad(pa.array(ids).cast(pa.string()), 7, "0"), "")
    columns = {
        "occurrenceID": pa.array(occurrence_ids, pa.string()),
        "scientificName": col.sparse(rng, name, FILL["scientificName"]),
        "higherClassification": col.sparse(rng, higher, FILL["higherClassification"]),
        "material": flag(0.9, FILL["material"]),
        "type": flag(0.1, FILL["type"]),
        "british": flag(0.2, FILL["british"]),
        "kindOfMaterial": col.sparse(
            rng, col.pick(KINDS_OF_MATERIAL, col.zipf_index(rng, n, 3, 1.5)),
            FILL["kindOfMaterial"]),
        "department": col.pick([c[4] for c in CLASSES], klass),
        "associatedMediaCount": pa.array(media_count).cast(pa.string()),
        "modified": col.modified(rng, n),
        "associatedMedia": col.media(serial, media_count),
    }
    assert tuple(columns) == COLUMNS
    return pa.table(columns)
