"""The reference data of DESIGN.md, generated from a seed so every run measures the same records."""

from __future__ import annotations

import json
from pathlib import Path

from holotype.demo.generator import write_csv
from holotype.engine import connect, literal

SEED = 20261121
DATA = Path(__file__).resolve().parent / "data"


def reference_csv(records: int = 2_000_000) -> Path:
    """The reference CSV (cached next to a note of how it was made)."""
    path = DATA / f"reference-{records}.csv"
    note = path.with_suffix(".json")
    # generator 2: the demo records carry associatedMedia; 3: shaped like the NHM export
    wanted = {"records": records, "seed": SEED, "generator": 3}
    if path.exists() and note.exists() and json.loads(note.read_text()) == wanted:
        return path
    write_csv(path, records, seed=SEED)
    note.write_text(json.dumps(wanted))
    return path


def modified_csv(reference: Path, step: int = 1) -> Path:
    """The reference after ``step`` revisions, chosen by catalogue number.

    Revision 1 changes 1% of the records and removes 0.5%; revision 2 changes another 1% of
    what revision 1 left.
    """
    path = reference.with_name(f"{reference.stem}-modified-{step}.csv")
    source = reference if step == 1 else modified_csv(reference, step - 1)
    if path.exists() and path.stat().st_mtime >= source.stat().st_mtime:
        return path
    con = connect(threads=2)
    serial = "CAST(substr(catalogNumber, -9) AS BIGINT)"
    chosen = {1: 0, 2: 50}[step]
    removed = f"WHERE {serial} % 200 != 1" if step == 1 else ""
    con.execute(
        f"COPY (SELECT * REPLACE (CASE WHEN {serial} % 100 = {chosen} "
        f"THEN coalesce(locality, '') || ' (revision {step})' ELSE locality END AS locality) "
        f"FROM read_csv({literal(source)}, all_varchar = true) {removed}) "
        f"TO {literal(path)} (HEADER, FORMAT csv)"
    )
    return path
