"""The scale benchmark's generated files, cached in benchmarks/data/ by seed and scale.

Every resource of :mod:`benchmarks.scale_shape` is one CSV made by the demo's seeded generators
(:mod:`holotype.demo.generator`, :mod:`holotype.demo.indexlots`), each with its own seed, so
the same seed and scale always give the same records and every record id is unique across the
site. The specimens resource also gets nine small patches (0.01% of its records each: cheap
versions, so a count can look ten versions back) and a revision that changes the locality of
1% of its records (the timed re-ingest).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from benchmarks.reference import DATA
from benchmarks.scale_shape import RESEARCH_COLUMNS, SPECIMENS, Part, scaled
from holotype.demo.generator import write_csv
from holotype.engine import connect, literal

SEED = 20261206
GENERATOR = 1  # bump when the generated files change
PATCHES = 9  # versions 2..10 of the specimens resource; the revision is version 11
SERIAL = "CAST(substr(catalogNumber, -9) AS BIGINT)"


@dataclass(frozen=True)
class Files:
    """Where a run's generated files are."""

    root: Path
    parts: list[tuple[Part, int, Path]]  # (part, records at this scale, its CSV)
    patches: list[Path]  # the specimens resource's patches, in order
    revision: Path  # the specimens resource with 1% of its records changed

    @property
    def records(self) -> int:
        return sum(n for _part, n, _path in self.parts)

    def bytes(self) -> int:
        return sum(p.stat().st_size for p in self.root.glob("*.csv"))


def files(scale: float, seed: int = SEED, say: Callable[[str], None] = print,
          data: Path = DATA) -> Files:
    """The generated files for ``scale`` and ``seed``, made now unless cached in ``data``."""
    root = data / f"scale-{seed}-{scale:g}"
    note = root / "note.json"
    key = {"seed": seed, "scale": scale, "generator": GENERATOR}
    sizes = scaled(scale)
    parts = [(part, n, root / f"{part.dataset}--{part.slug}.csv") for part, n in sizes]
    specimens = next(path for part, _n, path in parts if part == SPECIMENS)
    made = Files(root, parts, [root / f"patch-{k}.csv" for k in range(1, PATCHES + 1)],
                 root / "specimens-revision.csv")
    if note.exists() and json.loads(note.read_text()) == key:
        return made
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for number, (part, n, path) in enumerate(parts):
        say(f"generating {part.name}: {n:,} records")
        write_csv(path, n, seed=seed + number, kind=part.kind, extend=_columns(part))
    con = connect(threads=2)
    try:
        source = f"read_csv({literal(specimens)}, all_varchar = true)"
        for k, patch in enumerate(made.patches, start=1):
            con.execute(
                f"COPY (SELECT occurrenceID, coalesce(locality, '') || ' (patch {k})' AS locality "
                f"FROM {source} WHERE {SERIAL} % 10000 = {k}) TO {literal(patch)} (HEADER)")
        con.execute(
            f"COPY (SELECT * REPLACE (CASE WHEN {SERIAL} % 100 = 0 THEN coalesce(locality, '') "
            f"|| ' (revision)' ELSE locality END AS locality) FROM {source}) "
            f"TO {literal(made.revision)} (HEADER)")
    finally:
        con.close()
    note.write_text(json.dumps(key))
    return made


def _columns(part: Part) -> Callable[[pa.Table], pa.Table] | None:
    if part.columns == "all":
        return None

    def narrow(table: pa.Table) -> pa.Table:
        return table.select(list(RESEARCH_COLUMNS))

    return narrow
