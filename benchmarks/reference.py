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
    wanted = {"records": records, "seed": SEED, "generator": 1}
    if path.exists() and note.exists() and json.loads(note.read_text()) == wanted:
        return path
    write_csv(path, records, seed=SEED)
    note.write_text(json.dumps(wanted))
    return path


def modified_csv(reference: Path) -> Path:
    """The reference with 1% of records changed and 0.5% removed (chosen by catalogue number)."""
    path = reference.with_name(reference.stem + "-modified.csv")
    if path.exists() and path.stat().st_mtime >= reference.stat().st_mtime:
        return path
    con = connect(threads=2)
    serial = "CAST(substr(catalogNumber, -9) AS BIGINT)"
    con.execute(
        f"COPY (SELECT * REPLACE (CASE WHEN {serial} % 100 = 0 THEN locality || ' (revised)' "
        f"ELSE locality END AS locality) FROM read_csv({literal(reference)}, all_varchar = true) "
        f"WHERE {serial} % 200 != 1) TO {literal(path)} (HEADER, FORMAT csv)"
    )
    return path
